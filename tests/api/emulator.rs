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
