//! The customer's cancel: recorded at once, applied in Stripe exactly once
//! (see `work`), never lost.

use holdfast_core::api::session::OutcomeResponse;
use holdfast_core::cancel::{CancelPlan, Feedback};
use holdfast_core::locale::Locale;
use holdfast_core::provenance;
use holdfast_core::receipt::{CancelKind, Receipt};
use holdfast_core::session::SessionStatus;
use serde_json::json;
use worker::D1Database;

use crate::config::Config;
use crate::error::AppError;
use crate::receipt;
use crate::store::Batched;
use crate::store::{changes, events, operations, sessions};
use crate::work::{self, Work};

/// What the customer asked for, from the cancel route.
pub struct Ask<'a> {
    pub reason_id: Option<&'a str>,
    pub comment: Option<&'a str>,
    pub kind: CancelKind,
    pub extraordinary_reason: Option<&'a str>,
    /// The confirmation's address, when the customer changed it.
    pub email: Option<&'a str>,
    pub time_zone: Option<&'a str>,
    /// The page's locale, which the confirmation keeps.
    pub locale: Locale,
    /// This Worker's origin, for the receipt's link.
    pub origin: &'a str,
}

/// Starts (or resumes) the cancel of `session` and says where it stands.
pub async fn request(
    db: &D1Database,
    config: &Config,
    session: &sessions::Session,
    ask: Ask<'_>,
    now: i64,
) -> Result<OutcomeResponse, AppError> {
    match session.status {
        SessionStatus::Cancelled => return Ok(with_receipt(outcome(session.outcome_url.clone(), SessionStatus::Cancelled, session.cancel_effective_at), session.receipt.clone())),
        SessionStatus::CancelPending => {
            return match work::resume(db, config, &session.id, now).await? {
                Some(landed) => Ok(with_receipt(outcome(session.outcome_url.clone(), landed.status, landed.effective_at), session.receipt.clone())),
                None => current(db, session).await,
            };
        }
        s if s.is_offer() => {
            return Err(AppError::Conflict(
                "You accepted an offer on this page, so it cannot also cancel. To cancel, go back to your account and click Cancel again.".to_owned(),
            ))
        }
        s if s.can_start_cancel() => {}
        _ => return Err(AppError::Conflict("This session can no longer be cancelled from here.".to_owned())),
    }
    let reason = ask.reason_id.or(session.reason_id.as_deref());
    let feedback = match reason {
        Some(id) => Some(
            session
                .settings
                .reason(id)
                .ok_or_else(|| {
                    AppError::bad(
                        "reason_id",
                        format!("{id} is not one of this page's reasons"),
                    )
                })?
                .feedback,
        ),
        None => None,
    };

    let url = destination(session, config);
    let receipt = receipt::make(session, config, &ask, now)?;
    let Some(plan) = plan(session, feedback, ask.comment) else {
        return record_only(db, session, ask, url, &receipt, now).await;
    };
    let work = Work::Cancel(plan);
    let op_id = crate::random::id("op")?;
    let results = db
        .batched(vec![
            sessions::start_cancel(
                db,
                &session.id,
                SessionStatus::CancelPending,
                (ask.reason_id, ask.comment),
                url.as_deref(),
                Some(&receipt),
                now,
            )?,
            operations::insert_leased_after_transition(
                db,
                &op_id,
                &session.id,
                work.kind(),
                &work.params()?,
                now,
            )?,
            events::insert_after_change(
                db,
                &session.id,
                "cancel_requested",
                &json!({"reason_id": reason, "kind": receipt.kind, "mode": session.mode.as_str()}),
                now,
            )?,
        ])
        .await?;
    let won = results.first().map(changes) == Some(1) && results.get(1).map(changes) == Some(1);
    if !won {
        // A concurrent request got there first; answer with where it stands.
        return current(db, session).await;
    }
    let landed = work::run(db, config, &session.id, &work, now).await?;
    Ok(with_receipt(
        outcome(url, landed.status, landed.effective_at),
        Some(receipt),
    ))
}

/// The cancel Stripe should receive, or None when there is nothing to call:
/// the app does not let Holdfast manage cancels, or Stripe has no such
/// subscription. The request is then recorded only.
fn plan(
    session: &sessions::Session,
    feedback: Option<Feedback>,
    comment: Option<&str>,
) -> Option<CancelPlan> {
    let subscription_id = session.subscription_id.clone()?;
    if !session.settings.manage_cancels || session.stripe_lookup == "missing" {
        return None;
    }
    Some(CancelPlan {
        subscription_id,
        customer_id: session.customer_id.clone(),
        options: session.settings.cancel.clone(),
        feedback,
        comment: comment.map(str::to_owned),
    })
}

async fn record_only(
    db: &D1Database,
    session: &sessions::Session,
    ask: Ask<'_>,
    url: Option<String>,
    receipt: &Receipt,
    now: i64,
) -> Result<OutcomeResponse, AppError> {
    let why = if session.settings.manage_cancels {
        "not_in_stripe"
    } else {
        "manage_cancels_off"
    };
    let results = db
        .batched(vec![
            sessions::start_cancel(
                db,
                &session.id,
                SessionStatus::Cancelled,
                (ask.reason_id, ask.comment),
                url.as_deref(),
                Some(receipt),
                now,
            )?,
            events::insert_after_change(
                db,
                &session.id,
                "cancel_recorded",
                &json!({"reason_id": ask.reason_id.or(session.reason_id.as_deref()), "why": why, "kind": receipt.kind, "mode": session.mode.as_str()}),
                now,
            )?,
        ])
        .await?;
    if results.first().map(changes) != Some(1) {
        return current(db, session).await;
    }
    Ok(with_receipt(
        outcome(url, SessionStatus::Cancelled, None),
        Some(receipt.clone()),
    ))
}

/// Re-reads the session after losing a race.
async fn current(
    db: &D1Database,
    session: &sessions::Session,
) -> Result<OutcomeResponse, AppError> {
    let fresh = sessions::by_id(db, &session.id)
        .await?
        .ok_or_else(|| AppError::internal("session vanished"))?;
    if fresh.status.is_offer() {
        return Err(AppError::Conflict(
            "An offer was accepted on this page, so it cannot also cancel.".to_owned(),
        ));
    }
    Ok(with_receipt(
        outcome(
            fresh.outcome_url.clone(),
            fresh.status,
            fresh.cancel_effective_at,
        ),
        fresh.receipt.clone(),
    ))
}

/// The answer with the confirmation, its end date as Stripe last said.
pub fn with_receipt(mut o: OutcomeResponse, receipt: Option<Receipt>) -> OutcomeResponse {
    o.receipt = receipt.map(|mut r| {
        r.ends_at = o.cancel_effective_at.or(r.ends_at);
        r
    });
    o
}

pub fn outcome(
    redirect_url: Option<String>,
    status: SessionStatus,
    effective_at: Option<i64>,
) -> OutcomeResponse {
    let message = match status {
        SessionStatus::Cancelled => "We're sorry to see you go. Thank you for having been with us.",
        _ => "We've received your cancellation request and are completing it with our billing system. You don't need to do anything else.",
    };
    OutcomeResponse {
        status,
        message: message.to_owned(),
        redirect_url,
        cancel_effective_at: effective_at,
        receipt: None,
    }
}

/// Where the cancel sends the customer, fixed at the decision: the
/// pass-through URL (signed), else `cancel_confirmation_url`.
fn destination(session: &sessions::Session, config: &Config) -> Option<String> {
    match &session.settings.cancel.pass_through_url {
        Some(template) => pass_through(session, config, template),
        None => session.cancel_confirmation_url.clone(),
    }
}

/// A pass-through URL filled from the session's verified fields (and the
/// browser's that the admin trusts for URLs), signed with a key derived
/// from the app's signing secret (see `holdfast_core::pass_through`).
/// None when the URL is not on the app's return origins any more, or the
/// signing secret does not open: the decision itself never waits on it.
pub fn pass_through(
    session: &sessions::Session,
    config: &Config,
    template: &str,
) -> Option<String> {
    let s = &session.settings;
    holdfast_core::return_url::check_template(template, &s.return_origins).ok()?;
    let secret = match crate::secrets::open(config, &session.signing_secret) {
        Ok(secret) => secret,
        Err(e) => {
            worker::console_error!("pass-through URL not signed: {e:?}");
            return None;
        }
    };
    let fields = provenance::for_urls(&session.fields, &session.unverified, &s.trusted_url_fields);
    let url = holdfast_core::pass_through::signed(
        template,
        &fields,
        &secret,
        &session.id,
        crate::random::now_secs(),
    );
    holdfast_core::validation::check_web_url("url", &url).ok()?;
    Some(url)
}
