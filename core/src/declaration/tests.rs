use std::collections::HashMap;

use proptest::prelude::*;

use super::*;
use crate::locale::Locale;

/// 2026-12-07 12:00 UTC.
const TODAY: i64 = 1_796_644_800;

fn products() -> Vec<PublicProduct> {
    vec![PublicProduct {
        id: "prod_pro".to_owned(),
        name: "Pro".to_owned(),
    }]
}

fn form(pairs: &[(&str, &str)]) -> HashMap<String, String> {
    let mut f: HashMap<String, String> = [
        ("nonce", "n0nce-0123456789ab"),
        ("name", "  Grete Müller "),
        ("email", "Grete@Example.org"),
        ("choice", "next"),
    ]
    .iter()
    .map(|(k, v)| ((*k).to_owned(), (*v).to_owned()))
    .collect();
    for (k, v) in pairs {
        f.insert((*k).to_owned(), (*v).to_owned());
    }
    f
}

fn run(pairs: &[(&str, &str)]) -> Result<Declaration, Vec<FieldIssue>> {
    let f = form(pairs);
    parse(
        |k| f.get(k).map(String::as_str),
        &products(),
        TODAY,
        &Text::of(Locale::De),
    )
}

fn fields(r: Result<Declaration, Vec<FieldIssue>>) -> Vec<String> {
    r.expect_err("refused")
        .into_iter()
        .map(|i| i.field)
        .collect()
}

#[test]
fn a_whole_form_is_taken_trimmed_with_the_address_in_lower_case() {
    let d = run(&[("number", " K-1001 "), ("product", "prod_pro")]).expect("taken");
    assert_eq!(d.name, "Grete Müller");
    assert_eq!(d.email.as_str(), "grete@example.org");
    assert_eq!(d.number.as_deref(), Some("K-1001"));
    assert_eq!(d.product.map(|p| p.name), Some("Pro".to_owned()));
    assert_eq!((d.kind, d.on, d.reason), (CancelKind::Ordinary, None, None));
}

#[test]
fn every_missing_field_is_named_in_the_visitors_language() {
    let f: HashMap<String, String> = HashMap::new();
    let issues = parse(
        |k| f.get(k).map(String::as_str),
        &[],
        TODAY,
        &Text::of(Locale::De),
    )
    .expect_err("refused");
    let named: Vec<&str> = issues.iter().map(|i| i.field.as_str()).collect();
    assert_eq!(named, ["nonce", "name", "email"]);
    assert_eq!(
        issues[1].message,
        crate::i18n::get(Locale::De, Key::NameRequired)
    );
}

#[test]
fn lengths_are_bounded() {
    let long = |n: usize| "x".repeat(n);
    assert!(run(&[("name", &long(MAX_NAME_CHARS))]).is_ok());
    assert_eq!(
        fields(run(&[("name", &long(MAX_NAME_CHARS + 1))])),
        ["name"]
    );
    assert_eq!(
        fields(run(&[("number", &long(MAX_NUMBER_CHARS + 1))])),
        ["number"]
    );
    let reason = long(MAX_REASON_CHARS + 1);
    assert_eq!(
        fields(run(&[("choice", "extraordinary"), ("reason", &reason)])),
        ["reason"]
    );
    let issue = run(&[("name", &long(MAX_NAME_CHARS + 1))]).expect_err("refused");
    assert!(issue[0].message.contains("200"), "{issue:?}");
}

#[test]
fn an_address_is_one_mailbox() {
    for bad in ["nobody", "a@b.test, c@d.test", "a@b.test\r\nBcc: x@y.test"] {
        assert_eq!(fields(run(&[("email", bad)])), ["email"], "{bad}");
    }
}

#[test]
fn an_extraordinary_cancellation_needs_its_reason_and_keeps_it() {
    assert_eq!(fields(run(&[("choice", "extraordinary")])), ["reason"]);
    let d = run(&[("choice", "extraordinary"), ("reason", "Umzug ins Ausland")]).expect("taken");
    assert_eq!(d.reason.as_deref(), Some("Umzug ins Ausland"));
    // An ordinary one drops a reason typed before switching.
    assert_eq!(run(&[("reason", "egal")]).expect("taken").reason, None);
}

#[test]
fn a_chosen_date_is_a_real_day_from_today_on() {
    let d = run(&[("choice", "date"), ("date", "2026-12-07")]).expect("today");
    assert_eq!(d.on, Some(TODAY - 12 * 3600));
    let d = run(&[("choice", "date"), ("date", "2027-01-31")]).expect("later");
    assert_eq!(d.on, day_of("2027-01-31"));
    for bad in ["2026-12-06", "2027-02-30", "31.01.2027", "", "2040-01-01"] {
        assert_eq!(
            fields(run(&[("choice", "date"), ("date", bad)])),
            ["date"],
            "{bad}"
        );
    }
    // "At the next possible date" ignores a date left in the form.
    assert_eq!(run(&[("date", "garbage")]).expect("taken").on, None);
}

#[test]
fn only_the_pages_products_and_a_well_formed_nonce_are_taken() {
    assert_eq!(fields(run(&[("product", "prod_other")])), ["product"]);
    for bad in ["short", "has space in it 0123", &"x".repeat(65)] {
        assert_eq!(fields(run(&[("nonce", bad)])), ["nonce"], "{bad}");
    }
}

proptest! {
    #[test]
    fn any_form_is_answered_and_what_is_taken_keeps_its_bounds(
        name in "\\PC{0,260}",
        reason in "\\PC{0,10}",
        email in "[a-zA-Z@. ]{0,30}",
        choice in prop_oneof![Just("next".to_owned()), Just("extraordinary".to_owned()), Just("date".to_owned()), "\\PC{0,5}"],
        date in "[0-9-]{0,12}",
    ) {
        let r = run(&[("name", &name), ("reason", &reason), ("email", &email),
            ("choice", &choice), ("date", &date)]);
        if let Ok(d) = r {
            prop_assert!(!d.name.is_empty() && d.name.chars().count() <= MAX_NAME_CHARS);
            prop_assert_eq!(d.on.is_some(), choice == "date");
            prop_assert!(d.on.is_none_or(|on| on >= TODAY - 86_400));
            prop_assert_eq!(d.reason.is_some(), d.kind == CancelKind::Extraordinary);
        }
    }
}
