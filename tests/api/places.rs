//! Whose word sets the place, and so the law's flow (issue 37): the
//! merchant's server with the secret key may name it; a browser-signed call
//! may not, and the session records what it ignored.

use serde_json::{json, Value};

use crate::helpers::*;

/// A precancel from `place` (the test hook stands in for `request.cf`).
fn precancel_from(place: &str, body: &Value, headers: &[(&str, &str)]) -> String {
    let mut all = vec![("x-holdfast-test-place", place)];
    all.extend_from_slice(headers);
    let a = post_raw(
        &format!("{}/precancel", stack().url),
        &body.to_string(),
        &all,
    );
    assert_eq!(a.status, 200, "{}", a.body);
    token_of(&a)
}

fn mode_of(token: &str) -> Value {
    let v = get(&format!("{}/api/sessions/{token}", stack().url));
    assert_eq!(v.status, 200, "{}", v.body);
    v.body["mode"].clone()
}

/// The admin's session detail for the app's session of `sub`.
fn detail_of(a: &AdminClient, app: &TestApp, sub: &str) -> Value {
    let list = a.get(&format!("/api/admin/apps/{}/sessions?q={sub}", app.id));
    assert_eq!(list.status, 200, "{}", list.body);
    let id = list.body["sessions"][0]["id"]
        .as_str()
        .unwrap_or_else(|| panic!("no session for {sub}: {}", list.body))
        .to_owned();
    let d = a.get(&format!("/api/admin/sessions/{id}"));
    assert_eq!(d.status, 200, "{}", d.body);
    d.body
}

fn started(detail: &Value) -> Value {
    detail["events"]
        .as_array()
        .expect("events")
        .iter()
        .find(|e| e["kind"] == "session_started")
        .expect("a start")["detail"]["jurisdiction"]
        .clone()
}

#[test]
fn a_browser_signed_jurisdiction_is_ignored_and_a_secret_key_call_sets_it() {
    let s = stack();
    let a = admin();
    let app = a.new_app("Places");

    let sub = s.subscription();
    let (t, hash) = timed_signature(&app.signing_secret, &sub.id);
    let signed = json!({"app_id": app.id, "subscription_id": sub.id, "auth_timestamp": t,
        "auth_hash": hash, "jurisdiction": "DE"});
    let token = precancel_from("US-TX", &signed, &[]);
    assert_eq!(mode_of(&token), "standard", "the customer's real place");
    let j = started(&detail_of(a, &app, &sub.id));
    assert_eq!(j["place"], "US-TX", "{j}");
    assert_eq!(j["from"], "request", "{j}");
    assert_eq!(j["ignored"], "DE", "{j}");

    let rotated = a.send(
        "POST",
        &format!("/api/admin/apps/{}/rotate", app.id),
        &json!({}),
    );
    assert_eq!(rotated.status, 200, "{}", rotated.body);
    let key = rotated.body["secret_key"].as_str().expect("a secret key");
    let other = s.subscription();
    let server = json!({"app_id": app.id, "subscription_id": other.id, "jurisdiction": "DE"});
    let token = precancel_from(
        "US-TX",
        &server,
        &[("authorization", &format!("Bearer {key}"))],
    );
    assert_eq!(
        mode_of(&token),
        "direct",
        "the merchant's server knows better"
    );
    let j = started(&detail_of(a, &app, &other.id));
    assert_eq!(
        (&j["place"], &j["from"]),
        (&json!("DE"), &json!("merchant")),
        "{j}"
    );
    assert_eq!(j["ignored"], Value::Null, "{j}");
}
