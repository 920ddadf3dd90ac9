//! "Cancellation requests": what visitors declared on the app's public
//! cancel page (issue 39), each waiting until someone finds the contract in
//! Stripe. Editors cancel the subscription they found, or mark the request
//! as matching none; viewers read the list. The edge enforces both.

use holdfast_core::api::requests::{Candidate, Candidates, DeclarationView, ResolveRequest};
use holdfast_core::declaration::matching::Unmatched;
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
        (Review::Matched, Some(sub)) => format!("Cancelled at once, matched in Stripe: {sub}"),
        (Review::Resolved | Review::Matched, None) => "Resolved".to_owned(),
        (Review::NotMatched, _) => "No contract matched".to_owned(),
        _ => match d.waiting_because {
            Some(why) => format!("Open: {}", waiting(why)),
            None => "Open".to_owned(),
        },
    }
}

/// Why Holdfast did not carry it out at once, for the reviewer.
fn waiting(why: Unmatched) -> &'static str {
    match why {
        Unmatched::AlwaysReview => "you review every request",
        Unmatched::CancelsImmediately => "the app cancels at once, which could not be undone",
        Unmatched::NoCustomer => "no customer in Stripe has this address",
        Unmatched::SeveralCustomers => "several customers in Stripe have this address",
        Unmatched::NoSubscription => "the customer has no active subscription to cancel",
        Unmatched::SeveralSubscriptions => "the customer has several active subscriptions",
        Unmatched::NumberMismatch => "the number given names none of the customer's subscriptions",
        Unmatched::StripeUnavailable => "Stripe did not answer the search",
        Unmatched::Other => "unknown",
    }
}

type Resolve = Action<(String, ResolveRequest), Result<DeclarationView, api::Error>>;

/// One subscription as the reviewer weighs it.
fn described(c: &Candidate) -> String {
    let who = match (&c.customer_name, &c.customer_email) {
        (Some(n), Some(e)) => format!("{n} <{e}>"),
        (n, e) => n
            .clone()
            .or(e.clone())
            .unwrap_or_else(|| c.customer_id.clone()),
    };
    let mut out = format!(
        "{who} · {}",
        c.plan.clone().unwrap_or_else(|| c.subscription_id.clone())
    );
    if let (Some(amount), Some(cur)) = (c.amount, &c.currency) {
        let per = c
            .interval
            .as_deref()
            .map(|i| format!(" / {i}"))
            .unwrap_or_default();
        out.push_str(&format!(" · {}{per}", format::money(amount, cur)));
    }
    let state = match (c.cancel_at_period_end, c.cancellable) {
        (true, _) => "ends at the period's end already".to_owned(),
        (false, false) => serde_json::to_value(c.status)
            .ok()
            .and_then(|v| v.as_str().map(|s| s.replace('_', " ")))
            .unwrap_or_default(),
        (false, true) => c
            .current_period_end
            .map(|at| format!("renews {}", format::date(at)))
            .unwrap_or_else(|| "active".to_owned()),
    };
    format!("{out} · {state} · {}", c.subscription_id)
}

/// "Find in Stripe": the subscriptions of every customer with the request's
/// address, to tick and cancel in one step (the edge reads each again).
#[component]
fn FoundInStripe(id: String, resolve: Resolve) -> impl IntoView {
    let search = Action::new_local(move |id: &String| api::request_candidates(id.clone()));
    let chosen = RwSignal::new(Vec::<String>::new());
    let find_id = id.clone();
    let found = move |c: Candidates| {
        // One live subscription: the likely pick, ticked for the reviewer.
        let live: Vec<&Candidate> = c.candidates.iter().filter(|c| c.cancellable).collect();
        chosen.set(match live.as_slice() {
            [only] => vec![only.subscription_id.clone()],
            _ => Vec::new(),
        });
        let id = id.clone();
        let boxes = c
            .candidates
            .iter()
            .map(|x| {
                let sub = x.subscription_id.clone();
                let ticked = sub.clone();
                let label = described(x);
                view! {
                    <label class="candidate">
                        <input type="checkbox" disabled=!x.cancellable
                            prop:checked=move || chosen.with(|c| c.contains(&ticked))
                            on:change=move |ev| {
                                let on = event_target_checked(&ev);
                                chosen.update(|c| {
                                    c.retain(|s| *s != sub);
                                    if on { c.push(sub.clone()); }
                                });
                            }/>
                        {label}
                    </label>
                }
            })
            .collect_view();
        view! {
            <form class="found" aria-label="Subscriptions found in Stripe" on:submit=move |ev| {
                ev.prevent_default();
                let form = ResolveRequest { subscription_ids: chosen.get_untracked(), ..Default::default() };
                resolve.dispatch((id.clone(), form));
            }>
                <fieldset>
                    <legend>{format!("In Stripe for {}", c.email)}</legend>
                    {boxes}
                </fieldset>
                {c.more.then(|| view! { <p class="hint">"Stripe holds more customers with this address than are shown: search it in Stripe."</p> })}
                <button class="danger" type="submit" disabled=move || chosen.with(Vec::is_empty)>"Cancel the ticked subscriptions"</button>
            </form>
        }
    };
    view! {
        <button type="button" class="secondary" on:click=move |_| { search.dispatch(find_id.clone()); }>"Find in Stripe"</button>
        {move || search.pending().get().then(|| view! { <p role="status">"Searching Stripe…"</p> })}
        {move || search.value().get().map(|r| match r {
            Ok(c) if c.candidates.is_empty() => view! {
                <p data-testid="no-candidates">{format!("Stripe has no customer with {}.", c.email)}</p>
            }.into_any(),
            Ok(c) => found(c).into_any(),
            Err(e) => view! { <p role="alert">{e.message()}</p> }.into_any(),
        })}
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
                    <FoundInStripe id=d.id.clone() resolve=resolve/>
                    <form class="inline" on:submit=move |ev| {
                        ev.prevent_default();
                        let form = ResolveRequest { subscription_id: Some(sub.get_untracked()), ..Default::default() };
                        resolve.dispatch((id.clone(), form));
                    }>
                        <label>"Or type a subscription id"<input type="text" placeholder="sub_…" bind:value=sub/></label>
                        <button class="danger" type="submit">"Cancel this subscription"</button>
                    </form>
                    <form class="inline" on:submit=move |ev| {
                        ev.prevent_default();
                        let form = ResolveRequest { not_matched: Some(note.get_untracked()), ..Default::default() };
                        resolve.dispatch((id2.clone(), form));
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
            <p class="hint">"Declared on your public cancel page, without signing in. Find the customer's subscriptions in Stripe by the address given and cancel the right ones here, or say why none matches."</p>
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
