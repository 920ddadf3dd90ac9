//! Fixed-window request counters (`rate_limits`).

use serde::Deserialize;
use wasm_bindgen::JsValue;
use worker::{D1Database, D1PreparedStatement, D1Result};

use super::{int, opt_text, stmt, text};
use crate::error::AppError;

/// Counts one request for `key` in `minute`; its result row holds the
/// count so far, this one included.
pub fn hit(db: &D1Database, key: &str, minute: i64) -> Result<D1PreparedStatement, AppError> {
    stmt(
        db,
        &format!("INSERT INTO rate_limits (key, minute, count) VALUES (?1, ?2, 1) {UPSERT} RETURNING count"),
        &[text(key), int(minute)],
    )
}

/// The count a `hit` returned.
pub fn count_of(result: &D1Result) -> Result<i64, AppError> {
    #[derive(Deserialize)]
    struct Row {
        count: i64,
    }
    let rows: Vec<Row> = result.results()?;
    Ok(rows.first().map_or(0, |r| r.count))
}

/// Forgets windows that ended before `minute`.
pub fn prune(db: &D1Database, minute: i64) -> Result<D1PreparedStatement, AppError> {
    stmt(
        db,
        "DELETE FROM rate_limits WHERE minute < ?1",
        &[int(minute)],
    )
}

/// Who a precancel counts against in its minute, and the app's revision it
/// was decided on: the batch that writes the session counts and checks
/// them all (see `precancel::admission`).
pub struct Gate<'a> {
    pub app_id: &'a str,
    pub revision: i64,
    /// The browser's client; None for a call with the app's secret key.
    pub client: Option<&'a str>,
    /// The client's failed signatures and keys.
    pub failures: &'a str,
    pub app: &'a str,
    pub minute: i64,
    pub per_client: i64,
    pub per_app: i64,
}

const UPSERT: &str = "ON CONFLICT (key, minute) DO UPDATE SET count = count + 1";
/// The app is still at the revision the call was decided on (`?3`, `?4`).
const CURRENT: &str = "EXISTS (SELECT 1 FROM apps WHERE id = ?3 AND revision = ?4)";

/// The count of the key `key` in the minute `minute` (both parameter
/// marks), 0 when it has none.
fn count(key: &str, minute: &str) -> String {
    format!("COALESCE((SELECT count FROM rate_limits WHERE key = {key} AND minute = {minute}), 0)")
}

/// Counts the call against its client while the app is at `revision`.
pub fn hit_client(
    db: &D1Database,
    g: &Gate<'_>,
    client: &str,
) -> Result<D1PreparedStatement, AppError> {
    stmt(
        db,
        &format!("INSERT INTO rate_limits (key, minute, count) SELECT ?1, ?2, 1 WHERE {CURRENT} {UPSERT}"),
        &[text(client), int(g.minute), text(g.app_id), int(g.revision)],
    )
}

/// Counts the call against the app while the app is at `revision` and
/// neither the client's calls nor its failures are over their limit.
pub fn hit_app(db: &D1Database, g: &Gate<'_>) -> Result<D1PreparedStatement, AppError> {
    stmt(
        db,
        &format!(
            "INSERT INTO rate_limits (key, minute, count) SELECT ?1, ?2, 1 \
             WHERE {CURRENT} AND {} <= ?7 AND {} < ?7 {UPSERT}",
            count("?5", "?2"),
            count("?6", "?2")
        ),
        &[
            text(g.app),
            int(g.minute),
            text(g.app_id),
            int(g.revision),
            opt_text(g.client),
            text(g.failures),
            int(g.per_client),
        ],
    )
}

/// The guard of the write that follows `hit_app` in its batch: the app's
/// count was taken and is within the app's limit.
pub fn within_app(g: &Gate<'_>) -> (String, Vec<JsValue>) {
    (
        format!("changes() = 1 AND {} <= ?", count("?", "?")),
        vec![text(g.app), int(g.minute), int(g.per_app)],
    )
}

/// What the batch came to, read at its end.
#[derive(Debug, Deserialize)]
pub struct Verdict {
    /// None when the app is gone.
    pub revision: Option<i64>,
    pub client: i64,
    pub failures: i64,
    pub app: i64,
    pub written: i64,
}

pub fn verdict(
    db: &D1Database,
    g: &Gate<'_>,
    session_id: &str,
) -> Result<D1PreparedStatement, AppError> {
    stmt(
        db,
        &format!(
            "SELECT (SELECT revision FROM apps WHERE id = ?1) AS revision, {} AS client, {} AS failures, \
             {} AS app, EXISTS (SELECT 1 FROM sessions WHERE id = ?6) AS written",
            count("?2", "?5"),
            count("?3", "?5"),
            count("?4", "?5")
        ),
        &[
            text(g.app_id),
            opt_text(g.client),
            text(g.failures),
            text(g.app),
            int(g.minute),
            text(session_id),
        ],
    )
}

pub fn verdict_of(result: &D1Result) -> Result<Verdict, AppError> {
    result
        .results::<Verdict>()?
        .into_iter()
        .next()
        .ok_or_else(|| AppError::internal("the precancel verdict read no row"))
}
