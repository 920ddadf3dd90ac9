//! The session list (filtered like the report, paged, exportable as CSV)
//! and one session's audit trail: what was shown and chosen, when, and
//! every Stripe request with Stripe's answer.

use holdfast_core::audit::EventKind;
use holdfast_core::dashboard::{ListedSession, SessionDetail, TrailEvent};
use holdfast_core::jurisdiction::{place_words, PlaceSource};
use holdfast_core::record::Outcome;
use leptos::prelude::*;
use leptos_router::hooks::use_params_map;

use super::super::api;
use crate::format::{date_time, money};

const PAGE: usize = 25;

fn outcome_label(o: Outcome) -> &'static str {
    match o {
        Outcome::Open => "Left undecided",
        Outcome::Offer => "Saved with an offer",
        Outcome::Deflect => "Deflected",
        Outcome::Cancel => "Cancelled",
        Outcome::Lost => "Save lost",
    }
}

fn mrr_of(s: &holdfast_core::record::SessionRecord) -> String {
    match (s.mrr, s.currency.as_deref()) {
        (Some(m), Some(c)) => money(m, c),
        _ => "—".to_owned(),
    }
}

#[component]
pub fn SessionTable(app: RwSignal<String>, query: Memo<String>) -> impl IntoView {
    // The `after` of each page shown so far: the last is the page on
    // screen, popping one goes back (the list pages by keyset).
    let pages = RwSignal::new(vec![String::new()]);
    // A new query starts at the first page.
    Effect::new(move |_| {
        query.track();
        app.track();
        pages.set(vec![String::new()]);
    });
    let list = LocalResource::new(move || {
        let (a, q) = (app.get(), query.get());
        let after = pages.with(|p| p.last().cloned().unwrap_or_default());
        async move {
            if a.is_empty() {
                return None;
            }
            let after: String = form_urlencoded::byte_serialize(after.as_bytes()).collect();
            Some(api::sessions(a, format!("{q}&after={after}&limit={PAGE}")).await)
        }
    });
    let export = move || format!("/api/admin/apps/{}/sessions.csv?{}", app.get(), query.get());
    view! {
        <section aria-labelledby="sessions">
            <h2 id="sessions">"Sessions"</h2>
            <a class="button secondary" href=export download="">"Export CSV"</a>
            <Transition fallback=|| view! { <p role="status">"Loading…"</p> }>
                {move || list.get().flatten().map(|r| match r {
                    Ok(page) if page.total == 0 => view! { <p data-testid="no-sessions">"No sessions match."</p> }.into_any(),
                    Ok(page) => {
                        let total = page.total;
                        let first = (pages.with_untracked(Vec::len) - 1) * PAGE;
                        let shown = page.sessions.len();
                        let next = page.next.clone();
                        view! {
                            <table class="list" aria-label="Sessions">
                                <thead><tr><th>"Started"</th><th>"Subscription"</th><th>"Outcome"</th><th>"Reason"</th><th>"Offer"</th><th>"Attribution"</th><th>"MRR"</th></tr></thead>
                                <tbody>{page.sessions.into_iter().map(|s| view! { <Row s=s/> }).collect_view()}</tbody>
                            </table>
                            <p class="pager">
                                <span data-testid="session-count">{format!("{}–{} of {total}", first + 1, first + shown)}</span>
                                <button class="secondary" disabled={first == 0} on:click=move |_| pages.update(|p| { p.pop(); })>"Previous"</button>
                                <button class="secondary" disabled={next.is_none()} on:click=move |_| {
                                    if let Some(n) = next.clone() { pages.update(|p| p.push(n)); }
                                }>"Next"</button>
                            </p>
                        }.into_any()
                    }
                    Err(e) => view! { <p role="alert">{e.message()}</p> }.into_any(),
                })}
            </Transition>
        </section>
    }
}

#[component]
fn Row(s: ListedSession) -> impl IntoView {
    let r = &s.record;
    let href = format!("/admin/sessions/{}", r.id);
    view! {
        <tr data-testid="session-row">
            <td><a href=href>{date_time(r.created_at)}</a></td>
            <td><code>{r.subscription_id.clone().unwrap_or_default()}</code></td>
            <td>{outcome_label(s.outcome)}</td>
            <td>{r.reason_id.clone().unwrap_or_default()}</td>
            <td>{r.offer_id.clone().or(r.shown_offer_id.clone()).unwrap_or_default()}</td>
            <td>{r.attribution.map(|a| a.as_str()).unwrap_or_default()}{r.attribution_reason.map(|x| format!(" ({x})"))}</td>
            <td>{mrr_of(r)}</td>
        </tr>
    }
}

#[component]
pub fn SessionPage() -> impl IntoView {
    let params = use_params_map();
    let detail =
        LocalResource::new(move || api::session(params.read().get("id").unwrap_or_default()));
    view! {
        <p><a href="/admin/dashboard">"← Dashboard"</a></p>
        <Transition fallback=|| view! { <p role="status">"Loading…"</p> }>
            {move || detail.get().map(|r| match r {
                Ok(d) => view! { <Detail d=d/> }.into_any(),
                Err(e) => view! { <h1>"Session"</h1><p role="alert">{e.message()}</p> }.into_any(),
            })}
        </Transition>
    }
}

#[component]
fn Detail(d: SessionDetail) -> impl IntoView {
    let r = d.record.clone();
    let facts = [
        ("Started", date_time(r.created_at)),
        (
            "Subscription",
            r.subscription_id.clone().unwrap_or_else(|| "—".into()),
        ),
        (
            "Customer",
            r.customer_id.clone().unwrap_or_else(|| "—".into()),
        ),
        ("Stripe lookup", d.stripe_lookup.as_str().to_owned()),
        ("Place", place_of(&d.events)),
        ("Outcome", outcome_label(d.outcome).to_owned()),
        ("Reason", r.reason_id.clone().unwrap_or_else(|| "—".into())),
        ("Comment", d.comment.clone().unwrap_or_else(|| "—".into())),
        (
            "Offer",
            r.offer_id
                .clone()
                .or(r.shown_offer_id.clone())
                .unwrap_or_else(|| "—".into()),
        ),
        (
            "Variant",
            r.experience_id
                .clone()
                .zip(r.variant_id.clone())
                .map_or("—".into(), |(e, v)| format!("{e} · {v}")),
        ),
        (
            "Attribution",
            r.attribution
                .map_or("—".into(), |a| match &r.attribution_reason {
                    Some(why) => format!("{a} ({why})"),
                    None => a.as_str().to_owned(),
                }),
        ),
        ("MRR", mrr_of(&r)),
        (
            "Offer cost",
            match (r.offer_cost, r.currency.as_deref()) {
                (Some(c), Some(cur)) => money(c, cur),
                _ => "—".into(),
            },
        ),
    ];
    view! {
        <h1>"Session " <code>{r.id.clone()}</code></h1>
        <dl class="facts" data-testid="session-facts">
            {facts.into_iter().map(|(k, v)| view! { <div><dt>{k}</dt><dd>{v}</dd></div> }).collect_view()}
        </dl>
        <h2>"Audit trail"</h2>
        <ol class="trail" aria-label="Audit trail">
            {d.events.into_iter().map(|e| view! { <Step e=e/> }).collect_view()}
        </ol>
    }
}

/// Where the session's place came from, as its start recorded it.
fn place_of(events: &[TrailEvent]) -> String {
    let j = events
        .iter()
        .find(|e| e.kind == EventKind::SessionStarted)
        .and_then(|e| e.detail.get("jurisdiction"));
    let from = j
        .and_then(|j| j.get("from"))
        .and_then(|f| serde_json::from_value::<PlaceSource>(f.clone()).ok());
    match (j, from) {
        (Some(j), Some(from)) => place_words(
            j.get("place").and_then(|p| p.as_str()).unwrap_or(""),
            from,
            j.get("ignored").and_then(|i| i.as_str()),
        ),
        _ => "—".into(),
    }
}

/// An event in words, with Stripe's requests spelt out.
fn describe(e: &TrailEvent) -> String {
    let d = &e.detail;
    let s = |k: &str| d.get(k).and_then(|v| v.as_str()).unwrap_or("").to_owned();
    match e.kind.as_str() {
        "session_started" => format!("Session started (Stripe lookup: {})", s("stripe_lookup")),
        "reason_chosen" => format!("Reason chosen: {}", s("reason_id")),
        "offer_shown" => format!("Offer shown: {}", s("offer_id")),
        "offer_accepted" => format!("Offer accepted: {} ({})", s("offer_id"), s("kind")),
        "offer_applied" => "Offer applied in Stripe".to_owned(),
        "deflected" => "Kept the subscription (deflect)".to_owned(),
        "cancel_requested" => "Cancel requested".to_owned(),
        "cancel_completed" => "Cancel completed".to_owned(),
        "cancel_recorded" => "Cancel recorded (not applied in Stripe by Holdfast)".to_owned(),
        "request_resolved" => format!("Cancellation request resolved: {}", s("outcome")),
        "stripe_request" => {
            let status = if d["ok"] == true {
                "ok".to_owned()
            } else {
                format!("failed: {}", s("error"))
            };
            format!("Stripe {} {} → {status}", s("method"), s("path"))
        }
        "save_validated" => format!("Save checked in Stripe: {}", s("verdict")),
        "save_confirmed" => "Save confirmed by a Stripe event".to_owned(),
        "save_kept" => "Watch ended: saved".to_owned(),
        "save_lost" => format!(
            "Save lost{}",
            d.get("reason")
                .and_then(|r| r.as_str())
                .map(|r| format!(": {r}"))
                .unwrap_or_default()
        ),
        other => other.replace('_', " "),
    }
}

#[component]
fn Step(e: TrailEvent) -> impl IntoView {
    let text = describe(&e);
    let raw = serde_json::to_string_pretty(&e.detail).unwrap_or_default();
    let kind = e.kind.as_str();
    view! {
        <li data-kind=kind>
            <time>{date_time(e.at)}</time>" "
            <span class="what">{text}</span>
            <details><summary>"Details"</summary><pre>{raw}</pre></details>
        </li>
    }
}
