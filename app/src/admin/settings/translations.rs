//! The admin's own texts in other languages: pick a language, write what
//! should read differently there; empty fields fall back to the default
//! copy. Below, what each language still lacks.

use holdfast_core::locale::Locale;
use holdfast_core::settings::translation::{missing, Translation};
use holdfast_core::settings::AppSettings;
use leptos::prelude::*;

use super::Form;
use crate::admin::fields::FieldError;

/// One translated text: read and written through `at`, with the default
/// copy as its placeholder.
fn input(
    form: Form,
    locale: RwSignal<Locale>,
    label: String,
    field: String,
    own: fn(&AppSettings, &str) -> Option<String>,
    at: for<'a> fn(&'a mut Translation, &str) -> &'a mut Option<String>,
    key: String,
) -> impl IntoView {
    let s = form.s;
    let k1 = key.clone();
    let k2 = key.clone();
    let k3 = key;
    view! {
        <label>
            {move || format!("{}: {label}", locale.get().name())}
            <input type="text"
                placeholder=move || s.with(|v| own(v, &k1).unwrap_or_default())
                prop:value=move || s.with(|v| {
                    let mut t = v.translations.get(&locale.get()).cloned().unwrap_or_default();
                    at(&mut t, &k2).clone().unwrap_or_default()
                })
                on:input=move |ev| {
                    let text = event_target_value(&ev);
                    s.update(|v| {
                        let t = v.translations.entry(locale.get_untracked()).or_default();
                        *at(t, &k3) = Some(text).filter(|x| !x.trim().is_empty());
                    });
                }/>
        </label>
        {move || view! { <FieldError issues=form.issues field=format!("translations.{}.{field}", locale.get().tag())/> }}
    }
}

#[component]
pub fn Translations(form: Form) -> impl IntoView {
    let s = form.s;
    let locale = RwSignal::new(Locale::De);
    let reasons = move || {
        s.with(|v| {
            v.reasons
                .iter()
                .map(|r| (r.id.clone(), r.follow_up.is_some()))
                .collect::<Vec<_>>()
        })
    };
    let offers = move || s.with(|v| v.offers.iter().map(|o| o.id.clone()).collect::<Vec<_>>());
    let lacking = move || s.with(missing);
    view! {
        <h2>"Translations"</h2>
        <p class="hint">"The page's own words (buttons, the direct cancellation, the confirmation and its e-mail) come in every language. Your texts below; a text left empty shows your default copy."</p>
        <label for="translation-locale">"Language"</label>
        <select id="translation-locale" data-testid="translation-locale" on:change=move |ev| {
            if let Some(l) = Locale::parse(&event_target_value(&ev)) { locale.set(l) }
        }>
            {Locale::ALL.into_iter().map(|l| view! { <option value=l.tag() selected=move || locale.get() == l>{l.name()}</option> }).collect_view()}
        </select>
        {input(form, locale, "page title".into(), "title".into(), |v, _| Some(v.title.clone()), |t, _| &mut t.title, String::new())}
        {input(form, locale, "message".into(), "message".into(), |v, _| Some(v.message.clone()), |t, _| &mut t.message, String::new())}
        {input(form, locale, "survey question".into(), "survey_prompt".into(), |v, _| Some(v.survey_prompt.clone()), |t, _| &mut t.survey_prompt, String::new())}
        {move || reasons().into_iter().map(|(id, follow_up)| view! {
            {input(form, locale, format!("reason {id}"), format!("reasons.{id}.label"),
                |v, id| v.reason(id).map(|r| r.label.clone()),
                |t, id| &mut t.reasons.entry(id.to_owned()).or_default().label, id.clone())}
            {follow_up.then(|| input(form, locale, format!("follow-up of {id}"), format!("reasons.{id}.follow_up"),
                |v, id| v.reason(id).and_then(|r| r.follow_up.clone()),
                |t, id| &mut t.reasons.entry(id.to_owned()).or_default().follow_up, id.clone()))}
        }).collect_view()}
        {move || offers().into_iter().map(|id| view! {
            {input(form, locale, format!("offer {id}, title"), format!("offers.{id}.title"),
                |v, id| v.offer(id).map(|o| o.title.clone()),
                |t, id| &mut t.offers.entry(id.to_owned()).or_default().title, id.clone())}
            {input(form, locale, format!("offer {id}, text"), format!("offers.{id}.body"),
                |v, id| v.offer(id).map(|o| o.body.clone()),
                |t, id| &mut t.offers.entry(id.to_owned()).or_default().body, id.clone())}
            {input(form, locale, format!("offer {id}, button"), format!("offers.{id}.accept_label"),
                |v, id| v.offer(id).map(|o| o.accept_label.clone()),
                |t, id| &mut t.offers.entry(id.to_owned()).or_default().accept_label, id.clone())}
        }).collect_view()}
        <h3>"Not translated yet"</h3>
        <ul class="hint" data-testid="missing-translations">
            {move || lacking().into_iter().map(|(l, fields)| {
                let text = if fields.is_empty() { "complete".to_owned() } else { fields.join(", ") };
                view! { <li data-locale=l.tag()><strong>{l.name()}</strong>": "{text}</li> }
            }).collect_view()}
        </ul>
    }
}
