//! The emulator is as strict as Stripe, or the edge tests would prove little.

use crate::helpers::stack;

#[test]
fn the_emulator_refuses_unknown_and_mistyped_parameters_like_stripe() {
    let s = stack();
    let sub = s.subscription();
    let path = format!("/v1/subscriptions/{}", sub.id);

    let a = s.stripe_answer(
        "POST",
        &path,
        &[("cancel_at_period_end", "true"), ("bogus", "1")],
    );
    assert_eq!(a.status, 400);
    assert_eq!(a.body["error"]["code"], "parameter_unknown");
    assert_eq!(a.body["error"]["param"], "bogus");

    let a = s.stripe_answer(
        "POST",
        &path,
        &[("cancellation_details[feedback]", "because")],
    );
    assert_eq!(a.status, 400);
    assert_eq!(a.body["error"]["param"], "cancellation_details[feedback]");

    let a = s.stripe_answer("POST", &path, &[("coupon", "SAVE25")]);
    assert_eq!(
        a.status, 400,
        "the singular coupon parameter is gone from today's API"
    );

    let a = s.stripe_answer("POST", &path, &[("cancel_at_period_end", "maybe")]);
    assert_eq!(a.status, 400);
    assert_eq!(a.body["error"]["code"], "parameter_invalid_boolean");

    assert_eq!(
        s.read_subscription(&sub.id)["cancel_at_period_end"],
        false,
        "refused requests changed nothing"
    );
}

#[test]
fn the_emulator_searches_customers_by_email_case_insensitively_and_nothing_else() {
    let s = stack();
    let email = format!("such.{}@example.org", crate::helpers::now());
    let cus = s.customer_named(&email, "Grete Müller");
    let search =
        |query: &str| s.stripe_get("/v1/customers/search", &[("query", query), ("limit", "5")]);
    let found = search(&format!("email:\"{}\"", email.to_uppercase()));
    assert_eq!(found.status, 200, "{}", found.body);
    assert_eq!(found.body["object"], "search_result");
    let ids: Vec<&str> = found.body["data"]
        .as_array()
        .into_iter()
        .flatten()
        .filter_map(|c| c["id"].as_str())
        .collect();
    assert_eq!(ids, [cus.as_str()]);
    let none = search("email:\"nobody-at-all@example.org\"");
    assert_eq!(none.body["data"], serde_json::json!([]));
    let other = search("name:\"Grete Müller\"");
    assert_eq!(
        (other.status, &other.body["error"]["param"]),
        (400, &serde_json::json!("query"))
    );
    let unknown = s.stripe_get(
        "/v1/customers/search",
        &[("query", "email:\"a@b.org\""), ("email", "a@b.org")],
    );
    assert_eq!(unknown.status, 400, "{}", unknown.body);
    assert_eq!(unknown.body["error"]["param"], "email");
}
