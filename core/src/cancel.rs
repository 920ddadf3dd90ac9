//! How a cancel is applied in Stripe, per the app's cancel options.

use serde::{Deserialize, Serialize};

/// Stripe's `cancellation_details[feedback]` values; nothing else is sent.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(rename_all = "snake_case")]
pub enum Feedback {
    CustomerService,
    LowQuality,
    MissingFeatures,
    Other,
    SwitchedService,
    TooComplex,
    TooExpensive,
    Unused,
}

impl Feedback {
    pub fn as_str(self) -> &'static str {
        match self {
            Self::CustomerService => "customer_service",
            Self::LowQuality => "low_quality",
            Self::MissingFeatures => "missing_features",
            Self::Other => "other",
            Self::SwitchedService => "switched_service",
            Self::TooComplex => "too_complex",
            Self::TooExpensive => "too_expensive",
            Self::Unused => "unused",
        }
    }
}

/// When the cancel takes effect.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(rename_all = "snake_case")]
pub enum CancelTiming {
    /// The customer keeps what they paid for until the period ends.
    #[default]
    AtPeriodEnd,
    Immediately,
}

/// The seed's "Manage cancels" options.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[cfg_attr(feature = "store", derive(reactive_stores::Store))]
#[serde(default)]
pub struct CancelOptions {
    pub timing: CancelTiming,
    /// Cancel every live subscription of the customer, not only this one.
    pub all_subscriptions: bool,
    /// With `Immediately`: invoice outstanding usage and prorations now.
    pub invoice_now: bool,
    /// With `Immediately`: credit the unused time.
    pub prorate: bool,
    /// Where the customer goes after cancelling, instead of the snippet's
    /// `cancel_confirmation_url`: a URL template, signed (pass-through).
    #[serde(default)]
    pub pass_through_url: Option<String>,
}

/// What Stripe is told about why the customer left.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct CancellationDetails {
    pub feedback: Option<Feedback>,
    pub comment: Option<String>,
}

/// Stripe caps `cancellation_details[comment]` at 5000 characters.
pub const MAX_COMMENT_CHARS: usize = 5000;

impl CancellationDetails {
    pub fn new(feedback: Option<Feedback>, comment: Option<&str>) -> Self {
        let comment = comment
            .map(str::trim)
            .filter(|c| !c.is_empty())
            .map(|c| c.chars().take(MAX_COMMENT_CHARS).collect());
        Self { feedback, comment }
    }
}

/// A cancel this subscription received on another session.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct PriorCancel {
    /// When that cancel was decided (unix seconds).
    pub decided_at: i64,
    /// When it ends the subscription, if known.
    pub ends_at: Option<i64>,
}

/// How long a cancel whose end is unknown stands for its subscription.
pub const UNKNOWN_END_STANDS_SECS: i64 = 31 * 24 * 60 * 60;

/// Whether the subscription is still set to cancel by `prior`, so a new
/// cancel must neither reach Stripe nor send a message again (the page
/// shows the existing receipt). Stripe's facts, read when this session
/// started (`stripe_cancelling`: set to cancel, or no longer live),
/// settle it only if they are newer than the prior cancel (a subscription
/// the customer took back and now cancels again); else the prior cancel
/// stands until its end.
pub fn already_cancelling(
    prior: PriorCancel,
    session_started_at: i64,
    stripe_cancelling: Option<bool>,
    now: i64,
) -> bool {
    if let Some(said) = stripe_cancelling.filter(|_| prior.decided_at < session_started_at) {
        return said;
    }
    match prior.ends_at {
        Some(end) => end > now,
        None => now - prior.decided_at < UNKNOWN_END_STANDS_SECS,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn feedback_text_is_stripes() {
        let all = [
            Feedback::CustomerService,
            Feedback::LowQuality,
            Feedback::MissingFeatures,
            Feedback::Other,
            Feedback::SwitchedService,
            Feedback::TooComplex,
            Feedback::TooExpensive,
            Feedback::Unused,
        ];
        for f in all {
            let json = serde_json::to_string(&f).expect("serialises");
            assert_eq!(json, format!("\"{}\"", f.as_str()));
        }
    }

    #[test]
    fn default_cancel_is_at_period_end_for_one_subscription() {
        let o: CancelOptions = serde_json::from_str("{}").expect("defaults");
        assert_eq!(o.timing, CancelTiming::AtPeriodEnd);
        assert!(!o.all_subscriptions && !o.invoice_now && !o.prorate);
    }

    #[test]
    fn comments_are_trimmed_and_capped() {
        let long = "x".repeat(MAX_COMMENT_CHARS + 10);
        assert_eq!(
            CancellationDetails::new(None, Some(&long))
                .comment
                .map(|c| c.len()),
            Some(MAX_COMMENT_CHARS)
        );
        assert_eq!(CancellationDetails::new(None, Some("   ")).comment, None);
    }

    #[test]
    fn a_prior_cancel_stands_unless_stripe_said_otherwise_since() {
        let prior = PriorCancel {
            decided_at: 1_000,
            ends_at: Some(5_000),
        };
        // Read from Stripe before the prior cancel: stale, the cancel stands.
        assert!(already_cancelling(prior, 900, Some(false), 2_000));
        // Read after it: Stripe's word settles it either way.
        assert!(!already_cancelling(prior, 1_100, Some(false), 2_000));
        assert!(already_cancelling(prior, 1_100, Some(true), 2_000));
        // Nothing from Stripe: until the cancel's end.
        assert!(already_cancelling(prior, 1_100, None, 4_999));
        assert!(!already_cancelling(prior, 1_100, None, 5_000));
        let unknown = PriorCancel {
            decided_at: 1_000,
            ends_at: None,
        };
        assert!(already_cancelling(
            unknown,
            1_100,
            None,
            1_000 + UNKNOWN_END_STANDS_SECS - 1
        ));
        assert!(!already_cancelling(
            unknown,
            1_100,
            None,
            1_000 + UNKNOWN_END_STANDS_SECS
        ));
    }
}

/// The cancel a session owes Stripe, stored with its operation so a retry
/// (from the customer, the cron or an admin) repeats exactly the same call.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct CancelPlan {
    pub subscription_id: String,
    pub customer_id: Option<String>,
    pub options: CancelOptions,
    pub feedback: Option<Feedback>,
    pub comment: Option<String>,
    /// More subscriptions a reviewer picked for one public declaration
    /// (issue 39): cancelled by the same operation, with the same options,
    /// each under its own idempotency key.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub also: Vec<String>,
}

impl CancelPlan {
    pub fn details(&self) -> CancellationDetails {
        CancellationDetails::new(self.feedback, self.comment.as_deref())
    }
}
