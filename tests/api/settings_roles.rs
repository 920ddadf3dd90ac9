//! Field by field (issue 36): every setting, changed by each role, against
//! the one table in `holdfast_core::settings::roles`. An editor's save that
//! changes an owner's field is refused naming it, with nothing saved; the
//! same save by an owner works; an editor changes the flow's copy.

use holdfast_core::settings::roles::TABLE;
use holdfast_core::team::Role;
use serde_json::{json, Value};

use crate::helpers::*;

/// A valid value, unlike a new app's, for each setting only owners change.
/// A new owner-only setting fails here until it has one.
fn changed_value(field: &str) -> Value {
    match field {
        "return_origins" | "embed_origins" => json!(["https://shop.example"]),
        "trusted_url_fields" => json!(["account.internal_id"]),
        "webhooks_allow_private" => json!(true),
        "email_from" => json!("cancel@shop.example"),
        "email_daily_cap" => json!(50),
        "jurisdiction_rules" => json!([{"region": "DE", "mode": "direct"}]),
        "retention_days" => json!(120),
        "precancel_per_minute" => json!(77),
        "public_page" => json!({"enabled": false, "products": [{"id": "prod_x", "name": "Pro"}],
            "always_review": true}),
        other => panic!("no test value for the owner-only setting {other}: add one here"),
    }
}

fn settings_of(a: &AdminClient, app: &str) -> Value {
    let got = a.get(&format!("/api/admin/apps/{app}/settings"));
    assert_eq!(got.status, 200, "{}", got.body);
    got.body
}

fn put(a: &AdminClient, app: &str, settings: &Value) -> Answer {
    a.send("PUT", &format!("/api/admin/apps/{app}/settings"), settings)
}

#[test]
fn each_role_changes_only_the_settings_it_may() {
    let _s = stack();
    let owner = admin();
    let app = owner.new_app("field by field").id;
    let (editor, _) = invited("editor");
    let (viewer, _) = invited("viewer");
    let base = settings_of(owner, &app);
    let owners_only: Vec<&str> = TABLE
        .iter()
        .filter(|(_, least)| *least == Role::Owner)
        .map(|(f, _)| *f)
        .collect();
    assert!(owners_only.len() >= 9, "{owners_only:?}");
    for field in owners_only {
        let mut changed = base.clone();
        changed[field] = changed_value(field);
        assert_ne!(changed, base, "{field} is changed");
        let refused = put(&editor, &app, &changed);
        assert_eq!(refused.status, 403, "{field}: {}", refused.body);
        assert_eq!(refused.body["error"]["field"], field, "{}", refused.body);
        assert_eq!(settings_of(owner, &app), base, "{field}: nothing saved");
        assert_eq!(put(&viewer, &app, &changed).status, 403, "{field}");

        let saved = put(owner, &app, &changed);
        assert_eq!(saved.status, 200, "{field}: {}", saved.body);
        assert_eq!(settings_of(owner, &app)[field], changed[field], "{field}");
        assert_eq!(put(owner, &app, &base).status, 200, "{field} put back");
    }
    // The flow's copy is the editors' (with the owners' fields as they are).
    let mut copy = base.clone();
    copy["title"] = json!("Before you go");
    copy["message"] = json!("We would miss you.");
    let saved = put(&editor, &app, &copy);
    assert_eq!(saved.status, 200, "{}", saved.body);
    assert_eq!(settings_of(owner, &app)["title"], "Before you go");
    assert_eq!(
        put(&viewer, &app, &base).status,
        403,
        "viewers change nothing"
    );
}

#[test]
fn an_editor_cannot_change_how_requests_are_signed() {
    let _s = stack();
    let app = admin().new_app("signing by role").id;
    let (editor, _) = invited("editor");
    for (field, value) in [
        ("require_signed", json!(false)),
        ("require_timestamp", json!(false)),
        ("signature_max_age", json!(600)),
    ] {
        let refused = editor.send(
            "PATCH",
            &format!("/api/admin/apps/{app}"),
            &json!({ field: value }),
        );
        assert_eq!(refused.status, 403, "{field}: {}", refused.body);
        assert_eq!(refused.body["error"]["field"], field);
    }
    let listed = admin().get("/api/admin/apps").body;
    let this = listed
        .as_array()
        .and_then(|l| l.iter().find(|a| a["id"] == app.as_str()))
        .cloned()
        .expect("the app");
    assert_eq!(this["require_signed"], true, "nothing changed");
    let renamed = editor.send(
        "PATCH",
        &format!("/api/admin/apps/{app}"),
        &json!({"name": "renamed by an editor"}),
    );
    assert_eq!(renamed.status, 200, "{}", renamed.body);
}
