//! The admin API: access rules, apps and secrets, settings, pickers,
//! operations, audit.

use serde_json::{json, Value};

use crate::helpers::{admin, post_raw, stack};

const ROUTES: [(&str, &str); 21] = [
    ("GET", "/api/admin/me"),
    ("POST", "/api/admin/logout"),
    ("GET", "/api/admin/audit"),
    ("GET", "/api/admin/apps"),
    ("POST", "/api/admin/apps"),
    ("PATCH", "/api/admin/apps/t_signed"),
    ("DELETE", "/api/admin/apps/t_signed"),
    ("POST", "/api/admin/apps/t_signed/rotate"),
    ("GET", "/api/admin/apps/t_signed/settings"),
    ("PUT", "/api/admin/apps/t_signed/settings"),
    ("GET", "/api/admin/stripe/coupons"),
    ("GET", "/api/admin/stripe/prices"),
    ("GET", "/api/admin/operations"),
    ("GET", "/api/admin/stripe"),
    ("PUT", "/api/admin/stripe"),
    ("DELETE", "/api/admin/stripe"),
    ("POST", "/api/admin/stripe/check"),
    ("POST", "/api/admin/apps/t_signed/mappings/preview"),
    ("POST", "/api/admin/operations/ses_x/retry"),
    ("GET", "/admin/../api/admin/apps"),
    ("GET", "/api/admin/apps?x=1"),
];

fn call(method: &str, path: &str, headers: &[(&str, &str)]) -> u16 {
    let mut req = crate::helpers::agent().request(method, &format!("{}{path}", stack().url));
    for (k, v) in headers {
        req = req.set(k, v);
    }
    let res = if method == "GET" {
        req.call()
    } else {
        req.send_json(json!({}))
    };
    match res {
        Ok(r) => r.status(),
        Err(ureq::Error::Status(code, _)) => code,
        Err(e) => panic!("{method} {path}: {e}"),
    }
}

#[test]
fn every_admin_route_refuses_an_anonymous_request() {
    let _s = stack();
    for (method, path) in ROUTES {
        assert_eq!(call(method, path, &[]), 401, "{method} {path}");
        assert_eq!(
            call(method, path, &[("cookie", "hf_admin=forged")]),
            401,
            "{method} {path} with a forged cookie"
        );
    }
}

#[test]
fn writes_need_the_csrf_token_and_this_origin_and_change_nothing_without() {
    let s = stack();
    let a = admin();
    let url = format!("{}/api/admin/apps", s.url);
    let body = json!({"name": "sneaky"}).to_string();
    let no_token = post_raw(&url, &body, &[("cookie", &a.cookie)]);
    assert_eq!(no_token.status, 403, "{}", no_token.body);
    let wrong_token = post_raw(
        &url,
        &body,
        &[("cookie", &a.cookie), ("x-csrf-token", "nope")],
    );
    assert_eq!(wrong_token.status, 403);
    let cross_site = post_raw(
        &url,
        &body,
        &[
            ("cookie", &a.cookie),
            ("x-csrf-token", &a.csrf),
            ("origin", "https://evil.example"),
        ],
    );
    assert_eq!(cross_site.status, 403);
    // Other tests create apps meanwhile: look for this one only.
    let apps = a.get("/api/admin/apps").body;
    assert!(
        apps.as_array()
            .expect("apps")
            .iter()
            .all(|app| app["name"] != "sneaky"),
        "nothing was created"
    );
    for (method, path) in ROUTES.iter().filter(|(m, _)| *m != "GET") {
        let status = call(method, path, &[("cookie", &a.cookie), ("origin", &s.url)]);
        assert_eq!(status, 403, "{method} {path} without its CSRF token");
    }
}

#[test]
fn setup_needs_its_token_and_happens_once() {
    let s = stack();
    let _ = admin();
    let url = format!("{}/api/admin/setup", s.url);
    let wrong = post_raw(
        &url,
        &json!({"token": "guess", "email": "x@y.example", "password": "long enough password"})
            .to_string(),
        &[],
    );
    assert_eq!(wrong.status, 401);
    let token = std::env::var("ADMIN_SETUP_TOKEN").expect("token");
    let again = post_raw(
        &url,
        &json!({"token": token, "email": "second@y.example", "password": "long enough password"})
            .to_string(),
        &[],
    );
    assert_eq!(again.status, 409, "{}", again.body);
    let status = crate::helpers::get(&format!("{}/api/admin/status", s.url));
    assert_eq!(status.body["needs_setup"], false);
}

#[test]
fn failed_sign_ins_are_throttled_per_account_and_client() {
    let s = stack();
    let url = format!("{}/api/admin/login", s.url);
    let body = json!({"email": "nobody-throttle@holdfast.test", "password": "wrong password 123"})
        .to_string();
    let client = crate::helpers::customer_address();
    for _ in 0..5 {
        assert_eq!(
            post_raw(&url, &body, &[("cf-connecting-ip", &client)]).status,
            401
        );
    }
    let blocked = post_raw(&url, &body, &[("cf-connecting-ip", &client)]);
    assert_eq!(blocked.status, 429, "{}", blocked.body);
    assert_eq!(blocked.body["error"]["code"], "rate_limited");
    // Failures elsewhere never lock the account out for its own client.
    assert_eq!(
        post_raw(&url, &body, &[]).status,
        401,
        "another client may still try"
    );
}

#[test]
fn an_app_is_created_with_secrets_shown_once_that_sign_precancels_and_rotate_with_grace() {
    let s = stack();
    let a = admin();
    let created = a.send("POST", "/api/admin/apps", &json!({"name": "Rotation test"}));
    assert_eq!(created.status, 201, "{}", created.body);
    let id = created.body["app"]["id"].as_str().expect("id").to_owned();
    let old_signing = created.body["signing_secret"]
        .as_str()
        .expect("signing secret")
        .to_owned();
    assert!(
        created.body["app"]["require_signed"]
            .as_bool()
            .expect("bool"),
        "signed by default"
    );
    let listed = a.get("/api/admin/apps").body.to_string();
    assert!(
        listed.contains(&id) && !listed.contains(&old_signing),
        "secrets are never listed"
    );

    let sub = s.subscription();
    let sign = |secret: &str| {
        let (t, hash) = crate::helpers::timed_signature(secret, &sub.id);
        json!({"app_id": id, "subscription_id": sub.id, "auth_timestamp": t, "auth_hash": hash})
    };
    assert_eq!(s.precancel(&sign(&old_signing)).status, 200);

    let rotated = a.send("POST", &format!("/api/admin/apps/{id}/rotate"), &json!({}));
    assert_eq!(rotated.status, 200, "{}", rotated.body);
    let new_signing = rotated.body["signing_secret"]
        .as_str()
        .expect("new secret")
        .to_owned();
    assert_ne!(new_signing, old_signing);
    assert_eq!(
        s.precancel(&sign(&new_signing)).status,
        200,
        "the new secret works"
    );
    assert_eq!(
        s.precancel(&sign(&old_signing)).status,
        200,
        "the old one still works during the grace period"
    );
    assert_eq!(s.precancel(&sign("hf_sign_other")).status, 401);

    let audit = a.get("/api/admin/audit").body;
    let mine: Vec<&Value> = audit
        .as_array()
        .expect("entries")
        .iter()
        .filter(|e| e["target"] == id.as_str())
        .collect();
    let actions: Vec<&str> = mine.iter().filter_map(|e| e["action"].as_str()).collect();
    assert!(
        actions.contains(&"app.create") && actions.contains(&"app.rotate_secrets"),
        "{actions:?}"
    );
    assert!(mine.iter().all(|e| e["admin"] == a.email.as_str()));
}

#[test]
fn bad_settings_are_refused_field_by_field_and_change_nothing() {
    let _s = stack();
    let a = admin();
    let id = a
        .send("POST", "/api/admin/apps", &json!({"name": "Settings test"}))
        .body["app"]["id"]
        .as_str()
        .expect("id")
        .to_owned();
    let path = format!("/api/admin/apps/{id}/settings");
    let before = a.get(&path).body;
    let bad = json!({"title": "", "offers": [{"id": "o1", "title": "", "body": "b", "billing": {"type": "discount", "coupon": ""}, "reasons": ["nope"]}]});
    let r = a.send("PUT", &path, &bad);
    assert_eq!(r.status, 400, "{}", r.body);
    let fields: Vec<&str> = crate::helpers::strings(&r.body["error"]["fields"], "field");
    for f in [
        "title",
        "offers.0.title",
        "offers.0.billing.coupon",
        "offers.0.reasons",
    ] {
        assert!(fields.contains(&f), "{f} in {fields:?}");
    }
    assert_eq!(a.get(&path).body, before, "a refused save changes nothing");
    let wrong_type = a.send("PUT", &path, &json!({"max_offer_screens": "many"}));
    assert_eq!(wrong_type.status, 400);
    assert_eq!(wrong_type.body["error"]["field"], "max_offer_screens");
}

#[test]
fn saved_settings_reach_the_cancel_page() {
    let s = stack();
    let app = admin().app_with(
        "Live settings",
        &json!({
            "title": "Wait, {{first_name | friend}}!",
            "reasons": [{"id": "pricey", "label": "Costs too much", "feedback": "too_expensive"}],
            "offers": [{"id": "half", "title": "Half off", "body": "b", "billing": {"type": "discount", "coupon": "SAVE25"}, "reasons": ["pricey"]}]
        }),
    );
    let sub = s.subscription();
    let view = s
        .view(&s.session_with(&app, &sub.id, json!({"first_name": "Ada"})))
        .body;
    assert_eq!(view["title"], "Wait, Ada!");
    assert_eq!(view["reasons"][0]["label"], "Costs too much");
    assert_eq!(view["offers"][0]["id"], "half");
}

#[test]
fn the_offer_editor_picks_from_stripes_coupons_and_prices() {
    let _s = stack();
    let a = admin();
    let coupons = a.get("/api/admin/stripe/coupons");
    assert_eq!(coupons.status, 200, "{}", coupons.body);
    let save25 = coupons
        .body
        .as_array()
        .expect("list")
        .iter()
        .find(|c| c["id"] == "SAVE25")
        .cloned()
        .expect("SAVE25 listed");
    assert_eq!(
        save25["label"],
        "25% off for 3 months (25% off, for 3 months)"
    );
    let prices = a.get("/api/admin/stripe/prices").body;
    let monthly = prices
        .as_array()
        .expect("list")
        .iter()
        .find(|p| p["id"] == "snack_monthly")
        .cloned()
        .expect("price listed");
    assert_eq!(monthly["label"], "Premium Snack Pack: 15.00 USD / month");
}

#[test]
fn failed_operations_are_listed_and_an_admin_retry_lands_them() {
    let s = stack();
    let a = admin();
    let sub = s.subscription();
    let token = s.session("t_signed", &sub.id);
    s.fault(json!({"method": "POST", "path_contains": sub.id, "status": 500, "times": 2}));
    assert_eq!(s.api(&token, "cancel", &json!({})).status, 202);
    let ops = a.get("/api/admin/operations").body;
    let op = ops
        .as_array()
        .expect("list")
        .iter()
        .find(|o| o["subscription_id"] == sub.id.as_str())
        .cloned()
        .expect("listed");
    assert_eq!(op["status"], "pending");
    assert!(op["last_error"].as_str().expect("error").contains("500"));
    let session_id = op["session_id"].as_str().expect("session id");
    let retried = a.send(
        "POST",
        &format!("/api/admin/operations/{session_id}/retry"),
        &json!({}),
    );
    assert_eq!(retried.status, 200, "{}", retried.body);
    assert_eq!(retried.body["status"], "cancelled");
    assert_eq!(s.read_subscription(&sub.id)["cancel_at_period_end"], true);
    let after = a.get("/api/admin/operations").body.to_string();
    assert!(!after.contains(&sub.id), "no longer needs attention");
}

#[test]
fn a_connected_key_is_sealed_never_shown_and_its_missing_permissions_are_named() {
    // Alone: the connection is global, and this test swaps it.
    let s = crate::helpers::stack_alone();
    let a = admin();
    let key = format!("rk_test_{}", "Q7x".repeat(12));
    let permissions = json!({"customers": "read", "events": "read", "products": "read", "plans": "read",
                             "prices": "read", "subscriptions": "write"});
    let ok = crate::helpers::agent()
        .post(&format!("{}/_config/restricted_keys", s.emulator))
        .send_json(json!({"key": key, "permissions": permissions}));
    assert!(ok.is_ok());

    let bad = a.send("PUT", "/api/admin/stripe", &json!({"key": "pk_test_nope"}));
    assert_eq!(bad.status, 400);
    assert_eq!(bad.body["error"]["field"], "key");

    let saved = a.send("PUT", "/api/admin/stripe", &json!({"key": key}));
    assert_eq!(saved.status, 200, "{}", saved.body);
    assert_eq!(saved.body["source"], "settings");
    assert_eq!(saved.body["last4"], &key[key.len() - 4..]);
    assert_eq!(saved.body["mode"], "test");

    let checks = a.send("POST", "/api/admin/stripe/check", &json!({}));
    assert_eq!(checks.status, 200, "{}", checks.body);
    let list = checks.body.as_array().expect("checks");
    let by = |r: &str| list.iter().find(|c| c["resource"] == r).cloned().expect(r);
    assert_eq!(by("Customers")["ok"], true);
    assert_eq!(
        by("Subscriptions")["ok"],
        true,
        "write probed without changing anything"
    );
    assert_eq!(by("Coupons")["ok"], false);
    assert!(by("Coupons")["fix"]
        .as_str()
        .expect("fix")
        .contains("Read access to Coupons"));

    // Stripe calls now go out with the saved key.
    let sub = s.subscription();
    assert_eq!(s.precancel(&s.signed("t_signed", &sub.id)).status, 200);
    let calls = s.stripe_requests(&sub.id);
    let last = calls
        .iter()
        .rev()
        .find(|c| c["method"] == "GET")
        .expect("the precancel read");
    assert_eq!(last["key_last4"], &key[key.len() - 4..]);

    let shown =
        a.get("/api/admin/stripe").body.to_string() + &a.get("/api/admin/audit").body.to_string();
    assert!(!shown.contains(&key), "the key never comes back");
    let state = std::env::var("HOLDFAST_STATE").expect("state dir");
    let log = std::fs::read_to_string(format!("{state}/wrangler.log")).expect("the edge's log");
    assert!(!log.contains(&key), "nor reaches a log line");
    let rows = s.sql("SELECT sealed_key FROM stripe_connection");
    assert!(
        !rows[0]["sealed_key"]
            .as_str()
            .expect("sealed")
            .contains("rk_test"),
        "sealed at rest"
    );

    let gone = a.send("DELETE", "/api/admin/stripe", &json!({}));
    assert_eq!(gone.status, 200);
    assert_eq!(gone.body["source"], "environment");
}

#[test]
fn with_enrichment_off_precancel_never_reads_stripe_and_branding_reaches_the_page() {
    let s = stack();
    let a = admin();
    let settings = json!({"enrichment": false, "branding": {"accent_color": "#aa3300", "logo_url": "https://merchant.example/logo.png"}});
    let app = a.app_with("No enrichment", &settings);
    let bad = a.send(
        "PUT",
        &format!("/api/admin/apps/{}/settings", app.id),
        &json!({"branding": {"accent_color": "red", "logo_url": "javascript:x"}}),
    );
    let fields: Vec<&str> = crate::helpers::strings(&bad.body["error"]["fields"], "field");
    assert_eq!(fields, ["branding.accent_color", "branding.logo_url"]);

    let sub = s.subscription();
    let token = s.session_with(&app, &sub.id, json!({}));
    assert!(
        s.stripe_requests(&sub.id).is_empty(),
        "enrichment off: no Stripe read"
    );
    let view = s.view(&token).body;
    assert_eq!(view["accent_color"], "#aa3300");
    assert_eq!(view["logo_url"], "https://merchant.example/logo.png");
    assert!(
        view["message"]
            .as_str()
            .expect("message")
            .contains("your subscription"),
        "fallback copy"
    );
    // Cancelling still reaches Stripe.
    assert_eq!(s.api(&token, "cancel", &json!({})).status, 200);
    assert_eq!(s.read_subscription(&sub.id)["cancel_at_period_end"], true);
}
