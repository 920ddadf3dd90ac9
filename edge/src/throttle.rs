//! How often a password or a two-factor code may be tried. Every attempt
//! is counted before its secret is checked, under keys that hold nothing a
//! caller typed: an e-mail only as a keyed digest, a client as its address
//! (IPv6 by /64), an account as its id.

use holdfast_core::signing::{auth_hash, digest_hex};
use secrecy::ExposeSecret;
use worker::{D1Database, D1Result};

use crate::config::Config;
use crate::error::AppError;
use crate::store::attempts::{self, Limit};
use crate::store::Batched;

/// Attempts are counted over this window; a key that reaches its limit is
/// locked for a whole window from that attempt.
pub const WINDOW_SECS: i64 = 15 * 60;
/// Passwords per account from one client (failures elsewhere never lock
/// the owner out)...
pub const PER_ACCOUNT_AND_CLIENT: i64 = 5;
/// ...and per client, passwords and codes together.
pub const PER_CLIENT: i64 = 20;
/// Two-factor codes per account, from any number of clients: a stolen
/// password and many addresses still get 10 of a million codes.
pub const CODES_PER_ACCOUNT: i64 = 10;

/// The key of an e-mail typed at sign-in: a digest keyed with a server
/// secret, so the table tells nobody which addresses were tried.
pub fn email_key(config: &Config, email: &str) -> String {
    let secret = config
        .encryption_key
        .as_ref()
        .or(config.admin_setup_token.as_ref());
    let digest = match secret {
        Some(s) => auth_hash(s.expose_secret(), &format!("sign-in:{email}")),
        None => digest_hex(&format!("sign-in:{email}")),
    };
    format!("email:{}", &digest[..32])
}

pub fn client_key(client: &str) -> String {
    format!("client:{client}")
}

pub fn pair_key(email_key: &str, client: &str) -> String {
    format!("{email_key}:{client}")
}

pub fn codes_key(admin_id: &str) -> String {
    format!("codes:{admin_id}")
}

/// Counts one attempt under every limit, or answers 429 (writing nothing)
/// when any is reached. The results hold each key's count, in order.
pub async fn count(
    db: &D1Database,
    limits: &[Limit<'_>],
    now: i64,
    message: &str,
) -> Result<Vec<D1Result>, AppError> {
    let results = db
        .batched(attempts::count(db, limits, WINDOW_SECS, now)?)
        .await?;
    if attempts::counted(&results) {
        return Ok(results);
    }
    Err(AppError::TooManyRequests {
        message: message.to_owned(),
        retry_after: attempts::retry_after(db, limits, WINDOW_SECS, now).await?,
    })
}

pub const TOO_MANY_SIGN_INS: &str = "Too many failed sign-ins. Wait 15 minutes and try again.";
pub const TOO_MANY_CODES: &str =
    "Too many wrong codes for this account: two-factor sign-in is locked for 15 minutes.";
