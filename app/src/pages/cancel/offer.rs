//! The offer screen: what the offer does, in plain words and numbers, and a
//! cancel button right beside it.

use holdfast_core::api::OfferPreview;
use leptos::prelude::*;

use crate::format::{date, money};

#[component]
pub fn OfferScreen(
    preview: OfferPreview,
    #[prop(into)] busy: Signal<bool>,
    #[prop(into)] cancelling: Signal<bool>,
    on_accept: impl Fn(String) + Clone + 'static,
    on_cancel: impl Fn() + Clone + 'static,
) -> impl IntoView {
    let id = preview.offer.id.clone();
    let facts = explain(&preview);
    view! {
        <section aria-labelledby="offer-title" data-testid="offer" data-offer-kind=preview.offer.kind.clone()>
            <h1 id="offer-title">{preview.offer.title.clone()}</h1>
            <p class="message">{preview.offer.body.clone()}</p>
            <ul class="offer-facts" data-testid="offer-facts">
                {facts.into_iter().map(|f| view! { <li>{f}</li> }).collect_view()}
            </ul>
            <div class="actions">
                <button class="primary" data-testid="accept-offer" disabled=busy on:click=move |_| on_accept(id.clone())>
                    {preview.offer.accept_label.clone()}
                </button>
                <button class="danger" data-testid="cancel-button" disabled=busy on:click=move |_| on_cancel()>
                    {move || if cancelling.get() { "Cancelling…" } else { "No thanks, cancel my subscription" }}
                </button>
            </div>
        </section>
    }
}

/// What accepting means, from the preview's numbers.
fn explain(p: &OfferPreview) -> Vec<String> {
    let cur = p.currency.as_deref().unwrap_or("");
    let mut out = Vec::new();
    match p.offer.kind.as_str() {
        "discount" | "plan_change" => {
            match (p.new_amount, p.current_amount) {
                (Some(new), Some(old)) if new != old => out.push(format!(
                    "Your next payment: {} instead of {}.",
                    money(new, cur),
                    money(old, cur)
                )),
                (Some(new), _) => out.push(format!("Your next payment: {}.", money(new, cur))),
                _ => {}
            }
            if let Some(at) = p.next_charge_at {
                out.push(format!("Next charge on {}.", date(at)));
            }
        }
        "pause" => {
            if let Some(at) = p.resumes_at {
                out.push(format!("No service and no charges until {}.", date(at)));
                out.push(format!(
                    "Your subscription resumes on {} at its usual price.",
                    date(at)
                ));
            }
        }
        "extension" => {
            if let Some(at) = p.resumes_at {
                out.push(format!("Keep full access for free until {}.", date(at)));
            }
        }
        _ => {}
    }
    out
}
