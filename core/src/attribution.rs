//! Whether a save held: the verdict when it is made (the subscription still
//! live, no cancel scheduled) and when its watch ends (still paying, and no
//! smaller than when saved).

use crate::revenue::{months_in, Mrr};
use crate::subscription::{SubscriptionFacts, SubscriptionState};

impl SubscriptionFacts {
    /// The subscription's MRR as read (see [`mrr_of`]).
    pub fn mrr(&self) -> Option<Mrr> {
        self.mrr.clone()
    }

    /// Still a paying subscription: live, and no cancel scheduled.
    pub fn is_saved(&self) -> bool {
        matches!(
            self.status,
            SubscriptionState::Active | SubscriptionState::Trialing
        ) && !self.cancel_at_period_end
    }

    /// Months between two invoices.
    pub fn period_months(&self) -> f64 {
        let f = &self.fields;
        let count = f
            .get("subscription.plan.interval_count")
            .and_then(|c| c.parse().ok())
            .unwrap_or(1);
        f.get("subscription.plan.interval")
            .and_then(|i| months_in(i, count))
            .unwrap_or(1.0)
    }
}

/// Why a subscription no longer counts as saved, from itself alone.
pub fn lost_reason(f: &SubscriptionFacts) -> Option<&'static str> {
    use SubscriptionState::*;
    match f.status {
        Canceled | IncompleteExpired => Some("cancelled elsewhere"),
        PastDue | Unpaid | Incomplete => Some("unpaid"),
        _ if f.cancel_at_period_end => Some("cancel scheduled"),
        _ => None,
    }
}

/// The end of a watch: still live, no cancel scheduled, latest invoice paid
/// and no smaller than when saved, or lost with the reason.
pub fn final_verdict(
    f: &SubscriptionFacts,
    latest_invoice_status: Option<&str>,
    mrr_at_save: Option<i64>,
) -> (&'static str, Option<&'static str>) {
    if let Some(reason) = lost_reason(f) {
        return ("lost", Some(reason));
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
    use serde_json::json;

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
}
