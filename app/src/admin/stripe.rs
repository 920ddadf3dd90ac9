//! Connect Stripe: paste a restricted key, see only its last 4 characters,
//! and check which permissions it has.

use holdfast_core::api::stripe::{KeyMode, KeySource};
use leptos::prelude::*;

use super::api;
use super::fields::{FieldError, Issues};
use super::Session;

#[component]
pub fn StripePage() -> impl IntoView {
    let session = expect_context::<Session>();
    let key = RwSignal::new(String::new());
    let issues = Issues::new();
    let connect =
        Action::new_local(move |k: &String| api::connect_stripe(session.csrf(), k.clone()));
    let check = Action::new_local(move |_: &()| api::check_stripe(session.csrf()));
    let current = LocalResource::new(move || {
        connect.version().get();
        api::stripe()
    });
    Effect::new(move |_| match connect.value().get() {
        Some(Ok(_)) => {
            issues.clear();
            key.set(String::new());
        }
        Some(Err(e)) => issues.set_from(&e),
        None => {}
    });
    view! {
        <h1>"Stripe"</h1>
        <Transition fallback=|| view! { <p role="status">"Loading…"</p> }>
            {move || current.get().map(|r| match r {
                Ok(c) => view! {
                    <p data-testid="connection">{match (c.source, c.last4) {
                        (KeySource::None, _) | (_, None) => "Not connected.".to_owned(),
                        (source, Some(last4)) => format!("Connected ({} mode) with the key ending in {last4}, from {}.", c.mode.map(KeyMode::as_str).unwrap_or_default(),
                            if source == KeySource::Settings { "these settings" } else { "the Worker's STRIPE_SECRET_KEY secret" }),
                    }}</p>
                }.into_any(),
                Err(e) => view! { <p role="alert">{e.message()}</p> }.into_any(),
            })}
        </Transition>
        <form on:submit=move |ev| {
            ev.prevent_default();
            connect.dispatch(key.get_untracked());
        }>
            <p class="hint">"Create a restricted key in Stripe with Read on Customers, Events, Products, Plans/Prices and Coupons, and Write on Subscriptions. It is stored encrypted and never shown again."</p>
            <label>"Restricted key"<input type="password" autocomplete="off" placeholder="rk_live_…" bind:value=key/></label>
            <FieldError issues=issues field="key"/>
            <FieldError issues=issues field=""/>
            <button class="primary" type="submit" disabled=move || connect.pending().get()>"Save key"</button>
        </form>
        <h2>"Permissions"</h2>
        <button class="secondary" on:click=move |_| { check.dispatch(()); } disabled=move || check.pending().get()>"Test connection"</button>
        {move || check.value().get().map(|r| match r {
            Ok(list) => view! {
                <table class="list" aria-label="Permissions">
                    <thead><tr><th>"Resource"</th><th>"Needs"</th><th>"Status"</th><th>"What to do"</th></tr></thead>
                    <tbody>
                        {list.into_iter().map(|c| view! {
                            <tr>
                                <td>{c.resource}</td>
                                <td>{c.needs.as_str()}</td>
                                <td>{if c.ok { "✓ ok" } else { "✗ missing" }}</td>
                                <td>{c.fix.unwrap_or_default()}</td>
                            </tr>
                        }).collect_view()}
                    </tbody>
                </table>
            }.into_any(),
            Err(e) => view! { <p role="alert">{e.message()}</p> }.into_any(),
        })}
    }
}
