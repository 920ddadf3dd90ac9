//! The offer screen: what the offer does, in plain words and numbers, and a
//! cancel button right beside it.

use holdfast_core::api::session::{OfferPreview, SessionView};
use holdfast_core::i18n::Key;
use leptos::prelude::*;

#[component]
pub fn OfferScreen(
    preview: OfferPreview,
    view: SessionView,
    #[prop(into)] busy: Signal<bool>,
    #[prop(into)] cancelling: Signal<bool>,
    on_accept: impl Fn(String) + Clone + 'static,
    on_cancel: impl Fn() + Clone + 'static,
) -> impl IntoView {
    let id = preview.offer.id.clone();
    let facts = preview.facts.clone();
    view! {
        <section aria-labelledby="offer-title" data-testid="offer" data-offer-kind=preview.offer.kind.as_str()>
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
                    {super::label(&view.text, cancelling, Key::DeclineOffer)}
                </button>
            </div>
        </section>
    }
}
