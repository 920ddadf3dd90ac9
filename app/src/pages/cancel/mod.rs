//! The hosted cancel page: personalised copy, an optional reasons survey, at
//! most one offer screen, and a cancel button on every step.

mod done;

mod offer;
mod survey;

use std::time::Duration;

use holdfast_core::api::{CancelRequest, OfferPreview, OutcomeResponse, SessionView};
use leptos::prelude::*;

use crate::api;

/// How long a confirmation stays before the customer is sent on.
const REDIRECT_AFTER: Duration = Duration::from_secs(3);

#[derive(Clone)]
enum Stage {
    Survey,
    Offer(OfferPreview),
    Done(OutcomeResponse),
}

#[component]
pub fn CancelPage(token: String) -> impl IntoView {
    // Plain signals and spawn_local rather than resources and actions: the
    // async machinery those bring would cost the customer's phone bytes.
    let session = RwSignal::new(embedded().map(Ok));
    if session.get_untracked().is_none() {
        let t = token.clone();
        leptos::task::spawn_local(async move { session.set(Some(api::session(t).await)) });
    }
    view! {
        <main class="page">
            {move || match session.get() {
                None => view! { <p role="status" class="loading">"Loading…"</p> }.into_any(),
                Some(Ok(view)) => view! { <Flow token=token.clone() view=view/> }.into_any(),
                Some(Err(e)) => view! {
                    <h1>"We can't open this page"</h1>
                    <p role="alert" data-testid="load-error">{e.message()}</p>
                }
                .into_any(),
            }}
        </main>
    }
}

/// The view the edge put in the page (`GET /cancel/{token}`), so the first
/// screen needs no request; and the static first screen it painted, which
/// this render replaces.
fn embedded() -> Option<SessionView> {
    let doc = window().document()?;
    if let Some(painted) = doc.get_element_by_id("hf-prerender") {
        painted.remove();
    }
    let data = doc.get_element_by_id("hf-session")?;
    let text = data.text_content()?;
    data.remove();
    serde_wasm_bindgen::from_value(js_sys::JSON::parse(&text).ok()?).ok()
}

/// What the page is waiting for, if anything.
#[derive(Clone, Copy, PartialEq)]
enum Busy {
    Idle,
    /// A cancel, or the offer screen that comes before it.
    Cancelling,
    Other,
}

/// Runs one call to the session API unless another is under way (a double
/// click does nothing), then hands its result to `then`.
fn act<T: 'static>(
    busy: RwSignal<Busy>,
    kind: Busy,
    call: impl std::future::Future<Output = Result<T, api::Error>> + 'static,
    then: impl FnOnce(Result<T, api::Error>) + 'static,
) {
    // Boxed: one copy of the waiting code per answer type, not per caller.
    run(busy, kind, Box::pin(call), Box::new(then));
}

type Call<T> = std::pin::Pin<Box<dyn std::future::Future<Output = Result<T, api::Error>>>>;

fn run<T: 'static>(
    busy: RwSignal<Busy>,
    kind: Busy,
    call: Call<T>,
    then: Box<dyn FnOnce(Result<T, api::Error>)>,
) {
    if busy.get_untracked() != Busy::Idle {
        return;
    }
    busy.set(kind);
    leptos::task::spawn_local(async move {
        let result = call.await;
        busy.set(Busy::Idle);
        then(result);
    });
}

#[component]
fn Flow(token: String, view: SessionView) -> impl IntoView {
    let stage = RwSignal::new(done::initial(&view).map_or(Stage::Survey, Stage::Done));
    let reason = RwSignal::new(view.chosen_reason.clone());
    let comment = RwSignal::new(String::new());
    let state = RwSignal::new(Busy::Idle);
    let error = RwSignal::new(None::<String>);

    let finish = move |r: Result<OutcomeResponse, api::Error>| match r {
        Ok(outcome) => {
            error.set(None);
            go_later(outcome.redirect_url.clone());
            stage.set(Stage::Done(outcome));
        }
        Err(e) => error.set(Some(e.message())),
    };
    let t = token.clone();
    let cancel_now = move || {
        let req = CancelRequest {
            reason_id: reason.get_untracked(),
            comment: Some(comment.get_untracked()).filter(|c| !c.trim().is_empty()),
        };
        act(state, Busy::Cancelling, api::cancel(t.clone(), req), finish);
    };
    // An offer screen instead of cancelling, when one is placed for the reason;
    // if it cannot be shown, the cancel goes straight on.
    let offers = view.offers.clone();
    let t = token.clone();
    let on_cancel = {
        let cancel_now = cancel_now.clone();
        move || {
            let chosen = reason.get_untracked();
            match offers.iter().find(|o| o.placed_for(chosen.as_deref())) {
                Some(o) if matches!(stage.get_untracked(), Stage::Survey) => {
                    let cancel_now = cancel_now.clone();
                    act(
                        state,
                        Busy::Cancelling,
                        api::show_offer(t.clone(), o.id.clone()),
                        move |r| match r {
                            Ok(preview) => stage.set(Stage::Offer(preview)),
                            Err(_) => cancel_now(),
                        },
                    );
                }
                _ => cancel_now(),
            }
        }
    };
    let t = token.clone();
    let on_keep = move || act(state, Busy::Other, api::deflect(t.clone()), finish);
    let t = token.clone();
    let on_accept =
        move |id: String| act(state, Busy::Other, api::accept_offer(t.clone(), id), finish);

    let busy = Signal::derive(move || state.get() != Busy::Idle);
    let cancelling = Signal::derive(move || state.get() == Busy::Cancelling);

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
                        on_keep=on_keep.clone()
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
                        on_accept=on_accept.clone()
                        on_cancel=cancel_now.clone()
                    />
                }
                    .into_any()
            }
            Stage::Done(outcome) => view! { <done::Done outcome=outcome/> }.into_any(),
        }}
        {move || error.get().map(|m| view! { <p role="alert" class="error" data-testid="action-error">{m}</p> })}
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
