//! Who may do what: timestamped signatures, expiring sessions bound to one
//! subscription, rate limits per client and per app, and CORS only where
//! the snippet needs it.

use std::time::Duration;

use holdfast_core::signing::{auth_hash, signed_message};
use serde_json::{json, Value};

use crate::helpers::{admin, agent, customer_address, now, post_raw, stack, stack_alone, token_of};

/// Rate-limit windows are calendar minutes: start a burst early in one.
pub fn early_in_a_minute(burst_secs: i64) {
    let into = now().rem_euclid(60);
    if into + burst_secs > 55 {
        std::thread::sleep(Duration::from_secs((61 - into) as u64));
    }
}

fn timed(secret: &str, sub: &str, t: i64) -> Value {
    json!({"app_id": "t_signed", "subscription_id": sub, "auth_timestamp": t,
           "auth_hash": auth_hash(secret, &signed_message(sub, Some(t)))})
}

#[test]
fn a_timestamped_signature_works_while_fresh_and_a_stale_one_is_refused() {
    let s = stack();
    let sub = s.subscription();
    let secret = s.signing_secret.clone();
    let fresh = s.precancel(&timed(&secret, &sub.id, now()));
    assert_eq!(fresh.status, 200, "{}", fresh.body);

    for (t, why) in [(now() - 301, "stale"), (now() + 3600, "stale")] {
        let a = s.precancel(&timed(&secret, &sub.id, t));
        assert_eq!(a.status, 401, "{t}: {}", a.body);
        assert_eq!(a.body["valid"], false);
        assert!(
            a.body["message"].as_str().expect("message").contains(why),
            "{}",
            a.body
        );
    }
    // The timestamp is part of what is signed: moving it breaks the hash.
    let mut moved = timed(&secret, &sub.id, now());
    moved["auth_timestamp"] = json!(now() - 10);
    assert_eq!(s.precancel(&moved).status, 401);
    let mut untimed_hash = timed(&secret, &sub.id, now());
    untimed_hash["auth_hash"] = json!(auth_hash(&secret, &sub.id));
    assert_eq!(s.precancel(&untimed_hash).status, 401);
    let mut bad_type = timed(&secret, &sub.id, now());
    bad_type["auth_timestamp"] = json!("yesterday");
    let a = s.precancel(&bad_type);
    assert_eq!(
        (a.status, &a.body["field"]),
        (400, &json!("auth_timestamp")),
        "{}",
        a.body
    );
    assert_eq!(
        s.stripe_requests(&sub.id).len(),
        1,
        "only the fresh precancel read Stripe"
    );
}

#[test]
fn a_session_token_expires_and_acts_on_its_own_subscription_only() {
    let s = stack_alone();
    let (mine, other) = (s.subscription(), s.subscription());
    let token = s.session("t_signed", &mine.id);
    let other_token = s.session("t_signed", &other.id);

    // Naming another subscription in the body changes nothing about which.
    let a = s.api(
        &token,
        "cancel",
        &json!({"subscription_id": other.id, "reason_id": "too_expensive"}),
    );
    assert!(a.status == 200 || a.status == 400, "{}", a.body);
    assert_eq!(
        s.read_subscription(&other.id)["cancel_at_period_end"],
        false
    );
    assert!(s.stripe_writes(&other.id).is_empty());

    s.sql(&format!(
        "UPDATE sessions SET expires_at = 0 WHERE subscription_id = '{}'",
        other.id
    ));
    let gone = s.api(&other_token, "cancel", &json!({}));
    assert_eq!(gone.status, 410, "{}", gone.body);
    assert_eq!(gone.body["error"]["code"], "expired");
    assert_eq!(s.view(&other_token).status, 410);
    assert_eq!(
        s.api(&other_token, "offers/save25/accept", &json!({}))
            .status,
        410
    );
    let page = agent()
        .get(&format!("{}/cancel/{other_token}", s.url))
        .call();
    assert!(
        matches!(page, Err(ureq::Error::Status(410, _))),
        "the page too"
    );
    assert!(
        s.stripe_writes(&other.id).is_empty(),
        "an expired link does nothing"
    );
}

#[test]
fn precancel_is_limited_per_client() {
    let s = stack();
    let client = customer_address();
    early_in_a_minute(20);
    let body = |i: usize| json!({"app_id": "t_unsigned", "subscription_id": format!("sub_ratelimit{i}"), "first_name": "R"});
    for i in 0..30 {
        let a = s.precancel_from(&client, &body(i));
        assert_eq!(a.status, 200, "{i}: {}", a.body);
    }
    let limited = post_raw(
        &format!("{}/precancel", s.url),
        &body(30).to_string(),
        &[("cf-connecting-ip", &client)],
    );
    assert_eq!(limited.status, 429, "{}", limited.body);
    assert_eq!(limited.body["valid"], false);
    assert!(limited.body["message"]
        .as_str()
        .expect("message")
        .contains("Wait a minute"));
    let retry = agent()
        .post(&format!("{}/precancel", s.url))
        .set("content-type", "application/json")
        .set("cf-connecting-ip", &client)
        .send_string(&body(31).to_string());
    match retry {
        Err(ureq::Error::Status(429, r)) => {
            let secs: i64 = r
                .header("retry-after")
                .and_then(|v| v.parse().ok())
                .expect("retry-after");
            assert!((1..=60).contains(&secs), "{secs}");
        }
        other => panic!("not limited: {other:?}"),
    }
    assert_eq!(
        s.precancel(&body(32)).status,
        200,
        "another customer is not held up"
    );
}

#[test]
fn precancel_is_limited_per_app_even_for_server_side_calls() {
    let s = stack();
    let app = admin().app_with("Rate limited", &json!({"precancel_per_minute": 5}));
    let created = admin().send(
        "POST",
        &format!("/api/admin/apps/{}/rotate", app.id),
        &json!({}),
    );
    assert_eq!(created.status, 200, "{}", created.body);
    let key = created.body["secret_key"]
        .as_str()
        .expect("secret key")
        .to_owned();
    early_in_a_minute(10);
    let url = format!("{}/precancel", s.url);
    let body = |i: usize| {
        json!({"app_id": app.id, "subscription_id": format!("sub_applimit{i}")}).to_string()
    };
    for i in 0..5 {
        let a = post_raw(
            &url,
            &body(i),
            &[("authorization", &format!("Bearer {key}"))],
        );
        assert_eq!(a.status, 200, "{i}: {}", a.body);
    }
    let a = post_raw(
        &url,
        &body(5),
        &[("authorization", &format!("Bearer {key}"))],
    );
    assert_eq!(a.status, 429, "{}", a.body);
    assert!(a.body["message"]
        .as_str()
        .expect("message")
        .contains("limit"));
    let other_app = s.precancel(&s.signed("t_signed", "sub_applimit_other"));
    assert_eq!(
        other_app.status, 200,
        "other apps are not held up: {}",
        other_app.body
    );

    let bad = admin().send(
        "PUT",
        &format!("/api/admin/apps/{}/settings", app.id),
        &json!({"precancel_per_minute": 0}),
    );
    assert_eq!(bad.status, 400);
    assert_eq!(bad.body["error"]["field"], "precancel_per_minute");
}

#[test]
fn sign_ins_are_limited_per_client_whatever_the_email() {
    let s = stack();
    let url = format!("{}/api/admin/login", s.url);
    let client = customer_address();
    for i in 0..20 {
        let body =
            json!({"email": format!("guess{i}@holdfast.test"), "password": "wrong password 123"})
                .to_string();
        assert_eq!(
            post_raw(&url, &body, &[("cf-connecting-ip", &client)]).status,
            401
        );
    }
    let body =
        json!({"email": "guess-last@holdfast.test", "password": "wrong password 123"}).to_string();
    let blocked = post_raw(&url, &body, &[("cf-connecting-ip", &client)]);
    assert_eq!(blocked.status, 429, "{}", blocked.body);
    assert_eq!(
        post_raw(&url, &body, &[]).status,
        401,
        "another client may still try"
    );
}

fn allowed_origin(method: &str, url: &str) -> Option<String> {
    let req = agent()
        .request(method, url)
        .set("origin", "https://evil.example")
        .set("access-control-request-method", "POST");
    let resp = match req.call() {
        Ok(r) => r,
        Err(ureq::Error::Status(_, r)) => r,
        Err(e) => panic!("{url}: {e}"),
    };
    resp.header("access-control-allow-origin")
        .map(str::to_owned)
}

#[test]
fn cross_origin_access_is_open_only_on_precancel_and_the_snippet() {
    let s = stack();
    let token = token_of(&s.precancel(&s.signed("t_signed", &s.subscription().id)));
    for path in [
        format!("/api/sessions/{token}"),
        format!("/api/sessions/{token}/cancel"),
        format!("/cancel/{token}"),
        "/api/admin/apps".to_owned(),
        "/api/admin/me".to_owned(),
        "/api/admin/login".to_owned(),
        "/api/health".to_owned(),
        "/admin/".to_owned(),
    ] {
        for method in ["GET", "OPTIONS", "POST"] {
            assert_eq!(
                allowed_origin(method, &format!("{}{path}", s.url)),
                None,
                "{method} {path} must not be readable cross-origin"
            );
        }
    }
    assert_eq!(
        allowed_origin("OPTIONS", &format!("{}/precancel", s.url)).as_deref(),
        Some("https://evil.example"),
        "precancel names the calling origin (never *): the snippet runs on merchants' sites"
    );
    for path in ["/js/holdfast.js", "/js/current/brightback.js"] {
        assert_eq!(
            allowed_origin("GET", &format!("{}{path}", s.url)).as_deref(),
            Some("*"),
            "{path}"
        );
    }
}

/// A path the API has, asked with a method it does not answer: JSON like
/// every other error, with the methods it does answer in `Allow`.
#[test]
fn an_unknown_method_is_a_json_405_with_allow() {
    let s = stack();
    for (method, path, allow) in [
        ("PUT", "/api/sessions/anything/cancel", "POST"),
        ("DELETE", "/api/admin/apps", "GET, POST"),
        ("PATCH", "/precancel", "OPTIONS, POST"),
    ] {
        let resp = match crate::helpers::agent()
            .request(method, &format!("{}{path}", s.url))
            .call()
        {
            Err(ureq::Error::Status(_, r)) => r,
            other => panic!("{method} {path}: {other:?}"),
        };
        assert_eq!(resp.status(), 405, "{method} {path}");
        assert_eq!(resp.header("allow"), Some(allow), "{method} {path}");
        assert!(
            resp.content_type().starts_with("application/json"),
            "{method} {path}"
        );
        let body: serde_json::Value =
            serde_json::from_str(&resp.into_string().expect("a body")).expect("JSON");
        assert_eq!(
            body["error"]["code"], "method_not_allowed",
            "{method} {path}"
        );
    }
}
