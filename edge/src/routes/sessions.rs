//! The session API the cancel page uses, addressed by the URL token.

use holdfast_core::api::session::{
    CancelRequest, ChooseReasonRequest, OutcomeResponse, SessionView,
};
use holdfast_core::audit::EventKind;
use holdfast_core::cancel::MAX_COMMENT_CHARS;
use holdfast_core::experience::{session_view, ViewInput};
use holdfast_core::input::Token;
use holdfast_core::locale::Locale;
use holdfast_core::session::{SessionStatus, MAX_REASON_CHANGES};
use holdfast_core::signing;
use serde_json::json;
use worker::{Request, Response};

use super::{param, Ctx};
use crate::cancel::{self, Ask};
use crate::config::Config;
use crate::error::AppError;
use crate::http;
use crate::offers;
use crate::store::Batched;
use crate::store::{events, sessions, transitions, won};

/// A customer's answers are short; the no-JS form posts take the same limit.
pub(super) const MAX_BODY: usize = 16 * 1024;

/// Finds the live session behind a token; a malformed, unknown or expired
/// token gets the same kind of answer whatever the reason.
pub(super) async fn load(
    ctx: &Ctx,
    now: i64,
) -> Result<(worker::D1Database, sessions::Session), AppError> {
    let token = param(ctx, "token")?;
    let not_found = || {
        AppError::NotFound(
            "This cancel link is not valid. Go back to your account and click Cancel again."
                .to_owned(),
        )
    };
    let token = Token::parse("token", token).map_err(|_| not_found())?;
    let db = ctx.data.db()?;
    let mut session = sessions::by_token_digest(&db, &signing::digest_hex(token.as_str()))
        .await?
        .ok_or_else(not_found)?;
    if now > session.expires_at {
        return Err(AppError::Gone(
            "This cancel link has expired. Go back to your account and click Cancel again."
                .to_owned(),
        ));
    }
    session.earlier = cancel::standing(&session, now);
    Ok((db, session))
}

pub async fn view(req: Request, ctx: Ctx) -> Result<Response, AppError> {
    Ok(http::json(&view_of(&req, &ctx).await?.0, 200))
}

/// The session's locale: the merchant's, else the browser's, else the app's.
pub fn locale_of(req: &Request, s: &sessions::Session) -> Locale {
    if let Some(r) = &s.receipt {
        return r.locale;
    }
    let accept = req.headers().get("accept-language").ok().flatten();
    s.locale
        .unwrap_or_else(|| Locale::choose(None, accept.as_deref(), s.settings.default_locale))
}

/// The cancel page's view of the session in `ctx`'s `:token`, and the
/// sites its app lets frame the page.
pub async fn view_of(req: &Request, ctx: &Ctx) -> Result<(SessionView, Vec<String>), AppError> {
    let now = crate::clock::now_secs();
    let (_, s) = load(ctx, now).await?;
    Ok((view_for(req, &s, now), s.settings.embed_origins.clone()))
}

pub fn view_for(req: &Request, s: &sessions::Session, now: i64) -> SessionView {
    // An earlier cancel of the subscription stands: this page shows it.
    let (status, effective_at, outcome_url) = match &s.earlier {
        Some(p) => (p.status, p.cancel_effective_at, &p.outcome_url),
        None => (s.status, s.cancel_effective_at, &s.outcome_url),
    };
    // A decision fixed where it sends the customer (a signed pass-through
    // URL, say): a later visit leads there too.
    let decided = |own: &Option<String>| outcome_url.clone().or_else(|| own.clone());
    let cancelled = matches!(
        status,
        SessionStatus::Cancelled | SessionStatus::CancelPending
    );
    session_view(ViewInput {
        settings: &s.settings,
        fields: &s.fields,
        status,
        chosen_reason: s.reason_id.clone(),
        save_return_url: if s.status.is_offer() {
            decided(&s.save_return_url)
        } else {
            s.save_return_url.clone()
        },
        cancel_confirmation_url: if cancelled {
            decided(&s.cancel_confirmation_url)
        } else {
            s.cancel_confirmation_url.clone()
        },
        cancel_effective_at: effective_at,
        offers: offers::eligible(s, now),
        offer_screens_left: offers::screens_left(s),
        assignment: s.assignment.as_ref(),
        session_id: &s.id,
        locale: locale_of(req, s),
        mode: s.mode,
    })
}

pub async fn choose_reason(mut req: Request, ctx: Ctx) -> Result<Response, AppError> {
    let now = crate::clock::now_secs();
    let body: ChooseReasonRequest = http::parse_json(&http::body(&mut req, MAX_BODY).await?)?;
    let (db, s) = load(&ctx, now).await?;
    s.settings
        .known_reason("reason_id", &body.reason_id)
        .map_err(AppError::BadRequest)?;
    let comment = checked_comment(body.comment.as_deref())?;
    record_reason(&db, &s, &body.reason_id, comment, now).await?;
    Ok(http::json(&json!({"reason_id": body.reason_id}), 200))
}

/// Records the survey's answer (the same answer again records nothing).
pub(super) async fn record_reason(
    db: &worker::D1Database,
    s: &sessions::Session,
    reason_id: &str,
    comment: Option<&str>,
    now: i64,
) -> Result<(), AppError> {
    if !s.status.can_start_cancel() {
        return Err(AppError::Conflict(
            "Your cancellation is already on its way; the reason can no longer change.".to_owned(),
        ));
    }
    if s.reason_id.as_deref() == Some(reason_id) && s.comment.as_deref() == comment {
        // The same answer again: nothing new to record or to tell webhooks.
        return Ok(());
    }
    let results = db
        .batched(vec![
            transitions::set_reason(db, &s.id, reason_id, comment, MAX_REASON_CHANGES, now)?,
            events::insert_after_change(
                db,
                &s.id,
                EventKind::ReasonChosen,
                &json!({"reason_id": reason_id, "comment": comment.is_some()}),
                now,
            )?,
        ])
        .await?;
    if !results.first().is_some_and(won) {
        let fresh = sessions::reread(db, s).await?.status;
        if !fresh.can_start_cancel() {
            return Err(AppError::Conflict(conflict_message(fresh).to_owned()));
        }
        return Err(AppError::TooManyRequests {
            message: format!(
                "This page's answer changed {MAX_REASON_CHANGES} times, the most one page takes. Go back to your account and click Cancel again."
            ),
            retry_after: (s.expires_at - now).max(1),
        });
    }
    Ok(())
}

pub async fn cancel(mut req: Request, ctx: Ctx) -> Result<Response, AppError> {
    let now = crate::clock::now_secs();
    let body: CancelRequest = http::parse_json(&http::body(&mut req, MAX_BODY).await?)?;
    let comment = checked_comment(body.comment.as_deref())?;
    let (db, s) = load(&ctx, now).await?;
    let config = stripe_config(&ctx, &s);
    let origin = http::origin_of(&http::raw_url(&req)).unwrap_or_default();
    let time_zone = body.time_zone.clone().or_else(|| http::time_zone(&req));
    let outcome = cancel::request(
        &db,
        &config,
        &s,
        Ask {
            reason_id: body.reason_id.as_deref(),
            comment,
            kind: body.kind,
            extraordinary_reason: body.extraordinary_reason.as_deref(),
            email: body.email.as_deref(),
            time_zone: time_zone.as_deref(),
            locale: locale_of(&req, &s),
            origin: &origin,
        },
        now,
    )
    .await?;
    let status = if outcome.status == SessionStatus::Cancelled {
        200
    } else {
        202
    };
    Ok(http::json(&outcome, status))
}

pub async fn show_offer(req: Request, ctx: Ctx) -> Result<Response, AppError> {
    let now = crate::clock::now_secs();
    let (db, s) = load(&ctx, now).await?;
    let preview = offers::show(
        &db,
        &stripe_config(&ctx, &s),
        &s,
        param(&ctx, "offer")?,
        now,
    )
    .await?;
    let preview = holdfast_core::wording::localized(
        preview,
        &s.settings,
        &s.fields,
        locale_of(&req, &s),
        s.time_zone.as_deref(),
    );
    Ok(http::json(&preview, 200))
}

pub async fn accept_offer(_req: Request, ctx: Ctx) -> Result<Response, AppError> {
    let now = crate::clock::now_secs();
    let (db, s) = load(&ctx, now).await?;
    let outcome = offers::accept(
        &db,
        &stripe_config(&ctx, &s),
        &s,
        param(&ctx, "offer")?,
        now,
    )
    .await?;
    let status = if outcome.status == SessionStatus::OfferAccepted {
        200
    } else {
        202
    };
    Ok(http::json(&outcome, status))
}

/// "Keep my subscription": a passive deflect back to `save_return_url`.
pub async fn deflect(_req: Request, ctx: Ctx) -> Result<Response, AppError> {
    let now = crate::clock::now_secs();
    let (db, s) = load(&ctx, now).await?;
    Ok(http::json(&deflect_now(&ctx, &db, &s, now).await?, 200))
}

/// "Keep my subscription", recorded once however often it is clicked.
pub(super) async fn deflect_now(
    ctx: &Ctx,
    db: &worker::D1Database,
    s: &sessions::Session,
    now: i64,
) -> Result<OutcomeResponse, AppError> {
    if !s.status.can_deflect() {
        return Err(AppError::Conflict(conflict_message(s.status).to_owned()));
    }
    let results = db
        .batched(vec![
            transitions::transition(
                db,
                &s.id,
                &[SessionStatus::Open],
                SessionStatus::Deflected,
                now,
            )?,
            events::insert_after_change(db, &s.id, EventKind::Deflected, &json!({}), now)?,
        ])
        .await?;
    if !results.first().is_some_and(won) {
        let fresh = sessions::reread(db, s).await?.status;
        // A second click of "keep": the same answer, recorded once.
        if fresh != SessionStatus::Deflected {
            return Err(AppError::Conflict(conflict_message(fresh).to_owned()));
        }
    } else {
        let config = stripe_config(ctx, s);
        crate::attribution::validate_save(db, &config, s, None, now).await?;
    }
    let outcome = OutcomeResponse {
        status: SessionStatus::Deflected,
        message: "Great, your subscription stays as it is.".to_owned(),
        redirect_url: s.save_return_url.clone(),
        cancel_effective_at: None,
        receipt: None,
    };
    Ok(outcome)
}

/// The configuration with the Stripe key the session's query brought along.
pub(super) fn stripe_config(ctx: &Ctx, s: &sessions::Session) -> Config {
    ctx.data
        .clone()
        .with_stored_key(s.stripe_key_sealed.as_deref())
}

fn conflict_message(status: SessionStatus) -> &'static str {
    if status.is_offer() {
        "You accepted an offer on this page."
    } else {
        "Your cancellation is already on its way."
    }
}

pub(super) fn checked_comment(comment: Option<&str>) -> Result<Option<&str>, AppError> {
    match comment.map(str::trim).filter(|c| !c.is_empty()) {
        Some(c) if c.chars().count() > MAX_COMMENT_CHARS => Err(AppError::bad(
            "comment",
            format!("comment is longer than {MAX_COMMENT_CHARS} characters"),
        )),
        other => Ok(other),
    }
}
