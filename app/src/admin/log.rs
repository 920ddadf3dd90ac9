//! What needs an admin's eye: Stripe writes still pending or failed,
//! webhook deliveries in the dead-letter queue, confirmation e-mails that
//! failed for good, and who changed what.

use leptos::prelude::*;

use super::api;
use super::Session;

fn when(secs: i64) -> String {
    let d = js_sys::Date::new(&wasm_bindgen::JsValue::from_f64(secs as f64 * 1000.0));
    String::from(d.to_locale_string("default", &wasm_bindgen::JsValue::UNDEFINED))
}

#[component]
pub fn OperationsPage() -> impl IntoView {
    let session = expect_context::<Session>();
    let retry = Action::new_local(move |id: &String| api::retry(session.csrf(), id.clone()));
    let ops = LocalResource::new(move || {
        retry.version().get();
        api::operations()
    });
    view! {
        <h1>"Operations"</h1>
        <p>"Cancels and offers whose Stripe call has not landed. Pending ones are retried automatically with the same idempotency key; failed ones need you."</p>
        <Transition fallback=|| view! { <p role="status">"Loading…"</p> }>
            {move || ops.get().map(|r| match r {
                Ok(list) if list.is_empty() => view! { <p data-testid="no-operations">"Nothing pending or failed."</p> }.into_any(),
                Ok(list) => view! {
                    <table class="list" aria-label="Operations">
                        <thead><tr><th>"Kind"</th><th>"Status"</th><th>"Subscription"</th><th>"Attempts"</th><th>"Last error"</th><th>"Updated"</th><th><span class="visually-hidden">"Actions"</span></th></tr></thead>
                        <tbody>
                            {list.into_iter().map(|o| {
                                let sid = o.session_id.clone();
                                view! {
                                    <tr>
                                        <td>{o.kind.as_str()}</td>
                                        <td>{o.status.as_str()}</td>
                                        <td><code>{o.subscription_id.unwrap_or_default()}</code></td>
                                        <td>{o.attempts}</td>
                                        <td>{o.last_error.unwrap_or_default()}</td>
                                        <td>{when(o.updated_at)}</td>
                                        <td><button class="secondary" on:click=move |_| { retry.dispatch(sid.clone()); }>"Retry now"</button></td>
                                    </tr>
                                }
                            }).collect_view()}
                        </tbody>
                    </table>
                }.into_any(),
                Err(e) => view! { <p role="alert">{e.message()}</p> }.into_any(),
            })}
        </Transition>
        <DeadLetters/>
        <FailedEmails/>
        <Unreadable/>
    }
}

/// Queue messages that were not a job: each was set aside alone, so the
/// rest of its batch ran. Someone should read why (a bug, or a message
/// from another version).
#[component]
fn Unreadable() -> impl IntoView {
    let list = LocalResource::new(api::unreadable_messages);
    view! {
        <section aria-labelledby="unreadable">
            <h2 id="unreadable">"Unreadable queue messages"</h2>
            <p>"Messages that were not a job Holdfast knows. Each was set aside alone and the rest of its batch ran; they are kept for 30 days."</p>
            <Transition fallback=|| view! { <p role="status">"Loading…"</p> }>
                {move || list.get().map(|r| match r {
                    Ok(list) if list.is_empty() => view! { <p data-testid="no-unreadable">"None."</p> }.into_any(),
                    Ok(list) => view! {
                        <table class="list" aria-label="Unreadable queue messages">
                            <thead><tr><th>"Queue"</th><th>"Message"</th><th>"Why"</th><th>"At"</th></tr></thead>
                            <tbody>
                                {list.into_iter().map(|m| view! {
                                    <tr data-testid="unreadable-message">
                                        <td>{m.queue}</td>
                                        <td><code>{m.body}</code></td>
                                        <td>{m.error}</td>
                                        <td>{when(m.at)}</td>
                                    </tr>
                                }).collect_view()}
                            </tbody>
                        </table>
                    }.into_any(),
                    Err(e) => view! { <p role="alert">{e.message()}</p> }.into_any(),
                })}
            </Transition>
        </section>
    }
}

/// Webhook deliveries that failed for good (their messages are in the
/// dead-letter queue), each with a replay.
#[component]
fn DeadLetters() -> impl IntoView {
    let session = expect_context::<Session>();
    let replay = Action::new_local(move |(endpoint, delivery): &(String, i64)| {
        api::replay_webhook(session.csrf(), endpoint.clone(), *delivery)
    });
    let list = LocalResource::new(move || {
        replay.version().get();
        api::dead_letters()
    });
    view! {
        <section aria-labelledby="dead-letters">
            <h2 id="dead-letters">"Dead letters"</h2>
            <p>"Webhook deliveries that kept failing for three days: their messages are in the dead-letter queue. Replay one once its receiver is back; it keeps its webhook-id."</p>
            {move || replay.value().get().and_then(Result::err).map(|e| view! { <p role="alert">{e.message()}</p> })}
            <Transition fallback=|| view! { <p role="status">"Loading…"</p> }>
                {move || list.get().map(|r| match r {
                    Ok(list) if list.is_empty() => view! { <p data-testid="no-dead-letters">"None."</p> }.into_any(),
                    Ok(list) => view! {
                        <table class="list" aria-label="Dead letters">
                            <thead><tr><th>"Event"</th><th>"Endpoint"</th><th>"Attempts"</th><th>"Last answer"</th><th>"Dead since"</th><th><span class="visually-hidden">"Actions"</span></th></tr></thead>
                            <tbody>
                                {list.into_iter().map(|d| {
                                    let key = (d.endpoint_id.clone(), d.delivery.id);
                                    let answer = d.delivery.last_status.map(|s| s.to_string())
                                        .or(d.delivery.last_error.clone()).unwrap_or_default();
                                    view! {
                                        <tr data-testid="dead-letter">
                                            <td>{d.delivery.event_type}<br/><code class="hint">{d.delivery.message_id}</code></td>
                                            <td><code>{d.url}</code></td>
                                            <td>{d.delivery.attempts}</td>
                                            <td>{answer}</td>
                                            <td>{d.delivery.dead_lettered_at.map(when).unwrap_or_default()}</td>
                                            <td><button class="secondary" on:click=move |_| { replay.dispatch(key.clone()); }>"Replay"</button></td>
                                        </tr>
                                    }
                                }).collect_view()}
                            </tbody>
                        </table>
                    }.into_any(),
                    Err(e) => view! { <p role="alert">{e.message()}</p> }.into_any(),
                })}
            </Transition>
        </section>
    }
}

/// Confirmation e-mails that failed for good (their jobs reached the
/// dead-letter queue), each with one more attempt. A customer who cancelled
/// is owed this confirmation, so a failure here needs someone.
#[component]
fn FailedEmails() -> impl IntoView {
    let session = expect_context::<Session>();
    let resend =
        Action::new_local(move |id: &String| api::resend_email(session.csrf(), id.clone()));
    let list = LocalResource::new(move || {
        resend.version().get();
        api::failed_emails()
    });
    view! {
        <section aria-labelledby="failed-emails">
            <h2 id="failed-emails">"Confirmation e-mails not sent"</h2>
            <p>"Cancel confirmations that failed ten times (fix the cause: the app's sender address, Email Service; then send one again), and those a bound held back: three messages to one address in 24 hours, or the app's daily cap. The cancel itself happened either way."</p>
            {move || resend.value().get().and_then(Result::err).map(|e| view! { <p role="alert">{e.message()}</p> })}
            <Transition fallback=|| view! { <p role="status">"Loading…"</p> }>
                {move || list.get().map(|r| match r {
                    Ok(list) if list.is_empty() => view! { <p data-testid="no-failed-emails">"None."</p> }.into_any(),
                    Ok(list) => view! {
                        <table class="list" aria-label="Confirmation e-mails not sent">
                            <thead><tr><th>"Session"</th><th>"Attempts"</th><th>"Why"</th><th>"When"</th><th><span class="visually-hidden">"Actions"</span></th></tr></thead>
                            <tbody>
                                {list.into_iter().map(|e| {
                                    let id = e.id.clone();
                                    let session = format!("/admin/sessions/{}", e.session_id);
                                    // A held-back message is not sent again
                                    // by hand: that would pass its bound.
                                    let why = match e.bound {
                                        Some(b) => b.describe(),
                                        None => e.last_error.unwrap_or_default(),
                                    };
                                    let can_resend = e.bound.is_none();
                                    view! {
                                        <tr data-testid="failed-email">
                                            <td><a href=session><code>{e.session_id}</code></a></td>
                                            <td>{e.attempts}</td>
                                            <td data-testid="email-why">{why}</td>
                                            <td>{when(e.updated_at)}</td>
                                            <td>{can_resend.then(|| view! {
                                                <button class="secondary" on:click=move |_| { resend.dispatch(id.clone()); }>"Send again"</button>
                                            })}</td>
                                        </tr>
                                    }
                                }).collect_view()}
                            </tbody>
                        </table>
                    }.into_any(),
                    Err(e) => view! { <p role="alert">{e.message()}</p> }.into_any(),
                })}
            </Transition>
        </section>
    }
}

#[component]
pub fn AuditPage() -> impl IntoView {
    let entries = LocalResource::new(api::audit);
    view! {
        <h1>"Audit log"</h1>
        <Transition fallback=|| view! { <p role="status">"Loading…"</p> }>
            {move || entries.get().map(|r| match r {
                Ok(list) => view! {
                    <table class="list" aria-label="Audit log">
                        <thead><tr><th>"When"</th><th>"Who"</th><th>"What"</th><th>"Target"</th></tr></thead>
                        <tbody>
                            {list.into_iter().map(|e| view! {
                                <tr><td>{when(e.at)}</td><td>{e.admin}</td><td>{e.action}</td><td><code>{e.target.unwrap_or_default()}</code></td></tr>
                            }).collect_view()}
                        </tbody>
                    </table>
                }.into_any(),
                Err(e) => view! { <p role="alert">{e.message()}</p> }.into_any(),
            })}
        </Transition>
    }
}
