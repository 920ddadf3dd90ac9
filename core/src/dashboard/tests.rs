use super::*;
use crate::session::SessionStatus;
use proptest::prelude::*;

fn q(pairs: &[(&str, &str)]) -> Result<Query, Vec<FieldIssue>> {
    let owned: Vec<(String, String)> = pairs
        .iter()
        .map(|(k, v)| ((*k).to_owned(), (*v).to_owned()))
        .collect();
    parse_query(&owned, 100 * DAY)
}

fn fields(r: Result<Query, Vec<FieldIssue>>) -> Vec<String> {
    r.err()
        .unwrap_or_default()
        .into_iter()
        .map(|i| i.field)
        .collect()
}

#[test]
fn the_default_is_the_last_thirty_days_by_day() {
    let query = q(&[]).expect("valid");
    assert_eq!(
        query.period,
        Period {
            from: 70 * DAY,
            to: 101 * DAY,
            bucket_secs: DAY
        },
        "whole UTC days, today included"
    );
    assert_eq!((query.after, query.limit), (None, 50));
    assert_eq!(query.filter, Filter::default());
}

#[test]
fn each_bad_parameter_is_named() {
    assert_eq!(fields(q(&[("from", "yesterday")])), ["from"]);
    assert_eq!(fields(q(&[("from", "500"), ("to", "100")])), ["from"]);
    assert_eq!(
        fields(q(&[("from", "0"), ("to", "40000000")])),
        ["from"],
        "over a year"
    );
    assert_eq!(fields(q(&[("bucket", "hour")])), ["bucket"]);
    assert_eq!(fields(q(&[("outcome", "maybe")])), ["outcome"]);
    assert_eq!(fields(q(&[("limit", "0")])), ["limit"]);
    assert_eq!(fields(q(&[("limit", "201")])), ["limit"]);
    assert_eq!(fields(q(&[("after", "yesterday")])), ["after"]);
    assert_eq!(fields(q(&[("after", "5.ses 1")])), ["after"]);
    assert_eq!(
        fields(q(&[("offset", "25")])),
        ["offset"],
        "pages go by `after`"
    );
    assert_eq!(
        fields(q(&[("reasn", "x")])),
        ["reasn"],
        "a typo never widens a report"
    );
    let ok = q(&[
        ("outcome", "cancel"),
        ("reason", "too_expensive"),
        ("bucket", "week"),
        ("q", " cus_1 "),
    ])
    .expect("valid");
    assert_eq!(ok.filter.outcome, Some(Outcome::Cancel));
    assert_eq!(ok.filter.q.as_deref(), Some("cus_1"));
    assert_eq!(ok.period.bucket_secs, 7 * DAY);
}

fn record() -> SessionRecord {
    SessionRecord {
        id: "ses_abc".into(),
        created_at: 0,
        subscription_id: Some("sub_XYZ".into()),
        customer_id: Some("cus_1".into()),
        status: SessionStatus::Cancelled,
        reason_id: Some("too_expensive".into()),
        shown_offer_id: Some("save25".into()),
        offer_id: None,
        audience_id: None,
        experience_id: Some("exp".into()),
        variant_id: Some("holdout".into()),
        attribution: None,
        attribution_reason: None,
        mrr: Some(2400),
        currency: Some("usd".into()),
        offer_cost: None,
        country: Some("DE".into()),
        mode: crate::jurisdiction::Mode::Direct,
        channel: crate::record::Channel::Public,
        review: Some(crate::declaration::Review::Resolved),
        resolved_at: Some(90),
    }
}

#[test]
fn filters_match_on_every_dimension() {
    let r = record();
    let f = |filter: Filter| filter.matches(&r, true);
    assert!(f(Filter::default()));
    assert!(f(Filter {
        country: Some("DE".into()),
        mode: Some(crate::jurisdiction::Mode::Direct),
        ..Filter::default()
    }));
    assert!(!f(Filter {
        mode: Some(crate::jurisdiction::Mode::Standard),
        ..Filter::default()
    }));
    assert!(f(Filter {
        outcome: Some(Outcome::Cancel),
        ..Filter::default()
    }));
    assert!(!f(Filter {
        outcome: Some(Outcome::Offer),
        ..Filter::default()
    }));
    assert!(
        f(Filter {
            offer: Some("save25".into()),
            ..Filter::default()
        }),
        "the offer shown"
    );
    assert!(f(Filter {
        variant: Some("exp/holdout".into()),
        ..Filter::default()
    }));
    assert!(
        f(Filter {
            audience: Some(String::new()),
            ..Filter::default()
        }),
        "no audience is its own group"
    );
    assert!(f(Filter {
        q: Some("sub_XYZ".into()),
        ..Filter::default()
    }));
    assert!(
        !f(Filter {
            q: Some("sub_X".into()),
            ..Filter::default()
        }),
        "ids match whole, so an index finds them"
    );
    assert!(!f(Filter {
        q: Some("cus_2".into()),
        ..Filter::default()
    }));
    assert!(
        !Filter::default().matches(&r, false),
        "repeats are left out"
    );
    assert!(Filter {
        repeats: true,
        ..Filter::default()
    }
    .matches(&r, false));
}

#[test]
fn csv_rows_line_up_with_the_header_and_cannot_run_formulas() {
    let mut r = record();
    r.reason_id = Some("=HYPERLINK(\"http://evil\")".into());
    let row = csv_row(&ListedSession {
        outcome: r.outcome(),
        record: r,
        counted: true,
    });
    assert_eq!(row.len(), CSV_HEADER.len());
    assert_eq!(row[1], "1970-01-01T00:00:00Z");
    assert_eq!(row[7], "'=HYPERLINK(\"http://evil\")");
    assert_eq!(row[5], "cancel");
    assert_eq!(row[16], "2400");
    let by_name = |name: &str| {
        let at = CSV_HEADER.iter().position(|h| *h == name).expect(name);
        row[at].as_str()
    };
    assert_eq!(
        (
            by_name("channel"),
            by_name("review"),
            by_name("resolved_after_seconds")
        ),
        ("public", "resolved", "90")
    );
}

proptest! {
    #[test]
    fn any_query_string_parses_or_names_its_fields(
        pairs in proptest::collection::vec(("[a-z]{1,8}", "[ -~]{0,12}"), 0..6),
    ) {
        match parse_query(&pairs, 1_000_000_000) {
            Ok(query) => {
                prop_assert!(query.period.from < query.period.to);
                prop_assert!(query.limit >= 1 && query.limit <= MAX_PAGE);
            }
            Err(issues) => prop_assert!(!issues.is_empty()),
        }
    }
}

/// Filters take only the values the OpenAPI document lists (an empty value
/// is no filter), so a typo is refused, never read as "all".
#[test]
fn enumerated_filters_refuse_other_values() {
    assert_eq!(fields(q(&[("repeats", "yes")])), ["repeats"]);
    assert_eq!(fields(q(&[("attribution", "kept")])), ["attribution"]);
    assert!(q(&[("repeats", "1"), ("attribution", "lost")]).is_ok());
    let all = q(&[("repeats", ""), ("attribution", ""), ("outcome", "")]).expect("empty is none");
    assert_eq!(all.filter, Filter::default());
}

#[test]
fn a_cursor_reads_back_as_written() {
    let c = Cursor {
        created_at: 1_700_000_000,
        id: "ses_abc".into(),
    };
    assert_eq!(Cursor::parse(&c.to_string()), Some(c));
    assert_eq!(Cursor::parse("1700000000"), None);
    assert_eq!(Cursor::parse("x.ses_abc"), None);
    assert_eq!(Cursor::parse("1.ses'--"), None);
}
