//! Leaf: what accepting an offer does to a subscription's billing, in
//! Stripe's vocabulary (intervals, proration, coupons, pauses, price swaps).

use serde::{Deserialize, Serialize};

use crate::names::named;

named! {
    /// What kind of offer a `Billing` is, as the page and webhooks name it.
    pub enum OfferKind {
        Discount = "discount",
        Pause = "pause",
        Extension = "extension",
        PlanChange = "plan_change",
        Redirect = "redirect",
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(rename_all = "snake_case")]
pub enum Interval {
    Day,
    Week,
    Month,
    Year,
}

/// Stripe's `proration_behavior` for a plan change.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(rename_all = "snake_case")]
pub enum ProrationBehavior {
    #[default]
    CreateProrations,
    AlwaysInvoice,
    None,
}

impl ProrationBehavior {
    pub fn as_str(self) -> &'static str {
        match self {
            Self::CreateProrations => "create_prorations",
            Self::AlwaysInvoice => "always_invoice",
            Self::None => "none",
        }
    }
}

/// What accepting the offer does.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(tag = "type", rename_all = "snake_case")]
pub enum Billing {
    /// Adds a Stripe coupon, keeping the subscription's other discounts.
    Discount { coupon: String },
    /// `pause_collection[behavior]=void`: no service, no invoices.
    Pause { duration: u32, interval: Interval },
    /// `pause_collection[behavior]=mark_uncollectible`: service continues free.
    Extension { duration: u32, interval: Interval },
    /// Swaps the subscription item's price.
    PlanChange {
        price: String,
        #[serde(default)]
        proration_behavior: ProrationBehavior,
    },
    /// Sends the customer to a merchant URL (a template), for offers the
    /// merchant applies itself.
    Redirect { url: String },
}

impl Billing {
    pub fn kind(&self) -> OfferKind {
        match self {
            Self::Discount { .. } => OfferKind::Discount,
            Self::Pause { .. } => OfferKind::Pause,
            Self::Extension { .. } => OfferKind::Extension,
            Self::PlanChange { .. } => OfferKind::PlanChange,
            Self::Redirect { .. } => OfferKind::Redirect,
        }
    }

    /// Whether accepting writes to Stripe.
    pub fn writes_to_stripe(&self) -> bool {
        !matches!(self, Self::Redirect { .. })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn an_offer_kind_is_named_as_its_billing_type() {
        assert_eq!(crate::names::check_names::<OfferKind>(), Ok(()));
        let b = Billing::PlanChange {
            price: "p".into(),
            proration_behavior: ProrationBehavior::None,
        };
        let tagged = serde_json::to_value(&b).expect("json");
        assert_eq!(tagged["type"], b.kind().as_str());
    }
}
