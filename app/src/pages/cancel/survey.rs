//! The first screen: the personalised message and the optional survey.

use holdfast_core::api::{ChooseReasonRequest, SessionView};
use leptos::prelude::*;

use crate::api;

#[component]
pub fn Survey(
    view: SessionView,
    reason: RwSignal<Option<String>>,
    comment: RwSignal<String>,
    token: String,
    #[prop(into)] busy: Signal<bool>,
    #[prop(into)] cancelling: Signal<bool>,
    on_cancel: impl Fn() + Clone + 'static,
    on_keep: impl Fn() + Clone + 'static,
) -> impl IntoView {
    // Recorded as soon as it is picked (the audit trail's "reason chosen");
    // the page goes on whatever the answer.
    let record = move |req: ChooseReasonRequest| {
        let token = token.clone();
        leptos::task::spawn_local(async move {
            let _ = api::choose_reason(token, req).await;
        });
    };
    let reasons = view.reasons.clone();
    // A plain closure, not a memo or <Show>: their machinery would be the
    // page's only use of it, and costs bytes.
    let follow_up = move || {
        let chosen = reason.get()?;
        reasons
            .iter()
            .find(|r| r.id == chosen)
            .and_then(|r| r.follow_up.clone())
    };
    view! {
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
                    let record = record.clone();
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
                                    record(ChooseReasonRequest { reason_id: id.clone(), comment: None });
                                }
                            />
                            <span>{r.label.clone()}</span>
                        </label>
                    }
                })
                .collect_view()}
            {move || follow_up().map(|question| view! {
                <label class="follow-up">
                    <span>{question}</span>
                    <textarea
                        maxlength="5000"
                        rows="3"
                        prop:value=move || comment.get()
                        on:input=move |ev| comment.set(event_target_value(&ev))
                    ></textarea>
                </label>
            })}
        </fieldset>
        <div class="actions">
            <button class="danger" data-testid="cancel-button" disabled=busy on:click=move |_| on_cancel()>
                {move || if cancelling.get() { "Cancelling…" } else { "Cancel subscription" }}
            </button>
            <button class="secondary" data-testid="keep-button" disabled=busy on:click=move |_| on_keep()>
                "Keep my subscription"
            </button>
        </div>
    }
}
