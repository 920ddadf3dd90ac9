//! What the dashboard reads: an app's report from its rollups, pages of
//! its sessions, a session's audit trail, and when Holdfast last synced
//! with Stripe.

use holdfast_core::attribution::Verdict;
use holdfast_core::audit::EventKind;
use holdfast_core::dashboard::{Cursor, Filter};
use holdfast_core::dashboard::{RevenueCard, TrailEvent};
use holdfast_core::record::SessionRecord;
use holdfast_core::report::{Period, Report};
use holdfast_core::rollup::{self, RollupRow};
use holdfast_core::session::Lookup;
use holdfast_core::settings::AppSettings;
use serde::Deserialize;
use wasm_bindgen::JsValue;
use worker::{D1Database, D1PreparedStatement};

use super::report_sql::{list_query, marginal_query, rollup_query, unfiltered, Bind, Sum, RECORD};
use super::{int, stmt, text, Batched};
use crate::error::AppError;

const DAY: i64 = 86_400;

fn bound(binds: Vec<Bind>) -> Vec<JsValue> {
    binds
        .into_iter()
        .map(|b| match b {
            Bind::Text(s) => text(&s),
            Bind::Int(n) => int(n),
        })
        .collect()
}

/// The sums of an app's period (widened to whole UTC days, the rollups'
/// grain) matching `filter` (without a text search): from the marginals
/// when nothing is filtered, else from the full rollups.
fn sums(
    db: &D1Database,
    sum: Sum,
    app_id: &str,
    p: Period,
    filter: &Filter,
) -> Result<D1PreparedStatement, AppError> {
    let (from, to) = (p.from.div_euclid(DAY), p.to.div_euclid(DAY));
    let (sql, binds) = if unfiltered(filter) {
        marginal_query(sum, app_id, from, to)
    } else {
        rollup_query(sum, app_id, from, to, filter)
    };
    stmt(db, &sql, &bound(binds))
}

/// The report of an app's period from its rollups: two queries in one
/// round trip, whatever the number of sessions.
pub async fn rollup_report(
    db: &D1Database,
    app_id: &str,
    p: Period,
    filter: &Filter,
    settings: &AppSettings,
) -> Result<Report, AppError> {
    let groups = sums(db, Sum::Groups, app_id, p, filter)?;
    let series = sums(db, Sum::Series, app_id, p, filter)?;
    let mut results = db.batched(vec![groups, series]).await?.into_iter();
    let mut rows = || -> Result<Vec<RollupRow>, AppError> {
        Ok(results
            .next()
            .ok_or_else(|| AppError::internal("a batch answers each statement"))?
            .results()?)
    };
    let (groups, series) = (rows()?, rows()?);
    Ok(rollup::report(&groups, &series, settings, p))
}

/// How many sessions of the period match `filter` (without a text
/// search), summed by the database from the rollups: one row.
pub async fn matching_count(
    db: &D1Database,
    app_id: &str,
    p: Period,
    filter: &Filter,
) -> Result<usize, AppError> {
    #[derive(Deserialize)]
    struct Count {
        sessions: Option<i64>,
        repeats: Option<i64>,
    }
    let row: Option<Count> = sums(db, Sum::Total, app_id, p, filter)?.first(None).await?;
    let n = row.map_or(0, |c| {
        c.sessions.unwrap_or(0)
            + if filter.repeats {
                c.repeats.unwrap_or(0)
            } else {
                0
            }
    });
    Ok(usize::try_from(n).unwrap_or(0))
}

#[derive(Deserialize)]
struct Listed {
    #[serde(flatten)]
    record: SessionRecord,
    counted: i64,
}

/// One page of the session list (see [`list_query`]).
pub async fn page(
    db: &D1Database,
    app_id: &str,
    p: Period,
    filter: &Filter,
    after: Option<&Cursor>,
    limit: usize,
) -> Result<Vec<(SessionRecord, bool)>, AppError> {
    let (sql, binds) = list_query(app_id, p.from, p.to, filter, after, limit);
    let rows: Vec<Listed> = stmt(db, &sql, &bound(binds))?.all().await?.results()?;
    Ok(rows
        .into_iter()
        .map(|l| (l.record, l.counted == 1))
        .collect())
}

#[derive(Deserialize)]
pub struct DetailRow {
    pub app_id: String,
    pub comment: Option<String>,
    pub stripe_lookup: Lookup,
    pub fields: String,
    pub facts: Option<String>,
    pub receipt: Option<String>,
    pub locale: Option<String>,
    pub region: Option<String>,
    pub time_zone: Option<String>,
}

/// One session with the columns the list lacks.
pub async fn session(
    db: &D1Database,
    id: &str,
) -> Result<Option<(SessionRecord, DetailRow)>, AppError> {
    let query = stmt(
        db,
        &format!("SELECT {RECORD} FROM sessions s WHERE s.id = ?1"),
        &[text(id)],
    )?;
    let record: Option<SessionRecord> = query.first(None).await?;
    let detail: Option<DetailRow> = stmt(
        db,
        "SELECT app_id, comment, stripe_lookup, fields, facts, receipt, locale, region, time_zone FROM sessions WHERE id = ?1",
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
