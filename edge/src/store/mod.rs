//! Typed repository functions over D1. SQL lives here and only here.

pub mod admin;
pub mod apps;
pub mod connection;
pub mod emails;
pub mod events;
pub mod limits;
pub mod operations;
pub mod reports;
pub mod sealed;
pub mod sessions;
pub mod stripe_events;
pub mod team;
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
    crate::counts::prepared(1);
    Ok(db.prepare(sql).bind(args)?)
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

/// Rows changed by one statement of a batch.
pub fn changes(result: &D1Result) -> usize {
    result
        .meta()
        .ok()
        .flatten()
        .and_then(|m| m.changes)
        .unwrap_or(0)
}
