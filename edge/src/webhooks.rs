//! Delivering the outbox: each due delivery is signed (Standard Webhooks),
//! sent once per attempt, and booked: delivered on a 2xx, retried with
//! backoff and jitter (honouring `Retry-After`) for up to 3 days, failed
//! after that (its message then goes to the dead-letter queue); a `410
//! Gone` disables the endpoint. Attempts run in the work queue's consumer
//! (`queue.rs`), one job per delivery; a replay sends at once.

use holdfast_core::audit::EventKind;
use holdfast_core::work::DeliveryStatus;
use std::time::Duration;

use holdfast_core::webhook::{self, Answer, SessionFacts};
use serde_json::Value;
use worker::{console_error, D1Database, Headers, Request, RequestInit, RequestRedirect};

use crate::config::Config;
use crate::error::AppError;
use crate::fetch::Unanswered;
use crate::store::webhooks::{self as store, Attempt, Due};
use crate::store::Batched;

const TIMEOUT: Duration = Duration::from_secs(10);
const LEASE_SECS: i64 = 30;
/// Deliveries per invocation: each is one subrequest (Workers Free: 50).
pub const PER_RUN: u32 = 20;

/// Sends what is due, oldest first, until nothing is due or `max` were sent.
/// `clock` is the time retries are scheduled by: the cron's run time, or
/// the wall clock when `None`. Signatures always carry the wall clock.
/// `config.allow_private_webhooks` is the Worker's side of the development
/// setting; the app's side is read with each delivery, so an endpoint saved
/// in development mode stops once that mode is off.
pub async fn deliver_due(
    db: &D1Database,
    clock: Option<i64>,
    max: u32,
    config: &Config,
) -> Result<u32, AppError> {
    let mut sent = 0;
    while sent < max {
        let now = clock.unwrap_or_else(crate::clock::now_secs);
        let due = store::due(db, now, 5).await?;
        if due.is_empty() {
            break;
        }
        for d in &due {
            if sent >= max {
                break;
            }
            if store::claim(db, d.id, now, LEASE_SECS).await? {
                deliver(db, d, now, config).await?;
                sent += 1;
            }
        }
    }
    Ok(sent)
}

/// The payload's bytes: rendered from the audit entry and the session,
/// which never change, so every attempt sends the same body.
fn body_of(d: &Due) -> Option<String> {
    if let Some(p) = &d.payload {
        return Some(p.clone());
    }
    let detail: Value = serde_json::from_str(d.detail.as_deref()?).ok()?;
    let facts = SessionFacts {
        session_id: d.session_id.clone()?,
        app_id: d.app_id.clone(),
        subscription_id: d.subscription_id.clone(),
        customer_id: d.customer_id.clone(),
        experience_id: d.experience_id.clone(),
        variant_id: d.variant_id.clone(),
        fields: d
            .fields
            .as_deref()
            .and_then(|f| serde_json::from_str(f).ok())
            .unwrap_or(Value::Null),
        unverified: d
            .unverified_fields
            .as_deref()
            .and_then(|f| serde_json::from_str(f).ok())
            .unwrap_or_default(),
        receipt: d
            .receipt
            .as_deref()
            .and_then(|r| serde_json::from_str(r).ok()),
    };
    let kind = EventKind::parse(d.audit_kind.as_deref()?);
    let at = d.event_at?;
    Some(webhook::payload(&d.event_type, kind, at, &facts, &detail).to_string())
}

/// The keys to sign with: the current secret, and the previous one while
/// its grace period lasts.
fn keys(d: &Due, now: i64, config: &Config) -> Result<Vec<Vec<u8>>, AppError> {
    let previous = d
        .previous_secret
        .as_deref()
        .filter(|_| d.previous_valid_until.is_some_and(|t| t > now));
    let opened = [Some(d.secret.as_str()), previous]
        .into_iter()
        .flatten()
        .map(|s| crate::secrets::open(config, crate::secrets::endpoint_secret(&d.endpoint_id), s))
        .collect::<Result<Vec<_>, _>>()?;
    Ok(opened
        .iter()
        .filter_map(|s| webhook::secret_key(s))
        .collect())
}

async fn send(d: &Due, body: &str, now: i64, keys: &[Vec<u8>]) -> Answer {
    let headers = Headers::new();
    let sig = webhook::signature_header(keys, &d.message_id, now, body);
    for (k, v) in [
        ("content-type", "application/json"),
        ("user-agent", "Holdfast-Webhooks/1"),
        ("webhook-id", d.message_id.as_str()),
        ("webhook-timestamp", &now.to_string()),
        ("webhook-signature", &sig),
    ] {
        if let Err(e) = headers.set(k, v) {
            return Answer::Failed(e.to_string());
        }
    }
    let mut init = RequestInit::new();
    init.with_method(worker::Method::Post)
        .with_headers(headers)
        .with_redirect(RequestRedirect::Manual)
        .with_body(Some(body.into()));
    let request = match Request::new_with_init(&d.url, &init) {
        Ok(r) => r,
        Err(e) => return Answer::Failed(format!("bad request: {e}")),
    };
    match crate::fetch::send(request, TIMEOUT).await {
        Ok(resp) => Answer::Status {
            status: resp.status_code(),
            retry_after: crate::http::retry_after_secs(resp.headers())
                .and_then(|s| i64::try_from(s).ok()),
        },
        Err(Unanswered::Network(e)) => Answer::Failed(format!("network error: {e}")),
        Err(Unanswered::Timeout) => Answer::Failed("timed out after 10 s".to_owned()),
    }
}

/// What became of one job of the work queue.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Done {
    /// Delivered, or nothing to do here (already delivered, leased by
    /// another attempt, not due yet, or waiting for an earlier message of
    /// its session: the cron's sweep enqueues it again when due).
    Finished,
    /// Attempted and to be tried again in this many seconds.
    Later(i64),
    /// Failed for good: its message goes to the dead-letter queue.
    GaveUp,
}

/// One attempt at delivery `id`, judged by `clock` (the cron's time that
/// enqueued it, or the wall clock). A message the queue delivers twice is
/// sent once: the second finds it delivered or leased.
pub async fn deliver_job(
    db: &D1Database,
    id: i64,
    clock: i64,
    config: &Config,
) -> Result<Done, AppError> {
    let Some(d) = store::due_one(db, id, clock).await? else {
        // Behind an earlier message of its session: it goes out after that
        // one, so it comes back soon after that one's next attempt.
        return Ok(match store::waits_for(db, id, clock).await? {
            Some(next) => Done::Later((next - clock).max(0) + 2),
            None => Done::Finished,
        });
    };
    if !store::claim(db, d.id, clock, LEASE_SECS).await? {
        return Ok(Done::Finished);
    }
    Ok(match deliver(db, &d, clock, config).await? {
        (DeliveryStatus::Pending, next) => Done::Later((next - clock).max(1)),
        (DeliveryStatus::Failed, _) => Done::GaveUp,
        _ => Done::Finished,
    })
}

/// Sends one attempt and books it; the delivery's status after it and when
/// it is due again.
async fn deliver(
    db: &D1Database,
    d: &Due,
    now: i64,
    config: &Config,
) -> Result<(DeliveryStatus, i64), AppError> {
    let Some(body) = body_of(d) else {
        console_error!("webhooks: message {} cannot be rendered", d.message_id);
        let a = Attempt {
            delivery_id: d.id,
            status: None,
            latency_ms: 0,
            error: Some("the event can no longer be rendered"),
            outcome: DeliveryStatus::Failed,
            next_attempt_at: now,
        };
        db.batched(store::record(db, &a, now)?.to_vec()).await?;
        return Ok((DeliveryStatus::Failed, now));
    };
    let started = js_sys::Date::now();
    // Checked again at send time: the rules may have changed since the save.
    let private_ok = config.allow_private_webhooks && d.app_allows_private == Some(1);
    let wall = crate::clock::now_secs();
    let answer = match holdfast_core::webhook::url_check::check(&d.url, private_ok) {
        Ok(()) => match keys(d, wall, config) {
            Ok(keys) => send(d, &body, wall, &keys).await,
            Err(e) => {
                console_error!("webhooks: endpoint {}: {e:?}", d.endpoint_id);
                Answer::Failed(
                    "the endpoint's secret does not open here (sealed for another row, or HOLDFAST_ENCRYPTION_KEY changed): rotate it".to_owned(),
                )
            }
        },
        Err(why) => Answer::Failed(format!("the endpoint URL {why}")),
    };
    let latency_ms = (js_sys::Date::now() - started) as i64;
    let attempts = u32::try_from(d.attempts + 1).unwrap_or(u32::MAX);
    let v = webhook::judge(
        &answer,
        attempts,
        d.created_at,
        now,
        crate::random::jitter(),
    );
    let mut batch = Vec::new();
    if v.disable_endpoint {
        batch.push(store::disable(
            db,
            &d.endpoint_id,
            "the receiver answered 410 Gone",
            now,
        )?);
    }
    let a = Attempt {
        delivery_id: d.id,
        status: v.status,
        latency_ms,
        error: v.error.as_deref(),
        outcome: v.outcome,
        next_attempt_at: v.next_attempt_at,
    };
    batch.extend(store::record(db, &a, now)?);
    db.batched(batch).await?;
    Ok((v.outcome, v.next_attempt_at))
}
