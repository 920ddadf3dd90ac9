//! The dotted paths of `AppSettings`' fields: `check` names its issues by
//! them, and the settings UI shows each issue beside the input of the same
//! path, so both take them from here.

pub const BRAND: &str = "brand";
pub const TITLE: &str = "title";
pub const MESSAGE: &str = "message";
pub const SURVEY_PROMPT: &str = "survey_prompt";
pub const LOGO_URL: &str = "branding.logo_url";
pub const ACCENT_COLOR: &str = "branding.accent_color";
pub const CANCEL_TIMING: &str = "cancel.timing";
pub const PASS_THROUGH_URL: &str = "cancel.pass_through_url";
pub const EMBED_ORIGINS: &str = "embed_origins";
pub const RETURN_ORIGINS: &str = "return_origins";
pub const TRUSTED_URL_FIELDS: &str = "trusted_url_fields";
pub const REASONS: &str = "reasons";
pub const OFFERS: &str = "offers";
pub const JURISDICTION_RULES: &str = "jurisdiction_rules";
pub const MAPPINGS: &str = "mappings";
pub const AUDIENCES: &str = "audiences";
pub const EXPERIENCES: &str = "experiences";
pub const EMAIL_FROM: &str = "email_from";
pub const EMAIL_DAILY_CAP: &str = "email_daily_cap";
pub const MAX_OFFER_SCREENS: &str = "max_offer_screens";
pub const PRECANCEL_PER_MINUTE: &str = "precancel_per_minute";
pub const OFFER_COOLDOWN_DAYS: &str = "offer_cooldown_days";
pub const ATTRIBUTION_WINDOW_DAYS: &str = "attribution_window_days";
pub const RETENTION_DAYS: &str = "retention_days";
pub const WEBHOOKS_ALLOW_PRIVATE: &str = "webhooks_allow_private";
pub const PUBLIC_PAGE: &str = "public_page";
pub const PUBLIC_PRODUCTS: &str = "public_page.products";

/// `list.{i}` and `list.{i}.{part}` (no part: the entry itself).
pub fn at(list: &str, i: usize, part: &str) -> String {
    if part.is_empty() {
        format!("{list}.{i}")
    } else {
        format!("{list}.{i}.{part}")
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::settings::{check_settings, AppSettings};

    #[test]
    fn issues_are_named_by_these_paths() {
        let s: AppSettings = serde_json::from_value(serde_json::json!({
            "title": "",
            "embed_origins": ["http://no.example"],
            "offers": [{"id": "o", "title": "", "body": "b", "billing": {"type": "pause", "duration": 0, "interval": "month"}}]
        }))
        .expect("settings");
        let fields: Vec<String> = check_settings(&s).into_iter().map(|i| i.field).collect();
        for want in [
            TITLE.to_owned(),
            at(EMBED_ORIGINS, 0, ""),
            at(OFFERS, 0, "title"),
        ] {
            assert!(fields.contains(&want), "{want} in {fields:?}");
        }
    }
}
