//! Secrets at rest (issue 13): signing and webhook secrets are sealed with
//! `HOLDFAST_ENCRYPTION_KEY`; the local D1 file holds none in clear.

use serde_json::json;

use crate::helpers::{admin, must_be_alone, python, stack_alone, timed_signature, TestApp};

/// Which of `needles` appear in the local D1 files: in their raw bytes
/// (`raw`), or in any cell of any table as SQLite reads them.
fn found_in_d1(state: &str, raw: bool, needles: &[&str]) -> Vec<String> {
    must_be_alone("found_in_d1");
    let script = r#"
import glob, os, sqlite3, sys
state, raw, needles = sys.argv[1], sys.argv[2] == 'raw', sys.argv[3:]
files = glob.glob(os.path.join(state, '**', '*.sqlite'), recursive=True)
assert files, 'no D1 file under ' + state
parts = []
for f in files:
    if raw:
        for p in (f, f + '-wal'):
            if os.path.exists(p):
                parts.append(open(p, 'rb').read().decode('latin-1'))
    else:
        con = sqlite3.connect('file:' + f + '?mode=ro', uri=True)
        for (t,) in con.execute("SELECT name FROM sqlite_master WHERE type = 'table'").fetchall():
            for row in con.execute('SELECT * FROM "' + t + '"'):
                parts.append(' '.join(str(c) for c in row))
text = '\n'.join(parts)
print(','.join(n for n in needles if n in text))
"#;
    let mut args = vec![state, if raw { "raw" } else { "cells" }];
    args.extend_from_slice(needles);
    python(script, &args)
        .split(',')
        .filter(|s| !s.is_empty())
        .map(str::to_owned)
        .collect()
}

#[test]
fn secrets_are_sealed_at_rest_and_one_command_reseals_the_old_ones() {
    let s = stack_alone();
    let a = admin();
    let TestApp {
        id,
        signing_secret: signing,
    } = a.app_with("Sealed", &json!({"webhooks_allow_private": true}));
    let endpoint = a.send(
        "POST",
        &format!("/api/admin/apps/{id}/webhooks"),
        &json!({"url": format!("{}/hooks/sealed", std::env::var("WEBHOOK_RECEIVER_URL").expect("receiver")), "event_types": []}),
    );
    assert_eq!(endpoint.status, 201, "{}", endpoint.body);
    let whsec = endpoint.body["secret"].as_str().expect("whsec").to_owned();
    assert!(
        found_in_d1(&s.state, true, &[&signing, &whsec]).is_empty(),
        "new secrets never reach the file in clear"
    );
    // Sealed, and still used: the app's signature checks out.
    let sub = s.subscription();
    let (t, hash) = timed_signature(&signing, &sub.id);
    let pre = s.precancel(
        &json!({"app_id": id, "subscription_id": sub.id, "auth_timestamp": t, "auth_hash": hash}),
    );
    assert_eq!(pre.status, 200, "{}", pre.body);

    // The test apps were written by SQL in clear, as before sealing existed.
    let answer = reseal(&s.url);
    assert!(answer.contains("\"resealed\""), "{answer}");
    assert!(
        found_in_d1(&s.state, false, &[&s.signing_secret, &signing, &whsec]).is_empty(),
        "no secret in any cell after the reseal"
    );
    let again = s.precancel(&s.signed("t_signed", &s.subscription().id));
    assert_eq!(
        again.status, 200,
        "re-sealed secrets still sign: {}",
        again.body
    );
}

/// A sealed value is bound to its table, secret and row (issue 37): one
/// copied into another endpoint's row does not open there, and that
/// endpoint's deliveries say its secret is missing.
#[test]
fn a_sealed_webhook_secret_copied_into_another_endpoint_does_not_open_there() {
    let s = stack_alone();
    let a = admin();
    let app = a.app_with("Copied secret", &json!({"webhooks_allow_private": true}));
    let receiver = std::env::var("WEBHOOK_RECEIVER_URL").expect("receiver");
    let endpoint = |name: &str| {
        let e = a.send(
            "POST",
            &format!("/api/admin/apps/{}/webhooks", app.id),
            &json!({"url": format!("{receiver}/hooks/{name}{}", crate::helpers::now()), "event_types": []}),
        );
        assert_eq!(e.status, 201, "{}", e.body);
        e.body["endpoint"]["id"]
            .as_str()
            .or_else(|| e.body["id"].as_str())
            .unwrap_or_else(|| panic!("an id in {}", e.body))
            .to_owned()
    };
    let (mine, other) = (endpoint("mine"), endpoint("other"));
    let stored = s.sql(&format!(
        "SELECT secret FROM webhook_endpoints WHERE id = '{mine}'"
    ));
    let sealed = stored[0]["secret"]
        .as_str()
        .expect("a sealed secret")
        .to_owned();
    assert!(sealed.starts_with("v3:"), "{sealed}");
    s.sql(&format!(
        "UPDATE webhook_endpoints SET secret = '{sealed}' WHERE id = '{other}'"
    ));
    let test = |id: &str| {
        a.send(
            "POST",
            &format!("/api/admin/webhooks/{id}/test"),
            &json!({}),
        )
    };
    let copied = test(&other);
    assert_eq!(copied.status, 200, "{}", copied.body);
    assert_ne!(copied.body["status"], "delivered", "{}", copied.body);
    assert!(
        copied.body["last_error"]
            .as_str()
            .is_some_and(|e| e.contains("secret does not open")),
        "{}",
        copied.body
    );
    let own = test(&mine);
    assert_eq!(
        own.body["status"], "delivered",
        "at its own row: {}",
        own.body
    );
}

fn reseal(url: &str) -> String {
    let root = concat!(env!("CARGO_MANIFEST_DIR"), "/..");
    let out = std::process::Command::new(format!("{root}/scripts/reseal"))
        .arg(url)
        .output()
        .expect("scripts/reseal runs");
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    String::from_utf8_lossy(&out.stdout).into_owned()
}

#[test]
fn a_key_rotation_keeps_old_values_readable_until_everything_is_resealed() {
    let s = stack_alone();
    let env_file = format!("{}/dev.env", s.state);
    let env = std::fs::read_to_string(&env_file).expect("dev.env");
    let old_key = env
        .lines()
        .find_map(|l| l.strip_prefix("HOLDFAST_ENCRYPTION_KEY="))
        .expect("an encryption key")
        .to_owned();
    let TestApp {
        id,
        signing_secret: signing,
    } = admin().new_app("Key rotation");
    let precancel = || {
        let sub = s.subscription();
        let (t, hash) = timed_signature(&signing, &sub.id);
        s.precancel(&json!({"app_id": id, "subscription_id": sub.id, "auth_timestamp": t, "auth_hash": hash}))
            .status
    };
    assert_eq!(precancel(), 200);

    // A new key; the old one stays readable as the previous key.
    let new_key =
        holdfast_core::signing::digest_hex(&format!("rotation {}", crate::helpers::now()));
    let rotated = env.replace(
        &format!("HOLDFAST_ENCRYPTION_KEY={old_key}"),
        &format!("HOLDFAST_ENCRYPTION_KEY={new_key}\nHOLDFAST_ENCRYPTION_KEY_PREVIOUS={old_key}"),
    );
    std::fs::write(&env_file, &rotated).expect("dev.env written");
    s.restart_edge();
    assert_eq!(
        precancel(),
        200,
        "sealed under the previous key, still opens"
    );
    let answer = reseal(&s.url);
    assert!(answer.contains("\"apps\""), "{answer}");
    let kid =
        holdfast_core::vault::key_id(&holdfast_core::vault::key_from_hex(&new_key).expect("key"));
    let stored = s.sql(&format!(
        "SELECT signing_secret FROM apps WHERE id = '{id}'"
    ));
    assert!(
        stored[0]["signing_secret"]
            .as_str()
            .is_some_and(|v| v.starts_with(&format!("v3:{kid}:"))),
        "{stored:?}"
    );

    // The previous key removed: everything opens with the new one alone.
    std::fs::write(&env_file, env.replace(&old_key, &new_key)).expect("dev.env written");
    s.restart_edge();
    assert_eq!(precancel(), 200, "re-sealed under the new key");
    assert_eq!(
        s.precancel(&s.signed("t_signed", &s.subscription().id))
            .status,
        200
    );
}
