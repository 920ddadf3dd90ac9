use holdfast_core::experience::AppSettings;
use holdfast_core::session::SessionStatus;
use holdfast_core::template::Fields;
use serde::Deserialize;
use worker::{D1Database, D1PreparedStatement};

use super::{apps::parse_settings, int, opt_int, opt_text, stmt, text};
use crate::error::AppError;

/// What precancel stores.
pub struct NewSession<'a> {
    pub id: &'a str,
    pub token_digest: &'a str,
    pub app_id: &'a str,
    pub subscription_id: Option<&'a str>,
    pub customer_id: Option<&'a str>,
    pub stripe_lookup: &'a str,
    pub fields: &'a Fields,
    pub save_return_url: Option<&'a str>,
    pub cancel_confirmation_url: Option<&'a str>,
    pub now: i64,
    pub expires_at: i64,
}

pub fn insert(db: &D1Database, s: &NewSession<'_>) -> Result<D1PreparedStatement, AppError> {
    let fields = serde_json::to_string(s.fields).map_err(|e| AppError::internal(e.to_string()))?;
    stmt(
        db,
        "INSERT INTO sessions (id, token_digest, app_id, subscription_id, customer_id, stripe_lookup, status, \
         fields, save_return_url, cancel_confirmation_url, created_at, expires_at, updated_at) \
         VALUES (?1, ?2, ?3, ?4, ?5, ?6, 'open', ?7, ?8, ?9, ?10, ?11, ?10)",
        &[
            text(s.id),
            text(s.token_digest),
            text(s.app_id),
            opt_text(s.subscription_id),
            opt_text(s.customer_id),
            text(s.stripe_lookup),
            text(&fields),
            opt_text(s.save_return_url),
            opt_text(s.cancel_confirmation_url),
            int(s.now),
            int(s.expires_at),
        ],
    )
}

/// A session with its app's settings, as every session route needs both.
pub struct Session {
    pub id: String,
    pub subscription_id: Option<String>,
    pub customer_id: Option<String>,
    pub stripe_lookup: String,
    pub status: SessionStatus,
    pub reason_id: Option<String>,
    pub fields: Fields,
    pub save_return_url: Option<String>,
    pub cancel_confirmation_url: Option<String>,
    pub cancel_effective_at: Option<i64>,
    pub expires_at: i64,
    pub settings: AppSettings,
}

#[derive(Deserialize)]
struct Row {
    id: String,
    subscription_id: Option<String>,
    customer_id: Option<String>,
    stripe_lookup: String,
    status: String,
    reason_id: Option<String>,
    fields: String,
    save_return_url: Option<String>,
    cancel_confirmation_url: Option<String>,
    cancel_effective_at: Option<i64>,
    expires_at: i64,
    app_settings: String,
}

const SELECT: &str = "SELECT s.id, s.subscription_id, s.customer_id, s.stripe_lookup, s.status, s.reason_id, \
     s.fields, s.save_return_url, s.cancel_confirmation_url, s.cancel_effective_at, s.expires_at, a.settings AS app_settings \
     FROM sessions s JOIN apps a ON a.id = s.app_id";

pub async fn by_token_digest(db: &D1Database, digest: &str) -> Result<Option<Session>, AppError> {
    let row: Option<Row> = stmt(
        db,
        &format!("{SELECT} WHERE s.token_digest = ?1"),
        &[text(digest)],
    )?
    .first(None)
    .await?;
    row.map(into_session).transpose()
}

pub async fn by_id(db: &D1Database, id: &str) -> Result<Option<Session>, AppError> {
    let row: Option<Row> = stmt(db, &format!("{SELECT} WHERE s.id = ?1"), &[text(id)])?
        .first(None)
        .await?;
    row.map(into_session).transpose()
}

fn into_session(r: Row) -> Result<Session, AppError> {
    Ok(Session {
        fields: serde_json::from_str(&r.fields)
            .map_err(|e| AppError::internal(format!("stored fields do not parse: {e}")))?,
        settings: parse_settings(&r.app_settings)?,
        status: SessionStatus::parse(&r.status),
        id: r.id,
        subscription_id: r.subscription_id,
        customer_id: r.customer_id,
        stripe_lookup: r.stripe_lookup,
        reason_id: r.reason_id,
        save_return_url: r.save_return_url,
        cancel_confirmation_url: r.cancel_confirmation_url,
        cancel_effective_at: r.cancel_effective_at,
        expires_at: r.expires_at,
    })
}

/// Moves the session from one of `from` to `to`; changes nothing when it is
/// elsewhere (the caller reads `changes` to know who won).
pub fn transition(
    db: &D1Database,
    id: &str,
    from: &[SessionStatus],
    to: SessionStatus,
    now: i64,
) -> Result<D1PreparedStatement, AppError> {
    let allowed: Vec<String> = from.iter().map(|s| format!("'{}'", s.as_str())).collect();
    stmt(
        db,
        &format!(
            "UPDATE sessions SET status = ?2, updated_at = ?3 WHERE id = ?1 AND status IN ({})",
            allowed.join(", ")
        ),
        &[text(id), text(to.as_str()), int(now)],
    )
}

pub fn set_reason(
    db: &D1Database,
    id: &str,
    reason_id: &str,
    comment: Option<&str>,
    now: i64,
) -> Result<D1PreparedStatement, AppError> {
    stmt(
        db,
        "UPDATE sessions SET reason_id = ?2, comment = ?3, updated_at = ?4 WHERE id = ?1",
        &[text(id), text(reason_id), opt_text(comment), int(now)],
    )
}

pub fn finish_cancel(
    db: &D1Database,
    id: &str,
    effective_at: Option<i64>,
    now: i64,
) -> Result<D1PreparedStatement, AppError> {
    stmt(
        db,
        "UPDATE sessions SET status = 'cancelled', cancel_effective_at = ?2, updated_at = ?3 WHERE id = ?1",
        &[text(id), opt_int(effective_at), int(now)],
    )
}

/// Moves an open (or deflected) session to `to`, recording the reason in the
/// same statement, so a losing concurrent request changes nothing at all.
pub fn start_cancel(
    db: &D1Database,
    id: &str,
    to: SessionStatus,
    reason_id: Option<&str>,
    comment: Option<&str>,
    now: i64,
) -> Result<D1PreparedStatement, AppError> {
    stmt(
        db,
        "UPDATE sessions SET status = ?2, reason_id = COALESCE(?3, reason_id), comment = COALESCE(?4, comment), updated_at = ?5 \
         WHERE id = ?1 AND status IN ('open', 'deflected')",
        &[text(id), text(to.as_str()), opt_text(reason_id), opt_text(comment), int(now)],
    )
}
