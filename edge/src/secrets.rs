//! Secrets at rest: apps' signing secrets, webhook endpoints' secrets and
//! the Stripe key are stored sealed with `HOLDFAST_ENCRYPTION_KEY` (see
//! `holdfast_core::vault`), and opened only where they are used. Values
//! written before sealing existed (or on a Worker without the key) are
//! plain; `reseal` seals them, moves everything sealed under
//! `HOLDFAST_ENCRYPTION_KEY_PREVIOUS` to the current key, and binds values
//! sealed before places were to theirs.

use holdfast_core::vault::{self, Keyring, Place};

use crate::config::Config;
use crate::error::AppError;

fn nonce() -> Result<[u8; 12], AppError> {
    crate::random::bytes(12)?
        .try_into()
        .map_err(|_| AppError::internal("nonce length"))
}

/// An app's signing secret (current or previous).
pub fn app_secret(app_id: &str) -> Place<'_> {
    Place {
        table: "apps",
        secret: "signing_secret",
        row: app_id,
    }
}

/// A webhook endpoint's secret (current or previous).
pub fn endpoint_secret(endpoint_id: &str) -> Place<'_> {
    Place {
        table: "webhook_endpoints",
        secret: "secret",
        row: endpoint_id,
    }
}

/// An admin's two-factor secret (confirmed or pending).
pub fn totp_secret(admin_id: &str) -> Place<'_> {
    Place {
        table: "admins",
        secret: "totp_secret",
        row: admin_id,
    }
}

/// The Stripe key saved in the settings UI (one row).
pub const STRIPE_KEY: Place<'static> = Place {
    table: "stripe_connection",
    secret: "sealed_key",
    row: "1",
};

/// Seals `plain` under the current key, bound to `place`; stored as is
/// when the Worker has no encryption key (local setups without one).
pub fn seal(config: &Config, place: Place<'_>, plain: &str) -> Result<String, AppError> {
    match config.keyring()? {
        Some(k) => k.seal(&nonce()?, place, plain).map_err(AppError::from),
        None => Ok(plain.to_owned()),
    }
}

/// Opens a stored secret: sealed under either key (a bound one only at its
/// own place), or a plain legacy value.
pub fn open(config: &Config, place: Place<'_>, stored: &str) -> Result<String, AppError> {
    if !vault::is_sealed(stored) {
        return Ok(stored.to_owned());
    }
    config
        .keyring()?
        .ok_or_else(|| {
            AppError::internal("a secret is sealed but HOLDFAST_ENCRYPTION_KEY is not set")
        })?
        .open(place, stored)
        .map_err(|e| {
            AppError::internal(format!(
                "the stored {}.{} of {} does not open: {e}",
                place.table, place.secret, place.row
            ))
        })
}

/// The app with its signing secrets opened, for checking and making
/// signatures; rotated-out ones whose grace period is over are dropped.
pub fn open_app(
    config: &Config,
    mut app: crate::store::apps::App,
    now: i64,
) -> Result<crate::store::apps::App, AppError> {
    let place = app_secret(&app.id);
    app.signing_secret = open(config, place, &app.signing_secret)?;
    if app.previous_at(now).is_none() {
        app.previous = None;
    }
    if let Some((secret, _)) = app.previous.as_mut() {
        *secret = open(config, place, secret)?;
    }
    Ok(app)
}

/// The value to store instead of `stored`, when it is plain, sealed under
/// the previous key or not bound to its place; None when it is current.
pub fn resealed(
    keyring: &Keyring,
    place: Place<'_>,
    stored: &str,
) -> Result<Option<String>, AppError> {
    if keyring.is_current(stored) {
        return Ok(None);
    }
    let plain = if vault::is_sealed(stored) {
        keyring
            .open(place, stored)
            .map_err(|e| AppError::internal(format!("a stored secret does not open: {e}")))?
    } else {
        stored.to_owned()
    };
    keyring
        .seal(&nonce()?, place, &plain)
        .map(Some)
        .map_err(AppError::from)
}
