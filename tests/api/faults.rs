//! One test per Stripe fault mode the emulator can inject, per endpoint:
//! what the customer is told, what is retried (always with the same
//! idempotency key) and that the cancel is kept until it lands.

use std::time::{Duration, Instant};

use serde_json::{json, Value};

use crate::helpers::{stack, stack_alone, Stack};

const KEPT: &str = "received your cancellation";

fn cancel_fault(s: &Stack, sub: &str, fault: Value) -> (String, Value) {
    let token = s.session("t_signed", sub);
    let mut f = fault;
    f["method"] = json!("POST");
    f["path_contains"] = json!(format!("/v1/subscriptions/{sub}"));
    s.fault(f);
    let a = s.api(&token, "cancel", &json!({"reason_id": "too_expensive"}));
    (token, json!({"status": a.status, "body": a.body}))
}

fn one_key(writes: &[Value]) {
    assert!(
        writes
            .windows(2)
            .all(|w| w[0]["idempotency_key"] == w[1]["idempotency_key"]),
        "every attempt carries the same key: {writes:?}"
    );
}

fn applied(writes: &[Value]) -> usize {
    writes
        .iter()
        .filter(|w| w["status"] == 200 && w["replayed"] == false)
        .count()
}

#[test]
fn a_429_is_retried_after_the_wait_stripe_asks_for() {
    let s = stack();
    let sub = s.subscription();
    let (_, a) = cancel_fault(&s, &sub.id, json!({"status": 429, "retry_after": 2}));
    assert_eq!(a["status"], 200, "{a}");
    assert_eq!(a["body"]["status"], "cancelled");
    let writes = s.stripe_writes(&sub.id);
    assert_eq!(writes.len(), 2, "{writes:?}");
    one_key(&writes);
    let gap = writes[1]["time"].as_f64().expect("time") - writes[0]["time"].as_f64().expect("time");
    assert!(gap >= 2.0, "waited {gap:.2} s, Stripe asked for 2");
    assert_eq!(s.read_subscription(&sub.id)["cancel_at_period_end"], true);
}

#[test]
fn a_429_asking_longer_than_the_customer_can_wait_keeps_the_cancel_until_then() {
    let s = stack_alone();
    let sub = s.subscription();
    let (token, a) = cancel_fault(&s, &sub.id, json!({"status": 429, "retry_after": 600}));
    assert_eq!(a["status"], 202, "{a}");
    assert_eq!(a["body"]["status"], "cancel_pending");
    assert!(a["body"]["message"]
        .as_str()
        .expect("message")
        .contains(KEPT));
    assert_eq!(
        s.stripe_writes(&sub.id).len(),
        1,
        "no retry inside the wait"
    );
    let op = &s.sql(&format!(
        "SELECT o.next_attempt_at - o.updated_at AS wait FROM operations o JOIN sessions s ON s.id = o.session_id WHERE s.subscription_id = '{}'",
        sub.id
    ))[0];
    assert!(op["wait"].as_i64().expect("wait") >= 600, "{op}");

    s.run_cron();
    assert_eq!(s.stripe_writes(&sub.id).len(), 1, "the cron waits too");
    s.retry_due_now(&sub.id);
    assert_eq!(s.view(&token).body["status"], "cancelled");
    assert_eq!(s.read_subscription(&sub.id)["cancel_at_period_end"], true);
}

#[test]
fn a_refused_connection_is_retried_and_lands_once() {
    let s = stack();
    let sub = s.subscription();
    let (_, a) = cancel_fault(&s, &sub.id, json!({"action": "refuse"}));
    assert_eq!(a["status"], 200, "{a}");
    let writes = s.stripe_writes(&sub.id);
    assert_eq!(writes.len(), 2, "{writes:?}");
    assert_eq!(writes[0]["fault"], "refuse");
    one_key(&writes);
    assert_eq!(applied(&writes), 1);
    assert_eq!(s.read_subscription(&sub.id)["cancel_at_period_end"], true);
}

#[test]
fn a_slow_answer_inside_the_deadline_is_one_write() {
    let s = stack();
    let sub = s.subscription();
    let (_, a) = cancel_fault(&s, &sub.id, json!({"delay_ms": 2500}));
    assert_eq!(a["status"], 200, "{a}");
    assert_eq!(a["body"]["status"], "cancelled");
    assert_eq!(s.stripe_writes(&sub.id).len(), 1, "no second attempt");
}

#[test]
fn a_stripe_that_hangs_answers_the_customer_in_time_and_the_cancel_lands_later() {
    let s = stack_alone();
    let sub = s.subscription();
    let started = Instant::now();
    let (token, a) = cancel_fault(&s, &sub.id, json!({"delay_ms": 15000, "times": 2}));
    let took = started.elapsed();
    assert!(
        took < Duration::from_secs(11),
        "the customer waited {took:?}"
    );
    assert_eq!(a["status"], 202, "{a}");
    assert!(a["body"]["message"]
        .as_str()
        .expect("message")
        .contains(KEPT));
    assert_eq!(
        s.stripe_writes(&sub.id).len(),
        2,
        "two attempts, both abandoned"
    );

    s.retry_due_now(&sub.id);
    assert_eq!(s.view(&token).body["status"], "cancelled");
    let writes = s.stripe_writes(&sub.id);
    one_key(&writes);
    assert_eq!(s.read_subscription(&sub.id)["cancel_at_period_end"], true);
}

#[test]
fn a_500_on_a_read_only_endpoint_does_not_stop_the_cancel() {
    // Faults are per endpoint: the precancel's read fails, the write does not.
    let s = stack();
    let sub = s.subscription();
    s.fault(json!({"method": "GET", "path_contains": sub.id, "status": 500, "times": 1}));
    let token = s.session("t_signed", &sub.id);
    let a = s.api(&token, "cancel", &json!({}));
    assert_eq!(a.status, 200, "{}", a.body);
    assert_eq!(s.read_subscription(&sub.id)["cancel_at_period_end"], true);
}
