use holdfast_core::experience::AppSettings;
use serde::Deserialize;
use worker::D1Database;

use super::{stmt, text};
use crate::error::AppError;

pub struct App {
    pub id: String,
    pub signing_secret: String,
    pub secret_key_digest: String,
    pub require_signed: bool,
}

#[derive(Deserialize)]
struct Row {
    id: String,
    signing_secret: String,
    secret_key_digest: String,
    require_signed: i64,
}

pub async fn get(db: &D1Database, id: &str) -> Result<Option<App>, AppError> {
    let row: Option<Row> = stmt(
        db,
        "SELECT id, signing_secret, secret_key_digest, require_signed FROM apps WHERE id = ?1",
        &[text(id)],
    )?
    .first(None)
    .await?;
    Ok(row.map(|r| App {
        id: r.id,
        signing_secret: r.signing_secret,
        secret_key_digest: r.secret_key_digest,
        require_signed: r.require_signed != 0,
    }))
}

pub fn parse_settings(json: &str) -> Result<AppSettings, AppError> {
    serde_json::from_str(json)
        .map_err(|e| AppError::internal(format!("stored app settings do not parse: {e}")))
}
