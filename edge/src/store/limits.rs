//! Fixed-window request counters (`rate_limits`).

use worker::{D1Database, D1PreparedStatement, D1Result};

use super::{int, stmt, text};
use crate::error::AppError;

/// Counts one request for `key` in `minute`; its result row holds the
/// count so far, this one included.
pub fn hit(db: &D1Database, key: &str, minute: i64) -> Result<D1PreparedStatement, AppError> {
    stmt(
        db,
        "INSERT INTO rate_limits (key, minute, count) VALUES (?1, ?2, 1) \
         ON CONFLICT (key, minute) DO UPDATE SET count = count + 1 RETURNING count",
        &[text(key), int(minute)],
    )
}

/// The count so far for `key` in `minute`, without counting; its result
/// reads with `count_of` like a `hit`'s.
pub fn read(db: &D1Database, key: &str, minute: i64) -> Result<D1PreparedStatement, AppError> {
    stmt(
        db,
        "SELECT COALESCE((SELECT count FROM rate_limits WHERE key = ?1 AND minute = ?2), 0) AS count",
        &[text(key), int(minute)],
    )
}

/// The count a `hit` (or `read`) returned.
pub fn count_of(result: &D1Result) -> Result<i64, AppError> {
    #[derive(serde::Deserialize)]
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
