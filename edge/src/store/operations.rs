//! The Stripe write a session owes, claimed with a lease so only one worker
//! calls Stripe at a time and a crashed call is picked up again.

use serde::Deserialize;
use worker::{D1Database, D1PreparedStatement};

use super::{changes, int, opt_text, stmt, text};
use crate::error::AppError;

/// A worker holding the lease has this long to finish its Stripe call.
pub const LEASE_SECS: i64 = 30;

#[derive(Debug, Deserialize)]
pub struct Operation {
    pub id: String,
    pub session_id: String,
    pub kind: String,
    pub params: String,
    pub attempts: i64,
}

/// Records the operation, leased to the caller, only when the statement just
/// before it in the batch changed a row (the session's state transition), so
/// the winner of a race is the only one that owes Stripe a call. The
/// UNIQUE(session_id) constraint backs this up.
pub fn insert_leased_after_transition(
    db: &D1Database,
    id: &str,
    session_id: &str,
    kind: &str,
    params: &str,
    now: i64,
) -> Result<D1PreparedStatement, AppError> {
    stmt(
        db,
        "INSERT OR IGNORE INTO operations (id, session_id, kind, params, status, attempts, lease_until, next_attempt_at, created_at, updated_at) \
         SELECT ?1, ?2, ?3, ?4, 'pending', 1, ?5, ?6, ?6, ?6 WHERE changes() = 1",
        &[text(id), text(session_id), text(kind), text(params), int(now + LEASE_SECS), int(now)],
    )
}

/// Takes the lease of a pending operation whose lease has run out.
pub async fn claim(db: &D1Database, session_id: &str, now: i64) -> Result<bool, AppError> {
    let res = stmt(
        db,
        "UPDATE operations SET lease_until = ?2, attempts = attempts + 1, updated_at = ?3 \
         WHERE session_id = ?1 AND status = 'pending' AND lease_until < ?3",
        &[text(session_id), int(now + LEASE_SECS), int(now)],
    )?
    .run()
    .await?;
    Ok(changes(&res) == 1)
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
        "SELECT id, session_id, kind, params, attempts FROM operations \
         WHERE status = 'pending' AND next_attempt_at <= ?1 AND lease_until < ?1 ORDER BY next_attempt_at LIMIT ?2",
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
    stmt(
        db,
        "UPDATE operations SET status = 'done', lease_until = 0, last_error = NULL, updated_at = ?2 WHERE session_id = ?1",
        &[text(session_id), int(now)],
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
    stmt(
        db,
        "UPDATE operations SET lease_until = 0, next_attempt_at = ?2, last_error = ?3, updated_at = ?4 WHERE session_id = ?1",
        &[text(session_id), int(next_at), opt_text(Some(error)), int(now)],
    )
}

/// Stops retrying: Stripe refused the write for good; an admin must look.
pub fn fail(
    db: &D1Database,
    session_id: &str,
    error: &str,
    now: i64,
) -> Result<D1PreparedStatement, AppError> {
    stmt(
        db,
        "UPDATE operations SET status = 'failed', lease_until = 0, last_error = ?2, updated_at = ?3 WHERE session_id = ?1",
        &[text(session_id), text(error), int(now)],
    )
}

/// Pending and failed operations, newest first, for the admin.
pub async fn needing_attention(
    db: &D1Database,
    limit: u32,
) -> Result<Vec<holdfast_core::api::apps::OperationView>, AppError> {
    let res = stmt(
        db,
        "SELECT o.session_id, s.app_id, s.subscription_id, o.kind, o.status, o.attempts, o.last_error, o.updated_at \
         FROM operations o JOIN sessions s ON s.id = o.session_id \
         WHERE o.status IN ('pending', 'failed') ORDER BY o.updated_at DESC LIMIT ?1",
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
    stmt(
        db,
        "UPDATE operations SET status = 'pending', lease_until = 0, next_attempt_at = ?2, updated_at = ?2 \
         WHERE session_id = ?1 AND status IN ('pending', 'failed')",
        &[text(session_id), int(now)],
    )
}
