//! Stripe requests as data: method, path, parameters and idempotency key.
//! The edge's transport sends them; here they are built and tested natively.

use std::fmt;

use serde::Deserialize;

use crate::billing::Billing;
use crate::cancel::{CancelOptions, CancelTiming, CancellationDetails};
use crate::offer::OfferPlan;

/// Every request pins this version (`Stripe-Version`), the one the official
/// parameter definitions the emulator checks against were generated from.
pub const API_VERSION: &str = "2026-10-28.endive";

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Method {
    Get,
    Post,
    Delete,
}

impl Method {
    pub fn as_str(self) -> &'static str {
        match self {
            Self::Get => "GET",
            Self::Post => "POST",
            Self::Delete => "DELETE",
        }
    }
}

/// Stripe keeps idempotency keys 24 h and caps them at 255 characters.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct IdempotencyKey(String);

impl IdempotencyKey {
    /// Derived from the session and the action, so a retry or a double click
    /// always sends the same key and Stripe applies the write once.
    pub fn derive(session_id: &str, action: &str, target: &str) -> Self {
        let raw = format!("holdfast:{session_id}:{action}:{target}");
        if raw.len() <= 255 {
            Self(raw)
        } else {
            Self(format!("holdfast:{}", crate::signing::digest_hex(&raw)))
        }
    }

    pub fn as_str(&self) -> &str {
        &self.0
    }
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct StripeRequest {
    pub method: Method,
    /// Path under the API base, e.g. `/v1/subscriptions/sub_123`.
    pub path: String,
    /// Form parameters in Stripe's bracket notation, in order.
    pub params: Vec<(String, String)>,
    pub idempotency_key: Option<IdempotencyKey>,
}

impl StripeRequest {
    fn new(method: Method, path: String) -> Self {
        Self {
            method,
            path,
            params: Vec::new(),
            idempotency_key: None,
        }
    }

    fn param(mut self, k: &str, v: impl Into<String>) -> Self {
        self.params.push((k.to_owned(), v.into()));
        self
    }

    fn encoded(&self) -> String {
        let mut s = form_urlencoded::Serializer::new(String::new());
        for (k, v) in &self.params {
            s.append_pair(k, v);
        }
        s.finish()
    }

    /// The full URL: GET and DELETE carry their parameters in the query,
    /// as Stripe's own libraries send them.
    pub fn url(&self, base: &str) -> String {
        let base = base.trim_end_matches('/');
        match self.method {
            Method::Post => format!("{base}{}", self.path),
            _ if self.params.is_empty() => format!("{base}{}", self.path),
            _ => format!("{base}{}?{}", self.path, self.encoded()),
        }
    }

    /// The form body of a POST.
    pub fn body(&self) -> Option<String> {
        (self.method == Method::Post).then(|| self.encoded())
    }

    /// Whether this request changes anything in Stripe.
    pub fn is_write(&self) -> bool {
        self.method != Method::Get
    }
}

impl StripeRequest {
    /// A request for the connection check: a list of one, or the write probe.
    pub fn probe(method: Method, path: &str) -> Self {
        let req = Self::new(method, path.to_owned());
        match method {
            Method::Get => req.param("limit", "1"),
            _ => req.param("metadata[holdfast_permission_probe]", "1"),
        }
    }
}

/// ONE call for precancel: subscription, customer, price and product, and
/// the coupons of its discounts (for the MRR and the offer's cost).
pub fn retrieve_subscription(id: &str) -> StripeRequest {
    StripeRequest::new(Method::Get, format!("/v1/subscriptions/{id}"))
        .param("expand[]", "customer")
        .param("expand[]", "items.data.price.product")
        .param("expand[]", "discounts.source.coupon")
}

/// The attribution check: the subscription with its latest invoice, to see
/// whether it is still paying.
pub fn retrieve_for_attribution(id: &str) -> StripeRequest {
    StripeRequest::new(Method::Get, format!("/v1/subscriptions/{id}"))
        .param("expand[]", "latest_invoice")
        .param("expand[]", "items.data.price.product")
        .param("expand[]", "discounts.source.coupon")
}

/// All of a customer's subscriptions; the caller keeps the live ones
/// (`active`, `trialing`, `past_due`), which one `status` filter cannot say.
pub fn list_customer_subscriptions(customer_id: &str) -> StripeRequest {
    StripeRequest::new(Method::Get, "/v1/subscriptions".to_owned())
        .param("customer", customer_id)
        .param("status", "all")
        .param("limit", "100")
}

pub fn list_subscriptions(limit: u8) -> StripeRequest {
    StripeRequest::new(Method::Get, "/v1/subscriptions".to_owned())
        .param("status", "active")
        .param("limit", limit.to_string())
        .param("expand[]", "data.customer")
}

/// Customers whose e-mail is `email`. The search, unlike the list's
/// `email` filter, compares addresses case-insensitively, as people type
/// them; it may lag new customers by a minute, which a review can bear.
pub fn search_customers_by_email(email: &str, limit: usize) -> StripeRequest {
    let quoted = email.replace('\\', "\\\\").replace('"', "\\\"");
    StripeRequest::new(Method::Get, "/v1/customers/search".to_owned())
        .param("query", format!("email:\"{quoted}\""))
        .param("limit", limit.to_string())
}

/// The merchant's coupons, for the offer editor.
pub fn list_coupons() -> StripeRequest {
    StripeRequest::new(Method::Get, "/v1/coupons".to_owned()).param("limit", "100")
}

/// The merchant's active prices with their products, for the offer editor.
pub fn list_prices() -> StripeRequest {
    StripeRequest::new(Method::Get, "/v1/prices".to_owned())
        .param("active", "true")
        .param("limit", "100")
        .param("expand[]", "data.product")
}

/// Cancels one subscription per the app's options.
pub fn cancel_subscription(
    subscription_id: &str,
    options: &CancelOptions,
    details: &CancellationDetails,
    key: IdempotencyKey,
) -> StripeRequest {
    let mut req = match options.timing {
        CancelTiming::AtPeriodEnd => {
            StripeRequest::new(Method::Post, format!("/v1/subscriptions/{subscription_id}"))
                .param("cancel_at_period_end", "true")
        }
        CancelTiming::Immediately => StripeRequest::new(
            Method::Delete,
            format!("/v1/subscriptions/{subscription_id}"),
        )
        .param("invoice_now", options.invoice_now.to_string())
        .param("prorate", options.prorate.to_string()),
    };
    if let Some(f) = details.feedback {
        req = req.param("cancellation_details[feedback]", f.as_str());
    }
    if let Some(c) = &details.comment {
        req = req.param("cancellation_details[comment]", c.clone());
    }
    req.idempotency_key = Some(key);
    req
}

/// The write that applies an accepted offer; None for offers Stripe has no
/// part in (redirects).
pub fn apply_offer(plan: &OfferPlan, key: IdempotencyKey) -> Option<StripeRequest> {
    let mut req = StripeRequest::new(
        Method::Post,
        format!("/v1/subscriptions/{}", plan.subscription_id),
    );
    req = match &plan.billing {
        Billing::Discount { coupon } => {
            with_discounts(req, "discounts", &plan.existing_discounts, coupon)
        }
        Billing::Pause { .. } | Billing::Extension { .. } => {
            let behavior = if matches!(plan.billing, Billing::Pause { .. }) {
                "void"
            } else {
                "mark_uncollectible"
            };
            let req = req.param("pause_collection[behavior]", behavior);
            match plan.resumes_at {
                Some(t) => req.param("pause_collection[resumes_at]", t.to_string()),
                None => req,
            }
        }
        Billing::PlanChange {
            price,
            proration_behavior,
        } => {
            let item = plan.item_id.as_deref()?;
            req.param("items[0][id]", item)
                .param("items[0][price]", price.clone())
                .param("proration_behavior", proration_behavior.as_str())
        }
        Billing::Redirect { .. } => return None,
    };
    req.idempotency_key = Some(key);
    Some(req)
}

/// A non-empty `discounts` array replaces the set: existing discounts are
/// listed by id so they stay.
fn with_discounts(
    mut req: StripeRequest,
    name: &str,
    existing: &[String],
    coupon: &str,
) -> StripeRequest {
    for (i, id) in existing.iter().enumerate() {
        req = req.param(&format!("{name}[{i}][discount]"), id.clone());
    }
    req.param(&format!("{name}[{}][coupon]", existing.len()), coupon)
}

/// Stripe's preview of the next invoice if the offer were accepted.
pub fn preview_offer(
    subscription_id: &str,
    item_id: Option<&str>,
    existing: &[String],
    billing: &Billing,
) -> Option<StripeRequest> {
    let req = StripeRequest::new(Method::Post, "/v1/invoices/create_preview".to_owned())
        .param("subscription", subscription_id);
    match billing {
        // The invoice-level discounts of the preview stand for the subscription's.
        Billing::Discount { coupon } => Some(with_discounts(req, "discounts", existing, coupon)),
        Billing::PlanChange {
            price,
            proration_behavior,
        } => Some(
            req.param("subscription_details[items][0][id]", item_id?)
                .param("subscription_details[items][0][price]", price.clone())
                .param(
                    "subscription_details[proration_behavior]",
                    proration_behavior.as_str(),
                ),
        ),
        // Stripe's preview does not model a pause; the page states its dates.
        Billing::Pause { .. } | Billing::Extension { .. } | Billing::Redirect { .. } => None,
    }
}

/// Stripe's error body: `{"error": {"type", "code", "message", "param"}}`.
#[derive(Debug, Clone, Default, PartialEq, Eq, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct StripeError {
    #[serde(rename = "type", default)]
    pub kind: Option<String>,
    #[serde(default)]
    pub code: Option<String>,
    #[serde(default)]
    pub message: Option<String>,
    #[serde(default)]
    pub param: Option<String>,
}

impl StripeError {
    pub fn from_body(body: &str) -> Self {
        #[derive(Deserialize)]
        #[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
        struct Envelope {
            error: StripeError,
        }
        serde_json::from_str::<Envelope>(body)
            .map(|e| e.error)
            .unwrap_or_default()
    }
}

impl fmt::Display for StripeError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(
            f,
            "{} ({}{})",
            self.message.as_deref().unwrap_or("no message"),
            self.code
                .as_deref()
                .or(self.kind.as_deref())
                .unwrap_or("unknown"),
            self.param
                .as_deref()
                .map(|p| format!(", param {p}"))
                .unwrap_or_default()
        )
    }
}

/// Whether a failed call may be sent again with the same idempotency key:
/// network errors, 409 (a concurrent request with the key), 429 and 5xx,
/// or whatever Stripe says with `Stripe-Should-Retry`.
pub fn should_retry(status: Option<u16>, stripe_should_retry: Option<&str>) -> bool {
    match stripe_should_retry {
        Some("true") => return true,
        Some("false") => return false,
        _ => {}
    }
    match status {
        None => true,
        Some(s) => s == 409 || s == 429 || s >= 500,
    }
}

#[cfg(test)]
mod tests;
