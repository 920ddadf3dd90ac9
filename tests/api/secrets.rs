//! Secrets never leave the edge: after a full journey (customer and admin),
//! no answer and no log line holds the Stripe key, the app's signing
//! secret or secret key, the Stripe webhook secret, the admin's password or
//! the setup token, nor anything shaped like a Stripe or webhook secret.

use serde_json::json;

use crate::helpers::{admin, agent, stack_alone};

fn shaped_like_a_secret(text: &str) -> Option<String> {
    for prefix in ["sk_test_", "sk_live_", "rk_test_", "rk_live_", "whsec_"] {
        for (at, _) in text.match_indices(prefix) {
            let tail: String = text[at + prefix.len()..]
                .chars()
                .take_while(|c| c.is_ascii_alphanumeric() || matches!(c, '+' | '/' | '='))
                .collect();
            if tail.len() >= 8 {
                return Some(format!("{prefix}{tail}"));
            }
        }
    }
    None
}

#[test]
fn no_secret_appears_in_any_answer_or_log_line() {
    let s = stack_alone();
    let a = admin();
    let env = |k: &str| std::env::var(k).unwrap_or_else(|_| panic!("{k}: run with scripts/test"));
    let secrets = [
        env("EMULATOR_KEY"),
        env("TEST_SIGNING_SECRET"),
        env("TEST_SECRET_KEY"),
        env("STRIPE_WEBHOOK_SECRET"),
        env("ADMIN_PASSWORD"),
        env("ADMIN_SETUP_TOKEN"),
    ];
    let mut bodies: Vec<(String, String)> = Vec::new();
    let fetch = |url: String, cookie: Option<&str>| -> String {
        let mut req = agent().get(&url);
        if let Some(c) = cookie {
            req = req.set("cookie", c);
        }
        match req.call() {
            Ok(r) => r.into_string().unwrap_or_default(),
            Err(ureq::Error::Status(_, r)) => r.into_string().unwrap_or_default(),
            Err(e) => panic!("{url}: {e}"),
        }
    };

    // The customer's journey.
    let sub = s.subscription();
    let pre = s.precancel(&s.signed("t_offers", &sub.id));
    bodies.push(("precancel".into(), pre.body.to_string()));
    let token = crate::helpers::token_of(&pre);
    bodies.push((
        "cancel page".into(),
        fetch(format!("{}/cancel/{token}", s.url), None),
    ));
    bodies.push((
        "session view".into(),
        fetch(format!("{}/api/sessions/{token}", s.url), None),
    ));
    for (action, body) in [
        ("reason", json!({"reason_id": "too_expensive"})),
        ("offers/save25/show", json!({})),
        ("offers/save25/accept", json!({})),
    ] {
        bodies.push((action.into(), s.api(&token, action, &body).body.to_string()));
    }
    bodies.push((
        "snippet".into(),
        fetch(format!("{}/js/holdfast.js", s.url), None),
    ));

    // The admin's screens.
    let c = Some(a.cookie.as_str());
    for path in [
        "/api/admin/me",
        "/api/admin/apps",
        "/api/admin/apps/t_offers/settings",
        "/api/admin/stripe",
        "/api/admin/apps/t_offers/dashboard",
        "/api/admin/apps/t_offers/sessions",
        "/api/admin/apps/t_offers/sessions.csv",
        "/api/admin/apps/t_offers/revenue",
        "/api/admin/apps/t_offers/webhooks",
        "/api/admin/operations",
        "/api/admin/audit",
        "/admin",
    ] {
        bodies.push((path.into(), fetch(format!("{}{path}", s.url), c)));
    }
    let session = a.get("/api/admin/apps/t_offers/sessions");
    let id = session.body["sessions"][0]["id"]
        .as_str()
        .expect("a session")
        .to_owned();
    bodies.push((
        "session detail".into(),
        fetch(format!("{}/api/admin/sessions/{id}", s.url), c),
    ));

    for (what, text) in &bodies {
        for secret in &secrets {
            assert!(!text.contains(secret.as_str()), "{what} holds a secret");
        }
        assert_eq!(shaped_like_a_secret(text), None, "{what}");
    }

    // Every log line the edge wrote so far, this test's and the others'.
    let state = env("HOLDFAST_STATE");
    let log = std::fs::read_to_string(format!("{state}/wrangler.log")).expect("wrangler's log");
    assert!(log.contains("/precancel"), "the log is the edge's");
    for secret in &secrets {
        assert!(
            !log.contains(secret.as_str()),
            "the edge's log holds a secret"
        );
    }
    assert_eq!(shaped_like_a_secret(&log), None, "the edge's log");
}

#[test]
fn the_secret_shape_check_finds_secrets() {
    assert!(shaped_like_a_secret("key=sk_test_51AbCdEfGhIj").is_some());
    assert!(shaped_like_a_secret("whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw").is_some());
    assert_eq!(
        shaped_like_a_secret("the prefix sk_test_ alone, or rk_live_x"),
        None
    );
}

#[test]
fn only_the_sites_an_app_lists_may_frame_its_cancel_page() {
    let s = crate::helpers::stack();
    let a = admin();
    let app = a.app_with(
        "Embedded",
        &json!({"embed_origins": ["https://www.merchant.example"]}),
    );
    let token = s.session_with(&app, &s.subscription().id, json!({}));
    let resp = agent()
        .get(&format!("{}/cancel/{token}", s.url))
        .call()
        .expect("page");
    let csp = resp.header("content-security-policy").unwrap_or_default();
    assert!(
        csp.ends_with("frame-ancestors https://www.merchant.example"),
        "{csp}"
    );
    let bad = a.send(
        "PUT",
        &format!("/api/admin/apps/{}/settings", app.id),
        &json!({"embed_origins": ["https://x.example; script-src *"]}),
    );
    assert_eq!(bad.status, 400);
    assert_eq!(bad.body["error"]["fields"][0]["field"], "embed_origins.0");
    let settings = agent()
        .get(&format!("{}/admin", s.url))
        .call()
        .expect("settings UI");
    assert!(settings
        .header("content-security-policy")
        .is_some_and(|c| c.contains("frame-ancestors 'none'")));
    let api = agent()
        .get(&format!("{}/api/health", s.url))
        .call()
        .expect("health");
    assert_eq!(api.header("x-content-type-options"), Some("nosniff"));
    assert!(api
        .header("strict-transport-security")
        .is_some_and(|h| h.contains("max-age=")));
}
