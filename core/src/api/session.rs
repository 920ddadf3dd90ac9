//! Wire types of a cancel session: what the page shows, the customer's
//! answers, and the outcome of a cancel or a save.

use serde::{Deserialize, Serialize};

use crate::i18n::Text;
use crate::jurisdiction::Mode;
use crate::receipt::{CancelKind, Receipt};
use crate::session::SessionStatus;

/// One answer in the reasons survey.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct ReasonView {
    pub id: String,
    pub label: String,
    /// Ask for a free-text follow-up when this reason is picked.
    #[serde(default)]
    pub follow_up: Option<String>,
}

/// `GET /api/sessions/{token}`: what the cancel page shows.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct SessionView {
    pub status: SessionStatus,
    /// Brand name shown in the page header.
    pub brand: String,
    /// Personalised heading, already rendered with fallbacks.
    pub title: String,
    /// Personalised loss-aversion copy, already rendered with fallbacks.
    pub message: String,
    pub survey_prompt: String,
    pub reasons: Vec<ReasonView>,
    #[serde(default)]
    pub chosen_reason: Option<String>,
    /// Where "keep my subscription" leads.
    pub save_return_url: Option<String>,
    /// Where the customer goes once the cancel is done.
    pub cancel_confirmation_url: Option<String>,
    /// When an at-period-end cancel takes effect (unix seconds), once known.
    #[serde(default)]
    pub cancel_effective_at: Option<i64>,
    /// Offers this customer may see, each placed for some reasons.
    #[serde(default)]
    pub offers: Vec<OfferView>,
    /// How many offer screens may still be shown (0: cancel goes straight on).
    #[serde(default)]
    pub offer_screens_left: u32,
    #[serde(default)]
    pub logo_url: Option<String>,
    /// `#rrggbb`
    #[serde(default)]
    pub accent_color: String,
    /// The page's language as a BCP 47 tag (`de`, `pt-BR`); `text` holds
    /// its built-in strings.
    #[serde(default)]
    pub locale: String,
    #[serde(default)]
    pub text: Text,
    #[serde(default)]
    pub mode: Mode,
}

/// An offer as the cancel page shows it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct OfferView {
    pub id: String,
    pub kind: crate::billing::OfferKind,
    pub title: String,
    pub body: String,
    pub accept_label: String,
    /// Reasons it answers; empty: any.
    pub reasons: Vec<String>,
}

impl OfferView {
    /// Placement, as `offer::Offer::placed_for`: one of its reasons, or any.
    pub fn placed_for(&self, reason: Option<&str>) -> bool {
        crate::offer::placed_for(&self.reasons, reason)
    }
}

/// `POST /api/sessions/{token}/offers/{id}/show`: the offer screen, with what
/// accepting means in numbers (from Stripe's invoice preview where it has one).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct OfferPreview {
    pub offer: OfferView,
    /// Minor units (cents) per period today, and after accepting.
    #[serde(default)]
    pub current_amount: Option<i64>,
    #[serde(default)]
    pub new_amount: Option<i64>,
    #[serde(default)]
    pub currency: Option<String>,
    /// The next charge after accepting (unix seconds).
    #[serde(default)]
    pub next_charge_at: Option<i64>,
    /// When a pause or free extension ends (unix seconds).
    #[serde(default)]
    pub resumes_at: Option<i64>,
    /// What accepting means, in sentences in the page's language, with
    /// money and dates as the customer's locale writes them.
    #[serde(default)]
    pub facts: Vec<String>,
}

/// `POST /api/sessions/{token}/reason`
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct ChooseReasonRequest {
    pub reason_id: String,
    #[serde(default)]
    pub comment: Option<String>,
}

/// `POST /api/sessions/{token}/cancel`; the reason may come along so a
/// single click both answers the survey and cancels.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct CancelRequest {
    #[serde(default)]
    pub reason_id: Option<String>,
    #[serde(default)]
    pub comment: Option<String>,
    #[serde(default)]
    pub kind: CancelKind,
    /// Required for an extraordinary cancellation.
    #[serde(default)]
    pub extraordinary_reason: Option<String>,
    /// Where the confirmation goes, when not the address on file.
    #[serde(default)]
    pub email: Option<String>,
    /// The browser's IANA time zone, for the e-mail's dates.
    #[serde(default)]
    pub time_zone: Option<String>,
}

/// Answer of `cancel` and `deflect`: the new state and where to go next.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct OutcomeResponse {
    pub status: SessionStatus,
    /// What to tell the customer, in plain words.
    pub message: String,
    #[serde(default)]
    pub redirect_url: Option<String>,
    #[serde(default)]
    pub cancel_effective_at: Option<i64>,
    /// The confirmation, for a cancel.
    #[serde(default)]
    pub receipt: Option<Receipt>,
}
