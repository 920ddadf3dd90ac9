use super::*;
use serde_json::json;

use crate::fixtures::fixture;

/// Today's shape: the fixture subscription with customer and product
/// expanded the way precancel asks for them.
fn todays_subscription() -> Value {
    let mut sub = fixture("subscription");
    sub["customer"] = fixture("customer");
    let mut product = fixture("product");
    product["name"] = json!("Premium Snack Pack");
    sub["items"]["data"][0]["price"]["product"] = product;
    sub
}

#[test]
fn reads_todays_stripe_shape_from_the_official_fixture() {
    let sub = todays_subscription();
    let facts = SubscriptionFacts::from_stripe(&sub).expect("a subscription");
    let f = &facts.fields;
    assert_eq!(facts.id, sub["id"].as_str().expect("id"));
    assert_eq!(f["subscription.plan.interval"], "month");
    assert_eq!(
        f["subscription.plan.interval_count"], "1",
        "price wins over the legacy plan"
    );
    assert_eq!(f["subscription.plan.amount_decimal"], "2000");
    assert_eq!(
        f["subscription.plan.id"],
        sub["items"]["data"][0]["price"]["id"]
            .as_str()
            .expect("price id")
    );
    assert_eq!(f["subscription.product.name"], "Premium Snack Pack");
    assert_eq!(
        f["subscription.current_period_end"], "976287773",
        "period read from the item"
    );
    assert_eq!(facts.current_period_end, Some(976_287_773));
    assert_eq!(facts.item_id.as_deref(), Some("si_QXhVnC2h0Jczwc"));
    assert_eq!(
        f["subscription.customer.id"],
        sub["customer"]["id"].as_str().expect("customer id")
    );
    assert_eq!(facts.customer_id.as_deref(), sub["customer"]["id"].as_str());
}

#[test]
fn reads_localstripes_older_shape() {
    let sub = json!({
        "id": "sub_old", "object": "subscription", "status": "active",
        "created": 946684800, "start_date": 946684800,
        "current_period_start": 946684800, "current_period_end": 949363200,
        "cancel_at_period_end": false, "trial_start": null, "trial_end": null,
        "customer": {"id": "cus_1", "object": "customer", "email": "jane@example.com", "created": 946684800},
        "plan": {"id": "premium_snack_pack", "interval": "year", "interval_count": 1,
                 "amount": 99000, "billing_scheme": "per_unit", "currency": "usd",
                 "product": {"id": "prod_1", "name": "Premium Snack Pack"}},
        "items": {"data": [{"id": "si_1", "quantity": 2,
                 "plan": {"id": "premium_snack_pack", "interval": "year", "interval_count": 1,
                          "amount": 99000, "billing_scheme": "per_unit",
                          "product": {"id": "prod_1", "name": "Premium Snack Pack"}}}]}
    });
    let facts = SubscriptionFacts::from_stripe(&sub).expect("a subscription");
    let f = &facts.fields;
    assert_eq!(facts.status, SubscriptionState::Active);
    assert_eq!(f["subscription.plan.id"], "premium_snack_pack");
    assert_eq!(f["subscription.plan.interval"], "year");
    assert_eq!(f["subscription.plan.amount_decimal"], "99000");
    assert_eq!(f["subscription.product.name"], "Premium Snack Pack");
    assert_eq!(f["subscription.customer.email"], "jane@example.com");
    assert_eq!(f["subscription.current_period_end"], "949363200");
    assert_eq!(f["subscription.quantity"], "2");
    assert!(
        !f.contains_key("subscription.trial_end_date"),
        "null stays absent"
    );
}

#[test]
fn unexpanded_ids_still_read() {
    let sub = json!({"id": "sub_x", "object": "subscription", "customer": "cus_9",
                     "items": {"data": [{"id": "si_9", "price": {"id": "price_9", "product": "prod_9"}}]}});
    let facts = SubscriptionFacts::from_stripe(&sub).expect("a subscription");
    assert_eq!(facts.customer_id.as_deref(), Some("cus_9"));
    assert_eq!(facts.fields["subscription.product.id"], "prod_9");
    assert!(!facts.fields.contains_key("subscription.product.name"));
    assert_eq!(facts.status, SubscriptionState::Unknown);
}

#[test]
fn other_objects_are_refused() {
    assert_eq!(
        SubscriptionFacts::from_stripe(&json!({"error": {}})),
        Err(FactsError::NotASubscription)
    );
    assert_eq!(
        SubscriptionFacts::from_stripe(&fixture("customer")),
        Err(FactsError::NotASubscription)
    );
}

#[test]
fn new_statuses_do_not_break_parsing() {
    let sub = json!({"id": "sub_x", "object": "subscription", "status": "frozen_by_future_api"});
    let facts = SubscriptionFacts::from_stripe(&sub).expect("a subscription");
    assert_eq!(facts.status, SubscriptionState::Unknown);
    assert!(!facts.status.is_live());
}
