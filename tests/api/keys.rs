//! Keys and signatures (issue 37): a rotation with `end_old_now` refuses
//! the old signing secret and secret key from that moment; a signature
//! made for one purpose is refused for every other.

use holdfast_core::signing::{self, Purpose};
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

/// A precancel for `app` signed for `purpose` over `subject` (with a
/// timestamp); `subject` is a subscription id or, with `account`, the
/// account's internal id.
fn signed_for(app: &TestApp, purpose: Purpose, subject: &str, account: bool) -> Answer {
    let t = now();
    let hash = signing::sign(
        &app.signing_secret,
        purpose,
        &signing::signed_message(subject, Some(t)),
    );
    let mut body = json!({"app_id": app.id, "auth_timestamp": t, "auth_hash": hash});
    if account {
        body["email"] = json!("account-only@example.com");
        body["account"] = json!({"internal_id": subject});
    } else {
        body["subscription_id"] = json!(subject);
    }
    stack().precancel(&body)
}

#[test]
fn a_signature_stands_only_for_what_it_was_made_for() {
    let s = stack();
    let app = admin().new_app("Purposes");
    let sub = s.subscription().id;
    for purpose in Purpose::ALL {
        let a = signed_for(&app, purpose, &sub, false);
        let expected = if purpose == Purpose::Subscription {
            200
        } else {
            401
        };
        assert_eq!(
            a.status, expected,
            "{purpose:?} over a subscription id: {}",
            a.body
        );
        let a = signed_for(&app, purpose, "acct_9", true);
        let expected = if purpose == Purpose::Account {
            200
        } else {
            401
        };
        assert_eq!(
            a.status, expected,
            "{purpose:?} over an account id: {}",
            a.body
        );
    }

    // A receipt link, made at the cancel, opens; the same session id signed
    // as a subscription's auth_hash is no receipt signature.
    let sub = s.subscription().id;
    let (t, hash) = timed_signature(&app.signing_secret, &sub);
    let body =
        json!({"app_id": app.id, "subscription_id": sub, "auth_timestamp": t, "auth_hash": hash});
    let started = post_raw(
        &format!("{}/precancel", s.url),
        &body.to_string(),
        &[("x-holdfast-test-place", "DE")],
    );
    assert_eq!(started.status, 200, "{}", started.body);
    let done = s.api(&token_of(&started), "cancel", &json!({}));
    assert_eq!(done.status, 200, "{}", done.body);
    let url = done.body["receipt"]["url"]
        .as_str()
        .expect("a receipt link")
        .to_owned();
    let session = done.body["receipt"]["reference"]
        .as_str()
        .expect("its session")
        .to_owned();
    assert_eq!(get(&url).status, 200, "the link as sent opens: {url}");
    let base = url.rsplit_once('/').expect("a signature").0.to_owned();
    for purpose in [
        Purpose::Subscription,
        Purpose::Account,
        Purpose::PassThrough,
    ] {
        let forged = &signing::sign(&app.signing_secret, purpose, &session)[..32];
        assert_eq!(get(&format!("{base}/{forged}")).status, 404, "{purpose:?}");
    }
    let receipt = &signing::sign(&app.signing_secret, Purpose::Receipt, &session)[..32];
    assert!(url.ends_with(receipt), "the receipt's own key: {url}");
}
