//! `POST /cancel/{token}`: the cancel page's forms, for a customer whose
//! browser runs no JavaScript (or whose wasm did not load). The same
//! services as the JSON API decide; the answer is a redirect to the page,
//! which then shows where the session stands, or the page again with the
//! error.

use std::collections::HashMap;

use holdfast_core::receipt::CancelKind;
use worker::{Request, Response};

use super::cancel_page::respond;
use super::{sessions, Ctx};
use crate::cancel::{self, Ask};
use crate::error::AppError;
use crate::http;
use crate::page::{self, Screen};
use crate::store::sessions::Session;

pub async fn submit(mut req: Request, ctx: Ctx) -> Result<Response, AppError> {
    let now = crate::clock::now_secs();
    let body = http::body(&mut req, super::sessions::MAX_BODY).await?;
    let form: HashMap<String, String> = form_urlencoded::parse(&body).into_owned().collect();
    let (db, s) = sessions::load(&ctx, now).await?;
    let token = ctx.param("token").cloned().unwrap_or_default();
    let page = format!("/cancel/{token}");
    match act(&req, &ctx, &db, &s, &form, now).await {
        Ok(Next::Page) => see_other(&page),
        // As after the app's own decision: with JavaScript the page then
        // sends the customer on, as the app does (never in direct mode).
        Ok(Next::Decided) => see_other(&format!("{page}?{DECIDED}")),
        Ok(Next::Offer(id)) => see_other(&format!("{page}?offer={}", urlencode(&id))),
        Ok(Next::Away(url)) => see_other(&url),
        Err(e) => {
            // The same screen again, with what went wrong above its buttons.
            let (status, message) = e.answered();
            let view = sessions::view_for(&req, &s, now);
            let page = super::cancel_page::page_of(&view, &s, &token);
            let body = page::body(&page, Screen::First, Some(&message));
            respond(
                &req,
                &ctx,
                &body,
                &[],
                status,
                sessions::locale_of(&req, &s),
            )
            .await
        }
    }
}

/// The query that marks a page reached by a decision just made.
const DECIDED: &str = "decided=1";

enum Next {
    Page,
    Decided,
    Offer(String),
    Away(String),
}

async fn act(
    req: &Request,
    ctx: &Ctx,
    db: &worker::D1Database,
    s: &Session,
    form: &HashMap<String, String>,
    now: i64,
) -> Result<Next, AppError> {
    // The subscription's cancel stands already: the page shows its receipt.
    if s.earlier.is_some() {
        return Ok(Next::Decided);
    }
    let field = |k: &str| form.get(k).map(String::as_str).filter(|v| !v.is_empty());
    let config = sessions::stripe_config(ctx, s);
    match field("do") {
        Some("keep") => {
            let outcome = sessions::deflect_now(ctx, db, s, now).await?;
            Ok(outcome.redirect_url.map_or(Next::Page, Next::Away))
        }
        Some("accept") => {
            let offer =
                field("offer").ok_or_else(|| AppError::bad("offer", "offer is required"))?;
            crate::offers::accept(db, &config, s, offer, now).await?;
            Ok(Next::Decided)
        }
        Some("cancel") => {
            let reason = field("reason");
            if let Some(reason) = reason {
                s.settings
                    .known_reason("reason", reason)
                    .map_err(AppError::BadRequest)?;
                let comment = sessions::checked_comment(field(&format!("comment:{reason}")))?;
                sessions::record_reason(db, s, reason, comment, now).await?;
            }
            // An offer placed for the answer comes first, as on the page;
            // a new answer is read back with the session it changed.
            let reread = match reason {
                Some(_) => Some(crate::store::sessions::reread(db, s).await?),
                None => None,
            };
            let fresh = reread.as_ref().unwrap_or(s);
            let placed = crate::offers::eligible(fresh, now)
                .into_iter()
                .find(|o| o.placed_for(fresh.reason_id.as_deref()))
                .map(|o| o.id.clone());
            if let Some(id) = placed.filter(|_| crate::offers::screens_left(fresh) > 0) {
                if crate::offers::show(db, &config, fresh, &id, now)
                    .await
                    .is_ok()
                {
                    return Ok(Next::Offer(id));
                }
            }
            cancel_now(req, db, &config, fresh, form, now).await
        }
        Some("decline") => cancel_now(req, db, &config, s, form, now).await,
        _ => Err(AppError::bad("do", "Choose one of the page's buttons.")),
    }
}

async fn cancel_now(
    req: &Request,
    db: &worker::D1Database,
    config: &crate::config::Config,
    s: &Session,
    form: &HashMap<String, String>,
    now: i64,
) -> Result<Next, AppError> {
    let field = |k: &str| {
        form.get(k)
            .map(String::as_str)
            .filter(|v| !v.trim().is_empty())
    };
    let kind = match field("kind") {
        Some("extraordinary") => CancelKind::Extraordinary,
        _ => CancelKind::Ordinary,
    };
    let origin = http::origin_of(&http::raw_url(req)).unwrap_or_default();
    let time_zone = http::time_zone(req);
    cancel::request(
        db,
        config,
        s,
        Ask {
            // The survey's answer was recorded on the session; Stripe's
            // cancellation feedback takes its comment too.
            reason_id: None,
            comment: s.comment.as_deref(),
            kind,
            extraordinary_reason: field("extraordinary_reason"),
            email: field("email"),
            time_zone: time_zone.as_deref(),
            locale: sessions::locale_of(req, s),
            origin: &origin,
        },
        now,
    )
    .await?;
    Ok(Next::Decided)
}

pub(super) fn see_other(location: &str) -> Result<Response, AppError> {
    let mut resp = Response::empty()?.with_status(303);
    resp.headers_mut().set("location", location)?;
    resp.headers_mut().set("cache-control", "no-store")?;
    Ok(resp)
}

fn urlencode(s: &str) -> String {
    form_urlencoded::byte_serialize(s.as_bytes()).collect()
}
