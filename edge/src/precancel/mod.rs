//! Starting a cancel session (`POST /precancel`): who may start one (see
//! `admission`), the one Stripe read, the fields and their provenance, the
//! experiment and compliance mode, and the session written with its first
//! audit entry. The route only turns HTTP into a [`Caller`] and back.

mod admission;

use std::time::Duration;

use holdfast_core::audit::EventKind;
use holdfast_core::jurisdiction::{self, Place};
use holdfast_core::locale::Locale;
use holdfast_core::precancel::{self, PrecancelPayload};
use holdfast_core::provenance;
use holdfast_core::session::{Lookup, SESSION_TTL_SECS};
use holdfast_core::signing;
use holdfast_core::stripe as req;
use holdfast_core::subscription::SubscriptionFacts;
use serde_json::json;
use worker::D1Database;

use crate::config::Config;
use crate::error::AppError;
use crate::store::Batched;
use crate::store::{events, limits, sessions};
use crate::stripe::{Client, Failure};
use admission::{app_key, authenticate, counted_app, failure_key, Proof};

/// Precancel waits this long for Stripe, then starts on fallback values.
const LOOKUP_DEADLINE: Duration = Duration::from_secs(4);

/// What the request says about who is calling, read by the route.
pub struct Caller {
    /// The client's address as rate limits count it (`http::client`).
    pub client: String,
    /// The `Authorization` header: a server-side call with the secret key.
    pub secret_key: Option<String>,
    /// Where Cloudflare places the request.
    pub place: Place,
    /// Cloudflare's time zone for the request.
    pub time_zone: Option<String>,
    /// This Worker's origin, when no public URL is configured.
    pub origin: String,
}

/// Starts a cancel session for a parsed payload and returns the page's URL.
pub async fn start(
    db: &D1Database,
    config: Config,
    caller: &Caller,
    payload: &PrecancelPayload,
    now: i64,
) -> Result<String, AppError> {
    let (app, app_count) = counted_app(caller, db, &payload.app_id, now).await?;
    let app = crate::secrets::open_app(&config, app)?;
    let proof = match authenticate(caller, &app, payload, now) {
        Ok(proof) => proof,
        Err(e) => {
            // A wrong key or signature counts against the caller, never
            // against the app's own limit.
            limits::hit(db, &failure_key(&caller.client), now / 60)?
                .run()
                .await?;
            return Err(e);
        }
    };
    if app_count >= i64::from(app.settings.precancel_per_minute) {
        return Err(AppError::TooManyRequests {
            message: "This app is receiving more cancel requests than its limit allows. Wait a minute and try again.".to_owned(),
            retry_after: 60 - now.rem_euclid(60),
        });
    }
    precancel::check_destinations(payload, &app.settings.return_origins)
        .map_err(AppError::BadRequest)?;
    let config = config.with_stored_key(app.stripe_key_sealed.as_deref());

    // With enrichment off the page runs on the snippet's data alone.
    let read = payload
        .subscription_id
        .as_deref()
        .filter(|_| app.settings.enrichment);
    let (facts, lookup, lookup_error) = lookup(&config, read).await;
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
    let place = payload.place().unwrap_or_else(|| caller.place.clone());
    let mode = jurisdiction::mode_for(&app.settings.jurisdiction_rules, &place);
    let time_zone = payload
        .context
        .as_ref()
        .and_then(|c| c.timezone.clone())
        .or_else(|| caller.time_zone.clone())
        .filter(|tz| tz.len() <= 64 && !tz.is_empty());
    let token = crate::random::token()?;
    let id = crate::random::id("ses")?;
    let new = sessions::NewSession {
        id: &id,
        token_digest: &signing::digest_hex(&token),
        app_id: &app.id,
        subscription_id: payload.subscription_id.as_deref(),
        customer_id: facts.as_ref().and_then(|f| f.customer_id.as_deref()),
        stripe_lookup: lookup,
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
        "stripe_lookup": lookup,
        "lookup_error": lookup_error,
        "subscription_status": facts.as_ref().map(|f| f.status),
        "assignment": assignment,
        "jurisdiction": {"place": place.code(), "mode": mode.as_str(), "from": if payload.jurisdiction.is_some() { "merchant" } else { "request" }},
        "context": payload.context.as_ref().map(|c| json!({"locale": c.locale, "timezone": c.timezone, "url": c.url})),
    });
    db.batched(vec![
        limits::hit(db, &app_key(&app.id), now / 60)?,
        sessions::insert(db, &new)?,
        events::insert(db, &id, EventKind::SessionStarted, &started, now)?,
    ])
    .await?;
    if app.has_webhooks {
        crate::queue::precancel_made_work();
    }
    let base = config.public_url.as_deref().unwrap_or(&caller.origin);
    Ok(format!("{base}/cancel/{token}"))
}

/// ONE Stripe call. Whatever goes wrong, the session still starts, on the
/// default experience with fallback values (the seed's rule).
/// What Stripe said: the facts, how the read went, and its error if any.
async fn lookup(
    config: &Config,
    subscription_id: Option<&str>,
) -> (Option<SubscriptionFacts>, Lookup, Option<String>) {
    let Some(id) = subscription_id else {
        return (None, Lookup::Skipped, None);
    };
    match Client::new(config)
        .send(&req::retrieve_subscription(id), LOOKUP_DEADLINE)
        .await
    {
        Ok(reply) => match SubscriptionFacts::from_stripe(&reply.body) {
            Ok(facts) => (Some(facts), Lookup::Found, None),
            Err(e) => (None, Lookup::Error, Some(e.to_string())),
        },
        Err(Failure::Status { status: 404, .. }) => (None, Lookup::Missing, None),
        Err(f) => (None, Lookup::Error, Some(f.to_string())),
    }
}
