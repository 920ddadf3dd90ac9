//! `POST /precancel`: the brightback.js contract, plus signatures.

use std::time::Duration;

use holdfast_core::api::PrecancelResponse;
use holdfast_core::precancel::{self, PrecancelPayload, MAX_BODY_BYTES};
use holdfast_core::session::SESSION_TTL_SECS;
use holdfast_core::signing;
use holdfast_core::stripe as req;
use holdfast_core::subscription::SubscriptionFacts;
use serde_json::json;
use worker::{Request, Response};

use super::Ctx;
use crate::config::{self, Config};
use crate::error::AppError;
use crate::http;
use crate::store::Batched;
use crate::store::{apps, events, limits, sessions};
use crate::stripe::{Client, Failure};

/// Precancel waits this long for Stripe, then starts on fallback values.
const LOOKUP_DEADLINE: Duration = Duration::from_secs(4);

pub fn preflight(req: &Request) -> Response {
    let mut resp = Response::empty()
        .map(|r| r.with_status(204))
        .unwrap_or_else(|_| http::json(&json!({}), 204));
    cors(req, &mut resp);
    resp
}

pub async fn handle(mut req: Request, ctx: Ctx) -> Response {
    let mut resp = match create(&mut req, &ctx).await {
        Ok(url) => http::json(
            &PrecancelResponse {
                valid: true,
                url: Some(url),
                message: None,
                field: None,
            },
            200,
        ),
        Err(e) => e.into_precancel_response(),
    };
    cors(&req, &mut resp);
    resp
}

/// The snippet runs on the merchant's own pages, so any origin may call
/// precancel; the answer names that origin only, and no cookies are used.
fn cors(req: &Request, resp: &mut Response) {
    let h = resp.headers_mut();
    if let Ok(Some(origin)) = req.headers().get("origin") {
        let _ = h.set("access-control-allow-origin", &origin);
        let _ = h.set("access-control-allow-methods", "POST, OPTIONS");
        let _ = h.set("access-control-allow-headers", "content-type");
        let _ = h.set("access-control-max-age", "600");
    }
    let _ = h.set("vary", "Origin");
}

async fn create(req: &mut Request, ctx: &Ctx) -> Result<String, AppError> {
    let body = http::body(req, MAX_BODY_BYTES).await?;
    let payload = precancel::parse(&body).map_err(|e| AppError::BadRequest {
        field: e.field,
        message: e.message,
    })?;
    let config = Config::from_env(&ctx.env);
    let db = config::db(&ctx.env)?;
    let now = crate::random::now_secs();
    let app = counted_app(req, &db, &payload.app_id, now).await?;
    authenticate(req, &app, &payload, now)?;
    let config = config.with_stored_key(app.stripe_key_sealed.as_deref());

    // With enrichment off the page runs on the snippet's data alone.
    let read = payload
        .subscription_id
        .as_deref()
        .filter(|_| app.settings.enrichment);
    let (facts, lookup) = lookup(&config, read).await;
    let mut fields = payload.fields();
    if let Some(f) = &facts {
        fields.extend(f.fields.clone());
    }
    holdfast_core::mapping::apply(&app.settings.mappings, &mut fields);
    // Stable per subscriber: the subscription, else the account's own id.
    let subject = payload
        .signed_subject()
        .or_else(|| payload.email.clone())
        .unwrap_or_default();
    let assignment = app.settings.assign(&fields, &subject);
    let audience = app.settings.audience_of(&fields, assignment.as_ref());
    let token = crate::random::token()?;
    let id = crate::random::id("ses")?;
    let new = sessions::NewSession {
        id: &id,
        token_digest: &signing::digest_hex(&token),
        app_id: &app.id,
        subscription_id: payload.subscription_id.as_deref(),
        customer_id: facts.as_ref().and_then(|f| f.customer_id.as_deref()),
        stripe_lookup: lookup.as_str(),
        fields: &fields,
        facts: facts.as_ref(),
        assignment: assignment.as_ref(),
        audience_id: audience.as_deref(),
        save_return_url: payload.save_return_url.as_deref(),
        cancel_confirmation_url: payload.cancel_confirmation_url.as_deref(),
        now,
        expires_at: now + SESSION_TTL_SECS,
    };
    let started = json!({
        "stripe_lookup": lookup.as_str(),
        "lookup_error": lookup.error(),
        "subscription_status": facts.as_ref().map(|f| f.status),
        "assignment": assignment,
        "context": payload.context.as_ref().map(|c| json!({"locale": c.locale, "timezone": c.timezone, "url": c.url})),
    });
    db.batched(vec![
        sessions::insert(&db, &new)?,
        events::insert(&db, &id, "session_started", &started, now)?,
    ])
    .await?;

    let base = config
        .public_url
        .clone()
        .or_else(|| http::origin_of(&http::raw_url(req)))
        .unwrap_or_default();
    Ok(format!("{base}/cancel/{token}"))
}

/// Reads the app and counts this precancel against its limits in one round
/// trip: per app always, per client (IP address) unless the call carries a
/// secret key (a merchant's server calls for all its customers from one
/// address).
async fn counted_app(
    req: &Request,
    db: &worker::D1Database,
    app_id: &str,
    now: i64,
) -> Result<apps::App, AppError> {
    let minute = now / 60;
    let server_side = matches!(req.headers().get("authorization"), Ok(Some(_)));
    let mut batch = vec![limits::hit(db, &format!("precancel:app:{app_id}"), minute)?];
    if !server_side {
        let client = crate::admin::client(req);
        batch.push(limits::hit(
            db,
            &format!("precancel:client:{client}"),
            minute,
        )?);
    }
    batch.push(apps::select(db, app_id)?);
    let results = db.batched(batch).await?;
    let app = results
        .last()
        .map(|r| apps::from_result(r, now))
        .transpose()?
        .flatten()
        .ok_or_else(|| AppError::NotFound(format!("No such app: {app_id}")))?;
    let limited = |message: &str| AppError::TooManyRequests {
        message: message.to_owned(),
        retry_after: 60 - now.rem_euclid(60),
    };
    let count = |i: usize| {
        results
            .get(i)
            .ok_or_else(|| AppError::internal("a batch answered fewer statements than it had"))
            .and_then(limits::count_of)
    };
    if !server_side && count(1)? > precancel::PER_CLIENT_PER_MINUTE {
        return Err(limited(
            "Too many cancel requests from this address. Wait a minute and try again.",
        ));
    }
    if count(0)? > i64::from(app.settings.precancel_per_minute) {
        return Err(limited(
            "This app is receiving more cancel requests than its limit allows. Wait a minute and try again.",
        ));
    }
    Ok(app)
}

/// A server-side call proves itself with the app's secret key; a browser
/// call with `auth_hash`. Unsigned calls pass only if the app allows them.
fn authenticate(
    req: &Request,
    app: &apps::App,
    payload: &PrecancelPayload,
    now: i64,
) -> Result<(), AppError> {
    // During a rotation's grace period the previous secrets work too.
    let previous = app.previous.as_ref();
    if let Ok(Some(header)) = req.headers().get("authorization") {
        let key = header.strip_prefix("Bearer ").unwrap_or(&header).trim();
        let ok = signing::matches_digest(key, &app.secret_key_digest)
            || previous.is_some_and(|(_, d)| signing::matches_digest(key, d));
        return if ok {
            Ok(())
        } else {
            Err(AppError::Unauthorized(
                "The secret key in the Authorization header is not valid for this app.".to_owned(),
            ))
        };
    }
    if let Some(t) = payload.auth_timestamp {
        if !signing::is_fresh(t, now) {
            return Err(AppError::Unauthorized(format!(
                "auth_timestamp is stale: a timestamped auth_hash is good for {} seconds; sign again.",
                signing::MAX_SIGNATURE_AGE_SECS
            )));
        }
    }
    let signed_by = |secret: &str| {
        let message = payload
            .signed_subject()
            .map(|s| signing::signed_message(&s, payload.auth_timestamp));
        payload
            .auth_hash
            .as_deref()
            .zip(message)
            .is_some_and(|(hash, message)| signing::verify_auth_hash(secret, &message, hash))
    };
    match &payload.auth_hash {
        Some(_) if signed_by(&app.signing_secret) || previous.is_some_and(|(s, _)| signed_by(s)) => Ok(()),
        Some(_) => Err(AppError::Unauthorized("auth_hash does not match subscription_id for this app.".to_owned())),
        None if !app.require_signed => Ok(()),
        None => Err(AppError::Unauthorized(
            "auth_hash is required: send the HMAC-SHA256 of subscription_id, keyed with your app's signing secret.".to_owned(),
        )),
    }
}

enum Lookup {
    Found,
    Missing,
    Error(String),
    Skipped,
}

impl Lookup {
    fn as_str(&self) -> &'static str {
        match self {
            Self::Found => "found",
            Self::Missing => "missing",
            Self::Error(_) => "error",
            Self::Skipped => "skipped",
        }
    }

    fn error(&self) -> Option<&str> {
        match self {
            Self::Error(e) => Some(e),
            _ => None,
        }
    }
}

/// ONE Stripe call. Whatever goes wrong, the session still starts, on the
/// default experience with fallback values (the seed's rule).
async fn lookup(
    config: &Config,
    subscription_id: Option<&str>,
) -> (Option<SubscriptionFacts>, Lookup) {
    let Some(id) = subscription_id else {
        return (None, Lookup::Skipped);
    };
    match Client::new(config)
        .send(&req::retrieve_subscription(id), LOOKUP_DEADLINE)
        .await
    {
        Ok(reply) => match SubscriptionFacts::from_stripe(&reply.body) {
            Ok(facts) => (Some(facts), Lookup::Found),
            Err(e) => (None, Lookup::Error(e.to_string())),
        },
        Err(Failure::Status { status: 404, .. }) => (None, Lookup::Missing),
        Err(f) => (None, Lookup::Error(f.to_string())),
    }
}
