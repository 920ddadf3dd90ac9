//! Admins, their sessions, login throttling and the audit log.

use holdfast_core::api::apps::AuditEntry;
use holdfast_core::audit::AdminAction;
use serde::Deserialize;
use serde_json::Value;
use worker::{D1Database, D1PreparedStatement};

use super::{insert_row, int, stmt, text};
use crate::error::AppError;

#[derive(Deserialize)]
struct Count {
    n: i64,
}

pub async fn count_admins(db: &D1Database) -> Result<i64, AppError> {
    let c: Option<Count> = stmt(db, "SELECT COUNT(*) AS n FROM admins", &[])?
        .first(None)
        .await?;
    Ok(c.map_or(0, |c| c.n))
}

/// Creates the first admin only: the insert is refused once any exists, so
/// two racing setup requests cannot both succeed.
pub fn insert_first(
    db: &D1Database,
    id: &str,
    email: &str,
    password_hash: &str,
    now: i64,
) -> Result<D1PreparedStatement, AppError> {
    stmt(
        db,
        "INSERT INTO admins (id, email, password_hash, role, created_at) SELECT ?1, ?2, ?3, 'owner', ?4 \
         WHERE NOT EXISTS (SELECT 1 FROM admins)",
        &[text(id), text(email), text(password_hash), int(now)],
    )
}

#[derive(Deserialize)]
pub struct AdminRow {
    pub id: String,
    pub email: String,
    pub password_hash: String,
    pub role: String,
    /// Sealed; two-factor sign-in is on when present.
    pub totp_secret: Option<String>,
    pub totp_last_step: Option<i64>,
}

pub async fn by_email(db: &D1Database, email: &str) -> Result<Option<AdminRow>, AppError> {
    Ok(stmt(
        db,
        "SELECT id, email, password_hash, role, totp_secret, totp_last_step FROM admins WHERE email = ?1",
        &[text(email)],
    )?
    .first(None)
    .await?)
}

/// Replaces the admin's password hash.
pub fn set_password(
    db: &D1Database,
    id: &str,
    hash: &str,
) -> Result<D1PreparedStatement, AppError> {
    stmt(
        db,
        "UPDATE admins SET password_hash = ?2 WHERE id = ?1",
        &[text(id), text(hash)],
    )
}

/// Ends every session of the admin but the one whose digest is `keep`.
pub fn end_other_sessions(
    db: &D1Database,
    admin_id: &str,
    keep: &str,
) -> Result<D1PreparedStatement, AppError> {
    stmt(
        db,
        "DELETE FROM admin_sessions WHERE admin_id = ?1 AND token_digest <> ?2",
        &[text(admin_id), text(keep)],
    )
}

/// A new admin session: only the token's digest is stored.
pub struct NewSession<'a> {
    pub digest: &'a str,
    pub admin_id: &'a str,
    pub csrf: &'a str,
    pub client: &'a str,
    pub user_agent: Option<&'a str>,
    pub now: i64,
    pub expires_at: i64,
}

pub fn insert_session(
    db: &D1Database,
    s: &NewSession<'_>,
) -> Result<D1PreparedStatement, AppError> {
    insert_row(
        db,
        "admin_sessions",
        &[
            ("token_digest", text(s.digest)),
            ("admin_id", text(s.admin_id)),
            ("csrf_token", text(s.csrf)),
            ("created_at", int(s.now)),
            ("expires_at", int(s.expires_at)),
            ("client", text(s.client)),
            ("user_agent", super::opt_text(s.user_agent)),
        ],
        "",
    )
}

#[derive(Deserialize)]
pub struct SessionRow {
    pub admin_id: String,
    pub email: String,
    pub role: String,
    pub csrf_token: String,
    pub expires_at: i64,
}

pub async fn session(db: &D1Database, digest: &str) -> Result<Option<SessionRow>, AppError> {
    Ok(stmt(
        db,
        "SELECT s.admin_id, a.email, a.role, s.csrf_token, s.expires_at FROM admin_sessions s \
         JOIN admins a ON a.id = s.admin_id WHERE s.token_digest = ?1",
        &[text(digest)],
    )?
    .first(None)
    .await?)
}

pub fn delete_session(db: &D1Database, digest: &str) -> Result<D1PreparedStatement, AppError> {
    stmt(
        db,
        "DELETE FROM admin_sessions WHERE token_digest = ?1",
        &[text(digest)],
    )
}

/// Who changed what, when; written in the same batch as the change.
pub fn audit(
    db: &D1Database,
    admin: &str,
    action: AdminAction,
    target: Option<&str>,
    detail: &Value,
    now: i64,
) -> Result<D1PreparedStatement, AppError> {
    insert_row(
        db,
        "audit_log",
        &audit_row(admin, action, target, detail, now),
        "",
    )
}

/// The entry, written only when the batch's previous statement changed a
/// row: a change that changed nothing leaves no trail.
fn audit_if_changed(
    db: &D1Database,
    admin: &str,
    action: AdminAction,
    target: Option<&str>,
    detail: &Value,
    now: i64,
) -> Result<D1PreparedStatement, AppError> {
    super::insert_row_if(
        db,
        "audit_log",
        &audit_row(admin, action, target, detail, now),
        "changes() = 1",
    )
}

/// What an admin did, for the audit log.
pub struct Entry<'a> {
    pub admin: &'a str,
    pub action: AdminAction,
    pub target: Option<&'a str>,
    pub detail: Value,
    pub now: i64,
}

/// An admin's change and its audit entry in one batch: whether the change
/// applied. The change's last statement decides (a guarded update or
/// delete); the entry is written only when it changed a row, so a change
/// that changed nothing leaves no trail.
pub async fn apply(
    db: &D1Database,
    mut change: Vec<D1PreparedStatement>,
    entry: Entry<'_>,
) -> Result<bool, AppError> {
    let Some(decisive) = change.len().checked_sub(1) else {
        return Err(AppError::internal("an audited change without a statement"));
    };
    change.push(audit_if_changed(
        db,
        entry.admin,
        entry.action,
        entry.target,
        &entry.detail,
        entry.now,
    )?);
    let results = super::Batched::batched(db, change).await?;
    Ok(results.get(decisive).is_some_and(super::won))
}

fn audit_row(
    admin: &str,
    action: AdminAction,
    target: Option<&str>,
    detail: &Value,
    now: i64,
) -> Vec<(&'static str, wasm_bindgen::JsValue)> {
    vec![
        ("admin", text(admin)),
        ("action", text(action.as_str())),
        ("target", super::opt_text(target)),
        ("detail", text(&detail.to_string())),
        ("at", int(now)),
    ]
}

pub async fn audit_entries(db: &D1Database, limit: u32) -> Result<Vec<AuditEntry>, AppError> {
    let res = stmt(
        db,
        "SELECT admin, action, target, at FROM audit_log ORDER BY id DESC LIMIT ?1",
        &[int(i64::from(limit))],
    )?
    .all()
    .await?;
    Ok(res.results()?)
}

/// Forgets sessions that have expired and attempts counted before `before`.
pub fn prune(db: &D1Database, now: i64, before: i64) -> Result<Vec<D1PreparedStatement>, AppError> {
    Ok(vec![
        stmt(
            db,
            "DELETE FROM admin_sessions WHERE expires_at < ?1",
            &[int(now)],
        )?,
        super::attempts::prune(db, before)?,
    ])
}
