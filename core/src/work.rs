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
    }
}
