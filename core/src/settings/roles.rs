//! Which role may change which setting: one table, applied by the settings
//! route to every save. Editors shape the flow (copy, reasons, offers,
//! audiences, experiments, languages); what decides where customers and
//! their data may go, what the law asks, or what Holdfast trusts stays
//! with owners.

use serde_json::Value;

use super::AppSettings;
use crate::team::Role;

/// Every top-level setting with the least role that may change it. A test
/// checks that every field of `AppSettings` is here, so a new one must be
/// placed deliberately.
pub const TABLE: &[(&str, Role)] = &[
    ("brand", Role::Editor),
    ("title", Role::Editor),
    ("message", Role::Editor),
    ("survey_prompt", Role::Editor),
    ("reasons", Role::Editor),
    ("cancel", Role::Editor),
    ("manage_cancels", Role::Editor),
    ("offers", Role::Editor),
    ("manage_offers", Role::Editor),
    ("max_offer_screens", Role::Editor),
    ("offer_cooldown_days", Role::Editor),
    ("audiences", Role::Editor),
    ("experiences", Role::Editor),
    ("attribution", Role::Editor),
    ("attribution_window_days", Role::Editor),
    ("enrichment", Role::Editor),
    ("randomize_reasons", Role::Editor),
    ("branding", Role::Editor),
    ("mappings", Role::Editor),
    ("default_locale", Role::Editor),
    ("translations", Role::Editor),
    // Where customers may be sent and who may frame the page.
    ("return_origins", Role::Owner),
    ("embed_origins", Role::Owner),
    // What Holdfast signs from browser values, and where webhooks may go.
    ("trusted_url_fields", Role::Owner),
    ("webhooks_allow_private", Role::Owner),
    // The sender on the merchant's domain, and how much it may send.
    ("email_from", Role::Owner),
    ("email_daily_cap", Role::Owner),
    // The law each customer's cancel follows.
    ("jurisdiction_rules", Role::Owner),
    // How long personal data is kept, and what a leak may cost in Stripe calls.
    ("retention_days", Role::Owner),
    ("precancel_per_minute", Role::Owner),
    // Whether anyone may cancel without signing in, and what they pick from.
    ("public_page", Role::Owner),
];

/// The least role that may change `field` (unknown: owner).
pub fn needed(field: &str) -> Role {
    TABLE
        .iter()
        .find(|(f, _)| *f == field)
        .map_or(Role::Owner, |(_, r)| *r)
}

/// Why only owners change `field`: shown beside it to editors, and in the
/// refusal of a save that changes it.
pub fn why(field: &str) -> &'static str {
    match field {
        "return_origins" | "embed_origins" => {
            "Only owners change where customers may be sent and which sites may show the page."
        }
        "trusted_url_fields" => "Only owners change which values Holdfast vouches for in links.",
        "webhooks_allow_private" => "Only owners let webhooks reach private addresses.",
        "email_from" | "email_daily_cap" => {
            "Only owners change who sends confirmation e-mails and how many."
        }
        "jurisdiction_rules" => "Only owners change which cancellation law applies.",
        "retention_days" => "Only owners change how long personal data is kept.",
        "precancel_per_minute" => "Only owners change how many cancel sessions may start.",
        "public_page" => {
            "Only owners turn the public cancel page on or off and choose its products."
        }
        _ => "Only owners change this setting.",
    }
}

/// The first setting `role` changed but may not change, if any.
pub fn refused(old: &AppSettings, new: &AppSettings, role: Role) -> Option<&'static str> {
    let (Ok(Value::Object(old)), Ok(Value::Object(new))) =
        (serde_json::to_value(old), serde_json::to_value(new))
    else {
        return Some("settings");
    };
    refused_in(&old, &new, role)
}

/// `refused` over the settings as JSON objects.
fn refused_in(
    old: &serde_json::Map<String, Value>,
    new: &serde_json::Map<String, Value>,
    role: Role,
) -> Option<&'static str> {
    TABLE
        .iter()
        .find(|(field, least)| role < *least && old.get(*field) != new.get(*field))
        .map(|(field, _)| *field)
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::collections::BTreeSet;

    #[test]
    fn every_setting_has_its_role() {
        let Ok(Value::Object(all)) = serde_json::to_value(AppSettings::default()) else {
            panic!("settings serialise to an object");
        };
        let listed: BTreeSet<&str> = TABLE.iter().map(|(f, _)| *f).collect();
        let fields: BTreeSet<&str> = all.keys().map(String::as_str).collect();
        assert_eq!(listed, fields);
        assert_eq!(listed.len(), TABLE.len(), "a field is listed twice");
    }

    /// A value of the same shape that differs from `v`.
    fn other(v: &Value) -> Value {
        match v {
            Value::Bool(b) => Value::Bool(!b),
            Value::Number(n) => Value::from(n.as_u64().unwrap_or(0) + 1),
            Value::String(s) => Value::String(format!("{s}x")),
            Value::Array(a) => Value::Array([a.clone(), vec![Value::from("x")]].concat()),
            Value::Object(o) => {
                let mut o = o.clone();
                o.insert("x".into(), Value::from(1));
                Value::Object(o)
            }
            Value::Null => Value::from("x"),
        }
    }

    #[test]
    fn each_role_changes_only_its_fields() {
        let base = AppSettings::default();
        let Ok(Value::Object(json)) = serde_json::to_value(&base) else {
            panic!("settings serialise to an object");
        };
        for (field, least) in TABLE {
            let mut changed = json.clone();
            changed.insert((*field).to_owned(), other(&json[*field]));
            // Not every changed value is valid settings; compare as JSON.
            for role in Role::ALL {
                let expected = (role < *least).then_some(*field);
                assert_eq!(
                    refused_in(&json, &changed, role),
                    expected,
                    "{field} by {role:?}"
                );
            }
        }
        assert_eq!(refused(&base, &base, Role::Viewer), None);
        let mut s = base.clone();
        s.return_origins.push("https://evil.example".into());
        assert_eq!(refused(&base, &s, Role::Editor), Some("return_origins"));
        assert_eq!(refused(&base, &s, Role::Owner), None);
        s = base.clone();
        s.title = "New".into();
        assert_eq!(refused(&base, &s, Role::Editor), None);
        assert_eq!(needed("email_from"), Role::Owner);
        for (field, least) in TABLE {
            if *least == Role::Owner {
                assert_ne!(why(field), why("no_such_field"), "{field} has its reason");
            }
        }
        assert_eq!(needed("no_such_field"), Role::Owner);
    }
}
