//! Outgoing webhooks, checked by a receiver that verifies each delivery with
//! the independent `standardwebhooks` package (tests/webhooks/receiver.py).

use std::time::{Duration, Instant};

use serde_json::{json, Value};

use crate::helpers::{
    admin, agent, now, post_raw, stack, stack_alone, timed_signature, token_of, AdminClient,
    TestApp,
};

fn receiver() -> String {
    std::env::var("WEBHOOK_RECEIVER_URL").expect("WEBHOOK_RECEIVER_URL: run with scripts/test")
}

/// A receiver name of this test's own, with the plan of its next answers.
fn control(name: &str, secrets: &[&str], plan: &[&str]) {
    let url = format!("{}/_control/{name}", receiver());
    assert!(agent()
        .post(&url)
        .send_json(json!({"secrets": secrets, "plan": plan}))
        .is_ok());
}

fn received(name: &str) -> Vec<Value> {
    let url = format!("{}/_received/{name}", receiver());
    agent()
        .get(&url)
        .call()
        .expect("receiver answers")
        .into_json()
        .expect("json")
}

/// Waits for `n` requests at the receiver. Deliveries go out through the
/// work queue right after the request that made them; `wrangler dev` runs
/// one consumer batch at a time, so a batch held up by another test's slow
/// Stripe call or receiver delays the rest (on Cloudflare batches run side
/// by side): hence a minute, not seconds.
pub(crate) fn wait_for(name: &str, n: usize) -> Vec<Value> {
    let start = Instant::now();
    loop {
        let got = received(name);
        if got.len() >= n || start.elapsed() > Duration::from_secs(60) {
            return got;
        }
        std::thread::sleep(Duration::from_millis(100));
    }
}

/// An app whose endpoint is the receiver under `name`; returns the app and
/// the endpoint's id, with the receiver told its secret.
fn hooked(a: &AdminClient, name: &str, types: &[&str]) -> (TestApp, String) {
    let settings = json!({"offers": [{"id": "save25", "title": "25% off", "body": "b",
        "billing": {"type": "discount", "coupon": "SAVE25"}}]});
    hooked_with(a, name, types, settings)
}

/// `hooked`, for an app with these settings (the receiver is on a private
/// address, so that is allowed too).
pub(crate) fn hooked_with(
    a: &AdminClient,
    name: &str,
    types: &[&str],
    mut settings: Value,
) -> (TestApp, String) {
    settings["webhooks_allow_private"] = json!(true);
    let app = a.app_with(&format!("Webhooks {name}"), &settings);
    let made = a.send(
        "POST",
        &format!("/api/admin/apps/{}/webhooks", app.id),
        &json!({"url": format!("{}/hooks/{name}", receiver()), "event_types": types}),
    );
    assert_eq!(made.status, 201, "{}", made.body);
    let secret = made.body["secret"].as_str().expect("secret shown once");
    assert!(secret.starts_with("whsec_"));
    control(name, &[secret], &[]);
    let id = made.body["endpoint"]["id"].as_str().expect("id").to_owned();
    (app, id)
}

fn deliveries(a: &AdminClient, endpoint: &str) -> Vec<Value> {
    let log = a.get(&format!("/api/admin/webhooks/{endpoint}/deliveries"));
    assert_eq!(log.status, 200, "{}", log.body);
    log.body.as_array().expect("log").clone()
}

/// Waits until the endpoint's latest delivery satisfies `done` (the queue's
/// consumer books attempts after the request that caused them).
fn latest_until(a: &AdminClient, endpoint: &str, done: impl Fn(&Value) -> bool) -> Value {
    let start = Instant::now();
    loop {
        let log = deliveries(a, endpoint);
        if let Some(d) = log.first().filter(|d| done(d)) {
            return d.clone();
        }
        assert!(
            start.elapsed() < Duration::from_secs(60),
            "the delivery did not get there: {log:?}"
        );
        std::thread::sleep(Duration::from_millis(150));
    }
}

/// Waits until `n` attempts of delivery `id` are booked.
fn booked(s: &crate::helpers::Stack, id: &Value, n: usize) {
    let start = Instant::now();
    while s
        .sql(&format!(
            "SELECT id FROM webhook_attempts WHERE delivery_id = {id}"
        ))
        .len()
        < n
    {
        assert!(
            start.elapsed() < Duration::from_secs(60),
            "attempt {n} not booked"
        );
        std::thread::sleep(Duration::from_millis(200));
    }
}

fn types(got: &[Value]) -> Vec<String> {
    got.iter()
        .filter(|r| r["answer"] == "204")
        .filter_map(|r| r["type"].as_str().map(str::to_owned))
        .collect()
}

#[test]
fn a_journey_arrives_verified_in_order_exactly_once() {
    let s = stack();
    let a = admin();
    let name = format!("journey{}", now());
    let (app, _) = hooked(a, &name, &[]);
    let sub = s.subscription();
    let token = s.session_with(
        &app,
        &sub.id,
        json!({"account": {"internal_id": "acct_42"}}),
    );
    assert_eq!(s.accept_save25(&token).status, 200);
    // A second click changes nothing and sends nothing.
    assert_eq!(
        s.api(&token, "offers/save25/accept", &json!({})).status,
        200
    );
    let other = s.subscription();
    let token = s.session_with(&app, &other.id, json!({}));
    assert_eq!(
        s.api(&token, "cancel", &json!({"reason_id": "unused"}))
            .status,
        200
    );
    let deflect = s.subscription();
    let token = s.session_with(&app, &deflect.id, json!({}));
    assert_eq!(s.api(&token, "deflect", &json!({})).status, 200);
    assert_eq!(
        s.api(&token, "deflect", &json!({})).status,
        200,
        "keep, twice"
    );

    let got = wait_for(&name, 8);
    assert!(
        got.iter().all(|r| r["verified"] == true),
        "standardwebhooks verifies each: {got:?}"
    );
    let of = |sub: &str| -> Vec<String> {
        let mine: Vec<Value> = got
            .iter()
            .filter(|r| r["body"].as_str().is_some_and(|b| b.contains(sub)))
            .cloned()
            .collect();
        types(&mine)
    };
    assert_eq!(
        of(&sub.id),
        ["session.started", "reason.chosen", "offer.accepted"]
    );
    assert_eq!(
        of(&other.id),
        ["session.started", "cancel.requested", "cancel.completed"]
    );
    assert_eq!(of(&deflect.id), ["session.started", "session.deflected"]);
    let mut ids: Vec<&str> = got.iter().filter_map(|r| r["id"].as_str()).collect();
    ids.sort_unstable();
    ids.dedup();
    assert_eq!(ids.len(), got.len(), "no duplicates");

    let offer: Value = got
        .iter()
        .find(|r| r["type"] == "offer.accepted")
        .and_then(|r| r["body"].as_str())
        .and_then(|b| serde_json::from_str(b).ok())
        .expect("offer event");
    assert_eq!(offer["api_version"], "2026-11-01");
    assert_eq!(offer["data"]["kind"], "discount");
    assert_eq!(offer["data"]["billing"]["coupon"], "SAVE25");
    // The browser sent it: it travels apart from what Stripe vouches for.
    assert_eq!(
        offer["data"]["fields"]["unverified"]["account.internal_id"],
        "acct_42"
    );
    assert!(offer["data"]["fields"]["verified"]["account.internal_id"].is_null());
    assert_eq!(
        offer["data"]["fields"]["verified"]["subscription.id"],
        sub.id.as_str()
    );
    assert_eq!(offer["data"]["subscription_id"], sub.id.as_str());
}

#[test]
fn failures_are_retried_with_the_same_id_until_delivered_and_then_fail_for_good() {
    let s = stack_alone();
    let a = admin();
    let name = format!("flaky{}", now());
    let (app, endpoint) = hooked(a, &name, &["session.started"]);
    // 500, a timeout, a redirect: three failures, then it recovers.
    control_plan(&name, &["500", "timeout", "redirect"]);
    let sub = s.subscription();
    s.session_with(&app, &sub.id, json!({}));
    wait_for(&name, 1);
    let id = latest_until(a, &endpoint, |_| true)["id"].clone();
    booked(&s, &id, 1);
    // Each cron run's sweep enqueues the due retry; the next waits for it.
    for (n, hours) in [(2, 1), (3, 2), (4, 3)] {
        s.run_cron_at(now() + hours * 3600);
        booked(&s, &id, n);
    }
    let got = wait_for(&name, 4);
    let answers: Vec<&str> = got.iter().filter_map(|r| r["answer"].as_str()).collect();
    assert_eq!(answers, ["500", "timeout", "redirect", "204"]);
    let ids: Vec<&str> = got.iter().filter_map(|r| r["id"].as_str()).collect();
    assert!(
        ids.windows(2).all(|w| w[0] == w[1]),
        "one webhook-id across retries: {ids:?}"
    );
    assert!(got.iter().all(|r| r["verified"] == true));
    let log = [latest_until(a, &endpoint, |d| d["status"] == "delivered")];
    assert_eq!(log[0]["attempts"], 4);

    // A receiver that never recovers: failed after three days, its message
    // in the dead-letter queue and marked so in the log; a replay delivers it.
    control_plan(&name, &["503"; 40]);
    let sub = s.subscription();
    s.session_with(&app, &sub.id, json!({}));
    let before = received(&name).len();
    wait_for(&name, before + 1);
    let id = latest_until(a, &endpoint, |d| d["id"] != log[0]["id"])["id"].clone();
    booked(&s, &id, 1);
    for (n, hours) in [(2, 1), (3, 8), (4, 30), (5, 60), (6, 80)] {
        s.run_cron_at(now() + hours * 3600);
        booked(&s, &id, n);
    }
    let log = [latest_until(a, &endpoint, |d| {
        !d["dead_lettered_at"].is_null()
    })];
    assert_eq!(log[0]["status"], "failed", "{log:?}");
    assert_eq!(log[0]["last_status"], 503);
    let dead = a.get("/api/admin/dead-letters");
    assert_eq!(dead.status, 200, "{}", dead.body);
    assert!(
        dead.body.as_array().is_some_and(|l| l
            .iter()
            .any(|d| d["id"] == log[0]["id"] && d["endpoint_id"] == endpoint.as_str())),
        "the Operations page lists it: {}",
        dead.body
    );
    control_plan(&name, &[]);
    let replay = a.send(
        "POST",
        &format!(
            "/api/admin/webhooks/{endpoint}/deliveries/{}/replay",
            log[0]["id"]
        ),
        &json!({}),
    );
    assert_eq!(replay.status, 200, "{}", replay.body);
    assert_eq!(replay.body["status"], "delivered");
    assert_eq!(replay.body["dead_lettered_at"], Value::Null);
    let dead = a.get("/api/admin/dead-letters");
    assert!(
        !dead
            .body
            .as_array()
            .is_some_and(|l| l.iter().any(|d| d["id"] == log[0]["id"])),
        "a replayed delivery leaves the list"
    );
    let last = received(&name).last().cloned().expect("the replay");
    assert_eq!(
        last["id"], log[0]["message_id"],
        "a replay keeps the webhook-id"
    );
    assert_eq!(last["verified"], true);
}

fn control_plan(name: &str, plan: &[&str]) {
    let url = format!("{}/_control/{name}", receiver());
    assert!(agent().post(&url).send_json(json!({"plan": plan})).is_ok());
}

#[test]
fn gone_disables_the_endpoint_and_a_test_event_and_rotation_verify() {
    let s = stack();
    let a = admin();
    let name = format!("gone{}", now());
    let (app, endpoint) = hooked(a, &name, &[]);
    let test = a.send(
        "POST",
        &format!("/api/admin/webhooks/{endpoint}/test"),
        &json!({}),
    );
    assert_eq!(test.status, 200, "{}", test.body);
    assert_eq!(test.body["status"], "delivered");
    assert_eq!(received(&name)[0]["type"], "test");

    // Rotation: both signatures while the old secret is valid; the new one verifies alone.
    let rotated = a.send(
        "POST",
        &format!("/api/admin/webhooks/{endpoint}/rotate"),
        &json!({}),
    );
    assert_eq!(rotated.status, 200, "{}", rotated.body);
    let new_secret = rotated.body["secret"].as_str().expect("new secret");
    control(&name, &[new_secret], &[]);
    a.send(
        "POST",
        &format!("/api/admin/webhooks/{endpoint}/test"),
        &json!({}),
    );
    let last = received(&name).last().cloned().expect("second test");
    assert_eq!(
        (last["verified"].as_bool(), last["signatures"].as_i64()),
        (Some(true), Some(2))
    );

    control_plan(&name, &["410"]);
    let sub = s.subscription();
    s.session_with(&app, &sub.id, json!({}));
    wait_for(&name, 3);
    let listed = a.get(&format!("/api/admin/apps/{}/webhooks", app.id));
    let e = &listed.body[0];
    assert_eq!(e["enabled"], false, "{e}");
    assert!(e["disabled_reason"]
        .as_str()
        .is_some_and(|r| r.contains("410")));
    // Disabled: nothing more is sent.
    let token = s.session_with(&app, &s.subscription().id, json!({}));
    assert_eq!(s.api(&token, "deflect", &json!({})).status, 200);
    std::thread::sleep(Duration::from_millis(500));
    assert_eq!(received(&name).len(), 3);
}

#[test]
fn endpoints_must_be_public_https_unless_the_development_setting_allows() {
    let _s = stack();
    let a = admin();
    let app = a.app_with("Webhooks, production", &json!({}));
    let post = |url: &str, types: Value| {
        a.send(
            "POST",
            &format!("/api/admin/apps/{}/webhooks", app.id),
            &json!({"url": url, "event_types": types}),
        )
    };
    for url in [
        "http://127.0.0.1:9/hooks",
        "https://10.0.0.8/hooks",
        "https://2130706433/",
        "https://localhost/x",
        "https://169.254.169.254/",
        "https://[::127.0.0.1]/",
        "https://[2002:7f00:1::]/",
        "https://[64:ff9b::a00:1]/",
    ] {
        let refused = post(url, json!([]));
        assert_eq!(refused.status, 400, "{url}: {}", refused.body);
        assert_eq!(refused.body["error"]["fields"][0]["field"], "url");
    }
    let bad_type = post("https://hooks.example.com/x", json!(["session.exploded"]));
    assert_eq!(bad_type.status, 400);
    assert_eq!(bad_type.body["error"]["fields"][0]["field"], "event_types");
    assert_eq!(
        post("https://hooks.example.com/x", json!(["save.lost"])).status,
        201
    );
    let listed = a.get(&format!("/api/admin/apps/{}/webhooks", app.id));
    assert_eq!(
        listed.body.as_array().map(Vec::len),
        Some(1),
        "refusals changed nothing"
    );
    assert!(
        listed.body[0].get("secret").is_none(),
        "the secret is shown once"
    );

    let dev = a.app_with(
        "Webhooks, development",
        &json!({"webhooks_allow_private": true}),
    );
    let allowed = a.send(
        "POST",
        &format!("/api/admin/apps/{}/webhooks", dev.id),
        &json!({"url": "http://127.0.0.1:9/hooks"}),
    );
    assert_eq!(allowed.status, 201, "{}", allowed.body);
}

#[test]
fn a_pending_event_survives_a_restart_of_the_edge() {
    let s = stack_alone();
    let a = admin();
    let name = format!("restart{}", now());
    let (app, endpoint) = hooked(a, &name, &["session.started"]);
    control_plan(&name, &["500"]);
    let sub = s.subscription();
    s.session_with(&app, &sub.id, json!({}));
    wait_for(&name, 1);
    assert_eq!(deliveries(a, &endpoint)[0]["status"], "pending");

    s.restart_edge();

    s.run_cron_at(now() + 3600);
    let got = wait_for(&name, 2);
    latest_until(a, &endpoint, |d| d["status"] == "delivered");
    assert_eq!(got.len(), 2);
    assert_eq!(got[0]["id"], got[1]["id"], "the same message, retried");
    assert_eq!(
        (got[1]["answer"].as_str(), got[1]["verified"].as_bool()),
        (Some("204"), Some(true))
    );
}

/// An endpoint whose receiver answered 500 to a session's first event:
/// its name, its id and that delivery, waiting for its retry.
fn a_first_attempt_failed(a: &AdminClient, prefix: &str) -> (String, String, Value) {
    let s = stack();
    let name = format!("{prefix}{}", now());
    let (app, endpoint) = hooked(a, &name, &["session.started"]);
    control_plan(&name, &["500"]);
    s.session_with(&app, &s.subscription().id, json!({}));
    wait_for(&name, 1);
    let first = latest_until(a, &endpoint, |d| {
        d["attempts"] == 1 && !d["last_status"].is_null()
    });
    (name, endpoint, first)
}

#[test]
fn a_job_the_queue_delivers_twice_is_sent_once() {
    let s = stack();
    let a = admin();
    let (name, endpoint, first) = a_first_attempt_failed(a, "twice");
    assert_eq!(first["status"], "pending");
    // The retry's job, delivered twice at once (as a queue may), by an hour
    // on: one attempt, one request at the receiver.
    let job = json!({"kind": "webhook", "delivery": first["id"], "at": now() + 3600});
    let sent = crate::helpers::post_raw(&format!("{}/api/dev/queue", s.url), &job.to_string(), &[]);
    assert_eq!(sent.status, 200, "{}", sent.body);
    let done = latest_until(a, &endpoint, |d| d["status"] == "delivered");
    assert_eq!(done["attempts"], 2, "{done}");
    std::thread::sleep(Duration::from_secs(3));
    let got = received(&name);
    assert_eq!(got.len(), 2, "sent once more, not twice: {got:?}");
    assert_eq!(got[0]["id"], got[1]["id"]);
}

#[test]
fn one_unreadable_message_is_set_aside_and_the_rest_of_its_batch_runs() {
    let s = stack();
    let a = admin();
    let (name, endpoint, first) = a_first_attempt_failed(a, "unreadable");
    // The retry's job and a message that is no job, in one batch.
    let marker = format!("not-a-job-{name}");
    let batch = json!({"any": [
        {"kind": "webhook", "delivery": first["id"], "at": now() + 3600},
        {"kind": "nonsense", "marker": marker},
    ]});
    let sent =
        crate::helpers::post_raw(&format!("{}/api/dev/queue", s.url), &batch.to_string(), &[]);
    assert_eq!(sent.status, 200, "{}", sent.body);
    let done = latest_until(a, &endpoint, |d| d["status"] == "delivered");
    assert_eq!(done["attempts"], 2, "its neighbour ran: {done}");
    let deadline = Instant::now() + Duration::from_secs(20);
    let kept = loop {
        let list = a.get("/api/admin/unreadable-messages");
        assert_eq!(list.status, 200, "{}", list.body);
        let found = list
            .body
            .as_array()
            .expect("a list")
            .iter()
            .find(|m| m["body"].as_str().is_some_and(|b| b.contains(&marker)))
            .cloned();
        if let Some(m) = found {
            break m;
        }
        assert!(Instant::now() < deadline, "not set aside: {}", list.body);
        std::thread::sleep(Duration::from_millis(200));
    };
    assert!(
        kept["queue"].as_str().is_some_and(|q| !q.ends_with("-dlq")),
        "{kept}"
    );
    assert!(
        kept["error"]
            .as_str()
            .is_some_and(|e| e.contains("nonsense")),
        "{kept}"
    );
    std::thread::sleep(Duration::from_secs(2));
    let again = a.get("/api/admin/unreadable-messages").body;
    let times = again
        .as_array()
        .expect("a list")
        .iter()
        .filter(|m| m["body"].as_str().is_some_and(|b| b.contains(&marker)))
        .count();
    assert_eq!(times, 1, "acknowledged, not retried: {again}");
}

#[test]
fn an_app_with_webhook_endpoints_is_deleted_only_after_them() {
    let a = admin();
    let name = format!("deleting{}", now());
    let (app, endpoint) = hooked(a, &name, &[]);
    let test = a.send(
        "POST",
        &format!("/api/admin/webhooks/{endpoint}/test"),
        &json!({}),
    );
    assert_eq!(test.status, 200, "a delivery in its log: {}", test.body);
    let refused = a.send("DELETE", &format!("/api/admin/apps/{}", app.id), &json!({}));
    assert_eq!(refused.status, 409, "{}", refused.body);
    assert!(
        refused.body["error"]["message"]
            .as_str()
            .is_some_and(|m| m.contains("webhook endpoints")),
        "{}",
        refused.body
    );
    let gone = a.send(
        "DELETE",
        &format!("/api/admin/webhooks/{endpoint}"),
        &json!({}),
    );
    assert_eq!(gone.status, 200, "{}", gone.body);
    let deleted = a.send("DELETE", &format!("/api/admin/apps/{}", app.id), &json!({}));
    assert_eq!(deleted.status, 200, "{}", deleted.body);
}

#[test]
fn pass_through_urls_are_filled_from_the_session_and_signed() {
    let s = stack();
    let a = admin();
    let app = a.app_with(
        "Pass-through",
        &json!({
            "cancel": {"pass_through_url": "https://merchant.example/cancelled?customer_id={{account.internal_id}}"},
            "offers": [{"id": "save25", "title": "25% off", "body": "b", "billing": {"type": "discount", "coupon": "SAVE25"},
                "pass_through_url": "https://merchant.example/free-month?customer_id={{account.internal_id}}&interval=1"}],
            "return_origins": ["https://merchant.example"],
            "trusted_url_fields": ["account.internal_id"],
        }),
    );
    let extra = json!({"account": {"internal_id": "12345"}});
    let token = s.session_with(&app, &s.subscription().id, extra.clone());
    assert_eq!(s.api(&token, "offers/save25/show", &json!({})).status, 200);
    let accepted = s.api(&token, "offers/save25/accept", &json!({}));
    assert_eq!(accepted.status, 200, "{}", accepted.body);
    let url = accepted.body["redirect_url"]
        .as_str()
        .expect("pass-through");
    assert!(
        url.starts_with(
            "https://merchant.example/free-month?customer_id=12345&interval=1&hf_session=ses_"
        ),
        "{url}"
    );
    assert!(crate::helpers::pass_through_verifies(
        url,
        &app.signing_secret
    ));
    assert!(!crate::helpers::pass_through_verifies(
        &url.replace("12345", "99999"),
        &app.signing_secret
    ));

    let token = s.session_with(&app, &s.subscription().id, extra);
    let cancelled = s.api(&token, "cancel", &json!({}));
    assert_eq!(cancelled.status, 200, "{}", cancelled.body);
    let url = cancelled.body["redirect_url"]
        .as_str()
        .expect("pass-through");
    assert!(
        url.starts_with("https://merchant.example/cancelled?customer_id=12345&hf_session=ses_"),
        "{url}"
    );
    assert!(crate::helpers::pass_through_verifies(
        url,
        &app.signing_secret
    ));

    let bad = a.send(
        "PUT",
        &format!("/api/admin/apps/{}/settings", app.id),
        &json!({"cancel": {"pass_through_url": "javascript:alert(1)"}}),
    );
    assert_eq!(bad.status, 400);
    assert_eq!(
        bad.body["error"]["fields"][0]["field"],
        "cancel.pass_through_url"
    );
}

#[test]
fn an_endpoint_saved_in_development_mode_stops_when_the_mode_is_off() {
    let s = stack();
    let a = admin();
    let name = format!("devoff{}", now());
    let (app, endpoint) = hooked(a, &name, &[]);
    let off = a.send(
        "PUT",
        &format!("/api/admin/apps/{}/settings", app.id),
        &json!({"webhooks_allow_private": false}),
    );
    assert_eq!(off.status, 200, "{}", off.body);
    let token = s.session_with(&app, &s.subscription().id, json!({}));
    assert_eq!(s.api(&token, "deflect", &json!({})).status, 200);
    let start = Instant::now();
    let failed = loop {
        let log = deliveries(a, &endpoint);
        if let Some(d) = log.iter().find(|d| {
            d["last_error"]
                .as_str()
                .is_some_and(|e| e.contains("endpoint URL"))
        }) {
            break d.clone();
        }
        assert!(
            start.elapsed() < Duration::from_secs(60),
            "no refused delivery: {log:?}"
        );
        std::thread::sleep(Duration::from_millis(200));
    };
    assert!(
        failed["last_error"]
            .as_str()
            .is_some_and(|e| e.contains("https")),
        "{failed}"
    );
    assert!(received(&name).is_empty(), "nothing reached the receiver");
}

#[test]
fn cancel_events_carry_the_receipt_for_merchants_who_send_their_own() {
    let s = stack();
    let a = admin();
    let name = format!("receipt{}", now());
    let (app, _) = hooked(a, &name, &["cancel.requested", "cancel.completed"]);
    let sub = s.subscription();
    let (t, hash) = timed_signature(&app.signing_secret, &sub.id);
    let body = json!({"app_id": app.id, "subscription_id": sub.id, "auth_timestamp": t,
        "auth_hash": hash, "locale": "de"});
    let started = post_raw(
        &format!("{}/precancel", s.url),
        &body.to_string(),
        &[("x-holdfast-test-place", "DE")],
    );
    assert_eq!(started.status, 200, "{}", started.body);
    let token = token_of(&started);
    let done = s.api(
        &token,
        "cancel",
        &json!({"kind": "extraordinary", "extraordinary_reason": "Umzug ins Ausland"}),
    );
    assert_eq!(done.status, 200, "{}", done.body);
    assert_eq!(done.body["receipt"]["kind"], "extraordinary");
    let got = wait_for(&name, 2);
    let data = |kind: &str| -> Value {
        got.iter()
            .filter_map(|r| r["body"].as_str())
            .filter_map(|b| serde_json::from_str::<Value>(b).ok())
            .find(|b| b["type"] == kind)
            .unwrap_or_else(|| panic!("no {kind} in {got:?}"))["data"]
            .clone()
    };
    let asked = data("cancel.requested");
    assert_eq!(asked["receipt"]["kind"], "extraordinary");
    assert_eq!(asked["receipt"]["reason"], "Umzug ins Ausland");
    assert_eq!(asked["receipt"]["locale"], "de");
    assert_eq!(asked["receipt"]["reference"], asked["session_id"]);
    assert!(asked["receipt"]["url"]
        .as_str()
        .is_some_and(|u| u.contains("/receipt/")));
    let completed = data("cancel.completed");
    assert!(completed["receipt"]["ends_at"].is_i64(), "{completed}");
    assert_eq!(completed["receipt"]["ends_at"], completed["effective_at"]);
}
