//! The cancel page of one session: the app's settings rendered into the
//! `SessionView` the page shows, in the session's language, experiment variant
//! and reason order.

use crate::api::session::{OfferView, ReasonView, SessionView};
use crate::experiment::Assignment;
use crate::locale::Locale;
use crate::offer::Offer;
use crate::session::SessionStatus;
use crate::settings::translation::{pick, Translation};
use crate::settings::{AppSettings, Reason};
use crate::template::{render, Fields};

/// Everything the cancel page needs, rendered for one session.
pub struct ViewInput<'a> {
    pub settings: &'a AppSettings,
    pub fields: &'a Fields,
    pub status: SessionStatus,
    pub chosen_reason: Option<String>,
    pub save_return_url: Option<String>,
    pub cancel_confirmation_url: Option<String>,
    pub cancel_effective_at: Option<i64>,
    /// Offers that passed the guardrails for this session.
    pub offers: Vec<&'a Offer>,
    pub offer_screens_left: u32,
    /// The session's experience and variant, for copy overrides.
    pub assignment: Option<&'a Assignment>,
    /// Seeds the per-session order of randomised reasons.
    pub session_id: &'a str,
    pub locale: crate::locale::Locale,
    pub mode: crate::jurisdiction::Mode,
}

/// The reasons in the order this session shows them.
fn ordered_reasons<'a>(s: &'a AppSettings, session_id: &str) -> Vec<&'a Reason> {
    let mut reasons: Vec<&Reason> = s.reasons.iter().collect();
    if s.randomize_reasons {
        let key = |r: &Reason| {
            let last = r.id == "other";
            (
                last,
                crate::signing::digest_hex(&format!("{session_id}:{}", r.id)),
            )
        };
        reasons.sort_by_cached_key(|r| key(r));
    }
    reasons
}

/// An offer as the page shows it, in the translation's words where it has
/// them.
pub fn offer_view(
    offer: &Offer,
    fields: &Fields,
    locale: Locale,
    tr: Option<&Translation>,
) -> OfferView {
    let own = tr.and_then(|t| t.offers.get(&offer.id));
    OfferView {
        id: offer.id.clone(),
        kind: offer.billing.kind(),
        title: render(pick(own.map(|o| &o.title), &offer.title, locale), fields),
        body: render(pick(own.map(|o| &o.body), &offer.body, locale), fields),
        accept_label: render(
            pick(own.map(|o| &o.accept_label), &offer.accept_label, locale),
            fields,
        ),
        reasons: offer.reasons.clone(),
    }
}

pub fn session_view(input: ViewInput<'_>) -> SessionView {
    let s = input.settings;
    // A variant's copy is an experiment in the default language; the
    // translation covers the app's own copy.
    let tr = s.translations.get(&input.locale);
    let variant = input.assignment.and_then(|a| s.variant(a));
    let title = variant
        .and_then(|v| v.title.as_deref())
        .unwrap_or_else(|| pick(tr.map(|t| &t.title), &s.title, input.locale));
    let message = variant
        .and_then(|v| v.message.as_deref())
        .unwrap_or_else(|| pick(tr.map(|t| &t.message), &s.message, input.locale));
    SessionView {
        status: input.status,
        brand: render(pick(None, &s.brand, input.locale), input.fields),
        title: render(title, input.fields),
        message: render(message, input.fields),
        survey_prompt: render(
            pick(tr.map(|t| &t.survey_prompt), &s.survey_prompt, input.locale),
            input.fields,
        ),
        reasons: ordered_reasons(s, input.session_id)
            .into_iter()
            .map(|r| {
                let own = tr.and_then(|t| t.reasons.get(&r.id));
                ReasonView {
                    id: r.id.clone(),
                    label: render(
                        pick(own.map(|x| &x.label), &r.label, input.locale),
                        input.fields,
                    ),
                    follow_up: r
                        .follow_up
                        .as_deref()
                        .map(|f| pick(own.map(|x| &x.follow_up), f, input.locale).to_owned()),
                }
            })
            .collect(),
        chosen_reason: input.chosen_reason,
        save_return_url: input.save_return_url,
        cancel_confirmation_url: input.cancel_confirmation_url,
        cancel_effective_at: input.cancel_effective_at,
        offers: input
            .offers
            .iter()
            .map(|o| offer_view(o, input.fields, input.locale, tr))
            .collect(),
        offer_screens_left: input.offer_screens_left,
        logo_url: s.branding.logo_url.clone(),
        accent_color: s.branding.accent_color.clone(),
        text: crate::i18n::Text::of(input.locale),
        locale: input.locale.tag().to_owned(),
        mode: input.mode,
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::experiment::HOLDOUT;
    use crate::offer::NotOffered;
    use crate::settings::ReasonGate;

    #[test]
    fn an_empty_settings_object_is_the_full_default() {
        let s: AppSettings = serde_json::from_str("{}").expect("defaults");
        assert_eq!(s, AppSettings::default());
        assert!(s.manage_cancels);
        assert!(s.reasons.len() >= 4);
    }

    #[test]
    fn a_variant_overrides_copy_and_narrows_offers_and_a_holdout_sees_none() {
        let s: AppSettings = serde_json::from_value(serde_json::json!({
            "experiences": [{"id": "e", "name": "E", "holdout_percent": 0,
                "variants": [{"id": "b", "weight": 1, "title": "Variant B", "offers": ["o2"]}]}]
        }))
        .expect("settings");
        let b = Assignment {
            experience: "e".into(),
            variant: "b".into(),
        };
        let v = session_view(ViewInput {
            settings: &s,
            fields: &Fields::new(),
            status: SessionStatus::Open,
            chosen_reason: None,
            save_return_url: None,
            cancel_confirmation_url: None,
            cancel_effective_at: None,
            offers: Vec::new(),
            offer_screens_left: 1,
            assignment: Some(&b),
            session_id: "ses_1",
            locale: crate::locale::Locale::De,
            mode: crate::jurisdiction::Mode::Direct,
        });
        assert_eq!(v.text.get(crate::i18n::Key::DirectButton), "Jetzt kündigen");
        assert_eq!(v.title, "Variant B");
        assert!(s.offer_allowed(Some(&b), "o2") && !s.offer_allowed(Some(&b), "o1"));
        let hold = Assignment {
            experience: "e".into(),
            variant: HOLDOUT.into(),
        };
        assert!(!s.offer_allowed(Some(&hold), "o2"));
        assert!(s.offer_allowed(None, "o1"), "no experience: every offer");
    }

    #[test]
    fn one_rule_decides_which_offers_a_session_may_be_given() {
        let s: AppSettings = serde_json::from_value(serde_json::json!({
            "offers": [
                {"id": "o1", "title": "t", "body": "b", "billing": {"type": "pause", "duration": 1, "interval": "month"}, "reasons": ["too_expensive"]},
                {"id": "o2", "title": "t", "body": "b", "billing": {"type": "pause", "duration": 1, "interval": "month"}}
            ],
            "experiences": [{"id": "e", "name": "E", "holdout_percent": 0,
                "variants": [{"id": "b", "weight": 1, "offers": ["o2"]}]}]
        }))
        .expect("settings");
        let group = |v: &str| Assignment {
            experience: "e".into(),
            variant: v.into(),
        };
        let expensive = ReasonGate::Chosen(Some("too_expensive"));
        assert!(s.offer_for(None, expensive, "o1").is_ok());
        assert_eq!(
            s.offer_for(None, ReasonGate::Chosen(Some("unused")), "o1")
                .err(),
            Some(NotOffered::OtherReason)
        );
        assert_eq!(
            s.offer_for(None, ReasonGate::Chosen(None), "o1").err(),
            Some(NotOffered::OtherReason)
        );
        assert!(s.offer_for(None, ReasonGate::Any, "o1").is_ok(), "the list");
        assert!(
            s.offer_for(None, ReasonGate::Chosen(None), "o2").is_ok(),
            "any reason"
        );
        assert_eq!(
            s.offer_for(Some(&group("b")), expensive, "o1").err(),
            Some(NotOffered::OtherVariant)
        );
        assert_eq!(
            s.offer_for(Some(&group(HOLDOUT)), ReasonGate::Any, "o2")
                .err(),
            Some(NotOffered::Holdout)
        );
        assert_eq!(
            s.offer_for(None, ReasonGate::Any, "nope").err(),
            Some(NotOffered::Unknown)
        );
    }

    #[test]
    fn randomised_reasons_differ_by_session_keep_other_last_and_are_stable() {
        let s = AppSettings {
            randomize_reasons: true,
            ..AppSettings::default()
        };
        let order = |id: &str| {
            ordered_reasons(&s, id)
                .iter()
                .map(|r| r.id.clone())
                .collect::<Vec<_>>()
        };
        assert_eq!(order("ses_1"), order("ses_1"));
        assert!(
            (2..40).any(|n| order(&format!("ses_{n}")) != order("ses_1")),
            "orders vary"
        );
        for n in 0..20 {
            assert_eq!(
                order(&format!("ses_{n}")).last().map(String::as_str),
                Some("other")
            );
        }
        let fixed = AppSettings::default();
        assert_eq!(
            ordered_reasons(&fixed, "x")[0].id,
            "too_expensive",
            "not randomised: as configured"
        );
    }

    #[test]
    fn the_view_is_personalised_with_fallbacks() {
        let s = AppSettings::default();
        let mut fields = Fields::new();
        fields.insert(
            "subscription.product.name".into(),
            "Premium Snack Pack".into(),
        );
        let v = session_view(ViewInput {
            settings: &s,
            fields: &fields,
            status: SessionStatus::Open,
            chosen_reason: None,
            save_return_url: None,
            cancel_confirmation_url: None,
            cancel_effective_at: None,
            offers: Vec::new(),
            offer_screens_left: 1,
            assignment: None,
            session_id: "ses_1",
            locale: crate::locale::Locale::En,
            mode: crate::jurisdiction::Mode::Standard,
        });
        assert_eq!(v.title, "Before you go, there");
        assert!(
            v.message.contains("your Premium Snack Pack at the end"),
            "{}",
            v.message
        );
    }
}
