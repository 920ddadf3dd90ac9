//! The dashboard: an app's report over a period, its session list and CSV
//! export (same filters), a session's audit trail, and the Revenue card.

use holdfast_core::dashboard::{
    csv_row, parse_query, ListedSession, Query, SessionDetail, SessionList, CSV_HEADER,
};
use holdfast_core::record::{self, SessionRecord};
use holdfast_core::report;
use holdfast_core::settings::AppSettings;
use worker::{D1Database, Headers, Request, Response};

use super::signed_in;
use crate::error::AppError;
use crate::http;
use crate::routes::{param, Ctx};
use crate::store::{apps, reports};
use holdfast_core::team::Need;

/// The app's settings and its parsed query, or a clear error for either.
async fn app_query(
    req: &Request,
    ctx: &Ctx,
) -> Result<(D1Database, String, AppSettings, Query), AppError> {
    let (db, _, now) = signed_in(req, ctx, Need::LOOK).await?;
    let id = param(ctx, "id")?.to_owned();
    let settings = apps::settings(&db, &id)
        .await?
        .ok_or_else(|| AppError::NotFound(format!("No such app: {id}")))?;
    let url = http::raw_url(req);
    let pairs: Vec<(String, String)> = url
        .split_once('?')
        .map(|(_, q)| form_urlencoded::parse(q.as_bytes()).into_owned().collect())
        .unwrap_or_default();
    let query = parse_query(&pairs, now).map_err(AppError::Invalid)?;
    Ok((db, id, settings, query))
}

/// The sessions of the period that match the filter, newest first.
async fn matching(
    db: &D1Database,
    app_id: &str,
    q: &Query,
) -> Result<(Vec<ListedSession>, bool), AppError> {
    let (records, truncated) = reports::records(db, app_id, q.period.from, q.period.to).await?;
    let flags = record::counted(&records);
    let in_period = |r: &SessionRecord| r.created_at >= q.period.from && r.created_at < q.period.to;
    let listed = records
        .into_iter()
        .zip(flags)
        .rev()
        .filter(|(r, c)| in_period(r) && q.filter.matches(r, *c))
        .map(|(record, counted)| ListedSession {
            outcome: record.outcome(),
            record,
            counted,
        })
        .collect();
    Ok((listed, truncated))
}

pub async fn dashboard(req: Request, ctx: Ctx) -> Result<Response, AppError> {
    let (db, id, settings, q) = app_query(&req, &ctx).await?;
    let (records, truncated) = reports::records(&db, &id, q.period.from, q.period.to).await?;
    let flags = record::counted(&records);
    // The filters narrow the report too; repeats still never count.
    let kept: Vec<SessionRecord> = records
        .into_iter()
        .zip(flags)
        .filter(|(r, c)| !*c || q.filter.matches(r, true))
        .map(|(r, _)| r)
        .collect();
    let mut report = report::report(&kept, &settings, q.period);
    report.truncated = truncated;
    Ok(http::json(&report, 200))
}

pub async fn sessions(req: Request, ctx: Ctx) -> Result<Response, AppError> {
    let (db, id, _, q) = app_query(&req, &ctx).await?;
    let (listed, _) = matching(&db, &id, &q).await?;
    let total = listed.len();
    let sessions = listed.into_iter().skip(q.offset).take(q.limit).collect();
    Ok(http::json(&SessionList { sessions, total }, 200))
}

pub async fn export(req: Request, ctx: Ctx) -> Result<Response, AppError> {
    let (db, id, _, q) = app_query(&req, &ctx).await?;
    let (listed, _) = matching(&db, &id, &q).await?;
    let mut out = csv::Writer::from_writer(Vec::new());
    let write = |w: &mut csv::Writer<Vec<u8>>, row: &[String]| {
        w.write_record(row)
            .map_err(|e| AppError::internal(format!("csv: {e}")))
    };
    let header: Vec<String> = CSV_HEADER.iter().map(|h| (*h).to_owned()).collect();
    write(&mut out, &header)?;
    for s in &listed {
        write(&mut out, &csv_row(s))?;
    }
    let bytes = out
        .into_inner()
        .map_err(|e| AppError::internal(format!("csv: {e}")))?;
    let headers = Headers::new();
    headers.set("content-type", "text/csv; charset=utf-8")?;
    headers.set(
        "content-disposition",
        &format!("attachment; filename=\"holdfast-sessions-{id}.csv\""),
    )?;
    headers.set("cache-control", "no-store")?;
    Ok(Response::from_bytes(bytes)?.with_headers(headers))
}

pub async fn session(req: Request, ctx: Ctx) -> Result<Response, AppError> {
    let (db, _, _) = signed_in(&req, &ctx, Need::LOOK).await?;
    let id = param(&ctx, "id")?;
    let (record, row) = reports::session(&db, id)
        .await?
        .ok_or_else(|| AppError::NotFound(format!("No such session: {id}")))?;
    let events = reports::trail(&db, id).await?;
    Ok(http::json(
        &SessionDetail {
            app_id: row.app_id,
            outcome: record.outcome(),
            record,
            comment: row.comment,
            stripe_lookup: row.stripe_lookup,
            fields: serde_json::from_str(&row.fields).unwrap_or_default(),
            events,
        },
        200,
    ))
}

pub async fn revenue_card(req: Request, ctx: Ctx) -> Result<Response, AppError> {
    let (db, _, _) = signed_in(&req, &ctx, Need::LOOK).await?;
    let id = param(&ctx, "id")?;
    let settings = apps::settings(&db, id)
        .await?
        .ok_or_else(|| AppError::NotFound(format!("No such app: {id}")))?;
    let card = reports::revenue_card(&db, id, settings.attribution).await?;
    Ok(http::json(&card, 200))
}
