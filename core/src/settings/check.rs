//! Every problem with submitted settings, each naming its field.

use std::collections::HashSet;

use crate::billing::Billing;
use crate::cancel::CancelTiming;
use crate::template::{render_url, Fields};
use crate::validation::{check_email, check_web_url, is_https_origin, FieldIssue};

use super::{field, AppSettings};

fn issue(field: impl Into<String>, message: impl Into<String>) -> FieldIssue {
    FieldIssue::new(field, message)
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
                field::at(field::RETURN_ORIGINS, i, ""),
                "Use an https origin, like https://example.com, with no path or user name.",
            ));
        }
    }
    if s.return_origins.len() > 20 {
        out.push(issue(field::RETURN_ORIGINS, "List at most 20 sites."));
    }
    if s.trusted_url_fields.len() > 50
        || s.trusted_url_fields
            .iter()
            .any(|f| f.is_empty() || f.len() > 100)
    {
        out.push(issue(
            field::TRUSTED_URL_FIELDS,
            "List at most 50 field names.",
        ));
    }
}

fn check_jurisdiction(s: &AppSettings, out: &mut Vec<FieldIssue>) {
    for (i, r) in s.jurisdiction_rules.iter().enumerate() {
        if let Err(why) = crate::jurisdiction::check_region(&r.region) {
            out.push(issue(
                field::at(field::JURISDICTION_RULES, i, "region"),
                why,
            ));
        }
    }
    if s.jurisdiction_rules.len() > 100 {
        out.push(issue(field::JURISDICTION_RULES, "List at most 100 rules."));
    }
    if let Some(from) = &s.email_from {
        if let Err(e) = check_email(field::EMAIL_FROM, from) {
            out.push(e);
        }
    }
    if !(1..=100_000).contains(&s.email_daily_cap) {
        out.push(issue(
            field::EMAIL_DAILY_CAP,
            "Allow 1 to 100000 confirmation e-mails a day.",
        ));
    }
}

pub fn check_settings(s: &AppSettings) -> Vec<FieldIssue> {
    let mut out = Vec::new();
    for (name, v, max) in [
        (field::BRAND, &s.brand, 80),
        (field::TITLE, &s.title, 200),
        (field::MESSAGE, &s.message, 2000),
        (field::SURVEY_PROMPT, &s.survey_prompt, 200),
    ] {
        if v.chars().count() > max {
            out.push(issue(name, format!("Keep this under {max} characters.")));
        }
    }
    if s.title.trim().is_empty() {
        out.push(issue(field::TITLE, "The page needs a heading."));
    }
    let mut reason_ids = HashSet::new();
    for (i, r) in s.reasons.iter().enumerate() {
        if !valid_id(&r.id) {
            out.push(issue(
                field::at(field::REASONS, i, "id"),
                "Use 1 to 40 letters, digits, '-' or '_'.",
            ));
        } else if !reason_ids.insert(r.id.as_str()) {
            out.push(issue(
                field::at(field::REASONS, i, "id"),
                "Another reason has this id.",
            ));
        }
        if r.label.trim().is_empty() || r.label.chars().count() > 120 {
            out.push(issue(
                field::at(field::REASONS, i, "label"),
                "Give the reason a label of 1 to 120 characters.",
            ));
        }
    }
    if s.reasons.len() > 20 {
        out.push(issue(field::REASONS, "Offer at most 20 reasons."));
    }
    for (i, o) in s.embed_origins.iter().enumerate() {
        if !is_https_origin(o) {
            out.push(issue(
                field::at(field::EMBED_ORIGINS, i, ""),
                "Use an https origin, like https://example.com, with no path.",
            ));
        }
    }
    if s.embed_origins.len() > 10 {
        out.push(issue(field::EMBED_ORIGINS, "List at most 10 sites."));
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
        out.push(issue(field::PASS_THROUGH_URL, why));
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
    check_public_page(&s.public_page, &mut out);
    super::translation::check(s, &mut out);
    if !(1..=365).contains(&s.attribution_window_days) {
        out.push(issue(
            "attribution_window_days",
            "Watch saves for 1 to 365 days.",
        ));
    }
    if !crate::lifecycle::RETENTION_DAYS.contains(&s.retention_days) {
        out.push(issue(
            field::RETENTION_DAYS,
            "Keep personal data for 7 to 3650 days after a session ends.",
        ));
    }
    if s.offer_cooldown_days > 3650 {
        out.push(issue(field::OFFER_COOLDOWN_DAYS, "Use at most 3650 days."));
    }
    let mut offer_ids = HashSet::new();
    for (i, o) in s.offers.iter().enumerate() {
        let f = |k: &str| field::at(field::OFFERS, i, k);
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
        out.push(issue(field::OFFERS, "Configure at most 20 offers."));
    }
    check_targeting(s, &offer_ids, &mut out);
    let mut names = HashSet::new();
    for (i, m) in s.mappings.iter().enumerate() {
        if !crate::mapping::valid_name(&m.name) || !names.insert(m.name.as_str()) {
            out.push(issue(
                field::at(field::MAPPINGS, i, "name"),
                "Use a unique name of lower-case letters, digits and '_'.",
            ));
        }
        if m.source.trim().is_empty() {
            out.push(issue(
                field::at(field::MAPPINGS, i, "source"),
                "Pick where the field comes from.",
            ));
        }
    }
    let c = &s.branding.accent_color;
    if !(c.len() == 7 && c.starts_with('#') && c[1..].chars().all(|x| x.is_ascii_hexdigit())) {
        out.push(issue(field::ACCENT_COLOR, "Use a colour like #0969da."));
    }
    if let Some(logo) = &s.branding.logo_url {
        if !logo.starts_with("https://") || check_web_url("logo_url", logo).is_err() {
            out.push(issue(field::LOGO_URL, "Use an https URL for the logo."));
        }
    }
    out
}

fn check_targeting(s: &AppSettings, offer_ids: &HashSet<&str>, out: &mut Vec<FieldIssue>) {
    let mut audience_ids = HashSet::new();
    for (i, a) in s.audiences.iter().enumerate() {
        if !valid_id(&a.id) || !audience_ids.insert(a.id.as_str()) {
            out.push(issue(
                field::at(field::AUDIENCES, i, "id"),
                "Use a unique id of 1 to 40 letters, digits, '-' or '_'.",
            ));
        }
        if a.name.trim().is_empty() {
            out.push(issue(
                field::at(field::AUDIENCES, i, "name"),
                "Name the audience.",
            ));
        }
        for (j, r) in a.rules.iter().enumerate() {
            if r.field.trim().is_empty() {
                out.push(issue(
                    field::at(&field::at(field::AUDIENCES, i, "rules"), j, "field"),
                    "Pick a field.",
                ));
            }
        }
    }
    let mut experience_ids = HashSet::new();
    for (i, e) in s.experiences.iter().enumerate() {
        let f = |k: &str| field::at(field::EXPERIENCES, i, k);
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
                    field::at(&field::at(field::EXPERIENCES, i, "variants"), j, "id"),
                    "Use a unique variant id (not 'holdout').",
                ));
            }
            for o in v.offers.iter().flatten() {
                if !offer_ids.contains(o.as_str()) {
                    out.push(issue(
                        field::at(&field::at(field::EXPERIENCES, i, "variants"), j, "offers"),
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
mod tests;

/// The public page's products: Stripe product ids, each once, with a name
/// the visitor reads.
fn check_public_page(p: &super::PublicPage, out: &mut Vec<FieldIssue>) {
    let mut ids = HashSet::new();
    for (i, product) in p.products.iter().enumerate() {
        let f = |k: &str| field::at(field::PUBLIC_PRODUCTS, i, k);
        if crate::input::StripeId::parse("id", &product.id).is_err() {
            out.push(issue(
                f("id"),
                "Use a Stripe product id, like prod_NWjs8kKbJWmuuc.",
            ));
        } else if !ids.insert(product.id.as_str()) {
            out.push(issue(f("id"), "This product is listed twice."));
        }
        if product.name.trim().is_empty() || product.name.chars().count() > 120 {
            out.push(issue(
                f("name"),
                "Give the product a name of 1 to 120 characters.",
            ));
        }
    }
    if p.products.len() > 50 {
        out.push(issue(field::PUBLIC_PRODUCTS, "List at most 50 products."));
    }
}
