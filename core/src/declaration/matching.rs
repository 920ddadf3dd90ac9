//! Matching a public declaration in Stripe (issue 40): most are one
//! customer with the typed address and one live subscription, carried out
//! at once; anything else waits in the review list with the reason why.
//! Pure: the edge reads Stripe and hands the answers in.

use serde_json::Value;

use crate::subscription::SubscriptionFacts;

crate::names::named! {
    /// Why a declaration waits for a person instead of being carried out.
    pub enum Unmatched {
        /// The owner asked to review every declaration.
        AlwaysReview = "always_review",
        /// The app cancels at once, not at the period's end: anyone can
        /// type anyone's address, and only a cancel at the period's end
        /// can be undone, so a person decides.
        CancelsImmediately = "cancels_immediately",
        NoCustomer = "no_customer",
        SeveralCustomers = "several_customers",
        /// The customer has no live subscription (among the page's
        /// products) that is not ending already.
        NoSubscription = "no_subscription",
        SeveralSubscriptions = "several_subscriptions",
        /// The number the visitor gave names none of them.
        NumberMismatch = "number_mismatch",
        /// Stripe did not answer the search: a person looks instead.
        StripeUnavailable = "stripe_unavailable",
    }
    else Other = "other"
}

/// The one customer Stripe's search found whose address is the typed one,
/// compared as Stripe does (case-insensitively).
pub fn one_customer<'a>(email: &str, found: &'a [Value]) -> Result<&'a Value, Unmatched> {
    let same: Vec<&Value> = found
        .iter()
        .filter(|c| {
            c.get("email")
                .and_then(Value::as_str)
                .is_some_and(|e| e.trim().eq_ignore_ascii_case(email.trim()))
        })
        .collect();
    match same.as_slice() {
        [] => Err(Unmatched::NoCustomer),
        [one] => Ok(one),
        _ => Err(Unmatched::SeveralCustomers),
    }
}

/// The one subscription of `customer` (from a Stripe list) to cancel:
/// live and not ending already, of one of `products` (none: any), and,
/// when the visitor gave a number, the one it names.
pub fn one_subscription(
    customer: &Value,
    list: &Value,
    products: &[&str],
    number: Option<&str>,
) -> Result<SubscriptionFacts, Unmatched> {
    let live: Vec<(SubscriptionFacts, &Value)> = list
        .get("data")
        .and_then(Value::as_array)
        .into_iter()
        .flatten()
        .filter_map(|s| SubscriptionFacts::from_stripe(s).ok().map(|f| (f, s)))
        .filter(|(f, _)| f.status.is_live() && !f.cancel_at_period_end)
        .filter(|(f, _)| {
            products.is_empty()
                || f.fields
                    .get("subscription.product.id")
                    .is_some_and(|p| products.contains(&p.as_str()))
        })
        .collect();
    if live.is_empty() {
        return Err(Unmatched::NoSubscription);
    }
    let named: Vec<SubscriptionFacts> = match number.map(str::trim).filter(|n| !n.is_empty()) {
        None => live.into_iter().map(|(f, _)| f).collect(),
        Some(n) => live
            .into_iter()
            .filter(|(_, raw)| names(n, raw) || names(n, customer))
            .map(|(f, _)| f)
            .collect(),
    };
    let mut named = named.into_iter();
    match (named.next(), named.next()) {
        (Some(one), None) => Ok(one),
        (Some(_), Some(_)) => Err(Unmatched::SeveralSubscriptions),
        (None, _) => Err(Unmatched::NumberMismatch),
    }
}

/// Whether a Stripe object carries the visitor's number: as its id, or as
/// a metadata value (where merchants keep their own customer and contract
/// numbers), ignoring case.
fn names(number: &str, object: &Value) -> bool {
    let id = object.get("id").and_then(Value::as_str);
    let metadata = object.get("metadata").and_then(Value::as_object);
    id.into_iter()
        .chain(
            metadata
                .into_iter()
                .flat_map(|m| m.values().filter_map(Value::as_str)),
        )
        .any(|v| v.trim().eq_ignore_ascii_case(number))
}

#[cfg(test)]
mod tests;
