//! First-admin setup (with the one-time token) and sign-in.

use holdfast_core::api::account::{LoginRequest, SetupRequest};
use holdfast_core::api::ErrorCode;
use holdfast_core::team::AcceptInviteRequest;
use leptos::prelude::*;
use wasm_bindgen::JsValue;

use super::api;
use super::fields::{FieldError, Issues};
use super::Session;

#[component]
pub fn Setup() -> impl IntoView {
    let session = expect_context::<Session>();
    let (token, email, password) = (
        RwSignal::new(String::new()),
        RwSignal::new(String::new()),
        RwSignal::new(String::new()),
    );
    let issues = Issues::new();
    let submit = Action::new_local(move |form: &SetupRequest| api::setup(form.clone()));
    Effect::new(move |_| match submit.value().get() {
        Some(Ok(me)) => session.0.set(Some(me)),
        Some(Err(e)) => issues.set_from(&e),
        None => {}
    });
    view! {
        <main class="auth">
            <h1>"Set up Holdfast"</h1>
            <p>"Create the first admin account. You need the setup token from the Worker's ADMIN_SETUP_TOKEN secret."</p>
            <form on:submit=move |ev| {
                ev.prevent_default();
                issues.clear();
                submit.dispatch(SetupRequest { token: token.get_untracked(), email: email.get_untracked(), password: password.get_untracked() });
            }>
                <label>"Setup token"<input type="password" autocomplete="off" required bind:value=token/></label>
                <label>"Email"<input type="email" autocomplete="username" required bind:value=email/></label>
                <FieldError issues=issues field="email"/>
                <label>"Password"<input type="password" autocomplete="new-password" required minlength="12" bind:value=password/></label>
                <FieldError issues=issues field="password"/>
                <FieldError issues=issues field=""/>
                <button class="primary" type="submit" disabled=move || submit.pending().get()>"Create admin"</button>
            </form>
        </main>
    }
}

#[component]
pub fn Login() -> impl IntoView {
    let session = expect_context::<Session>();
    let (email, password) = (RwSignal::new(String::new()), RwSignal::new(String::new()));
    let code = RwSignal::new(String::new());
    // Shown once the server says this admin signs in with a code too.
    let asks_code = RwSignal::new(false);
    let issues = Issues::new();
    let submit = Action::new_local(move |form: &LoginRequest| api::login(form.clone()));
    Effect::new(move |_| match submit.value().get() {
        Some(Ok(me)) => session.0.set(Some(me)),
        Some(Err(e)) => {
            if let api::Error::Api { error, .. } = &e {
                if error.error.code == ErrorCode::TotpRequired {
                    asks_code.set(true);
                }
            }
            issues.set_from(&e);
        }
        None => {}
    });
    view! {
        <main class="auth">
            <h1>"Sign in to Holdfast"</h1>
            <form on:submit=move |ev| {
                ev.prevent_default();
                issues.clear();
                let totp = Some(code.get_untracked()).filter(|c| !c.trim().is_empty());
                submit.dispatch(LoginRequest { email: email.get_untracked(), password: password.get_untracked(), totp });
            }>
                <label>"Email"<input type="email" autocomplete="username" required bind:value=email/></label>
                <label>"Password"<input type="password" autocomplete="current-password" required bind:value=password/></label>
                <Show when=move || asks_code.get()>
                    <label>"Authentication code"<input type="text" inputmode="numeric" autocomplete="one-time-code" bind:value=code/></label>
                </Show>
                <FieldError issues=issues field="totp"/>
                <FieldError issues=issues field=""/>
                <button class="primary" type="submit" disabled=move || submit.pending().get()>"Sign in"</button>
            </form>
        </main>
    }
}

/// The page an invitation link opens: the invited admin picks a password
/// and is signed in. The token is in the link's fragment.
#[component]
pub fn AcceptInvite() -> impl IntoView {
    let session = expect_context::<Session>();
    let inviting = expect_context::<super::Inviting>();
    let password = RwSignal::new(String::new());
    let token = window()
        .location()
        .hash()
        .unwrap_or_default()
        .trim_start_matches('#')
        .to_owned();
    let issues = Issues::new();
    let submit =
        Action::new_local(move |form: &AcceptInviteRequest| api::accept_invite(form.clone()));
    Effect::new(move |_| match submit.value().get() {
        Some(Ok(me)) => {
            // Into the settings without a reload: the address becomes
            // /admin (the token leaves it), then the router mounts there.
            if let Ok(history) = window().history() {
                let _ = history.replace_state_with_url(&JsValue::NULL, "", Some("/admin"));
            }
            session.0.set(Some(me));
            inviting.0.set(false);
        }
        Some(Err(e)) => issues.set_from(&e),
        None => {}
    });
    view! {
        <main class="auth">
            <h1>"Join Holdfast"</h1>
            <p>"You were invited to this Holdfast's settings. Choose a password to create your account."</p>
            <form on:submit=move |ev| {
                ev.prevent_default();
                issues.clear();
                submit.dispatch(AcceptInviteRequest { token: token.clone(), password: password.get_untracked() });
            }>
                <label>"Password"<input type="password" autocomplete="new-password" required minlength="12" bind:value=password/></label>
                <FieldError issues=issues field="password"/>
                <FieldError issues=issues field=""/>
                <button class="primary" type="submit" disabled=move || submit.pending().get()>"Create my account"</button>
            </form>
        </main>
    }
}
