//! Sign-in and two-factor throttling (`attempt_counts`): one row per key,
//! counted before the secret is checked, so concurrent guesses are
//! serialised by D1 and at most the allowed number are ever checked.

use serde::Deserialize;
use worker::{D1Database, D1PreparedStatement, D1Result};

use super::{int, stmt, text};
use crate::error::AppError;

/// A key and the most attempts it may count in a window.
pub struct Limit<'a> {
    pub key: &'a str,
    pub max: i64,
}

/// Counts one attempt under every key, unless any key is at its limit:
/// then nothing at all is written (a refused caller cannot fill D1). Run
/// the statements in one batch; `counted` reads whether it went through.
/// The row of a key that reaches its limit restarts its window, so the
/// lock lasts `window` seconds from that attempt.
pub fn count(
    db: &D1Database,
    limits: &[Limit<'_>],
    window: i64,
    now: i64,
) -> Result<Vec<D1PreparedStatement>, AppError> {
    // ?1 now, ?2 the window's oldest start still counting, then key and
    // limit pairs.
    let mut args = vec![int(now), int(now - window)];
    let mut open = Vec::new();
    for l in limits {
        args.push(text(l.key));
        args.push(int(l.max));
        let (k, m) = (args.len() - 1, args.len());
        open.push(format!(
            "NOT EXISTS (SELECT 1 FROM attempt_counts WHERE key = ?{k} AND since > ?2 AND n >= ?{m})"
        ));
    }
    let open = open.join(" AND ");
    (0..limits.len())
        .map(|i| {
            let (k, m) = (3 + 2 * i, 4 + 2 * i);
            // The first statement judges every key; each later one goes
            // in only if the one before it did.
            let guard = if i == 0 {
                open.as_str()
            } else {
                "changes() = 1"
            };
            let bound = if i == 0 { &args[..] } else { &args[..=m - 1] };
            stmt(
                db,
                &format!(
                    "INSERT INTO attempt_counts (key, n, since) SELECT ?{k}, 1, ?1 WHERE {guard} \
                     ON CONFLICT (key) DO UPDATE SET \
                     n = CASE WHEN since <= ?2 THEN 1 ELSE n + 1 END, \
                     since = CASE WHEN since <= ?2 OR n + 1 >= ?{m} THEN ?1 ELSE since END \
                     RETURNING n"
                ),
                bound,
            )
        })
        .collect()
}

/// Whether the batch of `count` let the attempt through.
pub fn counted(results: &[D1Result]) -> bool {
    results.first().is_some_and(super::won)
}

/// The count a `count` statement left under its key (0 when refused).
pub fn count_of(result: &D1Result) -> Result<i64, AppError> {
    #[derive(Deserialize)]
    struct Row {
        n: i64,
    }
    let rows: Vec<Row> = result.results()?;
    Ok(rows.first().map_or(0, |r| r.n))
}

/// Seconds until the keys at their limit let an attempt through again
/// (at least 1).
pub async fn retry_after(
    db: &D1Database,
    limits: &[Limit<'_>],
    window: i64,
    now: i64,
) -> Result<i64, AppError> {
    #[derive(Deserialize)]
    struct Row {
        until: Option<i64>,
    }
    let mut args = vec![int(window)];
    let mut locked = Vec::new();
    for l in limits {
        args.push(text(l.key));
        args.push(int(l.max));
        locked.push(format!(
            "(key = ?{} AND n >= ?{})",
            args.len() - 1,
            args.len()
        ));
    }
    let row: Option<Row> = stmt(
        db,
        &format!(
            "SELECT MAX(since + ?1) AS until FROM attempt_counts WHERE {}",
            locked.join(" OR ")
        ),
        &args,
    )?
    .first(None)
    .await?;
    Ok(row
        .and_then(|r| r.until)
        .map_or(window, |until| until - now)
        .clamp(1, window))
}

/// Forgets every attempt under `key` (its secret was given right).
pub fn forget(db: &D1Database, key: &str) -> Result<D1PreparedStatement, AppError> {
    stmt(
        db,
        "DELETE FROM attempt_counts WHERE key = ?1",
        &[text(key)],
    )
}

/// Takes back the one attempt a success counted under `key`: a client's
/// earlier failures still count.
pub fn refund(db: &D1Database, key: &str) -> Result<D1PreparedStatement, AppError> {
    stmt(
        db,
        "UPDATE attempt_counts SET n = n - 1 WHERE key = ?1 AND n > 0",
        &[text(key)],
    )
}

/// Forgets windows that started before `before`.
pub fn prune(db: &D1Database, before: i64) -> Result<D1PreparedStatement, AppError> {
    stmt(
        db,
        "DELETE FROM attempt_counts WHERE since < ?1",
        &[int(before)],
    )
}
