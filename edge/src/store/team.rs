//! The admin team: the admin list, invitations, one's own sessions, and
//! two-factor secrets.

use holdfast_core::team::{rank_sql, AdminSessionView, AdminView, InviteView, Role};
use serde::Deserialize;
use worker::{D1Database, D1PreparedStatement};

use super::{insert_row, int, opt_text, stmt, text};
use crate::error::AppError;

#[derive(Deserialize)]
struct AdminListRow {
    id: String,
    email: String,
    role: String,
    created_at: i64,
    totp: i64,
}

pub async fn admins(db: &D1Database) -> Result<Vec<AdminView>, AppError> {
    let rows: Vec<AdminListRow> = stmt(
        db,
        "SELECT id, email, role, created_at, totp_secret IS NOT NULL AS totp FROM admins ORDER BY created_at, email",
        &[],
    )?
    .all()
    .await?
    .results()?;
    Ok(rows
        .into_iter()
        .map(|r| AdminView {
            id: r.id,
            email: r.email,
            role: Role::parse(&r.role),
            created_at: r.created_at,
            totp: r.totp != 0,
        })
        .collect())
}

/// An invitation, usable once until `expires_at`.
pub fn invite(
    db: &D1Database,
    digest: &str,
    email: &str,
    role: Role,
    invited_by: &str,
    now: i64,
    expires_at: i64,
) -> Result<D1PreparedStatement, AppError> {
    insert_row(
        db,
        "admin_invites",
        &[
            ("token_digest", text(digest)),
            ("email", text(email)),
            ("role", text(role.as_str())),
            ("invited_by", text(invited_by)),
            ("created_at", int(now)),
            ("expires_at", int(expires_at)),
        ],
        "",
    )
}

/// An invitation that still works at `now` (a parameter such as `?3`):
/// unused, unexpired, and its inviter still an admin whose role is at
/// least the one it gives (an owner removed or demoted takes their open
/// invitations with them).
fn open(now: &str) -> String {
    format!(
        "used_at IS NULL AND expires_at > {now} AND EXISTS (SELECT 1 FROM admins i \
         WHERE i.email = admin_invites.invited_by AND {} >= {})",
        rank_sql("i.role"),
        rank_sql("admin_invites.role")
    )
}

/// Open invitations, newest first.
pub async fn open_invites(db: &D1Database, now: i64) -> Result<Vec<InviteView>, AppError> {
    #[derive(Deserialize)]
    struct Row {
        id: String,
        email: String,
        role: String,
        invited_by: String,
        created_at: i64,
        expires_at: i64,
    }
    let rows: Vec<Row> = stmt(
        db,
        &format!(
            "SELECT substr(token_digest, 1, 16) AS id, email, role, invited_by, created_at, expires_at \
             FROM admin_invites WHERE {} ORDER BY created_at DESC LIMIT 200",
            open("?1")
        ),
        &[int(now)],
    )?
    .all()
    .await?
    .results()?;
    Ok(rows
        .into_iter()
        .map(|r| InviteView {
            id: r.id,
            email: r.email,
            role: Role::parse(&r.role),
            invited_by: r.invited_by,
            created_at: r.created_at,
            expires_at: r.expires_at,
        })
        .collect())
}

/// Ends the open invitation whose handle is `id`.
pub fn revoke_invite(db: &D1Database, id: &str, now: i64) -> Result<D1PreparedStatement, AppError> {
    stmt(
        db,
        "UPDATE admin_invites SET expires_at = ?2 WHERE substr(token_digest, 1, 16) = ?1 \
         AND used_at IS NULL AND expires_at > ?2",
        &[text(id), int(now)],
    )
}

/// Uses an invitation for the admin `admin_id`: the first statement marks
/// it used (only if unused, unexpired, and its e-mail is not an admin
/// yet), the second creates the admin only for the request that marked it.
pub fn accept(
    db: &D1Database,
    digest: &str,
    admin_id: &str,
    password_hash: &str,
    now: i64,
) -> Result<Vec<D1PreparedStatement>, AppError> {
    Ok(vec![
        stmt(
            db,
            &format!("UPDATE admin_invites SET used_at = ?3, used_by = ?2 WHERE token_digest = ?1 AND {} \
             AND NOT EXISTS (SELECT 1 FROM admins a WHERE a.email = admin_invites.email)", open("?3")),
            &[text(digest), text(admin_id), int(now)],
        )?,
        stmt(
            db,
            "INSERT INTO admins (id, email, password_hash, role, created_at) \
             SELECT ?2, email, ?3, role, ?4 FROM admin_invites WHERE token_digest = ?1 AND used_by = ?2",
            &[text(digest), text(admin_id), text(password_hash), int(now)],
        )?,
    ])
}

/// Whether an invitation can still be used (checked before the costly
/// password hash; `accept` checks again where it counts).
pub async fn usable(db: &D1Database, digest: &str, now: i64) -> Result<bool, AppError> {
    #[derive(Deserialize)]
    struct Found {
        n: i64,
    }
    let found: Option<Found> = stmt(
        db,
        &format!(
            "SELECT COUNT(*) AS n FROM admin_invites WHERE token_digest = ?1 AND {}",
            open("?2")
        ),
        &[text(digest), int(now)],
    )?
    .first(None)
    .await?;
    Ok(found.is_some_and(|f| f.n > 0))
}

#[derive(Deserialize)]
pub struct Invited {
    pub email: String,
    pub role: String,
}

/// Who an accepted invitation made.
pub async fn invited(db: &D1Database, digest: &str) -> Result<Option<Invited>, AppError> {
    Ok(stmt(
        db,
        "SELECT email, role FROM admin_invites WHERE token_digest = ?1",
        &[text(digest)],
    )?
    .first(None)
    .await?)
}

/// The guard every change of the owners keeps: at least one owner stays.
const KEEPS_AN_OWNER: &str =
    "(role <> 'owner' OR (SELECT COUNT(*) FROM admins WHERE role = 'owner') > 1)";

pub fn set_role(db: &D1Database, id: &str, role: Role) -> Result<D1PreparedStatement, AppError> {
    stmt(
        db,
        &format!(
            "UPDATE admins SET role = ?2 WHERE id = ?1 AND (?2 = 'owner' OR {KEEPS_AN_OWNER})"
        ),
        &[text(id), text(role.as_str())],
    )
}

/// Removes an admin and their sessions, unless they are the last owner.
pub fn remove(db: &D1Database, id: &str) -> Result<Vec<D1PreparedStatement>, AppError> {
    Ok(vec![
        stmt(
            db,
            &format!("DELETE FROM admin_sessions WHERE admin_id = ?1 AND EXISTS (SELECT 1 FROM admins WHERE id = ?1 AND {KEEPS_AN_OWNER})"),
            &[text(id)],
        )?,
        stmt(db, &format!("DELETE FROM admins WHERE id = ?1 AND {KEEPS_AN_OWNER}"), &[text(id)])?,
    ])
}

#[derive(Deserialize)]
struct SessionListRow {
    token_digest: String,
    created_at: i64,
    expires_at: i64,
    client: Option<String>,
    user_agent: Option<String>,
}

/// The admin's live sessions, newest first.
pub async fn sessions_of(
    db: &D1Database,
    admin_id: &str,
    current: &str,
    now: i64,
) -> Result<Vec<AdminSessionView>, AppError> {
    let rows: Vec<SessionListRow> = stmt(
        db,
        "SELECT token_digest, created_at, expires_at, client, user_agent FROM admin_sessions \
         WHERE admin_id = ?1 AND expires_at > ?2 ORDER BY created_at DESC",
        &[text(admin_id), int(now)],
    )?
    .all()
    .await?
    .results()?;
    Ok(rows
        .into_iter()
        .map(|r| AdminSessionView {
            id: r.token_digest.chars().take(12).collect(),
            current: r.token_digest == current,
            created_at: r.created_at,
            expires_at: r.expires_at,
            client: r.client,
            user_agent: r.user_agent,
        })
        .collect())
}

pub fn end_sessions_of(db: &D1Database, admin_id: &str) -> Result<D1PreparedStatement, AppError> {
    stmt(
        db,
        "DELETE FROM admin_sessions WHERE admin_id = ?1",
        &[text(admin_id)],
    )
}

/// A new two-factor secret (sealed), waiting for its first code.
pub fn set_pending_totp(
    db: &D1Database,
    id: &str,
    sealed: Option<&str>,
) -> Result<D1PreparedStatement, AppError> {
    stmt(
        db,
        "UPDATE admins SET totp_pending = ?2 WHERE id = ?1",
        &[text(id), opt_text(sealed)],
    )
}

#[derive(Deserialize)]
pub struct Totp {
    pub totp_secret: Option<String>,
    pub totp_pending: Option<String>,
    pub totp_last_step: Option<i64>,
}

pub async fn totp(db: &D1Database, id: &str) -> Result<Option<Totp>, AppError> {
    Ok(stmt(
        db,
        "SELECT totp_secret, totp_pending, totp_last_step FROM admins WHERE id = ?1",
        &[text(id)],
    )?
    .first(None)
    .await?)
}

/// Whether two-factor sign-in is on for the admin.
pub async fn totp_on(db: &D1Database, id: &str) -> Result<bool, AppError> {
    Ok(totp(db, id).await?.is_some_and(|t| t.totp_secret.is_some()))
}

/// Turns two-factor sign-in on with the pending secret.
pub fn confirm_totp(db: &D1Database, id: &str, step: i64) -> Result<D1PreparedStatement, AppError> {
    stmt(
        db,
        "UPDATE admins SET totp_secret = totp_pending, totp_pending = NULL, totp_last_step = ?2 WHERE id = ?1 AND totp_pending IS NOT NULL",
        &[text(id), int(step)],
    )
}

pub fn disable_totp(db: &D1Database, id: &str) -> Result<D1PreparedStatement, AppError> {
    stmt(
        db,
        "UPDATE admins SET totp_secret = NULL, totp_pending = NULL, totp_last_step = NULL WHERE id = ?1",
        &[text(id)],
    )
}

/// Spends a code's time step; changes nothing when it (or a later one) was
/// spent already, so a code signs in once.
pub fn spend_step(db: &D1Database, id: &str, step: i64) -> Result<D1PreparedStatement, AppError> {
    stmt(
        db,
        "UPDATE admins SET totp_last_step = ?2 WHERE id = ?1 AND (totp_last_step IS NULL OR totp_last_step < ?2)",
        &[text(id), int(step)],
    )
}

/// The owners' addresses, for notices about the team's security.
pub async fn owner_emails(db: &D1Database) -> Result<Vec<String>, AppError> {
    #[derive(Deserialize)]
    struct Row {
        email: String,
    }
    let rows: Vec<Row> = stmt(
        db,
        "SELECT email FROM admins WHERE role = 'owner' ORDER BY created_at LIMIT 20",
        &[],
    )?
    .all()
    .await?
    .results()?;
    Ok(rows.into_iter().map(|r| r.email).collect())
}
