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
