use serde_json::json;

use crate::helpers::{get, post_raw, stack, stack_alone};

#[test]
fn a_signed_precancel_starts_a_personalised_session_with_one_stripe_call() {
    let s = stack();
    let sub = s.subscription();
    let a = s.precancel(&s.signed("t_signed", &sub.id));
    assert_eq!(a.status, 200, "{}", a.body);
    assert_eq!(a.body["valid"], true);
    let url = a.body["url"].as_str().expect("url");
    assert!(url.starts_with(&format!("{}/cancel/", s.url)), "{url}");
    let token = url.rsplit('/').next().expect("token");
    assert_eq!(token.len(), 64, "256-bit token in hex");

    let view = s.view(token);
    assert_eq!(view.status, 200);
    assert_eq!(view.body["title"], "Before you go, Ada");
    let message = view.body["message"].as_str().expect("message");
    assert!(
        message.contains("E2E Snack Box"),
        "product name from Stripe: {message}"
    );
    assert_eq!(view.body["status"], "open");

    let calls = s.stripe_requests(&sub.id);
    assert_eq!(calls.len(), 1, "exactly one Stripe call: {calls:?}");
    assert_eq!(calls[0]["method"], "GET");
    assert_eq!(
        calls[0]["params"]["expand"],
        json!([
            "customer",
            "items.data.price.product",
            "discounts.source.coupon"
        ])
    );
    assert_eq!(
        calls[0]["stripe_version"],
        holdfast_core::stripe::API_VERSION
    );
}

#[test]
fn a_tampered_subscription_id_or_auth_hash_is_refused_and_creates_nothing() {
    let s = stack_alone();
    let (mine, theirs) = (s.subscription(), s.subscription());

    let mut swapped = s.signed("t_signed", &mine.id);
    swapped["subscription_id"] = json!(theirs.id);
    let a = s.precancel(&swapped);
    assert_eq!(a.status, 401, "{}", a.body);
    assert_eq!(a.body["valid"], false);
    assert!(a.body["message"]
        .as_str()
        .expect("message")
        .contains("auth_hash"));

    let mut forged = s.signed("t_signed", &mine.id);
    forged["auth_hash"] = json!("0".repeat(64));
    assert_eq!(s.precancel(&forged).status, 401);

    let mut unsigned = s.signed("t_signed", &mine.id);
    unsigned
        .as_object_mut()
        .expect("object")
        .remove("auth_hash");
    let a = s.precancel(&unsigned);
    assert_eq!(a.status, 401, "signed requests are required by default");

    let other_secret = json!({"app_id": "t_signed", "subscription_id": mine.id,
        "auth_hash": holdfast_core::signing::auth_hash("not-the-secret", &mine.id)});
    assert_eq!(s.precancel(&other_secret).status, 401);

    let rows = s.sql(&format!(
        "SELECT COUNT(*) AS n FROM sessions WHERE subscription_id IN ('{}', '{}')",
        mine.id, theirs.id
    ));
    assert_eq!(rows[0]["n"], 0, "no session was created");
    assert!(
        s.stripe_requests(&mine.id).is_empty() && s.stripe_requests(&theirs.id).is_empty(),
        "Stripe was not called"
    );
}

#[test]
fn an_app_that_allows_unsigned_requests_accepts_them() {
    let s = stack();
    let sub = s.subscription();
    let a = s.precancel(&json!({"app_id": "t_unsigned", "subscription_id": sub.id}));
    assert_eq!(a.status, 200, "{}", a.body);
}

#[test]
fn a_server_side_precancel_authenticates_with_the_secret_key() {
    let s = stack();
    let sub = s.subscription();
    let body = json!({"app_id": "t_signed", "subscription_id": sub.id}).to_string();
    let url = format!("{}/precancel", s.url);
    let ok = post_raw(
        &url,
        &body,
        &[("authorization", &format!("Bearer {}", s.secret_key))],
    );
    assert_eq!(ok.status, 200, "{}", ok.body);
    let bad = post_raw(&url, &body, &[("authorization", "Bearer hf_sk_wrong")]);
    assert_eq!(bad.status, 401);
}

#[test]
fn bad_input_gets_a_400_that_names_the_field_and_creates_nothing() {
    let s = stack_alone();
    let sub = s.subscription();
    let url = format!("{}/precancel", s.url);
    let cases = [
        (json!({"subscription_id": sub.id}).to_string(), "app_id"),
        ("{\"app_id\": \"t_signed\", ".to_owned(), "body"),
        (json!({"app_id": 42, "subscription_id": sub.id}).to_string(), "app_id"),
        (json!({"app_id": "t_signed", "subscription_id": sub.id, "account": {"plan": ["pro"]}}).to_string(), "account.plan"),
        (json!({"app_id": "t_signed", "subscription_id": "../v1/customers"}).to_string(), "subscription_id"),
        (json!({"app_id": "t_signed", "subscription_id": sub.id, "save_return_url": "javascript:alert(1)"}).to_string(), "save_return_url"),
        (json!({"app_id": "t_signed", "subscription_id": sub.id, "first_name": "x".repeat(40_000)}).to_string(), "body"),
    ];
    for (body, field) in cases {
        let a = post_raw(&url, &body, &[]);
        assert_eq!(a.status, 400, "{field}: {}", a.body);
        assert_eq!(a.body["valid"], false);
        assert_eq!(a.body["field"], field, "{}", a.body);
        assert!(!a.body["message"].as_str().unwrap_or_default().is_empty());
    }
    let rows = s.sql(&format!(
        "SELECT COUNT(*) AS n FROM sessions WHERE subscription_id = '{}'",
        sub.id
    ));
    assert_eq!(rows[0]["n"], 0);
}

#[test]
fn an_unknown_app_is_a_404_in_brightbacks_shape() {
    let s = stack();
    let a = s.precancel(&json!({"app_id": "no_such_app", "subscription_id": "sub_123"}));
    assert_eq!(a.status, 404);
    assert_eq!(
        a.body,
        json!({"valid": false, "message": "No such app: no_such_app"})
    );
}

#[test]
fn an_unknown_subscription_still_starts_a_session_on_fallback_values() {
    let s = stack();
    let mut body = s.signed("t_signed", "sub_doesnotexist42");
    body.as_object_mut().expect("object").remove("first_name");
    let a = s.precancel(&body);
    assert_eq!(a.status, 200, "{}", a.body);
    let token = crate::helpers::token_of(&a);
    let view = s.view(&token);
    assert_eq!(view.body["title"], "Before you go, there");
    assert!(
        view.body["message"]
            .as_str()
            .expect("message")
            .contains("your subscription at the end"),
        "{}",
        view.body
    );
}

#[test]
fn an_unreachable_stripe_still_starts_a_session() {
    let s = stack_alone();
    let sub = s.subscription();
    s.fault(json!({"path_contains": sub.id, "status": 503}));
    let token = s.session("t_signed", &sub.id);
    assert_eq!(s.view(&token).body["status"], "open");
    let rows = s.sql(&format!(
        "SELECT stripe_lookup FROM sessions WHERE subscription_id = '{}'",
        sub.id
    ));
    assert_eq!(rows[0]["stripe_lookup"], "error");
}

#[test]
fn precancel_answers_cross_origin_calls_from_the_snippet() {
    let s = stack();
    let resp = crate::helpers::agent()
        .request("OPTIONS", &format!("{}/precancel", s.url))
        .set("origin", "https://merchant.example")
        .set("access-control-request-method", "POST")
        .call()
        .expect("preflight answers");
    assert_eq!(resp.status(), 204);
    assert_eq!(
        resp.header("access-control-allow-origin"),
        Some("https://merchant.example")
    );
    assert_eq!(resp.header("vary"), Some("Origin"));
}

#[test]
fn the_snippet_is_served_at_the_brightback_paths_too() {
    let s = stack();
    for path in [
        "/js/holdfast.js",
        "/js/current/",
        "/js/current/?compiled=true",
        "/js/current/brightback.js",
    ] {
        let resp = crate::helpers::agent()
            .get(&format!("{}{path}", s.url))
            .call()
            .expect("served");
        assert!(
            resp.content_type().contains("javascript"),
            "{path}: {}",
            resp.content_type()
        );
        let text = resp.into_string().expect("text");
        assert!(
            text.contains("handleDataPromise") && text.contains("Brightback"),
            "{path}"
        );
    }
}

#[test]
fn session_tokens_that_do_not_exist_are_404s() {
    let s = stack();
    assert_eq!(
        get(&format!("{}/api/sessions/{}", s.url, "a".repeat(64))).status,
        404
    );
    assert_eq!(get(&format!("{}/api/sessions/short", s.url)).status, 404);
    assert_eq!(get(&format!("{}/api/nothing-here", s.url)).status, 404);
}

#[test]
fn an_app_changed_while_its_precancel_reads_stripe_is_decided_again_without_a_second_read() {
    let s = stack();
    let a = crate::helpers::admin();
    let app = a.app_with("Changed mid-call", &json!({"title": "The first title"}));
    let sign = |sub: &str| {
        let (t, hash) = crate::helpers::timed_signature(&app.signing_secret, sub);
        json!({"app_id": app.id, "subscription_id": sub, "auth_timestamp": t, "auth_hash": hash})
    };
    let warm = s.subscription();
    assert_eq!(
        s.precancel(&sign(&warm.id)).status,
        200,
        "the edge now remembers the app"
    );
    let sub = s.subscription();
    s.fault(json!({"method": "GET", "path_contains": format!("/v1/subscriptions/{}", sub.id), "delay_ms": 2000}));
    let (url, body) = (format!("{}/precancel", s.url), sign(&sub.id).to_string());
    let call = std::thread::spawn(move || post_raw(&url, &body, &[]));
    std::thread::sleep(std::time::Duration::from_millis(700));
    let saved = a.send(
        "PUT",
        &format!("/api/admin/apps/{}/settings", app.id),
        &json!({"title": "The second title"}),
    );
    assert_eq!(saved.status, 200, "{}", saved.body);
    let answer = call.join().expect("the precancel's thread");
    assert_eq!(answer.status, 200, "{}", answer.body);
    let view = s.view(&crate::helpers::token_of(&answer));
    assert_eq!(
        view.body["title"], "The second title",
        "the session is written under the settings of its moment"
    );
    assert_eq!(
        s.stripe_requests(&sub.id).len(),
        1,
        "Stripe is read once all the same"
    );
}
