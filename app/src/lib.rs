//! The Holdfast front end: the hosted cancel page (`holdfast-app`) and the
//! settings UI (`holdfast-admin`), two bundles so a customer about to cancel
//! never downloads the settings code.

pub mod admin;
mod api;
mod format;
mod pages;

use leptos::prelude::*;
use leptos_router::components::{Route, Router, Routes};
use leptos_router::path;

/// The cancel page's root.
#[component]
pub fn CancelApp() -> impl IntoView {
    view! {
        <Router>
            <Routes fallback=pages::not_found::NotFound>
                <Route path=path!("/cancel/:token") view=pages::cancel::CancelPage/>
            </Routes>
        </Router>
    }
}
