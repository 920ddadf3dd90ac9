//! The Stripe write a session owes, claimed with a lease so only one worker
//! calls Stripe at a time and a crashed call is picked up again.

use holdfast_core::api::apps::OperationView;
use holdfast_core::work::{OperationStatus, WorkKind};
use serde::Deserialize;
use worker::{D1Database, D1PreparedStatement};

use super::{insert_row_if, int, opt_text, stmt, text, update_row, won};
use crate::error::AppError;

/// A worker holding the lease has this long to finish its Stripe call.
pub const LEASE_SECS: i64 = 30;

#[derive(Debug, Deserialize)]
pub struct Operation {
    pub session_id: String,
    /// A `WorkKind` name (kept as text so a kind from a newer version is an
    /// error of that row only).
    pub kind: String,
    pub params: String,
    pub attempts: i64,
}

fn pending() -> String {
    OperationStatus::Pending.sql()
}

/// Records the operation, leased to the caller, only when the statement just
/// before it in the batch changed a row (the session's state transition), so
/// the winner of a race is the only one that owes Stripe a call. The
/// UNIQUE(session_id) constraint backs this up.
pub fn insert_leased_after_transition(
    db: &D1Database,
    id: &str,
    session_id: &str,
    kind: WorkKind,
    params: &str,
    now: i64,
) -> Result<D1PreparedStatement, AppError> {
    insert_row_if(
        db,
        "operations",
        &[
            ("id", text(id)),
            ("session_id", text(session_id)),
            ("kind", text(kind.as_str())),
            ("params", text(params)),
            ("status", text(OperationStatus::Pending.as_str())),
            ("attempts", int(1)),
            ("lease_until", int(now + LEASE_SECS)),
            ("next_attempt_at", int(now)),
            ("created_at", int(now)),
            ("updated_at", int(now)),
        ],
        "changes() = 1",
    )
}

/// Takes the lease of a pending operation whose lease has run out.
pub async fn claim(db: &D1Database, session_id: &str, now: i64) -> Result<bool, AppError> {
    let res = update_row(
        db,
        "operations",
        &[
            ("lease_until", int(now + LEASE_SECS)),
            ("updated_at", int(now)),
        ],
        &["attempts = attempts + 1"],
        &format!(
            "session_id = ? AND status = {} AND lease_until < ?",
            pending()
        ),
        &[text(session_id), int(now)],
    )?
    .run()
    .await?;
    Ok(won(&res))
}

pub async fn for_session(db: &D1Database, session_id: &str) -> Result<Option<Operation>, AppError> {
    Ok(stmt(
        db,
        "SELECT id, session_id, kind, params, attempts FROM operations WHERE session_id = ?1",
        &[text(session_id)],
    )?
    .first(None)
    .await?)
}

/// Pending operations whose next attempt is due and whose lease is free.
pub async fn due(db: &D1Database, now: i64, limit: u32) -> Result<Vec<Operation>, AppError> {
    let res = stmt(
        db,
        &format!(
            "SELECT id, session_id, kind, params, attempts FROM operations \
             WHERE status = {} AND next_attempt_at <= ?1 AND lease_until < ?1 ORDER BY next_attempt_at LIMIT ?2",
            pending()
        ),
        &[int(now), int(i64::from(limit))],
    )?
    .all()
    .await?;
    Ok(res.results()?)
}

pub fn complete(
    db: &D1Database,
    session_id: &str,
    now: i64,
) -> Result<D1PreparedStatement, AppError> {
    update_row(
        db,
        "operations",
        &[
            ("status", text(OperationStatus::Done.as_str())),
            ("lease_until", int(0)),
            ("last_error", opt_text(None)),
            ("updated_at", int(now)),
        ],
        &[],
        "session_id = ?",
        &[text(session_id)],
    )
}

/// Releases the lease and schedules the next attempt.
pub fn retry_later(
    db: &D1Database,
    session_id: &str,
    error: &str,
    next_at: i64,
    now: i64,
) -> Result<D1PreparedStatement, AppError> {
    update_row(
        db,
        "operations",
        &[
            ("lease_until", int(0)),
            ("next_attempt_at", int(next_at)),
            ("last_error", text(error)),
            ("updated_at", int(now)),
        ],
        &[],
        "session_id = ?",
        &[text(session_id)],
    )
}

/// Stops retrying: Stripe refused the write for good; an admin must look.
pub fn fail(
    db: &D1Database,
    session_id: &str,
    error: &str,
    now: i64,
) -> Result<D1PreparedStatement, AppError> {
    update_row(
        db,
        "operations",
        &[
            ("status", text(OperationStatus::Failed.as_str())),
            ("lease_until", int(0)),
            ("last_error", text(error)),
            ("updated_at", int(now)),
        ],
        &[],
        "session_id = ?",
        &[text(session_id)],
    )
}

/// Pending and failed operations, newest first, for the admin.
pub async fn needing_attention(
    db: &D1Database,
    limit: u32,
) -> Result<Vec<OperationView>, AppError> {
    let res = stmt(
        db,
        &format!(
            "SELECT o.session_id, s.app_id, s.subscription_id, o.kind, o.status, o.attempts, o.last_error, o.updated_at \
             FROM operations o JOIN sessions s ON s.id = o.session_id \
             WHERE o.status IN ({}) ORDER BY o.updated_at DESC LIMIT ?1",
            OperationStatus::sql_list(OperationStatus::OPEN)
        ),
        &[int(i64::from(limit))],
    )?
    .all()
    .await?;
    Ok(res.results()?)
}

/// Puts a pending or failed operation back in line for an attempt now.
pub fn reopen(
    db: &D1Database,
    session_id: &str,
    now: i64,
) -> Result<D1PreparedStatement, AppError> {
    update_row(
        db,
        "operations",
        &[
            ("status", text(OperationStatus::Pending.as_str())),
            ("lease_until", int(0)),
            ("next_attempt_at", int(now)),
            ("updated_at", int(now)),
        ],
        &[],
        &format!(
            "session_id = ? AND status IN ({})",
            OperationStatus::sql_list(OperationStatus::OPEN)
        ),
        &[text(session_id)],
    )
}

/// Where an operation stands: its status and when it is next due.
pub async fn state(
    db: &D1Database,
    session_id: &str,
) -> Result<Option<(OperationStatus, i64)>, AppError> {
    #[derive(Deserialize)]
    struct Row {
        status: String,
        next_attempt_at: i64,
    }
    let row: Option<Row> = stmt(
        db,
        "SELECT status, next_attempt_at FROM operations WHERE session_id = ?1",
        &[text(session_id)],
    )?
    .first(None)
    .await?;
    Ok(row.and_then(|r| OperationStatus::from_name(&r.status).map(|s| (s, r.next_attempt_at))))
}

/// Pending operations no relay has enqueued yet, with when each is due,
/// marked as enqueued.
pub async fn take_new(
    db: &D1Database,
    now: i64,
    limit: u32,
) -> Result<Vec<(String, i64)>, AppError> {
    let pending = pending();
    super::take_new_due(db, "operations", "session_id", &pending, now, limit).await
}
