//! The edge enforces every rule the cancel page follows (issue 13): a
//! customer with only their own session token and any HTTP client gets
//! nothing the page would not give.

use std::thread;

use serde_json::{json, Value};

use crate::helpers::{admin, customer_address, stack, Answer, Stack, TestApp};

fn reason(s: &Stack, token: &str, id: &str) -> Answer {
    s.api(token, "reason", &json!({"reason_id": id}))
}

fn show(s: &Stack, token: &str, offer: &str) -> Answer {
    s.api(token, &format!("offers/{offer}/show"), &json!({}))
}

fn accept(s: &Stack, token: &str, offer: &str) -> Answer {
    s.api(token, &format!("offers/{offer}/accept"), &json!({}))
}

/// The audit trail's event kinds for the one session of `sub` in `app`.
fn events(app: &str, sub: &str) -> Vec<String> {
    let a = admin();
    let list = a.get(&format!("/api/admin/apps/{app}/sessions?q={sub}"));
    assert_eq!(list.status, 200, "{}", list.body);
    let id = list.body["sessions"][0]["id"]
        .as_str()
        .expect("a session")
        .to_owned();
    let detail = a.get(&format!("/api/admin/sessions/{id}"));
    crate::helpers::strings(&detail.body["events"], "kind")
        .into_iter()
        .map(str::to_owned)
        .collect()
}

fn refused(a: &Answer) {
    assert_eq!(a.status, 403, "{}", a.body);
    assert_eq!(a.body["error"]["code"], "offer_not_available", "{}", a.body);
}

/// `show` and `accept` both refused; Stripe untouched, no offer event.
fn refused_everywhere(s: &Stack, app: &str, sub: &str, token: &str, offer: &str) {
    refused(&show(s, token, offer));
    refused(&accept(s, token, offer));
    assert!(s.stripe_writes(sub).is_empty(), "no Stripe write");
    assert!(
        s.stripe_requests("create_preview")
            .iter()
            .all(|r| !r.to_string().contains(sub)),
        "no Stripe preview"
    );
    let kinds = events(app, sub);
    assert!(!kinds.iter().any(|k| k.starts_with("offer")), "{kinds:?}");
}

#[test]
fn an_offer_placed_for_another_reason_is_refused_without_a_write() {
    let s = stack();
    let sub = s.subscription();
    let token = s.session("t_offers", &sub.id);
    assert_eq!(reason(&s, &token, "unused").status, 200);
    refused_everywhere(&s, "t_offers", &sub.id, &token, "save25");
}

#[test]
fn an_offer_never_shown_cannot_be_accepted() {
    let s = stack();
    let sub = s.subscription();
    let token = s.session("t_offers", &sub.id);
    assert_eq!(reason(&s, &token, "too_expensive").status, 200);
    refused(&accept(&s, &token, "save25"));
    assert!(s.stripe_writes(&sub.id).is_empty());
}

#[test]
fn past_the_screen_limit_another_offer_is_neither_shown_nor_accepted() {
    let s = stack();
    let sub = s.subscription();
    let token = s.session("t_offers", &sub.id);
    assert_eq!(reason(&s, &token, "too_expensive").status, 200);
    assert_eq!(show(&s, &token, "save25").status, 200);
    assert_eq!(reason(&s, &token, "unused").status, 200);
    let second = show(&s, &token, "pause2m");
    assert_eq!(second.status, 409, "{}", second.body);
    refused(&accept(&s, &token, "pause2m"));
    // The reason changed since save25 was shown: it is no longer placed.
    refused(&accept(&s, &token, "save25"));
    assert!(s.stripe_writes(&sub.id).is_empty());
}

/// An app whose one experience narrows offers to `pause2m`, holding out
/// `holdout` percent.
fn experiment_app(name: &str, holdout: u32) -> TestApp {
    let mut settings: Value =
        serde_json::from_str(include_str!("offers.json")).expect("offers.json");
    settings["experiences"] = json!([{"id": "exp", "name": "Exp", "holdout_percent": holdout,
        "variants": [{"id": "pause_only", "weight": 1, "offers": ["pause2m"]}]}]);
    settings["return_origins"] = json!(["https://merchant.example"]);
    admin().app_with(name, &settings)
}

fn variant_of(app: &TestApp, sub: &str) -> String {
    let list = admin().get(&format!("/api/admin/apps/{}/sessions?q={sub}", app.id));
    list.body["sessions"][0]["variant_id"]
        .as_str()
        .unwrap_or_default()
        .to_owned()
}

#[test]
fn an_offer_outside_the_sessions_variant_is_refused() {
    let s = stack();
    let app = experiment_app("Variant without save25", 0);
    let sub = s.subscription();
    let token = s.session_with(&app, &sub.id, json!({}));
    assert_eq!(variant_of(&app, &sub.id), "pause_only");
    assert_eq!(reason(&s, &token, "too_expensive").status, 200);
    refused_everywhere(&s, &app.id, &sub.id, &token, "save25");
}

#[test]
fn a_holdout_session_gets_no_offer_at_all() {
    let s = stack();
    let app = experiment_app("Holdout", 50);
    // Half the subscriptions land in the holdout; find one that did.
    let (sub, token) = (0..40)
        .find_map(|_| {
            let sub = s.subscription();
            let token = s.session_with(&app, &sub.id, json!({}));
            (variant_of(&app, &sub.id) == "holdout").then_some((sub, token))
        })
        .expect("a holdout session within 40 tries");
    assert_eq!(reason(&s, &token, "unused").status, 200);
    refused_everywhere(&s, &app.id, &sub.id, &token, "pause2m");
}

#[test]
fn repeated_answers_cost_nothing_and_reason_changes_are_bounded() {
    let s = stack();
    let sub = s.subscription();
    let token = s.session("t_offers", &sub.id);
    for _ in 0..5 {
        assert_eq!(reason(&s, &token, "too_expensive").status, 200);
    }
    // (Five answers, one recorded: the bound below counts that one.)
    let kinds = events("t_offers", &sub.id);
    assert_eq!(
        kinds.iter().filter(|k| *k == "reason_chosen").count(),
        1,
        "{kinds:?}"
    );

    for _ in 0..20 {
        assert_eq!(show(&s, &token, "save25").status, 200);
    }
    let previews = s
        .stripe_requests("create_preview")
        .into_iter()
        .filter(|r| r.to_string().contains(&sub.id))
        .count();
    assert_eq!(previews, 1, "one Stripe preview for twenty shows");
    let kinds = events("t_offers", &sub.id);
    assert_eq!(
        kinds.iter().filter(|k| *k == "offer_shown").count(),
        1,
        "{kinds:?}"
    );

    // Nine more changes reach the bound of ten; the eleventh is refused.
    for i in 0..9 {
        let r = reason(
            &s,
            &token,
            if i % 2 == 0 {
                "unused"
            } else {
                "too_expensive"
            },
        );
        assert_eq!(r.status, 200, "change {i}: {}", r.body);
    }
    let over = s.api_with_headers(&token, "reason", &json!({"reason_id": "other"}));
    assert_eq!(over.0.status, 429, "{}", over.0.body);
    assert!(over.1.is_some_and(|secs| secs > 0), "Retry-After");
}

#[test]
fn a_decided_session_answers_from_its_record_without_calling_stripe() {
    let s = stack();
    let sub = s.subscription();
    let token = s.session("t_signed", &sub.id);
    let first = s.api(&token, "cancel", &json!({}));
    assert_eq!(first.status, 200, "{}", first.body);
    let calls = s.stripe_requests(&sub.id).len();
    for _ in 0..5 {
        let again = s.api(&token, "cancel", &json!({}));
        assert_eq!(again.status, 200);
        assert_eq!(again.body, first.body, "the same answer");
    }
    assert_eq!(
        s.stripe_requests(&sub.id).len(),
        calls,
        "no further Stripe call"
    );
}

#[test]
fn fifty_concurrent_accepts_of_an_allowed_offer_make_one_write() {
    let s = stack();
    let sub = s.subscription();
    let token = s.session("t_offers", &sub.id);
    assert_eq!(reason(&s, &token, "too_expensive").status, 200);
    assert_eq!(show(&s, &token, "save25").status, 200);
    let answers: Vec<Value> = (0..50)
        .map(|_| {
            let token = token.clone();
            thread::spawn(move || {
                let s = crate::helpers::within_test();
                accept(s, &token, "save25").body
            })
        })
        .collect::<Vec<_>>()
        .into_iter()
        .map(|h| h.join().expect("thread"))
        .collect();
    let writes: Vec<Value> = s
        .stripe_writes(&sub.id)
        .into_iter()
        .filter(|w| w["replayed"] == false)
        .collect();
    assert_eq!(writes.len(), 1, "{writes:?}");
    let urls: Vec<&Value> = answers.iter().map(|a| &a["redirect_url"]).collect();
    assert!(
        urls.iter().all(|u| *u == urls[0]),
        "one destination for all: {urls:?}"
    );
}

#[test]
fn return_urls_must_be_on_the_apps_list_and_carry_no_userinfo() {
    let s = stack();
    let sub = s.subscription();
    let mut body = s.signed("t_closed", &sub.id);
    let closed = s.precancel(&body);
    assert_eq!(closed.status, 400, "{}", closed.body);
    assert_eq!(closed.body["field"], "save_return_url");
    body["app_id"] = json!("t_signed");
    body["auth_hash"] = s.signed("t_signed", &sub.id)["auth_hash"].clone();
    body["cancel_confirmation_url"] = json!("https://merchant.example@evil.example/");
    let userinfo = s.precancel(&body);
    assert_eq!(userinfo.status, 400, "{}", userinfo.body);
    assert_eq!(userinfo.body["field"], "cancel_confirmation_url");
    body["cancel_confirmation_url"] = json!("https://evil.example/bye");
    let foreign = s.precancel(&body);
    assert_eq!(foreign.status, 400, "{}", foreign.body);
    assert_eq!(foreign.body["field"], "cancel_confirmation_url");
    assert!(
        s.stripe_requests(&sub.id).is_empty(),
        "refused before Stripe"
    );

    let a = admin();
    let id = a.new_app("Closed").id;
    let settings = a.get(&format!("/api/admin/apps/{id}/settings"));
    assert_eq!(
        settings.body["return_origins"],
        json!([]),
        "new apps list none"
    );
    let save = |v: Value| a.send("PUT", &format!("/api/admin/apps/{id}/settings"), &v);
    let redirect = json!({"offers": [{"id": "r", "title": "R", "body": "b",
        "billing": {"type": "redirect", "url": "https://evil.example/x"}}],
        "return_origins": ["https://merchant.example"]});
    let r = save(redirect);
    assert_eq!(r.status, 400, "{}", r.body);
    assert_eq!(
        r.body["error"]["fields"][0]["field"],
        "offers.0.billing.url"
    );
    let r = save(json!({"return_origins": ["https://a@merchant.example"]}));
    assert_eq!(r.body["error"]["fields"][0]["field"], "return_origins.0");
    let r = save(json!({"return_origins": ["https://merchant.example"]}));
    assert_eq!(r.status, 200, "{}", r.body);
}

#[test]
fn browser_fields_stay_marked_and_pass_through_urls_are_fixed_at_the_decision() {
    let s = stack();
    let a = admin();
    let template =
        "https://merchant.example/kept?customer={{account.internal_id}}&s={{subscription.id}}";
    let settings = |trusted: Value| {
        json!({"offers": [{"id": "save25", "title": "25% off", "body": "b",
            "billing": {"type": "discount", "coupon": "SAVE25"}, "pass_through_url": template}],
            "return_origins": ["https://merchant.example"], "trusted_url_fields": trusted})
    };
    let id = a.new_app("Untrusted").id;
    let r = a.send(
        "PUT",
        &format!("/api/admin/apps/{id}/settings"),
        &settings(json!([])),
    );
    assert_eq!(r.status, 400, "{}", r.body);
    assert_eq!(
        r.body["error"]["fields"][0]["field"],
        "offers.0.pass_through_url"
    );
    assert!(r.body["error"]["fields"][0]["message"]
        .as_str()
        .is_some_and(|m| m.contains("account.internal_id")));

    let app = a.app_with("Trusted", &settings(json!(["account.internal_id"])));
    let sub = s.subscription();
    let token = s.session_with(&app, &sub.id, json!({"account": {"internal_id": "acct_7"}}));
    assert_eq!(show(&s, &token, "save25").status, 200);
    let first = accept(&s, &token, "save25");
    assert_eq!(first.status, 200, "{}", first.body);
    let url = first.body["redirect_url"]
        .as_str()
        .expect("a URL")
        .to_owned();
    assert!(
        url.contains("customer=acct_7") && url.contains(&sub.id),
        "{url}"
    );
    assert!(crate::helpers::pass_through_verifies(
        &url,
        &app.signing_secret
    ));
    let (head, sig) = url.rsplit_once("&hf_sig=").expect("signed");
    assert_ne!(
        sig,
        holdfast_core::signing::auth_hash(&app.signing_secret, head),
        "hf_sig is not made with the auth_hash key"
    );
    thread::sleep(std::time::Duration::from_millis(1100));
    let again = accept(&s, &token, "save25");
    assert_eq!(
        again.body["redirect_url"], first.body["redirect_url"],
        "the same URL, same hf_ts"
    );
}

#[test]
fn the_app_limit_counts_only_authenticated_calls_and_failures_count_against_the_client() {
    let s = stack();
    let app = admin().app_with("Limited", &json!({"precancel_per_minute": 3}));
    let sub = s.subscription();
    let (t, hash) = crate::helpers::timed_signature(&app.signing_secret, &sub.id);
    let good = json!({"app_id": app.id, "subscription_id": sub.id, "auth_timestamp": t, "auth_hash": hash});
    let mut forged = good.clone();
    forged["auth_hash"] = json!("00".repeat(32));
    crate::access::early_in_a_minute(20);
    for _ in 0..10 {
        assert_eq!(s.precancel(&forged).status, 401, "forged calls are refused");
    }
    for i in 0..3 {
        let a = s.precancel(&good);
        assert_eq!(
            a.status, 200,
            "call {i}: forged calls did not use the app's limit: {}",
            a.body
        );
    }
    assert_eq!(s.precancel(&good).status, 429, "the app's own limit");

    // One client's wrong secret keys (calls exempt from the per-client
    // count when right) stop that client only.
    let other = s.subscription();
    let client = customer_address();
    let keyed = json!({"app_id": "t_signed", "subscription_id": other.id}).to_string();
    for _ in 0..30 {
        let a = crate::helpers::post_raw(
            &format!("{}/precancel", s.url),
            &keyed,
            &[
                ("cf-connecting-ip", &client),
                ("authorization", "Bearer hf_sk_wrong"),
            ],
        );
        assert_eq!(a.status, 401, "{}", a.body);
    }
    let blocked = s.precancel_from(&client, &s.signed("t_signed", &other.id));
    assert_eq!(blocked.status, 429, "{}", blocked.body);
    assert_eq!(
        s.precancel(&s.signed("t_signed", &other.id)).status,
        200,
        "others still pass"
    );
}

#[test]
fn ipv6_clients_are_limited_per_64() {
    let s = stack();
    let sub = s.subscription();
    let body = s.signed("t_signed", &sub.id);
    crate::access::early_in_a_minute(15);
    let prefix = format!(
        "2001:db8:{:x}:{:x}",
        std::process::id() & 0xffff,
        crate::helpers::now() & 0xffff
    );
    for i in 1..=30 {
        let a = s.precancel_from(&format!("{prefix}::{i:x}"), &body);
        assert_eq!(a.status, 200, "{i}: {}", a.body);
    }
    let over = s.precancel_from(&format!("{prefix}:ffff:ffff:ffff:ffff"), &body);
    assert_eq!(over.status, 429, "the same /64: {}", over.body);
    let next = s.precancel_from(&format!("{prefix}1::1"), &body);
    assert_eq!(next.status, 200, "another /64");
}

#[test]
fn the_original_clients_credentialed_precancel_is_allowed() {
    let s = stack();
    let origin = "https://shop.example";
    let pre = crate::helpers::agent()
        .request("OPTIONS", &format!("{}/precancel", s.url))
        .set("origin", origin)
        .set("access-control-request-method", "POST")
        .set("access-control-request-headers", "content-type")
        .call()
        .expect("preflight");
    assert_eq!(pre.header("access-control-allow-origin"), Some(origin));
    assert_eq!(pre.header("access-control-allow-credentials"), Some("true"));
    assert!(pre.header("vary").is_some_and(|v| v.contains("Origin")));
    let sub = s.subscription();
    let mut body = s.signed("t_signed", &sub.id);
    body["timestamp"] = json!(crate::helpers::now() * 1000);
    body["context"] = json!({"locale": "de-DE", "timezone": "Europe/Berlin", "url": "https://shop.example/account",
        "user_agent": "Mozilla/5.0", "referrer": "https://shop.example/"});
    let resp = crate::helpers::agent()
        .post(&format!("{}/precancel", s.url))
        .set("origin", origin)
        .set("cf-connecting-ip", &customer_address())
        .set("cookie", "session=should-be-ignored")
        .send_string(&body.to_string())
        .expect("precancel");
    assert_eq!(resp.status(), 200);
    assert_eq!(resp.header("access-control-allow-origin"), Some(origin));
    assert_eq!(
        resp.header("access-control-allow-credentials"),
        Some("true")
    );
    assert!(resp.header("set-cookie").is_none(), "no cookie set");
    for path in ["/api/sessions/x", "/api/admin/me", "/api/health"] {
        let r = crate::helpers::agent()
            .request("OPTIONS", &format!("{}{path}", s.url))
            .set("origin", origin)
            .set("access-control-request-method", "POST")
            .call();
        let creds = match r {
            Ok(r) => r
                .header("access-control-allow-credentials")
                .map(str::to_owned),
            Err(ureq::Error::Status(_, r)) => r
                .header("access-control-allow-credentials")
                .map(str::to_owned),
            Err(e) => panic!("{path}: {e}"),
        };
        assert_eq!(creds, None, "{path} allows no credentials");
    }
}

#[test]
fn new_apps_require_a_fresh_timestamp_and_going_unsigned_takes_the_typed_words() {
    let s = stack();
    let a = admin();
    let created = a.send("POST", "/api/admin/apps", &json!({"name": "Policy"}));
    assert_eq!(created.status, 201, "{}", created.body);
    assert_eq!(
        created.body["app"]["signature_max_age"], 300,
        "on by default"
    );
    let id = created.body["app"]["id"].as_str().expect("id").to_owned();
    let secret = created.body["signing_secret"]
        .as_str()
        .expect("secret")
        .to_owned();
    let sub = s.subscription();
    let untimed = json!({"app_id": id, "subscription_id": sub.id,
        "auth_hash": holdfast_core::signing::auth_hash(&secret, &sub.id)});
    let refused = s.precancel(&untimed);
    assert_eq!(refused.status, 401, "{}", refused.body);
    assert!(refused.body["message"]
        .as_str()
        .is_some_and(|m| m.contains("auth_timestamp")));
    let (t, hash) = crate::helpers::timed_signature(&secret, &sub.id);
    let timed = |t: i64, hash: String| json!({"app_id": id, "subscription_id": sub.id, "auth_timestamp": t, "auth_hash": hash});
    assert_eq!(s.precancel(&timed(t, hash)).status, 200);
    let old = crate::helpers::now() - 120;
    let old_hash = holdfast_core::signing::auth_hash(
        &secret,
        &holdfast_core::signing::signed_message(&sub.id, Some(old)),
    );
    assert_eq!(
        s.precancel(&timed(old, old_hash.clone())).status,
        200,
        "120 s is within 300"
    );

    let patch = |v: Value| a.send("PATCH", &format!("/api/admin/apps/{id}"), &v);
    assert_eq!(
        patch(json!({"signature_max_age": 60})).body["signature_max_age"],
        60
    );
    assert_eq!(
        s.precancel(&timed(old, old_hash)).status,
        401,
        "120 s is past 60"
    );
    let short = patch(json!({"signature_max_age": 5}));
    assert_eq!(
        short.body["error"]["fields"][0]["field"],
        "signature_max_age"
    );
    let optional = patch(json!({"require_timestamp": false}));
    assert!(
        optional.body["signature_max_age"].is_null(),
        "{}",
        optional.body
    );
    assert_eq!(s.precancel(&untimed).status, 200, "timestamps optional now");

    let unsigned = json!({"app_id": id, "subscription_id": sub.id});
    assert_eq!(s.precancel(&unsigned).status, 401);
    let unconfirmed = patch(json!({"require_signed": false}));
    assert_eq!(unconfirmed.status, 400, "{}", unconfirmed.body);
    assert_eq!(
        unconfirmed.body["error"]["fields"][0]["field"],
        "confirm_unsigned"
    );
    let wrong = patch(json!({"require_signed": false, "confirm_unsigned": "ok"}));
    assert_eq!(wrong.status, 400);
    assert_eq!(s.precancel(&unsigned).status, 401, "still signed");
    let off = patch(json!({"require_signed": false, "confirm_unsigned": "anyone can cancel"}));
    assert_eq!(off.status, 200, "{}", off.body);
    assert_eq!(off.body["require_signed"], false);
    assert_eq!(
        s.precancel(&unsigned).status,
        200,
        "the seed's minimal install"
    );
}

#[test]
fn only_the_first_few_stripe_signatures_are_checked() {
    let s = stack();
    let secret = std::env::var("STRIPE_WEBHOOK_SECRET").expect("the test webhook secret");
    let body = json!({"id": format!("evt_many_{}", crate::helpers::now()), "type": "ping", "data": {"object": {}}}).to_string();
    let t = crate::helpers::now();
    let good = holdfast_core::signing::auth_hash(&secret, &format!("{t}.{body}"));
    let url = format!("{}/api/stripe/webhook", s.url);
    let junk = ["v1=00"; holdfast_core::stripe_signature::MAX_SIGNATURES].join(",");
    let late = crate::helpers::post_raw(
        &url,
        &body,
        &[("stripe-signature", &format!("t={t},{junk},v1={good}"))],
    );
    assert_eq!(late.status, 400, "{}", late.body);
    let early = crate::helpers::post_raw(
        &url,
        &body,
        &[("stripe-signature", &format!("t={t},v1={good},{junk}"))],
    );
    assert_eq!(early.status, 200, "{}", early.body);
}

#[test]
fn the_cron_prunes_expired_admin_sessions_and_old_sign_in_attempts() {
    let s = crate::helpers::stack_alone();
    s.sql(
        "INSERT INTO admin_sessions (token_digest, admin_id, csrf_token, created_at, expires_at) \
         SELECT 'expired-for-prune', id, 'x', 0, 1 FROM admins LIMIT 1",
    );
    s.sql("INSERT INTO attempt_counts (key, n, since) VALUES ('client:prune-test', 3, 1)");
    s.run_cron();
    let left = s.sql(
        "SELECT (SELECT COUNT(*) FROM admin_sessions WHERE token_digest = 'expired-for-prune') + \
         (SELECT COUNT(*) FROM attempt_counts WHERE key = 'client:prune-test') AS n",
    );
    assert_eq!(left[0]["n"], 0, "{left:?}");
}

#[test]
fn a_body_without_content_length_is_cut_off_at_the_limit() {
    let s = stack();
    // ureq sends a reader's body chunked, with no Content-Length. An agent
    // of its own: the connection is left with unread body behind the
    // answer, and must not go back to the shared pool.
    let big = std::io::Cursor::new(vec![b' '; 64 * 1024]);
    let own = ureq::AgentBuilder::new()
        .timeout(std::time::Duration::from_secs(30))
        .max_idle_connections(0)
        .build();
    let resp = match own
        .post(&format!("{}/precancel", s.url))
        .set("content-type", "application/json")
        .set("cf-connecting-ip", &customer_address())
        .send(big)
    {
        Ok(r) | Err(ureq::Error::Status(_, r)) => r,
        Err(e) => panic!("no answer: {e}"),
    };
    assert_eq!(resp.status(), 400);
    let body: Value = resp.into_json().expect("json");
    assert_eq!(body["field"], "body", "{body}");
}
