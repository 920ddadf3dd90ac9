//! Ending leaked secrets at once (issue 37): a rotation with `end_old_now`
//! refuses the old signing secret and secret key from that moment.

use serde_json::{json, Value};

use crate::helpers::*;

/// A precancel for `sub`, signed with `secret` or sent with `key`.
fn precancel(app: &str, sub: &str, secret: Option<&str>, key: Option<&str>) -> Answer {
    let s = stack();
    let mut body = json!({"app_id": app, "subscription_id": sub});
    if let Some(secret) = secret {
        let (t, hash) = timed_signature(secret, sub);
        body["auth_timestamp"] = json!(t);
        body["auth_hash"] = json!(hash);
    }
    let bearer = key.map(|k| format!("Bearer {k}"));
    let headers: Vec<(&str, &str)> = bearer
        .iter()
        .map(|b| ("authorization", b.as_str()))
        .collect();
    post_raw(&format!("{}/precancel", s.url), &body.to_string(), &headers)
}

fn secrets(rotated: &Answer) -> (String, String) {
    assert_eq!(rotated.status, 200, "{}", rotated.body);
    let field = |k: &str| rotated.body[k].as_str().expect(k).to_owned();
    (field("signing_secret"), field("secret_key"))
}

#[test]
fn ending_the_old_secrets_now_refuses_them_at_once_and_the_new_ones_work() {
    let s = stack();
    let a = admin();
    let app = a.new_app("Leaked");
    let rotate = |body: Value| a.send("POST", &format!("/api/admin/apps/{}/rotate", app.id), &body);
    let (old_secret, old_key) = secrets(&rotate(json!({})));
    let sub = s.subscription().id;
    // Warm: the isolate now remembers the app with these secrets.
    assert_eq!(
        precancel(&app.id, &sub, Some(&old_secret), None).status,
        200
    );
    assert_eq!(precancel(&app.id, &sub, None, Some(&old_key)).status, 200);

    let ended = rotate(json!({"end_old_now": true}));
    let (new_secret, new_key) = secrets(&ended);
    assert!(
        ended.body["previous_valid_until"].as_i64().expect("until") <= now(),
        "{}",
        ended.body
    );
    let old = precancel(&app.id, &sub, Some(&old_secret), None);
    assert_eq!(old.status, 401, "the old signing secret: {}", old.body);
    let old = precancel(&app.id, &sub, None, Some(&old_key));
    assert_eq!(old.status, 401, "the old secret key: {}", old.body);
    assert_eq!(
        precancel(&app.id, &sub, Some(&new_secret), None).status,
        200
    );
    assert_eq!(precancel(&app.id, &sub, None, Some(&new_key)).status, 200);

    let audit = a.get("/api/admin/audit").body;
    assert!(
        audit
            .as_array()
            .expect("entries")
            .iter()
            .any(|e| e["target"] == app.id.as_str()
                && e["action"] == "app.rotate_secrets_now"
                && e["admin"] == a.email.as_str()),
        "{audit}"
    );
    let bad = rotate(json!({"end_old_now": "yes"}));
    assert_eq!(bad.status, 400, "{}", bad.body);
}
