//! The edge over HTTP, against the stack `scripts/test` starts: wrangler dev
//! (workerd) with a local D1 database, and the Stripe emulator.

mod helpers;

mod access;
mod admin;
mod attribution;
mod budgets;
mod cancel;
mod dashboard;
mod email_bounds;
mod emails;
mod emulator;
mod enforcement;
mod experiments;
mod faults;
mod invites;
mod keys;
mod lifecycle;
mod locales;
mod offers;
mod openapi;
mod places;
mod precancel;
mod public_matching;
mod public_page;
mod query_plans;
mod races;
mod route_access;
mod scale;
mod sealed;
mod secrets;
mod settings_roles;
mod signin;
mod team;
mod webhooks;
