//! Leaf: values that arrive from outside, made only by a `parse` that says
//! what is wrong. A route parses once at its boundary; everything after it
//! holds a checked value and checks nothing again.

use std::fmt;

use crate::validation::{check_email, FieldIssue};

/// RFC 5321's limit on a whole address.
const MAX_EMAIL_CHARS: usize = 254;

/// A link's secret: 64 hex characters (32 random bytes), as the edge makes
/// them. Only its digest is stored.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Token(String);

impl Token {
    pub fn parse(field: &str, raw: &str) -> Result<Self, FieldIssue> {
        let raw = raw.trim();
        if raw.len() == 64 && raw.bytes().all(|b| b.is_ascii_hexdigit()) {
            Ok(Self(raw.to_owned()))
        } else {
            Err(FieldIssue::new(
                field,
                "This link is not whole: copy all of it, or ask for a new one.",
            ))
        }
    }

    pub fn as_str(&self) -> &str {
        &self.0
    }
}

/// An admin's e-mail address as sign-in, setup and invitations compare it:
/// trimmed, in lower case, one mailbox (`validation::check_email`).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct EmailAddress(String);

impl EmailAddress {
    pub fn parse(field: &str, raw: &str) -> Result<Self, FieldIssue> {
        let email = raw.trim().to_lowercase();
        check_email(field, &email)?;
        Ok(Self(email))
    }

    /// An address to look up, as sign-in takes it: normalised the same way
    /// and at most 254 characters, but not checked further. Every stored
    /// address passed [`Self::parse`], so any other text matches no one,
    /// and the answer stays "does not match" rather than saying why.
    pub fn for_lookup(field: &str, raw: &str) -> Result<Self, FieldIssue> {
        let email = raw.trim().to_lowercase();
        if email.chars().count() > MAX_EMAIL_CHARS {
            return Err(FieldIssue::new(
                field,
                format!("An e-mail address has at most {MAX_EMAIL_CHARS} characters."),
            ));
        }
        Ok(Self(email))
    }

    pub fn as_str(&self) -> &str {
        &self.0
    }
}

impl std::ops::Deref for EmailAddress {
    type Target = str;
    fn deref(&self) -> &str {
        &self.0
    }
}

impl fmt::Display for EmailAddress {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.0)
    }
}

/// A Stripe object id such as `sub_K1Vhej7WAk7k7Z`: Stripe's id alphabet,
/// 1 to 255 characters. Ids become part of Stripe URL paths, so nothing
/// else may pass (`../customers` would change the call).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct StripeId(String);

impl StripeId {
    pub fn parse(field: &str, raw: &str) -> Result<Self, FieldIssue> {
        let ok = !raw.is_empty()
            && raw.len() <= 255
            && raw.chars().all(|c| c.is_ascii_alphanumeric() || c == '_');
        if ok {
            Ok(Self(raw.to_owned()))
        } else {
            Err(FieldIssue::new(
                field,
                format!("{field} must be a Stripe id such as sub_K1Vhej7WAk7k7Z"),
            ))
        }
    }

    pub fn as_str(&self) -> &str {
        &self.0
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    #[test]
    fn a_token_is_64_hex_characters() {
        let hex = "ab".repeat(32);
        assert_eq!(
            Token::parse("token", &format!(" {hex}\n")).map(|t| t.0),
            Ok(hex.clone())
        );
        for bad in ["", &hex[..63], &format!("{hex}0"), &"zz".repeat(32)] {
            let e = Token::parse("token", bad).expect_err(bad);
            assert_eq!(e.field, "token");
        }
    }

    #[test]
    fn an_email_is_trimmed_lowered_and_one_mailbox() {
        let e = EmailAddress::parse("email", "  Ana@Example.COM ").expect("valid");
        assert_eq!(e.as_str(), "ana@example.com");
        for bad in [
            "",
            "ana",
            "a@b.c, b@c.d",
            "Ana <a@b.c>",
            "a@b.c\r\nBcc: x@y.z",
        ] {
            let e = EmailAddress::parse("email", bad).expect_err(bad);
            assert_eq!(e.field, "email");
        }
        assert!(EmailAddress::parse("email", &format!("{}@example.com", "a".repeat(250))).is_err());
        let longest = format!("{}@example.com", "B".repeat(242));
        assert_eq!(
            EmailAddress::for_lookup("email", &longest).map(|e| e.0),
            Ok(longest.to_lowercase())
        );
        assert!(EmailAddress::for_lookup("email", &format!("b{longest}")).is_err());
    }

    #[test]
    fn a_stripe_id_keeps_to_stripes_alphabet() {
        assert_eq!(
            StripeId::parse("subscription_id", "sub_K1Vhej7WAk7k7Z").map(|i| i.0),
            Ok("sub_K1Vhej7WAk7k7Z".to_owned())
        );
        for bad in [
            "",
            "../customers",
            "sub_1?expand=x",
            "sub 1",
            &"a".repeat(256),
        ] {
            let e = StripeId::parse("subscription_id", bad).expect_err(bad);
            assert_eq!(e.field, "subscription_id");
            assert!(e.message.contains("Stripe id"));
        }
    }

    proptest! {
        #[test]
        fn whatever_parses_as_a_stripe_id_is_safe_in_a_url_path(raw in ".{0,40}") {
            if let Ok(id) = StripeId::parse("id", &raw) {
                prop_assert!(!id.as_str().contains(['/', '.', '?', '#', '%']));
            }
        }
    }
}
