//! Starting a cancel session (`POST /precancel`): who may start one (see
//! `admission`), the one Stripe read, the fields and their provenance, the
//! experiment and compliance mode, and the session written with its first
//! audit entry. The route only turns HTTP into a [`Caller`] and back.

mod admission;
mod memory;

use secrecy::ExposeSecret;
use std::time::Duration;

use holdfast_core::experiment::Assignment;
use holdfast_core::jurisdiction::{self, Mode, Place, Placed};
use holdfast_core::locale::Locale;
use holdfast_core::precancel::{self, PrecancelPayload};
use holdfast_core::provenance;
use holdfast_core::session::{Lookup, SESSION_TTL_SECS};
use holdfast_core::signing;
use holdfast_core::stripe as req;
use holdfast_core::subscription::SubscriptionFacts;
use holdfast_core::template::Fields;
use serde_json::json;
use worker::D1Database;

use crate::config::Config;
use crate::error::AppError;
use crate::store::apps::App;
use crate::store::limits::Gate;
use crate::store::sessions;
use crate::stripe::{Client, Failure};
use admission::{app_key, authenticate, client_key, failure_key, limited, Proof, Written};

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

impl Caller {
    /// The caller of `req`: its client, time zone and origin as the request
    /// says, with the credential and place the route has read.
    pub fn of(req: &worker::Request, secret_key: Option<String>, place: Place) -> Self {
        Self {
            client: crate::http::client(req),
            secret_key,
            place,
            time_zone: crate::http::time_zone(req),
            origin: crate::http::origin_of(&crate::http::raw_url(req)).unwrap_or_default(),
        }
    }
}

/// Starts a cancel session for a parsed payload and returns the page's URL.
/// The app comes from the isolate's memory when it is there; whatever it
/// refuses, or a write that finds it changed, is decided again on a fresh
/// read of the app.
pub async fn start(
    db: &D1Database,
    config: Config,
    caller: &Caller,
    payload: &PrecancelPayload,
    now: i64,
) -> Result<String, AppError> {
    let minute = now / 60;
    let client = caller
        .secret_key
        .is_none()
        .then(|| client_key(&caller.client));
    let failures = failure_key(&caller.client);
    if memory::refused(&failures, minute)
        || client
            .as_deref()
            .is_some_and(|c| memory::refused(c, minute))
    {
        return Err(limited(admission::CLIENT_LIMITED, now));
    }
    let ask = Ask {
        db,
        config: &config,
        caller,
        payload,
        now,
    };
    let mut known = memory::app(&payload.app_id);
    let mut earlier = None;
    loop {
        let remembered = known.is_some();
        let app = match known.take() {
            Some(app) => app,
            None => admission::load(db, &config, &payload.app_id, now).await?,
        };
        let gate = Gate {
            app_id: &app.id,
            revision: app.revision,
            client: client.as_deref(),
            failures: &failures,
            app: &app_key(&app.id),
            minute,
            per_client: precancel::PER_CLIENT_PER_MINUTE,
            per_app: i64::from(app.settings.precancel_per_minute),
        };
        match attempt(&ask, &app, &gate, &mut earlier).await {
            Ok(Some(url)) => return Ok(url),
            Ok(None) if remembered => memory::forget(&app.id),
            Ok(None) => {
                return Err(AppError::Unavailable(
                    "The app's settings changed while this request ran. Try again.".to_owned(),
                ))
            }
            Err(AppError::Unauthorized(_) | AppError::BadRequest(_)) if remembered => {
                memory::forget(&app.id);
            }
            Err(e @ AppError::Unauthorized(_)) => {
                admission::count_failure(db, caller, now).await?;
                return Err(e);
            }
            Err(e) => return Err(e),
        }
    }
}

/// A try's Stripe read, which the next try reuses when it would read the
/// same subscription with the same key: precancel reads Stripe once even
/// when the app changed meanwhile.
struct Looked {
    key_digest: Option<String>,
    read: Option<String>,
    found: Found,
}

/// What Stripe said: the facts, how the read went, and its error if any.
struct Found {
    facts: Option<SubscriptionFacts>,
    lookup: Lookup,
    error: Option<String>,
}

/// What one precancel asks, whichever reading of the app a try is on.
struct Ask<'a> {
    db: &'a D1Database,
    config: &'a Config,
    caller: &'a Caller,
    payload: &'a PrecancelPayload,
    now: i64,
}

/// The session a try would start, drawn from the payload, Stripe's facts
/// and the app's settings, before anything is written.
struct Draft {
    fields: Fields,
    unverified: Vec<String>,
    assignment: Option<Assignment>,
    audience: Option<String>,
    placed: Placed,
    mode: Mode,
    time_zone: Option<String>,
}

/// One try on one reading of the app: who calls, what Stripe says, the
/// session drawn from both, and the write. The URL, or None when the app
/// changed before the session was written.
async fn attempt(
    ask: &Ask<'_>,
    app: &App,
    gate: &Gate<'_>,
    earlier: &mut Option<Looked>,
) -> Result<Option<String>, AppError> {
    let proof = admit(ask, app, gate)?;
    let config = ask
        .config
        .clone()
        .with_stored_key(app.stripe_key_sealed.as_deref());
    let looked = look_up(&config, ask.payload, app, earlier.take()).await;
    let draft = draft(ask, app, proof, looked.found.facts.as_ref());
    match write(ask, app, gate, &draft, &looked.found).await? {
        Some(token) => {
            let base = config.public_url.as_deref().unwrap_or(&ask.caller.origin);
            Ok(Some(format!("{base}/cancel/{token}")))
        }
        None => {
            *earlier = Some(looked);
            Ok(None)
        }
    }
}

/// Who may start a session on this reading of the app: the caller's proof,
/// the app's rate, and the return URLs it allows.
fn admit(ask: &Ask<'_>, app: &App, gate: &Gate<'_>) -> Result<Proof, AppError> {
    let proof = authenticate(ask.caller, app, ask.payload, ask.now)?;
    if memory::refused(&admission::app_refused(gate), gate.minute) {
        return Err(limited(admission::APP_LIMITED, ask.now));
    }
    precancel::check_destinations(ask.payload, &app.settings.return_origins)
        .map_err(AppError::BadRequest)?;
    Ok(proof)
}

/// The subscription as Stripe has it, read once: an earlier try's read is
/// reused when key and subscription are the same. With enrichment off the
/// page runs on the snippet's data alone.
async fn look_up(
    config: &Config,
    payload: &PrecancelPayload,
    app: &App,
    earlier: Option<Looked>,
) -> Looked {
    let read = payload
        .subscription_id
        .as_deref()
        .filter(|_| app.settings.enrichment);
    let key_digest = config
        .stripe_key
        .as_ref()
        .map(|k| signing::digest_hex(k.expose_secret()));
    match earlier {
        Some(l) if l.key_digest == key_digest && l.read.as_deref() == read => l,
        _ => Looked {
            found: lookup(config, read).await,
            key_digest,
            read: read.map(str::to_owned),
        },
    }
}

/// The session's fields (with where each came from), its experiment and
/// audience, its place and compliance mode, and its time zone.
fn draft(ask: &Ask<'_>, app: &App, proof: Proof, facts: Option<&SubscriptionFacts>) -> Draft {
    let payload = ask.payload;
    let mut fields = payload.fields();
    if let Some(f) = facts {
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
    let placed = jurisdiction::place_for(
        payload.jurisdiction.as_deref(),
        proof == Proof::SecretKey,
        &ask.caller.place,
    );
    let mode = jurisdiction::mode_for(&app.settings.jurisdiction_rules, &placed.place);
    let time_zone = payload
        .context
        .as_ref()
        .and_then(|c| c.timezone.clone())
        .or_else(|| ask.caller.time_zone.clone())
        .filter(|tz| tz.len() <= 64 && !tz.is_empty());
    Draft {
        fields,
        unverified,
        assignment,
        audience,
        placed,
        mode,
        time_zone,
    }
}

/// Writes the session with its first audit entry; its token, or None when
/// the app changed since this try read it.
async fn write(
    ask: &Ask<'_>,
    app: &App,
    gate: &Gate<'_>,
    d: &Draft,
    found: &Found,
) -> Result<Option<String>, AppError> {
    let (payload, now) = (ask.payload, ask.now);
    let facts = found.facts.as_ref();
    let token = crate::random::token()?;
    let id = crate::random::id("ses")?;
    let new = sessions::NewSession {
        id: &id,
        token_digest: &signing::digest_hex(&token),
        app_id: &app.id,
        subscription_id: payload.subscription_id.as_deref(),
        customer_id: facts.and_then(|f| f.customer_id.as_deref()),
        stripe_lookup: found.lookup,
        fields: &d.fields,
        unverified: &d.unverified,
        facts,
        assignment: d.assignment.as_ref(),
        audience_id: d.audience.as_deref(),
        save_return_url: payload.save_return_url.as_deref(),
        cancel_confirmation_url: payload.cancel_confirmation_url.as_deref(),
        now,
        expires_at: now + SESSION_TTL_SECS,
        locale: payload.requested_locale().and_then(Locale::parse),
        place: &d.placed.place,
        mode: d.mode,
        time_zone: d.time_zone.as_deref(),
    };
    let started = json!({
        "stripe_lookup": found.lookup,
        "lookup_error": found.error,
        "subscription_status": facts.map(|f| f.status),
        "assignment": d.assignment,
        "jurisdiction": {"place": d.placed.place.code(), "mode": d.mode.as_str(), "from": d.placed.from.as_str(), "ignored": d.placed.ignored},
        "context": payload.context.as_ref().map(|c| json!({"locale": c.locale, "timezone": c.timezone, "url": c.url})),
    });
    if let Written::Stale = admission::write(ask.db, gate, &new, &started, now).await? {
        return Ok(None);
    }
    if app.has_webhooks {
        crate::queue::precancel_made_work();
    }
    Ok(Some(token))
}

/// ONE Stripe call. Whatever goes wrong, the session still starts, on the
/// default experience with fallback values (the seed's rule).
async fn lookup(config: &Config, subscription_id: Option<&str>) -> Found {
    let found = |facts, lookup, error| Found {
        facts,
        lookup,
        error,
    };
    let Some(id) = subscription_id else {
        return found(None, Lookup::Skipped, None);
    };
    match Client::new(config)
        .send(&req::retrieve_subscription(id), LOOKUP_DEADLINE)
        .await
    {
        Ok(reply) => match SubscriptionFacts::from_stripe(&reply.body) {
            Ok(facts) => found(Some(facts), Lookup::Found, None),
            Err(e) => found(None, Lookup::Error, Some(e.to_string())),
        },
        Err(Failure::Status { status: 404, .. }) => found(None, Lookup::Missing, None),
        Err(f) => found(None, Lookup::Error, Some(f.to_string())),
    }
}
