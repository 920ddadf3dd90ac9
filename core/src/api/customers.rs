//! Wire types of one customer's data: its export and its erasure
//! (`/api/admin/apps/{id}/customers/export` and `/erase`).

use serde::{Deserialize, Serialize};
use serde_json::Value;

use crate::dashboard::TrailEvent;
use crate::record::SessionRecord;

/// Who: exactly one of the three (see `lifecycle::CustomerKey`). A POST
/// body, so that an e-mail address never lands in a URL or a log.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(deny_unknown_fields)]
pub struct CustomerRequest {
    #[serde(default)]
    pub email: Option<String>,
    #[serde(default)]
    pub customer_id: Option<String>,
    #[serde(default)]
    pub subscription_id: Option<String>,
}

/// Everything Holdfast holds on the customer, session by session.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct CustomerExport {
    pub app_id: String,
    pub exported_at: i64,
    pub sessions: Vec<ExportedSession>,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct ExportedSession {
    #[serde(flatten)]
    pub record: SessionRecord,
    pub comment: Option<String>,
    /// What the merchant's page sent.
    pub fields: Value,
    /// What Stripe said about the subscription at precancel.
    pub facts: Option<Value>,
    /// The cancel's receipt (contract, e-mail, time zone).
    pub receipt: Option<Value>,
    pub locale: Option<String>,
    pub region: Option<String>,
    pub time_zone: Option<String>,
    pub events: Vec<TrailEvent>,
}

/// What an erasure did.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct ErasureResponse {
    /// Sessions whose personal data was removed (their counts stay).
    pub sessions: u64,
}
