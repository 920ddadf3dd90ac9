//! Typed repository functions over D1. SQL lives here and only here.

pub mod admin;
pub mod apps;
pub mod attempts;
pub mod connection;
pub mod declarations;
pub mod emails;
pub mod events;
pub mod lifecycle;
pub mod limits;
pub mod operations;
pub mod report_sql;
pub mod reports;
pub mod saves;
pub mod sealed;
pub mod sessions;
pub mod stripe_events;
pub mod team;
pub mod transitions;
pub mod unreadable;
pub mod webhooks;

use wasm_bindgen::JsValue;
use worker::{D1Database, D1PreparedStatement, D1Result};

use crate::error::AppError;

pub fn text(s: &str) -> JsValue {
    JsValue::from_str(s)
}

pub fn opt_text(s: Option<&str>) -> JsValue {
    s.map_or(JsValue::NULL, JsValue::from_str)
}

/// D1 refuses BigInt bindings; unix seconds fit an f64 exactly.
pub fn int(n: i64) -> JsValue {
    JsValue::from_f64(n as f64)
}

pub fn opt_int(n: Option<i64>) -> JsValue {
    n.map_or(JsValue::NULL, int)
}

pub fn stmt(db: &D1Database, sql: &str, args: &[JsValue]) -> Result<D1PreparedStatement, AppError> {
    crate::counts::prepared(sql);
    Ok(db.prepare(sql).bind(args)?)
}

/// The columns, their `?N` marks and their values, in one order.
fn row_parts(row: &[(&str, JsValue)]) -> (String, String, Vec<JsValue>) {
    let columns: Vec<&str> = row.iter().map(|(c, _)| *c).collect();
    let marks: Vec<String> = (1..=row.len()).map(|n| format!("?{n}")).collect();
    let values = row.iter().map(|(_, v)| v.clone()).collect();
    (columns.join(", "), marks.join(", "), values)
}

/// `INSERT INTO {table} (a, b, …) VALUES (?1, ?2, …)`, each column named
/// beside its value; `tail` follows (`ON CONFLICT …`, or nothing).
pub fn insert_row(
    db: &D1Database,
    table: &str,
    row: &[(&str, JsValue)],
    tail: &str,
) -> Result<D1PreparedStatement, AppError> {
    let (columns, marks, values) = row_parts(row);
    let sql = format!("INSERT INTO {table} ({columns}) VALUES ({marks}) {tail}");
    stmt(db, sql.trim_end(), &values)
}

/// The same row, written only when `guard` holds at that moment (for
/// example `changes() = 1`: the batch's previous statement won its race);
/// a row that is already there is left alone.
pub fn insert_row_if(
    db: &D1Database,
    table: &str,
    row: &[(&str, JsValue)],
    guard: &str,
) -> Result<D1PreparedStatement, AppError> {
    insert_select(db, "INSERT OR IGNORE", table, row, guard, &[])
}

/// `INSERT INTO {table} (a, …) SELECT ?1, … WHERE {guard}`: the row,
/// written only when `guard` holds; each `?` in `guard` takes the next of
/// `args`, in order.
pub fn insert_row_where(
    db: &D1Database,
    table: &str,
    row: &[(&str, JsValue)],
    guard: &str,
    args: &[JsValue],
) -> Result<D1PreparedStatement, AppError> {
    insert_select(db, "INSERT", table, row, guard, args)
}

fn insert_select(
    db: &D1Database,
    verb: &str,
    table: &str,
    row: &[(&str, JsValue)],
    guard: &str,
    args: &[JsValue],
) -> Result<D1PreparedStatement, AppError> {
    let (columns, marks, mut values) = row_parts(row);
    let mut n = values.len();
    let guard = numbered(guard, &mut n);
    values.extend(args.iter().cloned());
    if values.len() != n {
        return Err(AppError::internal(format!(
            "INSERT INTO {table}: {n} parameters, {} values",
            values.len()
        )));
    }
    stmt(
        db,
        &format!("{verb} INTO {table} ({columns}) SELECT {marks} WHERE {guard}"),
        &values,
    )
}

/// `sql` with each `?` numbered on from `n` (`?{n+1}`, …); `n` ends at the last.
fn numbered(sql: &str, n: &mut usize) -> String {
    let mut out = String::with_capacity(sql.len() + 8);
    for c in sql.chars() {
        if c == '?' {
            *n += 1;
            out.push_str(&format!("?{n}"));
        } else {
            out.push(c);
        }
    }
    out
}

/// `UPDATE {table} SET … WHERE {filter}`. Each `set` entry is a column and
/// its value (`"status"`), or an expression with one `?` for it
/// (`"mrr = COALESCE(mrr, ?)"`); `raw` entries take no value
/// (`"offers_shown = offers_shown + 1"`). Each `?` in `filter` takes the
/// next of `args`, in order.
pub fn update_row(
    db: &D1Database,
    table: &str,
    set: &[(&str, JsValue)],
    raw: &[&str],
    filter: &str,
    args: &[JsValue],
) -> Result<D1PreparedStatement, AppError> {
    let mut n = 0;
    let mut parts: Vec<String> = set
        .iter()
        .map(|(col, _)| {
            if col.contains('?') {
                numbered(col, &mut n)
            } else {
                numbered(&format!("{col} = ?"), &mut n)
            }
        })
        .collect();
    parts.extend(raw.iter().map(|r| (*r).to_owned()));
    let filter = numbered(filter, &mut n);
    let values: Vec<JsValue> = set
        .iter()
        .map(|(_, v)| v.clone())
        .chain(args.iter().cloned())
        .collect();
    if values.len() != n {
        return Err(AppError::internal(format!(
            "UPDATE {table}: {n} parameters, {} values",
            values.len()
        )));
    }
    stmt(
        db,
        &format!("UPDATE {table} SET {} WHERE {filter}", parts.join(", ")),
        &values,
    )
}

/// The rows `sel` selects (its first column is `table`'s key `key`), each
/// then marked as enqueued until `until` (`queued_at`); `args` bind `sel`'s
/// `?1`, `?2`, … and `until` follows them. The outboxes' relays use it.
pub async fn take_marked<T: serde::de::DeserializeOwned>(
    db: &D1Database,
    table: &str,
    key: &str,
    sel: &str,
    args: &[JsValue],
    until: i64,
) -> Result<Vec<T>, AppError> {
    let rows: Vec<T> = stmt(db, sel, args)?.all().await?.results()?;
    if !rows.is_empty() {
        let mut with_until = args.to_vec();
        with_until.push(int(until));
        let n = with_until.len();
        stmt(
            db,
            &format!(
                "UPDATE {table} SET queued_at = ?{n} WHERE {key} IN (SELECT {key} FROM ({sel}))"
            ),
            &with_until,
        )?
        .run()
        .await?;
    }
    Ok(rows)
}

/// Rows of an outbox (`emails`, `operations`: keyed by `key`, in status
/// `pending`) no relay has enqueued yet, each with when it is due, marked
/// as enqueued: what a request's relay sends, delayed until due.
pub async fn take_new_due(
    db: &D1Database,
    table: &str,
    key: &str,
    pending: &str,
    now: i64,
    limit: u32,
) -> Result<Vec<(String, i64)>, AppError> {
    let sel = format!(
        "SELECT {key}, next_attempt_at FROM {table} WHERE status = {pending} AND queued_at = 0 \
         ORDER BY next_attempt_at LIMIT ?1"
    );
    let rows: Vec<serde_json::Map<String, serde_json::Value>> =
        take_marked(db, table, key, &sel, &[int(i64::from(limit))], now).await?;
    rows.iter()
        .map(|r| {
            let id = r.get(key).and_then(|v| v.as_str());
            let due = r.get("next_attempt_at").and_then(serde_json::Value::as_i64);
            id.zip(due)
                .map(|(id, due)| (id.to_owned(), due))
                .ok_or_else(|| {
                    AppError::internal(format!(
                        "{table}: an outbox row without its key or due time"
                    ))
                })
        })
        .collect()
}

/// `D1Database::batch`, counted: a batch is one round trip, however many
/// statements it holds.
pub trait Batched {
    async fn batched(&self, statements: Vec<D1PreparedStatement>) -> worker::Result<Vec<D1Result>>;
}

impl Batched for D1Database {
    async fn batched(&self, statements: Vec<D1PreparedStatement>) -> worker::Result<Vec<D1Result>> {
        crate::counts::batch(statements.len());
        self.batch(statements).await
    }
}

/// Rows changed by one statement of a batch, trigger writes included.
pub fn changes(result: &D1Result) -> usize {
    result
        .meta()
        .ok()
        .flatten()
        .and_then(|m| m.changes)
        .unwrap_or(0)
}

/// Whether a guarded single-row statement changed its row. D1's count
/// includes what triggers wrote (the rollups of a session change), so a
/// win reads as one or more, a loss as none.
pub fn won(result: &D1Result) -> bool {
    changes(result) > 0
}
