//! Attribution at the moment of a save: confirmed in Stripe, with its MRR.

use serde_json::json;

use crate::helpers::stack_alone;

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
    assert_eq!(
        s.api(&token, "offers/save25/accept", &json!({})).status,
        200
    );
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
    let a = crate::helpers::admin();
    let created = a
        .send(
            "POST",
            "/api/admin/apps",
            &json!({"name": "No attribution"}),
        )
        .body;
    let id = created["app"]["id"].as_str().expect("id").to_owned();
    let secret = created["signing_secret"]
        .as_str()
        .expect("secret")
        .to_owned();
    assert_eq!(
        a.send(
            "PUT",
            &format!("/api/admin/apps/{id}/settings"),
            &json!({"attribution": false})
        )
        .status,
        200
    );
    let other = s.subscription();
    let p = s.precancel(&json!({"app_id": id, "subscription_id": other.id, "auth_hash": holdfast_core::signing::auth_hash(&secret, &other.id)}));
    let token = p.body["url"]
        .as_str()
        .expect("url")
        .rsplit('/')
        .next()
        .expect("token")
        .to_owned();
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
