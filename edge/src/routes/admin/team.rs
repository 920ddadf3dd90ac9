//! The admin team: owners invite admins with a role by a one-time link,
//! change roles and remove admins (never the last owner); everyone lists
//! and ends their own sessions.

use crate::store::admin::{apply, Entry};
use holdfast_core::api::account::check_password;
use holdfast_core::audit::AdminAction;
use holdfast_core::input::EmailAddress;
use holdfast_core::input::Token;
use holdfast_core::signing::digest_hex;
use holdfast_core::team::{
    AcceptInviteRequest, InviteCreated, InviteRequest, Role, RoleChange, INVITE_TTL_SECS,
};
use serde_json::json;
use worker::{D1Database, Request, Response};

use super::{body, Signed};
use crate::error::AppError;
use crate::http;
use crate::routes::{param, Ctx};
use crate::store::admin::audit;
use crate::store::{team as store, won, Batched};

pub async fn admins(_: Request, _: Ctx, signed: Signed) -> Result<Response, AppError> {
    let Signed { db, .. } = signed;
    Ok(http::json(&store::admins(&db).await?, 200))
}

pub async fn invite(mut req: Request, ctx: Ctx, signed: Signed) -> Result<Response, AppError> {
    let Signed { db, admin, now } = signed;
    let form: InviteRequest = body(&mut req).await?;
    let email =
        EmailAddress::parse("email", &form.email).map_err(|i| AppError::Invalid(vec![i]))?;
    let token = crate::random::token()?;
    let expires_at = now + INVITE_TTL_SECS;
    db.batched(vec![
        store::invite(
            &db,
            &digest_hex(&token),
            &email,
            form.role,
            &admin.email,
            now,
            expires_at,
        )?,
        audit(
            &db,
            &admin.email,
            AdminAction::Invite,
            Some(&email),
            &json!({"role": form.role}),
            now,
        )?,
    ])
    .await?;
    let origin = http::origin_of(&http::raw_url(&req)).unwrap_or_default();
    let base = ctx.data.clone().public_url.unwrap_or(origin);
    Ok(http::json(
        &InviteCreated {
            // In the fragment, so the token never reaches a server log.
            link: format!("{base}/admin/invite#{token}"),
            email: email.to_string(),
            role: form.role,
            expires_at,
        },
        201,
    ))
}

/// The open invitations (owners): unused, unexpired, their inviter still
/// an admin of at least the role they give.
pub async fn invites(_: Request, _: Ctx, signed: Signed) -> Result<Response, AppError> {
    let Signed { db, now, .. } = signed;
    Ok(http::json(&store::open_invites(&db, now).await?, 200))
}

/// Ends an open invitation (owners); the audit log records it.
pub async fn revoke_invite(_: Request, ctx: Ctx, signed: Signed) -> Result<Response, AppError> {
    let Signed { db, admin, now } = signed;
    let id = param(&ctx, "id")?.to_owned();
    let applied = apply(
        &db,
        vec![store::revoke_invite(&db, &id, now)?],
        Entry {
            admin: &admin.email,
            action: AdminAction::InviteRevoke,
            target: Some(&id),
            detail: json!({}),
            now,
        },
    )
    .await?;
    if !applied {
        return Err(AppError::NotFound(format!("No open invitation: {id}")));
    }
    Ok(http::json(&json!({"revoked": id}), 200))
}

pub async fn accept_invite(mut req: Request, ctx: Ctx) -> Result<Response, AppError> {
    // It signs the browser in: refused from another site like sign-in.
    crate::admin::same_site_json(&req)?;
    let form: AcceptInviteRequest = body(&mut req).await?;
    check_password(&form.password).map_err(|i| AppError::Invalid(vec![i]))?;
    let gone = || {
        AppError::Gone(
            "This invitation no longer works: it was used or revoked, has expired, its inviter left, or its e-mail is an admin already. Ask an owner for a new one."
                .to_owned(),
        )
    };
    let token = Token::parse("token", &form.token).map_err(|_| gone())?;
    let db = ctx.data.db()?;
    let now = crate::clock::now_secs();
    let digest = digest_hex(token.as_str());
    if !store::usable(&db, &digest, now).await? {
        return Err(gone());
    }
    let id = crate::random::id("adm")?;
    let hash = crate::password::hash(&form.password).await?;
    let results = db
        .batched(store::accept(&db, &digest, &id, &hash, now)?)
        .await?;
    if !results.get(1).is_some_and(won) {
        return Err(gone());
    }
    let invited = store::invited(&db, &digest).await?.ok_or_else(gone)?;
    let (email, role) = (invited.email, Role::parse(&invited.role));
    audit(
        &db,
        &email,
        AdminAction::AcceptInvite,
        Some(&id),
        &json!({}),
        now,
    )?
    .run()
    .await?;
    super::signed_in_response(&db, &req, (&id, &email, role), now).await
}

pub async fn set_role(mut req: Request, ctx: Ctx, signed: Signed) -> Result<Response, AppError> {
    let Signed { db, admin, now } = signed;
    let id = param(&ctx, "id")?.to_owned();
    let form: RoleChange = body(&mut req).await?;
    let applied = apply(
        &db,
        vec![store::set_role(&db, &id, form.role)?],
        Entry {
            admin: &admin.email,
            action: AdminAction::Role,
            target: Some(&id),
            detail: json!({"role": form.role}),
            now,
        },
    )
    .await?;
    if !applied {
        return Err(not_changed(&db, &id).await);
    }
    Ok(http::json(&json!({"id": id, "role": form.role}), 200))
}

pub async fn remove_admin(_: Request, ctx: Ctx, signed: Signed) -> Result<Response, AppError> {
    let Signed { db, admin, now } = signed;
    let id = param(&ctx, "id")?.to_owned();
    let entry = Entry {
        admin: &admin.email,
        action: AdminAction::Remove,
        target: Some(&id),
        detail: json!({}),
        now,
    };
    if !apply(&db, store::remove(&db, &id)?, entry).await? {
        return Err(not_changed(&db, &id).await);
    }
    Ok(http::json(&json!({"removed": id}), 200))
}

/// Why a change of `id` changed nothing: no such admin, or the last owner.
async fn not_changed(db: &D1Database, id: &str) -> AppError {
    match store::admins(db).await {
        Ok(all) if all.iter().any(|a| a.id == id) => AppError::Conflict(
            "The team needs at least one owner: make another admin an owner first.".to_owned(),
        ),
        Ok(_) => AppError::NotFound(format!("No such admin: {id}")),
        Err(e) => e,
    }
}

pub async fn my_sessions(_: Request, _: Ctx, signed: Signed) -> Result<Response, AppError> {
    let Signed { db, admin, now } = signed;
    Ok(http::json(
        &store::sessions_of(&db, &admin.id, &admin.session, now).await?,
        200,
    ))
}

/// Signs the admin out everywhere, this session included.
pub async fn end_my_sessions(_: Request, _: Ctx, signed: Signed) -> Result<Response, AppError> {
    let Signed { db, admin, now } = signed;
    db.batched(vec![
        store::end_sessions_of(&db, &admin.id)?,
        audit(
            &db,
            &admin.email,
            AdminAction::LogoutEverywhere,
            None,
            &json!({}),
            now,
        )?,
    ])
    .await?;
    let mut resp = http::json(&json!({"signed_out": true}), 200);
    crate::admin::set_cookie(&mut resp, "", 0);
    Ok(resp)
}
