//! Stripe pickers for the offer editor, and the operations an admin may
//! need to look at: cancels and offers still pending or failed in Stripe.

use crate::store::admin::{apply, Entry};
use holdfast_core::audit::AdminAction;
use holdfast_core::work::OperationStatus;
use std::time::Duration;

use holdfast_core::api::apps::OperationView;
use holdfast_core::api::stripe::{CouponOption, PriceOption};
use holdfast_core::stripe as req;
use holdfast_core::work::EmailStatus;
use serde_json::{json, Value};
use worker::{Request, Response};

use super::Signed;
use crate::error::AppError;
use crate::http;
use crate::routes::{param, Ctx};
use crate::store::{emails, operations};
use crate::stripe::{Budget, Client};

const BUDGET: Budget = Budget {
    per_attempt: Duration::from_secs(5),
    total: Duration::from_secs(8),
};

async fn stripe_list(
    ctx: &Ctx,
    db: &worker::D1Database,
    call: &req::StripeRequest,
) -> Result<Vec<Value>, AppError> {
    let config = ctx.data.clone().with_saved_key(db).await?;
    let reply = Client::new(&config)
        .send_retrying(call, 2, BUDGET)
        .await
        .map_err(|f| AppError::Unavailable(format!("Stripe did not list them: {f}")))?;
    Ok(reply
        .body
        .get("data")
        .and_then(Value::as_array)
        .cloned()
        .unwrap_or_default())
}

pub async fn coupons(_: Request, ctx: Ctx, signed: Signed) -> Result<Response, AppError> {
    let Signed { db, .. } = signed;
    let list = stripe_list(&ctx, &db, &req::list_coupons()).await?;
    let options: Vec<CouponOption> = list
        .iter()
        .filter(|c| c["valid"] != false)
        .filter_map(coupon_option)
        .collect();
    Ok(http::json(&options, 200))
}

fn coupon_option(c: &Value) -> Option<CouponOption> {
    let id = c.get("id")?.as_str()?.to_owned();
    let off = match (c["percent_off"].as_f64(), c["amount_off"].as_i64()) {
        (Some(p), _) => format!("{p}% off"),
        (None, Some(a)) => format!(
            "{} off",
            holdfast_core::money::format(a, c["currency"].as_str().unwrap_or(""))
        ),
        _ => "discount".to_owned(),
    };
    let how_long = match (c["duration"].as_str(), c["duration_in_months"].as_i64()) {
        (Some("repeating"), Some(m)) => format!("for {m} months"),
        (Some("forever"), _) => "forever".to_owned(),
        _ => "once".to_owned(),
    };
    let name = c["name"]
        .as_str()
        .filter(|n| !n.is_empty())
        .unwrap_or(&id)
        .to_owned();
    Some(CouponOption {
        label: format!("{name} ({off}, {how_long})"),
        id,
    })
}

pub async fn prices(_: Request, ctx: Ctx, signed: Signed) -> Result<Response, AppError> {
    let Signed { db, .. } = signed;
    let list = stripe_list(&ctx, &db, &req::list_prices()).await?;
    let options: Vec<PriceOption> = list.iter().filter_map(price_option).collect();
    Ok(http::json(&options, 200))
}

fn price_option(p: &Value) -> Option<PriceOption> {
    let id = p.get("id")?.as_str()?.to_owned();
    let product = p
        .pointer("/product/name")
        .and_then(Value::as_str)
        .unwrap_or("");
    let amount = p["unit_amount"].as_i64().unwrap_or(0);
    let interval = match p
        .pointer("/recurring/interval_count")
        .and_then(Value::as_i64)
    {
        Some(n) if n > 1 => format!(
            "{n} {}s",
            p.pointer("/recurring/interval")
                .and_then(Value::as_str)
                .unwrap_or("period")
        ),
        _ => p
            .pointer("/recurring/interval")
            .and_then(Value::as_str)
            .unwrap_or("one-off")
            .to_owned(),
    };
    let currency = p["currency"].as_str().unwrap_or("");
    Some(PriceOption {
        label: format!(
            "{product}: {} / {interval}",
            holdfast_core::money::format(amount, currency)
        ),
        id,
    })
}

pub async fn operations(_: Request, _: Ctx, signed: Signed) -> Result<Response, AppError> {
    let Signed { db, .. } = signed;
    let list: Vec<OperationView> = operations::needing_attention(&db, 200).await?;
    Ok(http::json(&list, 200))
}

/// Webhook deliveries whose messages reached the dead-letter queue.
pub async fn dead_letters(_: Request, _: Ctx, signed: Signed) -> Result<Response, AppError> {
    let Signed { db, .. } = signed;
    let list = crate::store::webhooks::dead_letters(&db, 200).await?;
    Ok(http::json(&list, 200))
}

/// Queue messages that were not a job, set aside alone.
pub async fn unreadable(_: Request, _: Ctx, signed: Signed) -> Result<Response, AppError> {
    let Signed { db, .. } = signed;
    let list = crate::store::unreadable::list(&db, 200).await?;
    Ok(http::json(&list, 200))
}

/// Tries a pending or failed operation again now, with its same
/// idempotency key.
pub async fn retry_operation(_: Request, ctx: Ctx, signed: Signed) -> Result<Response, AppError> {
    let Signed { db, admin, now } = signed;
    let session_id = param(&ctx, "session")?.to_owned();
    let applied = apply(
        &db,
        vec![operations::reopen(&db, &session_id, now)?],
        Entry {
            admin: &admin.email,
            action: AdminAction::OperationRetry,
            target: Some(&session_id),
            detail: json!({}),
            now,
        },
    )
    .await?;
    if !applied {
        return Err(AppError::NotFound(
            "No pending or failed operation for that session.".to_owned(),
        ));
    }
    let config = ctx.data.clone().with_saved_key(&db).await?;
    let landed = crate::work::resume(&db, &config, &session_id, now).await?;
    let status = landed.map_or(OperationStatus::Pending.as_str(), |l| l.status.as_str());
    Ok(http::json(
        &json!({"session_id": session_id, "status": status}),
        200,
    ))
}

/// Confirmation e-mails that failed for good, newest first.
pub async fn failed_emails(_: Request, _: Ctx, signed: Signed) -> Result<Response, AppError> {
    let Signed { db, .. } = signed;
    Ok(http::json(&emails::failed(&db, 200).await?, 200))
}

/// One more attempt at a failed e-mail, now; answers where it stands.
pub async fn resend_email(_: Request, ctx: Ctx, signed: Signed) -> Result<Response, AppError> {
    let Signed { db, admin, now } = signed;
    let id = param(&ctx, "id")?.to_owned();
    let missing = || AppError::NotFound(format!("No failed e-mail {id}."));
    let email = emails::view(&db, &id)
        .await?
        .filter(|e| e.status == EmailStatus::Failed)
        .ok_or_else(missing)?;
    let applied = apply(
        &db,
        vec![emails::reopen(&db, &id, now)?],
        Entry {
            admin: &admin.email,
            action: AdminAction::EmailResend,
            target: Some(&email.session_id),
            detail: json!({"email": id}),
            now,
        },
    )
    .await?;
    if applied {
        crate::email::send_job(&ctx.data, &db, &id, now).await?;
    }
    Ok(http::json(
        &emails::view(&db, &id).await?.ok_or_else(missing)?,
        200,
    ))
}
