//! The team (owners): admins with their roles, invitations by a one-time
//! link (listed while open, revocable), role changes and removal. And everyone's own account: their
//! signed-in sessions, "sign out everywhere", their password, two-factor
//! sign-in.

use holdfast_core::api::account::{PasswordChange, MIN_PASSWORD_CHARS};
use holdfast_core::team::{InviteRequest, Role, TotpOff};
use leptos::prelude::*;
use leptos_router::hooks::use_navigate;

use super::api;
use super::fields::{FieldError, Issues};
use super::Session;

fn role_label(r: Role) -> &'static str {
    match r {
        Role::Owner => "Owner: everything, secrets and admins included",
        Role::Editor => "Editor: apps and cancel flows, no secrets or admins",
        Role::Viewer => "Viewer: the dashboard and sessions only",
    }
}

#[component]
pub fn TeamPage() -> impl IntoView {
    let session = expect_context::<Session>();
    let invite =
        Action::new_local(move |form: &InviteRequest| api::invite(session.csrf(), form.clone()));
    let set_role = Action::new_local(move |(id, role): &(String, Role)| {
        api::set_role(session.csrf(), id.clone(), *role)
    });
    let remove =
        Action::new_local(move |id: &String| api::remove_admin(session.csrf(), id.clone()));
    let admins = LocalResource::new(move || {
        invite.version().get();
        set_role.version().get();
        remove.version().get();
        api::admins()
    });
    let (email, role) = (RwSignal::new(String::new()), RwSignal::new(Role::Editor));
    let issues = Issues::new();
    Effect::new(move |_| {
        if let Some(Err(e)) = invite.value().get() {
            issues.set_from(&e);
        }
    });
    let change_error = move || {
        set_role
            .value()
            .get()
            .and_then(Result::err)
            .or_else(|| remove.value().get().and_then(Result::err))
    };
    view! {
        <h1>"Team"</h1>
        <Transition fallback=|| view! { <p role="status">"Loading…"</p> }>
            {move || admins.get().map(|r| match r {
                Ok(list) => view! {
                    <table aria-label="Admins">
                        <thead><tr><th scope="col">"E-mail"</th><th scope="col">"Role"</th><th scope="col">"Two-factor"</th><th scope="col">"Remove"</th></tr></thead>
                        <tbody>
                            {list.into_iter().map(|a| {
                                let (id, id2) = (a.id.clone(), a.id.clone());
                                view! {
                                    <tr data-testid=format!("admin-{}", a.email)>
                                        <td>{a.email.clone()}</td>
                                        <td>
                                            <select aria-label=format!("Role of {}", a.email) on:change=move |ev| {
                                                let r = Role::parse(&event_target_value(&ev));
                                                set_role.dispatch((id.clone(), r));
                                            }>
                                                {Role::ALL.into_iter().map(|r| view! { <option value=r.as_str() selected=r == a.role>{r.as_str()}</option> }).collect_view()}
                                            </select>
                                        </td>
                                        <td>{if a.totp { "on" } else { "off" }}</td>
                                        <td><button class="danger" aria-label=format!("Remove {}", a.email) on:click=move |_| {
                                            if window().confirm_with_message("Remove this admin? Their sessions end at once.").unwrap_or(false) {
                                                remove.dispatch(id2.clone());
                                            }
                                        }>"Remove"</button></td>
                                    </tr>
                                }
                            }).collect_view()}
                        </tbody>
                    </table>
                }.into_any(),
                Err(e) => view! { <p role="alert">{e.message()}</p> }.into_any(),
            })}
        </Transition>
        {move || change_error().map(|e| view! { <p role="alert">{e.message()}</p> })}
        <h2>"Invite an admin"</h2>
        <form on:submit=move |ev| {
            ev.prevent_default();
            issues.clear();
            invite.dispatch(InviteRequest { email: email.get_untracked(), role: role.get_untracked() });
        }>
            <label>"E-mail"<input type="email" required bind:value=email/></label>
            <FieldError issues=issues field="email"/>
            <label for="invite-role">"Role"</label>
            <select id="invite-role" on:change=move |ev| role.set(Role::parse(&event_target_value(&ev)))>
                {Role::ALL.into_iter().map(|r| view! { <option value=r.as_str() selected=r == Role::Editor>{role_label(r)}</option> }).collect_view()}
            </select>
            <FieldError issues=issues field=""/>
            <button class="primary" type="submit">"Create invitation link"</button>
        </form>
        {move || invite.value().get().and_then(Result::ok).map(|i| view! {
            <div class="secrets" role="status" data-testid="invite-link">
                <p>{format!("Send this link to {} ({}). It works once, for 72 hours, and is shown only now.", i.email, i.role.as_str())}</p>
                <p><code>{i.link}</code></p>
            </div>
        })}
        <OpenInvites after=invite.version()/>
    }
}

/// The invitations that still work, each with a way to end it.
#[component]
fn OpenInvites(#[prop(into)] after: Signal<usize>) -> impl IntoView {
    let session = expect_context::<Session>();
    let revoke =
        Action::new_local(move |id: &String| api::revoke_invite(session.csrf(), id.clone()));
    let open = LocalResource::new(move || {
        after.get();
        revoke.version().get();
        api::open_invites()
    });
    view! {
        <h2>"Open invitations"</h2>
        <Transition fallback=|| view! { <p role="status">"Loading…"</p> }>
            {move || open.get().map(|r| match r {
                Ok(list) if list.is_empty() => view! { <p data-testid="no-invites">"No open invitations."</p> }.into_any(),
                Ok(list) => view! {
                    <table aria-label="Open invitations">
                        <thead><tr><th scope="col">"E-mail"</th><th scope="col">"Role"</th><th scope="col">"Invited by"</th><th scope="col">"Expires"</th><th scope="col">"Revoke"</th></tr></thead>
                        <tbody>
                            {list.into_iter().map(|i| {
                                let id = i.id.clone();
                                view! {
                                    <tr data-testid=format!("invite-{}", i.email)>
                                        <td>{i.email.clone()}</td>
                                        <td>{i.role.as_str()}</td>
                                        <td>{i.invited_by}</td>
                                        <td>{crate::format::date_time(i.expires_at)}</td>
                                        <td><button class="danger" aria-label=format!("Revoke the invitation of {}", i.email) on:click=move |_| {
                                            revoke.dispatch(id.clone());
                                        }>"Revoke"</button></td>
                                    </tr>
                                }
                            }).collect_view()}
                        </tbody>
                    </table>
                }.into_any(),
                Err(e) => view! { <p role="alert">{e.message()}</p> }.into_any(),
            })}
        </Transition>
        {move || revoke.value().get().and_then(Result::err).map(|e| view! { <p role="alert">{e.message()}</p> })}
    }
}

#[component]
pub fn AccountPage() -> impl IntoView {
    let session = expect_context::<Session>();
    let sessions = LocalResource::new(api::my_sessions);
    let end_all = Action::new_local(move |_: &()| api::end_my_sessions(session.csrf()));
    let navigate = use_navigate();
    Effect::new(move |_| {
        if let Some(Ok(_)) = end_all.value().get() {
            navigate("/admin", Default::default());
            session.0.set(None);
        }
    });
    let totp_on = move || session.0.with(|m| m.as_ref().is_some_and(|m| m.totp));
    view! {
        <h1>"Your account"</h1>
        <h2>"Signed-in sessions"</h2>
        <Transition fallback=|| view! { <p role="status">"Loading…"</p> }>
            {move || sessions.get().map(|r| match r {
                Ok(list) => view! {
                    <ul data-testid="my-sessions">
                        {list.into_iter().map(|s| view! {
                            <li>
                                {format!("Since {} from {}, {}", crate::format::date_time(s.created_at), s.client.unwrap_or_else(|| "an unknown address".to_owned()), s.user_agent.unwrap_or_default())}
                                {s.current.then_some(" (this one)")}
                            </li>
                        }).collect_view()}
                    </ul>
                }.into_any(),
                Err(e) => view! { <p role="alert">{e.message()}</p> }.into_any(),
            })}
        </Transition>
        <button class="secondary" on:click=move |_| {
            end_all.dispatch(());
        }>"Sign out everywhere"</button>
        <h2>"Password"</h2>
        <PasswordForm/>
        <h2>"Two-factor sign-in"</h2>
        {move || if totp_on() { view! { <TotpOff/> }.into_any() } else { view! { <TotpOn/> }.into_any() }}
    }
}

/// The signed-in admin's two-factor state, as the server now has it.
fn mark_totp(session: Session, on: bool) {
    session.0.update(|m| {
        if let Some(m) = m {
            m.totp = on;
        }
    });
}

#[component]
fn TotpOn() -> impl IntoView {
    let session = expect_context::<Session>();
    let start = Action::new_local(move |_: &()| api::start_totp(session.csrf()));
    let confirm =
        Action::new_local(move |code: &String| api::confirm_totp(session.csrf(), code.clone()));
    let code = RwSignal::new(String::new());
    Effect::new(move |_| {
        if let Some(Ok(_)) = confirm.value().get() {
            mark_totp(session, true);
        }
    });
    view! {
        <p>"Off. Turn it on to sign in with a code from an authenticator app as well as your password."</p>
        <button class="secondary" on:click=move |_| {
            start.dispatch(());
        }>"Set up two-factor sign-in"</button>
        {move || start.value().get().map(|r| match r {
            Ok(e) => view! {
                <div class="secrets" data-testid="totp-setup">
                    <p>"Add this key to your authenticator app, then enter the code it shows."</p>
                    <p>"Key: " <code data-testid="totp-secret">{e.secret}</code></p>
                    <p><code>{e.uri}</code></p>
                    <form class="inline" on:submit=move |ev| {
                        ev.prevent_default();
                        confirm.dispatch(code.get_untracked());
                    }>
                        <label>"Code from the app"<input type="text" inputmode="numeric" autocomplete="one-time-code" bind:value=code/></label>
                        <button class="primary" type="submit">"Turn on"</button>
                    </form>
                </div>
            }.into_any(),
            Err(e) => view! { <p role="alert">{e.message()}</p> }.into_any(),
        })}
        {move || confirm.value().get().and_then(Result::err).map(|e| view! { <p role="alert">{e.message()}</p> })}
    }
}

/// Changing one's password: the server ends every other session.
#[component]
fn PasswordForm() -> impl IntoView {
    let session = expect_context::<Session>();
    let (current, new) = (RwSignal::new(String::new()), RwSignal::new(String::new()));
    let issues = Issues::new();
    let change = Action::new_local(move |c: &PasswordChange| {
        api::change_password(session.csrf(), c.clone())
    });
    Effect::new(move |_| match change.value().get() {
        Some(Ok(_)) => {
            current.set(String::new());
            new.set(String::new());
        }
        Some(Err(e)) => issues.set_from(&e),
        None => {}
    });
    let changed = move || matches!(change.value().get(), Some(Ok(_)));
    view! {
        <form on:submit=move |ev| {
            ev.prevent_default();
            issues.clear();
            change.dispatch(PasswordChange { current_password: current.get_untracked(), new_password: new.get_untracked() });
        }>
            <label>"Current password"<input type="password" autocomplete="current-password" required bind:value=current/></label>
            <FieldError issues=issues field="current_password"/>
            <label>"New password"<input type="password" autocomplete="new-password" required minlength=MIN_PASSWORD_CHARS.to_string() bind:value=new/></label>
            <FieldError issues=issues field="new_password"/>
            <FieldError issues=issues field=""/>
            <button class="primary" type="submit" disabled=move || change.pending().get()>"Change password"</button>
        </form>
        {move || changed().then(|| view! { <p role="status" data-testid="password-changed">"Password changed. Your other sessions were signed out."</p> })}
    }
}

#[component]
fn TotpOff() -> impl IntoView {
    let session = expect_context::<Session>();
    let disable =
        Action::new_local(move |off: &TotpOff| api::disable_totp(session.csrf(), off.clone()));
    let (password, code) = (RwSignal::new(String::new()), RwSignal::new(String::new()));
    Effect::new(move |_| {
        if let Some(Ok(_)) = disable.value().get() {
            mark_totp(session, false);
        }
    });
    view! {
        <p data-testid="totp-on">"On: signing in asks for a code from your authenticator app."</p>
        <form class="inline" on:submit=move |ev| {
            ev.prevent_default();
            disable.dispatch(TotpOff { password: password.get_untracked(), code: code.get_untracked() });
        }>
            <label>"Password"<input type="password" autocomplete="current-password" required bind:value=password/></label>
            <label>"Current code"<input type="text" inputmode="numeric" autocomplete="one-time-code" bind:value=code/></label>
            <button class="danger" type="submit">"Turn off"</button>
        </form>
        {move || disable.value().get().and_then(Result::err).map(|e| view! { <p role="alert">{e.message()}</p> })}
    }
}
