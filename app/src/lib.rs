//! The Holdfast front end: the hosted cancel page (`holdfast-app`) and the
//! settings UI (`holdfast-admin`), two bundles so a customer about to cancel
//! never downloads the settings code.

pub mod admin;
mod api;
mod format;
mod pages;

use leptos::prelude::*;

/// The cancel page's root. It has one route, `/cancel/{token}`, read
/// directly: a router would cost the customer's phone more bytes than it
/// saves code.
#[component]
pub fn CancelApp() -> impl IntoView {
    let path = window().location().pathname().unwrap_or_default();
    match token_of(&path) {
        Some(token) => view! { <pages::cancel::CancelPage token=token/> }.into_any(),
        None => view! { <pages::not_found::NotFound/> }.into_any(),
    }
}

/// The session token of a cancel-page path.
fn token_of(path: &str) -> Option<String> {
    let token = path.strip_prefix("/cancel/")?.trim_end_matches('/');
    (!token.is_empty() && token.chars().all(|c| c.is_ascii_alphanumeric()))
        .then(|| token.to_owned())
}
