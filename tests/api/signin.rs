//! Sign-in and two-factor against an attacker (issue 35): codes counted
//! per account from any number of clients, failed sign-ins that store
//! nothing unbounded, no login CSRF, changing one's password, and password
//! hashes whose cost can be raised.

use serde_json::{json, Value};

use crate::emails::sent_emails;
use crate::helpers::*;

/// A raw answer with the headers these tests read.
struct Raw {
    status: u16,
    body: Value,
    retry_after: Option<i64>,
    cookie: Option<String>,
}

fn post(path: &str, content_type: &str, body: &str, headers: &[(&str, &str)]) -> Raw {
    let mut req = agent()
        .post(&format!("{}{path}", within_test().url))
        .set("content-type", content_type)
        .set("cf-connecting-ip", &customer_address());
    for (k, v) in headers {
        req = req.set(k, v);
    }
    let resp = match req.send_string(body) {
        Ok(r) => r,
        Err(ureq::Error::Status(_, r)) => r,
        Err(e) => panic!("no answer: {e}"),
    };
    let status = resp.status();
    let retry_after = resp.header("retry-after").and_then(|v| v.parse().ok());
    let cookie = resp.header("set-cookie").map(str::to_owned);
    let text = resp.into_string().unwrap_or_default();
    Raw {
        status,
        body: serde_json::from_str(&text).unwrap_or(Value::Null),
        retry_after,
        cookie,
    }
}

fn login(email: &str, password: &str, totp: Option<&str>) -> Raw {
    let body = json!({"email": email, "password": password, "totp": totp}).to_string();
    post("/api/admin/login", "application/json", &body, &[])
}

/// An editor with two-factor sign-in on: the client, password and secret.
fn with_two_factor() -> (AdminClient, String, Vec<u8>) {
    let (editor, password) = invited("editor");
    let started = editor.send("POST", "/api/admin/me/totp", &json!({}));
    assert_eq!(started.status, 200, "{}", started.body);
    let secret = holdfast_core::totp::decode(started.body["secret"].as_str().expect("secret"))
        .expect("base32");
    let code = holdfast_core::totp::code(&secret, now() - 30);
    let on = editor.send("POST", "/api/admin/me/totp/confirm", &json!({"code": code}));
    assert_eq!(on.status, 200, "{}", on.body);
    (editor, password, secret)
}

/// A six-digit code that is none of the codes around now.
fn wrong_code(secret: &[u8]) -> String {
    let t = now();
    let near: Vec<String> = (-3..=3)
        .map(|k| holdfast_core::totp::code(secret, t + 30 * k))
        .collect();
    (0..10)
        .map(|d| format!("{d}{d}{d}{d}{d}{d}"))
        .find(|c| !near.contains(c))
        .expect("a code that is not near")
}

fn admin_id(s: &Stack, email: &str) -> String {
    s.sql(&format!("SELECT id FROM admins WHERE email = '{email}'"))[0]["id"]
        .as_str()
        .expect("the admin")
        .to_owned()
}

/// The lock ends: its window is moved 15 minutes into the past.
fn end_lock(s: &Stack, id: &str) {
    s.sql(&format!(
        "UPDATE attempt_counts SET since = since - 901 WHERE key = 'codes:{id}'"
    ));
}

/// The notices the owner (the test run's admin) got about `editor`'s lock,
/// waiting a moment for the first.
fn lock_notices(editor: &str) -> usize {
    let owner = std::env::var("ADMIN_EMAIL").expect("ADMIN_EMAIL");
    let count = || {
        sent_emails(&owner)
            .iter()
            .filter(|(subject, body)| subject.contains(editor) && body.contains("locked"))
            .count()
    };
    for _ in 0..20 {
        if count() > 0 {
            break;
        }
        std::thread::sleep(std::time::Duration::from_millis(250));
    }
    count()
}

#[test]
fn thirty_wrong_codes_from_thirty_clients_lock_the_account_until_the_lock_ends() {
    let s = stack_alone();
    let (editor, password, secret) = with_two_factor();
    let wrong = wrong_code(&secret);
    // Each attempt from a client of its own (`login` picks a new address):
    // per-client limits alone would never stop them.
    let statuses: Vec<u16> = (0..30)
        .map(|_| login(&editor.email, &password, Some(&wrong)).status)
        .collect();
    assert_eq!(&statuses[..10], &[401; 10], "{statuses:?}");
    assert_eq!(&statuses[10..], &[429; 20], "{statuses:?}");
    let right = holdfast_core::totp::code(&secret, now());
    let locked = login(&editor.email, &password, Some(&right));
    assert_eq!(locked.status, 429, "the right code too: {}", locked.body);
    assert!(locked.cookie.is_none());
    let retry = locked.retry_after.expect("Retry-After");
    assert!((800..=900).contains(&retry), "{retry}");
    // The owners were told once, for this lock.
    assert_eq!(lock_notices(&editor.email), 1);
    let audit = admin().get("/api/admin/audit").body.to_string();
    assert!(audit.contains("admin.totp_locked") && audit.contains(&editor.email));

    end_lock(&s, &admin_id(&s, &editor.email));
    let right = holdfast_core::totp::code(&secret, now());
    let after = login(&editor.email, &password, Some(&right));
    assert_eq!(after.status, 200, "after the lock: {}", after.body);
    assert!(after.cookie.is_some());
    assert_eq!(lock_notices(&editor.email), 1, "no second notice");
}

#[test]
fn ten_wrong_codes_turning_two_factor_off_lock_it_the_same_way() {
    let s = stack_alone();
    let (editor, password, secret) = with_two_factor();
    let wrong = wrong_code(&secret);
    // The password alone, or a session alone, does not turn it off.
    let no_password = editor.send(
        "POST",
        "/api/admin/me/totp/disable",
        &json!({"password": "not the password", "code": holdfast_core::totp::code(&secret, now())}),
    );
    assert_eq!(no_password.status, 400, "{}", no_password.body);
    assert_eq!(no_password.body["error"]["field"], "password");
    for i in 1..10 {
        let a = editor.send(
            "POST",
            "/api/admin/me/totp/disable",
            &json!({"password": password, "code": wrong}),
        );
        assert_eq!(a.status, 400, "attempt {i}: {}", a.body);
        assert_eq!(a.body["error"]["field"], "code");
    }
    let right = holdfast_core::totp::code(&secret, now());
    let off = editor.send(
        "POST",
        "/api/admin/me/totp/disable",
        &json!({"password": password, "code": right}),
    );
    assert_eq!(off.status, 429, "locked after 10: {}", off.body);
    assert_eq!(off.body["error"]["code"], "rate_limited");
    assert_eq!(editor.get("/api/admin/me").body["totp"], true, "still on");
    let signing_in = login(&editor.email, &password, Some(&right));
    assert_eq!(signing_in.status, 429, "{}", signing_in.body);
    assert_eq!(lock_notices(&editor.email), 1);

    end_lock(&s, &admin_id(&s, &editor.email));
    let right = holdfast_core::totp::code(&secret, now());
    let off = editor.send(
        "POST",
        "/api/admin/me/totp/disable",
        &json!({"password": password, "code": right}),
    );
    assert_eq!(off.status, 200, "{}", off.body);
    assert_eq!(editor.get("/api/admin/me").body["totp"], false);
}

/// Rows of the throttle table and their size, and of the audit log.
fn footprint(s: &Stack) -> Value {
    s.sql(
        "SELECT (SELECT COUNT(*) FROM attempt_counts) AS rows, \
         (SELECT COALESCE(SUM(length(key)), 0) FROM attempt_counts) AS bytes, \
         (SELECT COUNT(*) FROM audit_log) AS audit",
    )[0]
    .clone()
}

#[test]
fn a_sign_in_with_a_60_kb_email_is_refused_and_writes_nothing() {
    let s = stack_alone();
    let before = footprint(&s);
    let huge = format!("{}@example.com", "a".repeat(60 * 1024));
    let refused = login(&huge, "wrong password 123", None);
    assert_eq!(refused.status, 400, "{}", refused.body);
    assert_eq!(refused.body["error"]["field"], "email");
    assert_eq!(footprint(&s), before, "nothing written");
    // At 254 characters it is an e-mail (a wrong one).
    let longest = format!("{}@example.com", "b".repeat(254 - 12));
    assert_eq!(longest.len(), 254);
    assert_eq!(login(&longest, "wrong password 123", None).status, 401);
}

#[test]
fn fifty_failures_for_one_address_leave_one_row_that_holds_no_address() {
    let s = stack_alone();
    let email = format!("nobody-{}@rows.test", now());
    let client = customer_address();
    let body = json!({"email": email, "password": "wrong password 123"}).to_string();
    let rows_before = s.sql("SELECT COUNT(*) AS n FROM attempt_counts WHERE key LIKE 'email:%'")[0]
        ["n"]
        .as_i64()
        .expect("n");
    let mut statuses = Vec::new();
    let mut after_limit = None;
    for i in 0..50 {
        let a = post(
            "/api/admin/login",
            "application/json",
            &body,
            &[("cf-connecting-ip", &client)],
        );
        statuses.push(a.status);
        if i == 5 {
            after_limit = Some(s.sql("SELECT key, n, since FROM attempt_counts ORDER BY key"));
        }
    }
    assert_eq!(&statuses[..5], &[401; 5]);
    assert!(statuses[5..].iter().all(|s| *s == 429), "{statuses:?}");
    let rows = s.sql("SELECT key, n FROM attempt_counts WHERE key LIKE 'email:%'");
    assert_eq!(
        rows.len() as i64,
        rows_before + 1,
        "one row for the address: {rows:?}"
    );
    let all = s.sql("SELECT key, n, since FROM attempt_counts ORDER BY key");
    assert_eq!(
        Some(all.clone()),
        after_limit,
        "nothing written after the 429s"
    );
    assert!(
        !all.iter()
            .any(|r| r["key"].as_str().is_some_and(|k| k.contains("rows.test"))),
        "no key holds the address: {all:?}"
    );
    assert!(
        s.d1_mentions(&[&email]).is_empty(),
        "the address is nowhere in D1"
    );
}

#[test]
fn a_cross_site_or_non_json_sign_in_is_refused_and_sets_no_cookie() {
    let _s = stack();
    let (email, password) = (
        std::env::var("ADMIN_EMAIL").expect("ADMIN_EMAIL"),
        std::env::var("ADMIN_PASSWORD").expect("ADMIN_PASSWORD"),
    );
    let body = json!({"email": email, "password": password}).to_string();
    // What a form on another site can send without a preflight.
    let form = post(
        "/api/admin/login",
        "text/plain",
        &body,
        &[("origin", "https://evil.example")],
    );
    assert_eq!(form.status, 403, "{}", form.body);
    assert!(form.cookie.is_none());
    let json_cross = post(
        "/api/admin/login",
        "application/json",
        &body,
        &[
            ("origin", "https://evil.example"),
            ("sec-fetch-site", "cross-site"),
        ],
    );
    assert_eq!(json_cross.status, 403, "{}", json_cross.body);
    assert!(json_cross.cookie.is_none());
    let plain = post("/api/admin/login", "text/plain", &body, &[]);
    assert_eq!(plain.status, 415, "{}", plain.body);
    assert!(plain.cookie.is_none());
    let setup = post(
        "/api/admin/setup",
        "text/plain;charset=UTF-8",
        &json!({"token": "x", "email": email, "password": password}).to_string(),
        &[],
    );
    assert_eq!(setup.status, 415, "{}", setup.body);
    // The same request as JSON from this origin (or none) signs in.
    let own = within_test().url.clone();
    let ok = post(
        "/api/admin/login",
        "application/json",
        &body,
        &[("origin", &own)],
    );
    assert_eq!(ok.status, 200, "{}", ok.body);
    assert!(ok.cookie.is_some());
    // Two-factor routes too: a signed-in session's code from another site.
    let (editor, _) = invited("editor");
    let cross = agent()
        .post(&format!("{own}/api/admin/me/totp/confirm"))
        .set("cookie", &editor.cookie)
        .set("x-csrf-token", &editor.csrf)
        .set("content-type", "text/plain")
        .send_string(r#"{"code":"123456"}"#);
    let status = match cross {
        Ok(r) => r.status(),
        Err(ureq::Error::Status(code, _)) => code,
        Err(e) => panic!("{e}"),
    };
    assert_eq!(status, 415);
}

#[test]
fn a_password_change_ends_the_other_sessions_and_keeps_this_one() {
    let _s = stack();
    let (here, password) = invited("editor");
    let elsewhere = sign_in(&here.email, &password, None).expect("a second browser");
    let wrong = here.send(
        "POST",
        "/api/admin/me/password",
        &json!({"current_password": "not it at all", "new_password": "a new long passphrase"}),
    );
    assert_eq!(wrong.status, 400, "{}", wrong.body);
    assert_eq!(wrong.body["error"]["field"], "current_password");
    let short = here.send(
        "POST",
        "/api/admin/me/password",
        &json!({"current_password": password, "new_password": "short"}),
    );
    assert_eq!(short.status, 400, "{}", short.body);
    assert_eq!(short.body["error"]["field"], "new_password");
    assert_eq!(
        elsewhere.get("/api/admin/me").status,
        200,
        "nothing changed yet"
    );

    let changed = here.send(
        "POST",
        "/api/admin/me/password",
        &json!({"current_password": password, "new_password": "a new long passphrase"}),
    );
    assert_eq!(changed.status, 200, "{}", changed.body);
    assert_eq!(elsewhere.get("/api/admin/me").status, 401, "signed out");
    assert_eq!(here.get("/api/admin/me").status, 200, "this one stays");
    assert_eq!(
        sign_in(&here.email, &password, None)
            .err()
            .map(|a| a.status),
        Some(401)
    );
    assert!(sign_in(&here.email, "a new long passphrase", None).is_ok());
    let audit = admin().get("/api/admin/audit").body;
    assert!(
        audit.as_array().is_some_and(|l| l
            .iter()
            .any(|e| e["action"] == "admin.password" && e["admin"] == here.email.as_str())),
        "{audit}"
    );
}

#[test]
fn a_hash_of_a_lower_count_is_rehashed_at_the_next_sign_in() {
    let s = stack_alone();
    let (editor, password) = invited("viewer");
    // A hash as an older Holdfast wrote it: 1,000 iterations, computed by
    // Python's hashlib (an implementation independent of ours).
    let old = python(
        "import hashlib, sys\n\
         salt = bytes.fromhex('00112233445566778899aabbccddeeff')\n\
         h = hashlib.pbkdf2_hmac('sha256', sys.argv[1].encode(), salt, 1000)\n\
         print('pbkdf2-sha256$1000$' + salt.hex() + '$' + h.hex())",
        &[&password],
    );
    s.sql(&format!(
        "UPDATE admins SET password_hash = '{old}' WHERE email = '{}'",
        editor.email
    ));
    let stored = |s: &Stack| {
        s.sql(&format!(
            "SELECT password_hash FROM admins WHERE email = '{}'",
            editor.email
        ))[0]["password_hash"]
            .as_str()
            .expect("hash")
            .to_owned()
    };
    assert!(
        sign_in(&editor.email, &password, None).is_ok(),
        "the old hash works"
    );
    let new = stored(&s);
    assert_ne!(new, old);
    let parts: Vec<&str> = new.split('$').collect();
    assert_eq!(parts.len(), 4, "{new}");
    assert_eq!(parts[0], "pbkdf2-sha256");
    assert_eq!(parts[1], "100000", "today's count: {new}");
    assert!(
        sign_in(&editor.email, &password, None).is_ok(),
        "the new one too"
    );
    assert_eq!(stored(&s), new, "rehashed once");
}
