//! Admins as a team (issue 13): invitations that work once, roles that
//! change what an admin may do (every route's access: `route_access.rs`),
//! sessions one can end everywhere,
//! two-factor sign-in, and sign-in throttling that cannot lock an owner out.

use std::thread;

use serde_json::json;

use crate::helpers::{admin, customer_address, invited, sign_in, stack, stack_alone};

#[test]
fn an_invitation_works_once_and_not_after_it_expires() {
    let s = stack_alone();
    let email = format!("once-{}@team.test", std::process::id());
    let invite = admin().send(
        "POST",
        "/api/admin/invites",
        &json!({"email": email, "role": "editor"}),
    );
    assert_eq!(invite.status, 201, "{}", invite.body);
    let token = invite.body["link"]
        .as_str()
        .and_then(|l| l.rsplit_once('#'))
        .expect("token")
        .1
        .to_owned();
    let accept = |password: &str| {
        crate::helpers::post_raw(
            &format!("{}/api/admin/invites/accept", s.url),
            &json!({"token": token, "password": password}).to_string(),
            &[],
        )
    };
    assert_eq!(
        accept("short").status,
        400,
        "a weak password changes nothing"
    );
    let first = accept("a long enough passphrase");
    assert_eq!(first.status, 200, "{}", first.body);
    assert_eq!(first.body["role"], "editor");
    let again = accept("another long passphrase");
    assert_eq!(again.status, 410, "{}", again.body);
    assert!(sign_in(&email, "another long passphrase", None).is_err());

    let late = format!("late-{}@team.test", std::process::id());
    let invite = admin().send(
        "POST",
        "/api/admin/invites",
        &json!({"email": late, "role": "viewer"}),
    );
    let token = invite.body["link"]
        .as_str()
        .and_then(|l| l.rsplit_once('#'))
        .expect("token")
        .1
        .to_owned();
    s.sql(&format!(
        "UPDATE admin_invites SET expires_at = 0 WHERE email = '{late}'"
    ));
    let expired = crate::helpers::post_raw(
        &format!("{}/api/admin/invites/accept", s.url),
        &json!({"token": token, "password": "a long enough passphrase"}).to_string(),
        &[],
    );
    assert_eq!(expired.status, 410, "{}", expired.body);
}

#[test]
fn the_team_keeps_an_owner_and_roles_change_what_an_admin_may_do() {
    // Alone: no other test may add an owner while this one checks the last.
    let _s = stack_alone();
    let a = admin();
    let (editor, _) = invited("editor");
    let all = || {
        a.get("/api/admin/admins")
            .body
            .as_array()
            .cloned()
            .unwrap_or_default()
    };
    let id_of = |email: &str| -> String {
        all()
            .iter()
            .find(|x| x["email"] == email)
            .and_then(|x| x["id"].as_str())
            .expect("listed")
            .to_owned()
    };
    let me = id_of(&a.email);
    // Other tests' owners step down, so the run's admin is the last owner.
    for other in all()
        .iter()
        .filter(|x| x["role"] == "owner" && x["id"] != me.as_str())
    {
        let id = other["id"].as_str().expect("id");
        let r = a.send(
            "PATCH",
            &format!("/api/admin/admins/{id}"),
            &json!({"role": "viewer"}),
        );
        assert_eq!(r.status, 200, "{}", r.body);
    }
    let demote = a.send(
        "PATCH",
        &format!("/api/admin/admins/{me}"),
        &json!({"role": "viewer"}),
    );
    assert_eq!(demote.status, 409, "the last owner stays: {}", demote.body);
    assert_eq!(
        a.send("DELETE", &format!("/api/admin/admins/{me}"), &json!({}))
            .status,
        409
    );
    assert_eq!(a.get("/api/admin/me").body["role"], "owner");
    assert_eq!(editor.get("/api/admin/admins").status, 403);
    let id = id_of(&editor.email);
    assert_eq!(
        a.send(
            "PATCH",
            &format!("/api/admin/admins/{id}"),
            &json!({"role": "viewer"})
        )
        .status,
        200
    );
    assert_eq!(editor.get("/api/admin/audit").status, 403, "now a viewer");
    assert_eq!(
        a.send("DELETE", &format!("/api/admin/admins/{id}"), &json!({}))
            .status,
        200
    );
    assert_eq!(
        editor.get("/api/admin/me").status,
        401,
        "removed: signed out"
    );
}

#[test]
fn an_admin_lists_their_sessions_and_signs_out_everywhere() {
    let _s = stack();
    let (first, password) = invited("viewer");
    let second = sign_in(&first.email, &password, None).expect("signs in again");
    let listed = second.get("/api/admin/me/sessions");
    assert_eq!(listed.status, 200);
    let sessions = listed.body.as_array().expect("sessions");
    assert_eq!(sessions.len(), 2, "{}", listed.body);
    assert_eq!(sessions.iter().filter(|x| x["current"] == true).count(), 1);
    assert!(
        !listed.body.to_string().contains(&second.cookie[9..]),
        "no token in the list"
    );
    assert_eq!(
        second
            .send("POST", "/api/admin/me/sessions/end", &json!({}))
            .status,
        200
    );
    assert_eq!(first.get("/api/admin/me").status, 401);
    assert_eq!(second.get("/api/admin/me").status, 401);
}

#[test]
fn two_factor_sign_in_needs_a_fresh_code_once() {
    let _s = stack();
    let (editor, password) = invited("editor");
    let started = editor.send("POST", "/api/admin/me/totp", &json!({}));
    assert_eq!(started.status, 200, "{}", started.body);
    let secret = holdfast_core::totp::decode(started.body["secret"].as_str().expect("secret"))
        .expect("base32");
    assert!(started.body["uri"]
        .as_str()
        .is_some_and(|u| u.starts_with("otpauth://totp/")));
    // Codes of three steps in a row are used below: start early in a step,
    // so the edge's clock stays within a step of these.
    let into = crate::helpers::now().rem_euclid(30);
    if into > 20 {
        thread::sleep(std::time::Duration::from_secs((31 - into) as u64));
    }
    let now = crate::helpers::now();
    let wrong = editor.send(
        "POST",
        "/api/admin/me/totp/confirm",
        &json!({"code": "000000"}),
    );
    assert_ne!(wrong.status, 200);
    let code = holdfast_core::totp::code(&secret, now - 30);
    assert_eq!(
        editor
            .send("POST", "/api/admin/me/totp/confirm", &json!({"code": code}))
            .status,
        200
    );
    assert_eq!(editor.get("/api/admin/me").body["totp"], true);

    let without = sign_in(&editor.email, &password, None)
        .err()
        .expect("refused");
    assert_eq!(without.status, 401);
    assert_eq!(without.body["error"]["code"], "totp_required");
    assert_eq!(
        editor.send("POST", "/api/admin/me/totp", &json!({})).status,
        409,
        "no new secret while one is in use"
    );
    // The confirming code was spent; the next step's code signs in, once.
    let next = holdfast_core::totp::code(&secret, now);
    let signed = sign_in(&editor.email, &password, Some(&next)).expect("with the code");
    let replay = sign_in(&editor.email, &password, Some(&next))
        .err()
        .expect("a code works once");
    assert_eq!(replay.status, 401);
    let stale = holdfast_core::totp::code(&secret, now - 3600);
    let refused = signed.send(
        "POST",
        "/api/admin/me/totp/disable",
        &json!({"password": password, "code": stale}),
    );
    assert_eq!(refused.status, 400, "{}", refused.body);
    assert_eq!(refused.body["error"]["field"], "code");
    let current = holdfast_core::totp::code(&secret, now + 30);
    assert_eq!(
        signed
            .send(
                "POST",
                "/api/admin/me/totp/disable",
                &json!({"password": password, "code": current})
            )
            .status,
        200
    );
    assert!(sign_in(&editor.email, &password, None).is_ok(), "off again");
}

#[test]
fn fifty_concurrent_wrong_passwords_check_at_most_five_and_the_owner_still_signs_in() {
    let s = stack();
    let (target, password) = invited("owner");
    let client = customer_address();
    let url = format!("{}/api/admin/login", s.url);
    let statuses: Vec<u16> = (0..50)
        .map(|i| {
            let (url, client, email) = (url.clone(), client.clone(), target.email.clone());
            thread::spawn(move || {
                let body =
                    json!({"email": email, "password": format!("wrong password {i}")}).to_string();
                // `wrangler dev`'s local proxy (not the Worker) answers 503
                // when fifty connections arrive at once: send that one again.
                let mut status = 503;
                for _ in 0..5 {
                    status =
                        crate::helpers::post_raw(&url, &body, &[("cf-connecting-ip", &client)])
                            .status;
                    if status != 503 {
                        break;
                    }
                    thread::sleep(std::time::Duration::from_millis(200));
                }
                status
            })
        })
        .collect::<Vec<_>>()
        .into_iter()
        .map(|h| h.join().expect("thread"))
        .collect();
    let checked = statuses.iter().filter(|s| **s == 401).count();
    assert!(checked <= 5, "{checked} password checks: {statuses:?}");
    assert!(
        statuses.iter().all(|s| *s == 401 || *s == 429),
        "{statuses:?}"
    );
    // Another client, the right password: the owner is not locked out.
    assert!(sign_in(&target.email, &password, None).is_ok());
}
