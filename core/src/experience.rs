//! An app's cancel experience: copy, reasons and cancel options.
//!
//! Stored per app as JSON; every field has a default so an app created with
//! `{}` shows a complete, sensible page.

use crate::i18n::Key;
use crate::locale::Locale;
use crate::translation::{pick, Translation};
use serde::{Deserialize, Serialize};

use crate::api::{OfferView, ReasonView, SessionView};
use crate::audience::Audience;
use crate::cancel::{CancelOptions, Feedback};
use crate::experiment::{Assignment, Experience, Variant, HOLDOUT};
use crate::mapping::FieldMapping;
use crate::offer::{NotOffered, Offer};
use crate::session::SessionStatus;
use crate::template::{render, Fields};

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Reason {
    pub id: String,
    pub label: String,
    /// Sent to Stripe as `cancellation_details[feedback]`.
    pub feedback: Feedback,
    #[serde(default)]
    pub follow_up: Option<String>,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(default)]
pub struct AppSettings {
    pub brand: String,
    pub title: String,
    pub message: String,
    pub survey_prompt: String,
    pub reasons: Vec<Reason>,
    pub cancel: CancelOptions,
    /// Seed: "Manage cancels". Off: the cancel is recorded, Stripe untouched.
    pub manage_cancels: bool,
    pub offers: Vec<Offer>,
    /// Seed: "Manage offers". Off: an accepted offer is recorded (for the
    /// merchant's webhooks), Stripe untouched.
    pub manage_offers: bool,
    /// Offer screens per session; easy-cancel laws favour one.
    pub max_offer_screens: u32,
    /// No offer for a subscription that accepted one this recently.
    pub offer_cooldown_days: u32,
    pub audiences: Vec<Audience>,
    /// Checked in order: the first whose audience matches runs.
    pub experiences: Vec<Experience>,
    /// Seed: "Attribution". On: a save (accepted offer or "keep my
    /// subscription") is checked in Stripe and booked with its MRR.
    pub attribution: bool,
    /// Days a save is watched before it is booked for good.
    pub attribution_window_days: u32,
    /// Seed: "Enrichment". Off: precancel does not read Stripe; the page
    /// uses the snippet's data and fallbacks.
    pub enrichment: bool,
    /// Show the reasons in a per-session order (a reason with id `other`
    /// stays last), so the first ones are not picked for being first.
    pub randomize_reasons: bool,
    pub branding: Branding,
    /// Named, typed fields for copy, audiences and reports.
    pub mappings: Vec<FieldMapping>,
    /// Development only: webhook endpoints may use http and private or
    /// loopback addresses. Honoured only where the Worker's
    /// `HOLDFAST_ALLOW_PRIVATE_WEBHOOKS` variable is `1`.
    pub webhooks_allow_private: bool,
    /// Sites that may show the cancel page in a frame (a modal on the
    /// merchant's own pages), as `https://` origins; none by default.
    pub embed_origins: Vec<String>,
    /// Precancels this app accepts per minute, from all its customers: a
    /// ceiling on what a leaked or looping snippet can cost in Stripe calls.
    pub precancel_per_minute: u32,
    /// Sites customers may be sent back to (`save_return_url`,
    /// `cancel_confirmation_url`, redirect offers, pass-through URLs), as
    /// origins; none by default, so no destination passes until listed.
    pub return_origins: Vec<String>,
    /// Browser-supplied fields (see `provenance`) the admin lets fill
    /// pass-through URLs, knowing a customer can set them to anything.
    pub trusted_url_fields: Vec<String>,
    /// The page's language when neither the merchant nor the browser names
    /// a built-in one.
    pub default_locale: crate::locale::Locale,
    /// From the customer's country (or US state) to a compliance mode.
    pub jurisdiction_rules: Vec<crate::jurisdiction::Rule>,
    /// The sender of confirmation e-mails (an address on a domain set up in
    /// Cloudflare Email Service); None: no e-mail, the merchant sends its
    /// own from the `cancel.requested` webhook.
    pub email_from: Option<String>,
    /// The texts above in other languages, by locale.
    pub translations:
        std::collections::BTreeMap<crate::locale::Locale, crate::translation::Translation>,
}

/// Which reason an offer's placement is judged against.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ReasonGate<'a> {
    /// The page's list, drawn before a reason is chosen: any placement.
    Any,
    /// `show` and `accept`: the reason the session recorded.
    Chosen(Option<&'a str>),
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(default)]
pub struct Branding {
    /// An https URL of the merchant's logo.
    pub logo_url: Option<String>,
    /// `#rrggbb` for buttons and links.
    pub accent_color: String,
}

impl Default for Branding {
    fn default() -> Self {
        Self {
            logo_url: None,
            accent_color: "#0969da".to_owned(),
        }
    }
}

/// Fields to preview copy with in the settings UI.
pub fn sample_fields() -> Fields {
    [
        ("first_name", "Jane"),
        ("full_name", "Jane Cooper"),
        ("email", "jane@example.com"),
        ("subscription.product.name", "Premium Snack Pack"),
        ("subscription.plan.interval", "month"),
        ("account.plan", "Pro"),
    ]
    .into_iter()
    .map(|(k, v)| (k.to_owned(), v.to_owned()))
    .collect()
}

impl Default for AppSettings {
    fn default() -> Self {
        // The English catalog holds a new app's copy, so the built-in
        // translations (`i18n::default_copy`) always match it.
        let en = |k: Key| crate::i18n::get(Locale::En, k).to_owned();
        let reason = |id: &str, label: Key, feedback, follow_up: Option<Key>| Reason {
            id: id.to_owned(),
            label: en(label),
            feedback,
            follow_up: follow_up.map(en),
        };
        Self {
            brand: en(Key::CopyBrand),
            title: en(Key::CopyTitle),
            message: en(Key::CopyMessage),
            survey_prompt: en(Key::CopyPrompt),
            reasons: vec![
                reason(
                    "too_expensive",
                    Key::ReasonTooExpensive,
                    Feedback::TooExpensive,
                    None,
                ),
                reason("unused", Key::ReasonUnused, Feedback::Unused, None),
                reason(
                    "missing_features",
                    Key::ReasonMissingFeatures,
                    Feedback::MissingFeatures,
                    Some(Key::FollowFeatures),
                ),
                reason(
                    "switched_service",
                    Key::ReasonSwitched,
                    Feedback::SwitchedService,
                    Some(Key::FollowService),
                ),
                reason(
                    "too_complex",
                    Key::ReasonTooComplex,
                    Feedback::TooComplex,
                    None,
                ),
                reason(
                    "low_quality",
                    Key::ReasonLowQuality,
                    Feedback::LowQuality,
                    None,
                ),
                reason(
                    "customer_service",
                    Key::ReasonSupport,
                    Feedback::CustomerService,
                    None,
                ),
                reason(
                    "other",
                    Key::ReasonOther,
                    Feedback::Other,
                    Some(Key::FollowOther),
                ),
            ],
            cancel: CancelOptions::default(),
            manage_cancels: true,
            offers: Vec::new(),
            manage_offers: true,
            max_offer_screens: 1,
            offer_cooldown_days: 90,
            audiences: Vec::new(),
            experiences: Vec::new(),
            attribution: true,
            attribution_window_days: 30,
            enrichment: true,
            randomize_reasons: false,
            branding: Branding::default(),
            mappings: Vec::new(),
            webhooks_allow_private: false,
            embed_origins: Vec::new(),
            precancel_per_minute: 600,
            return_origins: Vec::new(),
            trusted_url_fields: Vec::new(),
            default_locale: crate::locale::Locale::En,
            jurisdiction_rules: crate::jurisdiction::default_rules(),
            email_from: None,
            translations: Default::default(),
        }
    }
}

impl AppSettings {
    pub fn reason(&self, id: &str) -> Option<&Reason> {
        self.reasons.iter().find(|r| r.id == id)
    }

    pub fn offer(&self, id: &str) -> Option<&Offer> {
        self.offers.iter().find(|o| o.id == id)
    }

    /// Picks the session's experience and variant from its fields; None
    /// runs the app's default page.
    pub fn assign(&self, fields: &Fields, subject: &str) -> Option<Assignment> {
        crate::experiment::choose(&self.experiences, &self.audiences, fields)?.assign(subject)
    }

    /// The audience a session is reported under: its experience's, or else
    /// the first audience its fields match.
    pub fn audience_of(&self, fields: &Fields, a: Option<&Assignment>) -> Option<String> {
        let by_experience = a
            .and_then(|a| self.experiences.iter().find(|e| e.id == a.experience))
            .and_then(|e| e.audience.clone());
        by_experience.or_else(|| {
            self.audiences
                .iter()
                .find(|x| x.matches(fields))
                .map(|x| x.id.clone())
        })
    }

    /// The variant a session was assigned, if it still exists.
    pub fn variant(&self, a: &Assignment) -> Option<&Variant> {
        self.experiences
            .iter()
            .find(|e| e.id == a.experience)?
            .variant(&a.variant)
    }

    /// Whether the session's group may see this offer: never in a holdout,
    /// and only the variant's offers when it names some.
    pub fn offer_allowed(&self, a: Option<&Assignment>, offer_id: &str) -> bool {
        let Some(a) = a else { return true };
        if a.variant == HOLDOUT {
            return false;
        }
        match self.variant(a).and_then(|v| v.offers.as_ref()) {
            Some(ids) => ids.iter().any(|id| id == offer_id),
            None => true,
        }
    }
}

impl AppSettings {
    /// The one rule of which offers a session may be given, behind the
    /// page's list, `show` and `accept` alike: an offer of this page, not
    /// in a holdout, in the session's variant, placed for its reason.
    pub fn offer_for(
        &self,
        a: Option<&Assignment>,
        reason: ReasonGate<'_>,
        offer_id: &str,
    ) -> Result<&Offer, NotOffered> {
        let offer = self.offer(offer_id).ok_or(NotOffered::Unknown)?;
        if a.is_some_and(|a| a.variant == HOLDOUT) {
            return Err(NotOffered::Holdout);
        }
        if !self.offer_allowed(a, offer_id) {
            return Err(NotOffered::OtherVariant);
        }
        match reason {
            ReasonGate::Chosen(r) if !offer.placed_for(r) => Err(NotOffered::OtherReason),
            _ => Ok(offer),
        }
    }
}

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
        kind: offer.billing.kind().to_owned(),
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
