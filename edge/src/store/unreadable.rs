//! Queue messages that did not parse as a job (`unreadable_messages`).

use holdfast_core::api::apps::UnreadableMessage;
use worker::{D1Database, D1PreparedStatement};

use super::{insert_row, int, stmt, text};
use crate::error::AppError;

/// How much of a body is kept: enough to see what sent it.
const BODY_CHARS: usize = 2_048;

/// How long a row is kept.
pub const KEEP_SECS: i64 = 30 * 24 * 60 * 60;

pub async fn record(
    db: &D1Database,
    queue: &str,
    body: &str,
    error: &str,
    now: i64,
) -> Result<(), AppError> {
    let body: String = body.chars().take(BODY_CHARS).collect();
    let error: String = error.chars().take(BODY_CHARS).collect();
    insert_row(
        db,
        "unreadable_messages",
        &[
            ("queue", text(queue)),
            ("body", text(&body)),
            ("error", text(&error)),
            ("at", int(now)),
        ],
        "",
    )?
    .run()
    .await?;
    Ok(())
}

/// The newest first.
pub async fn list(db: &D1Database, limit: u32) -> Result<Vec<UnreadableMessage>, AppError> {
    Ok(stmt(
        db,
        "SELECT queue, body, error, at FROM unreadable_messages ORDER BY at DESC, id DESC LIMIT ?1",
        &[int(i64::from(limit))],
    )?
    .all()
    .await?
    .results()?)
}

pub fn prune(db: &D1Database, now: i64) -> Result<D1PreparedStatement, AppError> {
    stmt(
        db,
        "DELETE FROM unreadable_messages WHERE at < ?1",
        &[int(now - KEEP_SECS)],
    )
}
