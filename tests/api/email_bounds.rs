//! The confirmation e-mail cannot be turned against the merchant: the full
//! receipt goes to the address Stripe holds; a typed address is taken only
//! in direct mode and gets the fixed text alone; one address, well formed;
//! one cancel per subscription, one message; bounds per address and app;
//! nothing in a header that could start another; unknown links do no work.

use serde_json::{json, Value};

use crate::emails::{now_nanos, sent_emails, wait_for_emails};
use crate::helpers::*;

/// A subscription whose customer Stripe knows by `email`.
pub(crate) fn subscription_of(s: &Stack, email: &str) -> Subscription {
    let customer = s.customer_named(email, "Erika Mustermann");
    s.subscription_for(&customer)
}

/// A session of the seeded `t_intl` app (it sends confirmations) for
/// `sub`, as if the customer were in `place`.
pub(crate) fn session_at(s: &Stack, place: &str, sub: &str, extra: Value) -> String {
    let mut body = s.signed("t_intl", sub);
    if let (Some(b), Some(e)) = (body.as_object_mut(), extra.as_object()) {
        b.extend(e.clone());
    }
    let a = post_raw(
        &format!("{}/precancel", s.url),
        &body.to_string(),
        &[("x-holdfast-test-place", place)],
    );
    assert_eq!(a.status, 200, "{}", a.body);
    token_of(&a)
}

fn decided(a: &Answer) {
    assert!(
        a.status == 200 || a.status == 202,
        "{} {}",
        a.status,
        a.body
    );
}

/// A form value, percent-encoded.
fn form_encoded(v: &str) -> String {
    v.bytes()
        .map(|b| match b {
            b'a'..=b'z' | b'A'..=b'Z' | b'0'..=b'9' | b'.' | b'-' | b'_' => (b as char).to_string(),
            _ => format!("%{b:02X}"),
        })
        .collect()
}

/// Unique addresses for one test.
fn address(what: &str) -> String {
    format!("{what}-{}@example.de", now_nanos())
}

#[test]
fn a_typed_address_gets_the_fixed_text_and_stripes_the_full_receipt() {
    let s = stack();
    let account = address("konto");
    let typed = address("getippt");
    let sub = subscription_of(&s, &account);
    let token = session_at(&s, "DE", &sub.id, json!({"locale": "de"}));
    let a = s.api(
        &token,
        "cancel",
        &json!({
            "email": typed,
            "kind": "extraordinary",
            "extraordinary_reason": "Umzug, siehe https://spam.example/angebot",
        }),
    );
    decided(&a);
    let full = wait_for_emails(&account, 1);
    assert_eq!(full.len(), 1, "the full receipt to Stripe's address");
    for expected in [
        "Eingegangen am",
        "Referenz: ses_",
        "/receipt/",
        "spam.example",
    ] {
        assert!(full[0].1.contains(expected), "{expected} in {}", full[0].1);
    }
    let copy = wait_for_emails(&typed, 1);
    assert_eq!(copy.len(), 1, "the fixed text to the typed address");
    let (subject, text) = &copy[0];
    for expected in ["Eingegangen am", "Referenz: ses_", "/receipt/"] {
        assert!(text.contains(expected), "{expected} in {text}");
    }
    for absent in ["spam.example", "Umzug", "Erika", &sub.id, &account] {
        assert!(!text.contains(absent), "{absent} in the copy: {text}");
        assert!(
            !subject.contains(absent),
            "{absent} in the subject: {subject}"
        );
    }
}

#[test]
fn a_typed_address_is_refused_outside_direct_mode_and_changes_nothing() {
    let s = stack();
    let sub = subscription_of(&s, &address("texas"));
    let token = session_at(&s, "US-TX", &sub.id, json!({}));
    let a = s.api(&token, "cancel", &json!({"email": address("elsewhere")}));
    assert_eq!(a.status, 400, "{}", a.body);
    assert_eq!(a.body["error"]["field"], "email", "{}", a.body);
    assert_eq!(s.view(&token).body["status"], "open");
    assert!(s.stripe_writes(&sub.id).is_empty(), "Stripe untouched");
}

#[test]
fn only_one_well_formed_address_is_taken_by_the_api_and_the_form() {
    let s = stack();
    let sub = subscription_of(&s, &address("form"));
    let token = session_at(&s, "DE", &sub.id, json!({}));
    let long = format!("{}@example.de", "a".repeat(290));
    for bad in [
        "a@x.example, b@y.example",
        "a@x.example,b@y.example",
        "a@x.example;b@y.example",
        "a@x.example; b@y.example",
        "A<a@x.example>",
        "\"A\" <a@x.example>",
        long.as_str(),
        "a@x.example\nBcc: b@y.example",
    ] {
        let a = s.api(&token, "cancel", &json!({ "email": bad }));
        assert_eq!(a.status, 400, "{bad}: {}", a.body);
        assert_eq!(a.body["error"]["field"], "email", "{bad}: {}", a.body);
        let form = format!("do=decline&email={}", form_encoded(bad));
        let page = agent()
            .post(&format!("{}/cancel/{token}", s.url))
            .set("content-type", "application/x-www-form-urlencoded")
            .send_string(&form);
        let status = match page {
            Ok(r) => r.status(),
            Err(ureq::Error::Status(code, _)) => code,
            Err(e) => panic!("no answer: {e}"),
        };
        assert_eq!(status, 400, "the form refuses {bad}");
    }
    assert_eq!(s.view(&token).body["status"], "open");
}

#[test]
fn a_cancelled_subscription_is_not_cancelled_again_and_gets_no_second_message() {
    let s = stack();
    let account = address("zweimal");
    let sub = subscription_of(&s, &account);
    let first = session_at(&s, "DE", &sub.id, json!({"locale": "de"}));
    let a = s.api(&first, "cancel", &json!({}));
    decided(&a);
    let reference = a.body["receipt"]["reference"].clone();
    assert_eq!(wait_for_emails(&account, 1).len(), 1);
    let writes = s.stripe_writes(&sub.id).len();

    let second = session_at(&s, "DE", &sub.id, json!({"locale": "de"}));
    let html = agent()
        .get(&format!("{}/cancel/{second}", s.url))
        .call()
        .expect("the page")
        .into_string()
        .expect("html");
    assert!(
        html.contains(r#"data-testid="already-cancelled""#),
        "{html}"
    );
    assert!(html.contains("Bereits gekündigt am"), "{html}");
    let b = s.api(&second, "cancel", &json!({}));
    decided(&b);
    assert_eq!(b.body["receipt"]["reference"], reference, "{}", b.body);
    std::thread::sleep(std::time::Duration::from_secs(2));
    assert_eq!(sent_emails(&account).len(), 1, "no second message");
    assert_eq!(s.stripe_writes(&sub.id).len(), writes, "no second cancel");
}

#[test]
fn twenty_concurrent_cancels_from_twenty_sessions_send_one_message() {
    let _s = stack();
    let s = within_test();
    let account = address("zwanzig");
    let sub = subscription_of(s, &account);
    let tokens: Vec<String> = (0..20)
        .map(|_| session_at(s, "DE", &sub.id, json!({"locale": "de"})))
        .collect();
    let threads: Vec<_> = tokens
        .into_iter()
        .map(|token| {
            std::thread::spawn(move || {
                let a = within_test().api(&token, "cancel", &json!({}));
                decided(&a);
                a.body["receipt"]["reference"].clone()
            })
        })
        .collect();
    let references: std::collections::BTreeSet<String> = threads
        .into_iter()
        .map(|t| t.join().expect("a thread").to_string())
        .collect();
    assert_eq!(references.len(), 1, "one receipt for all: {references:?}");
    wait_for_emails(&account, 1);
    std::thread::sleep(std::time::Duration::from_secs(2));
    assert_eq!(sent_emails(&account).len(), 1, "exactly one message");
}

#[test]
fn the_fourth_message_to_one_address_in_a_day_is_held_back_and_listed() {
    let s = stack();
    let account = address("vier");
    let customer = s.customer_named(&account, "Erika Mustermann");
    let (mut last, mut session) = (String::new(), Value::Null);
    for _ in 0..4 {
        let sub = s.subscription_for(&customer);
        let token = session_at(&s, "DE", &sub.id, json!({}));
        let a = s.api(&token, "cancel", &json!({}));
        decided(&a);
        (last, session) = (sub.id, a.body["receipt"]["reference"].clone());
    }
    wait_for_emails(&account, 3);
    std::thread::sleep(std::time::Duration::from_secs(2));
    assert_eq!(sent_emails(&account).len(), 3, "the fourth is not sent");
    assert_eq!(
        s.read_subscription(&last)["cancel_at_period_end"],
        true,
        "the cancel itself happened"
    );
    let listed = admin().get("/api/admin/emails/failed");
    assert_eq!(listed.status, 200, "{}", listed.body);
    let entry = listed
        .body
        .as_array()
        .and_then(|l| l.iter().find(|e| e["session_id"] == session).cloned())
        .unwrap_or_else(|| panic!("listed: {}", listed.body));
    assert_eq!(entry["status"], "limited");
    assert_eq!(entry["bound"], "address");
    assert!(!listed.body.to_string().contains(&account), "no address");
}

#[test]
fn past_the_apps_daily_cap_the_cancel_happens_without_a_message() {
    let s = stack_alone();
    let app = admin().app_with(
        "capped",
        &json!({"email_from": "cancel@acme.test", "email_daily_cap": 1}),
    );
    let editor = invited("editor").0;
    let refused = editor.send(
        "PUT",
        &format!("/api/admin/apps/{}/settings", app.id),
        &json!({"email_from": "cancel@acme.test", "email_daily_cap": 500}),
    );
    assert_eq!(refused.status, 403, "{}", refused.body);
    assert_eq!(refused.body["error"]["field"], "email_daily_cap");
    let (first, second) = (address("cap-eins"), address("cap-zwei"));
    for to in [&first, &second] {
        let sub = subscription_of(&s, to);
        let token = s.session_with(&app, &sub.id, json!({}));
        decided(&s.api(&token, "cancel", &json!({})));
        assert_eq!(s.read_subscription(&sub.id)["cancel_at_period_end"], true);
    }
    assert_eq!(wait_for_emails(&first, 1).len(), 1);
    std::thread::sleep(std::time::Duration::from_secs(2));
    assert!(sent_emails(&second).is_empty(), "over the cap");
    let rows = s.sql(&format!(
        "SELECT status, bound FROM emails WHERE app_id = '{}' ORDER BY created_at",
        app.id
    ));
    assert_eq!(rows.len(), 2, "{rows:?}");
    assert_eq!(rows[1]["status"], "limited");
    assert_eq!(rows[1]["bound"], "app");
}

#[test]
fn a_brand_with_a_line_break_reaches_the_subject_without_it() {
    let s = stack();
    let app = admin().app_with(
        "header",
        &json!({"email_from": "cancel@acme.test", "brand": "{{first_name}} Shop"}),
    );
    let account = address("kopf");
    let sub = subscription_of(&s, &account);
    let token = s.session_with(
        &app,
        &sub.id,
        json!({"first_name": "Eve\r\nBcc: victim@example.org"}),
    );
    decided(&s.api(&token, "cancel", &json!({})));
    let sent = wait_for_emails(&account, 1);
    assert_eq!(sent.len(), 1);
    let subject = &sent[0].0;
    assert!(
        subject.contains("Eve Bcc: victim@example.org Shop"),
        "{subject}"
    );
    assert!(
        !subject.contains('\r') && !subject.contains('\n'),
        "{subject:?}"
    );
}

#[test]
fn an_unknown_links_post_is_404_and_relays_nothing() {
    let s = stack();
    let status_and_relay = |path: &str, content_type: &str, body: &str| {
        let resp = agent()
            .post(&format!("{}{path}", s.url))
            .set("content-type", content_type)
            .send_string(body);
        let r = match resp {
            Ok(r) => r,
            Err(ureq::Error::Status(_, r)) => r,
            Err(e) => panic!("no answer: {e}"),
        };
        (r.status(), r.header("x-holdfast-relay").map(str::to_owned))
    };
    let unknown = "ab".repeat(32);
    for path in [
        format!("/cancel/{unknown}"),
        "/cancel/not-a-token".to_owned(),
        format!("/api/sessions/{unknown}/cancel"),
        "/api/sessions/nope/cancel".to_owned(),
    ] {
        let (status, relay) = if path.starts_with("/cancel/") {
            status_and_relay(&path, "application/x-www-form-urlencoded", "do=decline")
        } else {
            status_and_relay(&path, "application/json", "{}")
        };
        assert_eq!(status, 404, "{path}");
        assert_eq!(relay, None, "{path} relays nothing");
    }
    // A real cancel does relay (so the check above can fail).
    let sub = subscription_of(&s, &address("echt"));
    let token = session_at(&s, "DE", &sub.id, json!({}));
    let (status, relay) = status_and_relay(
        &format!("/api/sessions/{token}/cancel"),
        "application/json",
        "{}",
    );
    assert!(status == 200 || status == 202, "{status}");
    assert_eq!(relay.as_deref(), Some("Decision"));
}
