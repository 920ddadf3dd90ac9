//! How long a customer's personal data is kept, and how one customer is
//! found to be erased or exported (GDPR Art. 15 and 17, CCPA): by e-mail,
//! Stripe customer id or subscription id.

use serde_json::Value;

use crate::validation::{check_email, FieldIssue};

/// Days after a session ends that its personal data is kept by default.
pub const DEFAULT_RETENTION_DAYS: u32 = 90;
/// What an app may choose.
pub const RETENTION_DAYS: std::ops::RangeInclusive<u32> = 7..=3650;

/// Who an erasure or export is about.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum CustomerKey {
    /// Compared without regard to case.
    Email(String),
    Customer(String),
    Subscription(String),
}

impl CustomerKey {
    /// Exactly one of the three, well-formed; the issue names the field.
    pub fn of(
        email: Option<&str>,
        customer_id: Option<&str>,
        subscription_id: Option<&str>,
    ) -> Result<CustomerKey, FieldIssue> {
        fn given(v: Option<&str>) -> Option<&str> {
            v.map(str::trim).filter(|v| !v.is_empty())
        }
        let id = |field: &str, prefix: &str, v: &str| {
            let ok = v.starts_with(prefix)
                && v.len() <= 255
                && v.bytes().all(|b| b.is_ascii_alphanumeric() || b == b'_');
            if ok {
                Ok(v.to_owned())
            } else {
                Err(FieldIssue::new(
                    field,
                    format!("must be a Stripe id starting {prefix}"),
                ))
            }
        };
        match (given(email), given(customer_id), given(subscription_id)) {
            (Some(e), None, None) => {
                check_email("email", e)?;
                Ok(CustomerKey::Email(e.to_lowercase()))
            }
            (None, Some(c), None) => id("customer_id", "cus_", c).map(CustomerKey::Customer),
            (None, None, Some(s)) => {
                id("subscription_id", "sub_", s).map(CustomerKey::Subscription)
            }
            _ => Err(FieldIssue::new(
                "email",
                "give exactly one of email, customer_id and subscription_id",
            )),
        }
    }

    /// What the audit log says was looked up (never the value itself).
    pub fn kind(&self) -> &'static str {
        match self {
            CustomerKey::Email(_) => "email",
            CustomerKey::Customer(_) => "customer_id",
            CustomerKey::Subscription(_) => "subscription_id",
        }
    }
}

/// Whether any string in these JSON texts is `email` (lower-case), e.g. a
/// session's receipt, custom fields or Stripe facts.
pub fn holds_email<'a>(texts: impl IntoIterator<Item = &'a str>, email: &str) -> bool {
    fn walk(v: &Value, email: &str) -> bool {
        match v {
            Value::String(s) => s.trim().eq_ignore_ascii_case(email),
            Value::Array(a) => a.iter().any(|x| walk(x, email)),
            Value::Object(o) => o.values().any(|x| walk(x, email)),
            _ => false,
        }
    }
    texts
        .into_iter()
        .filter_map(|t| serde_json::from_str::<Value>(t).ok())
        .any(|v| walk(&v, email))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn exactly_one_well_formed_key() {
        assert_eq!(
            CustomerKey::of(Some(" Ada@Example.com "), None, Some("")),
            Ok(CustomerKey::Email("ada@example.com".into()))
        );
        assert_eq!(
            CustomerKey::of(None, Some("cus_123"), None),
            Ok(CustomerKey::Customer("cus_123".into()))
        );
        let field = |r: Result<CustomerKey, FieldIssue>| r.err().map(|e| e.field);
        assert_eq!(
            field(CustomerKey::of(None, None, None)),
            Some("email".into())
        );
        assert_eq!(
            field(CustomerKey::of(Some("a@b.co"), Some("cus_1"), None)),
            Some("email".into())
        );
        assert_eq!(
            field(CustomerKey::of(Some("nope"), None, None)),
            Some("email".into())
        );
        assert_eq!(
            field(CustomerKey::of(None, None, Some("sub_1' OR 1"))),
            Some("subscription_id".into())
        );
        assert_eq!(
            field(CustomerKey::of(None, Some("sub_1"), None)),
            Some("customer_id".into())
        );
    }

    #[test]
    fn an_email_is_found_anywhere_in_the_json_whatever_its_case() {
        let receipt = r#"{"contract":{"email":"Ada@Example.com","customer":"Ada"}}"#;
        assert!(holds_email([receipt], "ada@example.com"));
        assert!(holds_email(
            ["{}", r#"{"x":["ada@example.com"]}"#],
            "ada@example.com"
        ));
        assert!(!holds_email(
            [r#"{"note":"write to ada@example.com"}"#],
            "ada@example.com"
        ));
        assert!(!holds_email(["not json"], "ada@example.com"));
    }
}
