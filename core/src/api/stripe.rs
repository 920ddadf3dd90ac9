//! Wire types of the Stripe connection: the key, its permissions, and the
//! coupons and prices the offer editor picks from.

use serde::{Deserialize, Serialize};

use crate::names::named;
use crate::validation::FieldIssue;

named! {
    /// Where the Stripe key in use comes from.
    pub enum KeySource {
        /// Saved by an admin in the settings (sealed in D1).
        Settings = "settings",
        /// The Worker's `STRIPE_SECRET_KEY` secret.
        Environment = "environment",
        None = "none",
    }
}

named! {
    /// The access to a Stripe resource Holdfast needs.
    pub enum Access {
        Read = "read",
        Write = "write",
    }
}

named! {
    /// A Stripe key's mode.
    pub enum KeyMode {
        Test = "test",
        Live = "live",
    }
}

/// A Stripe coupon, for the offer editor's picker.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct CouponOption {
    pub id: String,
    pub label: String,
}

/// A Stripe price, for the plan-change picker.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct PriceOption {
    pub id: String,
    pub label: String,
}

/// `PUT /api/admin/stripe`: the restricted (or secret) key to use.
#[derive(Debug, Clone, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct ConnectStripeRequest {
    pub key: String,
}

/// The Stripe connection as admins see it: never the key, only its end.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct StripeConnection {
    pub source: KeySource,
    #[serde(default)]
    pub last4: Option<String>,
    #[serde(default)]
    pub mode: Option<KeyMode>,
    #[serde(default)]
    pub connected_at: Option<i64>,
}

/// One resource of the connection check.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct PermissionCheck {
    /// As the seed lists them: Customers, Events, Products, Plans, Prices,
    /// Subscriptions, Coupons.
    pub resource: String,
    /// What Holdfast needs.
    pub needs: Access,
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
        return Err(FieldIssue::new(
            "key",
            "Paste a Stripe secret or restricted key (sk_… or rk_…, test or live).",
        ));
    }
    Ok(())
}

/// `sk_test_…` is test mode; anything `_live_` is live.
pub fn key_mode(key: &str) -> KeyMode {
    if key.contains("_live_") {
        KeyMode::Live
    } else {
        KeyMode::Test
    }
}

/// The last four characters, all an admin ever sees of a key again.
pub fn last4(key: &str) -> String {
    let chars: Vec<char> = key.trim().chars().collect();
    chars[chars.len().saturating_sub(4)..].iter().collect()
}
