//! Who may start a session: the app (read once per isolate, see
//! `memory`), the proof a precancel carries (the app's secret key, a
//! signature, or none where the app allows it), and the limits per client,
//! per failed attempt and per app, all counted and checked by the one
//! batch that writes the session.

use std::rc::Rc;

use holdfast_core::audit::EventKind;
use holdfast_core::precancel::{self, PrecancelPayload};
use holdfast_core::signature_policy;
use holdfast_core::signing::{self, Purpose};
use serde_json::Value;
use worker::D1Database;

use super::{memory, Caller};
use crate::config::Config;
use crate::error::AppError;
use crate::store::apps::{self, App};
use crate::store::limits::{self, Gate};
use crate::store::sessions::{self, NewSession};
use crate::store::{events, Batched};

pub fn app_key(app_id: &str) -> String {
    format!("precancel:app:{app_id}")
}

pub fn failure_key(client: &str) -> String {
    format!("precancel:failed:{client}")
}

pub fn client_key(client: &str) -> String {
    format!("precancel:client:{client}")
}

pub const CLIENT_LIMITED: &str =
    "Too many cancel requests from this address. Wait a minute and try again.";
pub const APP_LIMITED: &str = "This app is receiving more cancel requests than its limit allows. Wait a minute and try again.";

pub fn limited(message: &str, now: i64) -> AppError {
    AppError::TooManyRequests {
        message: message.to_owned(),
        retry_after: 60 - now.rem_euclid(60),
    }
}

/// The memory of an app over its limit, per revision: a raised limit
/// applies at once.
pub fn app_refused(gate: &Gate<'_>) -> String {
    format!("{}@{}", gate.app, gate.revision)
}

/// The app as D1 has it now, its secrets opened, kept for the next call.
pub async fn load(
    db: &D1Database,
    config: &Config,
    app_id: &str,
    now: i64,
) -> Result<Rc<App>, AppError> {
    let Some(app) = apps::get(db, app_id).await? else {
        memory::forget(app_id);
        return Err(AppError::NotFound(format!("No such app: {app_id}")));
    };
    let app = Rc::new(crate::secrets::open_app(config, app, now)?);
    memory::keep(app.clone());
    Ok(app)
}

/// A wrong key or signature counts against its client, never against the
/// app's own limit; past the limit the client is turned away for the
/// minute, even with a good signature.
pub async fn count_failure(db: &D1Database, caller: &Caller, now: i64) -> Result<(), AppError> {
    let key = failure_key(&caller.client);
    let result = db.batched(vec![limits::hit(db, &key, now / 60)?]).await?;
    let count = result
        .first()
        .map(limits::count_of)
        .transpose()?
        .unwrap_or(0);
    if count >= precancel::PER_CLIENT_PER_MINUTE {
        memory::refuse(&key, now / 60);
    }
    Ok(())
}

/// How the batch that writes a session came out, when it is not a refusal.
pub enum Written {
    Yes,
    /// The app changed since it was read: nothing was written or counted.
    Stale,
}

/// Counts the call against its client and its app and writes the session
/// with its first audit entry, all only while the app is at the revision
/// the call was decided on and every limit holds.
pub async fn write(
    db: &D1Database,
    gate: &Gate<'_>,
    session: &NewSession<'_>,
    started: &Value,
    now: i64,
) -> Result<Written, AppError> {
    let mut batch = Vec::with_capacity(5);
    if let Some(client) = gate.client {
        batch.push(limits::hit_client(db, gate, client)?);
    }
    batch.push(limits::hit_app(db, gate)?);
    let (guard, args) = limits::within_app(gate);
    batch.push(sessions::insert_where(db, session, &guard, &args)?);
    batch.push(events::insert_after_change(
        db,
        session.id,
        EventKind::SessionStarted,
        started,
        now,
    )?);
    batch.push(limits::verdict(db, gate, session.id)?);
    let results = db.batched(batch).await?;
    let verdict = results
        .last()
        .map(limits::verdict_of)
        .transpose()?
        .ok_or_else(|| AppError::internal("a batch answered fewer statements than it had"))?;
    if verdict.written != 0 {
        return Ok(Written::Yes);
    }
    if verdict.revision != Some(gate.revision) {
        return Ok(Written::Stale);
    }
    if let Some(client) = gate.client.filter(|_| verdict.client > gate.per_client) {
        memory::refuse(client, gate.minute);
        return Err(limited(CLIENT_LIMITED, now));
    }
    if verdict.failures >= gate.per_client {
        memory::refuse(gate.failures, gate.minute);
        return Err(limited(CLIENT_LIMITED, now));
    }
    if verdict.app > gate.per_app {
        memory::refuse(&app_refused(gate), gate.minute);
        return Err(limited(APP_LIMITED, now));
    }
    Err(AppError::internal(format!(
        "precancel wrote no session and no limit says why: {verdict:?}"
    )))
}

/// What vouched for a precancel.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Proof {
    /// The app's secret key: the merchant's server made the call.
    SecretKey,
    /// A valid `auth_hash` over the subject.
    Signature,
    /// Nothing: the app allows unsigned calls.
    None,
}

/// A server-side call proves itself with the app's secret key; a browser
/// call with `auth_hash`. Unsigned calls pass only if the app allows them.
pub fn authenticate(
    caller: &Caller,
    app: &App,
    payload: &PrecancelPayload,
    now: i64,
) -> Result<Proof, AppError> {
    // During a rotation's grace period the previous secrets work too.
    let previous = app.previous_at(now);
    if let Some(header) = &caller.secret_key {
        let key = header.strip_prefix("Bearer ").unwrap_or(header).trim();
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
    // A subscription id is signed as Brightback signs it; an account's id
    // under its own key, so neither signature stands for the other.
    let purpose = if payload.subscription_id.is_some() {
        Purpose::Subscription
    } else {
        Purpose::Account
    };
    let signed_by = |secret: &str| {
        let message = payload
            .signed_subject()
            .map(|s| signing::signed_message(&s, payload.auth_timestamp));
        payload
            .auth_hash
            .as_deref()
            .zip(message)
            .is_some_and(|(hash, message)| signing::verify(secret, purpose, &message, hash))
    };
    match &payload.auth_hash {
        Some(_) if signed_by(&app.signing_secret) || previous.is_some_and(|(s, _)| signed_by(s)) => Ok(Proof::Signature),
        Some(_) if purpose == Purpose::Account => Err(AppError::Unauthorized(
            "auth_hash does not match account.internal_id for this app: an account id is signed with the account key, the hex HMAC-SHA256 of \"holdfast account id v1\" keyed with your signing secret.".to_owned(),
        )),
        Some(_) => Err(AppError::Unauthorized("auth_hash does not match subscription_id for this app.".to_owned())),
        None if !app.require_signed => Ok(Proof::None),
        None => Err(AppError::Unauthorized(
            "auth_hash is required: send the HMAC-SHA256 of subscription_id, keyed with your app's signing secret.".to_owned(),
        )),
    }
}
