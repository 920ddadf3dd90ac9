//! The confirmation e-mails' outbox (migration 0015): one row per cancelled
//! session, written by a trigger with the cancel's audit entry.

use holdfast_core::api::apps::EmailView;
use holdfast_core::work::{EmailRecipient, EmailStatus};
use serde::Deserialize;
use worker::{D1Database, D1PreparedStatement};

use super::{int, opt_int, opt_text, stmt, text, update_row};
use crate::error::AppError;

#[derive(Debug, Deserialize)]
pub struct Due {
    pub id: String,
    pub session_id: String,
    pub attempts: i64,
    pub recipient: EmailRecipient,
}

pub async fn due(db: &D1Database, now: i64, limit: u32) -> Result<Vec<Due>, AppError> {
    Ok(stmt(
        db,
        &format!(
            "SELECT id, session_id, attempts, recipient FROM emails WHERE status = {} AND next_attempt_at <= ?1 \
             AND lease_until <= ?1 ORDER BY next_attempt_at LIMIT ?2",
            EmailStatus::Pending.sql()
        ),
        &[int(now), int(i64::from(limit))],
    )?
    .all()
    .await?
    .results()?)
}

/// Takes the message for `lease_secs`; false when another run has it.
pub async fn claim(db: &D1Database, id: &str, now: i64, lease_secs: i64) -> Result<bool, AppError> {
    let r = update_row(
        db,
        "emails",
        &[("lease_until", int(now + lease_secs))],
        &[],
        &format!(
            "id = ? AND status = {} AND lease_until <= ?",
            EmailStatus::Pending.sql()
        ),
        &[text(id), int(now)],
    )?
    .run()
    .await?;
    Ok(super::won(&r))
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
        Ok(m) => (EmailStatus::Sent, Some(m), None),
        Err(e) if retry_at.is_some() => (EmailStatus::Pending, None, Some(e)),
        Err(e) => (EmailStatus::Failed, None, Some(e)),
    };
    update_row(
        db,
        "emails",
        &[
            ("status", text(status.as_str())),
            ("message_id", opt_text(message_id)),
            ("last_error", opt_text(error)),
            (
                "next_attempt_at = COALESCE(?, next_attempt_at)",
                opt_int(retry_at),
            ),
            ("lease_until", int(0)),
            ("updated_at", int(now)),
        ],
        &["attempts = attempts + 1"],
        "id = ?",
        &[text(id)],
    )?
    .run()
    .await?;
    Ok(())
}

/// Message `id` if it is due at `now` and free.
pub async fn due_one(db: &D1Database, id: &str, now: i64) -> Result<Option<Due>, AppError> {
    Ok(stmt(
        db,
        &format!(
            "SELECT id, session_id, attempts, recipient FROM emails WHERE id = ?2 AND status = {} AND next_attempt_at <= ?1 \
             AND lease_until <= ?1",
            EmailStatus::Pending.sql()
        ),
        &[int(now), text(id)],
    )?
    .first(None)
    .await?)
}

/// Pending messages no relay has enqueued yet, with when each is due,
/// marked as enqueued.
pub async fn take_new(
    db: &D1Database,
    now: i64,
    limit: u32,
) -> Result<Vec<(String, i64)>, AppError> {
    let pending = EmailStatus::Pending.sql();
    super::take_new_due(db, "emails", "id", &pending, now, limit).await
}

/// Messages due at `now`: the cron's sweep.
pub async fn due_ids(db: &D1Database, now: i64, limit: u32) -> Result<Vec<String>, AppError> {
    Ok(due(db, now, limit)
        .await?
        .into_iter()
        .map(|d| d.id)
        .collect())
}

/// A message whose job reached the dead-letter queue: failed for good.
pub async fn dead_lettered(db: &D1Database, id: &str, now: i64) -> Result<(), AppError> {
    update_row(
        db,
        "emails",
        &[
            ("status", text(EmailStatus::Failed.as_str())),
            (
                "last_error = COALESCE(last_error, ?)",
                text("its job reached the dead-letter queue"),
            ),
            ("lease_until", int(0)),
            ("updated_at", int(now)),
        ],
        &[],
        "id = ? AND status <> ?",
        &[text(id), text(EmailStatus::Sent.as_str())],
    )?
    .run()
    .await?;
    Ok(())
}

const VIEW: &str =
    "SELECT id, session_id, app_id, status, attempts, last_error, bound, updated_at FROM emails";

/// Messages that failed for good or that a bound held back (the
/// Operations page), newest first.
pub async fn failed(db: &D1Database, limit: u32) -> Result<Vec<EmailView>, AppError> {
    Ok(stmt(
        db,
        &format!(
            "{VIEW} WHERE status IN ({}, {}) ORDER BY updated_at DESC LIMIT ?1",
            EmailStatus::Failed.sql(),
            EmailStatus::Limited.sql()
        ),
        &[int(i64::from(limit))],
    )?
    .all()
    .await?
    .results()?)
}

pub async fn view(db: &D1Database, id: &str) -> Result<Option<EmailView>, AppError> {
    Ok(stmt(db, &format!("{VIEW} WHERE id = ?1"), &[text(id)])?
        .first(None)
        .await?)
}

/// A failed message made due at `now` for one more attempt (an admin's
/// "send again"); it keeps its count, so a failure is final again.
pub fn reopen(db: &D1Database, id: &str, now: i64) -> Result<D1PreparedStatement, AppError> {
    update_row(
        db,
        "emails",
        &[
            ("status", text(EmailStatus::Pending.as_str())),
            ("next_attempt_at", int(now)),
            ("lease_until", int(0)),
            ("updated_at", int(now)),
        ],
        &[],
        "id = ? AND status = ?",
        &[text(id), text(EmailStatus::Failed.as_str())],
    )
}
