//! Admin sign-in: cookie sessions, roles checked on every route, CSRF on
//! every write, the sign-in routes' guard against login CSRF.

use holdfast_core::signing::{constant_time_eq, digest_hex};
use holdfast_core::team::{Need, Role};
use worker::{D1Database, Request, Response};

use crate::error::AppError;
use crate::http;
use crate::store::admin as store;

const COOKIE: &str = "hf_admin";
/// An admin session lasts a working day.
pub const SESSION_SECS: i64 = 12 * 60 * 60;
const CSRF_HEADER: &str = "x-csrf-token";

/// The signed-in admin.
pub struct Admin {
    pub id: String,
    pub email: String,
    pub role: Role,
    pub csrf_token: String,
    /// The digest of this session's token.
    pub session: String,
}

fn cookie_token(req: &Request) -> Option<String> {
    let header = req.headers().get("cookie").ok().flatten()?;
    header.split(';').find_map(|part| {
        part.trim()
            .strip_prefix(&format!("{COOKIE}="))
            .map(str::to_owned)
    })
}

/// The admin behind the request's session cookie. Writes must also carry
/// the session's CSRF token, and come from this origin when the browser
/// says where they come from.
pub async fn require(
    req: &Request,
    db: &D1Database,
    now: i64,
    need: Need,
) -> Result<Admin, AppError> {
    let signed_out = || AppError::Unauthorized("Sign in to continue.".to_owned());
    let token = cookie_token(req).ok_or_else(signed_out)?;
    let digest = digest_hex(&token);
    let row = store::session(db, &digest).await?.ok_or_else(signed_out)?;
    if row.expires_at <= now {
        return Err(signed_out());
    }
    let role = Role::parse(&row.role);
    if !need.permits(role) {
        return Err(AppError::Forbidden(format!(
            "Your role ({}) cannot do this; ask an owner.",
            role.as_str()
        )));
    }
    if need.write {
        let sent = req
            .headers()
            .get(CSRF_HEADER)
            .ok()
            .flatten()
            .unwrap_or_default();
        if !constant_time_eq(sent.as_bytes(), row.csrf_token.as_bytes()) {
            return Err(AppError::Forbidden(
                "This change is missing its CSRF token. Reload the page and try again.".to_owned(),
            ));
        }
        same_origin(req)?;
    }
    Ok(Admin {
        id: row.admin_id,
        email: row.email,
        role,
        csrf_token: row.csrf_token,
        session: digest,
    })
}

/// Refuses a request another site's page made: its `Origin` is not this
/// one's, or the browser says it is cross-site.
fn same_origin(req: &Request) -> Result<(), AppError> {
    let refused =
        || AppError::Forbidden("Changes must come from the settings page itself.".to_owned());
    let own = http::origin_of(&http::raw_url(req));
    if let Ok(Some(origin)) = req.headers().get("origin") {
        if Some(origin) != own {
            return Err(refused());
        }
    }
    if let Ok(Some(site)) = req.headers().get("sec-fetch-site") {
        if site == "cross-site" {
            return Err(refused());
        }
    }
    Ok(())
}

/// The sign-in routes' guard against login CSRF: from this origin, with a
/// JSON body (which no cross-site form can send without a preflight).
pub fn same_site_json(req: &Request) -> Result<(), AppError> {
    same_origin(req)?;
    let kind = req
        .headers()
        .get("content-type")
        .ok()
        .flatten()
        .unwrap_or_default();
    let essence = kind
        .split(';')
        .next()
        .unwrap_or_default()
        .trim()
        .to_ascii_lowercase();
    if essence != "application/json" {
        return Err(AppError::NotJson(
            "Send the sign-in as JSON (Content-Type: application/json).".to_owned(),
        ));
    }
    Ok(())
}

/// Starts a session: the token goes in an HttpOnly cookie, only its digest
/// into D1.
pub async fn start(
    db: &D1Database,
    req: &Request,
    admin_id: &str,
    now: i64,
) -> Result<(String, String), AppError> {
    let token = crate::random::token()?;
    let csrf = crate::random::hex(24)?;
    let agent = req.headers().get("user-agent").ok().flatten();
    let agent: Option<String> = agent.map(|a| a.chars().take(200).collect());
    store::insert_session(
        db,
        &store::NewSession {
            digest: &digest_hex(&token),
            admin_id,
            csrf: &csrf,
            client: &http::client(req),
            user_agent: agent.as_deref(),
            now,
            expires_at: now + SESSION_SECS,
        },
    )?
    .run()
    .await?;
    Ok((token, csrf))
}

pub fn set_cookie(resp: &mut Response, token: &str, max_age: i64) {
    let value =
        format!("{COOKIE}={token}; Path=/; HttpOnly; Secure; SameSite=Strict; Max-Age={max_age}");
    let _ = resp.headers_mut().set("set-cookie", &value);
}

pub fn session_digest(req: &Request) -> Option<String> {
    cookie_token(req).map(|t| digest_hex(&t))
}
