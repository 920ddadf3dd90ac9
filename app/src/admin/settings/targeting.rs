//! Audiences (rules on fields) and experiences (A/B variants, a holdout).

use holdfast_core::api::apps::MappingPreviewRequest;
use holdfast_core::audience::{Audience, Match, Op, Rule};
use holdfast_core::experiment::{Experience, Variant};
use holdfast_core::mapping::{FieldKind, FieldMapping};
use holdfast_core::settings::field;
use leptos::prelude::*;

use super::Form;
use crate::admin::api;
use crate::admin::fields::FieldError;

/// Fields a rule can use: every key of the seed's Stripe payload, and the
/// snippet's data.
const KNOWN_FIELDS: [&str; 24] = [
    "subscription.customer.email",
    "subscription.plan.interval",
    "subscription.plan.id",
    "subscription.id",
    "subscription.current_period_end",
    "subscription.plan.billing_scheme",
    "subscription.customer.created",
    "subscription.trial_start_date",
    "subscription.plan.amount_decimal",
    "subscription.trial_end_date",
    "subscription.product.name",
    "subscription.start_date",
    "subscription.customer.id",
    "subscription.plan.interval_count",
    "subscription.product.id",
    "subscription.created",
    "subscription.current_period_start",
    "subscription.status",
    "subscription.quantity",
    "account.plan",
    "account.value",
    "account.created_at",
    "account.company_name",
    "custom.",
];

const OPS: [(Op, &str, &str); 9] = [
    (Op::Equals, "equals", "equals"),
    (Op::NotEquals, "not_equals", "is not"),
    (Op::Contains, "contains", "contains"),
    (Op::GreaterThan, "greater_than", "is greater than"),
    (Op::LessThan, "less_than", "is less than"),
    (Op::Before, "before", "is before (date)"),
    (Op::After, "after", "is after (date)"),
    (Op::IsEmpty, "is_empty", "is empty"),
    (Op::IsNotEmpty, "is_not_empty", "is not empty"),
];

const KINDS: [(FieldKind, &str, &str); 5] = [
    (FieldKind::Text, "text", "Text"),
    (FieldKind::Date, "date", "Date"),
    (FieldKind::Decimal, "decimal", "Decimal"),
    (FieldKind::Email, "email", "Email"),
    (FieldKind::Url, "url", "URL"),
];

/// Field mappings, with a preview of their values for a real subscription.
#[component]
pub fn Mappings(form: Form, app_id: String) -> impl IntoView {
    let s = form.s;
    let len = move || s.with(|v| v.mappings.len());
    let sub = RwSignal::new(String::new());
    let session = expect_context::<crate::admin::Session>();
    let preview = Action::new_local(move |(sub, mappings): &(String, Vec<FieldMapping>)| {
        api::preview_mappings(
            session.csrf(),
            app_id.clone(),
            MappingPreviewRequest {
                subscription_id: sub.clone(),
                mappings: mappings.clone(),
            },
        )
    });
    let m = move |i: usize| s.with(|v| v.mappings.get(i).cloned());
    let set = move |i: usize, f: Box<dyn FnOnce(&mut FieldMapping)>| {
        s.update(|v| {
            if let Some(x) = v.mappings.get_mut(i) {
                f(x)
            }
        })
    };
    view! {
        <datalist id="known-fields">{KNOWN_FIELDS.iter().map(|f| view! { <option value=*f></option> }).collect_view()}</datalist>
        <h2>"Field mappings"</h2>
        <p class="hint">"Name a field, give it a type, and pick its source from Stripe or the snippet's account.* and custom.* data. Use it in copy as {{name}} and in audiences."</p>
        <For each=move || 0..len() key=|i| *i let:i>
            <div class="rule" data-testid=format!("mapping-{i}")>
                <label>"Name"<input type="text" prop:value=move || m(i).map(|x| x.name).unwrap_or_default()
                    on:input=move |ev| { let x = event_target_value(&ev); set(i, Box::new(move |f| f.name = x)) }/></label>
                <FieldError issues=form.issues field=field::at(field::MAPPINGS, i, "name")/>
                <label for=format!("mapping-{i}-kind")>"Type"</label>
                <select id=format!("mapping-{i}-kind") on:change=move |ev| {
                    let x = event_target_value(&ev);
                    if let Some((k, _, _)) = KINDS.iter().find(|(_, key, _)| *key == x) { let k = *k; set(i, Box::new(move |f| f.kind = k)) }
                }>
                    {KINDS.iter().map(|(k, key, label)| { let k = *k; view! { <option value=*key selected=move || m(i).is_some_and(|x| x.kind == k)>{*label}</option> } }).collect_view()}
                </select>
                <label>"Source"<input type="text" list="known-fields" prop:value=move || m(i).map(|x| x.source).unwrap_or_default()
                    on:input=move |ev| { let x = event_target_value(&ev); set(i, Box::new(move |f| f.source = x)) }/></label>
                <FieldError issues=form.issues field=field::at(field::MAPPINGS, i, "source")/>
                <button type="button" class="secondary" on:click=move |_| s.update(|v| { v.mappings.remove(i); })>"Remove field"</button>
            </div>
        </For>
        <button type="button" class="secondary" on:click=move |_| s.update(|v| {
            v.mappings.push(FieldMapping { name: String::new(), kind: FieldKind::Text, source: String::new() });
        })>"Add field"</button>
        <div class="inline">
            <label>"Preview with subscription"<input type="text" placeholder="sub_…" bind:value=sub/></label>
            <button type="button" class="secondary" on:click=move |_| { preview.dispatch((sub.get_untracked(), s.with_untracked(|v| v.mappings.clone()))); }>"Preview"</button>
        </div>
        {move || preview.value().get().map(|r| match r {
            Ok(values) => view! {
                <table class="list" aria-label="Mapped values">
                    <thead><tr><th>"Field"</th><th>"Source"</th><th>"Value"</th></tr></thead>
                    <tbody>{values.into_iter().map(|v| view! {
                        <tr><td>{v.name}</td><td><code>{v.source}</code></td><td>{v.value.unwrap_or_else(|| format!("(none; raw: {})", v.raw.unwrap_or_else(|| "absent".into())))}</td></tr>
                    }).collect_view()}</tbody>
                </table>
            }.into_any(),
            Err(e) => view! { <p role="alert">{e.message()}</p> }.into_any(),
        })}
    }
}

#[component]
pub fn Audiences(form: Form) -> impl IntoView {
    let s = form.s;
    let len = move || s.with(|v| v.audiences.len());
    view! {
        <h2>"Audiences"</h2>
        <p class="hint">"Groups of subscribers by their fields, for experiences."</p>
        <For each=move || 0..len() key=|i| *i let:i>
            <fieldset class="row" data-testid=format!("audience-{i}")>
                <legend>{format!("Audience {}", i + 1)}</legend>
                <label>"Name"<input type="text" prop:value=move || s.with(|v| v.audiences.get(i).map(|a| a.name.clone()).unwrap_or_default())
                    on:input=move |ev| s.update(|v| if let Some(a) = v.audiences.get_mut(i) { a.name = event_target_value(&ev) })/></label>
                <FieldError issues=form.issues field=field::at(field::AUDIENCES, i, "name")/>
                <label>"Id"<input type="text" prop:value=move || s.with(|v| v.audiences.get(i).map(|a| a.id.clone()).unwrap_or_default())
                    on:input=move |ev| s.update(|v| if let Some(a) = v.audiences.get_mut(i) { a.id = event_target_value(&ev) })/></label>
                <FieldError issues=form.issues field=field::at(field::AUDIENCES, i, "id")/>
                <label for=format!("audience-{i}-match")>"Subscribers matching"</label>
                <select id=format!("audience-{i}-match") on:change=move |ev| {
                    let m = if event_target_value(&ev) == "any" { Match::Any } else { Match::All };
                    s.update(|v| if let Some(a) = v.audiences.get_mut(i) { a.r#match = m });
                }>
                    <option value="all" selected=move || s.with(|v| v.audiences.get(i).is_some_and(|a| a.r#match == Match::All))>"all of these rules"</option>
                    <option value="any" selected=move || s.with(|v| v.audiences.get(i).is_some_and(|a| a.r#match == Match::Any))>"any of these rules"</option>
                </select>
                <Rules form=form i=i/>
                <div class="row-actions">
                    <button type="button" class="secondary" on:click=move |_| s.update(|v| { v.audiences.remove(i); })>"Remove audience"</button>
                </div>
            </fieldset>
        </For>
        <button type="button" class="secondary" on:click=move |_| s.update(|v| {
            let n = v.audiences.len() + 1;
            v.audiences.push(Audience { id: format!("audience_{n}"), name: String::new(), r#match: Match::All,
                rules: vec![Rule { field: "subscription.plan.interval".into(), op: Op::Equals, value: String::new() }] });
        })>"Add audience"</button>
    }
}

#[component]
fn Rules(form: Form, i: usize) -> impl IntoView {
    let s = form.s;
    let len = move || s.with(|v| v.audiences.get(i).map_or(0, |a| a.rules.len()));
    let rule = move |j: usize| s.with(|v| v.audiences.get(i).and_then(|a| a.rules.get(j)).cloned());
    let set = move |j: usize, f: Box<dyn FnOnce(&mut Rule)>| {
        s.update(|v| {
            if let Some(r) = v.audiences.get_mut(i).and_then(|a| a.rules.get_mut(j)) {
                f(r)
            }
        })
    };
    view! {
        <For each=move || 0..len() key=|j| *j let:j>
            <div class="rule" data-testid=format!("audience-{i}-rule-{j}")>
                <label>"Field"<input type="text" list="known-fields" prop:value=move || rule(j).map(|r| r.field).unwrap_or_default()
                    on:input=move |ev| { let x = event_target_value(&ev); set(j, Box::new(move |r| r.field = x)) }/></label>
                <FieldError issues=form.issues field=field::at(&field::at(field::AUDIENCES, i, "rules"), j, "field")/>
                <label for=format!("audience-{i}-rule-{j}-op")>"Condition"</label>
                <select id=format!("audience-{i}-rule-{j}-op") on:change=move |ev| {
                    let x = event_target_value(&ev);
                    if let Some((op, _, _)) = OPS.iter().find(|(_, k, _)| *k == x) { let op = *op; set(j, Box::new(move |r| r.op = op)) }
                }>
                    {OPS.iter().map(|(op, k, label)| { let op = *op; view! { <option value=*k selected=move || rule(j).is_some_and(|r| r.op == op)>{*label}</option> } }).collect_view()}
                </select>
                <label>"Value"<input type="text" prop:value=move || rule(j).map(|r| r.value).unwrap_or_default()
                    on:input=move |ev| { let x = event_target_value(&ev); set(j, Box::new(move |r| r.value = x)) }/></label>
                <button type="button" class="secondary" on:click=move |_| s.update(|v| if let Some(a) = v.audiences.get_mut(i) { a.rules.remove(j); })>"Remove rule"</button>
            </div>
        </For>
        <button type="button" class="secondary" on:click=move |_| s.update(|v| if let Some(a) = v.audiences.get_mut(i) {
            a.rules.push(Rule { field: String::new(), op: Op::Equals, value: String::new() });
        })>"Add rule"</button>
    }
}

#[component]
pub fn Experiences(form: Form) -> impl IntoView {
    let s = form.s;
    let len = move || s.with(|v| v.experiences.len());
    view! {
        <h2>"Experiences"</h2>
        <p class="hint">"The first experience whose audience matches runs; subscribers in no audience see the page above. Variants split traffic by weight; the holdout sees no offer, to measure what offers add."</p>
        <For each=move || 0..len() key=|i| *i let:i>
            <ExperienceRow form=form i=i/>
        </For>
        <button type="button" class="secondary" on:click=move |_| s.update(|v| {
            let n = v.experiences.len() + 1;
            v.experiences.push(Experience { id: format!("experience_{n}"), name: String::new(), audience: None, holdout_percent: 0,
                variants: vec![Variant { id: "a".into(), weight: 1, title: None, message: None, offers: None }] });
        })>"Add experience"</button>
    }
}

#[component]
fn ExperienceRow(form: Form, i: usize) -> impl IntoView {
    let s = form.s;
    let exp = move || s.with(|v| v.experiences.get(i).cloned());
    let update = move |f: Box<dyn FnOnce(&mut Experience)>| {
        s.update(|v| {
            if let Some(e) = v.experiences.get_mut(i) {
                f(e)
            }
        })
    };
    let variants = move || exp().map_or(0, |e| e.variants.len());
    view! {
        <fieldset class="row" data-testid=format!("experience-{i}")>
            <legend>{format!("Experience {}", i + 1)}</legend>
            <label>"Name"<input type="text" prop:value=move || exp().map(|e| e.name).unwrap_or_default()
                on:input=move |ev| { let x = event_target_value(&ev); update(Box::new(move |e| e.name = x)) }/></label>
            <label>"Id"<input type="text" prop:value=move || exp().map(|e| e.id).unwrap_or_default()
                on:input=move |ev| { let x = event_target_value(&ev); update(Box::new(move |e| e.id = x)) }/></label>
            <FieldError issues=form.issues field=field::at(field::EXPERIENCES, i, "id")/>
            <label for=format!("experience-{i}-audience")>"Audience"</label>
            <select id=format!("experience-{i}-audience") on:change=move |ev| {
                let x = event_target_value(&ev);
                update(Box::new(move |e| e.audience = (!x.is_empty()).then_some(x)))
            }>
                <option value="" selected=move || exp().is_some_and(|e| e.audience.is_none())>"Everyone"</option>
                {move || s.with(|v| v.audiences.iter().map(|a| (a.id.clone(), a.name.clone())).collect::<Vec<_>>()).into_iter().map(|(id, name)| {
                    let id2 = id.clone();
                    view! { <option value=id selected=move || exp().is_some_and(|e| e.audience.as_deref() == Some(id2.as_str()))>{name}</option> }
                }).collect_view()}
            </select>
            <FieldError issues=form.issues field=field::at(field::EXPERIENCES, i, "audience")/>
            <label>"Holdout (% who see no offer)"<input type="number" min="0" max="50" prop:value=move || exp().map(|e| e.holdout_percent.to_string()).unwrap_or_default()
                on:input=move |ev| { let n = event_target_value(&ev).parse().unwrap_or(0); update(Box::new(move |e| e.holdout_percent = n)) }/></label>
            <FieldError issues=form.issues field=field::at(field::EXPERIENCES, i, "holdout_percent")/>
            <For each=move || 0..variants() key=|j| *j let:j>
                <VariantRow form=form i=i j=j/>
            </For>
            <FieldError issues=form.issues field=field::at(field::EXPERIENCES, i, "variants")/>
            <div class="row-actions">
                <button type="button" class="secondary" on:click=move |_| update(Box::new(|e| {
                    let id = ((b'a' + (e.variants.len() % 26) as u8) as char).to_string();
                    e.variants.push(Variant { id, weight: 1, title: None, message: None, offers: None });
                }))>"Add variant"</button>
                <button type="button" class="secondary" on:click=move |_| s.update(|v| { v.experiences.remove(i); })>"Remove experience"</button>
            </div>
        </fieldset>
    }
}

#[component]
fn VariantRow(form: Form, i: usize, j: usize) -> impl IntoView {
    let s = form.s;
    let var = move || {
        s.with(|v| {
            v.experiences
                .get(i)
                .and_then(|e| e.variants.get(j))
                .cloned()
        })
    };
    let update = move |f: Box<dyn FnOnce(&mut Variant)>| {
        s.update(|v| {
            if let Some(x) = v.experiences.get_mut(i).and_then(|e| e.variants.get_mut(j)) {
                f(x)
            }
        })
    };
    view! {
        <div class="variant" data-testid=format!("experience-{i}-variant-{j}")>
            <h3>{move || format!("Variant {}", var().map(|v| v.id).unwrap_or_default())}</h3>
            <label>"Variant id"<input type="text" prop:value=move || var().map(|v| v.id).unwrap_or_default()
                on:input=move |ev| { let x = event_target_value(&ev); update(Box::new(move |v| v.id = x)) }/></label>
            <FieldError issues=form.issues field=field::at(&field::at(field::EXPERIENCES, i, "variants"), j, "id")/>
            <label>"Weight"<input type="number" min="0" prop:value=move || var().map(|v| v.weight.to_string()).unwrap_or_default()
                on:input=move |ev| { let n = event_target_value(&ev).parse().unwrap_or(0); update(Box::new(move |v| v.weight = n)) }/></label>
            <label>"Heading (leave empty for the page's)"<input type="text" prop:value=move || var().and_then(|v| v.title).unwrap_or_default()
                on:input=move |ev| { let x = event_target_value(&ev); update(Box::new(move |v| v.title = (!x.trim().is_empty()).then_some(x))) }/></label>
            <label class="check">
                <input type="checkbox" prop:checked=move || var().is_some_and(|v| v.offers.is_some())
                    on:change=move |ev| { let on = event_target_checked(&ev); update(Box::new(move |v| v.offers = on.then(Vec::new))) }/>
                "Only some offers"
            </label>
            <Show when=move || var().is_some_and(|v| v.offers.is_some())>
                {move || s.with(|v| v.offers.iter().map(|o| (o.id.clone(), o.title.clone())).collect::<Vec<_>>()).into_iter().map(|(oid, title)| {
                    let oid2 = oid.clone();
                    view! {
                        <label class="check">
                            <input type="checkbox" prop:checked=move || var().and_then(|v| v.offers).is_some_and(|l| l.contains(&oid))
                                on:change=move |ev| {
                                    let on = event_target_checked(&ev);
                                    let oid = oid2.clone();
                                    update(Box::new(move |v| if let Some(l) = v.offers.as_mut() { l.retain(|x| *x != oid); if on { l.push(oid) } }))
                                }/>
                            {title}
                        </label>
                    }
                }).collect_view()}
            </Show>
            <FieldError issues=form.issues field=field::at(&field::at(field::EXPERIENCES, i, "variants"), j, "offers")/>
            <button type="button" class="secondary" on:click=move |_| s.update(|v| if let Some(e) = v.experiences.get_mut(i) { e.variants.remove(j); })>"Remove variant"</button>
        </div>
    }
}
