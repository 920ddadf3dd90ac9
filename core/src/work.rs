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
}
