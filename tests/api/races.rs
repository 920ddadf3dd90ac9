//! Many customers at once: every session ends as Stripe says it did.

use std::thread;
use std::time::Duration;

use serde_json::{json, Value};

use crate::helpers::{stack_alone, token_of, try_post_raw, within_test, Answer, Subscription};

const SESSIONS: usize = 200;

/// A POST as a customer's browser sends it, sent again when no answer came
/// back: `wrangler dev`'s local proxy drops a connection now and then under
/// two hundred at once on a small machine (an EOF, or its own plain-text
/// 503), which Cloudflare's edge does not. Each call here may be repeated:
/// a second precancel only makes a session nobody uses, and a decision
/// already made is answered again, not made twice (the test counts
/// Stripe's writes).
fn post(path: &str, body: &Value) -> Answer {
    let url = format!("{}{path}", within_test().url);
    let mut last = String::new();
    for _ in 0..3 {
        match try_post_raw(&url, &body.to_string(), &[]) {
            Ok(a) if !(a.status == 503 && a.body.is_null()) => return a,
            Ok(a) => last = format!("the proxy's {}", a.status),
            Err(e) => last = e,
        }
        thread::sleep(Duration::from_millis(300));
    }
    panic!("no answer from {path}: {last}")
}

/// One customer's whole visit: a precancel, then a cancel (even `i`) or
/// the 25% offer (odd `i`). Returns the session's token.
fn visit(i: usize, sub: &str) -> String {
    let s = within_test();
    let app = if i.is_multiple_of(2) {
        "t_signed"
    } else {
        "t_offers"
    };
    let started = post("/precancel", &s.signed(app, sub));
    assert_eq!(started.status, 200, "{sub}: {}", started.body);
    let token = token_of(&started);
    let step = |action: &str, body: Value| {
        let a = post(&format!("/api/sessions/{token}/{action}"), &body);
        assert_eq!(a.status, 200, "{sub} {action}: {}", a.body);
    };
    if i.is_multiple_of(2) {
        step("cancel", json!({"reason_id": "too_expensive"}));
    } else {
        step("reason", json!({"reason_id": "too_expensive"}));
        step("offers/save25/show", json!({}));
        step("offers/save25/accept", json!({}));
    }
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
