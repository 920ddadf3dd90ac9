//! The admin API's wire types and the checks of what admins submit.

use std::collections::HashSet;

use serde::{Deserialize, Serialize};

use crate::cancel::CancelTiming;
use crate::experience::AppSettings;
use crate::offer::Billing;
use crate::precancel::check_web_url;
use crate::template::{render_url, Fields};

pub const MIN_PASSWORD_CHARS: usize = 12;

/// `POST /api/admin/setup`: the first admin, with the one-time setup token.
#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct SetupRequest {
    pub token: String,
    pub email: String,
    pub password: String,
}

/// `POST /api/admin/login`
#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct LoginRequest {
    pub email: String,
    pub password: String,
    /// The 6-digit code of an admin who turned on two-factor sign-in.
    #[serde(default)]
    pub totp: Option<String>,
}

/// `GET /api/admin/me`: who is signed in, and the CSRF token every write
/// must carry in `X-CSRF-Token`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Me {
    pub email: String,
    pub csrf_token: String,
    /// What this admin may do (`owner`, `editor`, `viewer`).
    #[serde(default)]
    pub role: crate::team::Role,
    /// Two-factor sign-in is on for this admin.
    #[serde(default)]
    pub totp: bool,
}

/// `GET /api/admin/status`: what the sign-in screen should offer.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct AdminStatus {
    /// No admin exists yet: the setup form (with the setup token) is shown.
    pub needs_setup: bool,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct AppSummary {
    pub id: String,
    pub name: String,
    pub require_signed: bool,
    /// Seconds a timestamped `auth_hash` stays good, when the app requires
    /// `auth_timestamp`; None: timestamps optional.
    #[serde(default)]
    pub signature_max_age: Option<u32>,
    pub created_at: i64,
    /// Until when the previous secrets still work after a rotation.
    #[serde(default)]
    pub previous_valid_until: Option<i64>,
}

/// `POST /api/admin/apps`
#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct CreateAppRequest {
    pub name: String,
}

/// The answer to creating an app: its secrets, shown this once.
#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct CreatedApp {
    pub app: AppSummary,
    pub signing_secret: String,
    pub secret_key: String,
}

/// `PATCH /api/admin/apps/{id}`
#[derive(Debug, Clone, Default, Serialize, Deserialize)]
pub struct UpdateAppRequest {
    #[serde(default)]
    pub name: Option<String>,
    #[serde(default)]
    pub require_signed: Option<bool>,
    /// Requires `auth_timestamp` (true) or makes it optional (false).
    #[serde(default)]
    pub require_timestamp: Option<bool>,
    /// How old a timestamped signature may be, in seconds (30 to 3600).
    #[serde(default)]
    pub signature_max_age: Option<u32>,
    /// `require_signed: false` needs `signature_policy::UNSIGNED_CONFIRMATION`
    /// typed here.
    #[serde(default)]
    pub confirm_unsigned: Option<String>,
}

/// `POST /api/admin/apps/{id}/rotate`: new secrets; the old ones keep
/// working for a grace period so merchants can deploy the new ones.
#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct RotatedSecrets {
    pub signing_secret: String,
    pub secret_key: String,
    pub previous_valid_until: i64,
}

/// How long rotated-out secrets stay valid.
pub const ROTATION_GRACE_SECS: i64 = 24 * 60 * 60;

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct AuditEntry {
    pub admin: String,
    pub action: String,
    pub target: Option<String>,
    pub at: i64,
}

/// A Stripe write a session owes, for the admin's pending/failed list.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct OperationView {
    pub session_id: String,
    pub app_id: String,
    pub subscription_id: Option<String>,
    pub kind: String,
    pub status: String,
    pub attempts: i64,
    pub last_error: Option<String>,
    pub updated_at: i64,
}

/// A Stripe coupon, for the offer editor's picker.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct CouponOption {
    pub id: String,
    pub label: String,
}

/// A Stripe price, for the plan-change picker.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct PriceOption {
    pub id: String,
    pub label: String,
}

/// One field's problem in a submitted form.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct FieldIssue {
    pub field: String,
    pub message: String,
}

fn issue(field: impl Into<String>, message: impl Into<String>) -> FieldIssue {
    FieldIssue {
        field: field.into(),
        message: message.into(),
    }
}

pub fn check_email(email: &str) -> Result<(), FieldIssue> {
    let ok = email.len() <= 254
        && email
            .split_once('@')
            .is_some_and(|(l, d)| !l.is_empty() && d.contains('.') && !d.starts_with('.'));
    if ok {
        Ok(())
    } else {
        Err(issue("email", "Enter an email address."))
    }
}

pub fn check_password(password: &str) -> Result<(), FieldIssue> {
    if password.chars().count() < MIN_PASSWORD_CHARS {
        return Err(issue(
            "password",
            format!("Use at least {MIN_PASSWORD_CHARS} characters."),
        ));
    }
    if password.len() > 1024 {
        return Err(issue("password", "That password is too long."));
    }
    Ok(())
}

pub fn check_app_name(name: &str) -> Result<(), FieldIssue> {
    let n = name.trim().chars().count();
    if n == 0 || n > 80 {
        return Err(issue("name", "Give the app a name of 1 to 80 characters."));
    }
    Ok(())
}

/// Every problem with submitted settings, each naming its field.
/// `https://host[:port]`, nothing else: it goes into a CSP header as is.
pub fn is_https_origin(o: &str) -> bool {
    let Some(rest) = o.strip_prefix("https://") else {
        return false;
    };
    let (host, port) = rest.split_once(':').unwrap_or((rest, "443"));
    !host.is_empty()
        && host.len() <= 253
        && host
            .split('.')
            .all(|l| !l.is_empty() && l.chars().all(|c| c.is_ascii_alphanumeric() || c == '-'))
        && !port.is_empty()
        && port.len() <= 5
        && port.chars().all(|c| c.is_ascii_digit())
}

/// What is wrong with a destination template (a redirect offer or a
/// pass-through URL), if anything: it must render to a web URL on one of the
/// app's return origins, and fill itself from browser-supplied fields only
/// where the admin trusts them.
fn destination_issue(template: &str, s: &AppSettings) -> Option<String> {
    if check_web_url("url", &render_url(template, &Fields::new())).is_err() {
        return Some(
            "Use an absolute https URL; {{fields}} may fill its path and query.".to_owned(),
        );
    }
    if let Err(why) = crate::return_url::check_template(template, &s.return_origins) {
        return Some(format!(
            "This URL can't be used: {why}. Add its site to the return origins."
        ));
    }
    let untrusted: Vec<String> = crate::template::placeholders(template)
        .into_iter()
        .filter(|k| {
            crate::provenance::may_come_from_browser(k, &s.mappings)
                && !s.trusted_url_fields.contains(k)
        })
        .collect();
    (!untrusted.is_empty()).then(|| {
        format!(
            "{} comes from the customer's browser, which can send anything; Holdfast would sign it. Tick it under \"Trusted for URLs\" if your server checks it.",
            untrusted.join(", ")
        )
    })
}

/// The app's return origins and trusted fields.
fn check_destinations(s: &AppSettings, out: &mut Vec<FieldIssue>) {
    for (i, o) in s.return_origins.iter().enumerate() {
        if crate::return_url::normalize_origin(o).is_none() {
            out.push(issue(
                format!("return_origins.{i}"),
                "Use an https origin, like https://example.com, with no path or user name.",
            ));
        }
    }
    if s.return_origins.len() > 20 {
        out.push(issue("return_origins", "List at most 20 sites."));
    }
    if s.trusted_url_fields.len() > 50
        || s.trusted_url_fields
            .iter()
            .any(|f| f.is_empty() || f.len() > 100)
    {
        out.push(issue("trusted_url_fields", "List at most 50 field names."));
    }
}

fn check_jurisdiction(s: &AppSettings, out: &mut Vec<FieldIssue>) {
    for (i, r) in s.jurisdiction_rules.iter().enumerate() {
        if let Err(why) = crate::jurisdiction::check_region(&r.region) {
            out.push(issue(format!("jurisdiction_rules.{i}.region"), why));
        }
    }
    if s.jurisdiction_rules.len() > 100 {
        out.push(issue("jurisdiction_rules", "List at most 100 rules."));
    }
    if let Some(from) = &s.email_from {
        if let Err(mut e) = check_email(from) {
            e.field = "email_from".to_owned();
            out.push(e);
        }
    }
}

pub fn check_settings(s: &AppSettings) -> Vec<FieldIssue> {
    let mut out = Vec::new();
    for (name, v, max) in [
        ("brand", &s.brand, 80),
        ("title", &s.title, 200),
        ("message", &s.message, 2000),
        ("survey_prompt", &s.survey_prompt, 200),
    ] {
        if v.chars().count() > max {
            out.push(issue(name, format!("Keep this under {max} characters.")));
        }
    }
    if s.title.trim().is_empty() {
        out.push(issue("title", "The page needs a heading."));
    }
    let mut reason_ids = HashSet::new();
    for (i, r) in s.reasons.iter().enumerate() {
        if !valid_id(&r.id) {
            out.push(issue(
                format!("reasons.{i}.id"),
                "Use 1 to 40 letters, digits, '-' or '_'.",
            ));
        } else if !reason_ids.insert(r.id.as_str()) {
            out.push(issue(
                format!("reasons.{i}.id"),
                "Another reason has this id.",
            ));
        }
        if r.label.trim().is_empty() || r.label.chars().count() > 120 {
            out.push(issue(
                format!("reasons.{i}.label"),
                "Give the reason a label of 1 to 120 characters.",
            ));
        }
    }
    if s.reasons.len() > 20 {
        out.push(issue("reasons", "Offer at most 20 reasons."));
    }
    for (i, o) in s.embed_origins.iter().enumerate() {
        if !is_https_origin(o) {
            out.push(issue(
                format!("embed_origins.{i}"),
                "Use an https origin, like https://example.com, with no path.",
            ));
        }
    }
    if s.embed_origins.len() > 10 {
        out.push(issue("embed_origins", "List at most 10 sites."));
    }
    if s.cancel.timing == CancelTiming::AtPeriodEnd && (s.cancel.invoice_now || s.cancel.prorate) {
        out.push(issue(
            "cancel.timing",
            "Invoicing now and prorating apply to immediate cancels only.",
        ));
    }
    if let Some(why) = s
        .cancel
        .pass_through_url
        .as_deref()
        .and_then(|u| destination_issue(u, s))
    {
        out.push(issue("cancel.pass_through_url", why));
    }
    check_destinations(s, &mut out);
    if !(1..=100_000).contains(&s.precancel_per_minute) {
        out.push(issue(
            "precancel_per_minute",
            "Allow 1 to 100000 precancels a minute.",
        ));
    }
    let clicks = crate::jurisdiction::clicks_to_cancel(s.max_offer_screens);
    if clicks > crate::jurisdiction::MAX_CLICKS {
        out.push(issue(
            "max_offer_screens",
            format!(
                "With {} offer screens a cancel takes {clicks} clicks from opening the page; easy-cancel laws allow at most {}. Show at most {} offer screens.",
                s.max_offer_screens,
                crate::jurisdiction::MAX_CLICKS,
                crate::jurisdiction::MAX_CLICKS - 1
            ),
        ));
    }
    check_jurisdiction(s, &mut out);
    crate::translation::check(s, &mut out);
    if !(1..=365).contains(&s.attribution_window_days) {
        out.push(issue(
            "attribution_window_days",
            "Watch saves for 1 to 365 days.",
        ));
    }
    if s.offer_cooldown_days > 3650 {
        out.push(issue("offer_cooldown_days", "Use at most 3650 days."));
    }
    let mut offer_ids = HashSet::new();
    for (i, o) in s.offers.iter().enumerate() {
        let f = |k: &str| format!("offers.{i}.{k}");
        if !valid_id(&o.id) {
            out.push(issue(f("id"), "Use 1 to 40 letters, digits, '-' or '_'."));
        } else if !offer_ids.insert(o.id.as_str()) {
            out.push(issue(f("id"), "Another offer has this id."));
        }
        if o.title.trim().is_empty() || o.title.chars().count() > 120 {
            out.push(issue(
                f("title"),
                "Give the offer a title of 1 to 120 characters.",
            ));
        }
        if o.body.chars().count() > 2000 {
            out.push(issue(f("body"), "Keep the copy under 2000 characters."));
        }
        if o.accept_label.trim().is_empty() || o.accept_label.chars().count() > 60 {
            out.push(issue(
                f("accept_label"),
                "Give the button a label of 1 to 60 characters.",
            ));
        }
        for r in &o.reasons {
            if !reason_ids.contains(r.as_str()) {
                out.push(issue(
                    f("reasons"),
                    format!("{r} is not one of the reasons."),
                ));
            }
        }
        match &o.billing {
            Billing::Discount { coupon } if coupon.trim().is_empty() => {
                out.push(issue(f("billing.coupon"), "Pick a coupon."))
            }
            Billing::PlanChange { price, .. } if price.trim().is_empty() => {
                out.push(issue(f("billing.price"), "Pick a price."))
            }
            Billing::Pause { duration, .. } | Billing::Extension { duration, .. }
                if !(1..=24).contains(duration) =>
            {
                out.push(issue(f("billing.duration"), "Use a duration of 1 to 24."))
            }
            Billing::Redirect { url } => {
                if let Some(why) = destination_issue(url, s) {
                    out.push(issue(f("billing.url"), why));
                }
            }
            _ => {}
        }
        if let Some(why) = o
            .pass_through_url
            .as_deref()
            .and_then(|u| destination_issue(u, s))
        {
            out.push(issue(f("pass_through_url"), why));
        }
    }
    if s.offers.len() > 20 {
        out.push(issue("offers", "Configure at most 20 offers."));
    }
    check_targeting(s, &offer_ids, &mut out);
    let mut names = HashSet::new();
    for (i, m) in s.mappings.iter().enumerate() {
        if !crate::mapping::valid_name(&m.name) || !names.insert(m.name.as_str()) {
            out.push(issue(
                format!("mappings.{i}.name"),
                "Use a unique name of lower-case letters, digits and '_'.",
            ));
        }
        if m.source.trim().is_empty() {
            out.push(issue(
                format!("mappings.{i}.source"),
                "Pick where the field comes from.",
            ));
        }
    }
    let c = &s.branding.accent_color;
    if !(c.len() == 7 && c.starts_with('#') && c[1..].chars().all(|x| x.is_ascii_hexdigit())) {
        out.push(issue("branding.accent_color", "Use a colour like #0969da."));
    }
    if let Some(logo) = &s.branding.logo_url {
        if !logo.starts_with("https://") || check_web_url("logo_url", logo).is_err() {
            out.push(issue("branding.logo_url", "Use an https URL for the logo."));
        }
    }
    out
}

fn check_targeting(s: &AppSettings, offer_ids: &HashSet<&str>, out: &mut Vec<FieldIssue>) {
    let mut audience_ids = HashSet::new();
    for (i, a) in s.audiences.iter().enumerate() {
        if !valid_id(&a.id) || !audience_ids.insert(a.id.as_str()) {
            out.push(issue(
                format!("audiences.{i}.id"),
                "Use a unique id of 1 to 40 letters, digits, '-' or '_'.",
            ));
        }
        if a.name.trim().is_empty() {
            out.push(issue(format!("audiences.{i}.name"), "Name the audience."));
        }
        for (j, r) in a.rules.iter().enumerate() {
            if r.field.trim().is_empty() {
                out.push(issue(
                    format!("audiences.{i}.rules.{j}.field"),
                    "Pick a field.",
                ));
            }
        }
    }
    let mut experience_ids = HashSet::new();
    for (i, e) in s.experiences.iter().enumerate() {
        let f = |k: &str| format!("experiences.{i}.{k}");
        if !valid_id(&e.id) || !experience_ids.insert(e.id.as_str()) {
            out.push(issue(
                f("id"),
                "Use a unique id of 1 to 40 letters, digits, '-' or '_'.",
            ));
        }
        if e.audience
            .as_deref()
            .is_some_and(|a| !audience_ids.contains(a))
        {
            out.push(issue(
                f("audience"),
                "Pick one of the audiences, or everyone.",
            ));
        }
        if e.holdout_percent > 50 {
            out.push(issue(f("holdout_percent"), "Hold out at most 50%."));
        }
        if e.variants.is_empty() || e.variants.iter().all(|v| v.weight == 0) {
            out.push(issue(
                f("variants"),
                "Give the experience at least one variant with a weight.",
            ));
        }
        let mut variant_ids = HashSet::new();
        for (j, v) in e.variants.iter().enumerate() {
            if !valid_id(&v.id)
                || v.id == crate::experiment::HOLDOUT
                || !variant_ids.insert(v.id.as_str())
            {
                out.push(issue(
                    format!("experiences.{i}.variants.{j}.id"),
                    "Use a unique variant id (not 'holdout').",
                ));
            }
            for o in v.offers.iter().flatten() {
                if !offer_ids.contains(o.as_str()) {
                    out.push(issue(
                        format!("experiences.{i}.variants.{j}.offers"),
                        format!("{o} is not one of the offers."),
                    ));
                }
            }
        }
    }
}

fn valid_id(id: &str) -> bool {
    !id.is_empty()
        && id.len() <= 40
        && id
            .chars()
            .all(|c| c.is_ascii_alphanumeric() || c == '_' || c == '-')
}

#[cfg(test)]
mod tests {
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
        let untrusted =
            settings(json!({"offers": [offer], "return_origins": ["https://example.com"]}));
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
        let bad_origin = settings(
            json!({"return_origins": ["https://example.com/path", "https://a@b.example"]}),
        );
        assert_eq!(
            fields_of(&check_settings(&bad_origin)),
            vec!["return_origins.0", "return_origins.1"]
        );
    }

    #[test]
    fn credentials_are_checked() {
        assert!(check_email("admin@example.com").is_ok());
        assert!(check_email("admin").is_err());
        assert!(check_password("short").is_err());
        assert!(check_password("a long enough passphrase").is_ok());
        assert!(check_app_name("  ").is_err());
    }
}

/// `PUT /api/admin/stripe`: the restricted (or secret) key to use.
#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct ConnectStripeRequest {
    pub key: String,
}

/// The Stripe connection as admins see it: never the key, only its end.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct StripeConnection {
    /// `settings` (a key saved here), `environment` (the Worker secret) or `none`.
    pub source: String,
    #[serde(default)]
    pub last4: Option<String>,
    /// `test` or `live`.
    #[serde(default)]
    pub mode: Option<String>,
    #[serde(default)]
    pub connected_at: Option<i64>,
}

/// One resource of the connection check.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct PermissionCheck {
    /// As the seed lists them: Customers, Events, Products, Plans, Prices,
    /// Subscriptions, Coupons.
    pub resource: String,
    /// What Holdfast needs: `read` or `write`.
    pub needs: String,
    pub ok: bool,
    /// What to change in the key when it is not ok.
    #[serde(default)]
    pub fix: Option<String>,
}

/// A Stripe key's shape: `sk_` or `rk_`, then `test_` or `live_`.
pub fn check_stripe_key(key: &str) -> Result<(), FieldIssue> {
    let k = key.trim();
    let known = ["sk_test_", "sk_live_", "rk_test_", "rk_live_"]
        .iter()
        .any(|p| k.starts_with(p));
    if !known
        || k.len() < 20
        || k.len() > 255
        || !k.chars().all(|c| c.is_ascii_alphanumeric() || c == '_')
    {
        return Err(issue(
            "key",
            "Paste a Stripe secret or restricted key (sk_… or rk_…, test or live).",
        ));
    }
    Ok(())
}

/// `sk_test_…` is test mode; anything `_live_` is live.
pub fn key_mode(key: &str) -> &'static str {
    if key.contains("_live_") {
        "live"
    } else {
        "test"
    }
}

/// The last four characters, all an admin ever sees of a key again.
pub fn last4(key: &str) -> String {
    let chars: Vec<char> = key.trim().chars().collect();
    chars[chars.len().saturating_sub(4)..].iter().collect()
}

/// `POST /api/admin/apps/{id}/mappings/preview`
#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct MappingPreviewRequest {
    pub subscription_id: String,
    /// The mappings as edited (not yet saved).
    pub mappings: Vec<crate::mapping::FieldMapping>,
}
