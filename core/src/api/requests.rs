//! `GET /api/admin/apps/{id}/requests`: the declarations made on the app's
//! public cancel page, for the review list (issue 39).

use serde::{Deserialize, Serialize};
use serde_json::Value;

use crate::declaration::matching::Unmatched;
use crate::declaration::Review;
use crate::locale::Locale;
use crate::receipt::{CancelKind, Receipt};
use crate::subscription::{SubscriptionFacts, SubscriptionState};

/// One declaration as the review list shows it: what the visitor declared
/// (from its receipt) and where it stands.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct DeclarationView {
    /// The session id: the reference on the visitor's receipt.
    pub id: String,
    pub review: Review,
    /// Unix seconds.
    pub received_at: i64,
    pub name: Option<String>,
    /// The address the visitor typed.
    pub email: Option<String>,
    /// A customer or contract number, if the visitor gave one.
    pub number: Option<String>,
    /// The product the visitor picked, by name.
    pub product: Option<String>,
    pub kind: CancelKind,
    /// An ordinary cancellation at a chosen date (00:00 UTC).
    pub requested_end: Option<i64>,
    /// The reason of an extraordinary cancellation.
    pub reason: Option<String>,
    pub locale: Locale,
    /// Once resolved: the subscription cancelled.
    pub subscription_id: Option<String>,
    /// While open: why it was not carried out at once.
    #[serde(default)]
    pub waiting_because: Option<Unmatched>,
}

impl DeclarationView {
    pub fn of(id: String, review: Review, subscription_id: Option<String>, r: Receipt) -> Self {
        Self {
            id,
            review,
            received_at: r.received_at,
            name: r.contract.customer,
            email: r.contract.email,
            number: r.contract.number,
            product: r.contract.product,
            kind: r.kind,
            requested_end: r.requested_end,
            reason: r.reason,
            locale: r.locale,
            subscription_id,
            waiting_because: None,
        }
    }
}

/// `POST /api/admin/requests/{id}/resolve`: either the subscription the
/// declaration cancels (found in Stripe by whoever reviews it), or why no
/// contract matched.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct ResolveRequest {
    /// The Stripe subscription to cancel, per the app's cancel options.
    #[serde(default)]
    pub subscription_id: Option<String>,
    /// Or several (at most `MAX_PICKS`, one customer may hold more than
    /// one contract): all cancelled by one operation, the first named on
    /// the receipt.
    #[serde(default)]
    pub subscription_ids: Vec<String>,
    /// No contract matched: a note for the audit trail (at most 2,000
    /// characters).
    #[serde(default)]
    pub not_matched: Option<String>,
}

/// How many subscriptions one resolve may cancel.
pub const MAX_PICKS: usize = 10;

impl ResolveRequest {
    /// The subscriptions picked, `subscription_id` first, each once, blanks
    /// dropped.
    pub fn picks(&self) -> Vec<String> {
        let mut out: Vec<String> = Vec::new();
        let given = self.subscription_id.iter().chain(&self.subscription_ids);
        for id in given.map(|id| id.trim()).filter(|id| !id.is_empty()) {
            if !out.iter().any(|o| o == id) {
                out.push(id.to_owned());
            }
        }
        out
    }
}

/// `GET /api/admin/requests/{id}/candidates`: the subscriptions Stripe
/// holds for the declaration's address, for the reviewer to pick from.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct Candidates {
    /// The address searched (as the visitor typed it).
    pub email: String,
    /// Every subscription of each customer found, live ones first.
    pub candidates: Vec<Candidate>,
    /// Stripe found more customers than are shown (`MAX_CUSTOMERS`).
    pub more: bool,
}

/// How many customers with one address the reviewer is shown.
pub const MAX_CUSTOMERS: usize = 5;

/// One subscription of a customer with the declaration's address.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct Candidate {
    pub subscription_id: String,
    pub status: SubscriptionState,
    /// Whether it can be cancelled now (active, trialing or past due, and
    /// not already ending at the period's end).
    pub cancellable: bool,
    pub cancel_at_period_end: bool,
    pub customer_id: String,
    pub customer_name: Option<String>,
    /// The address Stripe holds, which the outcome e-mail goes to.
    pub customer_email: Option<String>,
    /// The price's nickname, else its product's id.
    pub plan: Option<String>,
    /// Per period, in the currency's minor unit.
    pub amount: Option<i64>,
    pub currency: Option<String>,
    pub interval: Option<String>,
    /// Unix seconds.
    pub current_period_end: Option<i64>,
}

impl Candidate {
    /// Each subscription in a Stripe list of `customer`'s, live ones first.
    pub fn of_customer(customer: &Value, subscriptions: &Value) -> Vec<Self> {
        let text = |k: &str| customer.get(k).and_then(Value::as_str).map(str::to_owned);
        let Some(customer_id) = text("id") else {
            return Vec::new();
        };
        let mut out: Vec<Self> = subscriptions
            .get("data")
            .and_then(Value::as_array)
            .into_iter()
            .flatten()
            .filter_map(|s| SubscriptionFacts::from_stripe(s).ok())
            .map(|f| Self {
                cancellable: f.status.is_live() && !f.cancel_at_period_end,
                subscription_id: f.id,
                status: f.status,
                cancel_at_period_end: f.cancel_at_period_end,
                customer_id: customer_id.clone(),
                customer_name: text("name"),
                customer_email: text("email"),
                plan: f
                    .fields
                    .get("subscription.plan.nickname")
                    .or_else(|| f.fields.get("subscription.product.id"))
                    .cloned(),
                amount: f.amount,
                currency: f.currency,
                interval: f.fields.get("subscription.plan.interval").cloned(),
                current_period_end: f.current_period_end,
            })
            .collect();
        out.sort_by_key(|c| !c.cancellable);
        out
    }
}

#[cfg(test)]
mod tests;
