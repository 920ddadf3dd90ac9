//! What the dashboard reads: an app's sessions over a period, a session's
//! audit trail, and when Holdfast last synced with Stripe.

use holdfast_core::attribution::Verdict;
use holdfast_core::audit::EventKind;
use holdfast_core::dashboard::{RevenueCard, TrailEvent};
use holdfast_core::record::{SessionRecord, REPEAT_WINDOW_SECS};
use holdfast_core::session::Lookup;
use serde::Deserialize;
use worker::{D1Database, D1PreparedStatement};

use super::{int, stmt, text};
use crate::error::AppError;

/// Sessions read for one report at most. A merchant beyond it sees the
/// report of the latest ones and a notice (`truncated`).
pub const MAX_RECORDS: i64 = 20_000;

const RECORD: &str = "s.id, s.created_at, s.subscription_id, s.customer_id, s.status, s.reason_id, s.shown_offer_id, \
     s.offer_id, s.audience_id, s.experience_id, s.variant_id, s.attribution, s.attribution_reason, s.mrr, \
     s.mrr_currency AS currency, s.offer_cost, s.country, s.mode";

/// The app's sessions from `from` to `to`, widened by the repeat window on
/// both sides so repeats across the period's edges count right, oldest
/// first (in creation order within a second). The second value says
/// whether the cap cut the list, which keeps the latest.
pub async fn records(
    db: &D1Database,
    app_id: &str,
    from: i64,
    to: i64,
) -> Result<(Vec<SessionRecord>, bool), AppError> {
    let res = stmt(
        db,
        &format!(
            "SELECT {RECORD} FROM sessions s WHERE s.app_id = ?1 AND s.created_at >= ?2 AND s.created_at < ?3 \
             ORDER BY s.created_at DESC, s.rowid DESC LIMIT ?4"
        ),
        &[
            text(app_id),
            int(from - REPEAT_WINDOW_SECS),
            int(to + REPEAT_WINDOW_SECS),
            int(MAX_RECORDS + 1),
        ],
    )?
    .all()
    .await?;
    let mut rows: Vec<SessionRecord> = res.results()?;
    let truncated = rows.len() as i64 > MAX_RECORDS;
    rows.truncate(MAX_RECORDS as usize);
    rows.reverse();
    Ok((rows, truncated))
}

#[derive(Deserialize)]
pub struct DetailRow {
    pub app_id: String,
    pub comment: Option<String>,
    pub stripe_lookup: Lookup,
    pub fields: String,
}

/// One session with the columns the list lacks.
pub async fn session(
    db: &D1Database,
    id: &str,
) -> Result<Option<(SessionRecord, DetailRow)>, AppError> {
    let query = stmt(
        db,
        &format!("SELECT {RECORD}, s.app_id, s.comment, s.stripe_lookup, s.fields FROM sessions s WHERE s.id = ?1"),
        &[text(id)],
    )?;
    let record: Option<SessionRecord> = query.first(None).await?;
    let detail: Option<DetailRow> = stmt(
        db,
        "SELECT app_id, comment, stripe_lookup, fields FROM sessions WHERE id = ?1",
        &[text(id)],
    )?
    .first(None)
    .await?;
    Ok(record.zip(detail))
}

#[derive(Deserialize)]
struct EventRow {
    kind: String,
    detail: String,
    created_at: i64,
}

/// The session's audit trail, oldest first.
pub async fn trail(db: &D1Database, session_id: &str) -> Result<Vec<TrailEvent>, AppError> {
    let rows: Vec<EventRow> = stmt(
        db,
        "SELECT kind, detail, created_at FROM session_events WHERE session_id = ?1 ORDER BY id LIMIT 500",
        &[text(session_id)],
    )?
    .all()
    .await?
    .results()?;
    Ok(rows
        .into_iter()
        .map(|e| TrailEvent {
            detail: serde_json::from_str(&e.detail).unwrap_or(serde_json::Value::String(e.detail)),
            kind: EventKind::parse(&e.kind),
            at: e.created_at,
        })
        .collect())
}

#[derive(Deserialize)]
struct CardRow {
    sessions: i64,
    matched: i64,
    watching: i64,
    last_lookup: Option<i64>,
    last_webhook: Option<i64>,
    last_watch: Option<i64>,
}

/// The Revenue card's figures for one app.
pub async fn revenue_card(
    db: &D1Database,
    app_id: &str,
    attribution: bool,
) -> Result<RevenueCard, AppError> {
    let row: Option<CardRow> = stmt(
        db,
        &format!(
            "SELECT COUNT(*) AS sessions, \
             COALESCE(SUM(customer_id IS NOT NULL AND stripe_lookup = {found}), 0) AS matched, \
             COALESCE(SUM(attribution IN ({watched})), 0) AS watching, \
             MAX(CASE WHEN stripe_lookup = {found} THEN created_at END) AS last_lookup, \
             (SELECT MAX(received_at) FROM stripe_events) AS last_webhook, \
             (SELECT at FROM sync_state WHERE name = 'watch') AS last_watch \
             FROM sessions WHERE app_id = ?1",
            found = Lookup::Found.sql(),
            watched = Verdict::sql_list(Verdict::WATCHED),
        ),
        &[text(app_id)],
    )?
    .first(None)
    .await?;
    let r = row.ok_or_else(|| AppError::internal("an aggregate always has a row"))?;
    Ok(RevenueCard {
        attribution,
        last_sync: [r.last_lookup, r.last_webhook, r.last_watch]
            .into_iter()
            .flatten()
            .max(),
        last_webhook: r.last_webhook,
        last_watch: r.last_watch,
        sessions: r.sessions,
        matched: r.matched,
        watching: r.watching,
    })
}

/// Records that a sync pass with Stripe finished.
pub fn touch_sync(db: &D1Database, name: &str, now: i64) -> Result<D1PreparedStatement, AppError> {
    stmt(
        db,
        "INSERT INTO sync_state (name, at) VALUES (?1, ?2) ON CONFLICT(name) DO UPDATE SET at = excluded.at",
        &[text(name), int(now)],
    )
}
