//! Apps: their ids and secrets, and their cancel-page settings.

use crate::store::admin::{apply, Entry};
use holdfast_core::api::apps::{
    CreateAppRequest, CreatedApp, RotateRequest, RotatedSecrets, UpdateAppRequest,
    ROTATION_GRACE_SECS,
};
use holdfast_core::audit::AdminAction;
use holdfast_core::input::StripeId;
use holdfast_core::settings::AppSettings;
use holdfast_core::signing::digest_hex;
use serde_json::json;
use worker::{Request, Response};

use super::{body, Signed};
use crate::error::AppError;
use crate::http;
use crate::routes::{param, Ctx};
use crate::store::Batched;
use crate::store::{admin::audit, apps};
use holdfast_core::settings::roles;
use holdfast_core::team::Role;
use holdfast_core::validation::FieldIssue;

fn not_found(id: &str) -> AppError {
    AppError::NotFound(format!("No such app: {id}"))
}

/// Checked before a change, so a change to no app writes no audit entry.
pub(super) async fn exists(db: &worker::D1Database, id: &str) -> Result<(), AppError> {
    apps::summary(db, id)
        .await?
        .map(|_| ())
        .ok_or_else(|| not_found(id))
}

pub async fn list_apps(_: Request, _: Ctx, signed: Signed) -> Result<Response, AppError> {
    let Signed { db, .. } = signed;
    Ok(http::json(&apps::list(&db).await?, 200))
}

fn new_secrets() -> Result<(String, String), AppError> {
    Ok((
        format!("hf_sign_{}", crate::random::hex(32)?),
        format!("hf_sk_{}", crate::random::hex(32)?),
    ))
}

pub async fn create_app(mut req: Request, ctx: Ctx, signed: Signed) -> Result<Response, AppError> {
    let Signed { db, admin, now } = signed;
    let form: CreateAppRequest = body(&mut req).await?;
    holdfast_core::api::apps::check_app_name(&form.name).map_err(|i| AppError::Invalid(vec![i]))?;
    let id = format!("app_{}", crate::random::hex(8)?);
    let (signing_secret, secret_key) = new_secrets()?;
    let name = form.name.trim();
    let sealed = crate::secrets::seal(&ctx.data, crate::secrets::app_secret(&id), &signing_secret)?;
    let new = apps::NewApp {
        id: &id,
        name,
        signing_secret: &sealed,
        secret_key_digest: &digest_hex(&secret_key),
        now,
    };
    db.batched(vec![
        apps::insert(&db, &new)?,
        audit(
            &db,
            &admin.email,
            AdminAction::AppCreate,
            Some(&id),
            &json!({"name": name}),
            now,
        )?,
    ])
    .await?;
    let app = apps::summary(&db, &id)
        .await?
        .ok_or_else(|| AppError::internal("created app vanished"))?;
    Ok(http::json(
        &CreatedApp {
            app,
            signing_secret,
            secret_key,
        },
        201,
    ))
}

pub async fn update_app(mut req: Request, ctx: Ctx, signed: Signed) -> Result<Response, AppError> {
    let Signed { db, admin, now } = signed;
    let id = param(&ctx, "id")?.to_owned();
    exists(&db, &id).await?;
    let form: UpdateAppRequest = body(&mut req).await?;
    // The signing policy is the owners'; the name is anyone's who edits.
    let signing = [
        ("require_signed", form.require_signed.is_some()),
        ("require_timestamp", form.require_timestamp.is_some()),
        ("signature_max_age", form.signature_max_age.is_some()),
    ];
    if let Some((field, _)) = signing.iter().find(|(_, sent)| *sent) {
        if admin.role != Role::Owner {
            return Err(AppError::RoleRefused(FieldIssue::new(
                *field,
                "Only owners change how requests are signed. Ask an owner.",
            )));
        }
    }
    let mut issues = form.check_signature_policy();
    if let Some(Err(i)) = form
        .name
        .as_deref()
        .map(holdfast_core::api::apps::check_app_name)
    {
        issues.insert(0, i);
    }
    if !issues.is_empty() {
        return Err(AppError::Invalid(issues));
    }
    let applied = apply(
        &db,
        vec![apps::update(&db, &id, &form)?],
        Entry {
            admin: &admin.email,
            action: AdminAction::AppUpdate,
            target: Some(&id),
            detail: json!({"name": form.name, "require_signed": form.require_signed,
                    "require_timestamp": form.require_timestamp, "signature_max_age": form.signature_max_age}),
            now,
        },
    )
    .await?;
    if !applied {
        return Err(not_found(&id));
    }
    Ok(http::json(
        &apps::summary(&db, &id)
            .await?
            .ok_or_else(|| not_found(&id))?,
        200,
    ))
}

pub async fn rotate_app(mut req: Request, ctx: Ctx, signed: Signed) -> Result<Response, AppError> {
    let Signed { db, admin, now } = signed;
    let id = param(&ctx, "id")?.to_owned();
    exists(&db, &id).await?;
    // No body is the plain rotation, as before the option existed.
    let raw = http::body(&mut req, 1024).await?;
    let form: RotateRequest = if raw.iter().all(u8::is_ascii_whitespace) {
        RotateRequest::default()
    } else {
        http::parse_json(&raw)?
    };
    let (signing_secret, secret_key) = new_secrets()?;
    // Ended now, the old secrets fail from this request on: precancel's
    // cached app is stale once the row's revision moves.
    let (action, valid_until) = if form.end_old_now {
        (AdminAction::RotateSecretsNow, now)
    } else {
        (AdminAction::RotateSecrets, now + ROTATION_GRACE_SECS)
    };
    let sealed = crate::secrets::seal(&ctx.data, crate::secrets::app_secret(&id), &signing_secret)?;
    let applied = apply(
        &db,
        vec![apps::rotate(
            &db,
            &id,
            &sealed,
            &digest_hex(&secret_key),
            valid_until,
        )?],
        Entry {
            admin: &admin.email,
            action,
            target: Some(&id),
            detail: json!({"previous_valid_until": valid_until}),
            now,
        },
    )
    .await?;
    if !applied {
        return Err(not_found(&id));
    }
    Ok(http::json(
        &RotatedSecrets {
            signing_secret,
            secret_key,
            previous_valid_until: valid_until,
        },
        200,
    ))
}

pub async fn delete_app(_: Request, ctx: Ctx, signed: Signed) -> Result<Response, AppError> {
    let Signed { db, admin, now } = signed;
    let id = param(&ctx, "id")?.to_owned();
    exists(&db, &id).await?;
    // Its endpoints' delivery logs hang on them: the admin deletes those
    // first, knowing what goes.
    if apps::has_endpoints(&db, &id).await? {
        return Err(AppError::Conflict(
            "This app has webhook endpoints: delete them first.".to_owned(),
        ));
    }
    let applied = apply(
        &db,
        vec![apps::delete_unused(&db, &id)?],
        Entry {
            admin: &admin.email,
            action: AdminAction::AppDelete,
            target: Some(&id),
            detail: json!({}),
            now,
        },
    )
    .await?;
    if !applied {
        return Err(AppError::Conflict(
            "This app has cancel sessions; it is kept for their history.".to_owned(),
        ));
    }
    Ok(http::json(&json!({"deleted": id}), 200))
}

pub async fn get_settings(_: Request, ctx: Ctx, signed: Signed) -> Result<Response, AppError> {
    let Signed { db, .. } = signed;
    let id = param(&ctx, "id")?;
    Ok(http::json(
        &apps::settings(&db, id)
            .await?
            .ok_or_else(|| not_found(id))?,
        200,
    ))
}

/// Replaces the settings; checked whole on the server, and a refused save
/// changes nothing.
pub async fn put_settings(
    mut req: Request,
    ctx: Ctx,
    signed: Signed,
) -> Result<Response, AppError> {
    let Signed { db, admin, now } = signed;
    let id = param(&ctx, "id")?.to_owned();
    let (stored, current) = apps::settings_raw(&db, &id)
        .await?
        .ok_or_else(|| not_found(&id))?;
    let settings: AppSettings = body(&mut req).await?;
    // Field by field: a save that changes what the role may not touch is
    // refused whole, naming the field.
    if let Some(field) = roles::refused(&current, &settings, admin.role) {
        return Err(AppError::RoleRefused(FieldIssue::new(
            field,
            format!(
                "{} Ask an owner, or save without changing it.",
                roles::why(field)
            ),
        )));
    }
    let issues = holdfast_core::settings::check_settings(&settings);
    if !issues.is_empty() {
        return Err(AppError::Invalid(issues));
    }
    // Below owner, the save lands only on the settings it was judged
    // against: an owner's change made meanwhile is never written back over.
    let guard = (admin.role < Role::Owner).then_some(stored.as_str());
    let applied = apply(
        &db,
        vec![apps::set_settings(&db, &id, &settings, guard)?],
        Entry {
            admin: &admin.email,
            action: AdminAction::AppSettings,
            target: Some(&id),
            detail: json!({}),
            now,
        },
    )
    .await?;
    if !applied {
        return Err(AppError::Conflict(
            "These settings were changed meanwhile; reload the page and make your change again."
                .to_owned(),
        ));
    }
    Ok(http::json(&settings, 200))
}

/// Shows what the mappings (as edited) give for a real subscription.
pub async fn preview_mappings(
    mut req: Request,
    ctx: Ctx,
    signed: Signed,
) -> Result<Response, AppError> {
    // A POST like every write: it carries the CSRF token too.
    let Signed { db, .. } = signed;
    let form: holdfast_core::api::apps::MappingPreviewRequest = body(&mut req).await?;
    let id = StripeId::parse("subscription_id", form.subscription_id.trim()).map_err(|_| {
        AppError::bad(
            "subscription_id",
            "Enter a Stripe subscription id such as sub_K1Vhej7WAk7k7Z.",
        )
    })?;
    let id = id.as_str();
    let config = ctx.data.clone().with_saved_key(&db).await?;
    let facts = super::subscription_facts(&config, id).await?;
    Ok(http::json(
        &holdfast_core::mapping::map(&form.mappings, &facts.fields),
        200,
    ))
}
