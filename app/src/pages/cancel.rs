//! The hosted cancel page: personalised copy, an optional reasons survey,
//! and a cancel button that is always there.

use std::time::Duration;

use holdfast_core::api::{CancelRequest, ChooseReasonRequest, OutcomeResponse, SessionView};
use holdfast_core::session::SessionStatus;
use leptos::prelude::*;
use leptos_router::hooks::use_params_map;

use crate::api;

/// How long the confirmation stays before the customer is sent on.
const REDIRECT_AFTER: Duration = Duration::from_secs(3);

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
    let reason = RwSignal::new(view.chosen_reason.clone());
    let comment = RwSignal::new(String::new());
    let done: RwSignal<Option<OutcomeResponse>> = RwSignal::new(initial_outcome(&view));

    let t = token.clone();
    let cancel = Action::new_local(move |req: &CancelRequest| api::cancel(t.clone(), req.clone()));
    let t = token.clone();
    let keep = Action::new_local(move |_: &()| api::deflect(t.clone()));
    let t = token.clone();
    let record_reason = Action::new_local(move |req: &ChooseReasonRequest| {
        api::choose_reason(t.clone(), req.clone())
    });

    Effect::new(move |_| {
        let finished = cancel.value().get().or_else(|| keep.value().get());
        if let Some(Ok(outcome)) = finished {
            go_later(outcome.redirect_url.clone());
            done.set(Some(outcome));
        }
    });

    let error = move || {
        cancel
            .value()
            .get()
            .and_then(Result::err)
            .or_else(|| keep.value().get().and_then(Result::err))
            .map(|e| e.message())
    };
    let busy = move || cancel.pending().get() || keep.pending().get();
    let on_cancel = move |_| {
        let comment = Some(comment.get_untracked()).filter(|c| !c.trim().is_empty());
        cancel.dispatch(CancelRequest {
            reason_id: reason.get_untracked(),
            comment,
        });
    };
    let reasons = view.reasons.clone();
    let follow_up = Memo::new(move |_| {
        let chosen = reason.get()?;
        reasons
            .iter()
            .find(|r| r.id == chosen)
            .and_then(|r| r.follow_up.clone())
    });

    view! {
        <header class="brand">{view.brand.clone()}</header>
        <Show
            when=move || done.get().is_none()
            fallback=move || view! { <Done outcome=done.get().unwrap_or_else(pending_outcome)/> }
        >
            <h1 data-testid="title">{view.title.clone()}</h1>
            <p data-testid="message" class="message">{view.message.clone()}</p>
            <fieldset class="survey">
                <legend>{view.survey_prompt.clone()}</legend>
                {view
                    .reasons
                    .iter()
                    .map(|r| {
                        let id = r.id.clone();
                        let id2 = r.id.clone();
                        let checked = move || reason.get().as_deref() == Some(id2.as_str());
                        view! {
                            <label class="reason">
                                <input
                                    type="radio"
                                    name="reason"
                                    value=r.id.clone()
                                    prop:checked=checked
                                    on:change=move |_| {
                                        reason.set(Some(id.clone()));
                                        record_reason.dispatch(ChooseReasonRequest { reason_id: id.clone(), comment: None });
                                    }
                                />
                                <span>{r.label.clone()}</span>
                            </label>
                        }
                    })
                    .collect_view()}
                <Show when=move || follow_up.get().is_some()>
                    <label class="follow-up">
                        <span>{move || follow_up.get()}</span>
                        <textarea
                            maxlength="5000"
                            rows="3"
                            prop:value=move || comment.get()
                            on:input=move |ev| comment.set(event_target_value(&ev))
                        ></textarea>
                    </label>
                </Show>
            </fieldset>
            {move || error().map(|m| view! { <p role="alert" class="error" data-testid="action-error">{m}</p> })}
            <div class="actions">
                <button class="danger" data-testid="cancel-button" disabled=busy on:click=on_cancel>
                    {move || if cancel.pending().get() { "Cancelling…" } else { "Cancel subscription" }}
                </button>
                <button class="secondary" data-testid="keep-button" disabled=busy on:click=move |_| { keep.dispatch(()); }>
                    "Keep my subscription"
                </button>
            </div>
        </Show>
    }
}

#[component]
fn Done(outcome: OutcomeResponse) -> impl IntoView {
    let (heading, detail) = match outcome.status {
        SessionStatus::Cancelled => (
            "Your subscription is cancelled",
            outcome
                .cancel_effective_at
                .map(|at| format!("You keep access until {}.", local_date(at))),
        ),
        SessionStatus::Deflected => ("Your subscription continues", None),
        _ => ("Your cancellation is on its way", None),
    };
    let next = outcome.redirect_url.clone();
    view! {
        <section role="status" data-testid="outcome">
            <h1>{heading}</h1>
            <p>{outcome.message.clone()}</p>
            {detail.map(|d| view! { <p data-testid="effective-date">{d}</p> })}
            {next.map(|url| view! { <a class="button" href=url data-testid="continue">"Continue"</a> })}
        </section>
    }
}

fn initial_outcome(view: &SessionView) -> Option<OutcomeResponse> {
    view.status.is_cancel().then(|| OutcomeResponse {
        status: view.status,
        message: if view.status == SessionStatus::Cancelled {
            "We're sorry to see you go. Thank you for having been with us.".to_owned()
        } else {
            "We've received your cancellation request and are completing it. You don't need to do anything else.".to_owned()
        },
        redirect_url: view.cancel_confirmation_url.clone(),
        cancel_effective_at: view.cancel_effective_at,
    })
}

fn pending_outcome() -> OutcomeResponse {
    OutcomeResponse {
        status: SessionStatus::CancelPending,
        message: String::new(),
        redirect_url: None,
        cancel_effective_at: None,
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

fn local_date(secs: i64) -> String {
    let date = js_sys::Date::new(&wasm_bindgen::JsValue::from_f64(secs as f64 * 1000.0));
    date.to_locale_date_string("default", &wasm_bindgen::JsValue::UNDEFINED)
        .into()
}
