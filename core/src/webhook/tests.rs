use super::*;
use crate::audit::EventKind;

/// The Standard Webhooks reference vector (checked against the
/// `standardwebhooks` package).
#[test]
fn signs_like_the_reference_implementation() {
    let key = secret_key("whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw").expect("a key");
    assert_eq!(
        sign(
            &key,
            "msg_p5jXN8AQM9LWM0D4loKWxJek",
            1_614_265_330,
            r#"{"test": 2432232314}"#
        ),
        "v1,g0hM9SsE+OTPJTGt/tmIKtSyZlE3uFJELVlNIOLJ1OE="
    );
}

#[test]
fn a_rotation_sends_both_signatures() {
    let (old, new) = (vec![1u8; 24], vec![2u8; 24]);
    let header = signature_header(&[new.clone(), old.clone()], "msg_1", 10, "{}");
    let parts: Vec<&str> = header.split(' ').collect();
    assert_eq!(
        parts,
        [sign(&new, "msg_1", 10, "{}"), sign(&old, "msg_1", 10, "{}")]
    );
    assert!(secret_key("whsec_!!!").is_none());
    assert!(secret_key("whsec_").is_none());
    let made = secret_from(&[7u8; 24]);
    assert!(made.starts_with("whsec_"));
    assert_eq!(secret_key(&made), Some(vec![7u8; 24]));
}

#[test]
fn retries_back_off_and_stop_after_three_days() {
    let created = 1_000_000;
    let first = next_attempt(1, created, created, None, 0.0).expect("retry");
    assert_eq!(first, created + 15, "half of 30 s at the lowest jitter");
    let later = next_attempt(8, created, created, None, 1.0).expect("retry");
    assert_eq!(later, created + 3_840, "30 s × 2^7");
    assert_eq!(
        next_attempt(30, created, created, None, 1.0),
        Some(created + 6 * 3600),
        "capped at 6 h"
    );
    assert_eq!(
        next_attempt(1, created, created, Some(600), 0.0),
        Some(created + 600),
        "Retry-After is honoured"
    );
    assert_eq!(
        next_attempt(3, created, created + RETRY_WINDOW_SECS, None, 0.0),
        None
    );
}

#[test]
fn payloads_carry_the_session_and_the_events_own_facts() {
    let s = SessionFacts {
        session_id: "ses_1".into(),
        app_id: "app_1".into(),
        subscription_id: Some("sub_1".into()),
        customer_id: Some("cus_1".into()),
        experience_id: None,
        variant_id: None,
        fields: json!({"account.internal_id": "42", "subscription.id": "sub_1"}),
        unverified: vec!["account.internal_id".into()],
        receipt: Some(json!({"reference": "ses_1", "ends_at": null})),
    };
    let done = payload(
        "cancel.completed",
        EventKind::CancelCompleted,
        0,
        &s,
        &json!({"effective_at": 99}),
    );
    assert_eq!(done["data"]["receipt"]["reference"], "ses_1");
    assert_eq!(done["data"]["receipt"]["ends_at"], 99, "{done}");
    let asked = payload(
        "cancel.requested",
        EventKind::CancelRequested,
        0,
        &s,
        &json!({}),
    );
    assert_eq!(asked["data"]["receipt"]["ends_at"], Value::Null);
    assert_eq!(asked["data"]["channel"], "session");
    let public = payload(
        "cancel.requested",
        EventKind::CancelRecorded,
        0,
        &s,
        &json!({"channel": "public", "why": "public_page"}),
    );
    assert_eq!(public["data"]["channel"], "public");
    assert_eq!(public["data"]["handled_by"], "merchant");
    let resolved = payload(
        "cancel.resolved",
        EventKind::RequestResolved,
        0,
        &s,
        &json!({"channel": "public", "outcome": "cancelled", "resolved_by": "ops@shop.example"}),
    );
    assert_eq!(
        (&resolved["data"]["outcome"], &resolved["data"]["channel"]),
        (&json!("cancelled"), &json!("public"))
    );
    assert_eq!(resolved["data"]["receipt"]["reference"], "ses_1");
    assert!(
        resolved["data"].get("resolved_by").is_none(),
        "who reviewed stays in the audit trail"
    );
    let detail = json!({"offer_id": "save25", "kind": "discount", "billing": {"type": "discount", "coupon": "SAVE25"}, "recorded_only": true});
    let p = payload("offer.accepted", EventKind::OfferAccepted, 0, &s, &detail);
    assert_eq!(p["type"], "offer.accepted");
    assert_eq!(p["timestamp"], "1970-01-01T00:00:00Z");
    assert_eq!(p["api_version"], API_VERSION);
    assert_eq!(p["data"]["billing"]["coupon"], "SAVE25");
    assert_eq!(p["data"]["handled_by"], "merchant");
    assert_eq!(
        p["data"]["fields"]["unverified"]["account.internal_id"],
        "42"
    );
    assert_eq!(p["data"]["fields"]["verified"]["subscription.id"], "sub_1");
    assert!(
        p["data"]["fields"]["verified"]
            .get("account.internal_id")
            .is_none(),
        "never mixed"
    );
    let c = payload(
        "cancel.requested",
        EventKind::CancelRequested,
        0,
        &s,
        &json!({"reason_id": "unused"}),
    );
    assert_eq!(
        (
            c["data"]["reason_id"].as_str(),
            c["data"]["handled_by"].as_str()
        ),
        (Some("unused"), Some("holdfast"))
    );
}

/// The outbox triggers, as the latest migration wrote them (0025), list
/// exactly the kinds `EventKind` says announce an event or take a cancel,
/// and map them the same way.
#[test]
fn the_outbox_triggers_agree_with_event_kind() {
    let listed = |sql: &str| -> Vec<String> {
        let from = sql.find("WHEN NEW.kind IN (").expect("the trigger's list") + 18;
        let to = from + sql[from..].find(')').expect("its end");
        sql[from..to]
            .split(',')
            .map(|k| {
                k.trim()
                    .trim_matches(|c: char| c.is_whitespace() || c == '\'')
                    .to_owned()
            })
            .collect()
    };
    let latest = include_str!("../../../edge/migrations/0025_cancel_resolved.sql");
    let (sql, emails) = latest
        .split_once("CREATE TRIGGER email_outbox")
        .expect("both triggers");
    let announced: Vec<String> = EventKind::ALL
        .iter()
        .filter(|k| k.event_type().is_some())
        .map(|k| k.as_str().to_owned())
        .collect();
    assert_eq!(listed(sql), announced, "webhook_outbox's list");
    for kind in EventKind::ALL {
        if let Some(event) = kind.event_type() {
            assert!(
                sql.contains(&format!("WHEN '{kind}' THEN '{event}'")),
                "webhook_outbox lacks {kind} -> {event}"
            );
            assert!(EVENT_TYPES.contains(&event));
        }
    }
    assert_eq!(EventKind::OfferShown.event_type(), None);
    let takes: Vec<String> = EventKind::ALL
        .iter()
        .filter(|k| k.takes_cancel())
        .map(|k| k.as_str().to_owned())
        .collect();
    assert_eq!(listed(emails), takes, "email_outbox's list");
}

fn answered(status: u16, retry_after: Option<i64>) -> Answer {
    Answer::Status {
        status,
        retry_after,
    }
}

#[test]
fn a_2xx_delivers_and_a_410_switches_the_endpoint_off() {
    let ok = judge(&answered(204, None), 1, 0, 100, 0.5);
    assert_eq!(
        (ok.outcome, ok.status, ok.error, ok.disable_endpoint),
        (DeliveryStatus::Delivered, Some(204), None, false)
    );
    let gone = judge(&answered(410, Some(60)), 1, 0, 100, 0.5);
    assert_eq!(gone.outcome, DeliveryStatus::Failed);
    assert!(gone.disable_endpoint);
    assert_eq!(gone.next_attempt_at, 100);
}

#[test]
fn anything_else_is_tried_again_inside_the_window() {
    let redirect = judge(&answered(302, None), 1, 0, 100, 0.0);
    assert_eq!(redirect.outcome, DeliveryStatus::Pending);
    assert_eq!(
        redirect.error.as_deref(),
        Some("a redirect is not a delivery")
    );
    assert_eq!(redirect.next_attempt_at, 115);
    let busy = judge(&answered(503, Some(600)), 1, 0, 100, 0.0);
    assert_eq!((busy.status, busy.next_attempt_at), (Some(503), 700));
    assert_eq!(busy.error.as_deref(), Some("not a 2xx answer"));
    let unreachable = judge(&Answer::Failed("timed out".to_owned()), 2, 0, 100, 0.0);
    assert_eq!(unreachable.outcome, DeliveryStatus::Pending);
    assert_eq!(
        (unreachable.status, unreachable.error.as_deref()),
        (None, Some("timed out"))
    );
    assert!(!unreachable.disable_endpoint);
}

#[test]
fn after_the_window_an_attempt_fails_for_good() {
    let late = RETRY_WINDOW_SECS;
    let v = judge(&answered(500, None), 30, 0, late, 0.0);
    assert_eq!(
        (v.outcome, v.next_attempt_at),
        (DeliveryStatus::Failed, late)
    );
    assert_eq!(v.error.as_deref(), Some("not a 2xx answer"));
}
