//! Attribution at the moment of a save: confirmed in Stripe, with its MRR.

use serde_json::json;

use crate::helpers::{now, stack_alone};

fn attribution(s: &crate::helpers::Stack, sub: &str) -> Vec<serde_json::Value> {
    s.sql(&format!("SELECT attribution, mrr, mrr_currency FROM sessions WHERE subscription_id = '{sub}' ORDER BY created_at"))
}

#[test]
fn a_save_is_confirmed_in_stripe_and_booked_with_its_mrr() {
    let s = stack_alone();
    let kept = s.subscription();
    let token = s.session("t_signed", &kept.id);
    assert_eq!(s.api(&token, "deflect", &json!({})).status, 200);
    let rows = attribution(&s, &kept.id);
    assert_eq!(rows[0]["attribution"], "confirmed");
    assert_eq!(rows[0]["mrr"], 2400, "24.00 a month");
    assert_eq!(rows[0]["mrr_currency"], "usd");

    let yearly = s.subscription_on("snack_yearly");
    let token = s.session("t_offers", &yearly.id);
    assert_eq!(s.accept_save25(&token).status, 200);
    let rows = attribution(&s, &yearly.id);
    assert_eq!(rows[0]["attribution"], "confirmed");
    assert_eq!(rows[0]["mrr"], 1250, "150.00 a year is 12.50 a month");

    // Cancelled elsewhere before the customer clicked "keep": not a save.
    let gone = s.subscription();
    let token = s.session("t_signed", &gone.id);
    s.stripe(
        "POST",
        &format!("/v1/subscriptions/{}", gone.id),
        &[("cancel_at_period_end", "true")],
    );
    assert_eq!(s.api(&token, "deflect", &json!({})).status, 200);
    assert_eq!(attribution(&s, &gone.id)[0]["attribution"], "not_saved");
}

#[test]
fn with_attribution_off_a_save_is_not_checked() {
    let s = stack_alone();
    let app = crate::helpers::admin().app_with("No attribution", &json!({"attribution": false}));
    let other = s.subscription();
    let token = s.session_with(&app, &other.id, json!({}));
    let reads_before = s.stripe_requests(&other.id).len();
    assert_eq!(s.api(&token, "deflect", &json!({})).status, 200);
    assert_eq!(
        s.stripe_requests(&other.id).len(),
        reads_before,
        "no Stripe read"
    );
    assert_eq!(
        attribution(&s, &other.id)[0]["attribution"],
        serde_json::Value::Null
    );
}

/// A `Stripe-Signature` made by the official `stripe` Python package.
fn stripe_signs(payload: &str, secret: &str, timestamp: i64) -> String {
    crate::helpers::python(
        "import stripe, sys; print(stripe.WebhookSignature.generate_signature_header(sys.argv[1], sys.argv[2], int(sys.argv[3])))",
        &[payload, secret, &timestamp.to_string()],
    )
}

#[test]
fn stripe_webhooks_are_verified_handled_once_and_update_attribution() {
    let s = stack_alone();
    let secret = std::env::var("STRIPE_WEBHOOK_SECRET").expect("the test webhook secret");
    let sub = s.subscription();
    let token = s.session("t_signed", &sub.id);
    assert_eq!(s.api(&token, "deflect", &json!({})).status, 200);
    assert_eq!(attribution(&s, &sub.id)[0]["attribution"], "confirmed");

    let mut object = s.read_subscription(&sub.id);
    object["status"] = json!("canceled");
    let event = json!({"id": format!("evt_{}", sub.id), "type": "customer.subscription.deleted", "data": {"object": object}}).to_string();
    let url = format!("{}/api/stripe/webhook", s.url);
    let post = |body: &str, header: &str| {
        crate::helpers::post_raw(&url, body, &[("stripe-signature", header)])
    };

    assert_eq!(
        post(&event, &stripe_signs(&event, "whsec_wrong", now())).status,
        400,
        "wrong secret"
    );
    assert_eq!(
        post(&event, &stripe_signs(&event, &secret, now() - 600)).status,
        400,
        "stale timestamp"
    );
    let changed = event.replace("canceled", "active");
    assert_eq!(
        post(&changed, &stripe_signs(&event, &secret, now())).status,
        400,
        "changed body"
    );
    assert_eq!(
        attribution(&s, &sub.id)[0]["attribution"],
        "confirmed",
        "refused events change nothing"
    );

    let header = stripe_signs(&event, &secret, now());
    let first = post(&event, &header);
    assert_eq!(first.status, 200, "{}", first.body);
    assert_eq!(first.body["duplicate"], false);
    assert_eq!(attribution(&s, &sub.id)[0]["attribution"], "lost");
    let events_after = s.sql(&format!("SELECT COUNT(*) AS n FROM session_events e JOIN sessions x ON x.id = e.session_id WHERE x.subscription_id = '{}'", sub.id));

    // A replay changes nothing, even once a new save of the same subscription exists.
    let again = s.session("t_signed", &sub.id);
    assert_eq!(s.api(&again, "deflect", &json!({})).status, 200);
    let replay = post(&event, &header);
    assert_eq!(replay.status, 200);
    assert_eq!(replay.body["duplicate"], true);
    let events_now = s.sql(&format!("SELECT COUNT(*) AS n FROM session_events e JOIN sessions x ON x.id = e.session_id WHERE x.subscription_id = '{}' AND e.kind = 'save_lost'", sub.id));
    assert_eq!(events_now[0]["n"], 1);
    let rows = attribution(&s, &sub.id);
    assert_eq!(
        (
            rows[0]["attribution"].as_str(),
            rows[1]["attribution"].as_str()
        ),
        (Some("lost"), Some("confirmed")),
        "the new save stands"
    );
    assert!(events_after[0]["n"].as_i64().expect("count") >= 3);
}

#[test]
fn the_cron_books_watched_saves_as_saved_or_lost_with_the_reason() {
    let s = stack_alone();
    let saved = |_: ()| {
        let sub = s.subscription();
        let token = s.session("t_signed", &sub.id);
        assert_eq!(s.api(&token, "deflect", &json!({})).status, 200);
        assert_eq!(attribution(&s, &sub.id)[0]["attribution"], "confirmed");
        sub
    };
    let (kept, cancelled, scheduled) = (saved(()), saved(()), saved(()));
    s.stripe(
        "DELETE",
        &format!("/v1/subscriptions/{}", cancelled.id),
        &[],
    );
    s.stripe(
        "POST",
        &format!("/v1/subscriptions/{}", scheduled.id),
        &[("cancel_at_period_end", "true")],
    );

    // The window passes for these three (the others are watched for 30 days).
    let ids = [&kept.id, &cancelled.id, &scheduled.id]
        .map(|id| format!("'{id}'"))
        .join(", ");
    s.sql(&format!(
        "UPDATE sessions SET watch_until = 0 WHERE subscription_id IN ({ids})"
    ));
    s.run_cron();

    let row = |id: &str| {
        s.sql(&format!(
            "SELECT attribution, attribution_reason FROM sessions WHERE subscription_id = '{id}'"
        ))[0]
            .clone()
    };
    assert_eq!(row(&kept.id)["attribution"], "saved");
    assert_eq!(row(&cancelled.id)["attribution"], "lost");
    assert_eq!(
        row(&cancelled.id)["attribution_reason"],
        "cancelled elsewhere"
    );
    assert_eq!(row(&scheduled.id)["attribution"], "lost");
    assert_eq!(row(&scheduled.id)["attribution_reason"], "cancel scheduled");
    let kinds = s.sql(&format!(
        "SELECT e.kind FROM session_events e JOIN sessions x ON x.id = e.session_id WHERE x.subscription_id = '{}' ORDER BY e.id",
        kept.id
    ));
    assert_eq!(
        kinds.last().map(|k| k["kind"].clone()),
        Some(json!("save_kept"))
    );
}
