//! Webhook endpoints of an app: made, changed, rotated and deleted by an
//! admin, with their delivery log, replay and a test event.

use crate::store::admin::{apply, Entry};
use holdfast_core::audit::AdminAction;
use holdfast_core::validation::FieldIssue;
use holdfast_core::webhook::{self as wh, CreatedEndpoint, EndpointRequest, UpdateEndpointRequest};
use serde_json::json;
use worker::{D1Database, Request, Response};

use super::{body, Signed};
use crate::error::AppError;
use crate::http;
use crate::routes::{param, Ctx};
use crate::store::webhooks::{self as store, Endpoint, NewEndpoint};
use crate::store::Batched;
use crate::store::{admin::audit, apps};

const ROTATION_GRACE_SECS: i64 = 24 * 3600;

/// Private and loopback receivers: only where the Worker allows them and
/// the app opts in (its development setting).
async fn allow_private(ctx: &Ctx, db: &D1Database, app_id: &str) -> Result<bool, AppError> {
    let env_allows = ctx.data.clone().allow_private_webhooks;
    let app_allows = apps::settings(db, app_id)
        .await?
        .is_some_and(|s| s.webhooks_allow_private);
    Ok(env_allows && app_allows)
}

fn check(url: Option<&str>, types: Option<&[String]>, allow_private: bool) -> Result<(), AppError> {
    let mut issues = Vec::new();
    if let Some(Err(message)) = url.map(|u| wh::url_check::check(u.trim(), allow_private)) {
        issues.push(FieldIssue {
            field: "url".into(),
            message: format!("The URL {message}."),
        });
    }
    if let Some(Err(issue)) = types.map(wh::check_event_types) {
        issues.push(issue);
    }
    if issues.is_empty() {
        Ok(())
    } else {
        Err(AppError::Invalid(issues))
    }
}

async fn endpoint(db: &D1Database, id: &str) -> Result<Endpoint, AppError> {
    store::get(db, id)
        .await?
        .ok_or_else(|| AppError::NotFound(format!("No such webhook endpoint: {id}")))
}

fn new_secret() -> Result<String, AppError> {
    let bytes = hex::decode(crate::random::hex(24)?)?;
    Ok(wh::secret_from(&bytes))
}

pub async fn list(_: Request, ctx: Ctx, signed: Signed) -> Result<Response, AppError> {
    let Signed { db, .. } = signed;
    let app_id = param(&ctx, "id")?;
    let views: Vec<_> = store::list(&db, app_id)
        .await?
        .iter()
        .map(Endpoint::view)
        .collect();
    Ok(http::json(&views, 200))
}

pub async fn create(mut req: Request, ctx: Ctx, signed: Signed) -> Result<Response, AppError> {
    let Signed { db, admin, now } = signed;
    let app_id = param(&ctx, "id")?.to_owned();
    if apps::summary(&db, &app_id).await?.is_none() {
        return Err(AppError::NotFound(format!("No such app: {app_id}")));
    }
    let form: EndpointRequest = body(&mut req).await?;
    check(
        Some(&form.url),
        Some(&form.event_types),
        allow_private(&ctx, &db, &app_id).await?,
    )?;
    let id = format!("we_{}", crate::random::hex(8)?);
    let secret = new_secret()?;
    let types = serde_json::to_string(&form.event_types)?;
    let url = form.url.trim();
    let sealed = crate::secrets::seal(&ctx.data, crate::secrets::endpoint_secret(&id), &secret)?;
    let new = NewEndpoint {
        id: &id,
        app_id: &app_id,
        url,
        secret: &sealed,
        event_types: &types,
        now,
    };
    db.batched(vec![
        store::insert(&db, &new)?,
        audit(
            &db,
            &admin.email,
            AdminAction::WebhookCreate,
            Some(&id),
            &json!({"app_id": app_id, "url": url}),
            now,
        )?,
    ])
    .await?;
    let endpoint = endpoint(&db, &id).await?.view();
    Ok(http::json(&CreatedEndpoint { endpoint, secret }, 201))
}

pub async fn update(mut req: Request, ctx: Ctx, signed: Signed) -> Result<Response, AppError> {
    let Signed { db, admin, now } = signed;
    let id = param(&ctx, "id")?.to_owned();
    let current = endpoint(&db, &id).await?;
    let form: UpdateEndpointRequest = body(&mut req).await?;
    let allow = allow_private(&ctx, &db, &current.app_id).await?;
    check(form.url.as_deref(), form.event_types.as_deref(), allow)?;
    let types = form
        .event_types
        .as_ref()
        .map(serde_json::to_string)
        .transpose()?;
    let url = form.url.as_deref().map(str::trim);
    db.batched(vec![
        store::update(&db, &id, url, types.as_deref(), form.enabled, now)?,
        audit(
            &db,
            &admin.email,
            AdminAction::WebhookUpdate,
            Some(&id),
            &json!({"url": url, "event_types": form.event_types, "enabled": form.enabled}),
            now,
        )?,
    ])
    .await?;
    Ok(http::json(&endpoint(&db, &id).await?.view(), 200))
}

pub async fn delete(_: Request, ctx: Ctx, signed: Signed) -> Result<Response, AppError> {
    let Signed { db, admin, now } = signed;
    let id = param(&ctx, "id")?.to_owned();
    endpoint(&db, &id).await?;
    let mut batch = store::delete(&db, &id)?;
    batch.push(audit(
        &db,
        &admin.email,
        AdminAction::WebhookDelete,
        Some(&id),
        &json!({}),
        now,
    )?);
    db.batched(batch).await?;
    Ok(http::json(&json!({"deleted": id}), 200))
}

pub async fn rotate(_: Request, ctx: Ctx, signed: Signed) -> Result<Response, AppError> {
    let Signed { db, admin, now } = signed;
    let id = param(&ctx, "id")?.to_owned();
    endpoint(&db, &id).await?;
    let secret = new_secret()?;
    let sealed = crate::secrets::seal(&ctx.data, crate::secrets::endpoint_secret(&id), &secret)?;
    db.batched(vec![
        store::rotate(&db, &id, &sealed, now + ROTATION_GRACE_SECS, now)?,
        audit(
            &db,
            &admin.email,
            AdminAction::WebhookRotate,
            Some(&id),
            &json!({}),
            now,
        )?,
    ])
    .await?;
    let endpoint = endpoint(&db, &id).await?.view();
    Ok(http::json(&CreatedEndpoint { endpoint, secret }, 200))
}

pub async fn deliveries(_: Request, ctx: Ctx, signed: Signed) -> Result<Response, AppError> {
    let Signed { db, .. } = signed;
    let id = param(&ctx, "id")?;
    endpoint(&db, id).await?;
    Ok(http::json(&store::log(&db, id, 100).await?, 200))
}

/// Sends a test event now and answers with its delivery.
pub async fn send_test(_: Request, ctx: Ctx, signed: Signed) -> Result<Response, AppError> {
    let Signed { db, admin, now } = signed;
    let id = param(&ctx, "id")?.to_owned();
    let e = endpoint(&db, &id).await?;
    let message_id = format!("msg_{}", crate::random::hex(12)?);
    let payload = wh::test_payload(&e.app_id, now).to_string();
    let mut batch = store::insert_test(&db, &message_id, &e, &payload, now)?.to_vec();
    batch.push(audit(
        &db,
        &admin.email,
        AdminAction::WebhookTest,
        Some(&id),
        &json!({"message_id": message_id}),
        now,
    )?);
    db.batched(batch).await?;
    deliver_now(&db, &ctx).await?;
    let log = store::log(&db, &id, 100).await?;
    let sent = log.into_iter().find(|d| d.message_id == message_id);
    Ok(http::json(&sent, 200))
}

/// Sends what is due now, as the request that queued it waits for it.
async fn deliver_now(db: &D1Database, ctx: &Ctx) -> Result<u32, AppError> {
    let config = ctx.data.clone();
    crate::webhooks::deliver_due(db, None, crate::webhooks::PER_RUN, &config).await
}

/// Sends a delivery again (same webhook-id), now.
pub async fn replay(_: Request, ctx: Ctx, signed: Signed) -> Result<Response, AppError> {
    let Signed { db, admin, now } = signed;
    let id = param(&ctx, "id")?.to_owned();
    let delivery: i64 = param(&ctx, "delivery")?
        .parse()
        .map_err(|_| AppError::bad("delivery", "must be a delivery number"))?;
    let e = endpoint(&db, &id).await?;
    if !e.view().enabled {
        return Err(AppError::Conflict(
            "The endpoint is disabled; enable it to replay.".to_owned(),
        ));
    }
    let applied = apply(
        &db,
        vec![store::replay(&db, delivery, &id, now)?],
        Entry {
            admin: &admin.email,
            action: AdminAction::WebhookReplay,
            target: Some(&id),
            detail: json!({"delivery": delivery}),
            now,
        },
    )
    .await?;
    if !applied {
        return Err(AppError::NotFound(format!(
            "No delivery {delivery} for this endpoint"
        )));
    }
    crate::webhooks::deliver_job(&db, delivery, now, &ctx.data).await?;
    Ok(http::json(&store::delivery(&db, delivery).await?, 200))
}
