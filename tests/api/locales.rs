//! The cancel page in the customer's language, under the rules of their
//! country (issue 14): locale negotiation, the country rule table, the
//! direct cancellation without JavaScript and the receipt (its e-mail:
//! emails.rs).

use serde_json::{json, Value};

use crate::email_bounds::session_at;
use crate::helpers::*;

/// The page's HTML as a browser with `accept_language` gets it.
fn page(token: &str, accept_language: &str) -> (u16, String) {
    let url = format!("{}/cancel/{token}", stack().url);
    let resp = match agent()
        .get(&url)
        .set("accept-language", accept_language)
        .call()
    {
        Ok(r) | Err(ureq::Error::Status(_, r)) => r,
        Err(e) => panic!("no answer: {e}"),
    };
    (resp.status(), resp.into_string().expect("html"))
}

/// A precancel for the seeded `t_intl` app as if the customer were in
/// `place` (the test hook stands in for Cloudflare's `request.cf`).
pub(crate) fn session_in(place: &str, extra: Value) -> (String, String) {
    let s = stack();
    let sub = s.subscription();
    (session_at(&s, place, &sub.id, extra), sub.id)
}

fn view_in(token: &str, accept_language: &str) -> Value {
    let url = format!("{}/api/sessions/{token}", stack().url);
    let resp = agent()
        .get(&url)
        .set("accept-language", accept_language)
        .call()
        .expect("a view");
    serde_json::from_str(&resp.into_string().expect("json")).expect("a view")
}

#[test]
fn the_locale_is_the_merchants_else_the_browsers_else_the_apps() {
    let (by_field, _) = session_in("US-TX", json!({"locale": "de-AT"}));
    let v = view_in(&by_field, "ja");
    assert_eq!(v["locale"], "de");
    assert!(
        v["text"]
            .as_array()
            .expect("strings")
            .iter()
            .any(|t| t == "Abonnement behalten"),
        "{v}"
    );

    let (by_context, _) = session_in("US-TX", json!({"context": {"locale": "pl-PL"}}));
    assert_eq!(view_in(&by_context, "ja")["locale"], "pl");

    let (by_browser, _) = session_in("US-TX", json!({}));
    assert_eq!(
        view_in(&by_browser, "zh-CN, ja;q=0.9, en;q=0.5")["locale"],
        "ja"
    );
    assert_eq!(
        view_in(&by_browser, "zh-CN")["locale"],
        "en",
        "the app's default"
    );

    let (status, html) = page(&by_browser, "ar");
    assert_eq!(status, 200);
    assert!(html.contains(r#"<html lang="ar" dir="rtl">"#), "{html}");
    assert!(
        html.contains("إلغاء الاشتراك"),
        "the cancel button in Arabic"
    );
    let (_, html) = page(&by_browser, "ja");
    assert!(html.contains(r#"<html lang="ja" dir="ltr">"#));
}

#[test]
fn a_default_locale_and_unknown_languages() {
    let app = admin().app_with("French by default", &json!({"default_locale": "fr"}));
    let s = stack();
    let token = s.session_with(&app, &s.subscription().id, json!({"locale": "xx"}));
    assert_eq!(view_in(&token, "zh")["locale"], "fr");
    let bad = admin().send(
        "PUT",
        &format!("/api/admin/apps/{}/settings", app.id),
        &json!({"default_locale": "klingon"}),
    );
    assert_eq!(bad.status, 400, "{}", bad.body);
}

#[test]
fn the_country_table_chooses_the_mode() {
    for (place, mode) in [
        ("DE", "direct"),
        ("FR", "direct"),
        ("CH", "direct"),
        ("US-CA", "click_to_cancel"),
        ("US-NY", "click_to_cancel"),
        ("US-TX", "standard"),
        ("JP", "standard"),
    ] {
        let (token, _) = session_in(place, json!({}));
        assert_eq!(view_in(&token, "en")["mode"], mode, "{place}");
    }
    // A browser-signed `jurisdiction` does not move the customer (places.rs
    // has the secret-key call that does).
    let (token, _) = session_in("US-TX", json!({"jurisdiction": "de"}));
    assert_eq!(view_in(&token, "en")["mode"], "standard");
    let s = stack();
    let mut body = s.signed("t_intl", &s.subscription().id);
    body["jurisdiction"] = json!("Germany");
    let bad = s.precancel(&body);
    assert_eq!(bad.status, 400);
    assert_eq!(bad.body["field"], "jurisdiction", "{}", bad.body);
}

#[test]
fn an_apps_own_rules_override_the_defaults() {
    let app = admin().app_with(
        "Direct everywhere in the US",
        &json!({"jurisdiction_rules": [{"region": "US", "mode": "direct"}, {"region": "EU", "mode": "standard"}]}),
    );
    let s = stack();
    for (place, mode) in [("US-TX", "direct"), ("DE", "standard")] {
        let sub = s.subscription();
        let (t, hash) = timed_signature(&app.signing_secret, &sub.id);
        let body = json!({"app_id": app.id, "subscription_id": sub.id, "auth_timestamp": t, "auth_hash": hash});
        let a = post_raw(
            &format!("{}/precancel", s.url),
            &body.to_string(),
            &[("x-holdfast-test-place", place)],
        );
        assert_eq!(a.status, 200, "{}", a.body);
        assert_eq!(view_in(&token_of(&a), "en")["mode"], mode, "{place}");
    }
    let bad = admin().send(
        "PUT",
        &format!("/api/admin/apps/{}/settings", app.id),
        &json!({"jurisdiction_rules": [{"region": "Bavaria", "mode": "direct"}]}),
    );
    assert_eq!(bad.status, 400);
    assert!(
        bad.body.to_string().contains("jurisdiction_rules.0.region"),
        "{}",
        bad.body
    );
}

#[test]
fn direct_mode_puts_nothing_before_the_cancel_and_offers_stay_closed() {
    let (token, _) = session_in("DE", json!({}));
    let v = view_in(&token, "de");
    assert_eq!(v["offers"], json!([]), "no offer in direct mode");
    assert_eq!(v["offer_screens_left"], 0);
    let s = stack();
    let shown = s.api(&token, "offers/save25/show", &json!({}));
    assert_eq!(shown.status, 403, "{}", shown.body);
    let (_, html) = page(&token, "de");
    let button = html.find("Jetzt kündigen").expect("the final button");
    let before = &html[html.find("<body>").expect("a body")..button];
    assert!(
        !before.contains(r#"name="reason""#),
        "no survey before the button"
    );
    assert!(
        !before.contains(r#"data-testid="offer""#),
        "no offer before the button"
    );
    assert!(html.contains("Abonnement-Nr."), "which contract");
    // Click-to-cancel: one offer screen at most.
    let (token, _) = session_in("US-CA", json!({}));
    assert_eq!(view_in(&token, "en")["offer_screens_left"], 1);
}

#[test]
fn the_settings_refuse_a_flow_over_three_clicks() {
    let app = admin().new_app("Too many offer screens");
    let path = format!("/api/admin/apps/{}/settings", app.id);
    let over = admin().send("PUT", &path, &json!({"max_offer_screens": 3}));
    assert_eq!(over.status, 400, "{}", over.body);
    assert!(
        over.body.to_string().contains("max_offer_screens"),
        "{}",
        over.body
    );
    assert!(over.body.to_string().contains("4 clicks"), "{}", over.body);
    let ok = admin().send("PUT", &path, &json!({"max_offer_screens": 2}));
    assert_eq!(ok.status, 200, "{}", ok.body);
}

/// A client that shows redirects instead of following them.
fn no_redirects() -> ureq::Agent {
    ureq::AgentBuilder::new()
        .redirects(0)
        .timeout(std::time::Duration::from_secs(60))
        .build()
}

fn post_form(token: &str, form: &str) -> (u16, String, String) {
    let url = format!("{}/cancel/{token}", stack().url);
    let resp = match no_redirects()
        .post(&url)
        .set("content-type", "application/x-www-form-urlencoded")
        .set("accept-language", "de-DE")
        .set("cf-connecting-ip", &customer_address())
        .send_string(form)
    {
        Ok(r) | Err(ureq::Error::Status(_, r)) => r,
        Err(e) => panic!("no answer: {e}"),
    };
    let location = resp.header("location").unwrap_or_default().to_owned();
    (
        resp.status(),
        location,
        resp.into_string().unwrap_or_default(),
    )
}

#[test]
fn a_direct_cancel_without_javascript_leaves_a_receipt() {
    let (token, sub) = session_in("DE", json!({"email": "erika@example.de"}));
    // Extraordinary without its reason: the page again, saying what is missing.
    let (status, _, html) = post_form(
        &token,
        "do=cancel&kind=extraordinary&email=erika%40example.de",
    );
    assert_eq!(status, 400);
    assert!(html.contains("Bitte geben Sie den Grund"), "{html}");
    assert_eq!(
        stack().read_subscription(&sub)["cancel_at_period_end"],
        false,
        "nothing changed"
    );

    let (status, location, _) =
        post_form(&token, "do=cancel&kind=ordinary&email=erika%40example.de");
    assert_eq!(status, 303);
    assert_eq!(location, format!("/cancel/{token}?decided=1"));
    assert_eq!(
        stack().read_subscription(&sub)["cancel_at_period_end"],
        true
    );
    let (status, html) = page(&token, "de");
    assert_eq!(status, 200);
    assert!(html.contains("Bestätigung Ihrer Kündigung"), "{html}");
    assert!(html.contains("erika@example.de"));
    // The printable receipt: signed, no login, in German.
    let link = html
        .split(r#"data-testid="receipt-link" href=""#)
        .nth(1)
        .or_else(|| html.split(r#"href=""#).find(|p| p.contains("/receipt/")))
        .and_then(|rest| rest.split('"').next())
        .expect("the receipt link")
        .to_owned();
    let receipt = agent().get(&link).call().expect("the receipt");
    let text = receipt.into_string().expect("html");
    assert!(
        text.contains("Referenz") && text.contains("Eingegangen am"),
        "{text}"
    );
    // One character off (never the same one: a link may end in 0).
    let other = if link.ends_with('0') { '1' } else { '0' };
    let forged = format!("{}{other}", &link[..link.len() - 1]);
    assert_eq!(get(&forged).status, 404);
    // A second post changes nothing and leads to the same receipt.
    let (status, _, _) = post_form(&token, "do=cancel&kind=ordinary");
    assert_eq!(status, 303);
}

#[test]
fn the_survey_and_an_offer_work_without_javascript() {
    let (token, sub) = session_in("US-TX", json!({}));
    // A reason with an offer placed for it leads to the offer screen.
    let (status, location, _) = post_form(&token, "do=cancel&reason=too_expensive");
    assert_eq!(status, 303);
    assert_eq!(location, format!("/cancel/{token}?offer=save25"));
    let (status, html) = page(&format!("{token}?offer=save25"), "en");
    assert_eq!(status, 200);
    assert!(html.contains(r#"data-testid="offer""#), "{html}");
    assert!(
        html.contains("$11.25") || html.contains("Your next payment"),
        "{html}"
    );
    // Declining cancels, with the reason in Stripe.
    let (status, _, _) = post_form(&token, "do=decline&offer=save25");
    assert_eq!(status, 303);
    let s = stack().read_subscription(&sub);
    assert_eq!(s["cancel_at_period_end"], true);
    assert_eq!(s["cancellation_details"]["feedback"], "too_expensive");

    // A follow-up's comment goes along; a button that does not exist is refused.
    let (token, sub) = session_in("US-TX", json!({}));
    let (status, _, html) = post_form(&token, "do=nothing");
    assert_eq!(status, 400, "{html}");
    let (status, _, _) = post_form(
        &token,
        "do=cancel&reason=other&comment%3Aother=Moving+abroad",
    );
    assert_eq!(status, 303);
    let s = stack().read_subscription(&sub);
    assert_eq!(s["cancellation_details"]["comment"], "Moving abroad");
    // "Keep" without JavaScript goes back to the merchant.
    let (token, _) = session_in("US-TX", json!({}));
    let (status, location, _) = post_form(&token, "do=keep");
    assert_eq!(status, 303);
    assert_eq!(location, "https://merchant.example/account?saved=1");
}
