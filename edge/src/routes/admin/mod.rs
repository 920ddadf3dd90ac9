//! The admin API: sign-in, apps and their settings, Stripe pickers,
//! operations. Every route but status, setup and login needs a session;
//! every write also its CSRF token, and is written to the audit log.

pub mod apps;
pub mod customers;
pub mod ops;
pub mod reports;
pub mod requests;
pub mod secrets;
pub mod stripe;
pub mod team;
pub mod totp;
pub mod webhooks;

use crate::store::admin::{apply, Entry};
use holdfast_core::api::account::{AdminStatus, LoginRequest, Me, PasswordChange, SetupRequest};
use holdfast_core::audit::AdminAction;
use holdfast_core::input::EmailAddress;
use holdfast_core::signing::constant_time_eq;
use holdfast_core::team::{Access, Role};
use secrecy::ExposeSecret;
use serde_json::json;
use worker::{D1Database, Request, Response};

use super::Ctx;
use crate::admin::{self, Admin};
use crate::error::AppError;
use crate::http;
use crate::store::admin as store;
use crate::store::attempts::{self, Limit};
use crate::store::Batched;
use crate::throttle;

const MAX_BODY: usize = 64 * 1024;
/// The shortest `ADMIN_SETUP_TOKEN` that enables setup.
const MIN_SETUP_TOKEN_CHARS: usize = 24;

/// What an admin route's handler gets from the router: the database, the
/// signed-in admin (whose role the route table's access allows) and now.
pub struct Signed {
    pub db: D1Database,
    pub admin: Admin,
    pub now: i64,
}

/// The signed-in admin for a route of `access` called with `method`; the
/// router calls it before the handler runs.
pub(in crate::routes) async fn signed_in(
    req: &Request,
    ctx: &Ctx,
    access: Access,
    method: &str,
) -> Result<Signed, AppError> {
    let need = access
        .need(method)
        .ok_or_else(|| AppError::internal("a public route has no signed-in admin"))?;
    let db = ctx.data.db()?;
    let now = crate::clock::now_secs();
    let admin = admin::require(req, &db, now, need).await?;
    Ok(Signed { db, admin, now })
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
    admin::same_site_json(&req)?;
    let form: SetupRequest = body(&mut req).await?;
    let config = ctx.data.clone();
    let expected = config.admin_setup_token.ok_or_else(|| {
        AppError::NotFound("Setup is disabled: set the ADMIN_SETUP_TOKEN secret.".to_owned())
    })?;
    // A short token could be guessed before the owner signs up.
    if expected.expose_secret().chars().count() < MIN_SETUP_TOKEN_CHARS {
        return Err(AppError::NotFound(format!(
            "Setup is disabled: ADMIN_SETUP_TOKEN must have at least {MIN_SETUP_TOKEN_CHARS} characters."
        )));
    }
    if !constant_time_eq(form.token.as_bytes(), expected.expose_secret().as_bytes()) {
        return Err(AppError::Unauthorized(
            "The setup token is not valid.".to_owned(),
        ));
    }
    let email = EmailAddress::parse("email", &form.email);
    let issues: Vec<_> = [
        email.as_ref().err().cloned(),
        holdfast_core::api::account::check_password(&form.password).err(),
    ]
    .into_iter()
    .flatten()
    .collect();
    let email = match email {
        Ok(email) if issues.is_empty() => email,
        _ => return Err(AppError::Invalid(issues)),
    };
    let db = ctx.data.db()?;
    let now = crate::clock::now_secs();
    let id = crate::random::id("adm")?;
    let hash = crate::password::hash(&form.password).await?;
    let applied = apply(
        &db,
        vec![store::insert_first(&db, &id, &email, &hash, now)?],
        Entry {
            admin: &email,
            action: AdminAction::Setup,
            target: Some(&email),
            detail: json!({}),
            now,
        },
    )
    .await?;
    if !applied {
        return Err(AppError::Conflict(
            "An admin already exists; sign in instead.".to_owned(),
        ));
    }
    signed_in_response(&db, &req, (&id, &email, Role::Owner), now).await
}

pub async fn login(mut req: Request, ctx: Ctx) -> Result<Response, AppError> {
    admin::same_site_json(&req)?;
    let form: LoginRequest = body(&mut req).await?;
    // Refused before anything is stored or counted.
    let email = EmailAddress::for_lookup("email", &form.email).map_err(AppError::BadRequest)?;
    let db = ctx.data.db()?;
    let now = crate::clock::now_secs();
    let client = crate::http::client(&req);
    let (pair, by_client) = (
        throttle::pair_key(&throttle::email_key(&ctx.data, &email), &client),
        throttle::client_key(&client),
    );
    throttle::count(
        &db,
        &[
            Limit {
                key: &pair,
                max: throttle::PER_ACCOUNT_AND_CLIENT,
            },
            Limit {
                key: &by_client,
                max: throttle::PER_CLIENT,
            },
        ],
        now,
        throttle::TOO_MANY_SIGN_INS,
    )
    .await?;
    let found = store::by_email(&db, &email).await?;
    // Hash even for unknown emails, so timing does not tell which exist.
    let stored = found
        .as_ref()
        .map_or(crate::password::DUMMY_HASH, |a| a.password_hash.as_str());
    let ok = crate::password::verify(&form.password, stored).await? && found.is_some();
    let Some(found) = found.filter(|_| ok) else {
        return Err(AppError::Unauthorized(
            "That email and password do not match.".to_owned(),
        ));
    };
    if let Some(sealed) = &found.totp_secret {
        totp::check_code(
            &db,
            &ctx,
            totp::Account {
                id: &found.id,
                sealed,
                last_step: found.totp_last_step,
            },
            &found.email,
            form.totp.as_deref(),
            now,
        )
        .await?;
    }
    // The password's failures from this client are forgotten; the one
    // attempt of the client's is taken back, its earlier failures stay.
    let mut batch = vec![
        attempts::forget(&db, &pair)?,
        attempts::refund(&db, &by_client)?,
    ];
    if crate::password::needs_rehash(&found.password_hash) {
        let hash = crate::password::hash(&form.password).await?;
        batch.push(store::set_password(&db, &found.id, &hash)?);
    }
    batch.push(store::audit(
        &db,
        &found.email,
        AdminAction::Login,
        None,
        &json!({}),
        now,
    )?);
    db.batched(batch).await?;
    let role = Role::parse(&found.role);
    signed_in_response(&db, &req, (&found.id, &found.email, role), now).await
}

/// Changes the signed-in admin's password: the current one is required,
/// and every other session of theirs ends; this one stays.
pub async fn change_password(
    mut req: Request,
    _: Ctx,
    signed: Signed,
) -> Result<Response, AppError> {
    let Signed { db, admin, now } = signed;
    let form: PasswordChange = body(&mut req).await?;
    holdfast_core::api::account::check_password(&form.new_password)
        .map_err(|i| AppError::bad("new_password", i.message))?;
    // Wrong current passwords count like failed sign-ins: a stolen session
    // cannot guess its way to the password.
    let (pair, by_client) = (
        throttle::pair_key(&format!("admin:{}", admin.id), &crate::http::client(&req)),
        throttle::client_key(&crate::http::client(&req)),
    );
    throttle::count(
        &db,
        &[
            Limit {
                key: &pair,
                max: throttle::PER_ACCOUNT_AND_CLIENT,
            },
            Limit {
                key: &by_client,
                max: throttle::PER_CLIENT,
            },
        ],
        now,
        throttle::TOO_MANY_SIGN_INS,
    )
    .await?;
    let found = store::by_email(&db, &admin.email)
        .await?
        .ok_or_else(|| AppError::Unauthorized("Sign in to continue.".to_owned()))?;
    if !crate::password::verify(&form.current_password, &found.password_hash).await? {
        return Err(AppError::bad(
            "current_password",
            "That is not your current password.",
        ));
    }
    let hash = crate::password::hash(&form.new_password).await?;
    db.batched(vec![
        store::set_password(&db, &admin.id, &hash)?,
        store::end_other_sessions(&db, &admin.id, &admin.session)?,
        attempts::forget(&db, &pair)?,
        attempts::refund(&db, &by_client)?,
        store::audit(
            &db,
            &admin.email,
            AdminAction::Password,
            None,
            &json!({}),
            now,
        )?,
    ])
    .await?;
    Ok(http::json(&json!({"changed": true}), 200))
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

pub async fn logout(req: Request, _: Ctx, signed: Signed) -> Result<Response, AppError> {
    let Signed { db, admin, now } = signed;
    if let Some(digest) = admin::session_digest(&req) {
        db.batched(vec![
            store::delete_session(&db, &digest)?,
            store::audit(
                &db,
                &admin.email,
                AdminAction::Logout,
                None,
                &json!({}),
                now,
            )?,
        ])
        .await?;
    }
    let mut resp = http::json(&json!({"signed_out": true}), 200);
    admin::set_cookie(&mut resp, "", 0);
    Ok(resp)
}

pub async fn me(_: Request, _: Ctx, signed: Signed) -> Result<Response, AppError> {
    let Signed { db, admin, .. } = signed;
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

pub async fn audit(_: Request, _: Ctx, signed: Signed) -> Result<Response, AppError> {
    let Signed { db, .. } = signed;
    Ok(http::json(&store::audit_entries(&db, 200).await?, 200))
}

/// A subscription an admin named, read from Stripe: unknown there is the
/// admin's mistake (400 on `subscription_id`), no answer is Stripe's (503).
pub(crate) async fn subscription_facts(
    config: &crate::config::Config,
    id: &str,
) -> Result<holdfast_core::subscription::SubscriptionFacts, AppError> {
    let reply = crate::stripe::Client::new(config)
        .send(
            &holdfast_core::stripe::retrieve_subscription(id),
            std::time::Duration::from_secs(8),
        )
        .await
        .map_err(|f| match f {
            crate::stripe::Failure::Status { status: 404, .. } => {
                AppError::bad("subscription_id", "Stripe has no such subscription.")
            }
            f => AppError::Unavailable(format!("Stripe did not answer: {f}")),
        })?;
    Ok(holdfast_core::subscription::SubscriptionFacts::from_stripe(
        &reply.body,
    )?)
}
