//! The dashboard: an app's report over a period, its session list and CSV
//! export (same filters), a session's audit trail, and the Revenue card.

use futures_util::{stream, StreamExt};
use holdfast_core::dashboard::{
    csv_row, parse_query, Cursor, Filter, ListedSession, Query, SessionDetail, SessionList,
    CSV_HEADER,
};
use holdfast_core::record::SessionRecord;
use holdfast_core::report;
use holdfast_core::settings::AppSettings;
use worker::{D1Database, Headers, Request, Response};

use super::Signed;
use crate::error::AppError;
use crate::http;
use crate::routes::{param, Ctx};
use crate::store::declarations;
use crate::store::{apps, reports};

/// The app's settings and its parsed query, or a clear error for either.
async fn app_query(
    req: &Request,
    ctx: &Ctx,
    signed: Signed,
) -> Result<(D1Database, String, AppSettings, Query), AppError> {
    let Signed { db, now, .. } = signed;
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

/// The report of the query's period and filter: from the rollups, or,
/// for a text search (one customer's few sessions), from those sessions.
pub async fn dashboard(req: Request, ctx: Ctx, signed: Signed) -> Result<Response, AppError> {
    let (db, id, settings, q) = app_query(&req, &ctx, signed).await?;
    let mut report = if q.filter.q.is_some() {
        let filter = Filter {
            repeats: true,
            ..q.filter.clone()
        };
        let mut rows = reports::page(&db, &id, q.period, &filter, None, SEARCH_MAX).await?;
        rows.reverse();
        let (records, flags): (Vec<SessionRecord>, Vec<bool>) = rows.into_iter().unzip();
        report::report_counted(&records, &flags, &settings, q.period)
    } else {
        reports::rollup_report(&db, &id, q.period, &q.filter, &settings).await?
    };
    report.open_requests = declarations::open_count(&db, &id).await?;
    report.public = declarations::figures(&db, &id, report.from, report.to).await?;
    Ok(http::json(&report, 200))
}

/// Sessions one text search reports on at most (one customer's).
const SEARCH_MAX: usize = 1_000;

fn listed((record, counted): (SessionRecord, bool)) -> ListedSession {
    ListedSession {
        outcome: record.outcome(),
        record,
        counted,
    }
}

/// One page of the matching sessions, newest first, and where the next
/// one starts.
pub async fn sessions(req: Request, ctx: Ctx, signed: Signed) -> Result<Response, AppError> {
    let (db, id, _, q) = app_query(&req, &ctx, signed).await?;
    let rows = reports::page(&db, &id, q.period, &q.filter, q.after.as_ref(), q.limit).await?;
    let next = (rows.len() == q.limit)
        .then(|| rows.last().map(|(r, _)| Cursor::of(r).to_string()))
        .flatten();
    let total = match q.filter.q {
        Some(_) => {
            let all = reports::page(&db, &id, q.period, &q.filter, None, SEARCH_MAX).await?;
            all.len()
        }
        None => reports::matching_count(&db, &id, q.period, &q.filter).await?,
    };
    let sessions = rows.into_iter().map(listed).collect();
    Ok(http::json(
        &SessionList {
            sessions,
            total,
            next,
        },
        200,
    ))
}

/// Rows read per D1 query of an export: a million sessions take 200
/// queries, within a paid Worker's 1,000 per invocation.
const EXPORT_PAGE: usize = 5_000;

/// Every matching session as CSV, streamed page by page: the Worker holds
/// one page at a time, however many there are.
pub async fn export(req: Request, ctx: Ctx, signed: Signed) -> Result<Response, AppError> {
    let (db, id, _, q) = app_query(&req, &ctx, signed).await?;
    let mut header = csv::Writer::from_writer(Vec::new());
    header.write_record(CSV_HEADER)?;
    let first = header
        .into_inner()
        .map_err(|e| AppError::from(e.into_error()))?;
    let state = Some((db, None::<Cursor>));
    let pages = stream::unfold(state, move |state| {
        let (id, q) = (id.clone(), q.clone());
        async move {
            let (db, after) = state?;
            let rows =
                match reports::page(&db, &id, q.period, &q.filter, after.as_ref(), EXPORT_PAGE)
                    .await
                {
                    Ok(rows) => rows,
                    Err(e) => {
                        // The headers are gone: the download fails rather than
                        // ending early and looking whole.
                        worker::console_error!("export stopped: {e:?}");
                        return Some((
                            Err(worker::Error::RustError("export stopped".into())),
                            None,
                        ));
                    }
                };
            let next = (rows.len() == EXPORT_PAGE)
                .then(|| rows.last().map(|(r, _)| Cursor::of(r)))
                .flatten();
            let mut out = csv::Writer::from_writer(Vec::new());
            for row in rows.into_iter().map(listed) {
                if let Err(e) = out.write_record(csv_row(&row)) {
                    return Some((Err(worker::Error::RustError(format!("csv: {e}"))), None));
                }
            }
            let bytes = out.into_inner().unwrap_or_default();
            Some((Ok(bytes), next.map(|c| (db, Some(c)))))
        }
    });
    let body = stream::once(async move { Ok::<Vec<u8>, worker::Error>(first) }).chain(pages);
    let headers = Headers::new();
    headers.set("content-type", "text/csv; charset=utf-8")?;
    headers.set(
        "content-disposition",
        &format!(
            "attachment; filename=\"holdfast-sessions-{}.csv\"",
            param(&ctx, "id")?
        ),
    )?;
    headers.set("cache-control", "no-store")?;
    Ok(Response::from_stream(body)?.with_headers(headers))
}

pub async fn session(_: Request, ctx: Ctx, signed: Signed) -> Result<Response, AppError> {
    let Signed { db, .. } = signed;
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

pub async fn revenue_card(_: Request, ctx: Ctx, signed: Signed) -> Result<Response, AppError> {
    let Signed { db, .. } = signed;
    let id = param(&ctx, "id")?;
    let settings = apps::settings(&db, id)
        .await?
        .ok_or_else(|| AppError::NotFound(format!("No such app: {id}")))?;
    let card = reports::revenue_card(&db, id, settings.attribution).await?;
    Ok(http::json(&card, 200))
}
