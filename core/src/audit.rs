//! Leaf: the kinds of entry in a session's audit trail (`session_events`),
//! and the webhook event each announces. The outbox triggers (migrations
//! 0010 and 0015) list the same kinds; `webhook/tests.rs` reads the SQL and
//! fails when the two disagree.

use crate::names::named;

named! {
    /// One step of a session's audit trail.
    pub enum EventKind {
        SessionStarted = "session_started",
        ReasonChosen = "reason_chosen",
        OfferShown = "offer_shown",
        OfferAccepted = "offer_accepted",
        /// The accepted offer's Stripe write landed.
        OfferApplied = "offer_applied",
        OfferFailed = "offer_failed",
        /// A cancel Holdfast applies in Stripe.
        CancelRequested = "cancel_requested",
        /// A cancel recorded only (the merchant applies it, or Stripe does
        /// not know the subscription).
        CancelRecorded = "cancel_recorded",
        CancelCompleted = "cancel_completed",
        CancelFailed = "cancel_failed",
        Deflected = "deflected",
        /// The save checked in Stripe at the moment it was made.
        SaveValidated = "save_validated",
        /// A Stripe event showed a save still paying.
        SaveConfirmed = "save_confirmed",
        /// The save's watch ended and it still pays.
        SaveKept = "save_kept",
        SaveLost = "save_lost",
        /// One Stripe call, with its parameters and answer.
        StripeRequest = "stripe_request",
    }
    else Other = "other"
}

impl EventKind {
    /// The webhook event this entry announces, if any.
    pub fn event_type(self) -> Option<&'static str> {
        Some(match self {
            Self::SessionStarted => "session.started",
            Self::ReasonChosen => "reason.chosen",
            Self::OfferAccepted => "offer.accepted",
            Self::CancelRequested | Self::CancelRecorded => "cancel.requested",
            Self::CancelCompleted => "cancel.completed",
            Self::Deflected => "session.deflected",
            Self::SaveKept => "save.confirmed",
            Self::SaveLost => "save.lost",
            _ => return None,
        })
    }

    /// The customer's cancel was taken: a confirmation e-mail is owed.
    pub fn takes_cancel(self) -> bool {
        matches!(self, Self::CancelRequested | Self::CancelRecorded)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn names_are_one_table() {
        assert_eq!(crate::names::check_names::<EventKind>(), Ok(()));
        assert_eq!(EventKind::parse("offer_shown"), EventKind::OfferShown);
        assert_eq!(EventKind::parse("from_the_future"), EventKind::Other);
    }
}
