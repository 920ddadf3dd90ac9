//! One customer's data: export it as JSON or erase it (GDPR access and
//! erasure requests), found by e-mail, Stripe customer id or subscription
//! id. An erasure keeps the counts; only owners may make one (the edge
//! checks).

use holdfast_core::api::customers::CustomerRequest;
use leptos::prelude::*;

use super::api;
use super::fields::{FieldError, Issues};
use super::Session;

fn sessions(n: usize) -> String {
    if n == 1 {
        "1 session".to_owned()
    } else {
        format!("{n} sessions")
    }
}

fn request(by: &str, value: String) -> CustomerRequest {
    let mut r = CustomerRequest::default();
    match by {
        "customer_id" => r.customer_id = Some(value),
        "subscription_id" => r.subscription_id = Some(value),
        _ => r.email = Some(value),
    }
    r
}

#[component]
pub fn CustomerData(app_id: Signal<String>) -> impl IntoView {
    let session = expect_context::<Session>();
    let by = RwSignal::new("email".to_owned());
    let value = RwSignal::new(String::new());
    let confirming = RwSignal::new(false);
    let issues = Issues::new();
    let export = Action::new_local(move |r: &CustomerRequest| {
        api::export_customer(session.csrf(), app_id.get_untracked(), r.clone())
    });
    let erase = Action::new_local(move |r: &CustomerRequest| {
        api::erase_customer(session.csrf(), app_id.get_untracked(), r.clone())
    });
    Effect::new(move |_| {
        let failed = export
            .value()
            .get()
            .and_then(Result::err)
            .or_else(|| erase.value().get().and_then(Result::err));
        match failed {
            Some(e) => issues.set_from(&e),
            None => issues.clear(),
        }
    });
    let current = move || request(&by.get_untracked(), value.get_untracked());
    let download = move || {
        export.value().get().and_then(Result::ok).map(|data| {
            let json = serde_json::to_string_pretty(&data).unwrap_or_default();
            let href = format!(
                "data:application/json;charset=utf-8,{}",
                form_urlencoded::byte_serialize(json.as_bytes())
                    .collect::<String>()
                    .replace('+', "%20")
            );
            view! {
                <p role="status" data-testid="customer-exported">
                    {format!("{} found. ", sessions(data.sessions.len()))}
                    <a href=href download="customer-data.json">"Download the JSON"</a>
                </p>
            }
        })
    };
    view! {
        <section aria-labelledby="customer-data">
            <h2 id="customer-data">"Customer data"</h2>
            <p class="hint">"Export everything held on one customer, or erase their personal data (e-mail, names, custom fields, comments, Stripe ids and answers). An erasure cannot be undone; the dashboard's counts and money stay."</p>
            <label>"Find the customer by"
                <select on:change=move |ev| by.set(event_target_value(&ev)) prop:value=move || by.get()>
                    <option value="email">"E-mail"</option>
                    <option value="customer_id">"Stripe customer id"</option>
                    <option value="subscription_id">"Stripe subscription id"</option>
                </select>
            </label>
            <label>"Customer"
                <input type="text" autocomplete="off" prop:value=move || value.get()
                    on:input=move |ev| { value.set(event_target_value(&ev)); confirming.set(false); }/>
            </label>
            <FieldError issues=issues field="email"/>
            <FieldError issues=issues field="customer_id"/>
            <FieldError issues=issues field="subscription_id"/>
            <p>
                <button class="secondary" type="button" disabled=move || export.pending().get()
                    on:click=move |_| { export.dispatch(current()); }>"Export as JSON"</button>
                <button class="danger" type="button" on:click=move |_| confirming.set(true)>"Erase…"</button>
            </p>
            {download}
            {move || confirming.get().then(|| view! {
                <p role="alert">"Erase this customer's personal data from every session? This cannot be undone."
                    <button class="danger" type="button" disabled=move || erase.pending().get()
                        on:click=move |_| { confirming.set(false); erase.dispatch(current()); }>"Yes, erase"</button>
                </p>
            })}
            {move || erase.value().get().and_then(Result::ok).map(|r| view! {
                <p role="status" data-testid="customer-erased">{format!("The personal data of {} was erased.", sessions(usize::try_from(r.sessions).unwrap_or(usize::MAX)))}</p>
            })}
        </section>
    }
}
