//! Every binding, var and secret is read here, once per request (or cron
//! run): `Config::from_env` builds the `Config` the router hands every
//! handler, and the bindings (D1, assets, e-mail) are reached through it.

use holdfast_core::api::stripe::KeySource;
use secrecy::ExposeSecret;
use std::fmt;

use worker::Env;

use crate::error::AppError;

// Binding names live here and nowhere else. The bindings, which
// wrangler.toml must declare (tests/deploy checks each):
const DB: &str = "DB";
const ASSETS: &str = "ASSETS";
const EMAIL: &str = "EMAIL";
const WORK: &str = "WORK";
const DEAD: &str = "DEAD";

// Variables and secrets, each optional:
const TEST_HOOKS: &str = "HOLDFAST_TEST_HOOKS";
const ALLOW_PRIVATE_WEBHOOKS: &str = "HOLDFAST_ALLOW_PRIVATE_WEBHOOKS";
const STRIPE_SECRET_KEY: &str = "STRIPE_SECRET_KEY";
const STRIPE_API_BASE: &str = "STRIPE_API_BASE";
const PUBLIC_URL: &str = "PUBLIC_URL";
const NOTICE_FROM: &str = "HOLDFAST_NOTICE_FROM";
const DEMO_APP_ID: &str = "DEMO_APP_ID";
const ADMIN_SETUP_TOKEN: &str = "ADMIN_SETUP_TOKEN";
const ENCRYPTION_KEY: &str = "HOLDFAST_ENCRYPTION_KEY";
const ENCRYPTION_KEY_PREVIOUS: &str = "HOLDFAST_ENCRYPTION_KEY_PREVIOUS";
const STRIPE_WEBHOOK_SECRET: &str = "STRIPE_WEBHOOK_SECRET";

const DEFAULT_STRIPE_API_BASE: &str = "https://api.stripe.com";

/// A secret that never prints (`Debug` shows `[REDACTED]`) and is wiped
/// from memory when dropped; read it with `ExposeSecret::expose_secret`.
pub type Secret = secrecy::SecretString;

/// The Worker's bindings, reached only through `Config`'s methods.
#[derive(Clone)]
struct Bindings(Env);

impl fmt::Debug for Bindings {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("Bindings")
    }
}

#[derive(Debug, Clone)]
pub struct Config {
    env: Bindings,
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
    /// Seals secrets at rest: the Stripe key saved in the settings UI,
    /// signing and webhook secrets (64 hex characters).
    pub encryption_key: Option<Secret>,
    /// The key before a rotation: it still opens, never seals.
    pub encryption_key_previous: Option<Secret>,
    /// Signing secrets of the Stripe webhook endpoint; two during a rotation
    /// (comma-separated in `STRIPE_WEBHOOK_SECRET`).
    pub stripe_webhook_secrets: Vec<Secret>,
    /// Where `stripe_key` came from: `settings`, `environment` or `none`.
    pub stripe_key_source: KeySource,
    /// `HOLDFAST_ALLOW_PRIVATE_WEBHOOKS=1`: apps whose development setting
    /// is on may send webhooks to http and local addresses.
    pub allow_private_webhooks: bool,
    /// The sender of notices to the team's owners (a locked second
    /// factor); an app's `email_from` when unset.
    pub notice_from: Option<String>,
    /// `HOLDFAST_TEST_HOOKS=1`, the test stack only: the controllable clock,
    /// the counts header, the test place and e-mail hooks. Never set in a
    /// deployment.
    pub test_hooks: bool,
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
                .map(Secret::from)
        };
        let stripe_key = secret(STRIPE_SECRET_KEY);
        Self {
            env: Bindings(env.clone()),
            stripe_key_source: if stripe_key.is_some() {
                KeySource::Environment
            } else {
                KeySource::None
            },
            stripe_key,
            admin_setup_token: secret(ADMIN_SETUP_TOKEN),
            encryption_key: secret(ENCRYPTION_KEY),
            encryption_key_previous: secret(ENCRYPTION_KEY_PREVIOUS),
            stripe_webhook_secrets: secret(STRIPE_WEBHOOK_SECRET)
                .map(|s| {
                    s.expose_secret()
                        .split(',')
                        .map(str::trim)
                        .filter(|x| !x.is_empty())
                        .map(|x| Secret::from(x.to_owned()))
                        .collect()
                })
                .unwrap_or_default(),
            stripe_base: text(STRIPE_API_BASE)
                .unwrap_or_else(|| DEFAULT_STRIPE_API_BASE.to_owned()),
            public_url: text(PUBLIC_URL).map(|u| u.trim_end_matches('/').to_owned()),
            demo_app_id: text(DEMO_APP_ID),
            notice_from: text(NOTICE_FROM),
            allow_private_webhooks: text(ALLOW_PRIVATE_WEBHOOKS).as_deref() == Some("1"),
            test_hooks: text(TEST_HOOKS).as_deref() == Some("1"),
        }
    }
}

impl Config {
    /// The key saved in the settings UI wins over the environment's. A saved
    /// key that does not open (wrong or missing encryption key) is not
    /// replaced by another: Stripe calls then fail, and cancels wait.
    pub fn with_stored_key(mut self, sealed: Option<&str>) -> Self {
        let Some(sealed) = sealed else { return self };
        let opened = match self.keyring() {
            Ok(Some(k)) => k
                .open(crate::secrets::STRIPE_KEY, sealed)
                .map_err(|e| e.to_string()),
            Ok(None) => Err("HOLDFAST_ENCRYPTION_KEY is not set".to_owned()),
            Err(e) => Err(format!("{e:?}")),
        };
        match opened {
            Ok(key) => {
                self.stripe_key = Some(Secret::from(key));
                self.stripe_key_source = KeySource::Settings;
            }
            Err(e) => {
                worker::console_error!("the saved Stripe key does not open: {e}");
                self.stripe_key = None;
            }
        }
        self
    }

    /// The keys that seal and open secrets at rest; None without
    /// `HOLDFAST_ENCRYPTION_KEY`.
    pub fn keyring(&self) -> Result<Option<holdfast_core::vault::Keyring>, AppError> {
        let Some(current) = &self.encryption_key else {
            return Ok(None);
        };
        holdfast_core::vault::Keyring::new(
            current.expose_secret(),
            self.encryption_key_previous
                .as_ref()
                .map(ExposeSecret::expose_secret),
        )
        .map(Some)
        .map_err(|e| AppError::internal(format!("HOLDFAST_ENCRYPTION_KEY(_PREVIOUS): {e}")))
    }

    /// Test data only: a test-mode key, or a Stripe that is not Stripe's
    /// own (the emulator).
    pub fn is_test_mode(&self) -> bool {
        let test_key = self.stripe_key.as_ref().is_some_and(|k| {
            k.expose_secret().starts_with("sk_test_") || k.expose_secret().starts_with("rk_test_")
        });
        test_key || self.stripe_base != DEFAULT_STRIPE_API_BASE
    }

    /// The configuration with the key saved in the settings, read from D1.
    pub async fn with_saved_key(self, db: &worker::D1Database) -> Result<Self, AppError> {
        let sealed = crate::store::connection::get(db)
            .await?
            .map(|c| c.sealed_key);
        Ok(self.with_stored_key(sealed.as_deref()))
    }

    pub fn db(&self) -> Result<worker::D1Database, AppError> {
        self.env
            .0
            .d1(DB)
            .map_err(|e| AppError::internal(format!("D1 binding {DB} is missing: {e}")))
    }

    /// The built app and the snippet (Workers static assets).
    pub fn assets(&self) -> Result<worker::Fetcher, AppError> {
        Ok(self.env.0.assets(ASSETS)?)
    }

    /// The work queue (webhook deliveries; see `queue.rs`).
    pub fn work_queue(&self) -> Result<worker::Queue, AppError> {
        Ok(self.env.0.queue(WORK)?)
    }

    /// The work queue's dead-letter queue, for work that failed for good.
    pub fn dead_queue(&self) -> Result<worker::Queue, AppError> {
        Ok(self.env.0.queue(DEAD)?)
    }

    /// Cloudflare Email Service's `send_email` binding.
    pub fn email(&self) -> Result<worker::SendEmail, AppError> {
        Ok(self.env.0.send_email(EMAIL)?)
    }
}
