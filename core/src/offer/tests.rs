use super::*;
use crate::billing::ProrationBehavior;
use proptest::prelude::*;
use serde_json::json;

fn offer(billing: Billing, reasons: &[&str]) -> Offer {
    Offer {
        id: "o1".into(),
        billing,
        title: "t".into(),
        body: "b".into(),
        accept_label: "Accept".into(),
        reasons: reasons.iter().map(|r| (*r).to_owned()).collect(),
        skip_if_discounted: true,
        pass_through_url: None,
    }
}

fn discount() -> Billing {
    Billing::Discount {
        coupon: "SAVE25".into(),
    }
}

fn sub(extra: serde_json::Value) -> SubscriptionFacts {
    let mut v = json!({"id": "sub_1", "object": "subscription", "status": "active", "current_period_end": 1_800_000_000});
    if let (Some(base), Some(more)) = (v.as_object_mut(), extra.as_object()) {
        base.extend(more.clone());
    }
    SubscriptionFacts::from_stripe(&v).expect("subscription")
}

const NOW: i64 = 1_790_000_000;

#[test]
fn offers_parse_from_settings_json() {
    let o: Offer = serde_json::from_value(json!({
        "id": "pause2", "title": "Take a break", "body": "Pause for two months",
        "billing": {"type": "pause", "duration": 2, "interval": "month"}, "reasons": ["unused"]
    }))
    .expect("an offer");
    assert_eq!(
        o.billing,
        Billing::Pause {
            duration: 2,
            interval: Interval::Month
        }
    );
    assert_eq!(o.accept_label, "Accept offer");
    assert!(o.skip_if_discounted);
    let p: Billing = serde_json::from_value(json!({"type": "plan_change", "price": "price_1"}))
        .expect("plan change");
    assert_eq!(
        p,
        Billing::PlanChange {
            price: "price_1".into(),
            proration_behavior: ProrationBehavior::CreateProrations
        }
    );
}

#[test]
fn placement_follows_reasons() {
    let any = offer(discount(), &[]);
    let pricey = offer(discount(), &["too_expensive"]);
    assert!(any.placed_for(None) && any.placed_for(Some("unused")));
    assert!(pricey.placed_for(Some("too_expensive")));
    assert!(!pricey.placed_for(Some("unused")) && !pricey.placed_for(None));
}

#[test]
fn each_guardrail_refuses() {
    let d = offer(discount(), &[]);
    assert_eq!(check(&d, Some(&sub(json!({}))), None, NOW, 90), Ok(()));
    assert_eq!(
        check(
            &d,
            Some(&sub(json!({"discounts": ["di_1"]}))),
            None,
            NOW,
            90
        ),
        Err(Ineligible::AlreadyDiscounted)
    );
    assert_eq!(
        check(
            &d,
            Some(&sub(json!({"discount": {"coupon": {"id": "X"}}}))),
            None,
            NOW,
            90
        ),
        Err(Ineligible::AlreadyDiscounted)
    );
    assert_eq!(
        check(
            &d,
            Some(&sub(json!({"cancel_at_period_end": true}))),
            None,
            NOW,
            90
        ),
        Err(Ineligible::CancelScheduled)
    );
    assert_eq!(
        check(
            &d,
            Some(&sub(json!({"pause_collection": {"behavior": "void"}}))),
            None,
            NOW,
            90
        ),
        Err(Ineligible::Paused)
    );
    assert_eq!(
        check(&d, Some(&sub(json!({"status": "canceled"}))), None, NOW, 90),
        Err(Ineligible::NotActive)
    );
    assert_eq!(
        check(&d, Some(&sub(json!({}))), Some(NOW - 89 * 86_400), NOW, 90),
        Err(Ineligible::RecentOffer)
    );
    assert_eq!(
        check(&d, Some(&sub(json!({}))), Some(NOW - 91 * 86_400), NOW, 90),
        Ok(())
    );
    assert_eq!(
        check(&d, None, None, NOW, 90),
        Err(Ineligible::NoSubscription)
    );
}

#[test]
fn the_discount_guardrail_can_be_turned_off_and_only_concerns_discounts() {
    let mut d = offer(discount(), &[]);
    d.skip_if_discounted = false;
    assert_eq!(
        check(
            &d,
            Some(&sub(json!({"discounts": ["di_1"]}))),
            None,
            NOW,
            90
        ),
        Ok(())
    );
    let p = offer(
        Billing::Pause {
            duration: 1,
            interval: Interval::Month,
        },
        &[],
    );
    assert_eq!(
        check(
            &p,
            Some(&sub(json!({"discounts": ["di_1"]}))),
            None,
            NOW,
            90
        ),
        Ok(())
    );
}

#[test]
fn redirect_offers_need_no_subscription() {
    let r = offer(
        Billing::Redirect {
            url: "https://example.com/free-month".into(),
        },
        &[],
    );
    assert_eq!(check(&r, None, None, NOW, 90), Ok(()));
}

#[test]
fn pick_takes_the_first_placed_and_eligible_offer() {
    let offers = vec![offer(discount(), &["too_expensive"]), {
        let mut o = offer(
            Billing::Pause {
                duration: 1,
                interval: Interval::Month,
            },
            &[],
        );
        o.id = "o2".into();
        o
    }];
    assert_eq!(
        pick(&offers, Some("too_expensive"), |_| true).map(|o| o.billing.kind().as_str()),
        Some("discount")
    );
    assert_eq!(
        pick(&offers, Some("unused"), |_| true).map(|o| o.id.as_str()),
        Some("o2")
    );
    assert_eq!(
        pick(&offers, Some("too_expensive"), |o| o.id != "o1").map(|o| o.id.as_str()),
        Some("o2")
    );
    assert!(pick(&offers, None, |_| false).is_none());
}

#[test]
fn months_clamp_to_the_end_of_shorter_months() {
    // 2027-01-31T12:00:00Z + 1 month = 2027-02-28T12:00:00Z
    assert_eq!(
        add_interval(1_801_396_800, 1, Interval::Month),
        Some(1_803_816_000)
    );
    // + 1 year from 2028-02-29 = 2029-02-28
    assert_eq!(
        add_interval(1_835_438_400, 1, Interval::Year),
        Some(1_866_974_400)
    );
    assert_eq!(add_interval(0, 2, Interval::Week), Some(14 * 86_400));
}

#[test]
fn a_pause_starts_when_the_paid_period_ends() {
    let s = sub(json!({"current_period_end": NOW + 10 * 86_400}));
    assert_eq!(
        resumes_at(&s, NOW, 3, Interval::Day),
        Some(NOW + 13 * 86_400)
    );
    let lapsed = sub(json!({"current_period_end": NOW - 10}));
    assert_eq!(
        resumes_at(&lapsed, NOW, 1, Interval::Day),
        Some(NOW + 86_400),
        "a past period end starts the pause now"
    );
}

proptest! {
    #[test]
    fn adding_an_interval_always_moves_forward(from in 0i64..4_000_000_000, n in 1u32..36, i in 0usize..4) {
        let interval = [Interval::Day, Interval::Week, Interval::Month, Interval::Year][i];
        let to = add_interval(from, n, interval).expect("in range");
        prop_assert!(to > from);
        prop_assert!(to - from <= i64::from(n) * 366 * 86_400);
    }

    #[test]
    fn the_cooldown_window_is_exact(days_ago in 0i64..400, cooldown in 0u32..365) {
        let d = offer(discount(), &[]);
        let s = sub(json!({}));
        let r = check(&d, Some(&s), Some(NOW - days_ago * 86_400), NOW, cooldown);
        prop_assert_eq!(r.is_ok(), days_ago >= i64::from(cooldown));
    }
}
