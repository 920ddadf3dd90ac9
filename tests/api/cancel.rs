use std::thread;

use serde_json::{json, Value};

use crate::helpers::{stack, stack_alone, within_test};

fn period_end(sub: &Value) -> i64 {
    sub["current_period_end"]
        .as_i64()
        .expect("current_period_end")
}

#[test]
fn cancel_at_period_end_sends_the_reason_to_stripe_once() {
    let s = stack();
    let sub = s.subscription();
    let token = s.session("t_signed", &sub.id);

    let a = s.api(&token, "reason", &json!({"reason_id": "too_expensive"}));
    assert_eq!(a.status, 200, "{}", a.body);
    let a = s.api(&token, "cancel", &json!({"comment": "The price went up"}));
    assert_eq!(a.status, 200, "{}", a.body);
    assert_eq!(a.body["status"], "cancelled");
    assert_eq!(a.body["redirect_url"], "https://merchant.example/goodbye");

    let stripe_sub = s.read_subscription(&sub.id);
    assert_eq!(
        stripe_sub["status"], "active",
        "at period end: still active now"
    );
    assert_eq!(stripe_sub["cancel_at_period_end"], true);
    assert_eq!(
        stripe_sub["cancellation_details"]["feedback"],
        "too_expensive"
    );
    assert_eq!(
        stripe_sub["cancellation_details"]["comment"],
        "The price went up"
    );
    assert_eq!(
        a.body["cancel_effective_at"].as_i64(),
        Some(period_end(&stripe_sub))
    );

    let writes = s.stripe_writes(&sub.id);
    assert_eq!(writes.len(), 1, "{writes:?}");
    let key = writes[0]["idempotency_key"]
        .as_str()
        .expect("an Idempotency-Key on the write");
    assert!(
        key.starts_with("holdfast:ses_") && key.ends_with(&sub.id),
        "{key}"
    );

    // Cancelling again answers the same and calls Stripe no more.
    let again = s.api(&token, "cancel", &json!({}));
    assert_eq!(again.status, 200);
    assert_eq!(again.body["status"], "cancelled");
    assert_eq!(s.stripe_writes(&sub.id).len(), 1);
    assert_eq!(s.view(&token).body["status"], "cancelled");
}

#[test]
fn concurrent_cancels_make_exactly_one_stripe_cancel() {
    let s = stack();
    let sub = s.subscription();
    let token = s.session("t_signed", &sub.id);
    let answers: Vec<u16> = (0..50)
        .map(|_| {
            let token = token.clone();
            thread::spawn(move || {
                within_test()
                    .api(&token, "cancel", &json!({"reason_id": "unused"}))
                    .status
            })
        })
        .collect::<Vec<_>>()
        .into_iter()
        .map(|h| h.join().expect("thread"))
        .collect();
    assert!(
        answers.iter().all(|st| *st == 200 || *st == 202),
        "{answers:?}"
    );
    assert_eq!(
        s.stripe_writes(&sub.id).len(),
        1,
        "one Stripe cancel for fifty clicks"
    );
    assert_eq!(s.read_subscription(&sub.id)["cancel_at_period_end"], true);
}

#[test]
fn a_stripe_failure_leaves_a_pending_cancel_that_the_customer_can_retry() {
    let s = stack_alone();
    let sub = s.subscription();
    let token = s.session("t_signed", &sub.id);
    s.fault(json!({"method": "POST", "path_contains": sub.id, "status": 500, "times": 2}));

    let a = s.api(&token, "cancel", &json!({"reason_id": "too_complex"}));
    assert_eq!(a.status, 202, "{}", a.body);
    assert_eq!(a.body["status"], "cancel_pending");
    assert!(a.body["message"]
        .as_str()
        .expect("message")
        .contains("received your cancellation"));
    assert_eq!(s.read_subscription(&sub.id)["cancel_at_period_end"], false);
    let ops = s.sql(&format!("SELECT o.status, o.last_error FROM operations o JOIN sessions s ON s.id = o.session_id WHERE s.subscription_id = '{}'", sub.id));
    assert_eq!(ops[0]["status"], "pending", "the cancel is kept: {ops:?}");

    let retry = s.api(&token, "cancel", &json!({}));
    assert_eq!(retry.status, 200, "{}", retry.body);
    assert_eq!(retry.body["status"], "cancelled");
    let stripe_sub = s.read_subscription(&sub.id);
    assert_eq!(stripe_sub["cancel_at_period_end"], true);
    assert_eq!(
        stripe_sub["cancellation_details"]["feedback"], "too_complex",
        "the retry sent the same cancel"
    );
    let writes = s.stripe_writes(&sub.id);
    let keys: Vec<&Value> = writes.iter().map(|w| &w["idempotency_key"]).collect();
    assert!(
        keys.windows(2).all(|w| w[0] == w[1]),
        "every attempt used the same key: {keys:?}"
    );
}

#[test]
fn the_cron_finishes_a_pending_cancel() {
    let s = stack_alone();
    let sub = s.subscription();
    let token = s.session("t_signed", &sub.id);
    s.fault(json!({"method": "POST", "path_contains": sub.id, "status": 503, "times": 2}));
    assert_eq!(
        s.api(&token, "cancel", &json!({})).body["status"],
        "cancel_pending"
    );

    // Time passes: the backoff is over.
    s.retry_due_now(&sub.id);
    assert_eq!(s.read_subscription(&sub.id)["cancel_at_period_end"], true);
    assert_eq!(s.view(&token).body["status"], "cancelled");
}

#[test]
fn cancel_now_invoices_and_prorates_when_the_app_says_so() {
    let s = stack();
    let sub = s.subscription();
    let token = s.session("t_now", &sub.id);
    let a = s.api(
        &token,
        "cancel",
        &json!({"reason_id": "switched_service", "comment": "Went elsewhere"}),
    );
    assert_eq!(a.status, 200, "{}", a.body);
    let stripe_sub = s.read_subscription(&sub.id);
    assert_eq!(stripe_sub["status"], "canceled");
    assert!(stripe_sub["canceled_at"].is_i64());
    assert_eq!(
        stripe_sub["cancellation_details"]["feedback"],
        "switched_service"
    );
    let writes = s.stripe_writes(&sub.id);
    assert_eq!(writes.len(), 1);
    assert_eq!(writes[0]["method"], "DELETE");
    assert_eq!(writes[0]["params"]["invoice_now"], "true");
    assert_eq!(writes[0]["params"]["prorate"], "true");
}

#[test]
fn cancel_all_cancels_every_live_subscription_of_the_customer() {
    let s = stack();
    let first = s.subscription();
    let second = s.subscription_for(&first.customer);
    let token = s.session("t_all", &first.id);
    let a = s.api(&token, "cancel", &json!({}));
    assert_eq!(a.status, 200, "{}", a.body);
    assert_eq!(s.read_subscription(&first.id)["cancel_at_period_end"], true);
    assert_eq!(
        s.read_subscription(&second.id)["cancel_at_period_end"],
        true
    );
}

#[test]
fn with_manage_cancels_off_the_cancel_is_recorded_and_stripe_left_alone() {
    let s = stack_alone();
    let sub = s.subscription();
    let token = s.session("t_record", &sub.id);
    let a = s.api(
        &token,
        "cancel",
        &json!({"reason_id": "other", "comment": "n/a"}),
    );
    assert_eq!(a.status, 200, "{}", a.body);
    assert_eq!(a.body["status"], "cancelled");
    assert!(s.stripe_writes(&sub.id).is_empty());
    assert_eq!(s.read_subscription(&sub.id)["cancel_at_period_end"], false);
    let events = s.sql(&format!(
        "SELECT e.kind FROM session_events e JOIN sessions s ON s.id = e.session_id WHERE s.subscription_id = '{}' ORDER BY e.id",
        sub.id
    ));
    let kinds: Vec<&str> = events.iter().filter_map(|e| e["kind"].as_str()).collect();
    assert_eq!(kinds, ["session_started", "cancel_recorded"]);
}

#[test]
fn keeping_the_subscription_returns_to_the_merchant_and_cancel_stays_possible() {
    let s = stack();
    let sub = s.subscription();
    let token = s.session("t_signed", &sub.id);
    let a = s.api(&token, "deflect", &json!({}));
    assert_eq!(a.status, 200, "{}", a.body);
    assert_eq!(a.body["status"], "deflected");
    assert_eq!(
        a.body["redirect_url"],
        "https://merchant.example/account?saved=1"
    );
    assert!(s.stripe_writes(&sub.id).is_empty());

    assert_eq!(
        s.api(&token, "cancel", &json!({})).body["status"],
        "cancelled",
        "cancelling stays easy"
    );
    let late = s.api(&token, "deflect", &json!({}));
    assert_eq!(late.status, 409);
    assert_eq!(late.body["error"]["code"], "conflict");
}

#[test]
fn bad_session_input_is_refused_with_the_field_named() {
    let s = stack();
    let sub = s.subscription();
    let token = s.session("t_signed", &sub.id);
    let cases = [
        ("reason", json!({"reason_id": "not_a_reason"}), "reason_id"),
        ("reason", json!({}), "reason_id"),
        ("reason", json!({"reason_id": 7}), "reason_id"),
        ("cancel", json!({"reason_id": "not_a_reason"}), "reason_id"),
        ("cancel", json!({"comment": "x".repeat(5001)}), "comment"),
    ];
    for (action, body, field) in cases {
        let a = s.api(&token, action, &body);
        assert_eq!(a.status, 400, "{action} {body}: {}", a.body);
        assert_eq!(a.body["error"]["field"], field, "{}", a.body);
    }
    assert!(
        s.stripe_writes(&sub.id).is_empty(),
        "nothing reached Stripe"
    );
    assert_eq!(s.view(&token).body["status"], "open", "nothing changed");
}
