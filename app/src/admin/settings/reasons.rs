//! The reasons survey: labels, order, follow-up question, Stripe feedback.

use holdfast_core::cancel::Feedback;
use holdfast_core::settings::field;
use holdfast_core::settings::Reason;
use leptos::prelude::*;

use super::Form;
use crate::admin::fields::FieldError;

const FEEDBACK: [(Feedback, &str); 8] = [
    (Feedback::TooExpensive, "Too expensive"),
    (Feedback::Unused, "Unused"),
    (Feedback::MissingFeatures, "Missing features"),
    (Feedback::SwitchedService, "Switched service"),
    (Feedback::TooComplex, "Too complex"),
    (Feedback::LowQuality, "Low quality"),
    (Feedback::CustomerService, "Customer service"),
    (Feedback::Other, "Other"),
];

#[component]
pub fn Reasons(form: Form) -> impl IntoView {
    let s = form.s;
    let len = move || s.with(|v| v.reasons.len());
    view! {
            <h2>"Reasons"</h2>
            <p class="hint">"Shown in this order; the survey is optional for the customer. Each maps to Stripe's cancellation feedback."</p>
            <For each=move || 0..len() key=|i| *i let:i>
                <fieldset class="row" data-testid=format!("reason-{i}")>
                    <legend>{format!("Reason {}", i + 1)}</legend>
                    <label>
                        "Label"
                        <input type="text" prop:value=move || s.with(|v| v.reasons.get(i).map(|r| r.label.clone()).unwrap_or_default())
                            on:input=move |ev| s.update(|v| if let Some(r) = v.reasons.get_mut(i) { r.label = event_target_value(&ev) })/>
                    </label>
                    <FieldError issues=form.issues field=field::at(field::REASONS, i, "label")/>
                    <label>
                        "Id"
                        <input type="text" prop:value=move || s.with(|v| v.reasons.get(i).map(|r| r.id.clone()).unwrap_or_default())
                            on:input=move |ev| s.update(|v| if let Some(r) = v.reasons.get_mut(i) { r.id = event_target_value(&ev) })/>
                    </label>
                    <FieldError issues=form.issues field=field::at(field::REASONS, i, "id")/>
                    <label for=format!("reason-{i}-feedback")>"Stripe feedback"</label>
    <select id=format!("reason-{i}-feedback") on:change=move |ev| {
                            let value = event_target_value(&ev);
                            if let Some((f, _)) = FEEDBACK.iter().find(|(f, _)| f.as_str() == value) {
                                s.update(|v| if let Some(r) = v.reasons.get_mut(i) { r.feedback = *f });
                            }
                        }>
                            {FEEDBACK.iter().map(|(f, label)| {
                                let f = *f;
                                view! { <option value=f.as_str() selected=move || s.with(|v| v.reasons.get(i).map(|r| r.feedback) == Some(f))>{*label}</option> }
                            }).collect_view()}
                        </select>
                    <label>
                        "Follow-up question (optional)"
                        <input type="text" prop:value=move || s.with(|v| v.reasons.get(i).and_then(|r| r.follow_up.clone()).unwrap_or_default())
                            on:input=move |ev| s.update(|v| if let Some(r) = v.reasons.get_mut(i) {
                                let q = event_target_value(&ev);
                                r.follow_up = (!q.trim().is_empty()).then_some(q);
                            })/>
                    </label>
                    <div class="row-actions">
                        <button type="button" class="secondary" disabled=move || i == 0 on:click=move |_| s.update(|v| v.reasons.swap(i - 1, i))>"Move up"</button>
                        <button type="button" class="secondary" on:click=move |_| s.update(|v| { v.reasons.remove(i); })>"Remove"</button>
                    </div>
                </fieldset>
            </For>
            <button type="button" class="secondary" on:click=move |_| s.update(|v| {
                let n = v.reasons.len() + 1;
                v.reasons.push(Reason { id: format!("reason_{n}"), label: String::new(), feedback: Feedback::Other, follow_up: None });
            })>"Add reason"</button>
            <FieldError issues=form.issues field=field::REASONS/>
        }
}
