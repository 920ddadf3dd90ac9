//! One app: install snippet, secret rotation, and its cancel-flow settings.

use holdfast_core::api::apps::{AppSummary, UpdateAppRequest};
use holdfast_core::signature_policy::{UNSIGNED_CONFIRMATION, UNSIGNED_RISK};
use leptos::prelude::*;
use leptos_router::hooks::use_navigate;
use leptos_router::hooks::use_params_map;

use super::api;
use super::settings::SettingsForm;
use super::Session;

/// The confirmation before ending the old secrets: what stops working.
const END_NOW: &str = "End the old secrets now? The old signing secret and the old secret key stop working at once: \
pages that still sign with the old secret and servers that call with the old key are refused (401), \
so their customers get your own cancel page until you deploy the new ones.";

#[component]
pub fn AppPage() -> impl IntoView {
    let params = use_params_map();
    let id = move || params.read().get("id").unwrap_or_default();
    let session = expect_context::<Session>();
    let rotate = Action::new_local(move |(id, now): &(String, bool)| {
        api::rotate(session.csrf(), id.clone(), *now)
    });
    let update = Action::new_local(move |(id, form): &(String, UpdateAppRequest)| {
        api::update_app(session.csrf(), id.clone(), form.clone())
    });
    // Which rotation the shown secrets came from, for their note.
    let ended = RwSignal::new(false);
    let rename = RwSignal::new(String::new());
    let confirming = RwSignal::new(false);
    let delete = Action::new_local(move |id: &String| api::delete_app(session.csrf(), id.clone()));
    let navigate = use_navigate();
    Effect::new(move |_| {
        if let Some(Ok(_)) = delete.value().get() {
            navigate("/admin", Default::default());
        }
    });
    let apps = LocalResource::new(move || {
        update.version().get();
        api::apps()
    });
    // Read where it is used, so the Transition below still waits for it.
    let app = move || {
        apps.get()
            .and_then(Result::ok)
            .and_then(|all| all.into_iter().find(|a| a.id == id()))
    };
    // The name field starts from the app's saved name, whenever it loads.
    Effect::new(move |_| {
        if let Some(a) = app() {
            rename.set(a.name);
        }
    });
    let settings = LocalResource::new(move || api::settings(id()));
    view! {
        <Transition fallback=|| view! { <p role="status">"Loading…"</p> }>
            {move || {
                app().map(|a| {
                    let aid = a.id.clone();
                    let aid3 = a.id.clone();
                    let aid4 = a.id.clone();
                    let aid5 = a.id.clone();
                    view! {
                        <h1>{a.name.clone()}</h1>
                        {(!a.require_signed).then(|| view! { <p class="warning" role="alert" data-testid="unsigned-warning">{UNSIGNED_RISK}</p> })}
                        <form class="inline" on:submit=move |ev| {
                            ev.prevent_default();
                            update.dispatch((aid4.clone(), UpdateAppRequest { name: Some(rename.get_untracked()), ..Default::default() }));
                        }>
                            <label>"App name"<input type="text" maxlength="80" bind:value=rename/></label>
                            <button class="secondary" type="submit">"Rename"</button>
                        </form>
                        {move || update.value().get().and_then(Result::err).map(|e| view! { <p role="alert">{e.message()}</p> })}
                        <section aria-labelledby="install">
                            <h2 id="install">"Install"</h2>
                            <p>"Put this on the page with your Cancel link. Compute auth_hash on your server; never ship the signing secret to the browser."</p>
                            {(!a.require_signed).then(|| view! { <p class="warning" role="alert" data-testid="install-unsigned-warning">{format!("{UNSIGNED_RISK} Sign your requests (below) and require signatures again.")}</p> })}
                            <p data-testid="return-origins-note">"save_return_url and cancel_confirmation_url must be on this app's return origins (below, under the cancel options). A new app lists none, so add your site first, or precancel refuses those URLs."</p>
                            <pre data-testid="snippet"><code>{snippet(&a.id)}</code></pre>
                            <DirectLinks/>
                            <PublicPageLink app_id=a.id.clone()/>
                            <details>
                                <summary>"Computing auth_hash on your server"</summary>
                                <pre><code>{SIGNING_EXAMPLES}</code></pre>
                            </details>
                            <SignaturePolicy app=a.clone() update=update confirming=confirming/>
                            <button class="secondary" on:click=move |_| {
                                ended.set(false);
                                rotate.dispatch((aid.clone(), false));
                            }>"Rotate secrets"</button>
                            <button class="danger" on:click=move |_| {
                                if window().confirm_with_message(END_NOW).unwrap_or(false) {
                                    ended.set(true);
                                    rotate.dispatch((aid5.clone(), true));
                                }
                            }>"Rotate and end the old secrets now"</button>
                            {move || rotate.value().get().map(|r| match r {
                                Ok(s) => view! {
                                    <div class="secrets" role="status" data-testid="rotated">
                                        <p>{if ended.get_untracked() {
                                            "New secrets. The old ones stopped working now; copy these and deploy them."
                                        } else {
                                            "New secrets. The old ones keep working for 24 hours; copy these now."
                                        }}</p>
                                        <p>"Signing secret: " <code>{s.signing_secret}</code></p>
                                        <p>"Secret key: " <code>{s.secret_key}</code></p>
                                    </div>
                                }.into_any(),
                                Err(e) => view! { <p role="alert">{e.message()}</p> }.into_any(),
                            })}
                            <button class="danger" on:click=move |_| {
                                if window().confirm_with_message("Delete this app? Apps with cancel sessions are kept.").unwrap_or(false) {
                                    delete.dispatch(aid3.clone());
                                }
                            }>"Delete app"</button>
                            {move || delete.value().get().and_then(Result::err).map(|e| view! { <p role="alert">{e.message()}</p> })}
                        </section>
                    }
                })
            }}
        </Transition>
        <RevenueCard app_id=Signal::derive(id)/>
        <super::webhooks::Webhooks app_id=Signal::derive(id)/>
        <super::requests::CancelRequests app_id=Signal::derive(id)/>
        <super::customers::CustomerData app_id=Signal::derive(id)/>
        <Transition fallback=|| ()>
            {move || {
                settings
                    .get()
                    .map(|r| match r {
                        Ok(s) => view! { <SettingsForm app_id=id() initial=s/> }.into_any(),
                        Err(e) => view! { <p role="alert">{e.message()}</p> }.into_any(),
                    })
            }}
        </Transition>
    }
}

type Update = Action<(String, UpdateAppRequest), Result<AppSummary, api::Error>>;

/// How the app's precancels must be signed. Requiring a timestamp is the
/// recommended default; allowing unsigned requests takes typed words.
#[component]
fn SignaturePolicy(app: AppSummary, update: Update, confirming: RwSignal<bool>) -> impl IntoView {
    // Kept by the page: the app's view is drawn again after every update,
    // and a wrong answer must leave the confirmation open.
    let typed = RwSignal::new(String::new());
    let max_age = RwSignal::new(app.signature_max_age.unwrap_or(300).to_string());
    let (id, id2, id3, id4) = (
        app.id.clone(),
        app.id.clone(),
        app.id.clone(),
        app.id.clone(),
    );
    let send = move |id: &String, req: UpdateAppRequest| {
        update.dispatch((id.clone(), req));
    };
    view! {
        <fieldset class="signature-policy">
            <legend>"Signatures"</legend>
            <label class="check">
                <input type="checkbox" prop:checked=app.require_signed
                    on:change=move |ev| {
                        if event_target_checked(&ev) {
                            confirming.set(false);
                            send(&id, UpdateAppRequest { require_signed: Some(true), ..Default::default() });
                        } else {
                            // Stays on until the admin types the words.
                            event_target::<leptos::web_sys::HtmlInputElement>(&ev).set_checked(true);
                            confirming.set(true);
                        }
                    }/>
                "Require signed requests (auth_hash or the secret key)"
            </label>
            <Show when=move || confirming.get() && app.require_signed>
                <form class="confirm" data-testid="confirm-unsigned" on:submit={
                    let id = id2.clone();
                    move |ev| {
                        ev.prevent_default();
                        send(&id, UpdateAppRequest { require_signed: Some(false), confirm_unsigned: Some(typed.get_untracked()), ..Default::default() });
                    }
                }>
                    <p role="alert">{format!("{UNSIGNED_RISK} Only the seed's minimal install, which sends app_id and subscription_id alone, needs this.")}</p>
                    <label>{format!("Type \"{UNSIGNED_CONFIRMATION}\" to allow unsigned requests")}<input type="text" bind:value=typed autocomplete="off"/></label>
                    <button class="danger" type="submit">"Allow unsigned requests"</button>
                    <button class="secondary" type="button" on:click=move |_| confirming.set(false)>"Keep them signed"</button>
                </form>
            </Show>
            <label class="check">
                <input type="checkbox" prop:checked=app.signature_max_age.is_some()
                    on:change=move |ev| send(&id3, UpdateAppRequest { require_timestamp: Some(event_target_checked(&ev)), ..Default::default() })/>
                "Require auth_timestamp, so a copied signature goes stale (recommended)"
            </label>
            {app.signature_max_age.is_some().then(|| view! {
                <form class="inline" on:submit=move |ev| {
                    ev.prevent_default();
                    let age = max_age.get_untracked().trim().parse().ok();
                    send(&id4, UpdateAppRequest { signature_max_age: age, ..Default::default() });
                }>
                    <label>"Signature lifetime (seconds, 30 to 3600)"<input type="number" min="30" max="3600" bind:value=max_age/></label>
                    <button class="secondary" type="submit">"Set"</button>
                </form>
            })}
        </fieldset>
    }
}

/// The seed's Revenue card: the last sync with Stripe and how many
/// sessions matched a Stripe customer.
#[component]
fn RevenueCard(app_id: Signal<String>) -> impl IntoView {
    let card = LocalResource::new(move || api::revenue_card(app_id.get()));
    view! {
        <section class="revenue-card" aria-labelledby="revenue" data-testid="revenue-card">
            <h2 id="revenue">"Revenue"</h2>
            <Transition fallback=|| view! { <p role="status">"Loading…"</p> }>
                {move || card.get().map(|r| match r {
                    Ok(c) => view! {
                        <p>{if c.attribution { "Attribution is on: saves are checked in Stripe and watched." } else { "Attribution is off: turn it on below to check saves in Stripe." }}</p>
                        <p>"Last sync: " <strong data-testid="last-sync">{c.last_sync.map_or_else(|| "never".to_owned(), crate::format::date_time)}</strong></p>
                        <p data-testid="matched">{format!("{} of {} sessions matched a customer in Stripe", c.matched, c.sessions)}</p>
                        <p data-testid="watching">{format!("{} saves on the watch list", c.watching)}</p>
                        <p><a href="/admin/dashboard">"Open the dashboard"</a></p>
                    }.into_any(),
                    Err(e) => view! { <p role="alert">{e.message()}</p> }.into_any(),
                })}
            </Transition>
        </section>
    }
}

fn snippet(app_id: &str) -> String {
    let origin = window().location().origin().unwrap_or_default();
    format!(
        r#"<a id="bb-cancel" href="/your/usual/cancel/page">Cancel</a>
<script src="{origin}/js/holdfast.js" async></script>
<script>
  window.addEventListener("load", function () {{
    window.Holdfast.handleData({{
      app_id: "{app_id}",
      subscription_id: "sub_...",          // the customer's Stripe subscription
      auth_timestamp: 1764460800,          // the unix time your server signed at
      auth_hash: "<computed on your server>",
      save_return_url: "https://example.com/account",
      cancel_confirmation_url: "https://example.com/goodbye"
    }});
  }});
</script>"#
    )
}

const SIGNING_EXAMPLES: &str = r##"// Sign "{auth_timestamp}.{subscription_id}" with the unix time now (recommended,
// and required by new apps): a copied signature goes stale in minutes.
// Node.js
const t = Math.floor(Date.now() / 1000);
crypto.createHmac("sha256", SIGNING_SECRET).update(`${t}.${subscriptionId}`).digest("hex")

# Python
t = int(time.time())
hmac.new(SIGNING_SECRET.encode(), f"{t}.{subscription_id}".encode(), hashlib.sha256).hexdigest()

# Ruby
t = Time.now.to_i
OpenSSL::HMAC.hexdigest("SHA256", SIGNING_SECRET, "#{t}.#{subscription_id}")

// PHP
$t = time(); hash_hmac('sha256', "$t.$subscriptionId", SIGNING_SECRET)

// Go
t := time.Now().Unix(); mac := hmac.New(sha256.New, []byte(signingSecret))
mac.Write([]byte(fmt.Sprintf("%d.%s", t, subscriptionID))); hex.EncodeToString(mac.Sum(nil))

// Without auth_timestamp (only if the app does not require it), sign the
// subscription id alone, as brightback.js does.

// Without a billing integration, sign account.internal_id the same way but
// with the account key, not the signing secret itself (Node.js):
const accountKey = crypto.createHmac("sha256", SIGNING_SECRET).update("holdfast account id v1").digest("hex");
crypto.createHmac("sha256", accountKey).update(`${t}.${internalId}`).digest("hex")"##;

/// Where a customer's law asks for a direct cancellation (§312k BGB, the
/// EU's withdrawal function), the Cancel link itself must say so; the
/// wording per language, for the merchant's own pages.
#[component]
fn DirectLinks() -> impl IntoView {
    use holdfast_core::i18n::{get, Key};
    use holdfast_core::locale::Locale;
    view! {
        <details data-testid="direct-links">
            <summary>"The Cancel link's text where the law asks for a direct cancellation"</summary>
            <p>"In Germany (and, for withdrawals, across the EU) the link to the cancel page must be always visible and labelled unambiguously. Use the wording of your page's language; it leads straight to the one-page cancellation Holdfast shows there."</p>
            <table>
                <thead><tr><th>"Language"</th><th>"Link text"</th><th>"Final button"</th></tr></thead>
                <tbody>
                    {Locale::ALL.into_iter().map(|l| view! {
                        <tr lang=l.tag() dir=l.dir()><td>{l.name()}</td><td>{get(l, Key::EntryLink)}</td><td>{get(l, Key::DirectButton)}</td></tr>
                    }).collect_view()}
                </tbody>
            </table>
        </details>
    }
}

/// The public cancel page's link, and the HTML that puts it on every page
/// with the lawful label in the chosen language.
#[component]
fn PublicPageLink(app_id: String) -> impl IntoView {
    use holdfast_core::i18n::{get, Key};
    use holdfast_core::locale::Locale;
    let origin = window().location().origin().unwrap_or_default();
    let url = format!("{origin}/cancel-contract/{app_id}");
    let locale = RwSignal::new(Locale::De);
    let href = url.clone();
    let snippet = move || {
        format!(
            "<a href=\"{href}\" rel=\"nofollow\">{}</a>",
            get(locale.get(), Key::EntryLink)
        )
    };
    view! {
        <section aria-labelledby="public-page" data-testid="public-page">
            <h3 id="public-page">"Public cancel page"</h3>
            <p>"Anyone can cancel a contract there without signing in, as German law (§312k BGB) asks: link it from every page of your site, in the footer. It answers while it is on (Languages and laws, below)."</p>
            <p><a href=url.clone() data-testid="public-page-link">{url.clone()}</a></p>
            <label for="public-page-locale">"Link text in"</label>
            <select id="public-page-locale" on:change=move |ev| {
                if let Some(l) = Locale::parse(&event_target_value(&ev)) {
                    locale.set(l);
                }
            }>
                {Locale::ALL.into_iter().map(|l| view! {
                    <option value=l.tag() selected=l == Locale::De>{l.name()}</option>
                }).collect_view()}
            </select>
            <pre data-testid="public-page-snippet"><code>{snippet}</code></pre>
        </section>
    }
}
