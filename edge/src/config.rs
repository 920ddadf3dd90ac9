//! Every binding, var and secret is read here, once per request.

use std::fmt;

use worker::Env;

use crate::error::AppError;

/// Binding names live here and nowhere else.
pub const DB: &str = "DB";
pub const ASSETS: &str = "ASSETS";
const STRIPE_SECRET_KEY: &str = "STRIPE_SECRET_KEY";
const STRIPE_API_BASE: &str = "STRIPE_API_BASE";
const PUBLIC_URL: &str = "PUBLIC_URL";
const DEMO_APP_ID: &str = "DEMO_APP_ID";
const ADMIN_SETUP_TOKEN: &str = "ADMIN_SETUP_TOKEN";

const DEFAULT_STRIPE_API_BASE: &str = "https://api.stripe.com";

/// A secret that never prints.
#[derive(Clone)]
pub struct Secret(String);

impl Secret {
    pub fn expose(&self) -> &str {
        &self.0
    }
}

impl fmt::Debug for Secret {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("Secret(***)")
    }
}

#[derive(Debug, Clone)]
pub struct Config {
    /// None when no key is configured: Stripe calls then fail cleanly and
    /// precancel falls back to the default experience.
    pub stripe_key: Option<Secret>,
    pub stripe_base: String,
    /// Origin used in cancel-page links; the request's own origin otherwise.
    pub public_url: Option<String>,
    /// The app the local demo page signs for; None disables `/demo`.
    pub demo_app_id: Option<String>,
    /// One-time token that creates the first admin; None disables setup.
    pub admin_setup_token: Option<Secret>,
}

impl Config {
    pub fn from_env(env: &Env) -> Self {
        let text = |name: &str| {
            env.var(name)
                .ok()
                .map(|v| v.to_string())
                .filter(|v| !v.trim().is_empty())
        };
        let secret = |name: &str| {
            env.secret(name)
                .ok()
                .map(|s| s.to_string())
                .or_else(|| text(name))
                .filter(|k| !k.trim().is_empty())
                .map(Secret)
        };
        Self {
            stripe_key: secret(STRIPE_SECRET_KEY),
            admin_setup_token: secret(ADMIN_SETUP_TOKEN),
            stripe_base: text(STRIPE_API_BASE)
                .unwrap_or_else(|| DEFAULT_STRIPE_API_BASE.to_owned()),
            public_url: text(PUBLIC_URL).map(|u| u.trim_end_matches('/').to_owned()),
            demo_app_id: text(DEMO_APP_ID),
        }
    }
}

pub fn db(env: &Env) -> Result<worker::D1Database, AppError> {
    env.d1(DB)
        .map_err(|e| AppError::internal(format!("D1 binding {DB} is missing: {e}")))
}
