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
