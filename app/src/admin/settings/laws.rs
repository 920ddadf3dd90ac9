//! Languages and laws: the page's default language, who sends the
//! confirmation e-mail, which cancel flow each country gets, and the
//! public cancel page.

use holdfast_core::declaration::PublicProduct;
use holdfast_core::jurisdiction::{Mode, Rule};
use holdfast_core::locale::Locale;
use holdfast_core::settings::field;
use leptos::prelude::*;

use super::{Form, OwnerOnly};
use crate::admin::fields::FieldError;

fn mode_label(m: Mode) -> &'static str {
    match m {
        Mode::Direct => "Direct cancellation (one confirmation page)",
        Mode::ClickToCancel => "Click to cancel (cancel on every screen, at most one offer)",
        Mode::Standard => "Standard (this app's flow)",
    }
}

#[component]
pub fn Laws(form: Form) -> impl IntoView {
    let s = form.s;
    let len = move || s.with(|v| v.jurisdiction_rules.len());
    view! {
        <h2>"Languages and laws"</h2>
        <label for="default-locale">"Default language (when neither your snippet nor the customer's browser names one Holdfast speaks)"</label>
        <select id="default-locale" on:change=move |ev| {
            if let Some(l) = Locale::parse(&event_target_value(&ev)) {
                s.update(|v| v.default_locale = l);
            }
        }>
            {Locale::ALL.into_iter().map(|l| view! {
                <option value=l.tag() selected=move || s.with(|v| v.default_locale == l)>{l.name()}</option>
            }).collect_view()}
        </select>
        <OwnerOnly field=field::EMAIL_FROM>
        <label>
            "Confirmation e-mails from (an address on a domain set up in Cloudflare Email Service; empty: no e-mail, send your own from the cancel.requested webhook)"
            <input type="email" data-testid="email-from" placeholder="cancel@example.com"
                prop:value=move || s.with(|v| v.email_from.clone().unwrap_or_default())
                on:input=move |ev| s.update(|v| v.email_from = Some(event_target_value(&ev)).filter(|x| !x.trim().is_empty()))/>
        </label>
        <FieldError issues=form.issues field=field::EMAIL_FROM/>
        </OwnerOnly>
        <OwnerOnly field=field::JURISDICTION_RULES>
        <p class="hint">"Where the customer is (from Cloudflare, or the jurisdiction your server passes with the secret key) chooses the flow. The most specific row wins: a region such as US-CA, then a country such as DE, then EU (the EU and EEA, Switzerland and the United Kingdom). Anywhere else: standard."</p>
        <For each=move || 0..len() key=|i| *i let:i>
            <fieldset class="row" data-testid=format!("rule-{i}")>
                <legend>{format!("Rule {}", i + 1)}</legend>
                <label>
                    "Region"
                    <input type="text" placeholder="DE, US-CA or EU"
                        prop:value=move || s.with(|v| v.jurisdiction_rules.get(i).map(|r| r.region.clone()).unwrap_or_default())
                        on:input=move |ev| s.update(|v| if let Some(r) = v.jurisdiction_rules.get_mut(i) { r.region = event_target_value(&ev) })/>
                </label>
                <FieldError issues=form.issues field=field::at(field::JURISDICTION_RULES, i, "region")/>
                <label for=format!("rule-{i}-mode")>"Flow"</label>
                <select id=format!("rule-{i}-mode") on:change=move |ev| {
                    let value = event_target_value(&ev);
                    if let Some(m) = Mode::ALL.into_iter().find(|m| m.as_str() == value) {
                        s.update(|v| if let Some(r) = v.jurisdiction_rules.get_mut(i) { r.mode = m });
                    }
                }>
                    {Mode::ALL.into_iter().map(|m| view! {
                        <option value=m.as_str() selected=move || s.with(|v| v.jurisdiction_rules.get(i).map(|r| r.mode) == Some(m))>{mode_label(m)}</option>
                    }).collect_view()}
                </select>
                <div class="row-actions">
                    <button type="button" class="secondary" on:click=move |_| s.update(|v| { v.jurisdiction_rules.remove(i); })>"Remove rule"</button>
                </div>
            </fieldset>
        </For>
        <button type="button" class="secondary" on:click=move |_| s.update(|v| v.jurisdiction_rules.push(Rule { region: String::new(), mode: Mode::Direct }))>"Add rule"</button>
        <FieldError issues=form.issues field=field::JURISDICTION_RULES/>
        </OwnerOnly>
        <OwnerOnly field=field::PUBLIC_PAGE>
            <PublicPageSetting form=form/>
        </OwnerOnly>
    }
}

/// The public cancel page: on, off, or on while a rule uses the direct
/// mode; and the products a visitor may pick from.
#[component]
fn PublicPageSetting(form: Form) -> impl IntoView {
    let s = form.s;
    let len = move || s.with(|v| v.public_page.products.len());
    let choice = |value: Option<bool>, label: &'static str| {
        view! {
            <label class="check">
                <input type="radio" name="public-page"
                    prop:checked=move || s.with(|v| v.public_page.enabled == value)
                    on:change=move |_| s.update(|v| v.public_page.enabled = value)/>
                {label}
            </label>
        }
    };
    let product = move |i: usize, name: bool| {
        move || {
            s.with(|v| {
                v.public_page
                    .products
                    .get(i)
                    .map(|p| if name { p.name.clone() } else { p.id.clone() })
                    .unwrap_or_default()
            })
        }
    };
    view! {
        <fieldset data-testid="public-page-setting">
            <legend>"Public cancel page: anyone may cancel there without signing in (§312k BGB asks for it in Germany)"</legend>
            {choice(None, "On while a rule above uses the direct cancellation")}
            {choice(Some(true), "On")}
            {choice(Some(false), "Off")}
        </fieldset>
        <label class="check">
            <input type="checkbox" prop:checked=move || s.with(|v| v.public_page.always_review)
                on:change=move |ev| s.update(|v| v.public_page.always_review = event_target_checked(&ev))/>
            "Always review: never cancel a declaration at once, even when Stripe holds exactly one live subscription for its address"
        </label>
        <p class="hint">"Contracts a visitor may pick from (Stripe product ids); none: the visitor gives a customer or contract number only."</p>
        <For each=move || 0..len() key=|i| *i let:i>
            <fieldset class="row" data-testid=format!("public-product-{i}")>
                <legend>{format!("Product {}", i + 1)}</legend>
                <label>"Stripe product id"
                    <input type="text" placeholder="prod_NWjs8kKbJWmuuc" prop:value=product(i, false)
                        on:input=move |ev| s.update(|v| if let Some(p) = v.public_page.products.get_mut(i) { p.id = event_target_value(&ev) })/>
                </label>
                <FieldError issues=form.issues field=field::at(field::PUBLIC_PRODUCTS, i, "id")/>
                <label>"Name the visitor reads"
                    <input type="text" prop:value=product(i, true)
                        on:input=move |ev| s.update(|v| if let Some(p) = v.public_page.products.get_mut(i) { p.name = event_target_value(&ev) })/>
                </label>
                <FieldError issues=form.issues field=field::at(field::PUBLIC_PRODUCTS, i, "name")/>
                <div class="row-actions">
                    <button type="button" class="secondary" on:click=move |_| s.update(|v| { v.public_page.products.remove(i); })>"Remove product"</button>
                </div>
            </fieldset>
        </For>
        <button type="button" class="secondary" on:click=move |_| s.update(|v| v.public_page.products.push(PublicProduct { id: String::new(), name: String::new() }))>"Add product"</button>
        <FieldError issues=form.issues field=field::PUBLIC_PRODUCTS/>
    }
}
