//! An app's settings: its copy, reasons, offers, audiences, experiments and
//! rules, stored per app as JSON. Every field has a default, so an app created
//! with `{}` shows a complete, sensible page. `check` says what is wrong with
//! submitted settings; `translation` holds the copy in other languages.

use serde::{Deserialize, Serialize};

use crate::audience::Audience;
use crate::cancel::{CancelOptions, Feedback};
use crate::experiment::{Assignment, Experience, Variant, HOLDOUT};
use crate::i18n::Key;
use crate::locale::Locale;
use crate::mapping::FieldMapping;
use crate::offer::{NotOffered, Offer};
use crate::template::Fields;
use crate::validation::FieldIssue;

pub mod check;
pub mod field;
pub mod roles;
pub mod translation;

pub use check::check_settings;

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct Reason {
    pub id: String,
    pub label: String,
    /// Sent to Stripe as `cancellation_details[feedback]`.
    pub feedback: Feedback,
    #[serde(default)]
    pub follow_up: Option<String>,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[cfg_attr(feature = "store", derive(reactive_stores::Store))]
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
    /// Days after a session ends that its personal data (ids in Stripe,
    /// e-mail, names, custom fields, comments, Stripe's answers) is kept;
    /// the counts, money and audit trail without it stay.
    pub retention_days: u32,
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
    /// Confirmation e-mails this app sends a day at most (owners set it):
    /// past it the cancel still happens and the message is listed as not
    /// sent, so a flood of cancels cannot flood the merchant's domain.
    pub email_daily_cap: u32,
    /// The texts above in other languages, by locale.
    pub translations: std::collections::BTreeMap<crate::locale::Locale, translation::Translation>,
    /// The public "cancel contract here" page (owners turn it on or off).
    pub public_page: PublicPage,
}

/// The app's public cancel page (§312k BGB): a form anyone can reach, with
/// no sign-in, that the merchant links from every page.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(default)]
pub struct PublicPage {
    /// None: on where a jurisdiction rule asks for the direct mode (the
    /// German law that asks for the page is such a rule).
    pub enabled: Option<bool>,
    /// The contracts the visitor may pick from (none: only the number).
    pub products: Vec<crate::declaration::PublicProduct>,
    /// Every declaration waits for a person, even one Stripe matches.
    pub always_review: bool,
}

/// The per-app daily cap of confirmation e-mails unless an owner sets one.
pub const DEFAULT_EMAIL_DAILY_CAP: u32 = 1000;

/// Which reason an offer's placement is judged against.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ReasonGate<'a> {
    /// The page's list, drawn before a reason is chosen: any placement.
    Any,
    /// `show` and `accept`: the reason the session recorded.
    Chosen(Option<&'a str>),
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[cfg_attr(feature = "store", derive(reactive_stores::Store))]
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
            retention_days: crate::lifecycle::DEFAULT_RETENTION_DAYS,
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
            email_daily_cap: DEFAULT_EMAIL_DAILY_CAP,
            translations: Default::default(),
            public_page: PublicPage::default(),
        }
    }
}

impl AppSettings {
    /// Whether the app's public cancel page answers.
    pub fn public_page_on(&self) -> bool {
        self.public_page.enabled.unwrap_or_else(|| {
            self.jurisdiction_rules
                .iter()
                .any(|r| r.mode == crate::jurisdiction::Mode::Direct)
        })
    }

    pub fn reason(&self, id: &str) -> Option<&Reason> {
        self.reasons.iter().find(|r| r.id == id)
    }

    /// The reason `id` of this page, or the issue naming the request's
    /// `field` (the JSON API's `reason_id`, the no-JS form's `reason`).
    pub fn known_reason(&self, field: &str, id: &str) -> Result<&Reason, FieldIssue> {
        self.reason(id).ok_or_else(|| {
            FieldIssue::new(field, format!("{id} is not one of this page's reasons"))
        })
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

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn an_unknown_reason_is_named_by_the_requests_field() {
        let s = AppSettings::default();
        assert!(s.known_reason("reason_id", "too_expensive").is_ok());
        assert_eq!(
            s.known_reason("reason", "nope").map(|r| r.id.clone()),
            Err(FieldIssue::new(
                "reason",
                "nope is not one of this page's reasons"
            ))
        );
    }
}
