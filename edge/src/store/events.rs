//! The session's audit trail: what was shown, chosen and answered, and when.

use serde_json::Value;
use worker::{D1Database, D1PreparedStatement};

use super::{int, stmt, text};
use crate::error::AppError;

pub fn insert(
    db: &D1Database,
    session_id: &str,
    kind: &str,
    detail: &Value,
    now: i64,
) -> Result<D1PreparedStatement, AppError> {
    stmt(
        db,
        "INSERT INTO session_events (session_id, kind, detail, created_at) VALUES (?1, ?2, ?3, ?4)",
        &[
            text(session_id),
            text(kind),
            text(&detail.to_string()),
            int(now),
        ],
    )
}

/// The same entry, written only when the batch's previous statement changed
/// exactly one row: a request that lost the race for a state change leaves
/// no trace (and, through the outbox trigger, sends no webhook).
pub fn insert_after_change(
    db: &D1Database,
    session_id: &str,
    kind: &str,
    detail: &Value,
    now: i64,
) -> Result<D1PreparedStatement, AppError> {
    stmt(
        db,
        "INSERT INTO session_events (session_id, kind, detail, created_at) SELECT ?1, ?2, ?3, ?4 WHERE changes() = 1",
        &[
            text(session_id),
            text(kind),
            text(&detail.to_string()),
            int(now),
        ],
    )
}
