//! The last screen after an offer or "keep": what happened, and where the
//! customer goes next. (A cancel's confirmation is the edge's page.)

use holdfast_core::api::session::SessionView;
use holdfast_core::i18n::Key;
use holdfast_core::session::SessionStatus;
use leptos::prelude::*;

use crate::api::Outcome;

#[component]
pub fn Done(outcome: Outcome, view: SessionView) -> impl IntoView {
    let t = &view.text;
    let (heading, message) = match outcome.status {
        SessionStatus::OfferAccepted => (Key::OfferAppliedHeading, Key::OfferThanks),
        SessionStatus::OfferPending => (Key::OfferPendingHeading, Key::OfferThanks),
        _ => (Key::KeptHeading, Key::KeptMessage),
    };
    let go = t.get(Key::Continue).to_owned();
    view! {
        <section role="status" data-testid="outcome">
            <h1>{t.get(heading).to_owned()}</h1>
            <p>{t.get(message).to_owned()}</p>
            {outcome.redirect_url.map(|url| view! { <a class="button" href=url data-testid="continue">{go}</a> })}
        </section>
    }
}

/// A session opened again after an accepted offer shows that decision.
pub fn initial(view: &SessionView) -> Option<Outcome> {
    view.status.is_offer().then(|| Outcome {
        status: view.status,
        redirect_url: view.save_return_url.clone(),
    })
}
