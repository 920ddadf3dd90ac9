//! One error type for every route, turned into a JSON answer. An internal
//! error keeps its cause and is logged once, where its response is made.

use holdfast_core::api::precancel::PrecancelResponse;
use holdfast_core::api::{ApiError, ErrorCode};
use holdfast_core::validation::FieldIssue;
use worker::{console_error, Response};

/// What a customer or admin is told when the fault is ours.
const INTERNAL_MESSAGE: &str = "Something went wrong on our side. Please try again.";

#[derive(Debug, thiserror::Error)]
pub enum AppError {
    /// 400: the request is malformed; the issue names the field to fix.
    #[error("{}", .0.message)]
    BadRequest(FieldIssue),
    /// 400: several form fields at fault at once.
    #[error("{}", .0.first().map_or("Check the form.", |i| i.message.as_str()))]
    Invalid(Vec<FieldIssue>),
    /// 401: missing or wrong credentials or signature.
    #[error("{0}")]
    Unauthorized(String),
    /// 401 with code `totp_required`: the password was right and the admin
    /// signs in with a two-factor code too.
    #[error("{0}")]
    TotpRequired(String),
    /// 403: a write without its CSRF token, or from another site.
    #[error("{0}")]
    Forbidden(String),
    /// 403: the admin's role may not change this field (named).
    #[error("{}", .0.message)]
    RoleRefused(FieldIssue),
    /// 415: a body that must be JSON (sign-in: a cross-site form cannot
    /// send one) is not.
    #[error("{0}")]
    NotJson(String),
    /// 429: too many attempts; try again after the given seconds.
    #[error("{message}")]
    TooManyRequests { message: String, retry_after: i64 },
    /// 403: an offer this session could not have been shown (code
    /// `offer_not_available`); nothing is written and Stripe is not called.
    #[error("{0}")]
    OfferRefused(String),
    /// 404: no such app, session or route.
    #[error("{0}")]
    NotFound(String),
    /// 405: the path exists for these methods only (the `Allow` header).
    #[error("This path answers {0} only.")]
    MethodNotAllowed(String),
    /// 409: the request conflicts with the session's state.
    #[error("{0}")]
    Conflict(String),
    /// 410: the session link has expired.
    #[error("{0}")]
    Gone(String),
    /// 503: Stripe could not be reached for a check that must be fresh.
    #[error("{0}")]
    Unavailable(String),
    /// 500: the cause is logged in full, the answer is generic.
    #[error("internal error: {0}")]
    Internal(Box<dyn std::error::Error>),
}

impl AppError {
    pub fn bad(field: &str, message: impl Into<String>) -> Self {
        Self::BadRequest(FieldIssue::new(field, message))
    }

    /// An internal error described in words, where no error value carries
    /// the cause (a row that should exist, a binding that is missing).
    pub fn internal(detail: impl Into<String>) -> Self {
        Self::Internal(detail.into().into())
    }

    pub fn status(&self) -> u16 {
        match self {
            Self::BadRequest(_) | Self::Invalid(_) => 400,
            Self::Unauthorized(_) | Self::TotpRequired(_) => 401,
            Self::Forbidden(_) | Self::RoleRefused(_) | Self::OfferRefused(_) => 403,
            Self::NotFound(_) => 404,
            Self::MethodNotAllowed(_) => 405,
            Self::Conflict(_) => 409,
            Self::Gone(_) => 410,
            Self::NotJson(_) => 415,
            Self::TooManyRequests { .. } => 429,
            Self::Internal(_) => 500,
            Self::Unavailable(_) => 503,
        }
    }

    pub fn code(&self) -> ErrorCode {
        match self {
            Self::BadRequest(_) | Self::Invalid(_) => ErrorCode::InvalidRequest,
            Self::Unauthorized(_) => ErrorCode::Unauthorized,
            Self::TotpRequired(_) => ErrorCode::TotpRequired,
            Self::Forbidden(_) | Self::RoleRefused(_) => ErrorCode::Forbidden,
            Self::OfferRefused(_) => ErrorCode::OfferNotAvailable,
            Self::NotFound(_) => ErrorCode::NotFound,
            Self::MethodNotAllowed(_) => ErrorCode::MethodNotAllowed,
            Self::Conflict(_) => ErrorCode::Conflict,
            Self::Gone(_) => ErrorCode::Expired,
            Self::NotJson(_) => ErrorCode::UnsupportedMediaType,
            Self::TooManyRequests { .. } => ErrorCode::RateLimited,
            Self::Internal(_) => ErrorCode::Internal,
            Self::Unavailable(_) => ErrorCode::Unavailable,
        }
    }

    /// The request field at fault, when there is one.
    pub fn field(&self) -> Option<&str> {
        match self {
            Self::BadRequest(i) | Self::RoleRefused(i) => Some(&i.field),
            Self::Invalid(issues) => issues.first().map(|i| i.field.as_str()),
            Self::TotpRequired(_) => Some("totp"),
            _ => None,
        }
    }

    /// What the customer or admin is told: never an internal cause.
    pub fn message(&self) -> String {
        match self {
            Self::Internal(_) => INTERNAL_MESSAGE.to_owned(),
            other => other.to_string(),
        }
    }

    /// Status and message for a response about to be made, logging an
    /// internal cause here and nowhere else.
    pub fn answered(&self) -> (u16, String) {
        if let Self::Internal(cause) = self {
            console_error!("internal error: {cause}");
        }
        (self.status(), self.message())
    }

    pub fn into_response(self) -> Response {
        let (status, message) = self.answered();
        let mut body = ApiError::new(self.code(), message, self.field().map(str::to_owned));
        if let Self::Invalid(issues) = &self {
            body.error.fields = issues.clone();
        }
        self.with_headers(crate::http::json(&body, status))
    }

    fn with_headers(&self, mut resp: Response) -> Response {
        match self {
            Self::TooManyRequests { retry_after, .. } => {
                let _ = resp
                    .headers_mut()
                    .set("retry-after", &retry_after.to_string());
            }
            Self::MethodNotAllowed(allow) => {
                let _ = resp.headers_mut().set("allow", allow);
            }
            _ => {}
        }
        resp
    }

    /// The brightback.js contract's error shape for `/precancel`.
    pub fn into_precancel_response(self) -> Response {
        let (status, message) = self.answered();
        let body = PrecancelResponse {
            valid: false,
            url: None,
            message: Some(message),
            field: self.field().map(str::to_owned),
        };
        self.with_headers(crate::http::json(&body, status))
    }
}

/// The causes that are always ours to fix: the platform, a value we
/// stored or built ourselves. Input from a caller is parsed with a field
/// named (`http::parse_json`), never through these.
macro_rules! internal_from {
    ($($cause:ty),*) => {$(
        impl From<$cause> for AppError {
            fn from(e: $cause) -> Self {
                Self::Internal(Box::new(e))
            }
        }
    )*};
}

internal_from!(
    worker::Error,
    serde_json::Error,
    csv::Error,
    std::io::Error,
    hex::FromHexError,
    holdfast_core::vault::VaultError,
    holdfast_core::subscription::FactsError
);

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn an_internal_cause_is_never_told() {
        let e = AppError::from(hex::FromHexError::OddLength);
        assert_eq!(e.status(), 500);
        assert_eq!(e.code(), ErrorCode::Internal);
        assert_eq!(e.message(), INTERNAL_MESSAGE);
        assert!(e.to_string().contains("Odd number of digits"));
    }

    #[test]
    fn a_field_issue_names_its_field() {
        let e = AppError::bad("email", "Enter an e-mail address.");
        assert_eq!((e.status(), e.code()), (400, ErrorCode::InvalidRequest));
        assert_eq!(e.field(), Some("email"));
        assert_eq!(e.message(), "Enter an e-mail address.");
    }
}
