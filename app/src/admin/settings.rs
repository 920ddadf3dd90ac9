//! An app's cancel flow: copy, use cases, cancel options, reasons, offers.
//! The server checks the whole form; its field errors show by their fields.

mod laws;
mod offers;
mod reasons;
mod targeting;
mod translations;

use holdfast_core::cancel::{CancelOptionsStoreFields, CancelTiming};
use holdfast_core::settings::{
    field, roles, sample_fields, AppSettings, AppSettingsStoreFields, BrandingStoreFields,
};
use holdfast_core::team::Role;
use holdfast_core::template::render;
use leptos::prelude::*;
use reactive_stores::{Field, Store};

use super::api;
use super::fields::{FieldError, Issues};
use super::Session;

/// The form's state, shared by its sections: the settings as a store, so
/// each input reads and writes its own field, and the server's issues by
/// field path (`holdfast_core::settings::field`).
#[derive(Clone, Copy)]
pub struct Form {
    pub s: Store<AppSettings>,
    pub issues: Issues,
}

impl Form {
    /// A text input bound to one string of the settings.
    pub fn text(
        &self,
        label: &'static str,
        path: &'static str,
        value: impl Into<Field<String>>,
    ) -> impl IntoView {
        let value = value.into();
        view! {
            <label>
                {label}
                <input type="text" prop:value=move || value.get() on:input=move |ev| value.set(event_target_value(&ev))/>
            </label>
            <FieldError issues=self.issues field=path/>
        }
    }

    /// A whole-number input bound to one `u32` of the settings.
    pub fn number(
        &self,
        label: &'static str,
        path: &'static str,
        (min, max): (u32, Option<u32>),
        value: impl Into<Field<u32>>,
    ) -> impl IntoView {
        let value = value.into();
        view! {
            <label>
                {label}
                <input type="number" min=min.to_string() max=max.map(|m| m.to_string())
                    prop:value=move || value.get().to_string()
                    on:input=move |ev| value.set(event_target_value(&ev).parse().unwrap_or(0))/>
            </label>
            <FieldError issues=self.issues field=path/>
        }
    }

    /// A comma-separated list bound to one list of the settings, with the
    /// server's errors for the list and for each of its entries.
    pub fn list(
        &self,
        label: &'static str,
        placeholder: &'static str,
        path: &'static str,
        value: impl Into<Field<Vec<String>>>,
    ) -> impl IntoView {
        let (value, issues) = (value.into(), self.issues);
        let parse = |text: String| -> Vec<String> {
            text.split(',')
                .map(|o| o.trim().to_owned())
                .filter(|o| !o.is_empty())
                .collect()
        };
        view! {
            <label>
                {label}
                <input type="text" placeholder=placeholder data-testid=path.replace('_', "-")
                    prop:value=move || value.with(|v| v.join(", "))
                    on:change=move |ev| value.set(parse(event_target_value(&ev)))/>
            </label>
            <FieldError issues=issues field=path/>
            {move || (0..value.with(Vec::len)).map(|i| view! { <FieldError issues=issues field=field::at(path, i, "")/> }).collect_view()}
        }
    }

    pub fn check(&self, label: &'static str, value: impl Into<Field<bool>>) -> impl IntoView {
        let value = value.into();
        view! {
            <label class="check">
                <input type="checkbox" prop:checked=move || value.get() on:change=move |ev| value.set(event_target_checked(&ev))/>
                {label}
            </label>
        }
    }
}

#[component]
pub fn SettingsForm(app_id: String, initial: AppSettings) -> impl IntoView {
    let session = expect_context::<Session>();
    let form = Form {
        s: Store::new(initial),
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
            {form.text("Brand", field::BRAND, s.brand())}
            {form.text("Heading", field::TITLE, s.title())}
            <label>
                "Message"
                <textarea rows="3" prop:value=move || s.message().get() on:input=move |ev| s.message().set(event_target_value(&ev))></textarea>
            </label>
            <FieldError issues=form.issues field=field::MESSAGE/>
            <p class="hint">"Personalise with {{first_name | there}}, {{subscription.product.name}}, {{account.plan}}, {{custom.anything}}…"</p>
            <p class="preview" data-testid="message-preview">"Preview: " {move || s.message().with(|m| render(m, &sample_fields()))}</p>
            {form.text("Survey question", field::SURVEY_PROMPT, s.survey_prompt())}

            <h2>"Branding"</h2>
            <label>
                "Logo URL (https)"
                <input type="url" prop:value=move || s.branding().logo_url().get().unwrap_or_default()
                    on:input=move |ev| { let x = event_target_value(&ev); s.branding().logo_url().set((!x.trim().is_empty()).then_some(x)) }/>
            </label>
            <FieldError issues=form.issues field=field::LOGO_URL/>
            <label>
                "Accent colour"
                <input type="color" prop:value=move || s.branding().accent_color().get()
                    on:input=move |ev| s.branding().accent_color().set(event_target_value(&ev))/>
            </label>
            <FieldError issues=form.issues field=field::ACCENT_COLOR/>

            <h2>"Use cases"</h2>
            {form.check("Attribution: confirm each save in Stripe and book its monthly revenue", s.attribution())}
            {form.check("Enrichment: read the subscription from Stripe to personalise and target", s.enrichment())}
            {form.check("Manage cancels: cancel the subscription in Stripe", s.manage_cancels())}
            {form.check("Manage offers: apply accepted offers in Stripe", s.manage_offers())}

            <h2>"Cancel options"</h2>
            <fieldset>
                <legend>"When a cancel takes effect"</legend>
                <label class="check">
                    <input type="radio" name="timing" prop:checked=move || s.cancel().timing().get() == CancelTiming::AtPeriodEnd
                        on:change=move |_| s.cancel().update(|c| { c.timing = CancelTiming::AtPeriodEnd; c.invoice_now = false; c.prorate = false; })/>
                    "At the end of the billing period"
                </label>
                <label class="check">
                    <input type="radio" name="timing" prop:checked=move || s.cancel().timing().get() == CancelTiming::Immediately
                        on:change=move |_| s.cancel().timing().set(CancelTiming::Immediately)/>
                    "Immediately"
                </label>
            </fieldset>
            <FieldError issues=form.issues field=field::CANCEL_TIMING/>
            {form.check("Cancel all of the customer's active subscriptions", s.cancel().all_subscriptions())}
            <Show when=move || s.cancel().timing().get() == CancelTiming::Immediately>
                {form.check("Invoice outstanding charges now", s.cancel().invoice_now())}
                {form.check("Prorate: credit the unused time", s.cancel().prorate())}
            </Show>
            <label>
                "Pass-through URL after cancelling (optional; may use {{fields}}; Holdfast signs it)"
                <input type="url" placeholder="https://example.com/cancelled?customer_id={{account.internal_id}}"
                    prop:value=move || s.cancel().pass_through_url().get().unwrap_or_default()
                    on:input=move |ev| s.cancel().pass_through_url().set(Some(event_target_value(&ev)).filter(|x| !x.trim().is_empty()))/>
            </label>
            <FieldError issues=form.issues field=field::PASS_THROUGH_URL/>

            <OwnerOnly field=field::WEBHOOKS_ALLOW_PRIVATE>
                {form.check("Development: webhooks may use http and private addresses (only where the Worker allows it)", s.webhooks_allow_private())}
            </OwnerOnly>
            <OwnerOnly field=field::RETURN_ORIGINS>
                {form.list("Sites that may show the cancel page in a frame (https origins, comma-separated; none by default)", "https://www.example.com", field::EMBED_ORIGINS, s.embed_origins())}
                {form.list("Return origins: sites customers may be sent back to (save_return_url, cancel_confirmation_url, redirect offers, pass-through URLs; comma-separated; none for a new app)", "https://www.example.com", field::RETURN_ORIGINS, s.return_origins())}
            </OwnerOnly>
            <OwnerOnly field=field::TRUSTED_URL_FIELDS>
                {form.list("Trusted for URLs: fields from the customer's browser that pass-through URLs may use (comma-separated). The browser can send any value, and Holdfast signs the URL it fills, so tick a field only if your server checks it again.", "account.internal_id", field::TRUSTED_URL_FIELDS, s.trusted_url_fields())}
            </OwnerOnly>
            {form.check("Show the reasons in a random order (\"other\" stays last)", s.randomize_reasons())}
            <reasons::Reasons form=form/>
            <offers::Offers form=form/>
            <targeting::Mappings form=form app_id=app_id.clone()/>
            <targeting::Audiences form=form/>
            <targeting::Experiences form=form/>
            <laws::Laws form=form/>
            <translations::Translations form=form/>

            <h2>"Limits"</h2>
            {form.number("Offer screens per session (a cancel takes at most three clicks: the cancel button and one per offer screen)", field::MAX_OFFER_SCREENS, (0, Some(3)), s.max_offer_screens())}
            <OwnerOnly field=field::PRECANCEL_PER_MINUTE>
                {form.number("Precancels accepted per minute (all customers together)", field::PRECANCEL_PER_MINUTE, (1, Some(100_000)), s.precancel_per_minute())}
            </OwnerOnly>
            <OwnerOnly field=field::EMAIL_DAILY_CAP>
                {form.number("Confirmation e-mails sent a day at most (past it the cancel still happens and the message is listed under Operations as not sent)", field::EMAIL_DAILY_CAP, (1, Some(100_000)), s.email_daily_cap())}
            </OwnerOnly>
            {form.number("No new offer within this many days of an accepted one", field::OFFER_COOLDOWN_DAYS, (0, None), s.offer_cooldown_days())}
            {form.number("Watch each save for this many days before booking it", field::ATTRIBUTION_WINDOW_DAYS, (1, Some(365)), s.attribution_window_days())}

            <h2>"Privacy"</h2>
            <OwnerOnly field=field::RETENTION_DAYS>
                {form.number("Keep customers' personal data (e-mail, names, custom fields, comments, Stripe ids and answers) for this many days after a session ends; counts and money stay", field::RETENTION_DAYS, (7, Some(3650)), s.retention_days())}
            </OwnerOnly>

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

/// Settings only owners change (`holdfast_core::settings::roles`): below
/// owner they show read-only, with the reason. The edge refuses the change
/// whatever the page does.
#[component]
pub fn OwnerOnly(field: &'static str, children: Children) -> impl IntoView {
    let session = expect_context::<Session>();
    let owner = move || {
        session
            .0
            .with(|m| m.as_ref().is_some_and(|m| m.role == Role::Owner))
    };
    view! {
        <fieldset class="owner-only" disabled=move || !owner()>
            {move || (!owner()).then(|| view! {
                <p class="hint" data-testid=format!("owner-only-{field}")>{roles::why(field)}</p>
            })}
            {children()}
        </fieldset>
    }
}
