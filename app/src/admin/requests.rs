//! "Cancellation requests": what visitors declared on the app's public
//! cancel page (issue 39), each waiting until someone finds the contract in
//! Stripe. Editors cancel the subscription they found, or mark the request
//! as matching none; viewers read the list. The edge enforces both.

use holdfast_core::api::requests::{DeclarationView, ResolveRequest};
use holdfast_core::declaration::Review;
use holdfast_core::receipt::CancelKind;
use holdfast_core::team::Role;
use leptos::prelude::*;

use super::api;
use super::Session;
use crate::format;

fn what(d: &DeclarationView) -> String {
    let mut out = match (d.kind, d.requested_end) {
        (CancelKind::Extraordinary, _) => {
            format!("Extraordinary: {}", d.reason.clone().unwrap_or_default())
        }
        (CancelKind::Ordinary, Some(at)) => format!("Ordinary, on {}", format::date(at)),
        (CancelKind::Ordinary, None) => "Ordinary, at the next possible date".to_owned(),
    };
    for part in [&d.product, &d.number].into_iter().flatten() {
        out.push_str(" · ");
        out.push_str(part);
    }
    out
}

fn status(d: &DeclarationView) -> String {
    match (d.review, &d.subscription_id) {
        (Review::Resolved, Some(sub)) => format!("Cancelled: {sub}"),
        (Review::Resolved, None) => "Resolved".to_owned(),
        (Review::NotMatched, _) => "No contract matched".to_owned(),
        _ => "Open".to_owned(),
    }
}

#[component]
pub fn CancelRequests(app_id: Signal<String>) -> impl IntoView {
    let session = expect_context::<Session>();
    let editor = move || {
        session
            .0
            .with(|m| m.as_ref().is_some_and(|m| m.role >= Role::Editor))
    };
    let resolve = Action::new_local(move |(id, form): &(String, ResolveRequest)| {
        api::resolve_request(session.csrf(), id.clone(), form.clone())
    });
    let list = LocalResource::new(move || {
        resolve.version().get();
        api::cancel_requests(app_id.get())
    });
    let row = move |d: DeclarationView| {
        let open = d.review == Review::Open;
        let sub = RwSignal::new(String::new());
        let note = RwSignal::new(String::new());
        let (id, id2) = (d.id.clone(), d.id.clone());
        view! {
            <li class="request" data-testid="cancel-request">
                <p><strong>{d.name.clone().unwrap_or_default()}</strong>" · "{d.email.clone().unwrap_or_default()}" · "{format::date_time(d.received_at)}</p>
                <p>{what(&d)}</p>
                <p data-testid="request-status">{status(&d)}" · ref. "<code>{d.id.clone()}</code></p>
                {(open && editor()).then(|| view! {
                    <form class="inline" on:submit=move |ev| {
                        ev.prevent_default();
                        resolve.dispatch((id.clone(), ResolveRequest { subscription_id: Some(sub.get_untracked()), not_matched: None }));
                    }>
                        <label>"Subscription found in Stripe"<input type="text" placeholder="sub_…" bind:value=sub/></label>
                        <button class="danger" type="submit">"Cancel this subscription"</button>
                    </form>
                    <form class="inline" on:submit=move |ev| {
                        ev.prevent_default();
                        resolve.dispatch((id2.clone(), ResolveRequest { subscription_id: None, not_matched: Some(note.get_untracked()) }));
                    }>
                        <label>"Why no contract matches"<input type="text" maxlength="2000" bind:value=note/></label>
                        <button class="secondary" type="submit">"No contract matches"</button>
                    </form>
                })}
            </li>
        }
    };
    view! {
        <section aria-labelledby="cancel-requests">
            <h2 id="cancel-requests">"Cancellation requests"</h2>
            <p class="hint">"Declared on your public cancel page, without signing in. Find the customer's subscription in Stripe and cancel it here, or say why none matches."</p>
            {move || resolve.value().get().and_then(Result::err).map(|e| view! { <p role="alert">{e.message()}</p> })}
            <Transition fallback=|| view! { <p role="status">"Loading…"</p> }>
                {move || list.get().map(|r| match r {
                    Ok(all) if all.is_empty() => view! { <p data-testid="no-requests">"No requests yet."</p> }.into_any(),
                    Ok(all) => view! { <ul class="requests">{all.into_iter().map(row).collect_view()}</ul> }.into_any(),
                    Err(e) => view! { <p role="alert">{e.message()}</p> }.into_any(),
                })}
            </Transition>
        </section>
    }
}
