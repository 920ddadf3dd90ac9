//! Where each session field came from: Stripe (`subscription.*`, read by
//! the edge), the merchant's server (a precancel with the secret key, or
//! the signed subject), or the customer's browser (everything else the
//! snippet sends). Browser values stay marked as such: webhooks carry them
//! apart, and a pass-through URL, which Holdfast signs, is filled from them
//! only where the admin chose to trust a field.

use crate::mapping::FieldMapping;
use crate::template::Fields;

/// Whether a browser could have set `key`, judged from its name alone
/// (for the settings UI, before any session exists): Stripe's fields
/// cannot be, and a mapped field is as trustworthy as its source.
pub fn may_come_from_browser(key: &str, mappings: &[FieldMapping]) -> bool {
    if key.starts_with("subscription.") {
        return false;
    }
    match mappings.iter().find(|m| m.name == key) {
        Some(m) => !m.source.starts_with("subscription."),
        None => true,
    }
}

/// The fields of a session that its browser supplied: none when the
/// merchant's server made the call, and never the signed subject.
pub fn unverified(
    fields: &Fields,
    mappings: &[FieldMapping],
    server_side: bool,
    signed_field: Option<&str>,
) -> Vec<String> {
    if server_side {
        return Vec::new();
    }
    let vouched = |k: &str| {
        signed_field == Some(k)
            || mappings
                .iter()
                .find(|m| m.name == k)
                .is_some_and(|m| signed_field == Some(m.source.as_str()))
    };
    fields
        .keys()
        .filter(|k| may_come_from_browser(k, mappings) && !vouched(k))
        .cloned()
        .collect()
}

/// The fields split in two: what Stripe or a signature vouches for, and
/// what the browser said.
pub fn split(fields: &Fields, unverified: &[String]) -> (Fields, Fields) {
    fields
        .iter()
        .map(|(k, v)| (k.clone(), v.clone()))
        .partition(|(k, _)| !unverified.contains(k))
}

/// The fields a pass-through URL may be filled from: the verified ones and
/// the browser's that the admin trusts for URLs.
pub fn for_urls(fields: &Fields, unverified: &[String], trusted: &[String]) -> Fields {
    fields
        .iter()
        .filter(|(k, _)| !unverified.contains(k) || trusted.contains(k))
        .map(|(k, v)| (k.clone(), v.clone()))
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::mapping::FieldKind;

    fn fields() -> Fields {
        [
            ("subscription.id", "sub_1"),
            ("email", "a@example.com"),
            ("account.internal_id", "42"),
            ("seats", "3"),
            ("plan", "month"),
        ]
        .into_iter()
        .map(|(k, v)| (k.to_owned(), v.to_owned()))
        .collect()
    }

    fn mappings() -> Vec<FieldMapping> {
        vec![
            FieldMapping {
                name: "seats".into(),
                kind: FieldKind::Text,
                source: "custom.seats".into(),
            },
            FieldMapping {
                name: "plan".into(),
                kind: FieldKind::Text,
                source: "subscription.plan.interval".into(),
            },
        ]
    }

    #[test]
    fn browser_fields_are_marked_and_stripe_and_signed_ones_are_not() {
        let u = unverified(&fields(), &mappings(), false, None);
        assert_eq!(u, vec!["account.internal_id", "email", "seats"]);
        let signed = unverified(&fields(), &mappings(), false, Some("account.internal_id"));
        assert_eq!(signed, vec!["email", "seats"]);
        assert!(
            unverified(&fields(), &mappings(), true, None).is_empty(),
            "server-side"
        );
        let (verified, browser) = split(&fields(), &u);
        assert!(verified.contains_key("subscription.id") && verified.contains_key("plan"));
        assert!(browser.contains_key("email") && !browser.contains_key("plan"));
    }

    #[test]
    fn urls_take_browser_fields_only_when_trusted() {
        let u = unverified(&fields(), &mappings(), false, None);
        let none = for_urls(&fields(), &u, &[]);
        assert!(!none.contains_key("account.internal_id") && none.contains_key("subscription.id"));
        let trusted = for_urls(&fields(), &u, &["account.internal_id".into()]);
        assert_eq!(
            trusted.get("account.internal_id").map(String::as_str),
            Some("42")
        );
        assert!(
            may_come_from_browser("custom.x", &[])
                && !may_come_from_browser("subscription.id", &[])
        );
    }
}
