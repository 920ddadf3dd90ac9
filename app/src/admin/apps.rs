//! The apps list: create an app and see its secrets once.

use holdfast_core::api::apps::{CreateAppRequest, CreatedApp};
use leptos::prelude::*;
use leptos_router::components::A;

use super::api;
use super::fields::{FieldError, Issues};
use super::Session;

#[component]
pub fn AppsPage() -> impl IntoView {
    let session = expect_context::<Session>();
    let name = RwSignal::new(String::new());
    let issues = Issues::new();
    let create = Action::new_local(move |form: &CreateAppRequest| {
        api::create_app(session.csrf(), form.clone())
    });
    let list = LocalResource::new(move || {
        create.version().get();
        api::apps()
    });
    Effect::new(move |_| {
        if let Some(Err(e)) = create.value().get() {
            issues.set_from(&e);
        }
    });
    view! {
        <h1>"Apps"</h1>
        <p>"Each app has its own snippet, secrets and cancel flow."</p>
        <Transition fallback=|| view! { <p role="status">"Loading…"</p> }>
            {move || {
                list.get()
                    .map(|r| match r {
                        Ok(apps) if apps.is_empty() => view! { <p data-testid="no-apps">"No apps yet."</p> }.into_any(),
                        Ok(apps) => {
                            view! {
                                <table class="list" aria-label="Apps">
                                    <thead><tr><th>"Name"</th><th>"App id"</th><th>"Signed requests"</th></tr></thead>
                                    <tbody>
                                        {apps
                                            .into_iter()
                                            .map(|a| {
                                                view! {
                                                    <tr>
                                                        <td><A href=format!("/admin/apps/{}", a.id)>{a.name.clone()}</A></td>
                                                        <td><code>{a.id.clone()}</code></td>
                                                        <td>{if a.require_signed { "required" } else { "optional" }}</td>
                                                    </tr>
                                                }
                                            })
                                            .collect_view()}
                                    </tbody>
                                </table>
                            }
                                .into_any()
                        }
                        Err(e) => view! { <p role="alert">{e.message()}</p> }.into_any(),
                    })
            }}
        </Transition>
        <form class="inline" on:submit=move |ev| {
            ev.prevent_default();
            issues.clear();
            create.dispatch(CreateAppRequest { name: name.get_untracked() });
        }>
            <label>"New app name"<input type="text" bind:value=name maxlength="80"/></label>
            <button class="primary" type="submit">"Create app"</button>
            <FieldError issues=issues field="name"/>
        </form>
        {move || create.value().get().and_then(Result::ok).map(|created| view! { <NewSecrets created=created/> })}
    }
}

/// Secrets are shown once, right after they are made.
#[component]
pub fn NewSecrets(created: CreatedApp) -> impl IntoView {
    view! {
        <section class="secrets" role="status" data-testid="new-secrets">
            <h2>{format!("{} is ready", created.app.name)}</h2>
            <p>"Copy these now: they are not shown again."</p>
            <dl>
                <dt>"App id"</dt><dd><code data-testid="app-id">{created.app.id.clone()}</code></dd>
                <dt>"Signing secret (for auth_hash)"</dt><dd><code data-testid="signing-secret">{created.signing_secret.clone()}</code></dd>
                <dt>"Secret key (for server-side precancel)"</dt><dd><code data-testid="secret-key">{created.secret_key.clone()}</code></dd>
            </dl>
            <A href=format!("/admin/apps/{}", created.app.id)>"Set up its cancel flow"</A>
        </section>
    }
}
