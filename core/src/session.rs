//! The cancel session's life cycle.

crate::names::named! {
    /// Where a cancel session stands. Stored as text in D1; values written by
    /// a newer version read back as `Unknown` instead of failing.
    pub enum SessionStatus {
        /// The page is open; nothing decided yet.
        Open = "open",
        /// The customer chose to keep the subscription and left (passive deflect).
        Deflected = "deflected",
        /// The cancel is recorded and its Stripe call has not landed yet.
        CancelPending = "cancel_pending",
        /// The cancel is done (in Stripe, or recorded only when the app does not
        /// let Holdfast manage cancels or Stripe does not know the subscription).
        Cancelled = "cancelled",
        /// An offer was accepted and its Stripe write has not landed yet.
        OfferPending = "offer_pending",
        /// An offer was accepted and applied (or recorded, for offers the
        /// merchant applies).
        OfferAccepted = "offer_accepted",
    }
    else Unknown = "unknown"
}

crate::names::named! {
    /// What precancel's one Stripe read found, stored with the session.
    pub enum Lookup {
        Found = "found",
        /// Stripe does not know the subscription: nothing is written to it.
        Missing = "missing",
        /// Stripe failed or answered something unreadable; the page runs on
        /// the snippet's data.
        Error = "error",
        /// No read: enrichment off, or no subscription id.
        Skipped = "skipped",
    }
    else Unknown = "unknown"
}

impl Lookup {
    /// Stripe knows nothing of the subscription, so nothing is written to it.
    pub fn is_missing(self) -> bool {
        self == Self::Missing
    }
}

impl SessionStatus {
    /// Undecided: the statuses a cancel, an offer or a deflect may start from
    /// (the SQL guards are made from this list). A customer who first kept
    /// the subscription can still come back and cancel.
    pub const UNDECIDED: &'static [Self] = &[Self::Open, Self::Deflected];

    /// A cancel may start from here. A customer who first kept the
    /// subscription can still come back and cancel: cancelling stays easy.
    pub fn can_start_cancel(self) -> bool {
        Self::UNDECIDED.contains(&self)
    }

    /// Offers, like cancels, start only from an undecided session: never
    /// both an offer and a cancel on one session.
    pub fn can_accept_offer(self) -> bool {
        Self::UNDECIDED.contains(&self)
    }

    pub fn is_offer(self) -> bool {
        matches!(self, Self::OfferPending | Self::OfferAccepted)
    }

    pub fn can_deflect(self) -> bool {
        Self::UNDECIDED.contains(&self)
    }

    /// The customer's cancel has been taken, whether or not Stripe has it yet.
    pub fn is_cancel(self) -> bool {
        matches!(self, Self::CancelPending | Self::Cancelled)
    }
}

/// Times one session may record a reason (a first choice and changes): a
/// person changes their mind a few times, a script a thousand.
pub const MAX_REASON_CHANGES: u32 = 10;

/// A session link stays valid this long after precancel.
pub const SESSION_TTL_SECS: i64 = 24 * 60 * 60;

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn status_text_round_trips() {
        for s in [
            SessionStatus::Open,
            SessionStatus::Deflected,
            SessionStatus::CancelPending,
            SessionStatus::Cancelled,
            SessionStatus::OfferPending,
            SessionStatus::OfferAccepted,
        ] {
            assert_eq!(SessionStatus::parse(s.as_str()), s);
        }
        assert_eq!(
            SessionStatus::parse("offer_accepted_v9"),
            SessionStatus::Unknown
        );
    }

    #[test]
    fn cancel_is_reachable_after_a_deflect_but_not_twice() {
        assert!(SessionStatus::Deflected.can_start_cancel());
        assert!(!SessionStatus::CancelPending.can_start_cancel());
        assert!(!SessionStatus::Cancelled.can_start_cancel());
        assert!(!SessionStatus::Cancelled.can_deflect());
        assert!(
            !SessionStatus::OfferAccepted.can_start_cancel(),
            "never both an offer and a cancel"
        );
        assert!(
            !SessionStatus::CancelPending.can_accept_offer(),
            "never both a cancel and an offer"
        );
    }

    #[test]
    fn names_are_one_table() {
        assert_eq!(crate::names::check_names::<SessionStatus>(), Ok(()));
        assert_eq!(crate::names::check_names::<Lookup>(), Ok(()));
        assert_eq!(Lookup::parse("missing"), Lookup::Missing);
    }

    #[test]
    fn unknown_statuses_from_json_do_not_fail() {
        let s: SessionStatus = serde_json::from_str("\"something_new\"").expect("parses");
        assert_eq!(s, SessionStatus::Unknown);
    }
}
