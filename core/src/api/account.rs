//! Wire types of signing in: setup, login, the signed-in admin.

use serde::{Deserialize, Serialize};

use crate::validation::FieldIssue;

pub const MIN_PASSWORD_CHARS: usize = 12;

/// `POST /api/admin/setup`: the first admin, with the one-time setup token.
#[derive(Debug, Clone, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct SetupRequest {
    pub token: String,
    pub email: String,
    pub password: String,
}

/// `POST /api/admin/login`
#[derive(Debug, Clone, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct LoginRequest {
    pub email: String,
    pub password: String,
    /// The 6-digit code of an admin who turned on two-factor sign-in.
    #[serde(default)]
    pub totp: Option<String>,
}

/// `GET /api/admin/me`: who is signed in, and the CSRF token every write
/// must carry in `X-CSRF-Token`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct Me {
    pub email: String,
    pub csrf_token: String,
    /// What this admin may do (`owner`, `editor`, `viewer`).
    #[serde(default)]
    pub role: crate::team::Role,
    /// Two-factor sign-in is on for this admin.
    #[serde(default)]
    pub totp: bool,
}

/// `GET /api/admin/status`: what the sign-in screen should offer.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct AdminStatus {
    /// No admin exists yet: the setup form (with the setup token) is shown.
    pub needs_setup: bool,
}

/// `POST /api/admin/me/password`: the current password, and the new one.
/// Every other session of the admin ends.
#[derive(Debug, Clone, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct PasswordChange {
    pub current_password: String,
    pub new_password: String,
}

pub fn check_password(password: &str) -> Result<(), FieldIssue> {
    if password.chars().count() < MIN_PASSWORD_CHARS {
        return Err(FieldIssue::new(
            "password",
            format!("Use at least {MIN_PASSWORD_CHARS} characters."),
        ));
    }
    if password.len() > 1024 {
        return Err(FieldIssue::new("password", "That password is too long."));
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn passwords_are_checked() {
        assert!(check_password("short").is_err());
        assert!(check_password("a long enough passphrase").is_ok());
    }
}
