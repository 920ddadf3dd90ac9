//! The data lifecycle: one customer's data exported and erased (gone from
//! every table of the D1 file, the dashboard unchanged, the erasure in the
//! audit log), and personal data removed once the app's retention passes.

use serde_json::{json, Value};

use crate::helpers::{admin, invited, now, stack_alone, TestApp};

const DAY: i64 = 86_400;

fn totals(app: &TestApp) -> Value {
    let r = admin().get(&format!("/api/admin/apps/{}/dashboard", app.id));
    assert_eq!(r.status, 200, "{}", r.body);
    r.body["total"].clone()
}

#[test]
fn an_erased_customer_is_gone_from_every_table_and_the_totals_stay() {
    let s = stack_alone();
    let a = admin();
    let app = a.app_with("Erasure", &json!({}));
    let tag = format!("{}", now() % 1_000_000_007);
    let email = format!("grace.{tag}@example.org");
    let name = format!("Grace Hopper {tag}");
    let comment = format!("Too dear for me {tag}");
    let customer = s.customer_named(&email, &name);
    let sub = s.subscription_for(&customer);
    // Two sessions of one subscription (a repeat), the second cancelled
    // with a comment and the e-mail for the confirmation.
    s.session_with(&app, &sub.id, json!({"email": email}));
    let token = s.session_with(&app, &sub.id, json!({"email": email}));
    let cancel = s.api(
        &token,
        "cancel",
        &json!({"comment": comment, "email": email}),
    );
    assert!(matches!(cancel.status, 200 | 202), "{}", cancel.body);
    let needles = [
        email.as_str(),
        name.as_str(),
        comment.as_str(),
        customer.as_str(),
        sub.id.as_str(),
    ];
    assert!(
        !s.d1_mentions(&needles).is_empty(),
        "the customer's data is in D1 before"
    );
    let before = totals(&app);
    assert_eq!(before["sessions"], 1, "a repeat counts once: {before}");

    let path = |what: &str| format!("/api/admin/apps/{}/customers/{what}", app.id);
    let export = a.send(
        "POST",
        &path("export"),
        &json!({"email": email.to_uppercase()}),
    );
    assert_eq!(export.status, 200, "{}", export.body);
    let sessions = export.body["sessions"]
        .as_array()
        .cloned()
        .unwrap_or_default();
    assert_eq!(sessions.len(), 2, "{}", export.body);
    assert!(sessions.iter().any(|x| x["comment"] == comment.as_str()));
    assert!(sessions
        .iter()
        .all(|x| x["subscription_id"] == sub.id.as_str()));

    // Only an owner erases; the request names one key, well-formed.
    let (editor, _) = invited("editor");
    let refused = editor.send("POST", &path("erase"), &json!({"email": email}));
    assert_eq!(refused.status, 403, "{}", refused.body);
    let two = a.send(
        "POST",
        &path("erase"),
        &json!({"email": email, "customer_id": customer}),
    );
    assert_eq!(two.status, 400, "{}", two.body);
    assert_eq!(two.body["error"]["field"], "email");
    let bad = a.send(
        "POST",
        &path("erase"),
        &json!({"subscription_id": "sub_1' OR '1"}),
    );
    assert_eq!(
        bad.body["error"]["field"], "subscription_id",
        "{}",
        bad.body
    );
    let unknown = a.send(
        "POST",
        "/api/admin/apps/app_nope/customers/erase",
        &json!({"customer_id": customer}),
    );
    assert_eq!(unknown.status, 404);
    assert!(
        !s.d1_mentions(&needles).is_empty(),
        "refused requests change nothing"
    );

    let erased = a.send("POST", &path("erase"), &json!({"email": email}));
    assert_eq!(erased.status, 200, "{}", erased.body);
    assert_eq!(erased.body["sessions"], 2);
    assert_eq!(s.d1_mentions(&needles), Vec::<String>::new());
    assert_eq!(totals(&app), before, "the counts and money stay");

    let again = a.send("POST", &path("export"), &json!({"customer_id": customer}));
    assert_eq!(again.body["sessions"], json!([]), "{}", again.body);
    let audit = a.get("/api/admin/audit");
    let entries = audit.body.as_array().cloned().unwrap_or_default();
    assert!(
        entries
            .iter()
            .any(|e| e["action"] == "customer.erase" && e["target"] == app.id.as_str()),
        "{}",
        audit.body
    );
    assert!(
        !audit.body.to_string().contains(&email),
        "no e-mail in the audit log"
    );
}

#[test]
fn personal_data_is_removed_once_the_apps_retention_has_passed() {
    let s = stack_alone();
    let a = admin();
    let app = a.app_with("Retention", &json!({"retention_days": 7}));
    let sub = s.subscription();
    let token = s.session_with(&app, &sub.id, json!({"email": "kept.a.week@example.org"}));
    let cancel = s.api(&token, "cancel", &json!({"comment": "Leaving for a week"}));
    assert!(matches!(cancel.status, 200 | 202), "{}", cancel.body);
    let before = totals(&app);
    let personal = || {
        s.sql(&format!(
            "SELECT personal, comment, fields, subscription_id FROM sessions WHERE app_id = '{}'",
            app.id
        ))[0]
            .clone()
    };
    s.run_cron_at(now() + 6 * DAY);
    assert_eq!(
        personal()["comment"],
        "Leaving for a week",
        "kept for 7 days"
    );
    s.run_cron_at(now() + 9 * DAY);
    let row = personal();
    assert_eq!(row["personal"], 0, "{row}");
    assert_eq!(row["comment"], Value::Null);
    assert_eq!(row["fields"], "{}");
    assert!(
        row["subscription_id"]
            .as_str()
            .is_some_and(|x| x.starts_with("erased_")),
        "{row}"
    );
    assert!(s.d1_mentions(&["kept.a.week@example.org"]).is_empty());
    assert_eq!(totals(&app), before);
    // Out-of-range retention is refused, naming the field.
    let bad = a.send(
        "PUT",
        &format!("/api/admin/apps/{}/settings", app.id),
        &json!({"retention_days": 3}),
    );
    assert_eq!(bad.status, 400, "{}", bad.body);
    assert!(
        bad.body.to_string().contains("retention_days"),
        "{}",
        bad.body
    );
}
