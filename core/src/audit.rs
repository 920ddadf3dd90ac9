//! Leaf: the kinds of entry in a session's audit trail (`session_events`),
//! and the webhook event each announces; and what an admin did, as the
//! admins' audit log (`audit_log.action`) names it. The outbox triggers (migrations
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
        /// A public declaration closed by a reviewer (issue 39): its
        /// subscription found and cancelled, or matching no contract.
        RequestResolved = "request_resolved",
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
            Self::RequestResolved => "cancel.resolved",
            Self::Deflected => "session.deflected",
            Self::SaveKept => "save.confirmed",
            Self::SaveLost => "save.lost",
            _ => return None,
        })
    }

    /// The customer's cancel was taken, or a public declaration resolved:
    /// the receipt's addresses are owed a message.
    pub fn takes_cancel(self) -> bool {
        matches!(
            self,
            Self::CancelRequested | Self::CancelRecorded | Self::RequestResolved
        )
    }
}

named! {
    /// What an admin did, one entry of the admins' audit log.
    pub enum AdminAction {
        Setup = "admin.setup",
        Login = "admin.login",
        Logout = "admin.logout",
        LogoutEverywhere = "admin.logout_everywhere",
        Password = "admin.password",
        TotpOn = "admin.totp_on",
        TotpOff = "admin.totp_off",
        /// Too many wrong two-factor codes: sign-in is locked for a while.
        TotpLocked = "admin.totp_locked",
        Invite = "admin.invite",
        InviteRevoke = "admin.invite_revoke",
        AcceptInvite = "admin.accept_invite",
        Role = "admin.role",
        Remove = "admin.remove",
        AppCreate = "app.create",
        AppUpdate = "app.update",
        AppSettings = "app.settings",
        AppDelete = "app.delete",
        /// New secrets; the old ones keep working for a grace period.
        RotateSecrets = "app.rotate_secrets",
        /// New secrets; the old ones stop at once.
        RotateSecretsNow = "app.rotate_secrets_now",
        StripeConnect = "stripe.connect",
        StripeDisconnect = "stripe.disconnect",
        StripeCheck = "stripe.check",
        SecretsReseal = "secrets.reseal",
        WebhookCreate = "webhook.create",
        WebhookUpdate = "webhook.update",
        WebhookDelete = "webhook.delete",
        WebhookRotate = "webhook.rotate",
        WebhookTest = "webhook.test",
        WebhookReplay = "webhook.replay",
        OperationRetry = "operation.retry",
        EmailResend = "email.resend",
        /// A customer's data was exported (GDPR Art. 15).
        CustomerExport = "customer.export",
        /// A customer's personal data was erased (GDPR Art. 17).
        CustomerErase = "customer.erase",
        /// A public declaration's subscription was found and cancelled.
        RequestResolve = "request.resolve",
        /// A public declaration matched no contract.
        RequestNotMatched = "request.not_matched",
    }
    else
    /// Written by a newer version.
    Other = "other"
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn names_are_one_table() {
        assert_eq!(crate::names::check_names::<EventKind>(), Ok(()));
        assert_eq!(EventKind::parse("offer_shown"), EventKind::OfferShown);
        assert_eq!(EventKind::parse("from_the_future"), EventKind::Other);
        assert_eq!(crate::names::check_names::<AdminAction>(), Ok(()));
        assert_eq!(
            AdminAction::parse("app.rotate_secrets_now"),
            AdminAction::RotateSecretsNow
        );
    }
}
