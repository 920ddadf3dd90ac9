//! Holdfast's pure domain: no I/O, builds for native and wasm32.
//!
//! The edge parses requests into these types, decides with them, and builds
//! Stripe requests from them; the app renders the same wire types.

pub mod admin;
pub mod api;
pub mod audience;
pub mod cancel;
pub mod client_key;
pub mod dashboard;
pub mod experience;
pub mod experiment;
#[cfg(test)]
mod fixtures;
pub mod i18n;
pub mod intl;
pub mod jurisdiction;
pub mod locale;
pub mod mapping;
pub mod money;
pub mod offer;
pub mod pass_through;
pub mod precancel;
pub mod provenance;
pub mod receipt;
pub mod report;
pub mod return_url;
pub mod revenue;
pub mod session;
pub mod signature_policy;
pub mod signing;
pub mod stats;
pub mod stripe;
pub mod stripe_signature;
pub mod subscription;
pub mod team;
pub mod template;
pub mod totp;
pub mod translation;
pub mod vault;
pub mod webhook;
pub mod wording;
