use super::*;
use serde_json::json;

fn customer(id: &str, email: &str) -> Value {
    json!({"id": id, "object": "customer", "email": email, "metadata": {"kundennummer": "K-1001"}})
}

fn sub(id: &str, status: &str, ending: bool, product: &str) -> Value {
    json!({"id": id, "object": "subscription", "status": status, "cancel_at_period_end": ending,
        "customer": "cus_1", "metadata": {"vertrag": format!("V-{id}")},
        "items": {"data": [{"price": {"id": "price_1", "product": product, "unit_amount": 500, "currency": "eur"}}]}})
}

fn list(subs: Vec<Value>) -> Value {
    json!({"object": "list", "data": subs})
}

#[test]
fn the_customer_is_the_one_whose_address_is_the_typed_one_in_any_case() {
    let found = [
        customer("cus_1", "Grete@Example.org"),
        customer("cus_2", "other@example.org"),
    ];
    let one = one_customer("grete@example.ORG", &found).map(|c| c["id"].clone());
    assert_eq!(one, Ok(json!("cus_1")));
    assert_eq!(
        one_customer("x@example.org", &found).err(),
        Some(Unmatched::NoCustomer)
    );
    assert_eq!(
        one_customer("x@example.org", &[]).err(),
        Some(Unmatched::NoCustomer)
    );
    let twice = [
        customer("cus_1", "a@example.org"),
        customer("cus_2", "A@example.org"),
    ];
    assert_eq!(
        one_customer("a@example.org", &twice).err(),
        Some(Unmatched::SeveralCustomers)
    );
}

#[test]
fn one_live_subscription_is_the_match_and_anything_else_says_why_not() {
    let c = customer("cus_1", "a@example.org");
    let pick = |subs: Vec<Value>, products: &[&str], number: Option<&str>| {
        one_subscription(&c, &list(subs), products, number).map(|f| f.id)
    };
    let live = || sub("sub_live", "active", false, "prod_a");
    let ended = sub("sub_old", "canceled", false, "prod_a");
    let ending = sub("sub_ending", "active", true, "prod_a");
    assert_eq!(
        pick(vec![live(), ended.clone(), ending.clone()], &[], None),
        Ok("sub_live".into())
    );
    assert_eq!(
        pick(vec![ended.clone(), ending.clone()], &[], None),
        Err(Unmatched::NoSubscription)
    );
    let other = sub("sub_b", "trialing", false, "prod_b");
    assert_eq!(
        pick(vec![live(), other.clone()], &[], None),
        Err(Unmatched::SeveralSubscriptions)
    );
    // The page's products narrow it down; a number does too.
    assert_eq!(
        pick(vec![live(), other.clone()], &["prod_b"], None),
        Ok("sub_b".into())
    );
    assert_eq!(
        pick(vec![live(), other.clone()], &["prod_c"], None),
        Err(Unmatched::NoSubscription)
    );
    assert_eq!(
        pick(vec![live(), other.clone()], &[], Some("v-sub_b")),
        Ok("sub_b".into())
    );
    assert_eq!(
        pick(vec![live()], &[], Some(" sub_live ")),
        Ok("sub_live".into())
    );
    assert_eq!(
        pick(vec![live()], &[], Some("K-1001")),
        Ok("sub_live".into()),
        "the customer's number names all of its subscriptions"
    );
    assert_eq!(
        pick(vec![live()], &[], Some("K-9999")),
        Err(Unmatched::NumberMismatch)
    );
    assert_eq!(
        pick(vec![live(), other], &[], Some("K-1001")),
        Err(Unmatched::SeveralSubscriptions)
    );
    assert_eq!(
        one_subscription(&c, &json!({"error": {}}), &[], None).err(),
        Some(Unmatched::NoSubscription)
    );
}
