//! One error type for every route, turned into a JSON answer.

use holdfast_core::api::{ApiError, PrecancelResponse};
use worker::{console_error, Response};

#[derive(Debug)]
pub enum AppError {
    /// 400: the request is malformed; `field` names what to fix.
    BadRequest { field: String, message: String },
    /// 401: missing or wrong credentials or signature.
    Unauthorized(String),
    /// 404: no such app, session or route.
    NotFound(String),
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
        Self::BadRequest {
            field: field.to_owned(),
            message: message.into(),
        }
    }

    pub fn internal(detail: impl Into<String>) -> Self {
        Self::Internal(detail.into())
    }

    fn parts(&self) -> (u16, &'static str, String, Option<String>) {
        match self {
            Self::BadRequest { field, message } => {
                (400, "invalid_request", message.clone(), Some(field.clone()))
            }
            Self::Unauthorized(m) => (401, "unauthorized", m.clone(), None),
            Self::NotFound(m) => (404, "not_found", m.clone(), None),
            Self::Conflict(m) => (409, "conflict", m.clone(), None),
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
        crate::http::json(&ApiError::new(code, message, field), status)
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
        crate::http::json(&body, status)
    }
}

impl From<worker::Error> for AppError {
    fn from(e: worker::Error) -> Self {
        Self::Internal(e.to_string())
    }
}
