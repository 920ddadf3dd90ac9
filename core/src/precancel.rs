//! The precancel payload of brightback.js, parsed and checked.
//!
//! Every refusal names the field at fault, so a merchant's developer can fix
//! their snippet from the error alone.

use serde::Deserialize;
use serde_json::{Map, Value};

use crate::template::Fields;
use crate::validation::{check_email, check_web_url, FieldIssue, MAX_URL};

/// Bodies larger than this are refused before parsing.
pub const MAX_BODY_BYTES: usize = 32 * 1024;
/// Precancels one client (IP address) may start per minute, whatever the
/// app: far above what a person clicking Cancel does, far below a flood.
/// Server-side calls, which carry the app's secret key, count per app only.
pub const PER_CLIENT_PER_MINUTE: i64 = 30;
const MAX_TEXT: usize = 1024;
const MAX_CUSTOM_DEPTH: usize = 4;
const MAX_CUSTOM_KEYS: usize = 100;

/// A string, number or boolean; brightback.js lets `account.value` and
/// `account.created_at` be numbers.
#[derive(Debug, Clone, PartialEq, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(untagged)]
pub enum Scalar {
    Text(String),
    #[cfg_attr(feature = "openapi", schema(value_type = f64))]
    Number(serde_json::Number),
    Bool(bool),
}

impl Scalar {
    fn text(&self) -> String {
        match self {
            Self::Text(s) => s.clone(),
            Self::Number(n) => n.to_string(),
            Self::Bool(b) => b.to_string(),
        }
    }
}

#[derive(Debug, Clone, Default, PartialEq, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct Account {
    pub internal_id: Option<Scalar>,
    pub company_name: Option<String>,
    pub company_domain: Option<String>,
    pub billing_id: Option<Scalar>,
    pub plan: Option<String>,
    pub plan_term: Option<String>,
    pub value: Option<Scalar>,
    pub created_at: Option<Scalar>,
}

#[derive(Debug, Clone, Default, PartialEq, Eq, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct Context {
    pub user_agent: Option<String>,
    pub locale: Option<String>,
    pub timezone: Option<String>,
    pub url: Option<String>,
    pub referrer: Option<String>,
}

/// The payload as sent. Unknown top-level fields are ignored, as
/// brightback.js does, so newer snippets keep working.
#[derive(Debug, Clone, PartialEq, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct PrecancelPayload {
    pub app_id: String,
    pub subscription_id: Option<String>,
    pub email: Option<String>,
    pub first_name: Option<String>,
    pub last_name: Option<String>,
    pub full_name: Option<String>,
    pub save_return_url: Option<String>,
    pub cancel_confirmation_url: Option<String>,
    #[serde(default)]
    pub account: Option<Account>,
    #[serde(default)]
    pub custom: Option<Map<String, Value>>,
    #[serde(default)]
    pub context: Option<Context>,
    pub auth_hash: Option<String>,
    /// Unix seconds; when sent, `auth_hash` signs `"{auth_timestamp}.{subject}"`
    /// and goes stale (see `signing::signed_message`).
    pub auth_timestamp: Option<i64>,
    /// The page's language (a BCP 47 tag); `context.locale` is read too.
    pub locale: Option<String>,
    /// Where the customer is, as `DE` or `US-CA`, when the merchant's server
    /// knows better than the request's origin; honoured only with the
    /// secret key (`jurisdiction::place_for`).
    pub jurisdiction: Option<String>,
}

impl PrecancelPayload {
    /// The locale the merchant asked for: `locale`, else `context.locale`.
    pub fn requested_locale(&self) -> Option<&str> {
        self.locale
            .as_deref()
            .or_else(|| self.context.as_ref()?.locale.as_deref())
    }

    /// What `auth_hash` signs: the subscription id, or for apps without a
    /// billing integration the account's internal id.
    pub fn signed_subject(&self) -> Option<String> {
        self.subscription_id.clone().or_else(|| {
            self.account
                .as_ref()?
                .internal_id
                .as_ref()
                .map(Scalar::text)
        })
    }

    /// Fields the page and audiences can use, besides Stripe's.
    pub fn fields(&self) -> Fields {
        let mut f = Fields::new();
        let mut put = |k: &str, v: Option<String>| {
            if let Some(v) = v.filter(|v| !v.trim().is_empty()) {
                f.insert(k.to_owned(), v);
            }
        };
        put("first_name", self.first_name.clone());
        put("last_name", self.last_name.clone());
        let full = self.full_name.clone().or_else(|| {
            let parts: Vec<&str> = [&self.first_name, &self.last_name]
                .iter()
                .filter_map(|p| p.as_deref())
                .collect();
            (!parts.is_empty()).then(|| parts.join(" "))
        });
        put("full_name", full);
        put("email", self.email.clone());
        if let Some(a) = &self.account {
            put(
                "account.internal_id",
                a.internal_id.as_ref().map(Scalar::text),
            );
            put("account.company_name", a.company_name.clone());
            put("account.company_domain", a.company_domain.clone());
            put(
                "account.billing_id",
                a.billing_id.as_ref().map(Scalar::text),
            );
            put("account.plan", a.plan.clone());
            put("account.plan_term", a.plan_term.clone());
            put("account.value", a.value.as_ref().map(Scalar::text));
            put(
                "account.created_at",
                a.created_at.as_ref().map(Scalar::text),
            );
        }
        if let Some(c) = &self.custom {
            flatten("custom", c, &mut f);
        }
        f
    }
}

fn flatten(prefix: &str, obj: &Map<String, Value>, out: &mut Fields) {
    for (k, v) in obj {
        let key = format!("{prefix}.{k}");
        match v {
            Value::Object(inner) => flatten(&key, inner, out),
            Value::String(s) => {
                out.insert(key, s.clone());
            }
            Value::Number(n) => {
                out.insert(key, n.to_string());
            }
            Value::Bool(b) => {
                out.insert(key, b.to_string());
            }
            Value::Null | Value::Array(_) => {}
        }
    }
}

/// Parses and checks a precancel body.
pub fn parse(body: &[u8]) -> Result<PrecancelPayload, FieldIssue> {
    if body.len() > MAX_BODY_BYTES {
        return Err(FieldIssue::new(
            "body",
            format!("the request body is larger than {MAX_BODY_BYTES} bytes"),
        ));
    }
    let value: Value = serde_json::from_slice(body)
        .map_err(|e| FieldIssue::new("body", format!("the body is not valid JSON ({e})")))?;
    if !value.is_object() {
        return Err(FieldIssue::new("body", "the body must be a JSON object"));
    }
    if value.get("app_id").is_none_or(Value::is_null) {
        return Err(FieldIssue::new("app_id", "app_id is required"));
    }
    let payload: PrecancelPayload = serde_path_to_error::deserialize(&value).map_err(|e| {
        let path = e.path().to_string();
        let inner = e.into_inner().to_string();
        let message = inner.split(" at line ").next().unwrap_or(&inner).to_owned();
        FieldIssue::new(&path, message)
    })?;
    check(&payload)?;
    Ok(payload)
}

fn check(p: &PrecancelPayload) -> Result<(), FieldIssue> {
    if p.app_id.is_empty() || p.app_id.len() > 64 || !p.app_id.chars().all(is_id_char) {
        return Err(FieldIssue::new(
            "app_id",
            "app_id must be 1 to 64 letters, digits, '-' or '_'",
        ));
    }
    if let Some(id) = &p.subscription_id {
        // The id becomes part of a Stripe URL path: only Stripe's id alphabet.
        crate::input::StripeId::parse("subscription_id", id)?;
    }
    let has_internal_id = p.account.as_ref().is_some_and(|a| a.internal_id.is_some());
    if p.subscription_id.is_none() && !(p.email.is_some() && has_internal_id) {
        return Err(FieldIssue::new(
            "subscription_id",
            "send subscription_id, or email together with account.internal_id",
        ));
    }
    if p.jurisdiction
        .as_deref()
        .is_some_and(|j| crate::jurisdiction::Place::parse(j).is_none())
    {
        return Err(FieldIssue::new(
            "jurisdiction",
            "jurisdiction must be a country code such as DE, or a country and region such as US-CA",
        ));
    }
    if p.locale.as_deref().is_some_and(|l| l.len() > 35) {
        return Err(FieldIssue::new(
            "locale",
            "locale must be a language tag such as de or pt-BR",
        ));
    }
    if let Some(email) = &p.email {
        check_email("email", email)?;
    }
    for (name, v) in [
        ("first_name", &p.first_name),
        ("last_name", &p.last_name),
        ("full_name", &p.full_name),
        ("auth_hash", &p.auth_hash),
    ] {
        text_limit(name, v.as_deref())?;
    }
    for (name, v) in [
        ("save_return_url", &p.save_return_url),
        ("cancel_confirmation_url", &p.cancel_confirmation_url),
    ] {
        if let Some(url) = v {
            check_web_url(name, url)?;
        }
    }
    if let Some(a) = &p.account {
        for (name, v) in [
            ("account.company_name", &a.company_name),
            ("account.company_domain", &a.company_domain),
            ("account.plan", &a.plan),
            ("account.plan_term", &a.plan_term),
        ] {
            text_limit(name, v.as_deref())?;
        }
    }
    if let Some(c) = &p.context {
        for (name, v) in [
            ("context.user_agent", &c.user_agent),
            ("context.locale", &c.locale),
            ("context.timezone", &c.timezone),
            ("context.url", &c.url),
            ("context.referrer", &c.referrer),
        ] {
            if v.as_ref().is_some_and(|s| s.len() > MAX_URL) {
                return Err(FieldIssue::new(
                    name,
                    format!("{name} is longer than {MAX_URL} characters"),
                ));
            }
        }
    }
    if let Some(c) = &p.custom {
        let mut keys = 0;
        check_custom("custom", c, 1, &mut keys)?;
    }
    Ok(())
}

fn is_id_char(c: char) -> bool {
    c.is_ascii_alphanumeric() || c == '_' || c == '-'
}

fn text_limit(name: &str, v: Option<&str>) -> Result<(), FieldIssue> {
    match v {
        Some(s) if s.len() > MAX_TEXT => Err(FieldIssue::new(
            name,
            format!("{name} is longer than {MAX_TEXT} characters"),
        )),
        _ => Ok(()),
    }
}

/// The payload's return URLs against the app's list of return origins.
pub fn check_destinations(p: &PrecancelPayload, origins: &[String]) -> Result<(), FieldIssue> {
    for (name, v) in [
        ("save_return_url", &p.save_return_url),
        ("cancel_confirmation_url", &p.cancel_confirmation_url),
    ] {
        if let Some(url) = v {
            crate::return_url::check(url, origins).map_err(|why| {
                FieldIssue::new(name, format!("{name} can't be used: {why}. The app's admin lists the sites customers may return to."))
            })?;
        }
    }
    Ok(())
}

fn check_custom(
    path: &str,
    obj: &Map<String, Value>,
    depth: usize,
    keys: &mut usize,
) -> Result<(), FieldIssue> {
    if depth > MAX_CUSTOM_DEPTH {
        return Err(FieldIssue::new(
            path,
            format!("custom data nests deeper than {MAX_CUSTOM_DEPTH} levels"),
        ));
    }
    for (k, v) in obj {
        *keys += 1;
        let here = format!("{path}.{k}");
        if *keys > MAX_CUSTOM_KEYS {
            return Err(FieldIssue::new(
                "custom",
                format!("custom has more than {MAX_CUSTOM_KEYS} keys"),
            ));
        }
        if k.is_empty() || k.len() > 64 || k.contains('.') {
            return Err(FieldIssue::new(
                &here,
                "custom keys must be 1 to 64 characters without '.'",
            ));
        }
        match v {
            Value::Array(_) => {
                return Err(FieldIssue::new(&here, "custom values cannot be arrays"))
            }
            Value::Object(inner) => check_custom(&here, inner, depth + 1, keys)?,
            Value::String(s) => text_limit(&here, Some(s))?,
            _ => {}
        }
    }
    Ok(())
}

#[cfg(test)]
mod tests;
