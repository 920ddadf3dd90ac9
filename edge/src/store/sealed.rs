//! Every secret column at rest, for re-sealing: apps' signing secrets,
//! webhook endpoints' secrets, admins' two-factor secrets and the saved
//! Stripe key.

use serde::Deserialize;
use worker::{D1Database, D1PreparedStatement};

use super::{opt_text, stmt, text};
use crate::error::AppError;

/// One row's secret columns, as stored.
#[derive(Deserialize)]
pub struct Stored {
    pub id: String,
    pub current: Option<String>,
    pub previous: Option<String>,
}

/// Where secrets live: (table, id column, current column, previous column).
/// The current column names the secret a value is bound to
/// (`vault::Place::secret`), for both columns, as `crate::secrets` seals it.
pub const PLACES: [(&str, &str, &str, Option<&str>); 4] = [
    (
        "apps",
        "id",
        "signing_secret",
        Some("previous_signing_secret"),
    ),
    ("webhook_endpoints", "id", "secret", Some("previous_secret")),
    ("admins", "id", "totp_secret", Some("totp_pending")),
    ("stripe_connection", "id", "sealed_key", None),
];

pub async fn all(db: &D1Database, place: usize) -> Result<Vec<Stored>, AppError> {
    let (table, id, current, previous) = PLACES[place];
    let previous = previous.unwrap_or("NULL");
    Ok(stmt(
        db,
        &format!(
            "SELECT CAST({id} AS TEXT) AS id, {current} AS current, {previous} AS previous FROM {table}"
        ),
        &[],
    )?
    .all()
    .await?
    .results()?)
}

/// Replaces a row's secrets, only if they are still what was read (a
/// rotation in between wins, and is re-sealed on the next run).
pub fn replace(
    db: &D1Database,
    place: usize,
    row: &Stored,
    current: Option<&str>,
    previous: Option<&str>,
) -> Result<D1PreparedStatement, AppError> {
    let (table, id, cur, prev) = PLACES[place];
    let Some(prev) = prev else {
        return stmt(
            db,
            &format!("UPDATE {table} SET {cur} = ?2 WHERE CAST({id} AS TEXT) = ?1 AND {cur} IS ?3"),
            &[
                text(&row.id),
                opt_text(current),
                opt_text(row.current.as_deref()),
            ],
        );
    };
    stmt(
        db,
        &format!(
            "UPDATE {table} SET {cur} = ?2, {prev} = ?3 WHERE CAST({id} AS TEXT) = ?1 AND {cur} IS ?4 AND {prev} IS ?5"
        ),
        &[
            text(&row.id),
            opt_text(current),
            opt_text(previous),
            opt_text(row.current.as_deref()),
            opt_text(row.previous.as_deref()),
        ],
    )
}
