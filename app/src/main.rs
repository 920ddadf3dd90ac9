//! The Holdfast front end: the hosted cancel page.

mod api;
mod pages;

use leptos::prelude::*;
use leptos_router::components::{Route, Router, Routes};
use leptos_router::path;

fn main() {
    leptos::mount::mount_to_body(App);
}

#[component]
fn App() -> impl IntoView {
    view! {
        <Router>
            <Routes fallback=pages::not_found::NotFound>
                <Route path=path!("/cancel/:token") view=pages::cancel::CancelPage/>
            </Routes>
        </Router>
    }
}
