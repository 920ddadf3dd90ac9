//! Secrets at rest: apps' signing secrets, webhook endpoints' secrets and
//! the Stripe key are stored sealed with `HOLDFAST_ENCRYPTION_KEY` (see
//! `holdfast_core::vault`), and opened only where they are used. Values
//! written before sealing existed (or on a Worker without the key) are
//! plain; `reseal` seals them, and moves everything sealed under
//! `HOLDFAST_ENCRYPTION_KEY_PREVIOUS` to the current key.

use holdfast_core::vault::{self, Keyring};

use crate::config::Config;
use crate::error::AppError;

fn nonce() -> Result<[u8; 12], AppError> {
    crate::random::bytes(12)?
        .try_into()
        .map_err(|_| AppError::internal("nonce length"))
}

/// Seals `plain` under the current key; stored as is when the Worker has
/// no encryption key (local setups without one).
pub fn seal(config: &Config, plain: &str) -> Result<String, AppError> {
    match config.keyring()? {
        Some(k) => k
            .seal(&nonce()?, plain)
            .map_err(|e| AppError::internal(e.to_string())),
        None => Ok(plain.to_owned()),
    }
}

/// Opens a stored secret: sealed under either key, or a plain legacy value.
pub fn open(config: &Config, stored: &str) -> Result<String, AppError> {
    if !vault::is_sealed(stored) {
        return Ok(stored.to_owned());
    }
    config
        .keyring()?
        .ok_or_else(|| {
            AppError::internal("a secret is sealed but HOLDFAST_ENCRYPTION_KEY is not set")
        })?
        .open(stored)
        .map_err(|e| AppError::internal(format!("a stored secret does not open: {e}")))
}

/// The app with its signing secrets opened, for checking and making
/// signatures; rotated-out ones whose grace period is over are dropped.
pub fn open_app(
    config: &Config,
    mut app: crate::store::apps::App,
    now: i64,
) -> Result<crate::store::apps::App, AppError> {
    app.signing_secret = open(config, &app.signing_secret)?;
    if app.previous_at(now).is_none() {
        app.previous = None;
    }
    if let Some((secret, _)) = app.previous.as_mut() {
        *secret = open(config, secret)?;
    }
    Ok(app)
}

/// The value to store instead of `stored`, when it is plain or sealed under
/// the previous key; None when it is current already.
pub fn resealed(keyring: &Keyring, stored: &str) -> Result<Option<String>, AppError> {
    if keyring.is_current(stored) {
        return Ok(None);
    }
    let plain = if vault::is_sealed(stored) {
        keyring
            .open(stored)
            .map_err(|e| AppError::internal(format!("a stored secret does not open: {e}")))?
    } else {
        stored.to_owned()
    };
    keyring
        .seal(&nonce()?, &plain)
        .map(Some)
        .map_err(|e| AppError::internal(e.to_string()))
}
