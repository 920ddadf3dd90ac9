//! Leaf: the background work a session or an event owes, and where each
//! piece stands. Every table that is an outbox (Stripe operations, webhook
//! deliveries, e-mails) stores one of these statuses; the SQL that claims
//! due rows gets them from here.

use crate::names::named;

named! {
    /// The Stripe write a session owes (`operations.kind`).
    pub enum WorkKind {
        Cancel = "cancel",
        Offer = "offer",
    }
}

named! {
    /// A Stripe operation's state (`operations.status`).
    pub enum OperationStatus {
        /// Due, or being tried (under a lease).
        Pending = "pending",
        Done = "done",
        /// Gave up; an admin may retry it.
        Failed = "failed",
    }
}

named! {
    /// Whom a confirmation e-mail goes to (`emails.recipient`).
    pub enum EmailRecipient {
        /// The address Stripe or the merchant's server vouches for: the
        /// full confirmation.
        Account = "account",
        /// A different address the customer typed (direct mode): the
        /// fixed receipt text only.
        Copy = "copy",
        /// The address typed on the public page, once the declaration
        /// matched no contract: the fixed "no contract found" text only.
        Unmatched = "unmatched",
    }
}

named! {
    /// Which bound kept a confirmation e-mail from being sent
    /// (`emails.bound`): its recipient's daily three, or the app's cap.
    pub enum EmailBound {
        Address = "address",
        App = "app",
    }
}

impl EmailBound {
    /// Messages to one address in 24 hours, whatever app or session.
    pub const PER_ADDRESS_PER_DAY: u32 = 3;

    /// What the Operations page says of a message this bound held back.
    pub fn describe(self) -> String {
        match self {
            Self::Address => format!(
                "not sent: limit ({} messages to one address in 24 hours)",
                Self::PER_ADDRESS_PER_DAY
            ),
            Self::App => "not sent: limit (this app's daily cap)".to_owned(),
        }
    }
}

impl OperationStatus {
    /// What an admin still has to look at, and may retry.
    pub const OPEN: &'static [Self] = &[Self::Pending, Self::Failed];
}

named! {
    /// A webhook delivery's state (`webhook_deliveries.status`).
    pub enum DeliveryStatus {
        Pending = "pending",
        Delivered = "delivered",
        Failed = "failed",
    }
}

named! {
    /// A confirmation e-mail's state (`emails.status`).
    pub enum EmailStatus {
        Pending = "pending",
        Sent = "sent",
        Failed = "failed",
        /// Not sent: a bound on confirmation e-mails applied (see
        /// `EmailBound`); kept so the Operations page can say so.
        Limited = "limited",
    }
}

/// Exponential backoff with jitter, the one rule every outbox retries by:
/// `jitter` in [0, 1) picks a point in the upper half of the window, so
/// many clients retrying at once spread out.
pub fn backoff_ms(attempt: u32, base_ms: u64, cap_ms: u64, jitter: f64) -> u64 {
    let window = base_ms.saturating_mul(1u64 << attempt.min(20)).min(cap_ms);
    let j = jitter.clamp(0.0, 1.0);
    (window as f64 * (0.5 + j / 2.0)) as u64
}

/// Attempts before a confirmation e-mail is given up.
pub const EMAIL_ATTEMPTS: i64 = 10;

/// When to try an e-mail again after `attempts` failed tries, judged at
/// `now`: from 1 minute, doubling, capped at 4 hours (about a day in all);
/// `None` once it has had its attempts.
pub fn email_retry_at(attempts: i64, now: i64, jitter: f64) -> Option<i64> {
    let step = u32::try_from(attempts.clamp(0, 20)).unwrap_or(20);
    let wait = backoff_ms(step, 60_000, 4 * 3_600_000, jitter) / 1000;
    (attempts + 1 < EMAIL_ATTEMPTS).then(|| now + i64::try_from(wait).unwrap_or(i64::MAX / 2))
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::names::check_names;

    #[test]
    fn names_are_one_table() {
        assert_eq!(check_names::<WorkKind>(), Ok(()));
        assert_eq!(check_names::<OperationStatus>(), Ok(()));
        assert_eq!(check_names::<DeliveryStatus>(), Ok(()));
        assert_eq!(check_names::<EmailStatus>(), Ok(()));
        assert_eq!(check_names::<EmailRecipient>(), Ok(()));
        assert_eq!(check_names::<EmailBound>(), Ok(()));
    }

    #[test]
    fn an_email_backs_off_with_jitter_then_gives_up() {
        assert_eq!(email_retry_at(0, 1000, 0.0), Some(1030));
        assert_eq!(email_retry_at(0, 1000, 0.999_999), Some(1059));
        assert_eq!(email_retry_at(8, 0, 1.0), Some(4 * 3600));
        assert_eq!(email_retry_at(EMAIL_ATTEMPTS - 2, 0, 0.0), Some(2 * 3600));
        assert_eq!(email_retry_at(EMAIL_ATTEMPTS - 1, 0, 0.0), None);
    }

    proptest::proptest! {
        #[test]
        fn backoff_stays_inside_its_window(attempt in 0u32..40, jitter in 0.0f64..1.0) {
            let ms = backoff_ms(attempt, 500, 60_000, jitter);
            proptest::prop_assert!(ms <= 60_000);
            proptest::prop_assert!(ms >= 250);
        }
    }
}
