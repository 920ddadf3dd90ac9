//! The confirmation e-mails' outbox (migration 0015): one row per cancelled
//! session, written by a trigger with the cancel's audit entry.

use serde::Deserialize;
use worker::D1Database;

use super::{int, opt_text, stmt, text};
use crate::error::AppError;

#[derive(Debug, Deserialize)]
pub struct Due {
    pub id: String,
    pub session_id: String,
    pub attempts: i64,
}

pub async fn due(db: &D1Database, now: i64, limit: u32) -> Result<Vec<Due>, AppError> {
    Ok(stmt(
        db,
        "SELECT id, session_id, attempts FROM emails WHERE status = 'pending' AND next_attempt_at <= ?1 \
         AND lease_until <= ?1 ORDER BY next_attempt_at LIMIT ?2",
        &[int(now), int(i64::from(limit))],
    )?
    .all()
    .await?
    .results()?)
}

/// Takes the message for `lease_secs`; false when another run has it.
pub async fn claim(db: &D1Database, id: &str, now: i64, lease_secs: i64) -> Result<bool, AppError> {
    let r = stmt(
        db,
        "UPDATE emails SET lease_until = ?2 WHERE id = ?1 AND status = 'pending' AND lease_until <= ?3",
        &[text(id), int(now + lease_secs), int(now)],
    )?
    .run()
    .await?;
    Ok(super::changes(&r) == 1)
}

/// Books one attempt: sent, or failed with the next try (None: given up).
pub async fn record(
    db: &D1Database,
    id: &str,
    result: Result<&str, &str>,
    retry_at: Option<i64>,
    now: i64,
) -> Result<(), AppError> {
    let (status, message_id, error) = match result {
        Ok(m) => ("sent", Some(m), None),
        Err(e) if retry_at.is_some() => ("pending", None, Some(e)),
        Err(e) => ("failed", None, Some(e)),
    };
    stmt(
        db,
        "UPDATE emails SET status = ?2, message_id = ?3, last_error = ?4, attempts = attempts + 1, \
         next_attempt_at = COALESCE(?5, next_attempt_at), lease_until = 0, updated_at = ?6 WHERE id = ?1",
        &[
            text(id),
            text(status),
            opt_text(message_id),
            opt_text(error),
            retry_at.map_or(worker::wasm_bindgen::JsValue::NULL, int),
            int(now),
        ],
    )?
    .run()
    .await?;
    Ok(())
}
