//! One error type for every route, turned into a JSON answer.

use holdfast_core::api::precancel::PrecancelResponse;
use holdfast_core::api::ApiError;
use holdfast_core::validation::FieldIssue;
use worker::{console_error, Response};

#[derive(Debug)]
pub enum AppError {
    /// 400: the request is malformed; the issue names the field to fix.
    BadRequest(FieldIssue),
    /// 400: several form fields at fault at once.
    Invalid(Vec<FieldIssue>),
    /// 401: missing or wrong credentials or signature.
    Unauthorized(String),
    /// 401 with code `totp_required`: the password was right and the admin
    /// signs in with a two-factor code too.
    TotpRequired(String),
    /// 403: a write without its CSRF token, or from another site.
    Forbidden(String),
    /// 403: the admin's role may not change this field (named).
    RoleRefused(FieldIssue),
    /// 415: a body that must be JSON (sign-in: a cross-site form cannot
    /// send one) is not.
    NotJson(String),
    /// 429: too many attempts; try again after the given seconds.
    TooManyRequests { message: String, retry_after: i64 },
    /// 403: an offer this session could not have been shown (code
    /// `offer_not_available`); nothing is written and Stripe is not called.
    OfferRefused(String),
    /// 404: no such app, session or route.
    NotFound(String),
    /// 405: the path exists for these methods only (the `Allow` header).
    MethodNotAllowed(String),
    /// 409: the request conflicts with the session's state.
    Conflict(String),
    /// 410: the session link has expired.
    Gone(String),
    /// 503: Stripe could not be reached for a check that must be fresh.
    Unavailable(String),
    /// 500: logged in full, answered with a generic message.
    Internal(String),
}

impl AppError {
    pub fn bad(field: &str, message: impl Into<String>) -> Self {
        Self::BadRequest(FieldIssue::new(field, message))
    }

    pub fn internal(detail: impl Into<String>) -> Self {
        Self::Internal(detail.into())
    }

    /// What the customer or admin is told.
    pub fn message(&self) -> String {
        self.parts().2
    }

    pub fn status(&self) -> u16 {
        match self {
            Self::Internal(_) => 500,
            other => other.parts().0,
        }
    }

    fn parts(&self) -> (u16, &'static str, String, Option<String>) {
        match self {
            Self::Invalid(issues) => (
                400,
                "invalid_request",
                issues
                    .first()
                    .map_or_else(|| "Check the form.".to_owned(), |i| i.message.clone()),
                issues.first().map(|i| i.field.clone()),
            ),
            Self::Forbidden(m) => (403, "forbidden", m.clone(), None),
            Self::RoleRefused(i) => (403, "forbidden", i.message.clone(), Some(i.field.clone())),
            Self::OfferRefused(m) => (403, "offer_not_available", m.clone(), None),
            Self::TooManyRequests { message, .. } => (429, "rate_limited", message.clone(), None),
            Self::BadRequest(i) => (
                400,
                "invalid_request",
                i.message.clone(),
                Some(i.field.clone()),
            ),
            Self::Unauthorized(m) => (401, "unauthorized", m.clone(), None),
            Self::TotpRequired(m) => (401, "totp_required", m.clone(), Some("totp".to_owned())),
            Self::NotFound(m) => (404, "not_found", m.clone(), None),
            Self::MethodNotAllowed(allow) => (
                405,
                "method_not_allowed",
                format!("This path answers {allow} only."),
                None,
            ),
            Self::Conflict(m) => (409, "conflict", m.clone(), None),
            Self::NotJson(m) => (415, "unsupported_media_type", m.clone(), None),
            Self::Gone(m) => (410, "expired", m.clone(), None),
            Self::Unavailable(m) => (503, "unavailable", m.clone(), None),
            Self::Internal(detail) => {
                console_error!("internal error: {detail}");
                (
                    500,
                    "internal",
                    "Something went wrong on our side. Please try again.".to_owned(),
                    None,
                )
            }
        }
    }

    pub fn into_response(self) -> Response {
        let (status, code, message, field) = self.parts();
        let mut body = ApiError::new(code, message, field);
        if let Self::Invalid(issues) = &self {
            body.error.fields = issues.clone();
        }
        self.with_retry_after(crate::http::json(&body, status))
    }

    fn with_retry_after(&self, mut resp: Response) -> Response {
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
        let (status, _, message, field) = self.parts();
        let body = PrecancelResponse {
            valid: false,
            url: None,
            message: Some(message),
            field,
        };
        self.with_retry_after(crate::http::json(&body, status))
    }
}

impl From<worker::Error> for AppError {
    fn from(e: worker::Error) -> Self {
        Self::Internal(e.to_string())
    }
}
