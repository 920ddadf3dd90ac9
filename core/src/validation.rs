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

/// One rule for an e-mail address, wherever it arrives: exactly one
/// mailbox (no lists, no display names, no quoting), a local part of at
/// most 64 characters, an `@`, and a dotted domain of letters, digits and
/// hyphens; at most 254 characters in all (RFC 5321's limits). Anything a
/// mail header could read as a second address or a new line is refused.
pub fn check_email(field: &str, email: &str) -> Result<(), FieldIssue> {
    if is_one_mailbox(email) {
        Ok(())
    } else {
        Err(FieldIssue::new(
            field,
            "Enter one e-mail address, like name@example.com.",
        ))
    }
}

fn is_one_mailbox(email: &str) -> bool {
    let Some((local, domain)) = email.split_once('@') else {
        return false;
    };
    // RFC 5322's dot-atom: no quoting, so no spaces, commas or brackets.
    let atom = |a: &str| {
        !a.is_empty()
            && a.chars()
                .all(|c| c.is_alphanumeric() || "!#$%&'*+/=?^_`{|}~-".contains(c))
    };
    let label = |l: &str| {
        (1..=63).contains(&l.chars().count())
            && !l.starts_with('-')
            && !l.ends_with('-')
            && l.chars().all(|c| c.is_alphanumeric() || c == '-')
    };
    email.len() <= 254
        && local.chars().count() <= 64
        && local.split('.').all(atom)
        && domain.contains('.')
        && domain.split('.').all(label)
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
        for good in [
            "admin@example.com",
            "a.b+c@mail.example.co.uk",
            "o'brien@example.ie",
            "jürgen@müller.example",
        ] {
            assert!(check_email("email", good).is_ok(), "{good}");
        }
        for bad in [
            "admin",
            "@example.com",
            "a@example",
            "a@.com",
            "a b@example.com",
            "a@example.com.",
            "a@b.example,c@d.example",
            "a@b.example;c@d.example",
            "a@b@example.com",
            "\"a b\"@example.com",
            "Jane <a@example.com>",
            "a@example.com\r\nBcc: b@example.com",
            "a..b@example.com",
            ".a@example.com",
            "a@-example.com",
            "a@exa_mple.com",
        ] {
            assert_eq!(
                check_email("to", bad).map_err(|e| e.field),
                Err("to".to_owned()),
                "{bad}"
            );
        }
    }

    #[test]
    fn an_address_keeps_rfc_5321s_lengths() {
        let local = "a".repeat(65);
        assert!(check_email("e", &format!("{local}@example.com")).is_err());
        let long = format!("a@{}.example", "b".repeat(60).repeat(5));
        assert!(check_email("e", &long).is_err());
        assert!(check_email("e", &format!("{}@example.com", "a".repeat(64))).is_ok());
    }

    proptest::proptest! {
        /// Two addresses joined by anything a header could split on are
        /// never taken as one.
        #[test]
        fn a_list_is_never_one_address(
            a in "[a-z0-9.+]{1,12}@[a-z0-9]{1,12}\\.example",
            sep in "[,; <>\"()\\[\\]:\\r\\n\\t\\x00]{1,3}",
            b in "[a-z0-9]{1,12}@[a-z0-9]{1,12}\\.example",
        ) {
            let joined = format!("{a}{sep}{b}");
            proptest::prop_assert!(check_email("e", &joined).is_err());
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
