//! Incoming Stripe events and what they change in attribution.

use holdfast_core::attribution::{LostReason, Verdict};
use holdfast_core::audit::EventKind;
use serde_json::Value;
use worker::{D1Database, D1PreparedStatement};

use super::{int, opt_text, stmt, text};
use crate::error::AppError;

/// The first delivery of an event, as recorded with its nonce.
pub struct Delivery<'a> {
    pub event_id: &'a str,
    pub nonce: &'a str,
}

/// Records the event; 0 changes means it was handled before.
pub fn record(
    db: &D1Database,
    d: &Delivery<'_>,
    kind: &str,
    now: i64,
) -> Result<D1PreparedStatement, AppError> {
    stmt(
        db,
        "INSERT OR IGNORE INTO stripe_events (id, type, received_at, nonce) VALUES (?1, ?2, ?3, ?4)",
        &[text(d.event_id), text(kind), int(now), text(d.nonce)],
    )
}

/// What an event does to the saves of its subscription.
pub struct Change {
    from: &'static [Verdict],
    verdict: Verdict,
    reason: Option<LostReason>,
}

impl Change {
    /// Still paying: a save Stripe could not confirm before is confirmed.
    pub fn confirm() -> Self {
        Self {
            from: &[Verdict::Unknown],
            verdict: Verdict::Confirmed,
            reason: None,
        }
    }

    /// No longer paying: any save still watched is lost, with the reason.
    pub fn lose(reason: LostReason) -> Self {
        Self {
            from: Verdict::WATCHED,
            verdict: Verdict::Lost,
            reason: Some(reason),
        }
    }
}

/// Applies `change` to the saves of a subscription, with an audit event on
/// each session.
/// Only the delivery whose nonce was recorded applies them, so a replay in
/// the same batch changes nothing.
pub fn mark_saves(
    db: &D1Database,
    d: &Delivery<'_>,
    subscription_id: &str,
    change: &Change,
    detail: &Value,
    now: i64,
) -> Result<[D1PreparedStatement; 2], AppError> {
    let first = "EXISTS (SELECT 1 FROM stripe_events WHERE id = ?5 AND nonce = ?6)";
    let states = Verdict::sql_list(change.from);
    let mut detail = detail.clone();
    if let (Some(reason), Some(d)) = (change.reason, detail.as_object_mut()) {
        d.insert("reason".into(), Value::from(reason.as_str()));
    }
    let kind = if change.verdict == Verdict::Confirmed {
        EventKind::SaveConfirmed
    } else {
        EventKind::SaveLost
    };
    Ok([
        stmt(
            db,
            &format!(
                "INSERT INTO session_events (session_id, kind, detail, created_at) \
                 SELECT id, ?2, ?3, ?4 FROM sessions WHERE subscription_id = ?1 AND attribution IN ({states}) AND {first}"
            ),
            &[text(subscription_id), text(kind.as_str()), text(&detail.to_string()), int(now), text(d.event_id), text(d.nonce)],
        )?,
        stmt(
            db,
            &format!(
                "UPDATE sessions SET attribution = ?2, attribution_reason = ?6, updated_at = ?3 WHERE subscription_id = ?1 \
                 AND attribution IN ({states}) AND EXISTS (SELECT 1 FROM stripe_events WHERE id = ?4 AND nonce = ?5)"
            ),
            &[text(subscription_id), text(change.verdict.as_str()), int(now), text(d.event_id), text(d.nonce), opt_text(change.reason.map(LostReason::as_str))],
        )?,
    ])
}
