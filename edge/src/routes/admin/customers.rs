//! One customer's data, on the merchant's request or the customer's (GDPR
//! Art. 15 and 17, CCPA): everything Holdfast holds as JSON, or its
//! erasure. Both are found by e-mail, Stripe customer id or subscription
//! id; an erasure keeps the counts (the dashboard does not move) and is
//! written to the audit log without the value looked up.

use holdfast_core::api::customers::{
    CustomerExport, CustomerRequest, ErasureResponse, ExportedSession,
};
use holdfast_core::audit::AdminAction;
use holdfast_core::lifecycle::CustomerKey;
use serde_json::json;
use worker::{Request, Response};

use super::{body, Signed};
use crate::error::AppError;
use crate::http;
use crate::routes::{param, Ctx};
use crate::store::admin::audit;
use crate::store::{apps, lifecycle, reports, Batched};

async fn who(req: &mut Request, ctx: &Ctx) -> Result<(String, CustomerKey), AppError> {
    let form: CustomerRequest = body(req).await?;
    let key = CustomerKey::of(
        form.email.as_deref(),
        form.customer_id.as_deref(),
        form.subscription_id.as_deref(),
    )
    .map_err(AppError::BadRequest)?;
    Ok((param(ctx, "id")?.to_owned(), key))
}

async fn known_app(db: &worker::D1Database, id: &str) -> Result<(), AppError> {
    apps::summary(db, id)
        .await?
        .map(|_| ())
        .ok_or_else(|| AppError::NotFound(format!("No such app: {id}")))
}

/// The audit entry: how the customer was found and how many sessions, not
/// the value looked up (an e-mail would be personal data in the log).
async fn logged(
    db: &worker::D1Database,
    admin: &str,
    action: AdminAction,
    app_id: &str,
    key: &CustomerKey,
    sessions: usize,
    now: i64,
) -> Result<(), AppError> {
    let detail = json!({"by": key.kind(), "sessions": sessions});
    db.batched(vec![audit(db, admin, action, Some(app_id), &detail, now)?])
        .await?;
    Ok(())
}

pub async fn export(mut req: Request, ctx: Ctx, signed: Signed) -> Result<Response, AppError> {
    let Signed { db, admin, now } = signed;
    let (app_id, key) = who(&mut req, &ctx).await?;
    known_app(&db, &app_id).await?;
    let ids = lifecycle::sessions_of(&db, &app_id, &key).await?;
    let mut sessions = Vec::with_capacity(ids.len());
    for id in &ids {
        let Some((record, row)) = reports::session(&db, id).await? else {
            continue;
        };
        let parse = |t: Option<String>| t.and_then(|t| serde_json::from_str(&t).ok());
        sessions.push(ExportedSession {
            record,
            comment: row.comment,
            fields: serde_json::from_str(&row.fields).unwrap_or_default(),
            facts: parse(row.facts),
            receipt: parse(row.receipt),
            locale: row.locale,
            region: row.region,
            time_zone: row.time_zone,
            events: reports::trail(&db, id).await?,
        });
    }
    logged(
        &db,
        &admin.email,
        AdminAction::CustomerExport,
        &app_id,
        &key,
        sessions.len(),
        now,
    )
    .await?;
    let export = CustomerExport {
        app_id,
        exported_at: now,
        sessions,
    };
    let mut res = http::json(&export, 200);
    res.headers_mut().set("cache-control", "no-store")?;
    Ok(res)
}

pub async fn erase(mut req: Request, ctx: Ctx, signed: Signed) -> Result<Response, AppError> {
    let Signed { db, admin, now } = signed;
    let (app_id, key) = who(&mut req, &ctx).await?;
    known_app(&db, &app_id).await?;
    let ids = lifecycle::sessions_of(&db, &app_id, &key).await?;
    lifecycle::erase(&db, &ids, now).await?;
    logged(
        &db,
        &admin.email,
        AdminAction::CustomerErase,
        &app_id,
        &key,
        ids.len(),
        now,
    )
    .await?;
    let sessions = u64::try_from(ids.len()).unwrap_or(u64::MAX);
    Ok(http::json(&ErasureResponse { sessions }, 200))
}
