//! The hosted cancel page: personalised copy, an optional reasons survey, at
//! most one offer screen, and a cancel button on every step. The edge serves
//! every screen as plain HTML forms too (`edge/src/page`); this app takes
//! over the survey and offers when it loads. The direct cancellation (one
//! form) and a cancel's confirmation stay the edge's own page.

mod done;
mod offer;
mod survey;

use std::time::Duration;

use holdfast_core::api::session::{CancelRequest, ChooseReasonRequest, OfferPreview, SessionView};
use holdfast_core::i18n::{Key, Text};
use holdfast_core::jurisdiction::Mode;
use holdfast_core::session::SessionStatus;
use leptos::prelude::*;

use crate::api;

/// How long a confirmation stays before the customer is sent on.
const REDIRECT_AFTER: Duration = Duration::from_secs(3);

#[derive(Clone)]
enum Stage {
    Survey,
    Offer(Box<OfferPreview>),
    Done(api::Outcome),
}

#[component]
pub fn CancelPage(token: String) -> impl IntoView {
    // Without the session's data the edge's own page (an error, or the
    // forms) stays as it is.
    embedded().map(|(view, recorded, typed)| {
        view! { <main class="page"><Flow token=token view=view recorded=recorded typed=typed/></main> }
    })
}

/// The view the edge put in the page (`GET /cancel/{token}`), so the app
/// needs no request; the edge's markup it replaces is removed with it. The
/// direct page, an offer screen the forms reached, and a cancel's
/// confirmation are left as the edge made them.
/// Also the reason the edge has recorded, which a pick on the edge's form
/// may differ from, and what the customer typed there before the app
/// loaded (on a slow phone they may have written a comment by then).
fn embedded() -> Option<(SessionView, Option<String>, String)> {
    let doc = window().document()?;
    let data = doc.get_element_by_id("hf-session")?;
    let text = data.text_content()?;
    let mut view: SessionView =
        serde_wasm_bindgen::from_value(js_sys::JSON::parse(&text).ok()?).ok()?;
    if view.mode == Mode::Direct || is_cancel(view.status) {
        // Right after a cancel on this page the customer is sent on, as
        // before the confirmation existed; the direct cancellation's
        // confirmation stays until they leave it.
        if just_decided() && view.mode != Mode::Direct {
            go_later(view.cancel_confirmation_url.clone());
        }
        return None;
    }
    // An offer screen the edge's form led to (a click before the app had
    // loaded) is a form of its own too.
    if let Ok(Some(_)) = doc.query_selector("#hf-prerender [data-testid=offer]") {
        return None;
    }
    data.remove();
    // A reason picked on the edge's form before the app loaded stays picked.
    let recorded = view.chosen_reason.clone();
    if let Ok(Some(picked)) = doc.query_selector("#hf-prerender input[name=reason]:checked") {
        view.chosen_reason = picked.get_attribute("value").or(view.chosen_reason);
    }
    let typed = view
        .chosen_reason
        .as_deref()
        .and_then(|r| {
            doc.query_selector(&format!("#hf-prerender textarea[name=\"comment:{r}\"]"))
                .ok()
                .flatten()
        })
        .and_then(|t| js_sys::Reflect::get(&t, &"value".into()).ok()?.as_string())
        .unwrap_or_default();
    if let Some(painted) = doc.get_element_by_id("hf-prerender") {
        painted.remove();
    }
    Some((view, recorded, typed))
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
fn Flow(
    token: String,
    view: SessionView,
    recorded: Option<String>,
    typed: String,
) -> impl IntoView {
    let initial = done::initial(&view);
    if let Some(o) = initial.as_ref().filter(|_| just_decided()) {
        go_later(o.redirect_url.clone());
    }
    let stage = RwSignal::new(initial.map_or(Stage::Survey, Stage::Done));
    let reason = RwSignal::new(view.chosen_reason.clone());
    // The answer the edge has: an offer is shown only for a recorded one.
    let recorded = RwSignal::new(recorded);
    let comment = RwSignal::new(typed);
    let state = RwSignal::new(Busy::Idle);
    let error = RwSignal::new(None::<String>);
    let text = view.text.clone();

    let t = StoredValue::new(text.clone());
    let finish = move |r: Result<api::Outcome, api::Error>| match r {
        // The edge's page shows a cancel's confirmation.
        Ok(outcome) if is_cancel(outcome.status) => {
            let location = window().location();
            let page = location.pathname().unwrap_or_default();
            let _ = location.replace(&format!("{page}?decided=1"));
        }
        Ok(outcome) => {
            error.set(None);
            go_later(outcome.redirect_url.clone());
            stage.set(Stage::Done(outcome));
        }
        Err(e) => error.set(Some(t.with_value(|t| e.message_in(t)))),
    };
    let t = token.clone();
    let cancel_now = move || {
        let req = CancelRequest {
            reason_id: reason.get_untracked(),
            comment: Some(comment.get_untracked()).filter(|c| !c.trim().is_empty()),
            ..CancelRequest::default()
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
                    let (t, id) = (t.clone(), o.id.clone());
                    let unrecorded =
                        chosen.filter(|c| recorded.get_untracked().as_ref() != Some(c));
                    let show = async move {
                        if let Some(reason_id) = unrecorded {
                            let req = ChooseReasonRequest {
                                reason_id,
                                comment: None,
                            };
                            api::choose_reason(t.clone(), req).await?;
                        }
                        api::show_offer(t, id).await
                    };
                    act(state, Busy::Cancelling, show, move |r| match r {
                        Ok(preview) => stage.set(Stage::Offer(Box::new(preview))),
                        Err(_) => cancel_now(),
                    });
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
                        recorded=recorded
                    />
                }
                    .into_any()
            }
            Stage::Offer(preview) => {
                view! {
                    <offer::OfferScreen
                        preview=*preview
                        view=view.clone()
                        busy=busy
                        cancelling=cancelling
                        on_accept=on_accept.clone()
                        on_cancel=cancel_now.clone()
                    />
                }
                    .into_any()
            }
            Stage::Done(outcome) => view! { <done::Done outcome=outcome view=view.clone()/> }.into_any(),
        }}
        {move || error.get().map(|m| view! { <p role="alert" class="error" data-testid="action-error">{m}</p> })}
        </div>
    }
}

/// The page was reached by a decision just made (`?decided=1`, set by the
/// app after a cancel and by the edge's forms), not opened again later.
fn just_decided() -> bool {
    window()
        .location()
        .search()
        .is_ok_and(|q| q.contains("decided=1"))
}

fn is_cancel(status: SessionStatus) -> bool {
    matches!(
        status,
        SessionStatus::Cancelled | SessionStatus::CancelPending
    )
}

/// The busy label or the button's own, in the page's language.
fn label(text: &Text, cancelling: Signal<bool>, key: Key) -> impl Fn() -> String {
    let busy = text.get(Key::Cancelling).to_owned();
    let idle = text.get(key).to_owned();
    move || {
        if cancelling.get() {
            busy.clone()
        } else {
            idle.clone()
        }
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
