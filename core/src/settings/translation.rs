//! The admin's own texts (title, message, survey prompt, reasons and their
//! follow-ups, offers and their buttons) in other languages. A text without
//! a translation falls back to the app's own copy, written in its default
//! locale; the settings UI lists what each started language still lacks.

use std::collections::BTreeMap;

use serde::{Deserialize, Serialize};

use super::AppSettings;
use crate::locale::Locale;
use crate::validation::FieldIssue;

/// One language's texts; each is optional.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(default)]
pub struct Translation {
    pub title: Option<String>,
    pub message: Option<String>,
    pub survey_prompt: Option<String>,
    /// By reason id.
    pub reasons: BTreeMap<String, ReasonText>,
    /// By offer id.
    pub offers: BTreeMap<String, OfferText>,
}

#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(default)]
pub struct ReasonText {
    pub label: Option<String>,
    pub follow_up: Option<String>,
}

#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(default)]
pub struct OfferText {
    pub title: Option<String>,
    pub body: Option<String>,
    pub accept_label: Option<String>,
}

/// The admin's translation if there is one, else the built-in one of a
/// new app's untouched default text, else the app's own.
pub fn pick<'a>(translated: Option<&'a Option<String>>, own: &'a str, locale: Locale) -> &'a str {
    translated
        .and_then(Option::as_deref)
        .filter(|t| !t.trim().is_empty())
        .or_else(|| crate::i18n::default_copy(own, locale))
        .unwrap_or(own)
}

/// Every text the admin writes, as the field path a translation fills and
/// whether `t` has it.
fn coverage(s: &AppSettings, t: &Translation) -> Vec<(String, bool)> {
    // A default text left as it was comes translated already.
    let has = |v: Option<&Option<String>>, own: &str| {
        v.and_then(Option::as_deref)
            .is_some_and(|x| !x.trim().is_empty())
            || crate::i18n::default_copy(own, Locale::En).is_some()
    };
    let mut out = vec![
        ("title".to_owned(), has(Some(&t.title), &s.title)),
        ("message".to_owned(), has(Some(&t.message), &s.message)),
        (
            "survey_prompt".to_owned(),
            has(Some(&t.survey_prompt), &s.survey_prompt),
        ),
    ];
    for r in &s.reasons {
        let own = t.reasons.get(&r.id);
        out.push((
            format!("reasons.{}.label", r.id),
            has(own.map(|x| &x.label), &r.label),
        ));
        if let Some(f) = &r.follow_up {
            out.push((
                format!("reasons.{}.follow_up", r.id),
                has(own.map(|x| &x.follow_up), f),
            ));
        }
    }
    for o in &s.offers {
        let own = t.offers.get(&o.id);
        out.push((
            format!("offers.{}.title", o.id),
            has(own.map(|x| &x.title), &o.title),
        ));
        out.push((
            format!("offers.{}.body", o.id),
            has(own.map(|x| &x.body), &o.body),
        ));
        out.push((
            format!("offers.{}.accept_label", o.id),
            has(own.map(|x| &x.accept_label), &o.accept_label),
        ));
    }
    out
}

/// The texts each locale lacks: every built-in locale but the default, the
/// ones not started at all included.
pub fn missing(s: &AppSettings) -> Vec<(Locale, Vec<String>)> {
    let empty = Translation::default();
    Locale::ALL
        .into_iter()
        .filter(|l| *l != s.default_locale)
        .map(|l| {
            let t = s.translations.get(&l).unwrap_or(&empty);
            let lacking = coverage(s, t)
                .into_iter()
                .filter(|(_, has)| !has)
                .map(|(path, _)| path)
                .collect();
            (l, lacking)
        })
        .collect()
}

/// Refusals for translations of reasons or offers the app does not have, and
/// texts longer than the app's own may be.
pub fn check(s: &AppSettings, out: &mut Vec<FieldIssue>) {
    let issue = |field: String, message: &str| FieldIssue {
        field,
        message: message.to_owned(),
    };
    for (locale, t) in &s.translations {
        let at = |rest: &str| format!("translations.{}.{rest}", locale.tag());
        for (name, v, max) in [
            ("title", &t.title, 200),
            ("message", &t.message, 2000),
            ("survey_prompt", &t.survey_prompt, 200),
        ] {
            if v.as_ref().is_some_and(|v| v.chars().count() > max) {
                out.push(issue(at(name), "This translation is too long."));
            }
        }
        for (id, r) in &t.reasons {
            if s.reason(id).is_none() {
                out.push(issue(
                    at(&format!("reasons.{id}")),
                    "No reason has this id.",
                ));
            }
            if r.label.as_ref().is_some_and(|l| l.chars().count() > 120) {
                out.push(issue(
                    at(&format!("reasons.{id}.label")),
                    "Keep a reason under 120 characters.",
                ));
            }
        }
        for id in t.offers.keys() {
            if s.offer(id).is_none() {
                out.push(issue(at(&format!("offers.{id}")), "No offer has this id."));
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn settings() -> AppSettings {
        serde_json::from_value(serde_json::json!({
            "title": "Hold on", "message": "Our own message",
            "reasons": [{"id": "price", "label": "Too expensive", "feedback": "too_expensive"}],
            "offers": [{"id": "o", "title": "25% off", "body": "b", "accept_label": "Take it", "billing": {"type": "discount", "coupon": "C"}}],
            "translations": {"de": {"title": "Bevor Sie gehen", "reasons": {"price": {"label": "Zu teuer"}}}}
        }))
        .expect("settings")
    }

    #[test]
    fn what_each_language_lacks_is_listed() {
        let s = settings();
        let missing = missing(&s);
        assert_eq!(missing.len(), 11, "every locale but the default");
        let de = &missing
            .iter()
            .find(|(l, _)| *l == Locale::De)
            .expect("de")
            .1;
        assert!(!de.contains(&"title".to_owned()));
        assert!(!de.contains(&"reasons.price.label".to_owned()));
        assert!(de.contains(&"message".to_owned()));
        assert!(de.contains(&"offers.o.accept_label".to_owned()));
        let ja = &missing
            .iter()
            .find(|(l, _)| *l == Locale::Ja)
            .expect("ja")
            .1;
        assert!(ja.contains(&"title".to_owned()));
    }

    #[test]
    fn translations_of_unknown_reasons_are_refused() {
        let mut s = settings();
        s.translations
            .entry(Locale::Fr)
            .or_default()
            .reasons
            .insert(
                "nope".into(),
                ReasonText {
                    label: Some("Non".into()),
                    follow_up: None,
                },
            );
        let mut out = Vec::new();
        check(&s, &mut out);
        assert_eq!(out.len(), 1, "{out:?}");
        assert_eq!(out[0].field, "translations.fr.reasons.nope");
    }

    #[test]
    fn a_blank_translation_falls_back() {
        assert_eq!(pick(Some(&Some("  ".into())), "own", Locale::De), "own");
        assert_eq!(
            pick(Some(&Some("Eigen".into())), "own", Locale::De),
            "Eigen"
        );
        assert_eq!(pick(None, "own", Locale::De), "own");
    }

    #[test]
    fn a_new_apps_default_copy_comes_translated_until_the_admin_changes_it() {
        let s = AppSettings::default();
        assert_eq!(
            pick(None, &s.survey_prompt, Locale::De),
            "Verraten Sie uns, warum Sie gehen? (freiwillig)"
        );
        assert_eq!(pick(None, "Our own words", Locale::De), "Our own words");
        let de = missing(&s)
            .into_iter()
            .find(|(l, _)| *l == Locale::De)
            .expect("de")
            .1;
        assert!(de.is_empty(), "{de:?}");
    }
}
