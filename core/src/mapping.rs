//! Field mappings: named, typed fields taken from Stripe's subscription or
//! the snippet's `account.*` / `custom.*` data, for copy, audiences and
//! reports.

use serde::{Deserialize, Serialize};
use time::OffsetDateTime;

use crate::audience::parse_date;
use crate::template::Fields;
use crate::validation::{check_email, check_web_url};

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(rename_all = "snake_case")]
pub enum FieldKind {
    Text,
    /// Shown as `YYYY-MM-DD`; read from unix seconds or RFC 3339.
    Date,
    Decimal,
    Email,
    Url,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct FieldMapping {
    /// The name copy and rules use, e.g. `plan_interval`.
    pub name: String,
    pub kind: FieldKind,
    /// Where it comes from, e.g. `subscription.plan.interval` or `custom.seats`.
    pub source: String,
}

/// One mapped field for the settings preview.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct MappedValue {
    pub name: String,
    pub source: String,
    pub raw: Option<String>,
    /// None when the source is absent or is not of the field's type.
    pub value: Option<String>,
}

impl FieldKind {
    /// The value in this type's canonical text, or None if it is not one.
    pub fn convert(self, raw: &str) -> Option<String> {
        let raw = raw.trim();
        if raw.is_empty() {
            return None;
        }
        match self {
            Self::Text => Some(raw.to_owned()),
            Self::Date => {
                let t = OffsetDateTime::from_unix_timestamp(parse_date(raw)?).ok()?;
                Some(format!(
                    "{:04}-{:02}-{:02}",
                    t.year(),
                    u8::from(t.month()),
                    t.day()
                ))
            }
            Self::Decimal => raw
                .parse::<f64>()
                .ok()
                .filter(|n| n.is_finite())
                .map(|n| n.to_string()),
            Self::Email => check_email("value", raw).ok().map(|()| raw.to_owned()),
            Self::Url => check_web_url("url", raw).ok().map(|()| raw.to_owned()),
        }
    }
}

/// Each mapping's value from `fields`, as the preview shows it.
pub fn map(mappings: &[FieldMapping], fields: &Fields) -> Vec<MappedValue> {
    mappings
        .iter()
        .map(|m| {
            let raw = fields.get(&m.source).cloned();
            let value = raw.as_deref().and_then(|r| m.kind.convert(r));
            MappedValue {
                name: m.name.clone(),
                source: m.source.clone(),
                raw,
                value,
            }
        })
        .collect()
}

/// Adds the mapped fields (those with a value) to `fields`.
pub fn apply(mappings: &[FieldMapping], fields: &mut Fields) {
    for v in map(mappings, fields) {
        if let Some(value) = v.value {
            fields.insert(v.name, value);
        }
    }
}

/// Mapped names are plain words, so they never shadow a source field.
pub fn valid_name(name: &str) -> bool {
    !name.is_empty()
        && name.len() <= 40
        && name
            .chars()
            .all(|c| c.is_ascii_lowercase() || c.is_ascii_digit() || c == '_')
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    use crate::template::test_fields as fields;

    fn mapping(name: &str, kind: FieldKind, source: &str) -> FieldMapping {
        FieldMapping {
            name: name.into(),
            kind,
            source: source.into(),
        }
    }

    #[test]
    fn each_type_converts_or_drops() {
        assert_eq!(
            FieldKind::Date.convert("946684800").as_deref(),
            Some("2000-01-01")
        );
        assert_eq!(
            FieldKind::Date.convert("2024-02-29").as_deref(),
            Some("2024-02-29")
        );
        assert_eq!(FieldKind::Date.convert("soon"), None);
        assert_eq!(
            FieldKind::Decimal.convert("99000").as_deref(),
            Some("99000")
        );
        assert_eq!(FieldKind::Decimal.convert("12.50").as_deref(), Some("12.5"));
        assert_eq!(FieldKind::Decimal.convert("NaN"), None);
        assert_eq!(
            FieldKind::Email.convert("jane@example.com").as_deref(),
            Some("jane@example.com")
        );
        assert_eq!(FieldKind::Email.convert("jane"), None);
        assert_eq!(
            FieldKind::Url.convert("https://example.com/x").as_deref(),
            Some("https://example.com/x")
        );
        assert_eq!(FieldKind::Url.convert("javascript:alert(1)"), None);
        assert_eq!(FieldKind::Text.convert("  "), None);
    }

    #[test]
    fn mapped_fields_join_the_session_fields() {
        let mut f = fields(&[
            ("subscription.customer.created", "946684800"),
            ("subscription.plan.interval", "year"),
        ]);
        let m = vec![
            mapping(
                "customer_since",
                FieldKind::Date,
                "subscription.customer.created",
            ),
            mapping("billing", FieldKind::Text, "subscription.plan.interval"),
            mapping("seats", FieldKind::Decimal, "custom.seats"),
        ];
        let preview = map(&m, &f);
        assert_eq!(preview[0].value.as_deref(), Some("2000-01-01"));
        assert_eq!(preview[2].raw, None);
        apply(&m, &mut f);
        assert_eq!(f["customer_since"], "2000-01-01");
        assert_eq!(f["billing"], "year");
        assert!(!f.contains_key("seats"));
    }

    #[test]
    fn names_are_plain_words() {
        assert!(valid_name("plan_interval"));
        assert!(!valid_name("subscription.plan"));
        assert!(!valid_name("Plan"));
        assert!(!valid_name(""));
    }

    proptest! {
        #[test]
        fn conversion_never_panics(raw in ".{0,40}", k in 0usize..5) {
            let kinds = [FieldKind::Text, FieldKind::Date, FieldKind::Decimal, FieldKind::Email, FieldKind::Url];
            let _ = kinds[k].convert(&raw);
        }
    }
}
