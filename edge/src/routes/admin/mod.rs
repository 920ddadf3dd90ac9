//! The admin API: sign-in, apps and their settings, Stripe pickers,
//! operations. Every route but status, setup and login needs a session;
//! every write also its CSRF token, and is written to the audit log.

mod apps;
mod ops;
mod reports;
mod stripe;
mod webhooks;

pub use apps::{
    create_app, delete_app, get_settings, list_apps, preview_mappings, put_settings, rotate_app,
    update_app,
};
pub use ops::{coupons, operations, prices, retry_operation};
pub use reports::{
    dashboard, export as export_sessions, revenue_card, session as session_detail, sessions,
};
pub use stripe::{
    check as check_stripe, connect as connect_stripe, disconnect as disconnect_stripe,
    get_connection as stripe_connection,
};
pub use webhooks::{
    create as create_webhook, delete as delete_webhook, deliveries as webhook_deliveries,
    list as list_webhooks, replay as replay_webhook, rotate as rotate_webhook,
    send_test as test_webhook, update as update_webhook,
};

use holdfast_core::admin::{self as wire, AdminStatus, LoginRequest, Me, SetupRequest};
use holdfast_core::signing::constant_time_eq;
use serde_json::json;
use worker::{D1Database, Request, Response};

use super::Ctx;
use crate::admin::{self, Admin};
use crate::config::{self, Config};
use crate::error::AppError;
use crate::http;
use crate::store::admin as store;
use crate::store::Batched;

const MAX_BODY: usize = 64 * 1024;
/// The shortest `ADMIN_SETUP_TOKEN` that enables setup.
const MIN_SETUP_TOKEN_CHARS: usize = 24;

/// The database and the signed-in admin, for a route that needs both.
pub(super) async fn signed_in(
    req: &Request,
    ctx: &Ctx,
    write: bool,
) -> Result<(D1Database, Admin, i64), AppError> {
    let db = config::db(&ctx.env)?;
    let now = crate::random::now_secs();
    let admin = admin::require(req, &db, now, write).await?;
    Ok((db, admin, now))
}

pub(super) async fn body<T: serde::de::DeserializeOwned>(req: &mut Request) -> Result<T, AppError> {
    http::parse_json(&http::body(req, MAX_BODY).await?)
}

pub async fn status(_req: Request, ctx: Ctx) -> Result<Response, AppError> {
    let db = config::db(&ctx.env)?;
    Ok(http::json(
        &AdminStatus {
            needs_setup: store::count_admins(&db).await? == 0,
        },
        200,
    ))
}

pub async fn setup(mut req: Request, ctx: Ctx) -> Result<Response, AppError> {
    let form: SetupRequest = body(&mut req).await?;
    let config = Config::from_env(&ctx.env);
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
        wire::check_email(&email),
        wire::check_password(&form.password),
    ]
    .into_iter()
    .filter_map(Result::err)
    .collect();
    if !issues.is_empty() {
        return Err(AppError::Invalid(issues));
    }
    let db = config::db(&ctx.env)?;
    let now = crate::random::now_secs();
    let id = crate::random::id("adm")?;
    let hash = crate::password::hash(&form.password).await?;
    let results = db
        .batched(vec![
            store::insert_first(&db, &id, &email, &hash, now)?,
            store::audit(&db, &email, "admin.setup", Some(&email), &json!({}), now)?,
        ])
        .await?;
    if results.first().map(crate::store::changes) != Some(1) {
        return Err(AppError::Conflict(
            "An admin already exists; sign in instead.".to_owned(),
        ));
    }
    signed_in_response(&db, &id, &email, now).await
}

pub async fn login(mut req: Request, ctx: Ctx) -> Result<Response, AppError> {
    let form: LoginRequest = body(&mut req).await?;
    let db = config::db(&ctx.env)?;
    let now = crate::random::now_secs();
    let email = form.email.trim().to_lowercase();
    let (by_email, by_client) = (
        format!("email:{email}"),
        format!("client:{}", admin::client(&req)),
    );
    let since = now - admin::LOGIN_WINDOW_SECS;
    if store::failures(&db, &by_email, since).await? >= admin::MAX_FAILURES_PER_EMAIL
        || store::failures(&db, &by_client, since).await? >= admin::MAX_FAILURES_PER_CLIENT
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
        db.batched(vec![
            store::record_failure(&db, &by_email, now)?,
            store::record_failure(&db, &by_client, now)?,
        ])
        .await?;
        return Err(AppError::Unauthorized(
            "That email and password do not match.".to_owned(),
        ));
    };
    db.batched(vec![
        store::clear_failures(&db, &by_email)?,
        store::audit(&db, &found.email, "admin.login", None, &json!({}), now)?,
    ])
    .await?;
    signed_in_response(&db, &found.id, &found.email, now).await
}

async fn signed_in_response(
    db: &D1Database,
    admin_id: &str,
    email: &str,
    now: i64,
) -> Result<Response, AppError> {
    let (token, csrf) = admin::start(db, admin_id, now).await?;
    let mut resp = http::json(
        &Me {
            email: email.to_owned(),
            csrf_token: csrf,
        },
        200,
    );
    admin::set_cookie(&mut resp, &token, admin::SESSION_SECS);
    Ok(resp)
}

pub async fn logout(req: Request, ctx: Ctx) -> Result<Response, AppError> {
    let (db, admin, now) = signed_in(&req, &ctx, true).await?;
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
    let (_, admin, _) = signed_in(&req, &ctx, false).await?;
    Ok(http::json(
        &Me {
            email: admin.email,
            csrf_token: admin.csrf_token,
        },
        200,
    ))
}

pub async fn audit(req: Request, ctx: Ctx) -> Result<Response, AppError> {
    let (db, _, _) = signed_in(&req, &ctx, false).await?;
    Ok(http::json(&store::audit_entries(&db, 200).await?, 200))
}
