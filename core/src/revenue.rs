//! Revenue values of a subscription, for attribution: what a save keeps
//! (or a cancel loses) per month, in the subscription's own currency.

use serde::{Deserialize, Serialize};

use crate::subscription::{SubscriptionFacts, SubscriptionState};

/// Monthly recurring revenue in minor units (cents), with its currency.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Mrr {
    pub amount: i64,
    pub currency: String,
}

/// `amount` per `interval_count` `interval`s, per month. A year is twelve
/// months, a week 52/12 of one, a day 365/12.
pub fn monthly(amount: i64, interval: &str, interval_count: i64) -> Option<i64> {
    let count = interval_count.max(1) as f64;
    let per_month = match interval {
        "month" => amount as f64 / count,
        "year" => amount as f64 / (12.0 * count),
        "week" => amount as f64 * 52.0 / 12.0 / count,
        "day" => amount as f64 * 365.0 / 12.0 / count,
        _ => return None,
    };
    Some(per_month.round() as i64)
}

impl SubscriptionFacts {
    /// The subscription's MRR from its first item (amount × quantity).
    pub fn mrr(&self) -> Option<Mrr> {
        let f = &self.fields;
        let interval = f.get("subscription.plan.interval")?;
        let count = f
            .get("subscription.plan.interval_count")
            .and_then(|c| c.parse().ok())
            .unwrap_or(1);
        Some(Mrr {
            amount: monthly(self.amount?, interval, count)?,
            currency: self.currency.clone()?,
        })
    }

    /// Still a paying subscription: live, and no cancel scheduled.
    pub fn is_saved(&self) -> bool {
        matches!(
            self.status,
            SubscriptionState::Active | SubscriptionState::Trialing
        ) && !self.cancel_at_period_end
    }
}

/// The end of a watch: still live, no cancel scheduled, latest invoice paid
/// and no smaller than when saved, or lost with the reason.
pub fn final_verdict(
    f: &SubscriptionFacts,
    latest_invoice_status: Option<&str>,
    mrr_at_save: Option<i64>,
) -> (&'static str, Option<&'static str>) {
    use SubscriptionState::*;
    match f.status {
        Canceled | IncompleteExpired => return ("lost", Some("cancelled elsewhere")),
        PastDue | Unpaid | Incomplete => return ("lost", Some("unpaid")),
        _ => {}
    }
    if f.cancel_at_period_end {
        return ("lost", Some("cancel scheduled"));
    }
    if matches!(latest_invoice_status, Some("open" | "uncollectible")) {
        return ("lost", Some("unpaid"));
    }
    if let (Some(now), Some(then)) = (f.mrr().map(|m| m.amount), mrr_at_save) {
        if now < then {
            return ("lost", Some("downgraded"));
        }
    }
    ("saved", None)
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;
    use serde_json::json;

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
    fn mrr_counts_quantity_and_keeps_the_currency() {
        let sub = json!({"id": "sub_1", "object": "subscription", "status": "active", "quantity": 3,
            "items": {"data": [{"id": "si_1", "quantity": 3, "price": {"id": "p", "currency": "eur", "unit_amount": 1000,
                "recurring": {"interval": "year", "interval_count": 1}}}]}});
        let f = SubscriptionFacts::from_stripe(&sub).expect("facts");
        assert_eq!(
            f.mrr(),
            Some(Mrr {
                amount: 250,
                currency: "eur".into()
            }),
            "3 × 10.00 a year"
        );
        assert!(f.is_saved());
    }

    fn facts(extra: serde_json::Value) -> SubscriptionFacts {
        let mut v = json!({"id": "sub_1", "object": "subscription", "status": "active", "currency": "usd",
            "items": {"data": [{"id": "si_1", "quantity": 1, "price": {"id": "p", "unit_amount": 1500, "recurring": {"interval": "month", "interval_count": 1}}}]}});
        if let (Some(b), Some(e)) = (v.as_object_mut(), extra.as_object()) {
            b.extend(e.clone());
        }
        SubscriptionFacts::from_stripe(&v).expect("facts")
    }

    #[test]
    fn each_way_a_save_can_end() {
        assert_eq!(
            final_verdict(&facts(json!({})), Some("paid"), Some(1500)),
            ("saved", None)
        );
        assert_eq!(
            final_verdict(&facts(json!({"status": "canceled"})), None, None),
            ("lost", Some("cancelled elsewhere"))
        );
        assert_eq!(
            final_verdict(&facts(json!({"status": "past_due"})), None, None),
            ("lost", Some("unpaid"))
        );
        assert_eq!(
            final_verdict(&facts(json!({"cancel_at_period_end": true})), None, None),
            ("lost", Some("cancel scheduled"))
        );
        assert_eq!(
            final_verdict(&facts(json!({})), Some("open"), None),
            ("lost", Some("unpaid"))
        );
        assert_eq!(
            final_verdict(&facts(json!({})), Some("paid"), Some(3000)),
            ("lost", Some("downgraded"))
        );
        assert_eq!(
            final_verdict(&facts(json!({"status": "trialing"})), None, Some(1500)),
            ("saved", None)
        );
    }

    proptest! {
        #[test]
        fn a_longer_interval_never_yields_more_per_month(amount in 0i64..10_000_000, n in 1i64..12) {
            let m = monthly(amount, "month", n).expect("month");
            let y = monthly(amount, "year", n).expect("year");
            prop_assert!(y <= m);
            prop_assert!(m <= amount);
        }
    }
}
