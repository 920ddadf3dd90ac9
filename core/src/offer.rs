//! Retention offers: what each does in Stripe, where it is placed, and the
//! guardrails that decide whether a customer may be offered it.

use serde::{Deserialize, Serialize};
use time::{Date, Duration, OffsetDateTime};

use crate::billing::{Billing, Interval};
use crate::subscription::{SubscriptionFacts, SubscriptionState};

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct Offer {
    pub id: String,
    pub billing: Billing,
    pub title: String,
    /// Copy, rendered with the session's fields.
    pub body: String,
    #[serde(default = "default_accept_label")]
    pub accept_label: String,
    /// Reasons this offer answers; empty means any reason (or none given).
    #[serde(default)]
    pub reasons: Vec<String>,
    /// Guardrail: not offered when the subscription already has a discount.
    /// Only meaningful for discounts; on by default.
    #[serde(default = "yes")]
    pub skip_if_discounted: bool,
    /// Where the customer goes after accepting, instead of the snippet's
    /// `save_return_url`: a URL template, signed (pass-through).
    #[serde(default)]
    pub pass_through_url: Option<String>,
}

fn default_accept_label() -> String {
    crate::i18n::get(crate::locale::Locale::En, crate::i18n::Key::CopyAccept).to_owned()
}

fn yes() -> bool {
    true
}

impl Offer {
    /// Placement: shown for one of its reasons, or for any when it has none.
    pub fn placed_for(&self, reason: Option<&str>) -> bool {
        placed_for(&self.reasons, reason)
    }
}

/// Shared by the edge's offers and the page's offer views.
pub fn placed_for(reasons: &[String], reason: Option<&str>) -> bool {
    reasons.is_empty() || reason.is_some_and(|r| reasons.iter().any(|x| x == r))
}

/// Why this session may never be given an offer, whatever Stripe says: the
/// page would not have shown it. `show` and `accept` refuse these before
/// any Stripe call.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, thiserror::Error)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(rename_all = "snake_case")]
pub enum NotOffered {
    #[error("this page has no such offer")]
    Unknown,
    #[error("this page shows no offers to this customer")]
    Holdout,
    #[error("this offer is not part of this customer's version of the page")]
    OtherVariant,
    #[error("this offer is not placed for the reason given")]
    OtherReason,
    #[error("this offer was not shown on this page")]
    NotShown,
}

/// Why an offer may not be offered (or accepted) now.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, thiserror::Error)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(rename_all = "snake_case")]
pub enum Ineligible {
    #[error("Stripe does not know this subscription")]
    NoSubscription,
    #[error("the subscription is not active")]
    NotActive,
    #[error("the subscription already has a discount")]
    AlreadyDiscounted,
    #[error("the subscription already has a cancellation scheduled")]
    CancelScheduled,
    #[error("the subscription is paused")]
    Paused,
    #[error("an offer was accepted on this subscription recently")]
    RecentOffer,
}

/// Guardrails, checked when the offer is shown and again when it is
/// accepted (with a fresh read of the subscription).
pub fn check(
    offer: &Offer,
    sub: Option<&SubscriptionFacts>,
    last_offer_accepted_at: Option<i64>,
    now: i64,
    cooldown_days: u32,
) -> Result<(), Ineligible> {
    if last_offer_accepted_at.is_some_and(|at| now - at < i64::from(cooldown_days) * 86_400) {
        return Err(Ineligible::RecentOffer);
    }
    let Some(sub) = sub else {
        return if offer.billing.writes_to_stripe() {
            Err(Ineligible::NoSubscription)
        } else {
            Ok(())
        };
    };
    if !matches!(
        sub.status,
        SubscriptionState::Active | SubscriptionState::Trialing
    ) {
        return Err(Ineligible::NotActive);
    }
    if sub.cancel_at_period_end {
        return Err(Ineligible::CancelScheduled);
    }
    if sub.paused {
        return Err(Ineligible::Paused);
    }
    if matches!(offer.billing, Billing::Discount { .. })
        && offer.skip_if_discounted
        && sub.has_discount
    {
        return Err(Ineligible::AlreadyDiscounted);
    }
    Ok(())
}

/// The cooldown alone, for sessions that did not read Stripe (enrichment
/// off): the state guardrails then run on the fresh read at accept time.
pub fn check_history(
    last_offer_accepted_at: Option<i64>,
    now: i64,
    cooldown_days: u32,
) -> Result<(), Ineligible> {
    if last_offer_accepted_at.is_some_and(|at| now - at < i64::from(cooldown_days) * 86_400) {
        return Err(Ineligible::RecentOffer);
    }
    Ok(())
}

/// The first offer placed for `reason` that passes the guardrails.
pub fn pick<'a>(
    offers: &'a [Offer],
    reason: Option<&str>,
    eligible: impl Fn(&Offer) -> bool,
) -> Option<&'a Offer> {
    offers.iter().find(|o| o.placed_for(reason) && eligible(o))
}

/// `from` plus `duration` intervals, in UTC calendar terms: a month later on
/// the 31st is the last day of the next month.
pub fn add_interval(from: i64, duration: u32, interval: Interval) -> Option<i64> {
    let t = OffsetDateTime::from_unix_timestamp(from).ok()?;
    let n = i64::from(duration);
    let moved = match interval {
        Interval::Day => t.checked_add(Duration::days(n))?,
        Interval::Week => t.checked_add(Duration::weeks(n))?,
        Interval::Month => add_months(t, n)?,
        Interval::Year => add_months(t, n.checked_mul(12)?)?,
    };
    Some(moved.unix_timestamp())
}

fn add_months(t: OffsetDateTime, months: i64) -> Option<OffsetDateTime> {
    let zero_based = i64::from(t.year()) * 12 + i64::from(u8::from(t.month())) - 1 + months;
    let year = i32::try_from(zero_based.div_euclid(12)).ok()?;
    let month = time::Month::try_from(u8::try_from(zero_based.rem_euclid(12) + 1).ok()?).ok()?;
    let day = t.day().min(time::util::days_in_month(month, year));
    let date = Date::from_calendar_date(year, month, day).ok()?;
    Some(t.replace_date(date))
}

/// When a pause or extension ends: it starts when the period the customer
/// has paid for ends.
pub fn resumes_at(
    sub: &SubscriptionFacts,
    now: i64,
    duration: u32,
    interval: Interval,
) -> Option<i64> {
    let start = sub
        .current_period_end
        .filter(|end| *end > now)
        .unwrap_or(now);
    add_interval(start, duration, interval)
}

/// What the customer accepted, stored with its operation so every retry
/// sends exactly the same write.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct OfferPlan {
    pub offer_id: String,
    pub subscription_id: String,
    pub billing: Billing,
    pub item_id: Option<String>,
    pub existing_discounts: Vec<String>,
    pub resumes_at: Option<i64>,
}

#[cfg(test)]
mod tests;
