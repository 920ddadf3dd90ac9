//! The answer of `POST /precancel`, in brightback.js's shape.

use serde::{Deserialize, Serialize};

/// `POST /precancel` answer, exactly as brightback.js expects it:
/// `{"valid": true, "url": …}` or `{"valid": false, "message": …}`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct PrecancelResponse {
    pub valid: bool,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub url: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub message: Option<String>,
    /// Which request field was at fault (a Holdfast addition).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub field: Option<String>,
}
