//! Offers: copy, placement by reason, and billing picked from the
//! merchant's Stripe coupons and prices (no typing of ids).

use holdfast_core::api::stripe::{CouponOption, PriceOption};
use holdfast_core::billing::OfferKind;
use holdfast_core::billing::{Billing, Interval, ProrationBehavior};
use holdfast_core::offer::Offer;
use holdfast_core::settings::field;
use holdfast_core::settings::sample_fields;
use holdfast_core::template::render;
use leptos::prelude::*;

use super::Form;
use crate::admin::api;
use crate::admin::fields::FieldError;

const KINDS: [(OfferKind, &str); 5] = [
    (OfferKind::Discount, "Discount (a Stripe coupon)"),
    (OfferKind::Pause, "Pause (no service, no charges)"),
    (OfferKind::Extension, "Free extension (service continues)"),
    (OfferKind::PlanChange, "Plan change"),
    (OfferKind::Redirect, "Redirect to your own URL"),
];

fn default_billing(kind: OfferKind) -> Billing {
    match kind {
        OfferKind::Pause => Billing::Pause {
            duration: 1,
            interval: Interval::Month,
        },
        OfferKind::Extension => Billing::Extension {
            duration: 1,
            interval: Interval::Month,
        },
        OfferKind::PlanChange => Billing::PlanChange {
            price: String::new(),
            proration_behavior: ProrationBehavior::CreateProrations,
        },
        OfferKind::Redirect => Billing::Redirect {
            url: "https://".to_owned(),
        },
        OfferKind::Discount => Billing::Discount {
            coupon: String::new(),
        },
    }
}

#[component]
pub fn Offers(form: Form) -> impl IntoView {
    let s = form.s;
    let coupons = LocalResource::new(api::coupons);
    let prices = LocalResource::new(api::prices);
    let len = move || s.with(|v| v.offers.len());
    view! {
        <h2>"Offers"</h2>
        <p class="hint">"An offer shows when the customer picks one of its reasons (or any reason if none is ticked), before the cancel goes through. The cancel button stays on the offer screen."</p>
        <For each=move || 0..len() key=|i| *i let:i>
            <OfferRow form=form i=i coupons=coupons prices=prices/>
        </For>
        <button type="button" class="secondary" on:click=move |_| s.update(|v| {
            let n = v.offers.len() + 1;
            v.offers.push(Offer {
                id: format!("offer_{n}"),
                billing: default_billing(OfferKind::Discount),
                title: String::new(),
                body: String::new(),
                accept_label: "Accept offer".to_owned(),
                reasons: Vec::new(),
                skip_if_discounted: true,
                pass_through_url: None,
            });
        })>"Add offer"</button>
        <FieldError issues=form.issues field=field::OFFERS/>
    }
}

type Options<T> = LocalResource<Result<Vec<T>, api::Error>>;

#[component]
fn OfferRow(
    form: Form,
    i: usize,
    coupons: Options<CouponOption>,
    prices: Options<PriceOption>,
) -> impl IntoView {
    let s = form.s;
    let get = move |f: fn(&Offer) -> String| {
        move || s.with(|v| v.offers.get(i).map(f).unwrap_or_default())
    };
    let set = move |f: fn(&mut Offer, String)| {
        move |ev: leptos::ev::Event| {
            s.update(|v| {
                if let Some(o) = v.offers.get_mut(i) {
                    f(o, event_target_value(&ev))
                }
            })
        }
    };
    let kind = move || {
        s.with(|v| {
            v.offers
                .get(i)
                .map(|o| o.billing.kind())
                .unwrap_or(OfferKind::Discount)
        })
    };
    let path = move |k: &str| field::at(field::OFFERS, i, k);
    view! {
            <fieldset class="row" data-testid=format!("offer-{i}")>
                <legend>{move || format!("Offer {}: {}", i + 1, get(|o| o.title.clone())())}</legend>
                <label>"Title"<input type="text" prop:value=get(|o| o.title.clone()) on:input=set(|o, x| o.title = x)/></label>
                <FieldError issues=form.issues field=path("title")/>
                <label>"Copy"<textarea rows="2" prop:value=get(|o| o.body.clone()) on:input=set(|o, x| o.body = x)></textarea></label>
                <FieldError issues=form.issues field=path("body")/>
            <p class="preview" data-testid=format!("offer-{i}-preview")>"Preview: " {move || s.with(|v| v.offers.get(i).map(|o| render(&o.body, &sample_fields())).unwrap_or_default())}</p>
                <label>"Button"<input type="text" prop:value=get(|o| o.accept_label.clone()) on:input=set(|o, x| o.accept_label = x)/></label>
                <FieldError issues=form.issues field=path("accept_label")/>
                <label>"Id"<input type="text" prop:value=get(|o| o.id.clone()) on:input=set(|o, x| o.id = x)/></label>
                <FieldError issues=form.issues field=path("id")/>
                <label for=format!("offer-{i}-type")>"Type"</label>
    <select id=format!("offer-{i}-type") on:change=move |ev| {
                        let k = event_target_value(&ev);
                        if let Some(k) = OfferKind::from_name(&k) { s.update(|v| if let Some(o) = v.offers.get_mut(i) { o.billing = default_billing(k) }) }
                    }>
                        {KINDS.iter().map(|(k, label)| { let k = *k; view! { <option value=k.as_str() selected=move || kind() == k>{*label}</option> } }).collect_view()}
                    </select>
                {move || match kind() {
                    OfferKind::Discount => view! {
                        <label for=format!("offer-{i}-coupon")>"Coupon"</label>
    <select id=format!("offer-{i}-coupon") on:change=set(|o, x| o.billing = Billing::Discount { coupon: x })>
                                <option value="">"Pick a coupon…"</option>
                                {move || coupons.get().map(|r| match r {
                                    Ok(list) => list.into_iter().map(|c| {
                                        let id = c.id.clone();
                                        view! { <option value=c.id.clone() selected=move || s.with(|v| matches!(v.offers.get(i).map(|o| &o.billing), Some(Billing::Discount { coupon }) if *coupon == id))>{c.label}</option> }
                                    }).collect_view().into_any(),
                                    Err(e) => view! { <option value="" disabled=true>{e.message()}</option> }.into_any(),
                                })}
                            </select>
                        <FieldError issues=form.issues field=path("billing.coupon")/>
                        <label class="check">
                            <input type="checkbox" prop:checked=move || s.with(|v| v.offers.get(i).is_some_and(|o| o.skip_if_discounted))
                                on:change=move |ev| s.update(|v| if let Some(o) = v.offers.get_mut(i) { o.skip_if_discounted = event_target_checked(&ev) })/>
                            "Not for subscriptions that already have a discount"
                        </label>
                    }.into_any(),
                    OfferKind::PlanChange => view! {
                        <label for=format!("offer-{i}-price")>"New price"</label>
    <select id=format!("offer-{i}-price") on:change=set(|o, x| if let Billing::PlanChange { price, .. } = &mut o.billing { *price = x })>
                                <option value="">"Pick a price…"</option>
                                {move || prices.get().map(|r| match r {
                                    Ok(list) => list.into_iter().map(|p| {
                                        let id = p.id.clone();
                                        view! { <option value=p.id.clone() selected=move || s.with(|v| matches!(v.offers.get(i).map(|o| &o.billing), Some(Billing::PlanChange { price, .. }) if *price == id))>{p.label}</option> }
                                    }).collect_view().into_any(),
                                    Err(e) => view! { <option value="" disabled=true>{e.message()}</option> }.into_any(),
                                })}
                            </select>
                        <FieldError issues=form.issues field=path("billing.price")/>
                        <label for=format!("offer-{i}-proration")>"Proration"</label>
    <select id=format!("offer-{i}-proration") on:change=move |ev| {
                                let p = match event_target_value(&ev).as_str() { "always_invoice" => ProrationBehavior::AlwaysInvoice, "none" => ProrationBehavior::None, _ => ProrationBehavior::CreateProrations };
                                s.update(|v| if let Some(Offer { billing: Billing::PlanChange { proration_behavior, .. }, .. }) = v.offers.get_mut(i) { *proration_behavior = p });
                            }>
                                <option value="create_prorations">"Prorate on the next invoice"</option>
                                <option value="always_invoice">"Prorate and invoice now"</option>
                                <option value="none">"No proration"</option>
                            </select>
                    }.into_any(),
                    OfferKind::Pause | OfferKind::Extension => view! {
                        <label>
                            "Duration"
                            <input type="number" min="1" max="24"
                                prop:value=move || s.with(|v| match v.offers.get(i).map(|o| &o.billing) { Some(Billing::Pause { duration, .. } | Billing::Extension { duration, .. }) => duration.to_string(), _ => String::new() })
                                on:input=move |ev| {
                                    let n: u32 = event_target_value(&ev).parse().unwrap_or(0);
                                    s.update(|v| if let Some(Offer { billing: Billing::Pause { duration, .. } | Billing::Extension { duration, .. }, .. }) = v.offers.get_mut(i) { *duration = n });
                                }/>
                        </label>
                        <label for=format!("offer-{i}-interval")>"Interval"</label>
    <select id=format!("offer-{i}-interval") on:change=move |ev| {
                                let n = match event_target_value(&ev).as_str() { "day" => Interval::Day, "week" => Interval::Week, "year" => Interval::Year, _ => Interval::Month };
                                s.update(|v| if let Some(Offer { billing: Billing::Pause { interval, .. } | Billing::Extension { interval, .. }, .. }) = v.offers.get_mut(i) { *interval = n });
                            }>
                                {[("day", "days"), ("week", "weeks"), ("month", "months"), ("year", "years")].into_iter().map(|(k, label)| view! {
                                    <option value=k selected=move || s.with(|v| match v.offers.get(i).map(|o| &o.billing) {
                                        Some(Billing::Pause { interval, .. } | Billing::Extension { interval, .. }) => serde_json::to_value(interval).ok().and_then(|x| x.as_str().map(str::to_owned)).as_deref() == Some(k),
                                        _ => false,
                                    })>{label}</option>
                                }).collect_view()}
                            </select>
                        <FieldError issues=form.issues field=path("billing.duration")/>
                    }.into_any(),
                    OfferKind::Redirect => view! {
                        <label>
                            "URL (may use {{fields}})"
                            <input type="url" prop:value=move || s.with(|v| match v.offers.get(i).map(|o| &o.billing) { Some(Billing::Redirect { url }) => url.clone(), _ => String::new() })
                                on:input=set(|o, x| o.billing = Billing::Redirect { url: x })/>
                        </label>
                        <FieldError issues=form.issues field=path("billing.url")/>
                    }.into_any(),
                }}
                <Show when=move || kind() != OfferKind::Redirect>
                    <label>
                        "Pass-through URL after accepting (optional; may use {{fields}}; Holdfast signs it)"
                        <input type="url" prop:value=get(|o| o.pass_through_url.clone().unwrap_or_default())
                            on:input=set(|o, x| o.pass_through_url = Some(x).filter(|x| !x.trim().is_empty()))/>
                    </label>
                    <FieldError issues=form.issues field=path("pass_through_url")/>
                </Show>
                <fieldset>
                    <legend>"Show for these reasons (none ticked: any reason)"</legend>
                    {move || s.with(|v| v.reasons.iter().map(|r| (r.id.clone(), r.label.clone())).collect::<Vec<_>>()).into_iter().map(|(rid, label)| {
                        let rid2 = rid.clone();
                        view! {
                            <label class="check">
                                <input type="checkbox" prop:checked=move || s.with(|v| v.offers.get(i).is_some_and(|o| o.reasons.contains(&rid)))
                                    on:change=move |ev| {
                                        let on = event_target_checked(&ev);
                                        let rid = rid2.clone();
                                        s.update(|v| if let Some(o) = v.offers.get_mut(i) {
                                            o.reasons.retain(|x| *x != rid);
                                            if on { o.reasons.push(rid) }
                                        });
                                    }/>
                                {label}
                            </label>
                        }
                    }).collect_view()}
                </fieldset>
                <FieldError issues=form.issues field=path("reasons")/>
                <div class="row-actions">
                    <button type="button" class="secondary" on:click=move |_| s.update(|v| { v.offers.remove(i); })>"Remove offer"</button>
                </div>
            </fieldset>
        }
}
