//! Leaf: what accepting an offer does to a subscription's billing, in
//! Stripe's vocabulary (intervals, proration, coupons, pauses, price swaps).

use serde::{Deserialize, Serialize};

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Interval {
    Day,
    Week,
    Month,
    Year,
}

/// Stripe's `proration_behavior` for a plan change.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Serialize, Deserialize)]
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
    pub fn kind(&self) -> &'static str {
        match self {
            Self::Discount { .. } => "discount",
            Self::Pause { .. } => "pause",
            Self::Extension { .. } => "extension",
            Self::PlanChange { .. } => "plan_change",
            Self::Redirect { .. } => "redirect",
        }
    }

    /// Whether accepting writes to Stripe.
    pub fn writes_to_stripe(&self) -> bool {
        !matches!(self, Self::Redirect { .. })
    }
}
