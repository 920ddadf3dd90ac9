//! Admins as a team: roles, what each may do, and the wire types of
//! invitations, the admin list and one's own sessions.
//!
//! - owner: everything, secrets and admins included;
//! - editor: apps' names and cancel flows, offers, operations, no secrets
//!   and no admins;
//! - viewer: the dashboard and sessions only.

use serde::{Deserialize, Serialize};

/// An admin's role. Stored as text; an unknown value reads as `Viewer`,
/// the least it could be.
#[derive(
    Debug, Clone, Copy, Default, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize,
)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(rename_all = "snake_case")]
pub enum Role {
    #[default]
    Viewer,
    Editor,
    Owner,
}

impl Role {
    pub const ALL: [Role; 3] = [Role::Owner, Role::Editor, Role::Viewer];

    pub fn as_str(self) -> &'static str {
        match self {
            Self::Owner => "owner",
            Self::Editor => "editor",
            Self::Viewer => "viewer",
        }
    }

    pub fn parse(s: &str) -> Self {
        Self::ALL
            .into_iter()
            .find(|r| r.as_str() == s)
            .unwrap_or(Self::Viewer)
    }
}

/// Who may call a route: the column of the edge's route table that its
/// router checks before the handler runs (and the OpenAPI generator reads).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Access {
    /// Anyone: the route checks its own credential (a cancel link's token,
    /// a signature, Stripe's signature) or needs none.
    Public,
    /// Only where `HOLDFAST_TEST_HOOKS=1` (the test stack); 404 elsewhere.
    TestHooks,
    /// A signed-in admin of at least this role.
    Viewer,
    Editor,
    Owner,
}

impl Access {
    /// The least role, for the routes that need a signed-in admin.
    pub fn role(self) -> Option<Role> {
        match self {
            Self::Public | Self::TestHooks => None,
            Self::Viewer => Some(Role::Viewer),
            Self::Editor => Some(Role::Editor),
            Self::Owner => Some(Role::Owner),
        }
    }

    /// What a call with `method` needs: any method but GET changes
    /// something, so it needs the session's CSRF token and this origin.
    pub fn need(self, method: &str) -> Option<Need> {
        self.role().map(|role| Need {
            role,
            write: !method.eq_ignore_ascii_case("GET"),
        })
    }
}

/// What a route needs: the least role, and whether it changes something
/// (then the session's CSRF token and this origin are required too).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Need {
    pub role: Role,
    pub write: bool,
}

impl Need {
    /// Reading the dashboard, sessions, the app list: everyone.
    pub const LOOK: Need = Need {
        role: Role::Viewer,
        write: false,
    };
    /// Changing one's own account (sign out, sessions, two-factor).
    pub const SELF: Need = Need {
        role: Role::Viewer,
        write: true,
    };
    /// Reading what only editors work with (audit log, operations, pickers).
    pub const EDITOR_LOOK: Need = Need {
        role: Role::Editor,
        write: false,
    };
    /// Changing apps' flows, offers, operations.
    pub const EDIT: Need = Need {
        role: Role::Editor,
        write: true,
    };
    /// Reading the admin list.
    pub const OWNER_LOOK: Need = Need {
        role: Role::Owner,
        write: false,
    };
    /// Secrets, signing, Stripe keys, webhooks' destinations, admins.
    pub const OWNER: Need = Need {
        role: Role::Owner,
        write: true,
    };

    pub fn permits(self, role: Role) -> bool {
        role >= self.role
    }
}

/// An invitation lasts this long, and works once.
pub const INVITE_TTL_SECS: i64 = 72 * 60 * 60;

/// `GET /api/admin/admins`: one admin.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct AdminView {
    pub id: String,
    pub email: String,
    pub role: Role,
    pub created_at: i64,
    pub totp: bool,
}

/// `POST /api/admin/invites`
#[derive(Debug, Clone, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct InviteRequest {
    pub email: String,
    pub role: Role,
}

/// The invitation link, shown this once (only its digest is kept).
#[derive(Debug, Clone, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct InviteCreated {
    pub link: String,
    pub email: String,
    pub role: Role,
    pub expires_at: i64,
}

/// `POST /api/admin/invites/accept`: the invited admin's password.
#[derive(Debug, Clone, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct AcceptInviteRequest {
    pub token: String,
    pub password: String,
}

/// `GET /api/admin/invites`: an invitation still open (unused, unexpired,
/// and its inviter still an admin with at least the role it gives).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct InviteView {
    /// A handle to revoke it by (not the link's token).
    pub id: String,
    pub email: String,
    pub role: Role,
    pub invited_by: String,
    pub created_at: i64,
    pub expires_at: i64,
}

/// How a role ranks in SQL, for guards that compare roles stored as text.
pub fn rank_sql(column: &str) -> String {
    format!("(CASE {column} WHEN 'owner' THEN 3 WHEN 'editor' THEN 2 ELSE 1 END)")
}

/// `PATCH /api/admin/admins/{id}`
#[derive(Debug, Clone, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct RoleChange {
    pub role: Role,
}

/// `GET /api/admin/me/sessions`: one of the admin's signed-in sessions.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct AdminSessionView {
    /// A short handle (not the token).
    pub id: String,
    pub created_at: i64,
    pub expires_at: i64,
    pub client: Option<String>,
    pub user_agent: Option<String>,
    /// The session making this request.
    pub current: bool,
}

/// `POST /api/admin/me/totp`: the secret to enter in an authenticator app.
#[derive(Debug, Clone, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct TotpEnrolment {
    /// Base32, as authenticator apps take it.
    pub secret: String,
    /// `otpauth://totp/…`, for a QR code.
    pub uri: String,
}

/// `POST /api/admin/me/totp/confirm`.
#[derive(Debug, Clone, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct TotpCode {
    pub code: String,
}

/// `POST /api/admin/me/totp/disable`: the password and a current code, so
/// a stolen session alone cannot turn the second factor off.
#[derive(Debug, Clone, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct TotpOff {
    pub password: String,
    pub code: String,
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn each_role_does_what_it_should_and_no_more() {
        let table = [
            (Need::LOOK, [true, true, true]),
            (Need::SELF, [true, true, true]),
            (Need::EDITOR_LOOK, [true, true, false]),
            (Need::EDIT, [true, true, false]),
            (Need::OWNER_LOOK, [true, false, false]),
            (Need::OWNER, [true, false, false]),
        ];
        for (need, allowed) in table {
            for (role, ok) in Role::ALL.into_iter().zip(allowed) {
                assert_eq!(need.permits(role), ok, "{need:?} for {role:?}");
            }
        }
    }

    #[test]
    fn roles_read_back_and_unknown_ones_are_viewers() {
        for r in Role::ALL {
            assert_eq!(Role::parse(r.as_str()), r);
        }
        assert_eq!(Role::parse("admin"), Role::Viewer);
        assert_eq!(
            serde_json::to_string(&Role::Editor).expect("json"),
            "\"editor\""
        );
    }
}
