//! Admin sign-in: cookie sessions, CSRF on every write, login throttling.

use holdfast_core::signing::{constant_time_eq, digest_hex};
use worker::{D1Database, Request, Response};

use crate::error::AppError;
use crate::http;
use crate::store::admin as store;

const COOKIE: &str = "hf_admin";
/// An admin session lasts a working day.
pub const SESSION_SECS: i64 = 12 * 60 * 60;
const CSRF_HEADER: &str = "x-csrf-token";

/// Failed logins are counted over this window...
pub const LOGIN_WINDOW_SECS: i64 = 15 * 60;
/// ...and refused past these counts, per account and per client address.
pub const MAX_FAILURES_PER_EMAIL: i64 = 5;
pub const MAX_FAILURES_PER_CLIENT: i64 = 20;

/// The signed-in admin.
pub struct Admin {
    pub email: String,
    pub csrf_token: String,
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
    write: bool,
) -> Result<Admin, AppError> {
    let signed_out = || AppError::Unauthorized("Sign in to continue.".to_owned());
    let token = cookie_token(req).ok_or_else(signed_out)?;
    let row = store::session(db, &digest_hex(&token))
        .await?
        .ok_or_else(signed_out)?;
    if row.expires_at <= now {
        return Err(signed_out());
    }
    if write {
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
        let own = http::origin_of(&http::raw_url(req));
        if let Ok(Some(origin)) = req.headers().get("origin") {
            if Some(origin) != own {
                return Err(AppError::Forbidden(
                    "Changes must come from the settings page itself.".to_owned(),
                ));
            }
        }
    }
    Ok(Admin {
        email: row.email,
        csrf_token: row.csrf_token,
    })
}

/// Starts a session: the token goes in an HttpOnly cookie, only its digest
/// into D1.
pub async fn start(
    db: &D1Database,
    admin_id: &str,
    now: i64,
) -> Result<(String, String), AppError> {
    let token = crate::random::token()?;
    let csrf = crate::random::hex(24)?;
    store::insert_session(
        db,
        &digest_hex(&token),
        admin_id,
        &csrf,
        now,
        now + SESSION_SECS,
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

/// The client, as rate limits count it: its address as Cloudflare reports
/// it, IPv6 per /64 (see `holdfast_core::client_key`).
pub fn client(req: &Request) -> String {
    let addr = req.headers().get("cf-connecting-ip").ok().flatten();
    holdfast_core::client_key::of(addr.as_deref().unwrap_or_default())
}
