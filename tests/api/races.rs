//! Many customers at once: every session ends as Stripe says it did.

use std::thread;

use serde_json::{json, Value};

use crate::helpers::{stack_alone, within_test, Subscription};

const SESSIONS: usize = 200;

/// One customer's whole visit: a precancel, then a cancel (even `i`) or
/// the 25% offer (odd `i`). Returns the session's token.
fn visit(i: usize, sub: &str) -> String {
    let s = within_test();
    let app = if i.is_multiple_of(2) {
        "t_signed"
    } else {
        "t_offers"
    };
    let token = s.session(app, sub);
    let a = if i.is_multiple_of(2) {
        s.api(&token, "cancel", &json!({"reason_id": "too_expensive"}))
    } else {
        s.accept_save25(&token)
    };
    assert_eq!(a.status, 200, "{sub}: {}", a.body);
    token
}

fn coupons(stripe_sub: &Value) -> Vec<&str> {
    stripe_sub["discounts"]
        .as_array()
        .map(|ds| {
            ds.iter()
                .filter_map(|d| d["source"]["coupon"].as_str())
                .collect()
        })
        .unwrap_or_default()
}

#[test]
fn two_hundred_concurrent_sessions_end_as_stripe_says() {
    let s = stack_alone();
    let subs: Vec<Subscription> = (0..SESSIONS).map(|_| s.subscription()).collect();
    let tokens: Vec<String> = subs
        .iter()
        .enumerate()
        .map(|(i, sub)| {
            let id = sub.id.clone();
            thread::spawn(move || visit(i, &id))
        })
        .collect::<Vec<_>>()
        .into_iter()
        .map(|h| h.join().expect("a visit"))
        .collect();

    for (i, (sub, token)) in subs.iter().zip(&tokens).enumerate() {
        let ours = s.view(token).body["status"].clone();
        let theirs = s.stripe(
            "GET",
            &format!("/v1/subscriptions/{}?expand%5B%5D=discounts", sub.id),
            &[],
        );
        let writes = s.stripe_writes(&sub.id);
        assert_eq!(writes.len(), 1, "{}: one write each: {writes:?}", sub.id);
        if i.is_multiple_of(2) {
            assert_eq!(ours, "cancelled", "{}", sub.id);
            assert_eq!(theirs["cancel_at_period_end"], true, "{}", sub.id);
            assert!(coupons(&theirs).is_empty(), "{}", sub.id);
        } else {
            assert_eq!(ours, "offer_accepted", "{}", sub.id);
            assert_eq!(theirs["cancel_at_period_end"], false, "{}", sub.id);
            assert_eq!(coupons(&theirs), ["SAVE25"], "{}", sub.id);
        }
    }
}
