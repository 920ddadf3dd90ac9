//! The Fetch transport for the request definitions in `holdfast_core::stripe`.

use secrecy::ExposeSecret;
use std::time::Duration;

use holdfast_core::stripe::{should_retry, Method, StripeError, StripeRequest, API_VERSION};
use holdfast_core::work::backoff_ms;
use serde_json::Value;
use worker::{console_log, Delay, Headers, Request, RequestInit};

use crate::config::Config;
use crate::fetch::Unanswered;

/// A 2xx answer.
#[derive(Debug)]
pub struct Reply {
    pub body: Value,
}

#[derive(Debug)]
pub enum Failure {
    /// No Stripe key is configured.
    NotConfigured,
    /// The request never got an answer (refused, reset, DNS...).
    Network(String),
    Timeout,
    /// Stripe answered with an error.
    Status {
        status: u16,
        error: Box<StripeError>,
        should_retry: Option<String>,
        /// Seconds from a `Retry-After` header (Stripe sends it with 429s).
        retry_after: Option<u64>,
    },
}

impl Failure {
    /// Safe to send again with the same idempotency key.
    pub fn retryable(&self) -> bool {
        match self {
            Self::NotConfigured => false,
            Self::Network(_) | Self::Timeout => should_retry(None, None),
            Self::Status {
                status,
                should_retry: hint,
                ..
            } => should_retry(Some(*status), hint.as_deref()),
        }
    }

    pub fn status(&self) -> Option<u16> {
        match self {
            Self::Status { status, .. } => Some(*status),
            _ => None,
        }
    }

    /// How long Stripe asked us to wait before the next attempt.
    pub fn retry_after(&self) -> Option<Duration> {
        match self {
            Self::Status {
                retry_after: Some(s),
                ..
            } => Some(Duration::from_secs(*s)),
            _ => None,
        }
    }

    pub fn code(&self) -> Option<&str> {
        match self {
            Self::Status { error, .. } => error.code.as_deref(),
            _ => None,
        }
    }
}

impl std::fmt::Display for Failure {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            Self::NotConfigured => f.write_str("no Stripe key is configured"),
            Self::Network(e) => write!(f, "network error: {e}"),
            Self::Timeout => f.write_str("Stripe did not answer in time"),
            Self::Status { status, error, .. } => write!(f, "Stripe answered {status}: {error}"),
        }
    }
}

pub struct Client<'a> {
    config: &'a Config,
}

impl<'a> Client<'a> {
    pub fn new(config: &'a Config) -> Self {
        Self { config }
    }

    /// One attempt, abandoned after `deadline`.
    pub async fn send(&self, req: &StripeRequest, deadline: Duration) -> Result<Reply, Failure> {
        let key = self
            .config
            .stripe_key
            .as_ref()
            .ok_or(Failure::NotConfigured)?;
        let headers = Headers::new();
        let set = |k: &str, v: &str| {
            headers
                .set(k, v)
                .map_err(|e| Failure::Network(e.to_string()))
        };
        set("authorization", &format!("Bearer {}", key.expose_secret()))?;
        set("stripe-version", API_VERSION)?;
        if let Some(k) = &req.idempotency_key {
            set("idempotency-key", k.as_str())?;
        }
        let mut init = RequestInit::new();
        init.with_method(match req.method {
            Method::Get => worker::Method::Get,
            Method::Post => worker::Method::Post,
            Method::Delete => worker::Method::Delete,
        });
        if let Some(body) = req.body() {
            set("content-type", "application/x-www-form-urlencoded")?;
            init.with_body(Some(body.into()));
        }
        init.with_headers(headers);
        let request = Request::new_with_init(&req.url(&self.config.stripe_base), &init)
            .map_err(|e| Failure::Network(e.to_string()))?;

        let mut resp = match crate::fetch::send(request, deadline).await {
            Ok(resp) => resp,
            Err(Unanswered::Network(e)) => {
                console_log!(
                    "stripe {} {} -> network error",
                    req.method.as_str(),
                    req.path
                );
                return Err(Failure::Network(e));
            }
            Err(Unanswered::Timeout) => {
                console_log!("stripe {} {} -> timeout", req.method.as_str(), req.path);
                return Err(Failure::Timeout);
            }
        };
        let status = resp.status_code();
        console_log!("stripe {} {} -> {status}", req.method.as_str(), req.path);
        let text = resp
            .text()
            .await
            .map_err(|e| Failure::Network(e.to_string()))?;
        if (200..300).contains(&status) {
            let body = serde_json::from_str(&text)
                .map_err(|e| Failure::Network(format!("unreadable Stripe answer: {e}")))?;
            Ok(Reply { body })
        } else {
            Err(Failure::Status {
                status,
                error: Box::new(StripeError::from_body(&text)),
                should_retry: resp.headers().get("stripe-should-retry").ok().flatten(),
                retry_after: crate::http::retry_after_secs(resp.headers()),
            })
        }
    }

    /// Up to `attempts` tries of a request that is safe to repeat (a read,
    /// or a write with its idempotency key), backing off with jitter, or as
    /// long as Stripe's `Retry-After` says, all inside `budget`: the caller
    /// has a customer waiting, and a wait that would not fit is left to the
    /// operation's next attempt instead.
    pub async fn send_retrying(
        &self,
        req: &StripeRequest,
        attempts: u32,
        budget: Budget,
    ) -> Result<Reply, Failure> {
        let started = now_ms();
        let left = || {
            budget
                .total
                .saturating_sub(Duration::from_millis(now_ms() - started))
        };
        let mut attempt = 0;
        loop {
            let deadline = budget.per_attempt.min(left());
            match self.send(req, deadline).await {
                Err(f) if f.retryable() && attempt + 1 < attempts => {
                    let backoff = Duration::from_millis(backoff_ms(
                        attempt,
                        200,
                        2_000,
                        crate::random::jitter(),
                    ));
                    let wait = f.retry_after().map_or(backoff, |r| r.max(backoff));
                    // The next attempt needs time of its own to be worth making.
                    if wait + MIN_ATTEMPT > left() {
                        return Err(f);
                    }
                    Delay::from(wait).await;
                    attempt += 1;
                }
                other => return other,
            }
        }
    }
}

/// Time for one request and its retries.
#[derive(Clone, Copy, Debug)]
pub struct Budget {
    /// One attempt is abandoned after this.
    pub per_attempt: Duration,
    /// All attempts and the waits between them end by this.
    pub total: Duration,
}

const MIN_ATTEMPT: Duration = Duration::from_millis(500);

fn now_ms() -> u64 {
    js_sys::Date::now() as u64
}
