//! `POST /api/stripe/webhook`: Stripe's events, verified, handled once,
//! updating attribution at once (seed: "Validate Saves").

use holdfast_core::attribution::LostReason;
use holdfast_core::stripe_signature::{verify, TOLERANCE_SECS};
use holdfast_core::subscription::SubscriptionFacts;
use secrecy::ExposeSecret;
use serde_json::{json, Value};
use worker::{Request, Response};

use super::Ctx;
use crate::error::AppError;
use crate::http;
use crate::store::stripe_events::{self, Change};
use crate::store::won;
use crate::store::Batched;

const MAX_BODY: usize = 512 * 1024;

pub async fn receive(mut req: Request, ctx: Ctx) -> Result<Response, AppError> {
    let config = ctx.data.clone();
    let secrets: Vec<&str> = config
        .stripe_webhook_secrets
        .iter()
        .map(|s| s.expose_secret())
        .collect();
    if secrets.is_empty() {
        return Err(AppError::NotFound(
            "Stripe webhooks are not configured (STRIPE_WEBHOOK_SECRET).".to_owned(),
        ));
    }
    let body = http::body(&mut req, MAX_BODY).await?;
    let header = req
        .headers()
        .get("stripe-signature")
        .ok()
        .flatten()
        .unwrap_or_default();
    let now = crate::clock::now_secs();
    verify(&header, &body, &secrets, now, TOLERANCE_SECS)
        .map_err(|e| AppError::bad("stripe-signature", e.to_string()))?;
    let event: Value = serde_json::from_slice(&body)
        .map_err(|_| AppError::bad("body", "the event is not JSON"))?;
    let (Some(id), Some(kind)) = (event["id"].as_str(), event["type"].as_str()) else {
        return Err(AppError::bad("body", "the event has no id or type"));
    };
    let db = ctx.data.db()?;
    let nonce = crate::random::hex(16)?;
    let delivery = stripe_events::Delivery {
        event_id: id,
        nonce: &nonce,
    };
    let mut batch = vec![stripe_events::record(&db, &delivery, kind, now)?];
    let object = &event["data"]["object"];
    let detail = json!({"stripe_event": id, "type": kind});
    match kind {
        "customer.subscription.deleted" | "customer.subscription.updated" => {
            if let Ok(f) = SubscriptionFacts::from_stripe(object) {
                let change = match holdfast_core::attribution::lost_reason(&f) {
                    None => Change::confirm(),
                    Some(reason) => Change::lose(reason),
                };
                batch.extend(stripe_events::mark_saves(
                    &db, &delivery, &f.id, &change, &detail, now,
                )?);
            }
        }
        "invoice.payment_failed" | "invoice.paid" => {
            // Today's invoices name the subscription under `parent`.
            let sub = object["subscription"].as_str().or_else(|| {
                object
                    .pointer("/parent/subscription_details/subscription")
                    .and_then(Value::as_str)
            });
            if let Some(sub) = sub {
                let change = if kind == "invoice.paid" {
                    Change::confirm()
                } else {
                    Change::lose(LostReason::Unpaid)
                };
                batch.extend(stripe_events::mark_saves(
                    &db, &delivery, sub, &change, &detail, now,
                )?);
            }
        }
        _ => {}
    }
    // One transaction: a redelivery's record is ignored, and its updates are
    // guarded by the first delivery's nonce.
    let results = db.batched(batch).await?;
    let duplicate = !results.first().is_some_and(won);
    Ok(http::json(
        &json!({"received": true, "duplicate": duplicate}),
        200,
    ))
}
