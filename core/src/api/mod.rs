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
pub mod requests;
pub mod session;
pub mod stripe;

/// The error body of every JSON API route except `/precancel`, whose
/// brightback.js contract has its own shape ([`precancel::PrecancelResponse`]).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct ApiError {
    pub error: ErrorBody,
}

/// The machine-readable code of an error answer. The edge sends every one
/// but `unknown`, which is how a client reads a code it does not know; the
/// app matches on these rather than on text.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(rename_all = "snake_case")]
pub enum ErrorCode {
    /// 400: the request is malformed; `field` names what to fix.
    InvalidRequest,
    /// 401: missing or wrong credentials or signature.
    Unauthorized,
    /// 401: the password was right; a two-factor code is needed too.
    TotpRequired,
    /// 403: not allowed for this caller, role or site.
    Forbidden,
    /// 403: an offer this session could not have been shown.
    OfferNotAvailable,
    /// 404: no such resource or route.
    NotFound,
    /// 405: the path answers other methods (see `Allow`).
    MethodNotAllowed,
    /// 409: the request conflicts with the current state.
    Conflict,
    /// 410: the link has expired.
    Expired,
    /// 415: the body must be JSON.
    UnsupportedMediaType,
    /// 429: too many attempts (see `Retry-After`).
    RateLimited,
    /// 500: something failed on the server; it is logged there.
    Internal,
    /// 503: Stripe could not be reached for a check that must be fresh.
    Unavailable,
    /// A code this build does not know (a newer edge), or an answer that
    /// was not an error body at all. Never sent by the edge.
    #[serde(other)]
    Unknown,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct ErrorBody {
    /// Stable, machine-readable code such as `invalid_request` or `not_found`.
    pub code: ErrorCode,
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
    pub fn new(code: ErrorCode, message: impl Into<String>, field: Option<String>) -> Self {
        Self {
            error: ErrorBody {
                code,
                message: message.into(),
                field,
                fields: Vec::new(),
            },
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn error_codes_have_their_wire_names() {
        let names = [
            (ErrorCode::InvalidRequest, "invalid_request"),
            (ErrorCode::Unauthorized, "unauthorized"),
            (ErrorCode::TotpRequired, "totp_required"),
            (ErrorCode::Forbidden, "forbidden"),
            (ErrorCode::OfferNotAvailable, "offer_not_available"),
            (ErrorCode::NotFound, "not_found"),
            (ErrorCode::MethodNotAllowed, "method_not_allowed"),
            (ErrorCode::Conflict, "conflict"),
            (ErrorCode::Expired, "expired"),
            (ErrorCode::UnsupportedMediaType, "unsupported_media_type"),
            (ErrorCode::RateLimited, "rate_limited"),
            (ErrorCode::Internal, "internal"),
            (ErrorCode::Unavailable, "unavailable"),
        ];
        for (code, name) in names {
            assert_eq!(
                serde_json::to_value(code).ok(),
                Some(serde_json::json!(name))
            );
            let back: ErrorCode =
                serde_json::from_value(serde_json::json!(name)).unwrap_or(ErrorCode::Unknown);
            assert_eq!(back, code, "{name}");
        }
    }

    #[test]
    fn a_code_from_a_newer_edge_reads_as_unknown() {
        let body: ApiError =
            serde_json::from_str(r#"{"error":{"code":"teapot","message":"m"}}"#).expect("parses");
        assert_eq!(body.error.code, ErrorCode::Unknown);
    }
}
