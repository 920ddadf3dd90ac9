//! Audiences: rules on a session's fields (Stripe's, the snippet's
//! `account.*` and `custom.*`), all or any of which must hold.

use serde::{Deserialize, Serialize};
use time::format_description::well_known::Rfc3339;
use time::OffsetDateTime;

use crate::template::Fields;

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(rename_all = "snake_case")]
pub enum Op {
    Equals,
    NotEquals,
    Contains,
    GreaterThan,
    LessThan,
    /// Dates: unix seconds or RFC 3339.
    Before,
    After,
    IsEmpty,
    IsNotEmpty,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema), schema(as = AudienceRule))]
pub struct Rule {
    pub field: String,
    pub op: Op,
    #[serde(default)]
    pub value: String,
}

#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(rename_all = "snake_case")]
pub enum Match {
    #[default]
    All,
    Any,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct Audience {
    pub id: String,
    pub name: String,
    #[serde(default)]
    pub r#match: Match,
    pub rules: Vec<Rule>,
}

impl Audience {
    /// An audience without rules matches everyone.
    pub fn matches(&self, fields: &Fields) -> bool {
        let mut each = self.rules.iter().map(|r| r.holds(fields));
        match self.r#match {
            Match::All => each.all(|b| b),
            Match::Any => self.rules.is_empty() || each.any(|b| b),
        }
    }
}

impl Rule {
    pub fn holds(&self, fields: &Fields) -> bool {
        let value = fields
            .get(&self.field)
            .map(|v| v.trim())
            .filter(|v| !v.is_empty());
        let want = self.value.trim();
        match (self.op, value) {
            (Op::IsEmpty, v) => v.is_none(),
            (Op::IsNotEmpty, v) => v.is_some(),
            (_, None) => false,
            (Op::Equals, Some(v)) => v.eq_ignore_ascii_case(want),
            (Op::NotEquals, Some(v)) => !v.eq_ignore_ascii_case(want),
            (Op::Contains, Some(v)) => v.to_lowercase().contains(&want.to_lowercase()),
            (Op::GreaterThan, Some(v)) => compare_numbers(v, want).is_some_and(|o| o.is_gt()),
            (Op::LessThan, Some(v)) => compare_numbers(v, want).is_some_and(|o| o.is_lt()),
            (Op::Before, Some(v)) => compare_dates(v, want).is_some_and(|o| o.is_lt()),
            (Op::After, Some(v)) => compare_dates(v, want).is_some_and(|o| o.is_gt()),
        }
    }
}

fn compare_numbers(a: &str, b: &str) -> Option<std::cmp::Ordering> {
    a.parse::<f64>().ok()?.partial_cmp(&b.parse::<f64>().ok()?)
}

/// Unix seconds or an RFC 3339 date-time (a bare `YYYY-MM-DD` is midnight UTC).
pub fn parse_date(s: &str) -> Option<i64> {
    if let Ok(n) = s.parse::<i64>() {
        return Some(n);
    }
    let full = if s.len() == 10 {
        format!("{s}T00:00:00Z")
    } else {
        s.to_owned()
    };
    OffsetDateTime::parse(&full, &Rfc3339)
        .ok()
        .map(OffsetDateTime::unix_timestamp)
}

fn compare_dates(a: &str, b: &str) -> Option<std::cmp::Ordering> {
    Some(parse_date(a)?.cmp(&parse_date(b)?))
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    use crate::template::test_fields as fields;

    fn rule(field: &str, op: Op, value: &str) -> Rule {
        Rule {
            field: field.into(),
            op,
            value: value.into(),
        }
    }

    #[test]
    fn each_operator() {
        let f = fields(&[
            ("subscription.plan.interval", "year"),
            ("subscription.plan.amount_decimal", "99000"),
            ("subscription.customer.created", "946684800"),
            ("account.plan", "Pro Plus"),
            ("custom.note", " "),
        ]);
        assert!(rule("subscription.plan.interval", Op::Equals, "Year").holds(&f));
        assert!(rule("subscription.plan.interval", Op::NotEquals, "month").holds(&f));
        assert!(rule("account.plan", Op::Contains, "plus").holds(&f));
        assert!(rule("subscription.plan.amount_decimal", Op::GreaterThan, "50000").holds(&f));
        assert!(!rule("subscription.plan.amount_decimal", Op::LessThan, "50000").holds(&f));
        assert!(rule("subscription.customer.created", Op::Before, "2001-01-01").holds(&f));
        assert!(rule(
            "subscription.customer.created",
            Op::After,
            "1999-12-31T00:00:00Z"
        )
        .holds(&f));
        assert!(
            rule("custom.note", Op::IsEmpty, "").holds(&f),
            "blank counts as empty"
        );
        assert!(rule("custom.missing", Op::IsEmpty, "").holds(&f));
        assert!(rule("account.plan", Op::IsNotEmpty, "").holds(&f));
        assert!(
            !rule("custom.missing", Op::Equals, "").holds(&f),
            "a missing field matches nothing but is_empty"
        );
        assert!(
            !rule("account.plan", Op::GreaterThan, "3").holds(&f),
            "text is not a number"
        );
    }

    #[test]
    fn all_and_any() {
        let f = fields(&[("a", "1"), ("b", "2")]);
        let rules = vec![rule("a", Op::Equals, "1"), rule("b", Op::Equals, "3")];
        let all = Audience {
            id: "x".into(),
            name: "x".into(),
            r#match: Match::All,
            rules: rules.clone(),
        };
        let any = Audience {
            r#match: Match::Any,
            ..all.clone()
        };
        assert!(!all.matches(&f));
        assert!(any.matches(&f));
        assert!(Audience {
            rules: vec![],
            ..all
        }
        .matches(&f));
    }

    proptest! {
        #[test]
        fn numbers_compare_as_numbers(a in -1.0e9f64..1.0e9, b in -1.0e9f64..1.0e9) {
            let f = fields(&[("n", &a.to_string())]);
            prop_assert_eq!(rule("n", Op::GreaterThan, &b.to_string()).holds(&f), a > b);
            prop_assert_eq!(rule("n", Op::LessThan, &b.to_string()).holds(&f), a < b);
        }

        #[test]
        fn never_panics(field in ".{0,20}", value in ".{0,20}", op in 0usize..9) {
            let ops = [Op::Equals, Op::NotEquals, Op::Contains, Op::GreaterThan, Op::LessThan, Op::Before, Op::After, Op::IsEmpty, Op::IsNotEmpty];
            let f = fields(&[("x", value.as_str())]);
            let _ = rule(&field, ops[op], &value).holds(&f);
        }
    }
}
