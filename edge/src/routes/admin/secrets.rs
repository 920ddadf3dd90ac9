//! `POST /api/admin/secrets/reseal`: seals every secret at rest under the
//! current `HOLDFAST_ENCRYPTION_KEY`: plain values from before sealing, and
//! values sealed under `HOLDFAST_ENCRYPTION_KEY_PREVIOUS` during a key
//! rotation, and values sealed before they were bound to their place
//! (table, secret, row). `scripts/reseal` calls it.

use holdfast_core::audit::AdminAction;
use holdfast_core::vault::Place;
use serde_json::json;
use worker::{Request, Response};

use super::Signed;
use crate::error::AppError;
use crate::http;
use crate::routes::Ctx;
use crate::secrets::resealed;
use crate::store::sealed::{self, PLACES};
use crate::store::{admin::audit, changes, Batched};

pub async fn reseal(_: Request, ctx: Ctx, signed: Signed) -> Result<Response, AppError> {
    let Signed { db, admin, now } = signed;
    let keyring = ctx.data.clone().keyring()?.ok_or_else(|| {
        AppError::Conflict(
            "Set the HOLDFAST_ENCRYPTION_KEY secret (64 hex characters) first.".to_owned(),
        )
    })?;
    let mut counts = serde_json::Map::new();
    for (place, (table, _, secret, _)) in PLACES.iter().enumerate() {
        let mut writes = Vec::new();
        for row in sealed::all(&db, place).await? {
            let at = Place {
                table,
                secret,
                row: &row.id,
            };
            let current = fresh(&keyring, at, row.current.as_deref())?;
            let previous = fresh(&keyring, at, row.previous.as_deref())?;
            if current.is_none() && previous.is_none() {
                continue;
            }
            let new_current = current.or_else(|| row.current.clone());
            let new_previous = previous.or_else(|| row.previous.clone());
            writes.push(sealed::replace(
                &db,
                place,
                &row,
                new_current.as_deref(),
                new_previous.as_deref(),
            )?);
        }
        let done = if writes.is_empty() {
            0
        } else {
            db.batched(writes).await?.iter().map(changes).sum::<usize>()
        };
        counts.insert((*table).to_owned(), json!(done));
    }
    let counts = serde_json::Value::Object(counts);
    audit(
        &db,
        &admin.email,
        AdminAction::SecretsReseal,
        None,
        &counts,
        now,
    )?
    .run()
    .await?;
    Ok(http::json(&json!({"resealed": counts}), 200))
}

/// The re-sealed value of a column, when it has one that is not current.
fn fresh(
    keyring: &holdfast_core::vault::Keyring,
    at: Place<'_>,
    stored: Option<&str>,
) -> Result<Option<String>, AppError> {
    stored.map_or(Ok(None), |s| resealed(keyring, at, s))
}
