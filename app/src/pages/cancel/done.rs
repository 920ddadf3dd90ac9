//! The last screen: what happened, and where the customer goes next.

use holdfast_core::api::{OutcomeResponse, SessionView};
use holdfast_core::session::SessionStatus;
use leptos::prelude::*;

use crate::format::date;

#[component]
pub fn Done(outcome: OutcomeResponse) -> impl IntoView {
    let (heading, detail) = match outcome.status {
        SessionStatus::Cancelled => (
            "Your subscription is cancelled",
            outcome
                .cancel_effective_at
                .map(|at| format!("You keep access until {}.", date(at))),
        ),
        SessionStatus::Deflected => ("Your subscription continues", None),
        SessionStatus::OfferAccepted => ("Your offer is applied", None),
        SessionStatus::OfferPending => ("Your offer is on its way", None),
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

/// A session opened again after its decision shows that decision.
pub fn initial(view: &SessionView) -> Option<OutcomeResponse> {
    let message = match view.status {
        SessionStatus::Cancelled => "We're sorry to see you go. Thank you for having been with us.",
        SessionStatus::CancelPending => {
            "We've received your cancellation request and are completing it. You don't need to do anything else."
        }
        SessionStatus::OfferAccepted | SessionStatus::OfferPending => "Thank you for staying with us.",
        _ => return None,
    };
    let redirect_url = if view.status.is_offer() {
        view.save_return_url.clone()
    } else {
        view.cancel_confirmation_url.clone()
    };
    Some(OutcomeResponse {
        status: view.status,
        message: message.to_owned(),
        redirect_url,
        cancel_effective_at: view.cancel_effective_at,
    })
}
