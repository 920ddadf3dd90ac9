//! The hosted cancel page: personalised copy, an optional reasons survey, at
//! most one offer screen, and a cancel button on every step.

mod done;

mod offer;
mod survey;

use std::time::Duration;

use holdfast_core::api::{CancelRequest, OfferPreview, OutcomeResponse, SessionView};
use leptos::prelude::*;
use leptos_router::hooks::use_params_map;

use crate::api;

/// How long a confirmation stays before the customer is sent on.
const REDIRECT_AFTER: Duration = Duration::from_secs(3);

#[derive(Clone, PartialEq)]
enum Stage {
    Survey,
    Offer(OfferPreview),
    Done(OutcomeResponse),
}

#[component]
pub fn CancelPage() -> impl IntoView {
    let params = use_params_map();
    let token = move || params.read().get("token").unwrap_or_default();
    let session = LocalResource::new(move || api::session(token()));
    view! {
        <main class="page">
            <Suspense fallback=|| view! { <p role="status" class="loading">"Loading…"</p> }>
                {move || {
                    session
                        .get()
                        .map(|result| match result {
                            Ok(view) => view! { <Flow token=token() view=view/> }.into_any(),
                            Err(e) => {
                                view! {
                                    <h1>"We can't open this page"</h1>
                                    <p role="alert" data-testid="load-error">{e.message()}</p>
                                }
                                    .into_any()
                            }
                        })
                }}
            </Suspense>
        </main>
    }
}

#[component]
fn Flow(token: String, view: SessionView) -> impl IntoView {
    let stage = RwSignal::new(done::initial(&view).map_or(Stage::Survey, Stage::Done));
    let reason = RwSignal::new(view.chosen_reason.clone());
    let comment = RwSignal::new(String::new());

    let t = token.clone();
    let cancel = Action::new_local(move |req: &CancelRequest| api::cancel(t.clone(), req.clone()));
    let t = token.clone();
    let keep = Action::new_local(move |_: &()| api::deflect(t.clone()));
    let t = token.clone();
    let show = Action::new_local(move |id: &String| api::show_offer(t.clone(), id.clone()));
    let t = token.clone();
    let accept = Action::new_local(move |id: &String| api::accept_offer(t.clone(), id.clone()));

    let cancel_now = move || {
        let comment = Some(comment.get_untracked()).filter(|c| !c.trim().is_empty());
        cancel.dispatch(CancelRequest {
            reason_id: reason.get_untracked(),
            comment,
        });
    };
    // An offer screen instead of cancelling, when one is placed for the reason;
    // if it cannot be shown, the cancel goes straight on.
    let offers = view.offers.clone();
    let on_cancel = move || {
        let chosen = reason.get_untracked();
        match offers.iter().find(|o| o.placed_for(chosen.as_deref())) {
            Some(o) if matches!(stage.get_untracked(), Stage::Survey) => {
                show.dispatch(o.id.clone());
            }
            _ => cancel_now(),
        }
    };
    Effect::new(move |_| match show.value().get() {
        Some(Ok(preview)) => stage.set(Stage::Offer(preview)),
        Some(Err(_)) => cancel_now(),
        None => {}
    });
    Effect::new(move |_| {
        let finished = cancel
            .value()
            .get()
            .or_else(|| keep.value().get())
            .or_else(|| accept.value().get());
        if let Some(Ok(outcome)) = finished {
            go_later(outcome.redirect_url.clone());
            stage.set(Stage::Done(outcome));
        }
    });

    let error = move || {
        [
            cancel.value().get(),
            keep.value().get(),
            accept.value().get(),
        ]
        .into_iter()
        .flatten()
        .find_map(Result::err)
        .map(|e| e.message())
    };
    let busy = Signal::derive(move || {
        cancel.pending().get()
            || keep.pending().get()
            || show.pending().get()
            || accept.pending().get()
    });
    let cancelling = Signal::derive(move || cancel.pending().get() || show.pending().get());

    let accent = view.accent_color.clone();
    let logo = view.logo_url.clone();
    let brand = view.brand.clone();
    view! {
        <div class="flow" style:--accent=accent>
        <header class="brand">
            {logo.map(|src| view! { <img class="logo" src=src alt=brand.clone()/> })}
            <span>{view.brand.clone()}</span>
        </header>
        {move || match stage.get() {
            Stage::Survey => {
                view! {
                    <survey::Survey
                        view=view.clone()
                        reason=reason
                        comment=comment
                        token=token.clone()
                        busy=busy
                        cancelling=cancelling
                        on_cancel=on_cancel.clone()
                        on_keep=move || {
                            keep.dispatch(());
                        }
                    />
                }
                    .into_any()
            }
            Stage::Offer(preview) => {
                view! {
                    <offer::OfferScreen
                        preview=preview
                        busy=busy
                        cancelling=cancelling
                        on_accept=move |id| {
                            accept.dispatch(id);
                        }
                        on_cancel=cancel_now
                    />
                }
                    .into_any()
            }
            Stage::Done(outcome) => view! { <done::Done outcome=outcome/> }.into_any(),
        }}
        {move || error().map(|m| view! { <p role="alert" class="error" data-testid="action-error">{m}</p> })}
        </div>
    }
}

/// Sends the customer on after a moment, so the confirmation can be read.
fn go_later(url: Option<String>) {
    if let Some(url) = url {
        set_timeout(
            move || {
                let _ = window().location().set_href(&url);
            },
            REDIRECT_AFTER,
        );
    }
}
