//! Outgoing webhooks per the Standard Webhooks specification: the events
//! and their versioned payloads, `whsec_` secrets and `v1` signatures, the
//! retry schedule, and which endpoint URLs may be called at all.

use crate::audit::EventKind;
use crate::work::DeliveryStatus;
use base64::engine::general_purpose::STANDARD as B64;
use base64::Engine;
use hmac::{Hmac, Mac};
use serde::{Deserialize, Serialize};
use serde_json::{json, Map, Value};
use sha2::Sha256;

pub mod url_check;

/// The payloads' version; a breaking change gets a new one.
pub const API_VERSION: &str = "2026-11-01";
/// How long a message is retried before it is marked failed.
pub const RETRY_WINDOW_SECS: i64 = 3 * 86_400;
pub const SECRET_PREFIX: &str = "whsec_";

/// The events an endpoint can subscribe to.
pub const EVENT_TYPES: [&str; 10] = [
    "session.started",
    "reason.chosen",
    "offer.accepted",
    "cancel.requested",
    "cancel.resolved",
    "cancel.completed",
    "session.deflected",
    "save.confirmed",
    "save.lost",
    "test",
];

/// What a payload says about its session; all of it is fixed once the
/// session has started, so a retry sends the same bytes.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct SessionFacts {
    pub session_id: String,
    pub app_id: String,
    pub subscription_id: Option<String>,
    pub customer_id: Option<String>,
    pub experience_id: Option<String>,
    pub variant_id: Option<String>,
    /// The session's fields (mapped ones included).
    pub fields: Value,
    /// The names among `fields` that the customer's browser supplied.
    #[serde(default)]
    pub unverified: Vec<String>,
    /// The cancel's confirmation (`receipt::Receipt`), once there is one:
    /// merchants who send their own confirmation read it from the events.
    #[serde(default)]
    pub receipt: Option<Value>,
}

/// `{"verified": {...}, "unverified": {...}}`: what Stripe, the merchant's
/// server or a signature vouches for, apart from what the browser said.
fn split_fields(fields: &Value, unverified: &[String]) -> Value {
    let (mut verified, mut browser) = (Map::new(), Map::new());
    for (k, v) in fields.as_object().into_iter().flatten() {
        let side = if unverified.contains(k) {
            &mut browser
        } else {
            &mut verified
        };
        side.insert(k.clone(), v.clone());
    }
    json!({"verified": verified, "unverified": browser})
}

/// The event's JSON: `type`, `timestamp` (RFC 3339), `api_version`, and
/// `data` with the session and what the event adds from its audit entry.
pub fn payload(
    kind: &str,
    audit_kind: EventKind,
    at: i64,
    s: &SessionFacts,
    detail: &Value,
) -> Value {
    let mut data = Map::new();
    data.insert("session_id".into(), json!(s.session_id));
    data.insert("app_id".into(), json!(s.app_id));
    data.insert("subscription_id".into(), json!(s.subscription_id));
    data.insert("customer_id".into(), json!(s.customer_id));
    data.insert("experience_id".into(), json!(s.experience_id));
    data.insert("variant_id".into(), json!(s.variant_id));
    data.insert("fields".into(), split_fields(&s.fields, &s.unverified));
    let copy = |data: &mut Map<String, Value>, keys: &[&str]| {
        for k in keys {
            if let Some(v) = detail.get(*k) {
                data.insert((*k).to_owned(), v.clone());
            }
        }
    };
    match kind {
        "reason.chosen" => copy(&mut data, &["reason_id"]),
        "offer.accepted" => {
            copy(&mut data, &["offer_id", "kind", "billing"]);
            let merchant = detail.get("recorded_only") == Some(&Value::Bool(true));
            data.insert(
                "handled_by".into(),
                json!(if merchant { "merchant" } else { "holdfast" }),
            );
        }
        "cancel.requested" => {
            copy(&mut data, &["reason_id"]);
            // Where the cancel was declared: a session's page, or the
            // app's public page (issue 39).
            let channel = detail.get("channel").cloned();
            data.insert(
                "channel".into(),
                channel.unwrap_or_else(|| json!(crate::record::Channel::Session.as_str())),
            );
            data.insert("receipt".into(), json!(s.receipt));
            let merchant = audit_kind == EventKind::CancelRecorded;
            data.insert(
                "handled_by".into(),
                json!(if merchant { "merchant" } else { "holdfast" }),
            );
        }
        // A reviewer closed a public declaration: `outcome` is cancelled
        // (Holdfast writes to Stripe), recorded (the merchant does) or
        // not_matched.
        "cancel.resolved" => {
            copy(&mut data, &["channel", "outcome", "subscription_ids"]);
            data.insert("receipt".into(), json!(s.receipt));
        }
        "cancel.completed" => {
            copy(&mut data, &["effective_at"]);
            let mut receipt = s.receipt.clone();
            if let (Some(Value::Object(r)), Some(at)) =
                (receipt.as_mut(), detail.get("effective_at"))
            {
                r.insert("ends_at".into(), at.clone());
            }
            data.insert("receipt".into(), json!(receipt));
        }
        "save.confirmed" | "save.lost" => copy(&mut data, &["reason", "stripe_event"]),
        _ => {}
    }
    json!({
        "type": kind,
        "timestamp": crate::dates::iso_time(at),
        "api_version": API_VERSION,
        "data": data,
    })
}

/// A new endpoint secret: 24 random bytes, base64, after `whsec_`.
pub fn secret_from(random: &[u8]) -> String {
    format!("{SECRET_PREFIX}{}", B64.encode(random))
}

/// The key inside a `whsec_` secret.
pub fn secret_key(secret: &str) -> Option<Vec<u8>> {
    let b64 = secret.strip_prefix(SECRET_PREFIX).unwrap_or(secret);
    B64.decode(b64).ok().filter(|k| !k.is_empty())
}

/// `v1,<base64 HMAC-SHA256 of "id.timestamp.body">`.
pub fn sign(key: &[u8], msg_id: &str, timestamp: i64, body: &str) -> String {
    let mut mac = match Hmac::<Sha256>::new_from_slice(key) {
        Ok(m) => m,
        // HMAC takes keys of any length; this arm cannot run.
        Err(_) => return String::new(),
    };
    mac.update(format!("{msg_id}.{timestamp}.{body}").as_bytes());
    format!("v1,{}", B64.encode(mac.finalize().into_bytes()))
}

/// The `webhook-signature` header: one signature per valid key, so a
/// receiver still on the previous secret verifies during a rotation.
pub fn signature_header(keys: &[Vec<u8>], msg_id: &str, timestamp: i64, body: &str) -> String {
    keys.iter()
        .map(|k| sign(k, msg_id, timestamp, body))
        .collect::<Vec<_>>()
        .join(" ")
}

/// When to try again after `attempts` failed tries of a message created at
/// `created_at`: exponential from 30 s, capped at 6 h, with jitter in
/// [0, 1); a `Retry-After` asks for later, never sooner. `None` once the
/// retry window has passed: the delivery has failed.
pub fn next_attempt(
    attempts: u32,
    created_at: i64,
    now: i64,
    retry_after: Option<i64>,
    jitter: f64,
) -> Option<i64> {
    let wait =
        crate::work::backoff_ms(attempts.saturating_sub(1), 30_000, 6 * 3_600_000, jitter) / 1000;
    let wait = (wait as i64).max(retry_after.unwrap_or(0).clamp(0, 86_400));
    let at = now + wait.max(1);
    (at <= created_at + RETRY_WINDOW_SECS).then_some(at)
}

/// What one delivery attempt got back.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Answer {
    /// The receiver answered with this status, perhaps with `Retry-After`
    /// in seconds.
    Status {
        status: u16,
        retry_after: Option<i64>,
    },
    /// No answer: a network error, a timeout, or a URL or secret that could
    /// not be used, in words for the delivery log.
    Failed(String),
}

/// What an attempt's answer makes of its delivery.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Verdict {
    pub outcome: DeliveryStatus,
    /// When to try again while pending; `now` otherwise.
    pub next_attempt_at: i64,
    /// The receiver's status, when it answered.
    pub status: Option<u16>,
    /// Why it was not delivered.
    pub error: Option<String>,
    /// The receiver answered `410 Gone`: its endpoint is switched off.
    pub disable_endpoint: bool,
}

/// Judges attempt number `attempts` (1 for the first) of a message created
/// at `created_at`: a 2xx delivers; `410 Gone` fails it and switches the
/// endpoint off; anything else (a redirect is not a delivery) is tried
/// again by [`next_attempt`] until the retry window closes.
pub fn judge(answer: &Answer, attempts: u32, created_at: i64, now: i64, jitter: f64) -> Verdict {
    let (status, retry_after, error) = match answer {
        Answer::Status { status, .. } if (200..300).contains(status) => {
            return Verdict {
                outcome: DeliveryStatus::Delivered,
                next_attempt_at: now,
                status: Some(*status),
                error: None,
                disable_endpoint: false,
            };
        }
        Answer::Status { status: 410, .. } => {
            return Verdict {
                outcome: DeliveryStatus::Failed,
                next_attempt_at: now,
                status: Some(410),
                error: Some("410 Gone: endpoint disabled".to_owned()),
                disable_endpoint: true,
            };
        }
        Answer::Status {
            status,
            retry_after,
        } => {
            let why = if (300..400).contains(status) {
                "a redirect is not a delivery"
            } else {
                "not a 2xx answer"
            };
            (Some(*status), *retry_after, why.to_owned())
        }
        Answer::Failed(e) => (None, None, e.clone()),
    };
    let next = next_attempt(attempts, created_at, now, retry_after, jitter);
    Verdict {
        outcome: if next.is_some() {
            DeliveryStatus::Pending
        } else {
            DeliveryStatus::Failed
        },
        next_attempt_at: next.unwrap_or(now),
        status,
        error: Some(error),
        disable_endpoint: false,
    }
}

#[cfg(test)]
mod tests;

/// An endpoint as the settings UI shows it; its secret is shown once, when
/// made or rotated.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct EndpointView {
    pub id: String,
    pub url: String,
    /// Empty: every event.
    pub event_types: Vec<String>,
    pub enabled: bool,
    pub disabled_reason: Option<String>,
    /// The previous secret still signs until then.
    pub previous_valid_until: Option<i64>,
    pub created_at: i64,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct EndpointRequest {
    pub url: String,
    #[serde(default)]
    pub event_types: Vec<String>,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct UpdateEndpointRequest {
    #[serde(default)]
    pub url: Option<String>,
    #[serde(default)]
    pub event_types: Option<Vec<String>>,
    #[serde(default)]
    pub enabled: Option<bool>,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct CreatedEndpoint {
    pub endpoint: EndpointView,
    pub secret: String,
}

/// One delivery in an endpoint's log.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct DeliveryView {
    pub id: i64,
    pub message_id: String,
    pub event_type: String,
    pub session_id: Option<String>,
    pub status: crate::work::DeliveryStatus,
    pub attempts: i64,
    pub last_status: Option<i64>,
    pub last_error: Option<String>,
    pub last_latency_ms: Option<i64>,
    pub next_attempt_at: i64,
    pub created_at: i64,
    pub updated_at: i64,
    /// When its message reached the dead-letter queue (it failed for good);
    /// a replay sends it again.
    #[serde(default)]
    pub dead_lettered_at: Option<i64>,
}

/// A delivery whose message reached the dead-letter queue, with where it
/// was going (the Operations page lists them across endpoints).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct DeadLetter {
    pub endpoint_id: String,
    pub app_id: String,
    pub url: String,
    #[serde(flatten)]
    pub delivery: DeliveryView,
}

/// The event types an endpoint may subscribe to (test events always go to
/// the endpoint they test).
pub fn check_event_types(types: &[String]) -> Result<(), crate::validation::FieldIssue> {
    match types
        .iter()
        .find(|t| t.as_str() == "test" || !EVENT_TYPES.contains(&t.as_str()))
    {
        Some(bad) => Err(crate::validation::FieldIssue {
            field: "event_types".into(),
            message: format!("{bad} is not an event type"),
        }),
        None => Ok(()),
    }
}

/// The test event's payload.
pub fn test_payload(app_id: &str, at: i64) -> Value {
    json!({
        "type": "test",
        "timestamp": crate::dates::iso_time(at),
        "api_version": API_VERSION,
        "data": {"app_id": app_id, "message": "A test event from Holdfast."},
    })
}
