//! Invitations end with their inviter (issue 36): a removed or demoted
//! owner's open invitations stop working; owners list the open ones and
//! revoke any, and the audit log records it.

use serde_json::{json, Value};

use crate::helpers::*;

/// An invitation `by` made: its e-mail and the link's token.
fn invite(by: &AdminClient, role: &str, name: &str) -> (String, String) {
    let email = format!("{name}-{}-{}@invites.test", std::process::id(), now());
    let made = by.send(
        "POST",
        "/api/admin/invites",
        &json!({"email": email, "role": role}),
    );
    assert_eq!(made.status, 201, "{}", made.body);
    let token = made.body["link"]
        .as_str()
        .and_then(|l| l.rsplit_once('#'))
        .expect("a token")
        .1
        .to_owned();
    (email, token)
}

fn accept(token: &str) -> Answer {
    post_raw(
        &format!("{}/api/admin/invites/accept", within_test().url),
        &json!({"token": token, "password": "a long enough passphrase"}).to_string(),
        &[],
    )
}

/// The open invitations, by e-mail.
fn open() -> Vec<Value> {
    let listed = admin().get("/api/admin/invites");
    assert_eq!(listed.status, 200, "{}", listed.body);
    listed.body.as_array().cloned().unwrap_or_default()
}

fn listed(email: &str) -> Option<Value> {
    open().into_iter().find(|i| i["email"] == email)
}

fn admin_id(email: &str) -> String {
    let all = admin().get("/api/admin/admins").body;
    all.as_array()
        .and_then(|l| l.iter().find(|a| a["email"] == email))
        .and_then(|a| a["id"].as_str())
        .expect("the admin")
        .to_owned()
}

#[test]
fn a_demoted_or_removed_owners_invitations_stop_working() {
    // Alone: the team's owners change.
    let _s = stack_alone();
    let (owner, _) = invited("owner");
    let (editor_email, editor_token) = invite(&owner, "editor", "by-owner-editor");
    let (owner_email, owner_token) = invite(&owner, "owner", "by-owner-owner");
    let (later_email, later_token) = invite(&owner, "editor", "by-owner-later");
    let shown = listed(&owner_email).expect("listed while open");
    assert_eq!(shown["role"], "owner");
    assert_eq!(shown["invited_by"], owner.email.as_str());
    assert!(shown["expires_at"].as_i64().is_some_and(|t| t > now()));
    assert!(
        !shown.to_string().contains(&owner_token),
        "the list never shows a token"
    );

    let id = admin_id(&owner.email);
    let demoted = admin().send(
        "PATCH",
        &format!("/api/admin/admins/{id}"),
        &json!({"role": "editor"}),
    );
    assert_eq!(demoted.status, 200, "{}", demoted.body);
    // An editor no longer gives the owner role; an editor's still works.
    assert!(listed(&owner_email).is_none(), "no longer open");
    assert_eq!(accept(&owner_token).status, 410);
    assert!(listed(&editor_email).is_some());
    let joined = accept(&editor_token);
    assert_eq!(joined.status, 200, "{}", joined.body);

    let removed = admin().send("DELETE", &format!("/api/admin/admins/{id}"), &json!({}));
    assert_eq!(removed.status, 200, "{}", removed.body);
    assert!(listed(&later_email).is_none(), "no longer open");
    assert_eq!(accept(&later_token).status, 410, "the inviter is gone");
}

#[test]
fn an_owner_revokes_an_invitation_which_then_is_refused_and_recorded() {
    let _s = stack();
    let (email, token) = invite(admin(), "viewer", "revoked");
    let id = listed(&email).expect("listed")["id"]
        .as_str()
        .expect("an id")
        .to_owned();
    let (editor, _) = invited("editor");
    let by_editor = editor.send("DELETE", &format!("/api/admin/invites/{id}"), &json!({}));
    assert_eq!(by_editor.status, 403, "owners only: {}", by_editor.body);
    assert_eq!(editor.get("/api/admin/invites").status, 403);

    let revoked = admin().send("DELETE", &format!("/api/admin/invites/{id}"), &json!({}));
    assert_eq!(revoked.status, 200, "{}", revoked.body);
    assert!(listed(&email).is_none(), "the list shows open ones only");
    assert_eq!(accept(&token).status, 410);
    let again = admin().send("DELETE", &format!("/api/admin/invites/{id}"), &json!({}));
    assert_eq!(again.status, 404, "{}", again.body);
    let audit = admin().get("/api/admin/audit").body;
    let entries: Vec<&Value> = audit
        .as_array()
        .map(|l| {
            l.iter()
                .filter(|e| e["action"] == "admin.invite_revoke" && e["target"] == id.as_str())
                .collect()
        })
        .unwrap_or_default();
    assert_eq!(
        entries.len(),
        1,
        "one entry for the one revocation: {audit}"
    );
}
