//! Two-factor sign-in: an admin turns it on with a first code and off with
//! the password and a current code. Every code tried counts per account
//! (from any number of clients) and per client; ten wrong codes lock the
//! account's second factor for 15 minutes and tell its owners, once.

use holdfast_core::audit::AdminAction;
use holdfast_core::team::{TotpCode, TotpEnrolment, TotpOff};
use holdfast_core::totp;
use serde_json::json;
use worker::{console_error, D1Database, Request, Response, SendEmailBuilder};

use super::{body, Signed};
use crate::error::AppError;
use crate::http;
use crate::routes::Ctx;
use crate::store::admin::audit;
use crate::store::attempts::{self, Limit};
use crate::store::{team as store, won, Batched};
use crate::throttle;

pub async fn start_totp(_: Request, ctx: Ctx, signed: Signed) -> Result<Response, AppError> {
    let Signed { db, admin, .. } = signed;
    // A new secret would replace the one in use without its code: a stolen
    // session could then lock the admin out. Turning it off takes a code.
    if store::totp_on(&db, &admin.id).await? {
        return Err(AppError::Conflict(
            "Two-factor sign-in is on: turn it off with a current code first.".to_owned(),
        ));
    }
    let secret = crate::random::bytes(20)?;
    let sealed = crate::secrets::seal(
        &ctx.data,
        crate::secrets::totp_secret(&admin.id),
        &totp::encode(&secret),
    )?;
    store::set_pending_totp(&db, &admin.id, Some(&sealed))?
        .run()
        .await?;
    Ok(http::json(
        &TotpEnrolment {
            secret: totp::encode(&secret),
            uri: totp::uri(&secret, &admin.email),
        },
        200,
    ))
}

pub async fn confirm_totp(
    mut req: Request,
    ctx: Ctx,
    signed: Signed,
) -> Result<Response, AppError> {
    crate::admin::same_site_json(&req)?;
    let Signed { db, admin, now } = signed;
    let form: TotpCode = body(&mut req).await?;
    let pending = store::totp(&db, &admin.id)
        .await?
        .and_then(|t| t.totp_pending)
        .ok_or_else(|| {
            AppError::Conflict("Start again: no two-factor set-up is waiting.".to_owned())
        })?;
    let client = throttle::client_key(&http::client(&req));
    let tried = Tried::count(&db, &admin.id, Some(&client), now).await?;
    let Some(step) = totp::verify(&opened(&ctx, &admin.id, &pending)?, &form.code, now, None)
    else {
        tried.failed(&db, &ctx, &admin.email, now).await;
        return Err(AppError::bad("code", WRONG_CODE));
    };
    db.batched(vec![
        store::confirm_totp(&db, &admin.id, step)?,
        attempts::forget(&db, &tried.key)?,
        audit(
            &db,
            &admin.email,
            AdminAction::TotpOn,
            None,
            &json!({}),
            now,
        )?,
    ])
    .await?;
    Ok(http::json(&json!({"totp": true}), 200))
}

/// Turning the second factor off takes the password and a current code,
/// counted like any code: a stolen session alone cannot do it.
pub async fn disable_totp(
    mut req: Request,
    ctx: Ctx,
    signed: Signed,
) -> Result<Response, AppError> {
    crate::admin::same_site_json(&req)?;
    let Signed { db, admin, now } = signed;
    let form: TotpOff = body(&mut req).await?;
    let current = store::totp(&db, &admin.id).await?;
    let Some((sealed, last_step)) =
        current.and_then(|t| t.totp_secret.map(|s| (s, t.totp_last_step)))
    else {
        return Ok(http::json(&json!({"totp": false}), 200));
    };
    let client = throttle::client_key(&http::client(&req));
    let tried = Tried::count(&db, &admin.id, Some(&client), now).await?;
    let found = crate::store::admin::by_email(&db, &admin.email).await?;
    let password_ok = match &found {
        Some(f) => crate::password::verify(&form.password, &f.password_hash).await?,
        None => false,
    };
    if !password_ok {
        tried.failed(&db, &ctx, &admin.email, now).await;
        return Err(AppError::bad("password", "That is not your password."));
    }
    let account = Account {
        id: &admin.id,
        sealed: &sealed,
        last_step,
    };
    if let Err(e) = spend(&db, &ctx, &account, &form.code, now).await {
        tried.failed(&db, &ctx, &admin.email, now).await;
        return Err(match e {
            AppError::Unauthorized(_) => AppError::bad("code", WRONG_CODE),
            other => other,
        });
    }
    db.batched(vec![
        store::disable_totp(&db, &admin.id)?,
        attempts::forget(&db, &tried.key)?,
        audit(
            &db,
            &admin.email,
            AdminAction::TotpOff,
            None,
            &json!({}),
            now,
        )?,
    ])
    .await?;
    Ok(http::json(&json!({"totp": false}), 200))
}

const WRONG_CODE: &str = "That code is not right; enter the one your app shows now.";

fn wrong_code() -> AppError {
    AppError::Unauthorized("That authentication code is not right; use the current one.".to_owned())
}

fn opened(ctx: &Ctx, admin_id: &str, sealed: &str) -> Result<Vec<u8>, AppError> {
    let text = crate::secrets::open(&ctx.data, crate::secrets::totp_secret(admin_id), sealed)?;
    totp::decode(&text).ok_or_else(|| AppError::internal("a stored TOTP secret is not base32"))
}

/// An admin whose second factor is on.
pub(super) struct Account<'a> {
    pub id: &'a str,
    /// The sealed secret.
    pub sealed: &'a str,
    pub last_step: Option<i64>,
}

/// Checks a sign-in's two-factor code (the client was counted with the
/// password) and spends its time step, so a code signs in once.
pub(super) async fn check_code(
    db: &D1Database,
    ctx: &Ctx,
    account: Account<'_>,
    email: &str,
    code: Option<&str>,
    now: i64,
) -> Result<(), AppError> {
    let Some(code) = code.filter(|c| !c.trim().is_empty()) else {
        return Err(AppError::TotpRequired(
            "Enter the 6-digit code from your authenticator app.".to_owned(),
        ));
    };
    let tried = Tried::count(db, account.id, None, now).await?;
    if let Err(e) = spend(db, ctx, &account, code, now).await {
        tried.failed(db, ctx, email, now).await;
        return Err(e);
    }
    attempts::forget(db, &tried.key)?.run().await?;
    Ok(())
}

/// The code's time step, spent: a code works once.
async fn spend(
    db: &D1Database,
    ctx: &Ctx,
    account: &Account<'_>,
    code: &str,
    now: i64,
) -> Result<(), AppError> {
    let step = totp::verify(
        &opened(ctx, account.id, account.sealed)?,
        code,
        now,
        account.last_step,
    )
    .ok_or_else(wrong_code)?;
    let spent = store::spend_step(db, account.id, step)?.run().await?;
    if !won(&spent) {
        return Err(wrong_code());
    }
    Ok(())
}

/// A code counted against its account (and client), before it is checked.
struct Tried {
    key: String,
    /// The account's count with this code.
    n: i64,
}

impl Tried {
    async fn count(
        db: &D1Database,
        admin_id: &str,
        client: Option<&str>,
        now: i64,
    ) -> Result<Self, AppError> {
        let key = throttle::codes_key(admin_id);
        let mut limits = vec![Limit {
            key: &key,
            max: throttle::CODES_PER_ACCOUNT,
        }];
        if let Some(client) = client {
            limits.push(Limit {
                key: client,
                max: throttle::PER_CLIENT,
            });
        }
        let results = throttle::count(db, &limits, now, throttle::TOO_MANY_CODES).await?;
        let n = results.first().map_or(Ok(0), attempts::count_of)?;
        Ok(Self { key, n })
    }

    /// The code was wrong: the one that reached the limit locked the
    /// account, which its owners hear about (the attempts after it are
    /// refused unwritten, so this happens once a lock).
    async fn failed(&self, db: &D1Database, ctx: &Ctx, email: &str, now: i64) {
        if self.n < throttle::CODES_PER_ACCOUNT {
            return;
        }
        if let Err(e) = tell_owners(db, ctx, email, now).await {
            console_error!("the owners were not told of a locked second factor: {e:?}");
        }
    }
}

/// An audit entry, and an e-mail to each owner.
async fn tell_owners(db: &D1Database, ctx: &Ctx, email: &str, now: i64) -> Result<(), AppError> {
    let detail = json!({"wrong_codes": throttle::CODES_PER_ACCOUNT, "locked_minutes": throttle::WINDOW_SECS / 60});
    db.batched(vec![audit(
        db,
        "holdfast",
        AdminAction::TotpLocked,
        Some(email),
        &detail,
        now,
    )?])
    .await?;
    let from = match &ctx.data.notice_from {
        Some(f) => Some(f.clone()),
        None => crate::store::apps::any_sender(db).await?,
    };
    let Some(from) = from else {
        return Err(AppError::internal(
            "no sender: set HOLDFAST_NOTICE_FROM or an app's email_from",
        ));
    };
    let subject = format!("Holdfast: two-factor sign-in of {email} locked");
    let text = format!(
        "{n} wrong authentication codes were entered for {email} within {m} minutes, \
         after its password was given. Two-factor sign-in for this account is locked \
         for {m} minutes.\n\nIf this was not {email}, someone knows that password: \
         change it (Account page) and end the account's sessions.\n",
        n = throttle::CODES_PER_ACCOUNT,
        m = throttle::WINDOW_SECS / 60,
    );
    let binding = ctx.data.email()?;
    for owner in store::owner_emails(db).await? {
        let message = SendEmailBuilder::new(&from, &owner, &subject);
        message.set_text(&text);
        if let Err(e) = binding.send_with_builder(&message).await {
            console_error!("a lock notice was not sent: {e:?}");
        }
    }
    Ok(())
}
