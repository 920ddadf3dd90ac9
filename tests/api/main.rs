//! The edge over HTTP, against the stack `scripts/test` starts: wrangler dev
//! (workerd) with a local D1 database, and the Stripe emulator.

mod helpers;

mod admin;
mod attribution;
mod budgets;
mod cancel;
mod dashboard;
mod emulator;
mod experiments;
mod offers;
mod precancel;
mod secrets;
mod webhooks;
