//! Personalised copy: `{{ field }}` and `{{ field | fallback }}`.
//!
//! The output is plain text; the page inserts it as text, never as markup, so
//! a customer-supplied name can never inject anything.

use std::collections::BTreeMap;

/// Mapped fields of a session, by name (`subscription.product.name`,
/// `first_name`, `account.plan`, `custom.seats`, ...).
pub type Fields = BTreeMap<String, String>;

/// Renders `template` with `fields`. A placeholder whose field is missing or
/// blank takes its fallback, or nothing when it has none. A `{{` that is never
/// closed is kept as written.
pub fn render(template: &str, fields: &Fields) -> String {
    let mut out = String::with_capacity(template.len());
    let mut rest = template;
    while let Some(open) = rest.find("{{") {
        out.push_str(&rest[..open]);
        let after = &rest[open + 2..];
        let Some(close) = after.find("}}") else {
            out.push_str(&rest[open..]);
            return out;
        };
        out.push_str(&resolve(&after[..close], fields));
        rest = &after[close + 2..];
    }
    out.push_str(rest);
    out
}

/// Renders a URL template: substituted values are percent-encoded, so a
/// field can never change the URL's structure (add a parameter, a path).
pub fn render_url(template: &str, fields: &Fields) -> String {
    let encoded: Fields = fields
        .iter()
        .map(|(k, v)| {
            (
                k.clone(),
                form_urlencoded::byte_serialize(v.trim().as_bytes()).collect(),
            )
        })
        .collect();
    render(template, &encoded)
}

fn resolve(placeholder: &str, fields: &Fields) -> String {
    let (name, fallback) = match placeholder.split_once('|') {
        Some((n, f)) => (n.trim(), Some(unquote(f.trim()))),
        None => (placeholder.trim(), None),
    };
    match fields.get(name).map(|v| v.trim()) {
        Some(v) if !v.is_empty() => v.to_owned(),
        _ => fallback.unwrap_or_default().to_owned(),
    }
}

fn unquote(s: &str) -> &str {
    let quoted = s.len() >= 2
        && ((s.starts_with('"') && s.ends_with('"')) || (s.starts_with('\'') && s.ends_with('\'')));
    if quoted {
        &s[1..s.len() - 1]
    } else {
        s
    }
}

/// The field names a template refers to, for the settings UI's checks.
pub fn placeholders(template: &str) -> Vec<String> {
    let mut names = Vec::new();
    let mut rest = template;
    while let Some(open) = rest.find("{{") {
        let after = &rest[open + 2..];
        let Some(close) = after.find("}}") else { break };
        let inner = &after[..close];
        let name = inner.split('|').next().unwrap_or_default().trim();
        names.push(name.to_owned());
        rest = &after[close + 2..];
    }
    names
}

/// Fields from pairs, for the tests of every module that reads them.
#[cfg(test)]
pub(crate) fn test_fields(pairs: &[(&str, &str)]) -> Fields {
    pairs
        .iter()
        .map(|(k, v)| ((*k).to_owned(), (*v).to_owned()))
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    use crate::template::test_fields as fields;

    #[test]
    fn fills_known_fields() {
        let f = fields(&[("subscription.product.name", "Premium Snack Pack")]);
        assert_eq!(
            render("Leaving {{ subscription.product.name }}?", &f),
            "Leaving Premium Snack Pack?"
        );
    }

    #[test]
    fn missing_or_blank_fields_take_the_fallback() {
        let f = fields(&[("first_name", "  ")]);
        assert_eq!(render("Hi {{first_name | there}}!", &f), "Hi there!");
        assert_eq!(render("Hi {{nick|\"friend\"}}!", &f), "Hi friend!");
        assert_eq!(render("Hi {{nick}}!", &f), "Hi !");
    }

    #[test]
    fn markup_in_values_stays_text() {
        let f = fields(&[("first_name", "<img src=x onerror=alert(1)>")]);
        assert_eq!(render("{{first_name}}", &f), "<img src=x onerror=alert(1)>");
    }

    #[test]
    fn url_templates_encode_values() {
        let f = fields(&[("account.internal_id", "42&admin=1"), ("first_name", "Zoë")]);
        assert_eq!(
            render_url("https://example.com/free-month?customer_id={{account.internal_id}}&n={{first_name}}", &f),
            "https://example.com/free-month?customer_id=42%26admin%3D1&n=Zo%C3%AB"
        );
    }

    #[test]
    fn an_unclosed_placeholder_is_kept_as_written() {
        assert_eq!(render("a {{ b", &Fields::new()), "a {{ b");
    }

    #[test]
    fn lists_placeholders() {
        assert_eq!(
            placeholders("{{a}} and {{ b | x }} and {{c"),
            vec!["a".to_owned(), "b".to_owned()]
        );
    }

    proptest! {
        #[test]
        fn text_without_braces_is_unchanged(s in "[^{}]*") {
            prop_assert_eq!(render(&s, &Fields::new()), s);
        }

        #[test]
        fn never_panics_and_never_leaves_a_closed_placeholder(s in ".*") {
            let out = render(&s, &Fields::new());
            // Every closed placeholder is replaced, so output is never longer.
            prop_assert!(out.len() <= s.len());
        }

        #[test]
        fn a_present_value_always_wins_over_the_fallback(v in "[a-zA-Z0-9 ]*[a-zA-Z0-9][a-zA-Z0-9 ]*", fb in "[a-z]{1,8}") {
            let f = fields(&[("x", v.as_str())]);
            prop_assert_eq!(render(&format!("{{{{x|{fb}}}}}"), &f), v.trim());
        }
    }
}
