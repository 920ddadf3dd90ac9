use super::*;
use crate::cancel::Feedback;
use proptest::prelude::*;

fn key() -> IdempotencyKey {
    IdempotencyKey::derive("ses_1", "cancel", "sub_1")
}

#[test]
fn precancel_is_one_get_with_its_expansions() {
    let r = retrieve_subscription("sub_123");
    assert_eq!(r.method, Method::Get);
    assert_eq!(
        r.url("http://127.0.0.1:12111/"),
        "http://127.0.0.1:12111/v1/subscriptions/sub_123?expand%5B%5D=customer&expand%5B%5D=items.data.price.product&expand%5B%5D=discounts.source.coupon"
    );
    assert_eq!(r.body(), None);
    assert!(!r.is_write());
}

#[test]
fn cancel_at_period_end_posts_the_reason() {
    let details =
        CancellationDetails::new(Some(Feedback::TooExpensive), Some("price went up & I left"));
    let r = cancel_subscription("sub_1", &CancelOptions::default(), &details, key());
    assert_eq!(r.method, Method::Post);
    assert_eq!(
        r.url("https://api.stripe.com"),
        "https://api.stripe.com/v1/subscriptions/sub_1"
    );
    assert_eq!(
        r.body().as_deref(),
        Some("cancel_at_period_end=true&cancellation_details%5Bfeedback%5D=too_expensive&cancellation_details%5Bcomment%5D=price+went+up+%26+I+left")
    );
    assert_eq!(
        r.idempotency_key.as_ref().map(IdempotencyKey::as_str),
        Some("holdfast:ses_1:cancel:sub_1")
    );
}

#[test]
fn cancel_now_deletes_with_invoice_and_proration_choices() {
    let opts = CancelOptions {
        timing: CancelTiming::Immediately,
        invoice_now: true,
        prorate: false,
        all_subscriptions: false,
        pass_through_url: None,
    };
    let r = cancel_subscription("sub_1", &opts, &CancellationDetails::default(), key());
    assert_eq!(r.method, Method::Delete);
    assert_eq!(
        r.url("https://api.stripe.com"),
        "https://api.stripe.com/v1/subscriptions/sub_1?invoice_now=true&prorate=false"
    );
    assert!(r.is_write());
}

#[test]
fn listing_a_customers_subscriptions_includes_every_status() {
    let r = list_customer_subscriptions("cus_1");
    assert!(r
        .url("x")
        .ends_with("/v1/subscriptions?customer=cus_1&status=all&limit=100"));
}

#[test]
fn idempotency_keys_are_stable_and_bounded() {
    assert_eq!(key(), key());
    assert_ne!(key(), IdempotencyKey::derive("ses_2", "cancel", "sub_1"));
    let long = IdempotencyKey::derive(&"s".repeat(300), "cancel", "sub_1");
    assert!(long.as_str().len() <= 255);
}

#[test]
fn stripe_errors_parse_and_print_without_the_body() {
    let e = StripeError::from_body(
        r#"{"error": {"type": "invalid_request_error", "code": "resource_missing", "param": "id", "message": "No such subscription: 'sub_x'"}}"#,
    );
    assert_eq!(e.code.as_deref(), Some("resource_missing"));
    assert_eq!(
        e.to_string(),
        "No such subscription: 'sub_x' (resource_missing, param id)"
    );
    assert_eq!(StripeError::from_body("<html>"), StripeError::default());
}

#[test]
fn only_safe_failures_are_retried() {
    assert!(should_retry(None, None), "network error");
    for s in [409, 429, 500, 502, 503] {
        assert!(should_retry(Some(s), None), "{s}");
    }
    for s in [400, 401, 402, 403, 404] {
        assert!(!should_retry(Some(s), None), "{s}");
    }
    assert!(!should_retry(Some(500), Some("false")));
    assert!(should_retry(Some(400), Some("true")));
}

proptest! {
    #[test]
    fn every_parameter_survives_encoding(comment in ".{1,200}") {
        let details = CancellationDetails::new(Some(Feedback::Other), Some(&comment));
        let r = cancel_subscription("sub_1", &CancelOptions::default(), &details, key());
        let body = r.body().expect("a POST body");
        let decoded: Vec<(String, String)> = form_urlencoded::parse(body.as_bytes()).into_owned().collect();
        prop_assert_eq!(decoded, r.params.clone());
    }
}

mod offers {
    use super::*;
    use crate::billing::{Billing, Interval, ProrationBehavior};
    use crate::offer::OfferPlan;

    fn plan(billing: Billing) -> OfferPlan {
        OfferPlan {
            offer_id: "o1".into(),
            subscription_id: "sub_1".into(),
            billing,
            item_id: Some("si_1".into()),
            existing_discounts: vec!["di_old".into()],
            resumes_at: Some(1_800_000_000),
        }
    }

    fn body(r: &StripeRequest) -> Vec<(String, String)> {
        r.params.clone()
    }

    fn pairs(p: &[(&str, &str)]) -> Vec<(String, String)> {
        p.iter()
            .map(|(k, v)| ((*k).to_owned(), (*v).to_owned()))
            .collect()
    }

    #[test]
    fn a_discount_keeps_the_existing_ones() {
        let r = apply_offer(
            &plan(Billing::Discount {
                coupon: "SAVE25".into(),
            }),
            key(),
        )
        .expect("a write");
        assert_eq!(r.method, Method::Post);
        assert_eq!(r.path, "/v1/subscriptions/sub_1");
        assert_eq!(
            body(&r),
            pairs(&[
                ("discounts[0][discount]", "di_old"),
                ("discounts[1][coupon]", "SAVE25")
            ])
        );
        assert!(r.idempotency_key.is_some());
    }

    #[test]
    fn pause_voids_and_extension_marks_uncollectible() {
        let p = apply_offer(
            &plan(Billing::Pause {
                duration: 2,
                interval: Interval::Month,
            }),
            key(),
        )
        .expect("a write");
        assert_eq!(
            body(&p),
            pairs(&[
                ("pause_collection[behavior]", "void"),
                ("pause_collection[resumes_at]", "1800000000")
            ])
        );
        let e = apply_offer(
            &plan(Billing::Extension {
                duration: 1,
                interval: Interval::Month,
            }),
            key(),
        )
        .expect("a write");
        assert_eq!(
            body(&e)[0],
            (
                "pause_collection[behavior]".to_owned(),
                "mark_uncollectible".to_owned()
            )
        );
    }

    #[test]
    fn a_plan_change_swaps_the_item_price_with_its_proration() {
        let billing = Billing::PlanChange {
            price: "price_y".into(),
            proration_behavior: ProrationBehavior::None,
        };
        let r = apply_offer(&plan(billing.clone()), key()).expect("a write");
        assert_eq!(
            body(&r),
            pairs(&[
                ("items[0][id]", "si_1"),
                ("items[0][price]", "price_y"),
                ("proration_behavior", "none")
            ])
        );
        let mut no_item = plan(billing);
        no_item.item_id = None;
        assert!(
            apply_offer(&no_item, key()).is_none(),
            "no item, no plan change"
        );
    }

    #[test]
    fn redirects_write_nothing() {
        assert!(apply_offer(
            &plan(Billing::Redirect {
                url: "https://x.example".into()
            }),
            key()
        )
        .is_none());
    }

    #[test]
    fn previews_describe_the_change() {
        let d = preview_offer(
            "sub_1",
            Some("si_1"),
            &["di_old".into()],
            &Billing::Discount { coupon: "C".into() },
        )
        .expect("preview");
        assert_eq!(d.path, "/v1/invoices/create_preview");
        assert_eq!(
            body(&d),
            pairs(&[
                ("subscription", "sub_1"),
                ("discounts[0][discount]", "di_old"),
                ("discounts[1][coupon]", "C")
            ])
        );
        let pc = preview_offer(
            "sub_1",
            Some("si_1"),
            &[],
            &Billing::PlanChange {
                price: "p".into(),
                proration_behavior: ProrationBehavior::AlwaysInvoice,
            },
        )
        .expect("preview");
        assert!(body(&pc).contains(&(
            "subscription_details[proration_behavior]".to_owned(),
            "always_invoice".to_owned()
        )));
        assert!(preview_offer(
            "sub_1",
            None,
            &[],
            &Billing::Pause {
                duration: 1,
                interval: Interval::Month
            }
        )
        .is_none());
    }
}

#[test]
fn a_customer_search_quotes_the_address_so_it_cannot_widen_the_query() {
    let r = search_customers_by_email("Grete@Example.org", 5);
    assert_eq!(
        r.url("https://api.stripe.com"),
        "https://api.stripe.com/v1/customers/search?query=email%3A%22Grete%40Example.org%22&limit=5"
    );
    assert!(!r.is_write());
    // A quote in a (quoted) local part stays inside the one value.
    let odd = search_customers_by_email(r#""a\" OR email:\"b"@x.org"#, 5);
    assert_eq!(odd.params[0].1, r#"email:"\"a\\\" OR email:\\\"b\"@x.org""#);
}
