use super::*;
use proptest::prelude::*;

fn err(body: &str) -> FieldIssue {
    parse(body.as_bytes()).expect_err("should be refused")
}

#[test]
fn accepts_the_seeds_minimum_body() {
    let p = parse(br#"{"app_id": "BRIGHTBACK_APP_ID", "subscription_id": "sub_K1Vhej7WAk7k7Z"}"#)
        .expect("valid");
    assert_eq!(p.signed_subject().as_deref(), Some("sub_K1Vhej7WAk7k7Z"));
}

#[test]
fn accepts_the_full_brightback_payload() {
    let body = r#"{
        "app_id": "app1", "subscription_id": "sub_1", "email": "jane@example.com",
        "first_name": "Jane", "last_name": "Doe",
        "save_return_url": "https://example.com/account", "cancel_confirmation_url": "https://example.com/bye",
        "account": {"internal_id": 42, "company_name": "Acme", "plan": "Pro", "value": 99.5, "created_at": 946684800},
        "custom": {"seats": 3, "usage": {"logins_30d": 1}},
        "context": {"user_agent": "UA", "locale": "en-US", "timezone": "Europe/Paris", "url": "https://example.com/account", "referrer": ""},
        "auth_hash": "00", "some_future_field": true
    }"#;
    let p = parse(body.as_bytes()).expect("valid");
    let f = p.fields();
    assert_eq!(f["full_name"], "Jane Doe");
    assert_eq!(f["account.internal_id"], "42");
    assert_eq!(f["account.value"], "99.5");
    assert_eq!(f["custom.usage.logins_30d"], "1");
}

#[test]
fn missing_app_id_is_named() {
    assert_eq!(err(r#"{"subscription_id": "sub_1"}"#).field, "app_id");
    assert_eq!(
        err(r#"{"app_id": null, "subscription_id": "sub_1"}"#).field,
        "app_id"
    );
    assert_eq!(
        err(r#"{"app_id": "", "subscription_id": "sub_1"}"#).field,
        "app_id"
    );
}

#[test]
fn wrong_types_name_the_field_path() {
    assert_eq!(
        err(r#"{"app_id": 7, "subscription_id": "sub_1"}"#).field,
        "app_id"
    );
    assert_eq!(
        err(r#"{"app_id": "a", "subscription_id": ["sub_1"]}"#).field,
        "subscription_id"
    );
    let e = err(r#"{"app_id": "a", "subscription_id": "sub_1", "account": {"plan": 3}}"#);
    assert_eq!(e.field, "account.plan");
    assert!(e.message.contains("invalid type"), "{}", e.message);
}

#[test]
fn malformed_json_and_non_objects_are_body_errors() {
    assert_eq!(err("{not json").field, "body");
    assert_eq!(err("[1,2]").field, "body");
    let big = format!(
        r#"{{"app_id": "a", "subscription_id": "sub_1", "first_name": "{}"}}"#,
        "x".repeat(MAX_BODY_BYTES)
    );
    assert_eq!(err(&big).field, "body");
}

#[test]
fn path_characters_in_the_subscription_id_are_refused() {
    for id in [
        "../customers",
        "sub_1/../../x",
        "sub 1",
        "sub_1?expand=x",
        "",
    ] {
        let body = serde_json::json!({"app_id": "a", "subscription_id": id}).to_string();
        assert_eq!(err(&body).field, "subscription_id", "{id}");
    }
}

#[test]
fn an_identity_is_required() {
    assert_eq!(err(r#"{"app_id": "a"}"#).field, "subscription_id");
    assert_eq!(
        err(r#"{"app_id": "a", "email": "x@y.z"}"#).field,
        "subscription_id"
    );
    parse(br#"{"app_id": "a", "email": "x@y.z", "account": {"internal_id": "u1"}}"#)
        .expect("email + internal id");
}

#[test]
fn script_urls_are_refused() {
    let e = err(
        r#"{"app_id": "a", "subscription_id": "sub_1", "save_return_url": "javascript:alert(1)"}"#,
    );
    assert_eq!(e.field, "save_return_url");
    let e = err(
        r#"{"app_id": "a", "subscription_id": "sub_1", "cancel_confirmation_url": "https:///nohost"}"#,
    );
    assert_eq!(e.field, "cancel_confirmation_url");
    let e = err(
        r#"{"app_id": "a", "subscription_id": "sub_1", "save_return_url": "https://merchant.example@evil.example/"}"#,
    );
    assert_eq!(e.field, "save_return_url");
}

#[test]
fn return_urls_must_be_on_the_apps_origins() {
    let p = parse(
        br#"{"app_id": "a", "subscription_id": "sub_1", "save_return_url": "https://merchant.example/a",
            "cancel_confirmation_url": "https://evil.example/bye"}"#,
    )
    .expect("parses");
    let listed = vec!["https://merchant.example".to_owned()];
    assert_eq!(
        check_destinations(&p, &listed).map_err(|e| e.field),
        Err("cancel_confirmation_url".to_owned())
    );
    let both = vec![
        "https://merchant.example".to_owned(),
        "https://evil.example".to_owned(),
    ];
    assert_eq!(check_destinations(&p, &both), Ok(()));
    assert_eq!(
        check_destinations(&p, &[]).map_err(|e| e.field),
        Err("save_return_url".to_owned())
    );
}

#[test]
fn custom_arrays_and_deep_nesting_are_refused() {
    assert_eq!(
        err(r#"{"app_id": "a", "subscription_id": "s", "custom": {"tags": [1]}}"#).field,
        "custom.tags"
    );
    let deep = r#"{"app_id": "a", "subscription_id": "s", "custom": {"a": {"b": {"c": {"d": {"e": 1}}}}}}"#;
    assert_eq!(err(deep).field, "custom.a.b.c.d");
}

proptest! {
    #[test]
    fn arbitrary_bytes_never_panic(bytes in proptest::collection::vec(any::<u8>(), 0..512)) {
        let _ = parse(&bytes);
    }

    #[test]
    fn arbitrary_json_objects_never_panic(v in arb_json()) {
        let _ = parse(v.to_string().as_bytes());
    }

    #[test]
    fn every_error_names_a_field(v in arb_json()) {
        if let Err(e) = parse(v.to_string().as_bytes()) {
            prop_assert!(!e.field.is_empty());
            prop_assert!(!e.message.is_empty());
        }
    }
}

fn arb_json() -> impl Strategy<Value = Value> {
    let leaf = prop_oneof![
        Just(Value::Null),
        any::<bool>().prop_map(Value::Bool),
        any::<i64>().prop_map(Value::from),
        "[a-z_]{0,12}".prop_map(Value::String),
    ];
    leaf.prop_recursive(4, 32, 6, |inner| {
        prop_oneof![
            proptest::collection::vec(inner.clone(), 0..4).prop_map(Value::Array),
            proptest::collection::btree_map(
                prop_oneof![
                    Just("app_id".to_owned()),
                    Just("subscription_id".to_owned()),
                    Just("custom".to_owned()),
                    Just("account".to_owned()),
                    "[a-z]{1,6}"
                ],
                inner,
                0..5
            )
            .prop_map(|m| Value::Object(m.into_iter().collect())),
        ]
    })
}
