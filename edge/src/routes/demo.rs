//! A fake merchant's account page for local runs: it does what a merchant's
//! server does (signs the subscription id) and embeds the snippet.
//! Only served when `DEMO_APP_ID` is set.

use holdfast_core::input::StripeId;
use std::time::Duration;

use holdfast_core::signing;
use holdfast_core::stripe as req;
use holdfast_core::subscription::SubscriptionFacts;
use maud::{html, Markup, PreEscaped, DOCTYPE};
use serde_json::{json, Value};
use worker::{Request, Response};

use holdfast_core::jurisdiction::Place;
use holdfast_core::validation::FieldIssue;
use worker::Headers;

use super::Ctx;
use crate::config::Config;
use crate::error::AppError;
use crate::http;
use crate::precancel::Caller;
use crate::store::apps::{self, App};
use crate::stripe::Client;

const DEADLINE: Duration = Duration::from_secs(5);

/// The demo app, opened, and a config that talks to its Stripe account.
async fn demo_app(ctx: &Ctx) -> Result<(Config, App), AppError> {
    let config = ctx.data.clone();
    let app_id = config
        .demo_app_id
        .clone()
        .ok_or_else(|| AppError::NotFound("The demo is not enabled.".to_owned()))?;
    let db = ctx.data.db()?;
    let app = apps::get(&db, &app_id)
        .await?
        .ok_or_else(|| AppError::NotFound(format!("No such app: {app_id}")))?;
    let app = crate::secrets::open_app(&config, app, crate::clock::now_secs())?;
    let config = config.with_stored_key(app.stripe_key_sealed.as_deref());
    if !config.is_test_mode() {
        // The demo lists and cancels subscriptions: never against live data.
        return Err(AppError::NotFound(
            "The demo runs only with a Stripe test key or the emulator.".to_owned(),
        ));
    }
    Ok((config, app))
}

/// `GET /demo/cancel?subscription=…&country=DE`: the demo's Cancel link for
/// a customer in another country. A customer may not name their own place
/// (precancel ignores a browser-signed `jurisdiction`), and `wrangler dev`
/// places every request in the same spot, so the demo starts the session
/// itself with the place Cloudflare would report for a visitor there.
pub async fn cancel(req: Request, ctx: Ctx) -> Result<Response, AppError> {
    let (config, app) = demo_app(&ctx).await?;
    let url = http::raw_url(&req);
    let origin = http::origin_of(&url).unwrap_or_default();
    let place = http::query_param(&url, "country")
        .and_then(|c| Place::parse(&c))
        .ok_or_else(|| {
            AppError::BadRequest(FieldIssue::new(
                "country",
                "country must be a code such as DE or US-CA",
            ))
        })?;
    let id = http::query_param(&url, "subscription")
        .filter(|id| StripeId::parse("subscription", id).is_ok())
        .ok_or_else(|| {
            AppError::BadRequest(FieldIssue::new(
                "subscription",
                "subscription must be a Stripe subscription id",
            ))
        })?;
    let facts = Client::new(&config)
        .send(&req::retrieve_subscription(&id), DEADLINE)
        .await
        .ok()
        .and_then(|r| SubscriptionFacts::from_stripe(&r.body).ok())
        .ok_or_else(|| AppError::NotFound(format!("No such subscription: {id}")))?;
    let data = signed_data(&facts, &app.signing_secret, &app.id, &origin, &place);
    let payload = holdfast_core::precancel::parse(data.to_string().as_bytes())
        .map_err(AppError::BadRequest)?;
    let caller = Caller::of(&req, None, place);
    let db = ctx.data.db()?;
    let session =
        crate::precancel::start(&db, config, &caller, &payload, crate::clock::now_secs()).await?;
    let headers = Headers::new();
    headers.set("location", &session)?;
    headers.set("cache-control", "no-store")?;
    Ok(Response::empty()?.with_status(303).with_headers(headers))
}

pub async fn account(req: Request, ctx: Ctx) -> Result<Response, AppError> {
    let (config, app) = demo_app(&ctx).await?;
    let url = http::raw_url(&req);
    let origin = http::origin_of(&url).unwrap_or_default();
    let client = Client::new(&config);

    let listed = client
        .send(&req::list_subscriptions(20), DEADLINE)
        .await
        .map(|r| r.body)
        .unwrap_or(Value::Null);
    let subs: Vec<&Value> = listed
        .get("data")
        .and_then(Value::as_array)
        .map(|d| d.iter().collect())
        .unwrap_or_default();
    let chosen = http::query_param(&url, "subscription")
        .filter(|id| StripeId::parse("subscription", id).is_ok())
        .or_else(|| {
            subs.first()
                .and_then(|s| s.get("id"))
                .and_then(Value::as_str)
                .map(str::to_owned)
        });
    let facts = match &chosen {
        Some(id) => client
            .send(&req::retrieve_subscription(id), DEADLINE)
            .await
            .ok()
            .and_then(|r| SubscriptionFacts::from_stripe(&r.body).ok()),
        None => None,
    };

    let notice = if req.path() == "/demo/cancelled" {
        Some("Your cancellation is confirmed. We're sorry to see you go.")
    } else if http::query_param(&url, "saved").is_some() {
        Some("Welcome back! Your subscription continues as before.")
    } else if http::query_param(&url, "fallback").is_some() {
        Some("The snippet could not start a cancel session, so the Cancel link's own href brought you here (fail open). A real merchant would show their usual cancel page.")
    } else {
        None
    };

    let others: Vec<(&str, &str)> = subs
        .iter()
        .filter_map(|s| {
            let id = s.get("id")?.as_str()?;
            let who = s
                .pointer("/customer/email")
                .and_then(Value::as_str)
                .unwrap_or(id);
            Some((id, who))
        })
        .collect();

    // `?country=DE`: the customer is in Germany (and a German shop's page
    // asks for German); the Cancel link starts the session at /demo/cancel.
    let place = http::query_param(&url, "country").and_then(|c| Place::parse(&c));
    let card = match &facts {
        Some(f) => subscription_card(f, &app.signing_secret, &app.id, &origin, place.as_ref()),
        None => html! {
            p data-testid="no-subscription" {
                "No subscription found. Run " code { "scripts/run" }
                " to seed the emulator, or create one in your Stripe test account."
            }
        },
    };
    http::html(account_page(notice, card, &others).into_string())
}

/// The account page around its parts: a notice, the subscription, the
/// other demo customers and the countries to try.
fn account_page(notice: Option<&str>, card: Markup, others: &[(&str, &str)]) -> Markup {
    html! {
        (DOCTYPE)
        html lang="en" {
            head {
                meta charset="utf-8";
                meta name="viewport" content="width=device-width, initial-scale=1";
                title { "Acme Snacks: your account" }
                style { (PreEscaped(CSS)) }
            }
            body {
                header { strong { "Acme Snacks" } " " span { "(a demo merchant)" } }
                main {
                    h1 { "Your account" }
                    @if let Some(n) = notice {
                        p.notice role="status" data-testid="notice" { (n) }
                    }
                    (card)
                    h2 { "Other demo customers" }
                    ul {
                        @for (id, who) in others {
                            li { a href={ "/demo?subscription=" (id) } { (who) } }
                        }
                    }
                    p {
                        "See the cancel flow as a customer in "
                        a href="/demo?country=DE" { "Germany" }
                        " (the direct cancellation, in German), "
                        a href="/demo?country=US-CA" { "California" }
                        " (click to cancel) or "
                        a href="/demo" { "Texas" } "."
                    }
                }
                script src="/js/holdfast.js" async {}
                script src="/demo/demo.js" defer {}
            }
        }
    }
}

fn subscription_card(
    f: &SubscriptionFacts,
    secret: &str,
    app_id: &str,
    origin: &str,
    place: Option<&Place>,
) -> Markup {
    let field = |k: &str| f.fields.get(k).map(String::as_str).unwrap_or("");
    let price = field("subscription.plan.amount_decimal")
        .parse::<f64>()
        .map(|minor| {
            holdfast_core::money::format(minor.round() as i64, field("subscription.currency"))
        })
        .unwrap_or_default();
    let ends = f.current_period_end.map(date).unwrap_or_default();
    let (state, cancellable) = match (f.status.is_live(), f.cancel_at_period_end) {
        (true, false) => (format!("Active, renews on {ends}"), true),
        (true, true) => (format!("Cancelled, ends on {ends}"), false),
        (false, _) => ("Cancelled".to_owned(), false),
    };
    let link = if place.is_some_and(is_german) {
        "Verträge hier kündigen"
    } else {
        "Cancel subscription"
    };
    // Elsewhere the snippet takes the click; with a country, the link
    // itself goes to /demo/cancel and the page hands the snippet nothing.
    let (href, data) = match place {
        Some(p) => (
            format!("/demo/cancel?subscription={}&country={}", f.id, p.code()),
            None,
        ),
        None => (
            format!("/demo?subscription={}&fallback=1", f.id),
            // JSON inside <script> is not HTML-escaped, so it must not be
            // able to close the element.
            Some(
                signed_data(f, secret, app_id, origin, &Place::default())
                    .to_string()
                    .replace('<', "\\u003c"),
            ),
        ),
    };
    html! {
        section.card aria-label="Subscription" {
            h2 data-testid="product" { (field("subscription.product.name")) }
            p { (price) " per " (field("subscription.plan.interval")) }
            p data-testid="subscription-state" { (state) }
            p { small { (field("subscription.customer.email")) " · " (f.id) } }
            @if cancellable {
                a #bb-cancel data-testid="cancel-link" href=(href) { (link) }
            }
        }
        @if let Some(json) = data {
            script type="application/json" #holdfast-data { (PreEscaped(json)) }
        }
    }
}

fn is_german(p: &Place) -> bool {
    p.country.as_deref() == Some("DE")
}

/// What the merchant's server hands its page: the subscription signed, the
/// customer's details, and German for a German shop.
fn signed_data(
    f: &SubscriptionFacts,
    secret: &str,
    app_id: &str,
    origin: &str,
    place: &Place,
) -> Value {
    let field = |k: &str| f.fields.get(k).map(String::as_str).unwrap_or("");
    let mut data = json!({
        "app_id": app_id,
        "subscription_id": f.id,
        "auth_hash": signing::auth_hash(secret, &f.id),
        "email": field("subscription.customer.email"),
        "first_name": field("subscription.customer.name").split_whitespace().next().unwrap_or(""),
        "save_return_url": format!("{origin}/demo?subscription={}&saved=1", f.id),
        "cancel_confirmation_url": format!("{origin}/demo/cancelled?subscription={}", f.id),
        "account": {"internal_id": field("subscription.customer.id"), "plan": field("subscription.product.name")},
    });
    if is_german(place) {
        data["locale"] = json!("de");
    }
    data
}

fn date(secs: i64) -> String {
    let iso: String = js_sys::Date::new(&wasm_bindgen::JsValue::from_f64(secs as f64 * 1000.0))
        .to_iso_string()
        .into();
    iso.chars().take(10).collect()
}

const CSS: &str = "body{font-family:system-ui,sans-serif;margin:0;color:#1f2328;background:#f6f8fa}\
header{background:#24292f;color:#fff;padding:12px 24px}main{max-width:640px;margin:24px auto;padding:0 16px}\
.card{background:#fff;border:1px solid #d0d7de;border-radius:8px;padding:16px 20px}\
.notice{background:#dafbe1;border:1px solid #4ac26b;padding:8px 12px;border-radius:6px}\
#bb-cancel{color:#cf222e}";
