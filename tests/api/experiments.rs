//! Audiences, experiences, variants and the holdout, end to end.

use holdfast_core::experiment::HOLDOUT;
use holdfast_core::settings::AppSettings;
use serde_json::json;

use crate::helpers::{admin, stack};

#[test]
fn a_matching_audience_gets_its_experience_with_stable_variants_and_a_holdout_without_offers() {
    let s = stack();
    let settings = json!({
        "title": "Default page",
        "offers": [{"id": "save25", "title": "25% off", "body": "b", "billing": {"type": "discount", "coupon": "SAVE25"}},
                   {"id": "pause1", "title": "Pause", "body": "b", "billing": {"type": "pause", "duration": 1, "interval": "month"}}],
        "audiences": [{"id": "yearly", "name": "Yearly payers", "rules": [{"field": "subscription.plan.interval", "op": "equals", "value": "year"}]}],
        "experiences": [{"id": "yearly-test", "name": "Yearly test", "audience": "yearly", "holdout_percent": 50,
            "variants": [{"id": "a", "weight": 1, "title": "Variant A"},
                         {"id": "b", "weight": 1, "title": "Variant B", "offers": ["pause1"]}]}]
    });
    let app = admin().app_with("Experiments", &settings);
    let parsed: AppSettings = serde_json::from_value(settings).expect("settings");
    let start = |sub: &str| s.view(&s.session_with(&app, sub, json!({}))).body;
    let offer_ids = |v: &serde_json::Value| -> Vec<String> {
        v["offers"]
            .as_array()
            .expect("offers")
            .iter()
            .filter_map(|o| o["id"].as_str().map(str::to_owned))
            .collect()
    };

    let monthly = s.subscription_on("snack_monthly");
    let v = start(&monthly.id);
    assert_eq!(
        v["title"], "Default page",
        "outside the audience: the default page"
    );
    assert_eq!(offer_ids(&v), ["save25", "pause1"]);

    let mut seen = std::collections::HashSet::new();
    for _ in 0..30 {
        let sub = s.subscription_on("snack_yearly");
        let experience = &parsed.experiences[0];
        let expected = experience.assign(&sub.id).expect("assigned").variant;
        let v = start(&sub.id);
        match expected.as_str() {
            HOLDOUT => {
                assert_eq!(v["title"], "Default page");
                assert!(offer_ids(&v).is_empty(), "the holdout sees no offer");
            }
            "a" => {
                assert_eq!(v["title"], "Variant A");
                assert_eq!(offer_ids(&v), ["save25", "pause1"]);
            }
            _ => {
                assert_eq!(v["title"], "Variant B");
                assert_eq!(offer_ids(&v), ["pause1"], "the variant's own offers only");
            }
        }
        assert_eq!(
            start(&sub.id)["title"],
            v["title"],
            "the same subscriber lands in the same group"
        );
        seen.insert(expected);
        if seen.len() == 3 {
            break;
        }
    }
    assert_eq!(
        seen.len(),
        3,
        "holdout and both variants were reached: {seen:?}"
    );
}

#[test]
fn mapped_fields_preview_for_a_real_subscription_and_feed_copy_and_audiences() {
    let s = stack();
    let a = admin();
    let app = a.app_with("Mappings", &json!({}));
    let id = &app.id;
    let mappings = json!([
        {"name": "billing", "kind": "text", "source": "subscription.plan.interval"},
        {"name": "customer_since", "kind": "date", "source": "subscription.customer.created"},
        {"name": "seats", "kind": "decimal", "source": "custom.seats"}
    ]);
    let sub = s.subscription_on("snack_yearly");
    let preview = a.send(
        "POST",
        &format!("/api/admin/apps/{id}/mappings/preview"),
        &json!({"subscription_id": sub.id, "mappings": mappings}),
    );
    assert_eq!(preview.status, 200, "{}", preview.body);
    assert_eq!(preview.body[0]["value"], "year");
    assert!(
        preview.body[1]["value"]
            .as_str()
            .expect("a date")
            .starts_with("20"),
        "{}",
        preview.body
    );
    assert_eq!(
        preview.body[2]["value"],
        serde_json::Value::Null,
        "absent without the snippet's data"
    );
    let missing = a.send(
        "POST",
        &format!("/api/admin/apps/{id}/mappings/preview"),
        &json!({"subscription_id": "sub_nope", "mappings": mappings}),
    );
    assert_eq!(missing.status, 400);
    assert_eq!(missing.body["error"]["field"], "subscription_id");

    let settings = json!({
        "mappings": mappings,
        "title": "Billed {{billing | somehow}}, {{seats | some}} seats",
        "audiences": [{"id": "big", "name": "Big teams", "rules": [{"field": "seats", "op": "greater_than", "value": "10"}]}],
        "experiences": [{"id": "teams", "name": "Teams", "audience": "big", "variants": [{"id": "a", "weight": 1, "title": "A team of {{seats}}!"}]}]
    });
    assert_eq!(
        a.send("PUT", &format!("/api/admin/apps/{id}/settings"), &settings)
            .status,
        200
    );
    let start = |custom: serde_json::Value| {
        s.view(&s.session_with(&app, &sub.id, json!({"custom": custom})))
            .body["title"]
            .clone()
    };
    assert_eq!(start(json!({"seats": 3})), "Billed year, 3 seats");
    assert_eq!(
        start(json!({"seats": 25})),
        "A team of 25!",
        "the audience reads the mapped field"
    );
}
