//! An app's webhook endpoints: add one with its event types, see its secret
//! once, rotate it, send a test event, disable or delete it, and read its
//! delivery log with a replay per delivery.

use holdfast_core::webhook::{
    DeliveryView, EndpointRequest, EndpointView, UpdateEndpointRequest, EVENT_TYPES,
};
use leptos::prelude::*;

use super::api;
use super::fields::{FieldError, Issues};
use super::Session;
use crate::format::date_time;

#[component]
pub fn Webhooks(app_id: Signal<String>) -> impl IntoView {
    let session = expect_context::<Session>();
    let changed = RwSignal::new(0_u32);
    let endpoints = LocalResource::new(move || {
        changed.get();
        api::webhooks(app_id.get())
    });
    let secret = RwSignal::new(None::<String>);
    let url = RwSignal::new(String::new());
    let chosen = RwSignal::new(Vec::<String>::new());
    let issues = Issues::new();
    let create = Action::new_local(move |form: &EndpointRequest| {
        api::create_webhook(session.csrf(), app_id.get_untracked(), form.clone())
    });
    Effect::new(move |_| match create.value().get() {
        Some(Ok(made)) => {
            issues.clear();
            secret.set(Some(made.secret));
            url.set(String::new());
            chosen.set(Vec::new());
            changed.update(|n| *n += 1);
        }
        Some(Err(e)) => issues.set_from(&e),
        None => {}
    });
    let subscribable = EVENT_TYPES.iter().filter(|t| **t != "test");
    view! {
        <section aria-labelledby="webhooks">
            <h2 id="webhooks">"Webhooks"</h2>
            <p class="hint">"Holdfast sends each event as a signed POST (Standard Webhooks: webhook-id, webhook-timestamp, webhook-signature). Only a 2xx answer counts; failures are retried for 3 days; 410 Gone disables the endpoint."</p>
            {move || secret.get().map(|s| view! {
                <div class="secrets" role="status" data-testid="webhook-secret">
                    <p>"The endpoint's signing secret. Copy it now: it is not shown again."</p>
                    <p><code>{s}</code></p>
                </div>
            })}
            <Transition fallback=|| view! { <p role="status">"Loading…"</p> }>
                {move || endpoints.get().map(|r| match r {
                    Ok(list) if list.is_empty() => view! { <p data-testid="no-webhooks">"No endpoints yet."</p> }.into_any(),
                    Ok(list) => list.into_iter().map(|e| view! { <Endpoint e=e changed=changed secret=secret/> }).collect_view().into_any(),
                    Err(e) => view! { <p role="alert">{e.message()}</p> }.into_any(),
                })}
            </Transition>
            <form aria-label="Add a webhook endpoint" on:submit=move |ev| {
                ev.prevent_default();
                create.dispatch(EndpointRequest { url: url.get_untracked(), event_types: chosen.get_untracked() });
            }>
                <label>"Endpoint URL"<input type="url" required placeholder="https://example.com/holdfast-webhooks" bind:value=url/></label>
                <FieldError issues=issues field="url"/>
                <fieldset class="row">
                    <legend>"Events (none ticked: every event)"</legend>
                    {subscribable.map(|t| {
                        let t = (*t).to_owned();
                        let t2 = t.clone();
                        let name = t.clone();
                        view! {
                            <label class="check">
                                <input type="checkbox" prop:checked=move || chosen.with(|c| c.contains(&t))
                                    on:change=move |ev| {
                                        let on = event_target_checked(&ev);
                                        let t = t2.clone();
                                        chosen.update(|c| { c.retain(|x| *x != t); if on { c.push(t) } });
                                    }/>
                                {name}
                            </label>
                        }
                    }).collect_view()}
                </fieldset>
                <FieldError issues=issues field="event_types"/>
                <button type="submit">"Add endpoint"</button>
            </form>
        </section>
    }
}

#[component]
fn Endpoint(
    e: EndpointView,
    changed: RwSignal<u32>,
    secret: RwSignal<Option<String>>,
) -> impl IntoView {
    let session = expect_context::<Session>();
    let id = e.id.clone();
    let shown = RwSignal::new(false);
    let log_version = RwSignal::new(0_u32);
    let status = RwSignal::new(None::<String>);
    let id_for = move || id.clone();
    let (i1, i2, i3, i4, i5) = (id_for(), id_for(), id_for(), id_for(), id_for());
    let test = Action::new_local(move |_: &()| api::test_webhook(session.csrf(), i1.clone()));
    let rotate = Action::new_local(move |_: &()| api::rotate_webhook(session.csrf(), i2.clone()));
    let toggle = Action::new_local(move |on: &bool| {
        api::update_webhook(
            session.csrf(),
            i3.clone(),
            UpdateEndpointRequest {
                url: None,
                event_types: None,
                enabled: Some(*on),
            },
        )
    });
    let delete = Action::new_local(move |_: &()| api::delete_webhook(session.csrf(), i4.clone()));
    Effect::new(move |_| {
        if let Some(r) = test.value().get() {
            status.set(Some(match r {
                Ok(Some(d)) => format!(
                    "Test event {}: {}",
                    d.status,
                    d.last_status.map_or_else(
                        || d.last_error.clone().unwrap_or_default(),
                        |s| format!("answered {s}")
                    )
                ),
                Ok(None) => "Test event queued.".to_owned(),
                Err(e) => e.message(),
            }));
            log_version.update(|n| *n += 1);
        }
    });
    Effect::new(move |_| match rotate.value().get() {
        Some(Ok(r)) => {
            secret.set(Some(r.secret));
            changed.update(|n| *n += 1);
        }
        Some(Err(e)) => status.set(Some(e.message())),
        None => {}
    });
    Effect::new(move |_| {
        if toggle.value().get().is_some() || delete.value().get().is_some() {
            changed.update(|n| *n += 1);
        }
    });
    let enabled = e.enabled;
    let events = if e.event_types.is_empty() {
        "every event".to_owned()
    } else {
        e.event_types.join(", ")
    };
    view! {
        <fieldset class="row" data-testid="webhook-endpoint">
            <legend><code>{e.url.clone()}</code></legend>
            <p>"Events: " {events}</p>
            <p data-testid="webhook-state">{if enabled { "Enabled".to_owned() } else { format!("Disabled: {}", e.disabled_reason.clone().unwrap_or_default()) }}
                {e.previous_valid_until.map(|t| format!(" · the previous secret also signs until {}", date_time(t)))}</p>
            <div class="row-actions">
                <button type="button" class="secondary" on:click=move |_| { test.dispatch(()); }>"Send test event"</button>
                <button type="button" class="secondary" on:click=move |_| { rotate.dispatch(()); }>"Rotate secret"</button>
                <button type="button" class="secondary" on:click=move |_| { toggle.dispatch(!enabled); }>{if enabled { "Disable" } else { "Enable" }}</button>
                <button type="button" class="secondary" aria-expanded=move || shown.get().to_string() on:click=move |_| shown.update(|s| *s = !*s)>"Deliveries"</button>
                <button type="button" class="danger" on:click=move |_| {
                    if window().confirm_with_message("Delete this endpoint and its delivery log?").unwrap_or(false) { delete.dispatch(()); }
                }>"Delete"</button>
            </div>
            {move || status.get().map(|m| view! { <p role="status" data-testid="webhook-status">{m}</p> })}
            <Show when=move || shown.get()>
                <DeliveryLog id=i5.clone() version=log_version/>
            </Show>
        </fieldset>
    }
}

#[component]
fn DeliveryLog(id: String, version: RwSignal<u32>) -> impl IntoView {
    let session = expect_context::<Session>();
    let eid = id.clone();
    let replay =
        Action::new_local(move |d: &i64| api::replay_webhook(session.csrf(), eid.clone(), *d));
    let log = LocalResource::new(move || {
        version.get();
        replay.version().get();
        api::webhook_deliveries(id.clone())
    });
    view! {
        {move || replay.value().get().and_then(Result::err).map(|e| view! { <p role="alert">{e.message()}</p> })}
        <Transition fallback=|| view! { <p role="status">"Loading…"</p> }>
            {move || log.get().map(|r| match r {
                Ok(list) if list.is_empty() => view! { <p>"Nothing sent yet."</p> }.into_any(),
                Ok(list) => view! {
                    <table class="list" aria-label="Deliveries">
                        <thead><tr><th>"Event"</th><th>"Status"</th><th>"Attempts"</th><th>"Answer"</th><th>"Latency"</th><th>"Updated"</th><th><span class="visually-hidden">"Actions"</span></th></tr></thead>
                        <tbody>{list.into_iter().map(|d| view! { <Row d=d replay=replay/> }).collect_view()}</tbody>
                    </table>
                }.into_any(),
                Err(e) => view! { <p role="alert">{e.message()}</p> }.into_any(),
            })}
        </Transition>
    }
}

#[component]
fn Row(
    d: DeliveryView,
    replay: Action<i64, Result<Option<DeliveryView>, api::Error>>,
) -> impl IntoView {
    let answer = d
        .last_status
        .map(|s| s.to_string())
        .or(d.last_error.clone())
        .unwrap_or_else(|| "—".to_owned());
    let id = d.id;
    view! {
        <tr data-testid="delivery-row">
            <td>{d.event_type}<br/><code class="hint">{d.message_id}</code></td>
            <td>{d.status.as_str()}{d.dead_lettered_at.map(|at| view! {
                <br/><span class="hint" data-testid="dead-lettered">{format!("in the dead-letter queue since {}", date_time(at))}</span>
            })}</td>
            <td>{d.attempts}</td>
            <td>{answer}</td>
            <td>{d.last_latency_ms.map(|l| format!("{l} ms")).unwrap_or_default()}</td>
            <td>{date_time(d.updated_at)}</td>
            <td><button type="button" class="secondary" on:click=move |_| { replay.dispatch(id); }>"Replay"</button></td>
        </tr>
    }
}
