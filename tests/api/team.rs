//! Admins as a team (issue 13): roles checked by the server on every admin
//! route, invitations that work once, sessions one can end everywhere,
//! two-factor sign-in, and sign-in throttling that cannot lock an owner out.

use std::thread;

use serde_json::json;

use crate::helpers::{
    admin, customer_address, invited, sign_in, stack, stack_alone, AdminClient, Answer,
};

/// Every admin route, with the least role it needs (`look`: anyone; `self`:
/// anyone, a write of one's own; `editor`/`owner`), and whether a permitted
/// call may run in this test (ending one's own sessions would sign the
/// walker out; disconnecting Stripe would disturb other tests).
const ROUTES: &[(&str, &str, &str, bool)] = &[
    ("POST", "/api/admin/logout", "self", false),
    ("GET", "/api/admin/me", "look", true),
    ("GET", "/api/admin/audit", "editor", true),
    ("GET", "/api/admin/apps", "look", true),
    ("POST", "/api/admin/apps", "owner", true),
    ("PATCH", "/api/admin/apps/app_nope", "editor", true),
    ("DELETE", "/api/admin/apps/app_nope", "owner", true),
    ("POST", "/api/admin/apps/app_nope/rotate", "owner", true),
    ("GET", "/api/admin/apps/app_nope/settings", "look", true),
    ("PUT", "/api/admin/apps/app_nope/settings", "editor", true),
    (
        "POST",
        "/api/admin/apps/app_nope/mappings/preview",
        "editor",
        true,
    ),
    ("GET", "/api/admin/stripe", "editor", true),
    ("PUT", "/api/admin/stripe", "owner", true),
    ("DELETE", "/api/admin/stripe", "owner", false),
    ("POST", "/api/admin/stripe/check", "owner", true),
    ("GET", "/api/admin/stripe/coupons", "editor", true),
    ("GET", "/api/admin/stripe/prices", "editor", true),
    ("GET", "/api/admin/apps/app_nope/dashboard", "look", true),
    ("GET", "/api/admin/apps/app_nope/sessions", "look", true),
    ("GET", "/api/admin/apps/app_nope/sessions.csv", "look", true),
    ("GET", "/api/admin/dead-letters", "editor", true),
    ("GET", "/api/admin/emails/failed", "editor", true),
    ("POST", "/api/admin/emails/em_nope/resend", "editor", true),
    (
        "POST",
        "/api/admin/apps/app_nope/customers/export",
        "editor",
        true,
    ),
    (
        "POST",
        "/api/admin/apps/app_nope/customers/erase",
        "owner",
        true,
    ),
    ("GET", "/api/admin/apps/app_nope/revenue", "look", true),
    ("GET", "/api/admin/sessions/ses_nope", "look", true),
    ("GET", "/api/admin/apps/app_nope/webhooks", "editor", true),
    ("POST", "/api/admin/apps/app_nope/webhooks", "owner", true),
    ("PATCH", "/api/admin/webhooks/we_nope", "owner", true),
    ("DELETE", "/api/admin/webhooks/we_nope", "owner", true),
    ("POST", "/api/admin/webhooks/we_nope/rotate", "owner", true),
    ("POST", "/api/admin/webhooks/we_nope/test", "editor", true),
    (
        "GET",
        "/api/admin/webhooks/we_nope/deliveries",
        "editor",
        true,
    ),
    (
        "POST",
        "/api/admin/webhooks/we_nope/deliveries/1/replay",
        "editor",
        true,
    ),
    ("GET", "/api/admin/operations", "editor", true),
    (
        "POST",
        "/api/admin/operations/ses_nope/retry",
        "editor",
        true,
    ),
    ("GET", "/api/admin/admins", "owner", true),
    ("PATCH", "/api/admin/admins/adm_nope", "owner", true),
    ("DELETE", "/api/admin/admins/adm_nope", "owner", true),
    ("POST", "/api/admin/invites", "owner", true),
    ("GET", "/api/admin/invites", "owner", true),
    ("DELETE", "/api/admin/invites/inv_nope", "owner", true),
    ("POST", "/api/admin/me/password", "self", true),
    ("GET", "/api/admin/me/sessions", "look", true),
    ("POST", "/api/admin/me/sessions/end", "self", false),
    ("POST", "/api/admin/me/totp", "self", true),
    ("POST", "/api/admin/me/totp/confirm", "self", true),
    ("POST", "/api/admin/me/totp/disable", "self", true),
    ("POST", "/api/admin/secrets/reseal", "owner", true),
];

fn rank(role: &str) -> u8 {
    match role {
        "owner" => 2,
        "editor" => 1,
        _ => 0,
    }
}

fn call(c: &AdminClient, method: &str, path: &str) -> Answer {
    let body = match path {
        "/api/admin/apps" => json!({"name": "Role walk"}),
        "/api/admin/invites" => json!({"email": "not an email", "role": "viewer"}),
        "/api/admin/stripe" => json!({"key": "not a key"}),
        p if p.contains("/admins/") => json!({"role": "viewer"}),
        p if p.contains("/totp/") => json!({"code": "000000", "password": "not it"}),
        _ => json!({"name": "x"}),
    };
    if method == "GET" {
        c.get(path)
    } else {
        c.send(method, path, &body)
    }
}

#[test]
fn every_admin_route_checks_the_role_on_the_server() {
    let _s = stack();
    let (editor, _) = invited("editor");
    let (viewer, _) = invited("viewer");
    let walkers: [(&str, &AdminClient); 3] =
        [("owner", admin()), ("editor", &editor), ("viewer", &viewer)];
    let mut wrong = Vec::new();
    for (method, path, need, runs) in ROUTES {
        let needed = match *need {
            "owner" => 2,
            "editor" => 1,
            _ => 0,
        };
        for (role, client) in walkers {
            let permitted = rank(role) >= needed;
            if permitted && !runs {
                continue;
            }
            let a = call(client, method, path);
            let refused = a.status == 403 && a.body["error"]["code"] == "forbidden";
            if permitted == refused || a.status == 401 {
                wrong.push(format!("{role} {method} {path}: {} {}", a.status, a.body));
            }
        }
    }
    assert!(wrong.is_empty(), "{wrong:#?}");
    // The routes a permitted walker skipped still sign in and out properly.
    let (last, _) = invited("viewer");
    assert_eq!(
        last.send("POST", "/api/admin/me/sessions/end", &json!({}))
            .status,
        200
    );
    assert_eq!(
        last.get("/api/admin/me").status,
        401,
        "signed out everywhere"
    );
}

#[test]
fn the_route_table_is_walked_whole() {
    // Every admin route of the edge's table is in ROUTES (or public).
    let table = include_str!("../../edge/src/routes/mod.rs");
    let public = [
        "/api/admin/status",
        "/api/admin/setup",
        "/api/admin/login",
        "/api/admin/invites/accept",
    ];
    for line in table.lines() {
        let Some(start) = line.find("\"/api/admin") else {
            continue;
        };
        let path = line[start + 1..].split('"').next().unwrap_or_default();
        if public.contains(&path) {
            continue;
        }
        let pattern = |p: &str| {
            p.split('/')
                .map(|seg| if seg.starts_with(':') { "*" } else { seg })
                .collect::<Vec<_>>()
                .join("/")
        };
        let listed = ROUTES.iter().any(|(_, p, _, _)| {
            let ours: Vec<&str> = p.split('/').collect();
            let theirs: Vec<String> = pattern(path).split('/').map(str::to_owned).collect();
            ours.len() == theirs.len() && ours.iter().zip(&theirs).all(|(o, t)| t == "*" || o == t)
        });
        assert!(listed, "{path} is not walked");
    }
}

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
