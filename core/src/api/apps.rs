//! Wire types of apps: their summaries, secrets, audit log and the Stripe
//! writes their sessions owe.

use serde::{Deserialize, Serialize};

use crate::signature_policy::{MAX_MAX_AGE_SECS, MIN_MAX_AGE_SECS, UNSIGNED_CONFIRMATION};
use crate::validation::FieldIssue;

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct AppSummary {
    pub id: String,
    pub name: String,
    pub require_signed: bool,
    /// Seconds a timestamped `auth_hash` stays good, when the app requires
    /// `auth_timestamp`; None: timestamps optional.
    #[serde(default)]
    pub signature_max_age: Option<u32>,
    pub created_at: i64,
    /// Until when the previous secrets still work after a rotation.
    #[serde(default)]
    pub previous_valid_until: Option<i64>,
}

/// `POST /api/admin/apps`
#[derive(Debug, Clone, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct CreateAppRequest {
    pub name: String,
}

/// The answer to creating an app: its secrets, shown this once.
#[derive(Debug, Clone, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct CreatedApp {
    pub app: AppSummary,
    pub signing_secret: String,
    pub secret_key: String,
}

/// `PATCH /api/admin/apps/{id}`
#[derive(Debug, Clone, Default, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct UpdateAppRequest {
    #[serde(default)]
    pub name: Option<String>,
    #[serde(default)]
    pub require_signed: Option<bool>,
    /// Requires `auth_timestamp` (true) or makes it optional (false).
    #[serde(default)]
    pub require_timestamp: Option<bool>,
    /// How old a timestamped signature may be, in seconds (30 to 3600).
    #[serde(default)]
    pub signature_max_age: Option<u32>,
    /// `require_signed: false` needs `signature_policy::UNSIGNED_CONFIRMATION`
    /// typed here.
    #[serde(default)]
    pub confirm_unsigned: Option<String>,
}

/// `POST /api/admin/apps/{id}/rotate`'s body, optional: `end_old_now`
/// ends the old secrets at once (a leak) instead of after the grace period.
#[derive(Debug, Clone, Default, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(deny_unknown_fields)]
pub struct RotateRequest {
    #[serde(default)]
    pub end_old_now: bool,
}

/// `POST /api/admin/apps/{id}/rotate`: new secrets; the old ones keep
/// working for a grace period so merchants can deploy the new ones.
/// With `end_old_now`, `previous_valid_until` is the moment of rotation.
#[derive(Debug, Clone, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct RotatedSecrets {
    pub signing_secret: String,
    pub secret_key: String,
    pub previous_valid_until: i64,
}

/// How long rotated-out secrets stay valid.
pub const ROTATION_GRACE_SECS: i64 = 24 * 60 * 60;

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct AuditEntry {
    pub admin: String,
    pub action: String,
    pub target: Option<String>,
    pub at: i64,
}

/// A queue message that did not parse as a job: acknowledged alone, so the
/// rest of its batch ran; kept 30 days for the Operations page.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct UnreadableMessage {
    pub queue: String,
    /// The message as JSON, cut to 2,048 characters.
    pub body: String,
    pub error: String,
    pub at: i64,
}

/// A Stripe write a session owes, for the admin's pending/failed list.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct OperationView {
    pub session_id: String,
    pub app_id: String,
    pub subscription_id: Option<String>,
    pub kind: crate::work::WorkKind,
    pub status: crate::work::OperationStatus,
    pub attempts: i64,
    pub last_error: Option<String>,
    pub updated_at: i64,
}

/// A confirmation e-mail for the admin's list of those that failed for
/// good (without its address: the session shows whose it is).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct EmailView {
    pub id: String,
    pub session_id: String,
    pub app_id: String,
    pub status: crate::work::EmailStatus,
    pub attempts: i64,
    pub last_error: Option<String>,
    /// For a message not sent because a bound applied: which one.
    #[serde(default)]
    pub bound: Option<crate::work::EmailBound>,
    pub updated_at: i64,
}

/// `POST /api/admin/apps/{id}/mappings/preview`
#[derive(Debug, Clone, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct MappingPreviewRequest {
    pub subscription_id: String,
    /// The mappings as edited (not yet saved).
    pub mappings: Vec<crate::mapping::FieldMapping>,
}

pub fn check_app_name(name: &str) -> Result<(), FieldIssue> {
    let n = name.trim().chars().count();
    if n == 0 || n > 80 {
        return Err(FieldIssue::new(
            "name",
            "Give the app a name of 1 to 80 characters.",
        ));
    }
    Ok(())
}

impl UpdateAppRequest {
    /// Every problem with an app update's signature settings.
    pub fn check_signature_policy(&self) -> Vec<FieldIssue> {
        let req = self;
        let mut out = Vec::new();
        let confirmed = req
            .confirm_unsigned
            .as_deref()
            .is_some_and(|c| c.trim().eq_ignore_ascii_case(UNSIGNED_CONFIRMATION));
        if req.require_signed == Some(false) && !confirmed {
            out.push(FieldIssue {
                field: "confirm_unsigned".into(),
                message: format!(
                    "Type \"{UNSIGNED_CONFIRMATION}\" to allow unsigned requests: anyone who knows a subscription id could then cancel it."
                ),
            });
        }
        if req
            .signature_max_age
            .is_some_and(|a| !(MIN_MAX_AGE_SECS..=MAX_MAX_AGE_SECS).contains(&a))
        {
            out.push(FieldIssue {
                field: "signature_max_age".into(),
                message: format!("Use {MIN_MAX_AGE_SECS} to {MAX_MAX_AGE_SECS} seconds."),
            });
        }
        out
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn update(v: serde_json::Value) -> UpdateAppRequest {
        serde_json::from_value(v).expect("request")
    }

    #[test]
    fn turning_signing_off_needs_the_typed_words() {
        let fields = |v| {
            update(v)
                .check_signature_policy()
                .into_iter()
                .map(|i| i.field)
                .collect::<Vec<_>>()
        };
        assert_eq!(
            fields(serde_json::json!({"require_signed": false})),
            ["confirm_unsigned"]
        );
        assert_eq!(
            fields(serde_json::json!({"require_signed": false, "confirm_unsigned": "yes"})),
            ["confirm_unsigned"]
        );
        assert!(fields(
            serde_json::json!({"require_signed": false, "confirm_unsigned": " Anyone can cancel "})
        )
        .is_empty());
        assert!(fields(serde_json::json!({"require_signed": true})).is_empty());
        assert_eq!(
            fields(serde_json::json!({"signature_max_age": 5})),
            ["signature_max_age"]
        );
        assert!(fields(serde_json::json!({"signature_max_age": 600})).is_empty());
    }

    #[test]
    fn an_app_needs_a_name() {
        assert!(check_app_name("  ").is_err());
        assert!(check_app_name("Snacks").is_ok());
    }
}
