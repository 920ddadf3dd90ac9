use holdfast_core::api::apps::AppSummary;
use holdfast_core::settings::AppSettings;
use serde::Deserialize;
use worker::{D1Database, D1PreparedStatement};

use super::{insert_row, int, opt_text, stmt, text, update_row};
use crate::error::AppError;

pub struct App {
    pub id: String,
    /// Bumped by every change precancel reads (migration 0020).
    pub revision: i64,
    pub signing_secret: String,
    pub secret_key_digest: String,
    pub require_signed: bool,
    /// Seconds a timestamped signature stays good, when `auth_timestamp` is
    /// required.
    pub signature_max_age: Option<u32>,
    /// Rotated-out secrets (signing secret, key digest) and until when
    /// they stay valid: see [`App::previous_at`].
    pub previous: Option<(String, String)>,
    pub previous_until: i64,
    /// The Stripe key saved in the settings UI, sealed.
    pub stripe_key_sealed: Option<String>,
    pub settings: AppSettings,
    /// Whether an enabled webhook endpoint may want the app's events.
    pub has_webhooks: bool,
}

#[derive(Deserialize)]
struct Row {
    id: String,
    revision: i64,
    signing_secret: String,
    secret_key_digest: String,
    require_signed: i64,
    signature_max_age: Option<i64>,
    previous_signing_secret: Option<String>,
    previous_secret_key_digest: Option<String>,
    previous_valid_until: Option<i64>,
    stripe_key_sealed: Option<String>,
    settings: String,
    has_webhooks: i64,
}

impl App {
    /// The rotated-out secrets, while their grace period lasts.
    pub fn previous_at(&self, now: i64) -> Option<&(String, String)> {
        self.previous.as_ref().filter(|_| self.previous_until > now)
    }
}

pub async fn get(db: &D1Database, id: &str) -> Result<Option<App>, AppError> {
    from_row(select(db, id)?.first(None).await?)
}

fn select(db: &D1Database, id: &str) -> Result<D1PreparedStatement, AppError> {
    stmt(
        db,
        &format!("SELECT id, revision, signing_secret, secret_key_digest, require_signed, signature_max_age, previous_signing_secret, \
         previous_secret_key_digest, previous_valid_until, {} AS stripe_key_sealed, settings, \
         EXISTS (SELECT 1 FROM webhook_endpoints e WHERE e.app_id = apps.id AND e.enabled = 1) AS has_webhooks \
         FROM apps WHERE id = ?1", super::connection::SEALED_KEY),
        &[text(id)],
    )
}

fn from_row(row: Option<Row>) -> Result<Option<App>, AppError> {
    row.map(|r| {
        let (previous, previous_until) = match (
            r.previous_signing_secret,
            r.previous_secret_key_digest,
            r.previous_valid_until,
        ) {
            (Some(s), Some(k), Some(until)) => (Some((s, k)), until),
            _ => (None, 0),
        };
        Ok(App {
            settings: parse_settings(&r.settings)?,
            id: r.id,
            revision: r.revision,
            previous_until,
            signing_secret: r.signing_secret,
            secret_key_digest: r.secret_key_digest,
            require_signed: r.require_signed != 0,
            signature_max_age: r.signature_max_age.and_then(|a| u32::try_from(a).ok()),
            previous,
            stripe_key_sealed: r.stripe_key_sealed,
            has_webhooks: r.has_webhooks != 0,
        })
    })
    .transpose()
}

pub fn parse_settings(json: &str) -> Result<AppSettings, AppError> {
    serde_json::from_str(json)
        .map_err(|e| AppError::internal(format!("stored app settings do not parse: {e}")))
}

#[derive(Deserialize)]
struct SummaryRow {
    id: String,
    name: String,
    require_signed: i64,
    signature_max_age: Option<i64>,
    created_at: i64,
    previous_valid_until: Option<i64>,
}

impl From<SummaryRow> for AppSummary {
    fn from(r: SummaryRow) -> Self {
        AppSummary {
            id: r.id,
            name: r.name,
            require_signed: r.require_signed != 0,
            signature_max_age: r.signature_max_age.and_then(|a| u32::try_from(a).ok()),
            created_at: r.created_at,
            previous_valid_until: r.previous_valid_until,
        }
    }
}

const SUMMARY: &str =
    "SELECT id, name, require_signed, signature_max_age, created_at, previous_valid_until FROM apps";

pub async fn list(db: &D1Database) -> Result<Vec<AppSummary>, AppError> {
    let rows: Vec<SummaryRow> = stmt(db, &format!("{SUMMARY} ORDER BY created_at, id"), &[])?
        .all()
        .await?
        .results()?;
    Ok(rows.into_iter().map(AppSummary::from).collect())
}

pub async fn summary(db: &D1Database, id: &str) -> Result<Option<AppSummary>, AppError> {
    let row: Option<SummaryRow> = stmt(db, &format!("{SUMMARY} WHERE id = ?1"), &[text(id)])?
        .first(None)
        .await?;
    Ok(row.map(AppSummary::from))
}

pub struct NewApp<'a> {
    pub id: &'a str,
    pub name: &'a str,
    pub signing_secret: &'a str,
    pub secret_key_digest: &'a str,
    pub now: i64,
}

pub fn insert(db: &D1Database, a: &NewApp<'_>) -> Result<D1PreparedStatement, AppError> {
    insert_row(
        db,
        "apps",
        &[
            ("id", text(a.id)),
            ("name", text(a.name)),
            ("signing_secret", text(a.signing_secret)),
            ("secret_key_digest", text(a.secret_key_digest)),
            ("require_signed", int(1)),
            (
                "signature_max_age",
                int(i64::from(
                    holdfast_core::signature_policy::DEFAULT_MAX_AGE_SECS,
                )),
            ),
            ("settings", text("{}")),
            ("created_at", int(a.now)),
        ],
        "",
    )
}

/// Changes what the request names. `require_timestamp: false` clears the
/// policy; `true` sets it to `max_age` (or keeps the current, or 300 s); a
/// `max_age` alone changes an existing policy only.
pub fn update(
    db: &D1Database,
    id: &str,
    req: &holdfast_core::api::apps::UpdateAppRequest,
) -> Result<D1PreparedStatement, AppError> {
    let flag = |b: Option<bool>| b.map_or(wasm_bindgen::JsValue::NULL, |b| int(i64::from(b)));
    stmt(
        db,
        "UPDATE apps SET name = COALESCE(?2, name), require_signed = COALESCE(?3, require_signed), \
         signature_max_age = CASE WHEN ?4 = 0 THEN NULL \
           WHEN ?4 = 1 THEN COALESCE(?5, signature_max_age, ?6) \
           WHEN signature_max_age IS NOT NULL THEN COALESCE(?5, signature_max_age) \
           ELSE NULL END \
         WHERE id = ?1",
        &[
            text(id),
            opt_text(req.name.as_deref().map(str::trim)),
            flag(req.require_signed),
            flag(req.require_timestamp),
            super::opt_int(req.signature_max_age.map(i64::from)),
            int(i64::from(holdfast_core::signature_policy::DEFAULT_MAX_AGE_SECS)),
        ],
    )
}

/// New secrets in; the current ones stay valid until `valid_until`.
pub fn rotate(
    db: &D1Database,
    id: &str,
    signing_secret: &str,
    secret_key_digest: &str,
    valid_until: i64,
) -> Result<D1PreparedStatement, AppError> {
    update_row(
        db,
        "apps",
        &[
            ("previous_valid_until", int(valid_until)),
            ("signing_secret", text(signing_secret)),
            ("secret_key_digest", text(secret_key_digest)),
        ],
        // SQLite evaluates every SET from the row as it was: the previous
        // secrets are the current ones.
        &[
            "previous_signing_secret = signing_secret",
            "previous_secret_key_digest = secret_key_digest",
        ],
        "id = ?",
        &[text(id)],
    )
}

#[derive(Deserialize)]
struct SettingsRow {
    settings: String,
}

pub async fn settings(db: &D1Database, id: &str) -> Result<Option<AppSettings>, AppError> {
    Ok(settings_raw(db, id).await?.map(|(_, s)| s))
}

/// The settings as stored (the text a guarded save compares) and parsed.
pub async fn settings_raw(
    db: &D1Database,
    id: &str,
) -> Result<Option<(String, AppSettings)>, AppError> {
    let row: Option<SettingsRow> =
        stmt(db, "SELECT settings FROM apps WHERE id = ?1", &[text(id)])?
            .first(None)
            .await?;
    row.map(|r| parse_settings(&r.settings).map(|s| (r.settings, s)))
        .transpose()
}

/// Replaces the settings; with `only_over`, only if they are still that
/// stored text.
pub fn set_settings(
    db: &D1Database,
    id: &str,
    settings: &AppSettings,
    only_over: Option<&str>,
) -> Result<D1PreparedStatement, AppError> {
    let json = serde_json::to_string(settings)?;
    stmt(
        db,
        "UPDATE apps SET settings = ?2 WHERE id = ?1 AND (?3 IS NULL OR settings = ?3)",
        &[text(id), text(&json), opt_text(only_over)],
    )
}

/// Whether the app has webhook endpoints (which keep it from deletion).
pub async fn has_endpoints(db: &D1Database, id: &str) -> Result<bool, AppError> {
    Ok(stmt(
        db,
        "SELECT 1 AS one FROM webhook_endpoints WHERE app_id = ?1 LIMIT 1",
        &[text(id)],
    )?
    .first::<serde_json::Value>(None)
    .await?
    .is_some())
}

/// Deleting an app keeps its sessions' history: only apps without sessions
/// (and without webhook endpoints, whose logs hang on the app) can go.
pub fn delete_unused(db: &D1Database, id: &str) -> Result<D1PreparedStatement, AppError> {
    stmt(
        db,
        "DELETE FROM apps WHERE id = ?1 AND NOT EXISTS (SELECT 1 FROM sessions WHERE app_id = ?1) \
         AND NOT EXISTS (SELECT 1 FROM webhook_endpoints WHERE app_id = ?1)",
        &[text(id)],
    )
}

/// A sender some app set up for e-mail (its `email_from`), for notices to
/// the team when `HOLDFAST_NOTICE_FROM` is not set.
pub async fn any_sender(db: &D1Database) -> Result<Option<String>, AppError> {
    #[derive(serde::Deserialize)]
    struct Row {
        sender: Option<String>,
    }
    let row: Option<Row> = stmt(
        db,
        "SELECT json_extract(settings, '$.email_from') AS sender FROM apps \
         WHERE json_extract(settings, '$.email_from') IS NOT NULL ORDER BY created_at LIMIT 1",
        &[],
    )?
    .first(None)
    .await?;
    Ok(row.and_then(|r| r.sender))
}
