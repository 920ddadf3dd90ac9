//! The dashboard: sessions, saves, deflects, cancels, save rate and revenue
//! over a period, as charts and breakdowns, the holdout's lift, and the
//! session list with its CSV export. Every figure comes from the edge's
//! report, which counts each subscription's repeats once.

mod chart;
mod sessions;

pub use sessions::SessionPage;

use holdfast_core::experiment::HOLDOUT;
use holdfast_core::report::{ExperienceLift, Group, PublicFigures, Report, Tally};
use holdfast_core::settings::AppSettings;
use leptos::prelude::*;

use super::api;
use crate::format::{money, percent};
use chart::{Series, StackedBars};

const DAY: i64 = 86_400;

/// The filters, shared by the report, the list and the export.
#[derive(Clone, Copy)]
pub struct Filters {
    pub outcome: RwSignal<String>,
    pub reason: RwSignal<String>,
    pub offer: RwSignal<String>,
    pub audience: RwSignal<String>,
    pub variant: RwSignal<String>,
    pub mode: RwSignal<String>,
    pub q: RwSignal<String>,
}

impl Filters {
    fn new() -> Self {
        Self {
            outcome: RwSignal::new(String::new()),
            reason: RwSignal::new(String::new()),
            offer: RwSignal::new(String::new()),
            audience: RwSignal::new(String::new()),
            variant: RwSignal::new(String::new()),
            mode: RwSignal::new(String::new()),
            q: RwSignal::new(String::new()),
        }
    }

    fn pairs(&self) -> Vec<(&'static str, String)> {
        vec![
            ("outcome", self.outcome.get()),
            ("reason", self.reason.get()),
            ("offer", self.offer.get()),
            ("audience", self.audience.get()),
            ("variant", self.variant.get()),
            ("mode", self.mode.get()),
            ("q", self.q.get()),
        ]
    }
}

#[component]
pub fn DashboardPage() -> impl IntoView {
    let apps = LocalResource::new(api::apps);
    let app = RwSignal::new(String::new());
    Effect::new(move |_| {
        if let Some(Ok(list)) = apps.get() {
            if app.get_untracked().is_empty() {
                if let Some(first) = list.first() {
                    app.set(first.id.clone());
                }
            }
        }
    });
    let days = RwSignal::new(30_i64);
    let filters = Filters::new();
    // One "now" per visit, so paging never shifts the period.
    let now = (js_sys::Date::now() / 1000.0) as i64 + 60;
    let query = Memo::new(move |_| {
        let d = days.get();
        let bucket = if d > 90 { "week" } else { "day" };
        let mut pairs = vec![
            ("from", (now - d * DAY).to_string()),
            ("to", now.to_string()),
            ("bucket", bucket.to_owned()),
        ];
        pairs.extend(filters.pairs());
        api::report_query(&pairs)
    });
    let settings = LocalResource::new(move || {
        let a = app.get();
        async move {
            (!a.is_empty())
                .then_some(api::settings(a).await.ok())
                .flatten()
        }
    });
    let report = LocalResource::new(move || {
        let (a, q) = (app.get(), query.get());
        async move { (!a.is_empty()).then_some(api::dashboard(a, q).await) }
    });
    view! {
        <h1>"Dashboard"</h1>
        {move || {
            let unsigned = apps.get().and_then(Result::ok).unwrap_or_default().into_iter()
                .any(|a| a.id == app.get() && !a.require_signed);
            unsigned.then(|| view! { <p class="warning" role="alert" data-testid="unsigned-warning">{holdfast_core::signature_policy::UNSIGNED_RISK}</p> })
        }}
        <form class="inline controls" aria-label="Report" on:submit=|ev| ev.prevent_default()>
            <div class="field">
                <label for="d-app">"App"</label>
                <select id="d-app" on:change=move |ev| app.set(event_target_value(&ev)) prop:value=move || app.get()>
                    {move || apps.get().and_then(Result::ok).unwrap_or_default().into_iter()
                        .map(|a| view! { <option value=a.id.clone()>{a.name}</option> }).collect_view()}
                </select>
            </div>
            <div class="field">
                <label for="d-period">"Period"</label>
                <select id="d-period" on:change=move |ev| days.set(event_target_value(&ev).parse().unwrap_or(30))>
                    <option value="7">"Last 7 days"</option>
                    <option value="30" selected>"Last 30 days"</option>
                    <option value="90">"Last 90 days"</option>
                    <option value="365">"Last 12 months"</option>
                </select>
            </div>
            {move || settings.get().flatten().map(|s| view! { <FilterSelects settings=s filters=filters/> })}
        </form>
        <Transition fallback=|| view! { <p role="status">"Loading…"</p> }>
            {move || report.get().flatten().map(|r| match r {
                Ok(r) => view! { <OpenRequests app=app.get_untracked() count=r.open_requests/><ReportView report=r/> }.into_any(),
                Err(e) => view! { <p role="alert">{e.message()}</p> }.into_any(),
            })}
        </Transition>
        <sessions::SessionTable app=app query=query/>
    }
}

#[component]
fn FilterSelects(settings: AppSettings, filters: Filters) -> impl IntoView {
    let outcomes = [
        ("offer", "Saved with an offer"),
        ("deflect", "Deflected"),
        ("cancel", "Cancelled"),
        ("lost", "Save lost"),
        ("open", "Left undecided"),
    ]
    .map(|(k, v)| (k.to_owned(), v.to_owned()));
    let modes = [
        ("direct", "Direct cancellation"),
        ("click_to_cancel", "Click to cancel"),
        ("standard", "Standard"),
    ]
    .map(|(k, v)| (k.to_owned(), v.to_owned()));
    let reasons: Vec<_> = settings
        .reasons
        .iter()
        .map(|r| (r.id.clone(), r.label.clone()))
        .collect();
    let offers: Vec<_> = settings
        .offers
        .iter()
        .map(|o| (o.id.clone(), o.title.clone()))
        .collect();
    let audiences: Vec<_> = settings
        .audiences
        .iter()
        .map(|a| (a.id.clone(), a.name.clone()))
        .collect();
    let variants: Vec<_> = settings
        .experiences
        .iter()
        .flat_map(|e| {
            let holdout = (e.holdout_percent > 0).then(|| {
                (
                    format!("{}/{HOLDOUT}", e.id),
                    format!("{} · Holdout", e.name),
                )
            });
            e.variants
                .iter()
                .map(move |v| {
                    (
                        format!("{}/{}", e.id, v.id),
                        format!("{} · {}", e.name, v.id),
                    )
                })
                .chain(holdout)
        })
        .collect();
    view! {
        <Choice label="Outcome" value=filters.outcome options=outcomes.to_vec()/>
        <Choice label="Reason" value=filters.reason options=reasons/>
        <Choice label="Offer" value=filters.offer options=offers/>
        <Choice label="Audience" value=filters.audience options=audiences/>
        <Choice label="Variant" value=filters.variant options=variants/>
        <Choice label="Mode" value=filters.mode options=modes.to_vec()/>
        <div class="field">
            <label for="d-search">"Search"</label>
            <input id="d-search" type="search" placeholder="sub_, cus_ or ses_ id" on:change=move |ev| filters.q.set(event_target_value(&ev))/>
        </div>
    }
}

#[component]
fn Choice(
    label: &'static str,
    value: RwSignal<String>,
    options: Vec<(String, String)>,
) -> impl IntoView {
    let id = format!("d-{}", label.to_lowercase());
    view! {
        <div class="field">
            <label for=id.clone()>{label}</label>
            <select id=id on:change=move |ev| value.set(event_target_value(&ev)) prop:value=move || value.get()>
                <option value="">"All"</option>
                {options.into_iter().map(|(k, v)| view! { <option value=k>{v}</option> }).collect_view()}
            </select>
        </div>
    }
}

fn rate(t: &Tally) -> String {
    t.save_rate().map_or_else(|| "—".to_owned(), percent)
}

/// Public declarations waiting for someone to find their contract: a
/// deadline runs for each, so the dashboard says so first.
#[component]
fn OpenRequests(app: String, count: u64) -> impl IntoView {
    let words = match count {
        1 => "1 cancellation request waits for review".to_owned(),
        n => format!("{n} cancellation requests wait for review"),
    };
    (count > 0).then(|| {
        view! {
            <p class="warning" role="status" data-testid="open-requests">
                <a href=format!("/admin/apps/{app}#cancel-requests")>{words}</a>
            </p>
        }
    })
}

/// "3 min", "2 h": a wait as a person reads it.
fn duration(secs: i64) -> String {
    match secs {
        s if s < 120 => format!("{s} s"),
        s if s < 7_200 => format!("{} min", s / 60),
        s if s < 172_800 => format!("{} h", s / 3_600),
        s => format!("{} days", s / 86_400),
    }
}

/// How customers cancelled: through a cancel session or the public page,
/// and what became of the public page's declarations.
#[component]
fn Channels(sessions: u64, public: PublicFigures) -> impl IntoView {
    let rows = [
        (
            "sessions",
            "Cancel sessions (from your site)",
            sessions.saturating_sub(public.declared).to_string(),
        ),
        (
            "public",
            "Declarations on the public cancel page",
            public.declared.to_string(),
        ),
        (
            "matched",
            "… matched in Stripe and cancelled at once",
            public.matched.to_string(),
        ),
        (
            "reviewed",
            "… cancelled by a reviewer",
            public.reviewed.to_string(),
        ),
        (
            "not-matched",
            "… matching no contract",
            public.not_matched.to_string(),
        ),
        ("open", "… waiting for review", public.open.to_string()),
        (
            "wait",
            "Mean time from receipt to resolution",
            public
                .mean_seconds_to_resolve
                .map_or_else(|| "—".to_owned(), duration),
        ),
    ];
    view! {
        <section aria-labelledby="channels">
            <h2 id="channels">"By channel"</h2>
            <table>
                <tbody>
                    {rows.into_iter().map(|(id, label, value)| view! {
                        <tr><th scope="row">{label}</th><td data-testid=format!("channel-{id}")>{value}</td></tr>
                    }).collect_view()}
                </tbody>
            </table>
        </section>
    }
}

#[component]
fn ReportView(report: Report) -> impl IntoView {
    let t = report.total.clone();
    let kpis = [
        ("sessions", "Sessions", t.sessions.to_string()),
        ("saves", "Saves", t.saves.to_string()),
        ("offers", "Offers accepted", t.offers.to_string()),
        ("deflects", "Deflects", t.deflects.to_string()),
        ("cancels", "Cancels", t.cancels.to_string()),
        ("lost", "Saves lost", t.lost.to_string()),
        ("save-rate", "Save rate", rate(&t)),
        (
            "direct-cancels",
            "Direct cancellations",
            report.direct_cancels.to_string(),
        ),
    ];
    let day_labels: Vec<String> = report
        .series
        .iter()
        .map(|b| crate::format::date(b.start))
        .collect();
    let counts = vec![
        Series {
            name: "Saves",
            class: "s-save",
            values: report.series.iter().map(|b| b.tally.saves as f64).collect(),
        },
        Series {
            name: "Saves lost",
            class: "s-lost",
            values: report.series.iter().map(|b| b.tally.lost as f64).collect(),
        },
        Series {
            name: "Cancels",
            class: "s-cancel",
            values: report
                .series
                .iter()
                .map(|b| b.tally.cancels as f64)
                .collect(),
        },
        Series {
            name: "Undecided",
            class: "s-open",
            values: report.series.iter().map(|b| b.tally.open as f64).collect(),
        },
    ];
    // The revenue chart shows the currency with the most at stake.
    let main = t
        .money
        .iter()
        .max_by_key(|(_, m)| m.mrr_saved + m.mrr_lost)
        .map(|(c, _)| c.clone());
    let revenue_chart = main.map(|c| {
        let pick = |f: fn(&holdfast_core::report::Money) -> i64| {
            report.series.iter().map(|b| b.tally.money.get(&c).map_or(0, f) as f64).collect::<Vec<_>>()
        };
        let series = vec![
            Series { name: "MRR saved", class: "s-save", values: pick(|m| m.mrr_saved) },
            Series { name: "MRR lost", class: "s-cancel", values: pick(|m| m.mrr_lost) },
        ];
        view! { <StackedBars title=format!("Revenue per month, {}", c.to_uppercase()) labels=day_labels.clone() series=series format=money_axis/> }
    });
    view! {
        <section aria-labelledby="totals">
            <h2 id="totals">"Totals"</h2>
            <dl class="kpis">
                {kpis.into_iter().map(|(id, label, value)| view! {
                    <div class="kpi"><dt>{label}</dt><dd data-testid=format!("kpi-{id}")>{value}</dd></div>
                }).collect_view()}
            </dl>
            {(report.repeats > 0).then(|| view! {
                <p class="hint" data-testid="repeats">{format!("{} repeat sessions of the same subscriptions within 60 days are counted once.", report.repeats)}</p>
            })}
            <RevenueTable tally=t.clone()/>
        </section>
        <Channels sessions=t.sessions public=report.public.clone()/>
        <section aria-labelledby="over-time">
            <h2 id="over-time">"Over time"</h2>
            <StackedBars title="Sessions by outcome".to_owned() labels=day_labels series=counts format=count_axis/>
            {revenue_chart}
        </section>
        <section aria-labelledby="breakdowns">
            <h2 id="breakdowns">"Breakdowns"</h2>
            <Breakdown title="By reason" column="Reason" groups=report.by_reason.clone()/>
            <Breakdown title="By offer" column="Offer" groups=report.by_offer.clone()/>
            <Breakdown title="By audience" column="Audience" groups=report.by_audience.clone()/>
            <Breakdown title="By variant" column="Variant" groups=report.by_variant.clone()/>
            <Breakdown title="By country" column="Country" groups=report.by_country.clone()/>
            <Breakdown title="By compliance mode" column="Mode" groups=report.by_mode.clone()/>
        </section>
        {(!report.lift.is_empty()).then(|| view! {
            <section aria-labelledby="holdout">
                <h2 id="holdout">"Holdout"</h2>
                {report.lift.iter().cloned().map(|l| view! { <LiftView lift=l/> }).collect_view()}
            </section>
        })}
    }
}

fn count_axis(v: f64) -> String {
    format!("{v:.0}")
}

fn money_axis(v: f64) -> String {
    money(v.round() as i64, "")
}

#[component]
fn RevenueTable(tally: Tally) -> impl IntoView {
    if tally.money.is_empty() {
        return view! { <p class="hint">"No revenue read from Stripe for these sessions."</p> }
            .into_any();
    }
    view! {
        <table class="list" aria-label="Revenue by currency">
            <thead><tr><th>"Currency"</th><th>"MRR saved"</th><th>"Offer cost (first year)"</th><th>"Net saved (first year)"</th><th>"MRR lost"</th></tr></thead>
            <tbody>
                {tally.money.into_iter().map(|(c, m)| view! {
                    <tr data-testid=format!("revenue-{c}")>
                        <th scope="row">{c.to_uppercase()}</th>
                        <td data-testid="mrr-saved">{money(m.mrr_saved, &c)}</td>
                        <td data-testid="offer-cost">{money(m.offer_cost, &c)}</td>
                        <td data-testid="net-saved">{money(m.net_saved(), &c)}</td>
                        <td data-testid="mrr-lost">{money(m.mrr_lost, &c)}</td>
                    </tr>
                }).collect_view()}
            </tbody>
        </table>
    }
    .into_any()
}

fn money_cell(t: &Tally, f: fn(&holdfast_core::report::Money) -> i64) -> String {
    let parts: Vec<String> = t.money.iter().map(|(c, m)| money(f(m), c)).collect();
    if parts.is_empty() {
        "—".to_owned()
    } else {
        parts.join(", ")
    }
}

#[component]
fn Breakdown(title: &'static str, column: &'static str, groups: Vec<Group>) -> impl IntoView {
    view! {
        <table class="list breakdown" aria-label=title>
            <caption>{title}</caption>
            <thead><tr><th scope="col">{column}</th><th>"Sessions"</th><th>"Saves"</th><th>"Cancels"</th><th>"Save rate"</th><th>"MRR saved"</th><th>"MRR lost"</th></tr></thead>
            <tbody>
                {groups.into_iter().map(|g| view! {
                    <tr>
                        <th scope="row">{g.label}</th>
                        <td>{g.tally.sessions}</td>
                        <td>{g.tally.saves}</td>
                        <td>{g.tally.cancels}</td>
                        <td>{rate(&g.tally)}</td>
                        <td>{money_cell(&g.tally, |m| m.mrr_saved)}</td>
                        <td>{money_cell(&g.tally, |m| m.mrr_lost)}</td>
                    </tr>
                }).collect_view()}
            </tbody>
        </table>
    }
}

#[component]
fn LiftView(lift: ExperienceLift) -> impl IntoView {
    let body = match lift.lift {
        None => {
            "Not enough sessions yet: the holdout and the variants each need a decided session."
                .to_owned()
        }
        Some(l) => {
            let pts = |x: f64| format!("{:+.1}", x * 100.0);
            let verdict = if !l.is_significant() {
                "not distinguishable from chance yet"
            } else if l.difference > 0.0 {
                "the flow saves more than no flow"
            } else {
                "the flow saves fewer than no flow"
            };
            format!(
                "Save rate {} of {} with the flow against {} of {} in the holdout: lift {} points (95% interval {} to {}), {verdict}.",
                percent(l.treated_saves as f64 / l.treated as f64),
                l.treated,
                percent(l.holdout_saves as f64 / l.holdout as f64),
                l.holdout,
                pts(l.difference),
                pts(l.low),
                pts(l.high),
            )
        }
    };
    view! {
        <div class="lift" data-testid=format!("lift-{}", lift.experience)>
            <h3>{lift.label}</h3>
            <p>{body}</p>
        </div>
    }
}
