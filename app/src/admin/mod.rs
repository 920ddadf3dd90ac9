//! The settings UI: sign-in, the dashboard, apps and their install
//! snippet, the cancel flow's settings, operations that need attention, and
//! the audit log.

mod api;
mod app_page;
mod apps;
mod auth;
mod customers;
mod dashboard;
mod fields;
mod log;
mod requests;
mod settings;
mod stripe;
mod team;
mod webhooks;

use holdfast_core::api::account::Me;
use holdfast_core::team::Role;
use leptos::prelude::*;
use leptos_router::components::{Route, Router, Routes, A};
use leptos_router::path;

/// The signed-in admin, shared with every page (its CSRF token signs writes).
#[derive(Clone, Copy)]
pub struct Session(pub RwSignal<Option<Me>>);

/// On while the page is an invitation's (`/admin/invite`), outside the
/// router; accepting turns it off and the signed-in settings take over.
#[derive(Clone, Copy)]
pub struct Inviting(pub RwSignal<bool>);

impl Session {
    pub fn csrf(&self) -> String {
        self.0
            .get_untracked()
            .map(|m| m.csrf_token)
            .unwrap_or_default()
    }
}

#[component]
pub fn AdminApp() -> impl IntoView {
    let me = RwSignal::new(None::<Me>);
    provide_context(Session(me));
    let checked = LocalResource::new(move || async move {
        match api::me().await {
            Ok(found) => {
                me.set(Some(found));
                Ok(false)
            }
            Err(_) => api::status().await.map(|s| s.needs_setup),
        }
    });
    let inviting = RwSignal::new(
        window()
            .location()
            .pathname()
            .is_ok_and(|p| p == "/admin/invite"),
    );
    provide_context(Inviting(inviting));
    view! {
        <Show when=move || !inviting.get() fallback=|| view! { <auth::AcceptInvite/> }>
        <Suspense fallback=|| view! { <p role="status" class="loading">"Loading…"</p> }>
            {move || {
                checked
                    .get()
                    .map(|needs_setup| match (me.get(), needs_setup) {
                        (Some(m), _) => view! { <Shell me=m/> }.into_any(),
                        (None, Ok(true)) => view! { <auth::Setup/> }.into_any(),
                        (None, Ok(false)) => view! { <auth::Login/> }.into_any(),
                        (None, Err(e)) => view! { <p role="alert">{e.message()}</p> }.into_any(),
                    })
            }}
        </Suspense>
        </Show>
    }
}

#[component]
fn Shell(me: Me) -> impl IntoView {
    let session = expect_context::<Session>();
    // A viewer reads the dashboard and sessions; the server refuses the rest
    // whatever the page shows.
    let viewer = me.role == Role::Viewer;
    let logout = Action::new_local(move |_: &()| api::logout(session.csrf()));
    Effect::new(move |_| {
        if logout.value().get().is_some() {
            session.0.set(None);
            let _ = window().location().reload();
        }
    });
    view! {
        <Router>
            <header class="admin-header">
                <strong>"Holdfast"</strong>
                <nav aria-label="Settings">
                    <A href="/admin/dashboard">"Dashboard"</A>
                    {(me.role >= Role::Editor).then(|| view! {
                        <A href="/admin">"Apps"</A>
                        <A href="/admin/stripe">"Stripe"</A>
                        <A href="/admin/operations">"Operations"</A>
                        <A href="/admin/audit">"Audit log"</A>
                    })}
                    {(me.role == Role::Owner).then(|| view! { <A href="/admin/team">"Team"</A> })}
                    <A href="/admin/account">"Account"</A>
                </nav>
                <span class="who">{format!("{} ({})", me.email, me.role.as_str())}</span>
                <button class="secondary" on:click=move |_| {
                    logout.dispatch(());
                }>"Sign out"</button>
            </header>
            <main class="admin-main">
                <Routes fallback=|| view! { <h1>"Not found"</h1> }>
                    <Route path=path!("/admin") view=move || if viewer { view! { <dashboard::DashboardPage/> }.into_any() } else { view! { <apps::AppsPage/> }.into_any() }/>
                    <Route path=path!("/admin/apps/:id") view=move || if viewer { view! { <ViewerOnly/> }.into_any() } else { view! { <app_page::AppPage/> }.into_any() }/>
                    <Route path=path!("/admin/team") view=team::TeamPage/>
                    <Route path=path!("/admin/account") view=team::AccountPage/>
                    <Route path=path!("/admin/dashboard") view=dashboard::DashboardPage/>
                    <Route path=path!("/admin/sessions/:id") view=dashboard::SessionPage/>
                    <Route path=path!("/admin/stripe") view=stripe::StripePage/>
                    <Route path=path!("/admin/operations") view=log::OperationsPage/>
                    <Route path=path!("/admin/audit") view=log::AuditPage/>
                </Routes>
            </main>
        </Router>
    }
}

#[component]
fn ViewerOnly() -> impl IntoView {
    view! {
        <h1>"Settings"</h1>
        <p role="alert">"Your role (viewer) reads the dashboard and sessions only. Ask an owner to change a cancel flow."</p>
        <p><a href="/admin/dashboard">"Open the dashboard"</a></p>
    }
}
