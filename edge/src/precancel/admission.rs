//! Who may start a session: limits per client, per failed attempt and per
//! app, read in one round trip, and the proof a precancel carries (the
//! app's secret key, a signature, or none where the app allows it).

use holdfast_core::precancel::{self, PrecancelPayload};
use holdfast_core::signature_policy;
use holdfast_core::signing;
use worker::D1Database;

use super::Caller;
use crate::error::AppError;
use crate::store::Batched;
use crate::store::{apps, limits};

pub fn app_key(app_id: &str) -> String {
    format!("precancel:app:{app_id}")
}

pub fn failure_key(client: &str) -> String {
    format!("precancel:failed:{client}")
}

/// Reads the app and the limits in one round trip: each browser call counts
/// against its client (IP address, IPv6 per /64); a client with too many
/// failed signatures or keys is turned away before any check; the app's own
/// count is read here and counted, for authenticated calls only, in the
/// batch that writes the session.
pub async fn counted_app(
    caller: &Caller,
    db: &D1Database,
    app_id: &str,
    now: i64,
) -> Result<(apps::App, i64), AppError> {
    let minute = now / 60;
    let server_side = caller.secret_key.is_some();
    let client = format!("precancel:client:{}", caller.client);
    let batch = vec![
        if server_side {
            limits::read(db, &client, minute)?
        } else {
            limits::hit(db, &client, minute)?
        },
        limits::read(db, &failure_key(&caller.client), minute)?,
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
    app: &apps::App,
    payload: &PrecancelPayload,
    now: i64,
) -> Result<Proof, AppError> {
    // During a rotation's grace period the previous secrets work too.
    let previous = app.previous.as_ref();
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
