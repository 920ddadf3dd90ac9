use super::*;
use proptest::prelude::*;

fn op_name() -> impl Strategy<Value = String> {
    prop_oneof![
        Just("equals".to_owned()),
        Just("contains".to_owned()),
        Just("greater_than".to_owned()),
        Just("before".to_owned()),
        Just("is_empty".to_owned()),
        ".{0,12}",
    ]
}

proptest! {
    // Audience rules arrive as JSON typed by an admin: whatever it holds,
    // parsing refuses it or the checks and matching run without panic.
    #[test]
    fn any_audience_rules_are_parsed_checked_and_matched_without_panic(
        rules in proptest::collection::vec((".{0,16}", op_name(), ".{0,16}"), 0..6),
        id in ".{0,12}",
        field_value in ".{0,16}",
        any_match in any::<bool>(),
    ) {
        let json = serde_json::json!({"audiences": [{
            "id": id, "name": "A", "match": if any_match { "any" } else { "all" },
            "rules": rules.iter().map(|(f, o, v)| serde_json::json!({"field": f, "op": o, "value": v})).collect::<Vec<_>>(),
        }]});
        if let Ok(settings) = serde_json::from_value::<AppSettings>(json) {
            let issues = check_settings(&settings);
            prop_assert!(issues.iter().all(|i| !i.field.is_empty() && !i.message.is_empty()));
            let mut fields = crate::template::Fields::new();
            for (f, _, _) in &rules {
                fields.insert(f.clone(), field_value.clone());
            }
            let _ = settings.audiences[0].matches(&fields);
        }
    }
}

#[test]
fn embedding_sites_are_bare_https_origins() {
    for good in ["https://example.com", "https://app.example.co.uk:8443"] {
        assert!(is_https_origin(good), "{good}");
    }
    for bad in [
        "http://example.com",
        "https://example.com/path",
        "https://",
        "https://a b.com",
        "*",
        "https://x.com; script-src *",
        "https://x.com:",
    ] {
        assert!(!is_https_origin(bad), "{bad}");
    }
    let s = AppSettings {
        embed_origins: vec!["https://ok.example".into(), "javascript:alert(1)".into()],
        ..AppSettings::default()
    };
    let fields: Vec<String> = check_settings(&s).into_iter().map(|i| i.field).collect();
    assert_eq!(fields, ["embed_origins.1"]);
}
use serde_json::json;

fn settings(v: serde_json::Value) -> AppSettings {
    serde_json::from_value(v).expect("settings")
}

fn fields_of(issues: &[FieldIssue]) -> Vec<&str> {
    issues.iter().map(|i| i.field.as_str()).collect()
}

#[test]
fn the_default_settings_are_valid() {
    assert_eq!(check_settings(&AppSettings::default()), vec![]);
}

#[test]
fn each_problem_names_its_field() {
    let s = settings(json!({
        "title": "",
        "reasons": [{"id": "a", "label": "A", "feedback": "other"}, {"id": "a", "label": "", "feedback": "other"}],
        "cancel": {"timing": "at_period_end", "prorate": true},
        "offers": [
            {"id": "o 1", "title": "", "body": "b", "billing": {"type": "discount", "coupon": ""}, "reasons": ["nope"]},
            {"id": "p", "title": "P", "body": "b", "billing": {"type": "pause", "duration": 0, "interval": "month"}},
            {"id": "r", "title": "R", "body": "b", "billing": {"type": "redirect", "url": "javascript:alert(1)"}}
        ]
    }));
    let issues = check_settings(&s);
    let f = fields_of(&issues);
    for expected in [
        "title",
        "reasons.1.id",
        "reasons.1.label",
        "cancel.timing",
        "offers.0.id",
        "offers.0.title",
        "offers.0.reasons",
        "offers.0.billing.coupon",
        "offers.1.billing.duration",
        "offers.2.billing.url",
    ] {
        assert!(f.contains(&expected), "{expected} missing from {f:?}");
    }
}

#[test]
fn targeting_problems_name_their_fields() {
    let s = settings(json!({
        "audiences": [{"id": "a", "name": "", "rules": [{"field": "", "op": "equals", "value": "x"}]}],
        "experiences": [
            {"id": "e", "name": "E", "audience": "nope", "holdout_percent": 80, "variants": []},
            {"id": "f", "name": "F", "variants": [{"id": "holdout", "weight": 1, "offers": ["missing"]}]}
        ]
    }));
    let issues = check_settings(&s);
    let f = fields_of(&issues);
    for expected in [
        "audiences.0.name",
        "audiences.0.rules.0.field",
        "experiences.0.audience",
        "experiences.0.holdout_percent",
        "experiences.0.variants",
        "experiences.1.variants.0.id",
        "experiences.1.variants.0.offers",
    ] {
        assert!(f.contains(&expected), "{expected} missing from {f:?}");
    }
}

#[test]
fn redirect_templates_may_fill_parts_of_the_url() {
    let offer = json!({"id": "r", "title": "R", "body": "b",
        "billing": {"type": "redirect", "url": "https://example.com/free?c={{account.internal_id}}"}});
    let s = settings(
        json!({"offers": [offer], "return_origins": ["https://example.com"],
        "trusted_url_fields": ["account.internal_id"]}),
    );
    assert_eq!(check_settings(&s), vec![]);
    let stripe_only = settings(json!({"offers": [{"id": "r", "title": "R", "body": "b",
        "billing": {"type": "redirect", "url": "https://example.com/free?s={{subscription.id}}"}}],
        "return_origins": ["https://example.com"]}));
    assert_eq!(
        check_settings(&stripe_only),
        vec![],
        "Stripe's fields need no trust"
    );
}

#[test]
fn destinations_must_be_on_the_return_origins_and_trust_browser_fields() {
    let offer = json!({"id": "r", "title": "R", "body": "b",
        "billing": {"type": "redirect", "url": "https://example.com/free?c={{account.internal_id}}"}});
    let unlisted =
        settings(json!({"offers": [offer], "trusted_url_fields": ["account.internal_id"]}));
    assert_eq!(
        fields_of(&check_settings(&unlisted)),
        vec!["offers.0.billing.url"]
    );
    let untrusted = settings(json!({"offers": [offer], "return_origins": ["https://example.com"]}));
    let issues = check_settings(&untrusted);
    assert_eq!(fields_of(&issues), vec!["offers.0.billing.url"]);
    assert!(
        issues[0].message.contains("account.internal_id"),
        "{issues:?}"
    );
    let userinfo = settings(
        json!({"cancel": {"pass_through_url": "https://example.com@evil.example/"},
        "return_origins": ["https://example.com"]}),
    );
    assert_eq!(
        fields_of(&check_settings(&userinfo)),
        vec!["cancel.pass_through_url"]
    );
    let bad_origin =
        settings(json!({"return_origins": ["https://example.com/path", "https://a@b.example"]}));
    assert_eq!(
        fields_of(&check_settings(&bad_origin)),
        vec!["return_origins.0", "return_origins.1"]
    );
}
