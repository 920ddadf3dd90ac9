//! An app's cancel flow: copy, use cases, cancel options, reasons, offers.
//! The server checks the whole form; its field errors show by their fields.

mod laws;
mod offers;
mod reasons;
mod targeting;
mod translations;

use holdfast_core::cancel::CancelTiming;
use holdfast_core::settings::{sample_fields, AppSettings};
use holdfast_core::template::render;
use leptos::prelude::*;

use super::api;
use super::fields::{FieldError, Issues};
use super::Session;

/// The form's state, shared by its sections.
#[derive(Clone, Copy)]
pub struct Form {
    pub s: RwSignal<AppSettings>,
    pub issues: Issues,
}

impl Form {
    /// A text input bound to one string of the settings.
    pub fn text(
        &self,
        label: &'static str,
        field: &'static str,
        get: fn(&AppSettings) -> &String,
        set: fn(&mut AppSettings, String),
    ) -> impl IntoView {
        let s = self.s;
        view! {
            <label>
                {label}
                <input type="text" prop:value=move || s.with(|v| get(v).clone()) on:input=move |ev| s.update(|v| set(v, event_target_value(&ev)))/>
            </label>
            <FieldError issues=self.issues field=field/>
        }
    }

    /// A whole-number input bound to one `u32` of the settings.
    pub fn number(
        &self,
        label: &'static str,
        field: &'static str,
        (min, max): (u32, Option<u32>),
        get: fn(&AppSettings) -> u32,
        set: fn(&mut AppSettings, u32),
    ) -> impl IntoView {
        let s = self.s;
        view! {
            <label>
                {label}
                <input type="number" min=min.to_string() max=max.map(|m| m.to_string())
                    prop:value=move || s.with(|v| get(v).to_string())
                    on:input=move |ev| s.update(|v| set(v, event_target_value(&ev).parse().unwrap_or(0)))/>
            </label>
            <FieldError issues=self.issues field=field/>
        }
    }

    /// A comma-separated list bound to one list of the settings, with the
    /// server's errors for the list and for each of its entries.
    pub fn list(
        &self,
        label: &'static str,
        placeholder: &'static str,
        field: &'static str,
        get: fn(&AppSettings) -> &Vec<String>,
        set: fn(&mut AppSettings, Vec<String>),
    ) -> impl IntoView {
        let (s, issues) = (self.s, self.issues);
        let parse = |text: String| -> Vec<String> {
            text.split(',')
                .map(|o| o.trim().to_owned())
                .filter(|o| !o.is_empty())
                .collect()
        };
        view! {
            <label>
                {label}
                <input type="text" placeholder=placeholder data-testid=field.replace('_', "-")
                    prop:value=move || s.with(|v| get(v).join(", "))
                    on:change=move |ev| s.update(|v| set(v, parse(event_target_value(&ev))))/>
            </label>
            <FieldError issues=issues field=field/>
            {move || (0..s.with(|v| get(v).len())).map(|i| view! { <FieldError issues=issues field=format!("{field}.{i}")/> }).collect_view()}
        }
    }

    pub fn check(
        &self,
        label: &'static str,
        get: fn(&AppSettings) -> bool,
        set: fn(&mut AppSettings, bool),
    ) -> impl IntoView {
        let s = self.s;
        view! {
            <label class="check">
                <input type="checkbox" prop:checked=move || s.with(get) on:change=move |ev| s.update(|v| set(v, event_target_checked(&ev)))/>
                {label}
            </label>
        }
    }
}

#[component]
pub fn SettingsForm(app_id: String, initial: AppSettings) -> impl IntoView {
    let session = expect_context::<Session>();
    let form = Form {
        s: RwSignal::new(initial),
        issues: Issues::new(),
    };
    let s = form.s;
    let save = Action::new_local(move |(id, settings): &(String, AppSettings)| {
        api::save_settings(session.csrf(), id.clone(), settings.clone())
    });
    Effect::new(move |_| match save.value().get() {
        Some(Ok(saved)) => {
            form.issues.clear();
            s.set(saved);
        }
        Some(Err(e)) => form.issues.set_from(&e),
        None => {}
    });
    let saved = move || matches!(save.value().get(), Some(Ok(_)));
    view! {
        <form class="settings" on:submit=move |ev| {
            ev.prevent_default();
            save.dispatch((app_id.clone(), s.get_untracked()));
        }>
            <h2>"Cancel page"</h2>
            {form.text("Brand", "brand", |v| &v.brand, |v, x| v.brand = x)}
            {form.text("Heading", "title", |v| &v.title, |v, x| v.title = x)}
            <label>
                "Message"
                <textarea rows="3" prop:value=move || s.with(|v| v.message.clone()) on:input=move |ev| s.update(|v| v.message = event_target_value(&ev))></textarea>
            </label>
            <FieldError issues=form.issues field="message"/>
            <p class="hint">"Personalise with {{first_name | there}}, {{subscription.product.name}}, {{account.plan}}, {{custom.anything}}…"</p>
            <p class="preview" data-testid="message-preview">"Preview: " {move || s.with(|v| render(&v.message, &sample_fields()))}</p>
            {form.text("Survey question", "survey_prompt", |v| &v.survey_prompt, |v, x| v.survey_prompt = x)}

            <h2>"Branding"</h2>
            <label>
                "Logo URL (https)"
                <input type="url" prop:value=move || s.with(|v| v.branding.logo_url.clone().unwrap_or_default())
                    on:input=move |ev| s.update(|v| { let x = event_target_value(&ev); v.branding.logo_url = (!x.trim().is_empty()).then_some(x) })/>
            </label>
            <FieldError issues=form.issues field="branding.logo_url"/>
            <label>
                "Accent colour"
                <input type="color" prop:value=move || s.with(|v| v.branding.accent_color.clone())
                    on:input=move |ev| s.update(|v| v.branding.accent_color = event_target_value(&ev))/>
            </label>
            <FieldError issues=form.issues field="branding.accent_color"/>

            <h2>"Use cases"</h2>
            {form.check("Attribution: confirm each save in Stripe and book its monthly revenue", |v| v.attribution, |v, x| v.attribution = x)}
            {form.check("Enrichment: read the subscription from Stripe to personalise and target", |v| v.enrichment, |v, x| v.enrichment = x)}
            {form.check("Manage cancels: cancel the subscription in Stripe", |v| v.manage_cancels, |v, x| v.manage_cancels = x)}
            {form.check("Manage offers: apply accepted offers in Stripe", |v| v.manage_offers, |v, x| v.manage_offers = x)}

            <h2>"Cancel options"</h2>
            <fieldset>
                <legend>"When a cancel takes effect"</legend>
                <label class="check">
                    <input type="radio" name="timing" prop:checked=move || s.with(|v| v.cancel.timing == CancelTiming::AtPeriodEnd)
                        on:change=move |_| s.update(|v| { v.cancel.timing = CancelTiming::AtPeriodEnd; v.cancel.invoice_now = false; v.cancel.prorate = false; })/>
                    "At the end of the billing period"
                </label>
                <label class="check">
                    <input type="radio" name="timing" prop:checked=move || s.with(|v| v.cancel.timing == CancelTiming::Immediately)
                        on:change=move |_| s.update(|v| v.cancel.timing = CancelTiming::Immediately)/>
                    "Immediately"
                </label>
            </fieldset>
            <FieldError issues=form.issues field="cancel.timing"/>
            {form.check("Cancel all of the customer's active subscriptions", |v| v.cancel.all_subscriptions, |v, x| v.cancel.all_subscriptions = x)}
            <Show when=move || s.with(|v| v.cancel.timing == CancelTiming::Immediately)>
                {form.check("Invoice outstanding charges now", |v| v.cancel.invoice_now, |v, x| v.cancel.invoice_now = x)}
                {form.check("Prorate: credit the unused time", |v| v.cancel.prorate, |v, x| v.cancel.prorate = x)}
            </Show>
            <label>
                "Pass-through URL after cancelling (optional; may use {{fields}}; Holdfast signs it)"
                <input type="url" placeholder="https://example.com/cancelled?customer_id={{account.internal_id}}"
                    prop:value=move || s.with(|v| v.cancel.pass_through_url.clone().unwrap_or_default())
                    on:input=move |ev| s.update(|v| v.cancel.pass_through_url = Some(event_target_value(&ev)).filter(|x| !x.trim().is_empty()))/>
            </label>
            <FieldError issues=form.issues field="cancel.pass_through_url"/>

            {form.check("Development: webhooks may use http and private addresses (only where the Worker allows it)", |v| v.webhooks_allow_private, |v, x| v.webhooks_allow_private = x)}
            {form.list("Sites that may show the cancel page in a frame (https origins, comma-separated; none by default)", "https://www.example.com", "embed_origins", |v| &v.embed_origins, |v, x| v.embed_origins = x)}
            {form.list("Return origins: sites customers may be sent back to (save_return_url, cancel_confirmation_url, redirect offers, pass-through URLs; comma-separated; none for a new app)", "https://www.example.com", "return_origins", |v| &v.return_origins, |v, x| v.return_origins = x)}
            {form.list("Trusted for URLs: fields from the customer's browser that pass-through URLs may use (comma-separated). The browser can send any value, and Holdfast signs the URL it fills, so tick a field only if your server checks it again.", "account.internal_id", "trusted_url_fields", |v| &v.trusted_url_fields, |v, x| v.trusted_url_fields = x)}
            {form.check("Show the reasons in a random order (\"other\" stays last)", |v| v.randomize_reasons, |v, x| v.randomize_reasons = x)}
            <reasons::Reasons form=form/>
            <offers::Offers form=form/>
            <targeting::Mappings form=form app_id=app_id.clone()/>
            <targeting::Audiences form=form/>
            <targeting::Experiences form=form/>
            <laws::Laws form=form/>
            <translations::Translations form=form/>

            <h2>"Limits"</h2>
            {form.number("Offer screens per session (a cancel takes at most three clicks: the cancel button and one per offer screen)", "max_offer_screens", (0, Some(3)), |v| v.max_offer_screens, |v, x| v.max_offer_screens = x)}
            {form.number("Precancels accepted per minute (all customers together)", "precancel_per_minute", (1, Some(100_000)), |v| v.precancel_per_minute, |v, x| v.precancel_per_minute = x)}
            {form.number("No new offer within this many days of an accepted one", "offer_cooldown_days", (0, None), |v| v.offer_cooldown_days, |v, x| v.offer_cooldown_days = x)}
            {form.number("Watch each save for this many days before booking it", "attribution_window_days", (1, Some(365)), |v| v.attribution_window_days, |v, x| v.attribution_window_days = x)}

            <div class="save-bar">
                <button class="primary" type="submit" disabled=move || save.pending().get()>"Save"</button>
                {move || saved().then(|| view! { <span role="status" data-testid="saved">"Saved"</span> })}
                {move || (!form.issues.0.get().is_empty()).then(|| view! {
                    <span role="alert" class="field-error" data-testid="save-error">"Not saved: fix the fields marked above."</span>
                })}
                <FieldError issues=form.issues field=""/>
            </div>
        </form>
    }
}
