//! The admin API: sign-in, apps and their settings, Stripe pickers,
//! operations. Every route but status, setup and login needs a session;
//! every write also its CSRF token, and is written to the audit log.

pub mod apps;
pub mod customers;
pub mod ops;
pub mod reports;
pub mod secrets;
pub mod stripe;
pub mod team;
pub mod webhooks;

use holdfast_core::api::account::{AdminStatus, LoginRequest, Me, SetupRequest};
use holdfast_core::signing::constant_time_eq;
use holdfast_core::team::{Need, Role};
use holdfast_core::validation::check_email;
use serde_json::json;
use worker::{D1Database, Request, Response};

use super::Ctx;
use crate::admin::{self, Admin};
use crate::error::AppError;
use crate::http;
use crate::store::admin as store;
use crate::store::Batched;

const MAX_BODY: usize = 64 * 1024;
/// The shortest `ADMIN_SETUP_TOKEN` that enables setup.
const MIN_SETUP_TOKEN_CHARS: usize = 24;

/// The database and the signed-in admin, whose role must meet `need`.
pub(super) async fn signed_in(
    req: &Request,
    ctx: &Ctx,
    need: Need,
) -> Result<(D1Database, Admin, i64), AppError> {
    let db = ctx.data.db()?;
    let now = crate::clock::now_secs();
    let admin = admin::require(req, &db, now, need).await?;
    Ok((db, admin, now))
}

pub(super) async fn body<T: serde::de::DeserializeOwned>(req: &mut Request) -> Result<T, AppError> {
    http::parse_json(&http::body(req, MAX_BODY).await?)
}

pub async fn status(_req: Request, ctx: Ctx) -> Result<Response, AppError> {
    let db = ctx.data.db()?;
    Ok(http::json(
        &AdminStatus {
            needs_setup: store::count_admins(&db).await? == 0,
        },
        200,
    ))
}

pub async fn setup(mut req: Request, ctx: Ctx) -> Result<Response, AppError> {
    let form: SetupRequest = body(&mut req).await?;
    let config = ctx.data.clone();
    let expected = config.admin_setup_token.ok_or_else(|| {
        AppError::NotFound("Setup is disabled: set the ADMIN_SETUP_TOKEN secret.".to_owned())
    })?;
    // A short token could be guessed before the owner signs up.
    if expected.expose().chars().count() < MIN_SETUP_TOKEN_CHARS {
        return Err(AppError::NotFound(format!(
            "Setup is disabled: ADMIN_SETUP_TOKEN must have at least {MIN_SETUP_TOKEN_CHARS} characters."
        )));
    }
    if !constant_time_eq(form.token.as_bytes(), expected.expose().as_bytes()) {
        return Err(AppError::Unauthorized(
            "The setup token is not valid.".to_owned(),
        ));
    }
    let email = form.email.trim().to_lowercase();
    let issues: Vec<_> = [
        check_email("email", &email),
        holdfast_core::api::account::check_password(&form.password),
    ]
    .into_iter()
    .filter_map(Result::err)
    .collect();
    if !issues.is_empty() {
        return Err(AppError::Invalid(issues));
    }
    let db = ctx.data.db()?;
    let now = crate::clock::now_secs();
    let id = crate::random::id("adm")?;
    let hash = crate::password::hash(&form.password).await?;
    let results = db
        .batched(vec![
            store::insert_first(&db, &id, &email, &hash, now)?,
            store::audit(&db, &email, "admin.setup", Some(&email), &json!({}), now)?,
        ])
        .await?;
    if !results.first().is_some_and(crate::store::won) {
        return Err(AppError::Conflict(
            "An admin already exists; sign in instead.".to_owned(),
        ));
    }
    signed_in_response(&db, &req, (&id, &email, Role::Owner), now).await
}

pub async fn login(mut req: Request, ctx: Ctx) -> Result<Response, AppError> {
    let form: LoginRequest = body(&mut req).await?;
    let db = ctx.data.db()?;
    let now = crate::clock::now_secs();
    let email = form.email.trim().to_lowercase();
    let client = crate::http::client(&req);
    let (pair, by_client) = (
        format!("login:{email}:{client}"),
        format!("client:{client}"),
    );
    let since = now - admin::LOGIN_WINDOW_SECS;
    // Counted before the password is checked, in one transaction: fifty
    // concurrent guesses make at most the allowed number of checks.
    let counted = db
        .batched(vec![
            store::attempt(&db, &pair, now)?,
            store::attempt(&db, &by_client, now)?,
            store::attempts(&db, &pair, since)?,
            store::attempts(&db, &by_client, since)?,
        ])
        .await?;
    let count = |i: usize| counted.get(i).map_or(Ok(i64::MAX), store::count_of);
    if count(2)? > admin::MAX_ATTEMPTS_PER_ACCOUNT_AND_CLIENT
        || count(3)? > admin::MAX_ATTEMPTS_PER_CLIENT
    {
        return Err(AppError::TooManyRequests {
            message: "Too many failed sign-ins. Wait 15 minutes and try again.".to_owned(),
            retry_after: admin::LOGIN_WINDOW_SECS,
        });
    }
    let found = store::by_email(&db, &email).await?;
    // Hash even for unknown emails, so timing does not tell which exist.
    let stored = found
        .as_ref()
        .map_or("pbkdf2-sha256$100000$00$00", |a| a.password_hash.as_str());
    let ok = crate::password::verify(&form.password, stored).await? && found.is_some();
    let Some(found) = found.filter(|_| ok) else {
        return Err(AppError::Unauthorized(
            "That email and password do not match.".to_owned(),
        ));
    };
    if let Some(sealed) = &found.totp_secret {
        team::check_code(
            &db,
            &ctx,
            (&found.id, sealed, found.totp_last_step),
            form.totp.as_deref(),
            now,
        )
        .await?;
    }
    let mut batch = store::forget_attempts(&db, &pair, &by_client, now)?;
    batch.push(store::audit(
        &db,
        &found.email,
        "admin.login",
        None,
        &json!({}),
        now,
    )?);
    db.batched(batch).await?;
    let role = Role::parse(&found.role);
    signed_in_response(&db, &req, (&found.id, &found.email, role), now).await
}

pub(super) async fn signed_in_response(
    db: &D1Database,
    req: &Request,
    who: (&str, &str, Role),
    now: i64,
) -> Result<Response, AppError> {
    let (admin_id, email, role) = who;
    let (token, csrf) = admin::start(db, req, admin_id, now).await?;
    let totp = crate::store::team::totp_on(db, admin_id).await?;
    let mut resp = http::json(
        &Me {
            email: email.to_owned(),
            csrf_token: csrf,
            role,
            totp,
        },
        200,
    );
    admin::set_cookie(&mut resp, &token, admin::SESSION_SECS);
    Ok(resp)
}

pub async fn logout(req: Request, ctx: Ctx) -> Result<Response, AppError> {
    let (db, admin, now) = signed_in(&req, &ctx, Need::SELF).await?;
    if let Some(digest) = admin::session_digest(&req) {
        db.batched(vec![
            store::delete_session(&db, &digest)?,
            store::audit(&db, &admin.email, "admin.logout", None, &json!({}), now)?,
        ])
        .await?;
    }
    let mut resp = http::json(&json!({"signed_out": true}), 200);
    admin::set_cookie(&mut resp, "", 0);
    Ok(resp)
}

pub async fn me(req: Request, ctx: Ctx) -> Result<Response, AppError> {
    let (db, admin, _) = signed_in(&req, &ctx, Need::LOOK).await?;
    let totp = crate::store::team::totp_on(&db, &admin.id).await?;
    Ok(http::json(
        &Me {
            email: admin.email,
            csrf_token: admin.csrf_token,
            role: admin.role,
            totp,
        },
        200,
    ))
}

pub async fn audit(req: Request, ctx: Ctx) -> Result<Response, AppError> {
    let (db, _, _) = signed_in(&req, &ctx, Need::EDITOR_LOOK).await?;
    Ok(http::json(&store::audit_entries(&db, 200).await?, 200))
}
