//! `POST /precancel`: the brightback.js contract, plus signatures.

use std::time::Duration;

use holdfast_core::api::precancel::PrecancelResponse;
use holdfast_core::jurisdiction::{self, Place};
use holdfast_core::locale::Locale;
use holdfast_core::precancel::{self, PrecancelPayload, MAX_BODY_BYTES};
use holdfast_core::provenance;
use holdfast_core::session::SESSION_TTL_SECS;
use holdfast_core::signature_policy;
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
/// precancel; the answer names that origin only. The original brightback.js
/// sends its precancel with credentials, so the answer allows them: this
/// route never reads or sets a cookie, so that grants nothing.
fn cors(req: &Request, resp: &mut Response) {
    let h = resp.headers_mut();
    if let Ok(Some(origin)) = req.headers().get("origin") {
        let _ = h.set("access-control-allow-origin", &origin);
        let _ = h.set("access-control-allow-credentials", "true");
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
    let (app, app_count) = counted_app(req, &db, &payload.app_id, now).await?;
    let app = crate::secrets::open_app(&config, app)?;
    let proof = match authenticate(req, &app, &payload, now) {
        Ok(proof) => proof,
        Err(e) => {
            // A wrong key or signature counts against the caller, never
            // against the app's own limit.
            limits::hit(&db, &failure_key(req), now / 60)?.run().await?;
            return Err(e);
        }
    };
    if app_count >= i64::from(app.settings.precancel_per_minute) {
        return Err(AppError::TooManyRequests {
            message: "This app is receiving more cancel requests than its limit allows. Wait a minute and try again.".to_owned(),
            retry_after: 60 - now.rem_euclid(60),
        });
    }
    precancel::check_destinations(&payload, &app.settings.return_origins).map_err(|e| {
        AppError::BadRequest {
            field: e.field,
            message: e.message,
        }
    })?;
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
    let unverified = provenance::unverified(
        &fields,
        &app.settings.mappings,
        proof == Proof::SecretKey,
        (proof == Proof::Signature && payload.subscription_id.is_none())
            .then_some("account.internal_id"),
    );
    // Stable per subscriber: the subscription, else the account's own id.
    let subject = payload
        .signed_subject()
        .or_else(|| payload.email.clone())
        .unwrap_or_default();
    let assignment = app.settings.assign(&fields, &subject);
    let audience = app.settings.audience_of(&fields, assignment.as_ref());
    let place = payload.place().unwrap_or_else(|| place_of(req, &ctx.env));
    let mode = jurisdiction::mode_for(&app.settings.jurisdiction_rules, &place);
    let time_zone = payload
        .context
        .as_ref()
        .and_then(|c| c.timezone.clone())
        .or_else(|| http::time_zone(req))
        .filter(|tz| tz.len() <= 64 && !tz.is_empty());
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
        unverified: &unverified,
        facts: facts.as_ref(),
        assignment: assignment.as_ref(),
        audience_id: audience.as_deref(),
        save_return_url: payload.save_return_url.as_deref(),
        cancel_confirmation_url: payload.cancel_confirmation_url.as_deref(),
        now,
        expires_at: now + SESSION_TTL_SECS,
        locale: payload.requested_locale().and_then(Locale::parse),
        place: &place,
        mode,
        time_zone: time_zone.as_deref(),
    };
    let started = json!({
        "stripe_lookup": lookup.as_str(),
        "lookup_error": lookup.error(),
        "subscription_status": facts.as_ref().map(|f| f.status),
        "assignment": assignment,
        "jurisdiction": {"place": place.code(), "mode": mode.as_str(), "from": if payload.jurisdiction.is_some() { "merchant" } else { "request" }},
        "context": payload.context.as_ref().map(|c| json!({"locale": c.locale, "timezone": c.timezone, "url": c.url})),
    });
    db.batched(vec![
        limits::hit(&db, &app_key(&app.id), now / 60)?,
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

/// Where Cloudflare places the request. The test stack may name another
/// place in `x-holdfast-test-place` (`HOLDFAST_TEST_HOOKS=1` only), since
/// `wrangler dev` always answers the same sample.
fn place_of(req: &Request, env: &worker::Env) -> Place {
    if crate::test_hooks(env) {
        if let Some(p) = req
            .headers()
            .get("x-holdfast-test-place")
            .ok()
            .flatten()
            .and_then(|h| Place::parse(&h))
        {
            return p;
        }
    }
    let Some(cf) = req.cf() else {
        return Place::default();
    };
    Place {
        country: cf.country().filter(|c| c.len() == 2),
        region: cf.region_code().filter(|r| !r.is_empty() && r.len() <= 3),
    }
}

fn app_key(app_id: &str) -> String {
    format!("precancel:app:{app_id}")
}

fn failure_key(req: &Request) -> String {
    format!("precancel:failed:{}", crate::admin::client(req))
}

/// Reads the app and the limits in one round trip: each browser call counts
/// against its client (IP address, IPv6 per /64); a client with too many
/// failed signatures or keys is turned away before any check; the app's own
/// count is read here and counted, for authenticated calls only, in the
/// batch that writes the session.
async fn counted_app(
    req: &Request,
    db: &worker::D1Database,
    app_id: &str,
    now: i64,
) -> Result<(apps::App, i64), AppError> {
    let minute = now / 60;
    let server_side = matches!(req.headers().get("authorization"), Ok(Some(_)));
    let client = format!("precancel:client:{}", crate::admin::client(req));
    let batch = vec![
        if server_side {
            limits::read(db, &client, minute)?
        } else {
            limits::hit(db, &client, minute)?
        },
        limits::read(db, &failure_key(req), minute)?,
        limits::read(db, &app_key(app_id), minute)?,
        apps::select(db, app_id)?,
    ];
    let results = db.batched(batch).await?;
    let count = |i: usize| {
        results
            .get(i)
            .ok_or_else(|| AppError::internal("a batch answered fewer statements than it had"))
            .and_then(limits::count_of)
    };
    let limited = |message: &str| AppError::TooManyRequests {
        message: message.to_owned(),
        retry_after: 60 - now.rem_euclid(60),
    };
    if (!server_side && count(0)? > precancel::PER_CLIENT_PER_MINUTE)
        || count(1)? >= precancel::PER_CLIENT_PER_MINUTE
    {
        return Err(limited(
            "Too many cancel requests from this address. Wait a minute and try again.",
        ));
    }
    let app = results
        .get(3)
        .map(|r| apps::from_result(r, now))
        .transpose()?
        .flatten()
        .ok_or_else(|| AppError::NotFound(format!("No such app: {app_id}")))?;
    Ok((app, count(2)?))
}

/// What vouched for a precancel.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Proof {
    /// The app's secret key: the merchant's server made the call.
    SecretKey,
    /// A valid `auth_hash` over the subject.
    Signature,
    /// Nothing: the app allows unsigned calls.
    None,
}

/// A server-side call proves itself with the app's secret key; a browser
/// call with `auth_hash`. Unsigned calls pass only if the app allows them.
fn authenticate(
    req: &Request,
    app: &apps::App,
    payload: &PrecancelPayload,
    now: i64,
) -> Result<Proof, AppError> {
    // During a rotation's grace period the previous secrets work too.
    let previous = app.previous.as_ref();
    if let Ok(Some(header)) = req.headers().get("authorization") {
        let key = header.strip_prefix("Bearer ").unwrap_or(&header).trim();
        let ok = signing::matches_digest(key, &app.secret_key_digest)
            || previous.is_some_and(|(_, d)| signing::matches_digest(key, d));
        return if ok {
            Ok(Proof::SecretKey)
        } else {
            Err(AppError::Unauthorized(
                "The secret key in the Authorization header is not valid for this app.".to_owned(),
            ))
        };
    }
    if payload.auth_hash.is_some() {
        let policy = app.signature_max_age;
        if let Some(why) = signature_policy::timestamp_refusal(policy, payload.auth_timestamp, now)
        {
            return Err(AppError::Unauthorized(why));
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
        Some(_) if signed_by(&app.signing_secret) || previous.is_some_and(|(s, _)| signed_by(s)) => Ok(Proof::Signature),
        Some(_) => Err(AppError::Unauthorized("auth_hash does not match subscription_id for this app.".to_owned())),
        None if !app.require_signed => Ok(Proof::None),
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
