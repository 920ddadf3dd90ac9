//! Webhook endpoints, the outbox's messages and their deliveries.

use holdfast_core::webhook::{DeadLetter, DeliveryView, EndpointView};
use holdfast_core::work::DeliveryStatus;
use serde::{Deserialize, Serialize};
use wasm_bindgen::JsValue;
use worker::{D1Database, D1PreparedStatement};

use super::{insert_row, int, opt_int, opt_text, stmt, text, update_row};
use crate::error::AppError;

/// An endpoint as the admin sees it: never its secrets.
#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct Endpoint {
    pub id: String,
    pub app_id: String,
    pub url: String,
    /// JSON array text; `[]` is every event.
    pub event_types: String,
    pub enabled: i64,
    pub disabled_reason: Option<String>,
    pub previous_valid_until: Option<i64>,
    pub created_at: i64,
}

impl Endpoint {
    pub fn view(&self) -> EndpointView {
        EndpointView {
            id: self.id.clone(),
            url: self.url.clone(),
            event_types: serde_json::from_str(&self.event_types).unwrap_or_default(),
            enabled: self.enabled != 0,
            disabled_reason: self.disabled_reason.clone(),
            previous_valid_until: self.previous_valid_until,
            created_at: self.created_at,
        }
    }
}

/// A delivery as the log shows it.
const DELIVERY: &str =
    "SELECT d.id, d.message_id, m.type AS event_type, m.session_id, d.status, d.attempts, \
     d.last_status, d.last_error, d.last_latency_ms, d.next_attempt_at, d.created_at, d.updated_at, \
     d.dead_lettered_at \
     FROM webhook_deliveries d JOIN webhook_messages m ON m.id = d.message_id";

/// One delivery of the log, by id.
pub async fn delivery(db: &D1Database, id: i64) -> Result<Option<DeliveryView>, AppError> {
    Ok(
        stmt(db, &format!("{DELIVERY} WHERE d.id = ?1"), &[int(id)])?
            .first(None)
            .await?,
    )
}

const ENDPOINT: &str =
    "id, app_id, url, event_types, enabled, disabled_reason, previous_valid_until, created_at";

pub async fn list(db: &D1Database, app_id: &str) -> Result<Vec<Endpoint>, AppError> {
    Ok(stmt(
        db,
        &format!(
            "SELECT {ENDPOINT} FROM webhook_endpoints WHERE app_id = ?1 ORDER BY created_at, id"
        ),
        &[text(app_id)],
    )?
    .all()
    .await?
    .results()?)
}

pub async fn get(db: &D1Database, id: &str) -> Result<Option<Endpoint>, AppError> {
    Ok(stmt(
        db,
        &format!("SELECT {ENDPOINT} FROM webhook_endpoints WHERE id = ?1"),
        &[text(id)],
    )?
    .first(None)
    .await?)
}

pub struct NewEndpoint<'a> {
    pub id: &'a str,
    pub app_id: &'a str,
    pub url: &'a str,
    pub secret: &'a str,
    pub event_types: &'a str,
    pub now: i64,
}

pub fn insert(db: &D1Database, e: &NewEndpoint<'_>) -> Result<D1PreparedStatement, AppError> {
    insert_row(
        db,
        "webhook_endpoints",
        &[
            ("id", text(e.id)),
            ("app_id", text(e.app_id)),
            ("url", text(e.url)),
            ("secret", text(e.secret)),
            ("event_types", text(e.event_types)),
            ("created_at", int(e.now)),
            ("updated_at", int(e.now)),
        ],
        "",
    )
}

/// Changes what is given; enabling clears the reason it was disabled.
pub fn update(
    db: &D1Database,
    id: &str,
    url: Option<&str>,
    event_types: Option<&str>,
    enabled: Option<bool>,
    now: i64,
) -> Result<D1PreparedStatement, AppError> {
    stmt(
        db,
        "UPDATE webhook_endpoints SET url = COALESCE(?2, url), event_types = COALESCE(?3, event_types), \
         enabled = COALESCE(?4, enabled), disabled_reason = CASE WHEN ?4 = 1 THEN NULL ELSE disabled_reason END, \
         updated_at = ?5 WHERE id = ?1",
        &[text(id), opt_text(url), opt_text(event_types), opt_int(enabled.map(i64::from)), int(now)],
    )
}

/// The endpoint and everything it was sent.
pub fn delete(db: &D1Database, id: &str) -> Result<Vec<D1PreparedStatement>, AppError> {
    Ok(vec![
        stmt(
            db,
            "DELETE FROM webhook_attempts WHERE delivery_id IN (SELECT id FROM webhook_deliveries WHERE endpoint_id = ?1)",
            &[text(id)],
        )?,
        stmt(db, "DELETE FROM webhook_deliveries WHERE endpoint_id = ?1", &[text(id)])?,
        stmt(db, "DELETE FROM webhook_endpoints WHERE id = ?1", &[text(id)])?,
    ])
}

/// A new secret; the old one keeps signing beside it until `grace_until`.
pub fn rotate(
    db: &D1Database,
    id: &str,
    secret: &str,
    grace_until: i64,
    now: i64,
) -> Result<D1PreparedStatement, AppError> {
    stmt(
        db,
        "UPDATE webhook_endpoints SET previous_secret = secret, previous_valid_until = ?3, secret = ?2, updated_at = ?4 WHERE id = ?1",
        &[text(id), text(secret), int(grace_until), int(now)],
    )
}

/// A message made by an admin (a test event), delivered to one endpoint.
pub fn insert_test(
    db: &D1Database,
    message_id: &str,
    endpoint: &Endpoint,
    payload: &str,
    now: i64,
) -> Result<[D1PreparedStatement; 2], AppError> {
    Ok([
        stmt(
            db,
            "INSERT INTO webhook_messages (id, app_id, type, payload, created_at) VALUES (?1, ?2, 'test', ?3, ?4)",
            &[text(message_id), text(&endpoint.app_id), text(payload), int(now)],
        )?,
        stmt(
            db,
            "INSERT INTO webhook_deliveries (message_id, endpoint_id, next_attempt_at, created_at, updated_at) VALUES (?1, ?2, ?3, ?3, ?3)",
            &[text(message_id), text(&endpoint.id), int(now)],
        )?,
    ])
}

/// A delivery due now, with all it takes to send it.
#[derive(Deserialize)]
pub struct Due {
    pub id: i64,
    pub message_id: String,
    /// When the delivery was made (or replayed): its retry window's start.
    pub created_at: i64,
    pub event_type: String,
    pub payload: Option<String>,
    pub audit_kind: Option<String>,
    pub detail: Option<String>,
    pub event_at: Option<i64>,
    pub session_id: Option<String>,
    pub app_id: String,
    pub subscription_id: Option<String>,
    pub customer_id: Option<String>,
    pub experience_id: Option<String>,
    pub variant_id: Option<String>,
    pub fields: Option<String>,
    pub unverified_fields: Option<String>,
    pub receipt: Option<String>,
    /// The app's development setting (1 when on).
    pub app_allows_private: Option<i64>,
    pub endpoint_id: String,
    pub url: String,
    pub secret: String,
    pub previous_secret: Option<String>,
    pub previous_valid_until: Option<i64>,
    pub attempts: i64,
}

/// Due deliveries, oldest first. A session's messages go to an endpoint in
/// order: one waits while an earlier one of its session is still pending.
pub async fn due(db: &D1Database, now: i64, limit: u32) -> Result<Vec<Due>, AppError> {
    due_where(db, "", &[int(now), int(i64::from(limit))]).await
}

/// Delivery `id` if it is due now (and not waiting for an earlier one).
pub async fn due_one(db: &D1Database, id: i64, now: i64) -> Result<Option<Due>, AppError> {
    Ok(due_where(db, "AND d.id = ?3", &[int(now), int(1), int(id)])
        .await?
        .into_iter()
        .next())
}

async fn due_where(db: &D1Database, extra: &str, args: &[JsValue]) -> Result<Vec<Due>, AppError> {
    Ok(stmt(
        db,
        &format!("SELECT d.id, d.message_id, d.created_at, m.type AS event_type, m.payload, \
         ev.kind AS audit_kind, ev.detail, ev.created_at AS event_at, m.session_id, m.app_id, s.subscription_id, \
         s.customer_id, s.experience_id, s.variant_id, s.fields, s.unverified_fields, s.receipt, \
         (SELECT json_extract(a.settings, '$.webhooks_allow_private') FROM apps a WHERE a.id = m.app_id) AS app_allows_private, \
         e.id AS endpoint_id, e.url, e.secret, \
         e.previous_secret, e.previous_valid_until, d.attempts \
         FROM webhook_deliveries d \
         JOIN webhook_messages m ON m.id = d.message_id \
         JOIN webhook_endpoints e ON e.id = d.endpoint_id AND e.enabled = 1 \
         LEFT JOIN session_events ev ON ev.id = m.session_event_id \
         LEFT JOIN sessions s ON s.id = m.session_id \
         WHERE d.status = {pending} AND d.next_attempt_at <= ?1 AND d.lease_until < ?1 {extra} \
         AND NOT EXISTS (SELECT 1 FROM webhook_deliveries p JOIN webhook_messages pm ON pm.id = p.message_id \
           WHERE p.endpoint_id = d.endpoint_id AND pm.session_id = m.session_id AND p.id < d.id AND p.status = {pending}) \
         ORDER BY d.id LIMIT ?2",
        pending = DeliveryStatus::Pending.sql()),
        args,
    )?
    .all()
    .await?
    .results()?)
}

/// Takes a due delivery for one attempt; false when another worker has it.
pub async fn claim(db: &D1Database, id: i64, now: i64, lease_secs: i64) -> Result<bool, AppError> {
    let res = update_row(
        db,
        "webhook_deliveries",
        &[
            ("lease_until", int(now + lease_secs)),
            ("updated_at", int(now)),
        ],
        &["attempts = attempts + 1"],
        &format!(
            "id = ? AND status = {} AND lease_until < ?",
            DeliveryStatus::Pending.sql()
        ),
        &[int(id), int(now)],
    )?
    .run()
    .await?;
    Ok(super::won(&res))
}

/// One attempt's result.
pub struct Attempt<'a> {
    pub delivery_id: i64,
    pub status: Option<u16>,
    pub latency_ms: i64,
    pub error: Option<&'a str>,
    pub outcome: DeliveryStatus,
    pub next_attempt_at: i64,
}

pub fn record(
    db: &D1Database,
    a: &Attempt<'_>,
    now: i64,
) -> Result<[D1PreparedStatement; 2], AppError> {
    let status = a.status.map(i64::from);
    Ok([
        update_row(
            db,
            "webhook_deliveries",
            &[
                ("status", text(a.outcome.as_str())),
                ("next_attempt_at", int(a.next_attempt_at)),
                // A retry is the queue's to send then; the sweep takes it
                // only if the queue has not a minute later.
                ("queued_at", int(a.next_attempt_at)),
                ("lease_until", int(0)),
                ("last_status", opt_int(status)),
                ("last_error", opt_text(a.error)),
                ("last_latency_ms", int(a.latency_ms)),
                ("updated_at", int(now)),
            ],
            &[],
            "id = ?",
            &[int(a.delivery_id)],
        )?,
        insert_row(
            db,
            "webhook_attempts",
            &[
                ("delivery_id", int(a.delivery_id)),
                ("at", int(now)),
                ("status", opt_int(status)),
                ("latency_ms", int(a.latency_ms)),
                ("error", opt_text(a.error)),
            ],
            "",
        )?,
    ])
}

/// `410 Gone`: the receiver asks never to be called again.
pub fn disable(
    db: &D1Database,
    endpoint_id: &str,
    reason: &str,
    now: i64,
) -> Result<D1PreparedStatement, AppError> {
    stmt(
        db,
        "UPDATE webhook_endpoints SET enabled = 0, disabled_reason = ?2, updated_at = ?3 WHERE id = ?1",
        &[text(endpoint_id), text(reason), int(now)],
    )
}

pub async fn log(
    db: &D1Database,
    endpoint_id: &str,
    limit: u32,
) -> Result<Vec<DeliveryView>, AppError> {
    Ok(stmt(
        db,
        &format!("{DELIVERY} WHERE d.endpoint_id = ?1 ORDER BY d.id DESC LIMIT ?2"),
        &[text(endpoint_id), int(i64::from(limit))],
    )?
    .all()
    .await?
    .results()?)
}

/// Sends a delivery again, with the same webhook-id, from now.
pub fn replay(
    db: &D1Database,
    delivery_id: i64,
    endpoint_id: &str,
    now: i64,
) -> Result<D1PreparedStatement, AppError> {
    update_row(
        db,
        "webhook_deliveries",
        &[
            ("status", text(DeliveryStatus::Pending.as_str())),
            ("attempts", int(0)),
            ("next_attempt_at", int(now)),
            ("lease_until", int(0)),
            ("created_at", int(now)),
            ("updated_at", int(now)),
            ("dead_lettered_at", JsValue::NULL),
        ],
        &[],
        "id = ? AND endpoint_id = ?",
        &[int(delivery_id), text(endpoint_id)],
    )
}

/// When a pending, due, free delivery waits for an earlier one of its
/// session to the same endpoint: that one's next attempt. None when it
/// does not wait (or is not pending, due and free).
pub async fn waits_for(db: &D1Database, id: i64, now: i64) -> Result<Option<i64>, AppError> {
    #[derive(Deserialize)]
    struct Row {
        next: Option<i64>,
    }
    let row: Option<Row> = stmt(
        db,
        &format!(
            "SELECT MIN(p.next_attempt_at) AS next FROM webhook_deliveries d \
             JOIN webhook_messages m ON m.id = d.message_id \
             JOIN webhook_messages pm ON pm.session_id = m.session_id \
             JOIN webhook_deliveries p ON p.message_id = pm.id AND p.endpoint_id = d.endpoint_id \
             WHERE d.id = ?1 AND d.status = {pending} AND d.next_attempt_at <= ?2 AND d.lease_until < ?2 \
             AND p.id < d.id AND p.status = {pending}",
            pending = DeliveryStatus::Pending.sql()
        ),
        &[int(id), int(now)],
    )?
    .first(None)
    .await?;
    Ok(row.and_then(|r| r.next))
}

/// New deliveries due now that no relay has enqueued yet, marked as
/// enqueued in the same batch (the relay after a request sends each once).
pub async fn take_new(db: &D1Database, now: i64, limit: u32) -> Result<Vec<i64>, AppError> {
    let sel = format!(
        "SELECT id FROM webhook_deliveries WHERE status = {} AND next_attempt_at <= ?1 AND queued_at = 0 \
         ORDER BY id LIMIT ?2",
        DeliveryStatus::Pending.sql()
    );
    let args = [int(now), int(i64::from(limit))];
    let rows: Vec<IdRow> =
        super::take_marked(db, "webhook_deliveries", "id", &sel, &args, now).await?;
    Ok(rows.into_iter().map(|r| r.id).collect())
}

/// Deliveries due at `now` that no queue has held for a minute (lost, or
/// never enqueued), marked as enqueued: the cron's sweep.
pub async fn take_lost(db: &D1Database, now: i64, limit: u32) -> Result<Vec<i64>, AppError> {
    let sel = format!(
        "SELECT id FROM webhook_deliveries WHERE status = {} AND next_attempt_at <= ?1 AND lease_until < ?1 \
         AND queued_at < ?1 - 60 ORDER BY id LIMIT ?2",
        DeliveryStatus::Pending.sql()
    );
    let args = [int(now), int(i64::from(limit))];
    let rows: Vec<IdRow> =
        super::take_marked(db, "webhook_deliveries", "id", &sel, &args, now).await?;
    Ok(rows.into_iter().map(|r| r.id).collect())
}

#[derive(Deserialize)]
struct IdRow {
    id: i64,
}

/// Its message reached the dead-letter queue: failed for good, marked so
/// in the delivery log.
pub fn dead_lettered(db: &D1Database, id: i64, now: i64) -> Result<D1PreparedStatement, AppError> {
    update_row(
        db,
        "webhook_deliveries",
        &[
            ("status", text(DeliveryStatus::Failed.as_str())),
            ("dead_lettered_at", int(now)),
            ("lease_until", int(0)),
            ("updated_at", int(now)),
        ],
        &[],
        "id = ? AND status <> ?",
        &[int(id), text(DeliveryStatus::Delivered.as_str())],
    )
}

#[derive(Deserialize)]
struct DeadRow {
    endpoint_id: String,
    app_id: String,
    url: String,
    #[serde(flatten)]
    delivery: DeliveryView,
}

/// Deliveries in the dead-letter queue and not replayed since, newest first.
pub async fn dead_letters(db: &D1Database, limit: u32) -> Result<Vec<DeadLetter>, AppError> {
    let rows: Vec<DeadRow> = stmt(
        db,
        &format!(
            "SELECT e.id AS endpoint_id, e.app_id, e.url, x.* FROM ({DELIVERY} \
             WHERE d.dead_lettered_at IS NOT NULL ORDER BY d.dead_lettered_at DESC LIMIT ?1) x \
             JOIN webhook_deliveries dd ON dd.id = x.id JOIN webhook_endpoints e ON e.id = dd.endpoint_id"
        ),
        &[int(i64::from(limit))],
    )?
    .all()
    .await?
    .results()?;
    Ok(rows
        .into_iter()
        .map(|r| DeadLetter {
            endpoint_id: r.endpoint_id,
            app_id: r.app_id,
            url: r.url,
            delivery: r.delivery,
        })
        .collect())
}
