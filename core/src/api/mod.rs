//! Wire types of every endpoint, shared by the edge and the app: one module
//! per API resource, named by what it carries. The error body is here.
//!
//! Requests are `{Verb}Request`, answers `{Verb}Response`. New fields carry
//! `#[serde(default)]` so older peers keep working. This is the top layer of
//! core: it may use any domain module, and none of them uses it.

use serde::{Deserialize, Serialize};

use crate::validation::FieldIssue;

pub mod account;
pub mod apps;
pub mod customers;
pub mod precancel;
pub mod session;
pub mod stripe;

/// The error body of every JSON API route except `/precancel`, whose
/// brightback.js contract has its own shape ([`precancel::PrecancelResponse`]).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct ApiError {
    pub error: ErrorBody,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct ErrorBody {
    /// Stable, machine-readable code such as `invalid_field` or `not_found`.
    pub code: String,
    /// A sentence a person can act on.
    pub message: String,
    /// The request field at fault, as a dotted path, when there is one.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub field: Option<String>,
    /// Every field at fault, for forms that check several at once.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub fields: Vec<FieldIssue>,
}

impl ApiError {
    pub fn new(code: &str, message: impl Into<String>, field: Option<String>) -> Self {
        Self {
            error: ErrorBody {
                code: code.to_owned(),
                message: message.into(),
                field,
                fields: Vec::new(),
            },
        }
    }
}
