use super::*;
use proptest::prelude::*;
use serde_json::json;

fn usd(amount: i64) -> Mrr {
    Mrr {
        amount,
        currency: "usd".into(),
    }
}

use crate::fixtures::fixture;

fn price(amount: i64, interval: &str, count: i64) -> Value {
    json!({"id": "price_x", "object": "price", "currency": "usd", "unit_amount": amount,
        "recurring": {"interval": interval, "interval_count": count, "usage_type": "licensed"}})
}

fn sub_with(items: Vec<(Value, i64)>, discounts: Value) -> Value {
    let data: Vec<Value> = items
        .into_iter()
        .map(|(p, q)| json!({"id": "si_x", "price": p, "quantity": q}))
        .collect();
    json!({"id": "sub_1", "object": "subscription", "status": "active", "currency": "usd",
        "items": {"data": data}, "discounts": discounts})
}

#[test]
fn intervals_become_months() {
    assert_eq!(monthly(1500, "month", 1), Some(1500));
    assert_eq!(monthly(15000, "year", 1), Some(1250));
    assert_eq!(monthly(3000, "month", 3), Some(1000));
    assert_eq!(monthly(1200, "week", 1), Some(5200));
    assert_eq!(monthly(100, "day", 1), Some(3042));
    assert_eq!(monthly(100, "fortnight", 1), None);
}

#[test]
fn mrr_sums_every_item_with_its_quantity_and_interval() {
    let sub = sub_with(
        vec![(price(1000, "month", 1), 2), (price(12000, "year", 1), 1)],
        json!([]),
    );
    assert_eq!(mrr_of(&sub), Some(usd(3000)), "2 × 10.00 + 120.00 / 12");
    let quarterly = sub_with(vec![(price(3000, "month", 3), 1)], json!([]));
    assert_eq!(mrr_of(&quarterly), Some(usd(1000)));
}

#[test]
fn the_official_fixture_reads_with_its_discount_shape() {
    let mut sub = fixture("subscription");
    assert_eq!(mrr_of(&sub).map(|m| m.currency), Some("usd".to_owned()));
    let mut discount = fixture("discount");
    discount["source"]["coupon"] = fixture("coupon");
    sub["discounts"] = json!([discount]);
    let coupons = coupons_of(&sub);
    assert_eq!(coupons.len(), 1);
    assert_eq!(coupons[0].percent_off, Some(25.5));
    assert_eq!(coupons[0].duration, "forever");
}

#[test]
fn active_discounts_lower_the_mrr() {
    let half = json!({"id": "half", "percent_off": 50.0, "duration": "forever"});
    let today = sub_with(
        vec![(price(2000, "month", 1), 1)],
        json!([{"id": "di_1", "object": "discount", "source": {"type": "coupon", "coupon": half}}]),
    );
    assert_eq!(mrr_of(&today), Some(usd(1000)));

    // Older versions name the coupon on the discount itself.
    let off = json!({"id": "off", "amount_off": 1200, "currency": "usd", "duration": "once"});
    let yearly = sub_with(
        vec![(price(24000, "year", 1), 1)],
        json!([{"id": "di_2", "coupon": off}]),
    );
    assert_eq!(
        mrr_of(&yearly),
        Some(usd(1900)),
        "12.00 off a yearly invoice is 1.00 a month"
    );

    // A discount in another currency takes nothing off; an unexpanded one is unknown.
    let eur = json!({"id": "eur", "amount_off": 500, "currency": "eur", "duration": "once"});
    let other = sub_with(
        vec![(price(2000, "month", 1), 1)],
        json!([{"id": "di_3", "coupon": eur}, "di_4"]),
    );
    assert_eq!(mrr_of(&other), Some(usd(2000)));

    // The legacy single `discount`; a discount never takes the MRR below zero.
    let mut legacy = sub_with(vec![(price(500, "month", 1), 1)], json!([]));
    legacy["discount"] = json!({"coupon": {"id": "big", "amount_off": 9000, "duration": "once"}});
    assert_eq!(mrr_of(&legacy), Some(usd(0)));
}

#[test]
fn unknowable_mrr_is_none_and_metered_usage_is_not_recurring() {
    let mut tiered = price(0, "month", 1);
    tiered["unit_amount"] = Value::Null;
    assert_eq!(mrr_of(&sub_with(vec![(tiered, 1)], json!([]))), None);

    let mut eur = price(1000, "month", 1);
    eur["currency"] = json!("eur");
    assert_eq!(
        mrr_of(&sub_with(
            vec![(price(1000, "month", 1), 1), (eur, 1)],
            json!([])
        )),
        None,
        "never sums two currencies"
    );

    let mut metered = price(5, "month", 1);
    metered["recurring"]["usage_type"] = json!("metered");
    assert_eq!(
        mrr_of(&sub_with(
            vec![(price(1000, "month", 1), 1), (metered, 1)],
            json!([])
        )),
        Some(usd(1000))
    );
}

#[test]
fn localstripe_plans_on_the_subscription_still_read() {
    let sub = json!({"id": "sub_1", "object": "subscription", "status": "active", "quantity": 3,
        "plan": {"id": "p", "currency": "eur", "amount": 1000, "interval": "year", "interval_count": 1}});
    assert_eq!(
        mrr_of(&sub),
        Some(Mrr {
            amount: 250,
            currency: "eur".into()
        }),
        "3 × 10.00 a year"
    );
}

fn coupon(
    percent: Option<f64>,
    amount: Option<i64>,
    duration: &str,
    months: Option<i64>,
) -> Coupon {
    Coupon {
        id: "c".into(),
        percent_off: percent,
        amount_off: amount,
        currency: Some("usd".into()),
        duration: duration.into(),
        duration_in_months: months,
    }
}

#[test]
fn what_each_offer_costs() {
    let discount = Billing::Discount { coupon: "c".into() };
    let m = usd(2000);
    let half_for_three = coupon(Some(50.0), None, "repeating", Some(3));
    assert_eq!(
        offer_cost(&discount, &m, None, Some(&half_for_three), 1.0),
        Some(3000),
        "50% for 3 months is 1.5 months of revenue"
    );
    let forever = coupon(Some(10.0), None, "forever", None);
    assert_eq!(
        offer_cost(&discount, &m, None, Some(&forever), 1.0),
        Some(2400)
    );
    let once_yearly = coupon(Some(50.0), None, "once", None);
    assert_eq!(
        offer_cost(&discount, &m, None, Some(&once_yearly), 12.0),
        Some(12000),
        "once, on a yearly invoice, is half a year"
    );
    let five_off = coupon(None, Some(500), "once", None);
    assert_eq!(
        offer_cost(&discount, &m, None, Some(&five_off), 1.0),
        Some(500)
    );
    assert_eq!(
        offer_cost(&discount, &m, None, None, 1.0),
        None,
        "coupon unknown"
    );

    let pause = Billing::Pause {
        duration: 2,
        interval: Interval::Month,
    };
    assert_eq!(offer_cost(&pause, &m, None, None, 1.0), Some(4000));
    let long = Billing::Extension {
        duration: 2,
        interval: Interval::Year,
    };
    assert_eq!(
        offer_cost(&long, &m, None, None, 1.0),
        Some(24000),
        "capped at the horizon"
    );

    let change = Billing::PlanChange {
        price: "p".into(),
        proration_behavior: Default::default(),
    };
    assert_eq!(
        offer_cost(&change, &m, Some(&usd(1500)), None, 1.0),
        Some(6000)
    );
    assert_eq!(
        offer_cost(&change, &m, Some(&usd(2500)), None, 1.0),
        Some(0),
        "an upgrade costs nothing"
    );
    assert_eq!(offer_cost(&change, &m, None, None, 1.0), None);
    let redirect = Billing::Redirect {
        url: "https://x".into(),
    };
    assert_eq!(offer_cost(&redirect, &m, None, None, 1.0), None);
}
proptest! {
    #[test]
    fn a_longer_interval_never_yields_more_per_month(amount in 0i64..10_000_000, n in 1i64..12) {
        let m = monthly(amount, "month", n).expect("month");
        let y = monthly(amount, "year", n).expect("year");
        prop_assert!(y <= m);
        prop_assert!(m <= amount);
    }

    #[test]
    fn an_offer_never_costs_more_than_the_horizon_or_less_than_nothing(
        amount in 0i64..1_000_000,
        percent in proptest::option::of(0.0f64..150.0),
        off in proptest::option::of(0i64..5_000_000),
        duration in prop_oneof!["once", "repeating", "forever"],
        months in proptest::option::of(0i64..60),
        period in prop_oneof![Just(1.0f64), Just(3.0), Just(12.0)],
        pause in 0u32..40,
    ) {
        let m = usd(amount);
        let c = coupon(percent, off, &duration, months);
        let discount = Billing::Discount { coupon: "c".into() };
        let paused = Billing::Pause { duration: pause, interval: Interval::Month };
        for cost in [offer_cost(&discount, &m, None, Some(&c), period), offer_cost(&paused, &m, None, None, period)] {
            let cost = cost.expect("known");
            prop_assert!(cost >= 0);
            prop_assert!(cost <= amount * HORIZON_MONTHS, "{cost} > 12 × {amount}");
        }
    }

    #[test]
    fn more_seats_never_lower_the_mrr_and_discounts_never_raise_it(
        unit in 0i64..100_000, q in 1i64..50, percent in 0.0f64..100.0,
    ) {
        let one = mrr_of(&sub_with(vec![(price(unit, "month", 1), q)], json!([]))).expect("mrr");
        let more = mrr_of(&sub_with(vec![(price(unit, "month", 1), q + 1)], json!([]))).expect("mrr");
        prop_assert!(more.amount >= one.amount);
        let c = json!({"id": "c", "percent_off": percent, "duration": "forever"});
        let off = mrr_of(&sub_with(vec![(price(unit, "month", 1), q)], json!([{"id": "d", "source": {"coupon": c}}]))).expect("mrr");
        prop_assert!(off.amount <= one.amount && off.amount >= 0);
    }
}
