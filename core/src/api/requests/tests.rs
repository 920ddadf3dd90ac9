use super::*;
use serde_json::json;

fn sub(id: &str, status: &str, ending: bool) -> Value {
    json!({"id": id, "object": "subscription", "status": status, "customer": "cus_1",
        "cancel_at_period_end": ending, "current_period_end": 1_800_000_000,
        "items": {"data": [{"price": {"id": "price_1", "nickname": "Pro monthly", "unit_amount": 1200,
            "currency": "eur", "recurring": {"interval": "month"}, "product": "prod_1"}}]}})
}

#[test]
fn a_customers_subscriptions_are_listed_live_first_with_what_a_reviewer_needs() {
    let customer = json!({"id": "cus_1", "name": "Grete Müller", "email": "Grete@example.org"});
    let list = json!({"object": "list", "data": [
        sub("sub_old", "canceled", false),
        sub("sub_ending", "active", true),
        sub("sub_live", "past_due", false),
        {"id": "in_1", "object": "invoice"},
    ]});
    let found = Candidate::of_customer(&customer, &list);
    let ids: Vec<&str> = found.iter().map(|c| c.subscription_id.as_str()).collect();
    assert_eq!(ids, ["sub_live", "sub_old", "sub_ending"]);
    let live = &found[0];
    assert!(live.cancellable);
    assert_eq!(live.status, SubscriptionState::PastDue);
    assert_eq!(
        (live.plan.as_deref(), live.amount, live.currency.as_deref()),
        (Some("Pro monthly"), Some(1200), Some("eur"))
    );
    assert_eq!(live.interval.as_deref(), Some("month"));
    assert_eq!(live.customer_email.as_deref(), Some("Grete@example.org"));
    assert_eq!(live.current_period_end, Some(1_800_000_000));
    assert!(!found[2].cancellable, "already ending at the period's end");
    assert!(Candidate::of_customer(&json!({"name": "no id"}), &list).is_empty());
    assert!(Candidate::of_customer(&customer, &json!({"error": {}})).is_empty());
}

#[test]
fn the_picks_are_each_subscription_once_the_single_one_first() {
    let r = ResolveRequest {
        subscription_id: Some(" sub_a ".into()),
        subscription_ids: vec!["sub_b".into(), "sub_a".into(), "  ".into(), "sub_b".into()],
        not_matched: None,
    };
    assert_eq!(r.picks(), ["sub_a", "sub_b"]);
    assert!(ResolveRequest::default().picks().is_empty());
}
