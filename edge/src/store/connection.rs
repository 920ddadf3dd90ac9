//! The Stripe key saved in the settings UI (sealed; see `holdfast_core::vault`).

use holdfast_core::api::stripe::KeyMode;
use serde::Deserialize;
use worker::{D1Database, D1PreparedStatement};

use super::{insert_row, int, stmt, text};
use crate::error::AppError;

/// For queries that carry the sealed key along (one round trip, not two).
pub const SEALED_KEY: &str = "(SELECT sealed_key FROM stripe_connection WHERE id = 1)";

#[derive(Deserialize)]
pub struct Connection {
    pub sealed_key: String,
    pub last4: String,
    pub mode: KeyMode,
    pub connected_at: i64,
}

pub async fn get(db: &D1Database) -> Result<Option<Connection>, AppError> {
    Ok(stmt(
        db,
        "SELECT sealed_key, last4, mode, connected_at FROM stripe_connection WHERE id = 1",
        &[],
    )?
    .first(None)
    .await?)
}

pub fn save(
    db: &D1Database,
    sealed: &str,
    last4: &str,
    mode: KeyMode,
    by: &str,
    now: i64,
) -> Result<D1PreparedStatement, AppError> {
    insert_row(
        db,
        "stripe_connection",
        &[
            ("id", int(1)),
            ("sealed_key", text(sealed)),
            ("last4", text(last4)),
            ("mode", text(mode.as_str())),
            ("connected_at", int(now)),
            ("connected_by", text(by)),
        ],
        "ON CONFLICT (id) DO UPDATE SET sealed_key = excluded.sealed_key, last4 = excluded.last4, \
         mode = excluded.mode, connected_at = excluded.connected_at, connected_by = excluded.connected_by",
    )
}

pub fn delete(db: &D1Database) -> Result<D1PreparedStatement, AppError> {
    stmt(db, "DELETE FROM stripe_connection WHERE id = 1", &[])
}
