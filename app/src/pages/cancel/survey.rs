//! The first screen: the personalised message and the optional survey.

use holdfast_core::api::session::{ChooseReasonRequest, SessionView};
use holdfast_core::i18n::Key;
use holdfast_core::jurisdiction::Mode;
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
    /// Set once the edge has the answer.
    recorded: RwSignal<Option<String>>,
) -> impl IntoView {
    // Recorded as soon as it is picked (the audit trail's "reason chosen");
    // the page goes on whatever the answer.
    let record = move |req: ChooseReasonRequest| {
        let token = token.clone();
        leptos::task::spawn_local(async move {
            let id = req.reason_id.clone();
            if api::choose_reason(token, req).await.is_ok() {
                recorded.set(Some(id));
            }
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
        <h1 data-testid="title" dir="auto">{view.title.clone()}</h1>
        <p data-testid="message" class="message" dir="auto">{view.message.clone()}</p>
        <fieldset class="survey">
            <legend dir="auto">{view.survey_prompt.clone()}</legend>
            {(view.mode == Mode::ClickToCancel).then(|| view! { <p class="preview">{view.text.get(Key::SurveyOptional).to_owned()}</p> })}
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
                            <span dir="auto">{r.label.clone()}</span>
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
                {super::label(&view.text, cancelling, Key::Cancel)}
            </button>
            <button class="secondary" data-testid="keep-button" disabled=busy on:click=move |_| on_keep()>
                {view.text.get(Key::Keep).to_owned()}
            </button>
        </div>
    }
}
