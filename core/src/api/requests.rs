//! `GET /api/admin/apps/{id}/requests`: the declarations made on the app's
//! public cancel page, for the review list (issue 39).

use serde::{Deserialize, Serialize};

use crate::declaration::Review;
use crate::locale::Locale;
use crate::receipt::{CancelKind, Receipt};

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
    /// No contract matched: a note for the audit trail (at most 2,000
    /// characters).
    #[serde(default)]
    pub not_matched: Option<String>,
}
