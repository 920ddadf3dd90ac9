use std::thread;

use serde_json::{json, Value};

use crate::helpers::{stack, within_test, Answer};

/// The reason each offer of `tests/api/offers.json` is placed for.
fn reason_for(offer: &str) -> &'static str {
    match offer {
        "save25" => "too_expensive",
        "pause2m" => "unused",
        "free1m" => "too_complex",
        "yearly" => "missing_features",
        "callus" => "customer_service",
        _ => "other",
    }
}

/// The customer gives the reason the offer is placed for, and the page
/// shows it, as the cancel page does before any accept.
fn show(token: &str, offer: &str) -> Answer {
    let s = within_test();
    s.api(token, "reason", &json!({"reason_id": reason_for(offer)}));
    s.api(token, &format!("offers/{offer}/show"), &json!({}))
}

/// Shown (asserted), then accepted.
fn take(token: &str, offer: &str) -> Answer {
    let shown = show(token, offer);
    assert_eq!(shown.status, 200, "{}", shown.body);
    accept(token, offer)
}

fn accept(token: &str, offer: &str) -> Answer {
    within_test().api(token, &format!("offers/{offer}/accept"), &json!({}))
}

fn offer_ids(token: &str) -> Vec<String> {
    let v = within_test().view(token).body;
    v["offers"]
        .as_array()
        .expect("offers")
        .iter()
        .filter_map(|o| o["id"].as_str().map(str::to_owned))
        .collect()
}

/// Writes that reached Stripe and changed something (not replays).
fn applied(sub: &str) -> Vec<Value> {
    within_test()
        .stripe_writes(sub)
        .into_iter()
        .filter(|w| w["status"] == 200 && w["replayed"] == false)
        .collect()
}

fn coupons(sub: &str) -> Vec<String> {
    let v = within_test().stripe(
        "GET",
        &format!("/v1/subscriptions/{sub}?expand%5B%5D=discounts"),
        &[],
    );
    v["discounts"]
        .as_array()
        .expect("discounts")
        .iter()
        .filter_map(|d| d["source"]["coupon"].as_str().map(str::to_owned))
        .collect()
}

#[test]
fn a_discount_is_added_beside_the_existing_one_after_a_preview_with_numbers() {
    let s = stack();
    let sub = s.subscription();
    s.stripe(
        "POST",
        &format!("/v1/subscriptions/{}", sub.id),
        &[("discounts[0][coupon]", "FREEMONTH")],
    );
    let token = s.session("t_stack", &sub.id);
    assert_eq!(offer_ids(&token), ["save25"]);

    let p = show(&token, "save25");
    assert_eq!(p.status, 200, "{}", p.body);
    assert_eq!(p.body["offer"]["kind"], "discount");
    assert_eq!(p.body["current_amount"], 2400);
    assert_eq!(
        p.body["new_amount"], 0,
        "Stripe's preview: 100% then 25% off"
    );
    let period_end = s.read_subscription(&sub.id)["current_period_end"].clone();
    assert_eq!(p.body["next_charge_at"], period_end);

    let a = accept(&token, "save25");
    assert_eq!(a.status, 200, "{}", a.body);
    assert_eq!(a.body["status"], "offer_accepted");
    assert_eq!(
        a.body["redirect_url"],
        "https://merchant.example/account?saved=1"
    );
    assert_eq!(coupons(&sub.id), ["FREEMONTH", "SAVE25"]);
    assert_eq!(s.view(&token).body["status"], "offer_accepted");
}

#[test]
fn a_discount_preview_shows_the_new_price() {
    let s = stack();
    let sub = s.subscription();
    let token = s.session("t_offers", &sub.id);
    let p = show(&token, "save25");
    assert_eq!(p.body["new_amount"], 1800, "25% off 24.00: {}", p.body);
    assert_eq!(p.body["currency"], "usd");
    assert!(
        p.body["offer"]["body"]
            .as_str()
            .expect("body")
            .contains("E2E Snack Box"),
        "copy is personalised"
    );
}

#[test]
fn a_pause_voids_collection_until_two_months_after_the_paid_period() {
    let s = stack();
    let sub = s.subscription();
    let token = s.session("t_offers", &sub.id);
    let p = show(&token, "pause2m");
    assert_eq!(p.status, 200, "{}", p.body);
    let resumes_at = p.body["resumes_at"].as_i64().expect("a pause end date");
    let period_end = s.read_subscription(&sub.id)["current_period_end"]
        .as_i64()
        .expect("period end");
    assert!(
        resumes_at > period_end + 58 * 86_400 && resumes_at < period_end + 63 * 86_400,
        "{resumes_at} vs {period_end}"
    );

    assert_eq!(accept(&token, "pause2m").status, 200);
    let after = s.read_subscription(&sub.id);
    assert_eq!(after["pause_collection"]["behavior"], "void");
    assert_eq!(
        after["pause_collection"]["resumes_at"].as_i64(),
        Some(resumes_at)
    );
    assert_eq!(after["status"], "active");
}

#[test]
fn an_extension_keeps_service_free_with_mark_uncollectible() {
    let s = stack();
    let sub = s.subscription();
    let token = s.session("t_offers", &sub.id);
    let p = show(&token, "free1m");
    let resumes_at = p.body["resumes_at"].as_i64().expect("an end date");
    assert_eq!(accept(&token, "free1m").status, 200);
    let after = s.read_subscription(&sub.id);
    assert_eq!(after["pause_collection"]["behavior"], "mark_uncollectible");
    assert_eq!(
        after["pause_collection"]["resumes_at"].as_i64(),
        Some(resumes_at)
    );
}

#[test]
fn a_plan_change_swaps_the_price_with_the_configured_proration() {
    let s = stack();
    let sub = s.subscription();
    let token = s.session("t_offers", &sub.id);
    let p = show(&token, "yearly");
    assert_eq!(
        p.body["new_amount"], 15000,
        "Stripe's preview of the yearly price: {}",
        p.body
    );
    assert_eq!(accept(&token, "yearly").status, 200);
    let after = s.read_subscription(&sub.id);
    assert_eq!(after["items"]["data"][0]["price"]["id"], "snack_yearly");
    let writes = applied(&sub.id);
    assert_eq!(writes.len(), 1);
    assert_eq!(writes[0]["params"]["proration_behavior"], "none");
    assert!(writes[0]["params"]["items"][0]["id"]
        .as_str()
        .expect("item id")
        .starts_with("si_"));
}

#[test]
fn a_redirect_offer_sends_the_customer_to_the_merchant_url_without_touching_stripe() {
    let s = stack();
    let sub = s.subscription();
    let mut body = s.signed("t_offers", &sub.id);
    body["account"] = json!({"internal_id": "user 42&x"});
    let a = s.precancel(&body);
    let token = crate::helpers::token_of(&a);
    let r = take(&token, "callus");
    assert_eq!(r.status, 200, "{}", r.body);
    let url = r.body["redirect_url"].as_str().expect("a redirect");
    assert!(
        url.starts_with("https://merchant.example/free-month?customer_id=user+42%26x&interval=1&hf_session=ses_"),
        "{url}"
    );
    assert!(crate::helpers::pass_through_verifies(
        url,
        &s.signing_secret
    ));
    assert!(applied(&sub.id).is_empty());
}

#[test]
fn fifty_concurrent_accepts_make_one_stripe_write() {
    let s = stack();
    let sub = s.subscription();
    let token = s.session("t_offers", &sub.id);
    assert_eq!(show(&token, "save25").status, 200);
    let statuses: Vec<u16> = (0..50)
        .map(|_| {
            let token = token.clone();
            thread::spawn(move || accept(&token, "save25").status)
        })
        .collect::<Vec<_>>()
        .into_iter()
        .map(|h| h.join().expect("thread"))
        .collect();
    assert!(
        statuses.iter().all(|s| *s == 200 || *s == 202),
        "{statuses:?}"
    );
    assert_eq!(applied(&sub.id).len(), 1, "one write for fifty clicks");
    assert_eq!(coupons(&sub.id), ["SAVE25"]);
}

#[test]
fn an_offer_and_a_cancel_never_both_happen_on_one_session() {
    let s = stack();
    let sub = s.subscription();
    let token = s.session("t_offers", &sub.id);
    assert_eq!(take(&token, "save25").status, 200);
    let c = s.api(&token, "cancel", &json!({}));
    assert_eq!(c.status, 409, "{}", c.body);
    assert!(c.body["error"]["message"]
        .as_str()
        .expect("message")
        .contains("accepted an offer"));
    assert_eq!(s.read_subscription(&sub.id)["cancel_at_period_end"], false);

    let other = s.subscription();
    let token = s.session("t_offers", &other.id);
    assert_eq!(show(&token, "save25").status, 200);
    assert_eq!(s.api(&token, "cancel", &json!({})).status, 200);
    let a = accept(&token, "save25");
    assert_eq!(a.status, 409, "{}", a.body);
    assert!(a.body["error"]["message"]
        .as_str()
        .expect("message")
        .contains("already cancelled"));
    assert!(coupons(&other.id).is_empty());
}

#[test]
fn a_failed_write_is_retried_with_the_same_key_and_applied_once() {
    let s = stack();
    let sub = s.subscription();
    let token = s.session("t_offers", &sub.id);
    s.fault(json!({"method": "POST", "path_contains": format!("/v1/subscriptions/{}", sub.id), "status": 500, "times": 1}));
    let a = take(&token, "save25");
    assert_eq!(a.status, 200, "{}", a.body);
    let writes = s.stripe_writes(&sub.id);
    assert_eq!(
        writes.len(),
        2,
        "a failed attempt, then the retry: {writes:?}"
    );
    assert_eq!(writes[0]["idempotency_key"], writes[1]["idempotency_key"]);
    assert_eq!(applied(&sub.id).len(), 1);
    assert_eq!(coupons(&sub.id), ["SAVE25"]);
}

#[test]
fn a_write_that_times_out_is_applied_once_when_the_retry_lands() {
    let s = stack();
    let sub = s.subscription();
    let token = s.session("t_offers", &sub.id);
    // The first write hangs past the edge's deadline, then reaches Stripe late.
    s.fault(json!({"method": "POST", "path_contains": format!("/v1/subscriptions/{}", sub.id), "delay_ms": 9000, "times": 1}));
    let a = take(&token, "pause2m");
    assert_eq!(a.status, 200, "{}", a.body);
    std::thread::sleep(std::time::Duration::from_millis(1500));
    let writes = s.stripe_writes(&sub.id);
    assert_eq!(writes.len(), 2, "{writes:?}");
    assert_eq!(
        applied(&sub.id).len(),
        1,
        "the late one was a replay: {writes:?}"
    );
    assert_eq!(
        s.read_subscription(&sub.id)["pause_collection"]["behavior"],
        "void"
    );
}

#[test]
fn an_offer_that_cannot_be_applied_stays_pending_and_never_becomes_a_cancel() {
    let s = stack();
    let sub = s.subscription();
    let token = s.session("t_offers", &sub.id);
    s.fault(json!({"method": "POST", "path_contains": format!("/v1/subscriptions/{}", sub.id), "status": 503, "times": 2}));
    let a = take(&token, "save25");
    assert_eq!(a.status, 202, "{}", a.body);
    assert_eq!(a.body["status"], "offer_pending");
    assert_eq!(s.read_subscription(&sub.id)["cancel_at_period_end"], false);
    let again = accept(&token, "save25");
    assert_eq!(
        again.body["status"], "offer_accepted",
        "the customer's retry lands it: {}",
        again.body
    );
    assert_eq!(coupons(&sub.id), ["SAVE25"]);
}

#[test]
fn only_one_offer_screen_is_shown_per_session() {
    let s = stack();
    let sub = s.subscription();
    let token = s.session("t_offers", &sub.id);
    assert_eq!(show(&token, "save25").status, 200);
    assert_eq!(
        show(&token, "save25").status,
        200,
        "showing the same offer again is free"
    );
    let second = show(&token, "pause2m");
    assert_eq!(second.status, 409, "{}", second.body);
    assert_eq!(offer_ids(&token), ["save25"]);
    assert_eq!(s.view(&token).body["offer_screens_left"], 0);
}

#[test]
fn bad_offer_requests_are_refused_clearly() {
    let s = stack();
    let sub = s.subscription();
    let token = s.session("t_offers", &sub.id);
    let a = accept(&token, "nope");
    assert_eq!(a.status, 404);
    assert_eq!(a.body["error"]["code"], "not_found");
    assert!(applied(&sub.id).is_empty());
}

#[test]
fn with_manage_offers_off_the_acceptance_is_recorded_and_stripe_left_alone() {
    let s = stack();
    let sub = s.subscription();
    let token = s.session("t_offers_record", &sub.id);
    let a = take(&token, "save25");
    assert_eq!(a.status, 200, "{}", a.body);
    assert_eq!(a.body["status"], "offer_accepted");
    assert!(applied(&sub.id).is_empty());
}

mod guardrails {
    use super::*;

    /// Not offered when the state is there at precancel; refused at accept
    /// when it arrives between showing and accepting.
    fn guardrail(offer: &str, change: &[(&str, &str)], word: &str) {
        let s = stack();
        let before = s.subscription();
        s.stripe("POST", &format!("/v1/subscriptions/{}", before.id), change);
        let token = s.session("t_offers", &before.id);
        assert!(
            !offer_ids(&token).contains(&offer.to_owned()),
            "{offer} is not offered"
        );
        assert_eq!(show(&token, offer).status, 409);

        let between = s.subscription();
        let token = s.session("t_offers", &between.id);
        assert!(offer_ids(&token).contains(&offer.to_owned()));
        assert_eq!(show(&token, offer).status, 200);
        s.stripe("POST", &format!("/v1/subscriptions/{}", between.id), change);
        let a = accept(&token, offer);
        assert_eq!(a.status, 409, "{}", a.body);
        assert!(
            a.body["error"]["message"]
                .as_str()
                .expect("message")
                .contains(word),
            "{}",
            a.body
        );
        assert!(
            applied(&between.id).len() == 1,
            "only the test's own change was written"
        );
    }

    #[test]
    fn an_existing_discount_stops_a_discount_offer() {
        guardrail(
            "save25",
            &[("discounts[0][coupon]", "FREEMONTH")],
            "discount",
        );
    }

    #[test]
    fn a_scheduled_cancel_stops_offers() {
        guardrail(
            "pause2m",
            &[("cancel_at_period_end", "true")],
            "cancellation scheduled",
        );
    }

    #[test]
    fn a_paused_subscription_gets_no_offer() {
        guardrail(
            "free1m",
            &[("pause_collection[behavior]", "void")],
            "paused",
        );
    }

    #[test]
    fn a_recent_offer_stops_the_next_one() {
        let s = stack();
        let sub = s.subscription();
        let earlier = s.session("t_offers", &sub.id);
        let later = s.session("t_offers", &sub.id);
        assert!(offer_ids(&later).contains(&"save25".to_owned()));
        assert_eq!(take(&earlier, "save25").status, 200);
        let a = show(&later, "pause2m");
        assert_eq!(a.status, 409, "{}", a.body);
        assert!(a.body["error"]["message"]
            .as_str()
            .expect("message")
            .contains("recently"));
        assert_eq!(accept(&later, "pause2m").status, 403, "never shown");
        let third = s.session("t_offers", &sub.id);
        assert!(
            offer_ids(&third).is_empty(),
            "within 90 days, nothing is offered"
        );
    }
}
