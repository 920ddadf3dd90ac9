//! The session's audit trail: what was shown, chosen and answered, and when.
//! Entries that announce an event also put it in the webhook outbox (a
//! trigger, migration 0010), in the same transaction.

use holdfast_core::audit::EventKind;
use serde_json::Value;
use worker::{D1Database, D1PreparedStatement};

use super::{int, stmt, text};
use crate::error::AppError;

pub fn insert(
    db: &D1Database,
    session_id: &str,
    kind: EventKind,
    detail: &Value,
    now: i64,
) -> Result<D1PreparedStatement, AppError> {
    entry(db, "", session_id, kind, detail, now)
}

/// The same entry, written only when the batch's previous statement changed
/// exactly one row: a request that lost the race for a state change leaves
/// no trace (and, through the outbox trigger, sends no webhook).
pub fn insert_after_change(
    db: &D1Database,
    session_id: &str,
    kind: EventKind,
    detail: &Value,
    now: i64,
) -> Result<D1PreparedStatement, AppError> {
    entry(db, "WHERE changes() = 1", session_id, kind, detail, now)
}

fn entry(
    db: &D1Database,
    guard: &str,
    session_id: &str,
    kind: EventKind,
    detail: &Value,
    now: i64,
) -> Result<D1PreparedStatement, AppError> {
    stmt(
        db,
        &format!("INSERT INTO session_events (session_id, kind, detail, created_at) SELECT ?1, ?2, ?3, ?4 {guard}"),
        &[
            text(session_id),
            text(kind.as_str()),
            text(&detail.to_string()),
            int(now),
        ],
    )
}
