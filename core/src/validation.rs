//! Leaf: the one shape of a refused field, and the checks every form shares
//! (e-mail addresses, web URLs, origins). Depends on nothing in the crate.

use serde::{Deserialize, Serialize};

/// Longest URL accepted anywhere.
pub const MAX_URL: usize = 2048;

/// One field's problem in a submitted form or payload: which field (a dotted
/// path such as `offers.0.title`), and why, in words for the person who sent it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, thiserror::Error)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[error("{field}: {message}")]
pub struct FieldIssue {
    pub field: String,
    pub message: String,
}

impl FieldIssue {
    pub fn new(field: impl Into<String>, message: impl Into<String>) -> Self {
        Self {
            field: field.into(),
            message: message.into(),
        }
    }
}

/// One rule for an e-mail address, wherever it arrives: a local part, an
/// `@`, and a dotted domain, at most 254 characters (RFC 5321's limit).
pub fn check_email(field: &str, email: &str) -> Result<(), FieldIssue> {
    let ok = email.len() <= 254
        && !email.chars().any(|c| c.is_whitespace() || c.is_control())
        && email.split_once('@').is_some_and(|(l, d)| {
            !l.is_empty() && d.contains('.') && !d.starts_with('.') && !d.ends_with('.')
        });
    if ok {
        Ok(())
    } else {
        Err(FieldIssue::new(
            field,
            "Enter an e-mail address, like name@example.com.",
        ))
    }
}

/// Return URLs must be absolute http(s): a `javascript:` or `data:` URL would
/// run script when the page sends the customer there.
pub fn check_web_url(name: &str, url: &str) -> Result<(), FieldIssue> {
    let lower = url.trim().to_ascii_lowercase();
    let scheme_ok = lower.starts_with("https://") || lower.starts_with("http://");
    let host_ok = lower
        .split("://")
        .nth(1)
        .is_some_and(|rest| !rest.is_empty() && !rest.starts_with('/'));
    // `https://merchant.example@evil.example/` goes to evil.example.
    let userinfo = lower
        .split("://")
        .nth(1)
        .and_then(|rest| rest.split(['/', '?', '#', '\\']).next())
        .is_some_and(|authority| authority.contains('@'));
    if userinfo {
        return Err(FieldIssue::new(
            name,
            format!("{name} must not carry a user name or password before its host"),
        ));
    }
    if url.len() > MAX_URL || !scheme_ok || !host_ok || url.chars().any(char::is_control) {
        return Err(FieldIssue::new(
            name,
            format!("{name} must be an absolute http(s) URL of at most {MAX_URL} characters"),
        ));
    }
    Ok(())
}

/// `https://host[:port]`, nothing else: it goes into a CSP header as is.
pub fn is_https_origin(o: &str) -> bool {
    let Some(rest) = o.strip_prefix("https://") else {
        return false;
    };
    let (host, port) = rest.split_once(':').unwrap_or((rest, "443"));
    !host.is_empty()
        && host.len() <= 253
        && host
            .split('.')
            .all(|l| !l.is_empty() && l.chars().all(|c| c.is_ascii_alphanumeric() || c == '-'))
        && !port.is_empty()
        && port.len() <= 5
        && port.chars().all(|c| c.is_ascii_digit())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn one_email_rule() {
        for good in ["admin@example.com", "a.b+c@mail.example.co.uk"] {
            assert!(check_email("email", good).is_ok(), "{good}");
        }
        for bad in [
            "admin",
            "@example.com",
            "a@example",
            "a@.com",
            "a b@example.com",
            "a@example.com.",
        ] {
            assert_eq!(
                check_email("to", bad).map_err(|e| e.field),
                Err("to".to_owned()),
                "{bad}"
            );
        }
    }

    #[test]
    fn web_urls_are_absolute_and_without_user_info() {
        assert!(check_web_url("url", "https://example.com/x").is_ok());
        for bad in [
            "javascript:alert(1)",
            "https://",
            "/relative",
            "https://user@evil.example/",
        ] {
            assert!(check_web_url("url", bad).is_err(), "{bad}");
        }
    }
}
