//! Whether a save held: the verdict when it is made (the subscription still
//! live, no cancel scheduled) and when its watch ends (still paying, and no
//! smaller than when saved).

use crate::names::named;
use crate::revenue::{months_in, Mrr};
use crate::subscription::{SubscriptionFacts, SubscriptionState};

named! {
    /// Where a save stands (`sessions.attribution`).
    pub enum Verdict {
        /// Checked in Stripe at the save: still live, no cancel scheduled;
        /// watched until its window ends.
        Confirmed = "confirmed",
        /// Checked at the save: Stripe shows it is not live.
        NotSaved = "not_saved",
        /// Stripe could not be asked; watched like a confirmed save.
        Unknown = "unknown",
        /// Its window ended and it still pays.
        Saved = "saved",
        /// It stopped paying (see [`LostReason`]).
        Lost = "lost",
    }
}

impl Verdict {
    /// The saves still being watched.
    pub const WATCHED: &'static [Self] = &[Self::Confirmed, Self::Unknown];

    /// Looked like a save, but Stripe says otherwise.
    pub fn failed(self) -> bool {
        matches!(self, Self::Lost | Self::NotSaved)
    }
}

named! {
    /// Why a save was lost (`sessions.attribution_reason`).
    pub enum LostReason {
        CancelledElsewhere = "cancelled elsewhere",
        Unpaid = "unpaid",
        CancelScheduled = "cancel scheduled",
        Downgraded = "downgraded",
    }
}

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
pub fn lost_reason(f: &SubscriptionFacts) -> Option<LostReason> {
    use SubscriptionState::*;
    match f.status {
        Canceled | IncompleteExpired => Some(LostReason::CancelledElsewhere),
        PastDue | Unpaid | Incomplete => Some(LostReason::Unpaid),
        _ if f.cancel_at_period_end => Some(LostReason::CancelScheduled),
        _ => None,
    }
}

/// The end of a watch: still live, no cancel scheduled, latest invoice paid
/// and no smaller than when saved, or lost with the reason.
pub fn final_verdict(
    f: &SubscriptionFacts,
    latest_invoice_status: Option<&str>,
    mrr_at_save: Option<i64>,
) -> (Verdict, Option<LostReason>) {
    if let Some(reason) = lost_reason(f) {
        return (Verdict::Lost, Some(reason));
    }
    if matches!(latest_invoice_status, Some("open" | "uncollectible")) {
        return (Verdict::Lost, Some(LostReason::Unpaid));
    }
    if let (Some(now), Some(then)) = (f.mrr().map(|m| m.amount), mrr_at_save) {
        if now < then {
            return (Verdict::Lost, Some(LostReason::Downgraded));
        }
    }
    (Verdict::Saved, None)
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
    fn names_are_one_table() {
        assert_eq!(crate::names::check_names::<Verdict>(), Ok(()));
        assert_eq!(crate::names::check_names::<LostReason>(), Ok(()));
    }

    #[test]
    fn each_way_a_save_can_end() {
        assert_eq!(
            final_verdict(&facts(json!({})), Some("paid"), Some(1500)),
            (Verdict::Saved, None)
        );
        assert_eq!(
            final_verdict(&facts(json!({"status": "canceled"})), None, None),
            (Verdict::Lost, Some(LostReason::CancelledElsewhere))
        );
        assert_eq!(
            final_verdict(&facts(json!({"status": "past_due"})), None, None),
            (Verdict::Lost, Some(LostReason::Unpaid))
        );
        assert_eq!(
            final_verdict(&facts(json!({"cancel_at_period_end": true})), None, None),
            (Verdict::Lost, Some(LostReason::CancelScheduled))
        );
        assert_eq!(
            final_verdict(&facts(json!({})), Some("open"), None),
            (Verdict::Lost, Some(LostReason::Unpaid))
        );
        assert_eq!(
            final_verdict(&facts(json!({})), Some("paid"), Some(3000)),
            (Verdict::Lost, Some(LostReason::Downgraded))
        );
        assert_eq!(
            final_verdict(&facts(json!({"status": "trialing"})), None, Some(1500)),
            (Verdict::Saved, None)
        );
    }
}
