//! Holdfast's pure domain: no I/O, builds for native and wasm32.
//!
//! The edge parses requests into these types, decides with them, and builds
//! Stripe requests from them; the app renders the same wire types. The
//! modules form layers, each using only those above it (`tests/layers.rs`
//! fails on an import cycle): see ARCHITECTURE.md.

// The table every stored state is named in (used by every layer).
pub mod names;

// Leaves: vocabulary and checks that depend on nothing but `names`.
pub mod audit;
pub mod billing;
pub mod cancel;
pub mod client_key;
pub mod dates;
pub mod input;
pub mod jurisdiction;
pub mod locale;
pub mod money;
pub mod session;
pub mod signing;
pub mod stats;
pub mod team;
pub mod template;
pub mod validation;
pub mod vault;
pub mod work;

// Domain: rules over the leaves, one subject each.
pub mod attribution;
pub mod audience;
pub mod declaration;
pub mod experiment;
pub mod i18n;
pub mod intl;
pub mod lifecycle;
pub mod mapping;
pub mod offer;
pub mod pass_through;
pub mod precancel;
pub mod provenance;
pub mod receipt;
pub mod record;
pub mod return_url;
pub mod revenue;
pub mod signature_policy;
pub mod stripe;
pub mod stripe_signature;
pub mod subscription;
pub mod totp;
pub mod webhook;

// Settings: an app's stored configuration and its checks.
pub mod settings;

// Views and wire types: what the API carries, and the page built from settings.
pub mod api;
pub mod dashboard;
pub mod experience;
pub mod report;
pub mod rollup;
pub mod wording;

#[cfg(test)]
mod fixtures;
