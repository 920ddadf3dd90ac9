//! The customer's cancel: recorded at once, applied in Stripe exactly once
//! (through `work::decide`, the path it shares with offers), never lost.

use holdfast_core::api::session::OutcomeResponse;
use holdfast_core::audit::EventKind;
use holdfast_core::cancel::{already_cancelling, CancelPlan, Feedback, PriorCancel};
use holdfast_core::locale::Locale;
use holdfast_core::provenance;
use holdfast_core::receipt::{CancelKind, Receipt};
use holdfast_core::session::SessionStatus;
use serde_json::json;
use worker::D1Database;

use crate::config::Config;
use crate::error::AppError;
use crate::receipt;
use crate::store::{sessions, transitions};
use crate::work::{self, Decided, Work};

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
    if let Some(done) = already(db, config, session, now).await? {
        return Ok(done);
    }
    if let Some(p) = &session.earlier {
        return Ok(earlier_outcome(p));
    }
    let reason = ask.reason_id.or(session.reason_id.as_deref());
    let feedback = match reason {
        Some(id) => Some(
            session
                .settings
                .known_reason("reason_id", id)
                .map_err(AppError::BadRequest)?
                .feedback,
        ),
        None => None,
    };

    let url = destination(session, config);
    let receipt = receipt::make(session, config, &ask, now)?;
    let work = plan(session, feedback, ask.comment).map(Work::Cancel);
    // Recorded only: the app does not let Holdfast manage cancels, or
    // Stripe does not know the subscription.
    let (to, event) = match work {
        Some(_) => (SessionStatus::CancelPending, EventKind::CancelRequested),
        None => (SessionStatus::Cancelled, EventKind::CancelRecorded),
    };
    let mut detail =
        json!({"reason_id": reason, "kind": receipt.kind, "mode": session.mode.as_str()});
    if work.is_none() {
        let why = if session.settings.manage_cancels {
            "not_in_stripe"
        } else {
            "manage_cancels_off"
        };
        detail["why"] = json!(why);
    }
    let decision = work::Decision {
        session_id: &session.id,
        transition: transitions::start_cancel(
            db,
            &session.id,
            to,
            (ask.reason_id, ask.comment),
            url.as_deref(),
            Some(&receipt),
            now,
        )?,
        work: work.as_ref(),
        event,
        detail,
    };
    let (status, effective_at) = match work::decide(db, config, decision, now).await? {
        // A concurrent request got there first; answer with where it stands.
        Decided::Lost => return current(db, session, now).await,
        Decided::Recorded => (SessionStatus::Cancelled, None),
        Decided::Landed(l) => (l.status, l.effective_at),
    };
    Ok(with_receipt(
        outcome(url, status, effective_at),
        Some(receipt),
    ))
}

/// The answer for a session past its choice: a cancel done or under way
/// (resumed here), or a refusal; None while it may still cancel.
async fn already(
    db: &D1Database,
    config: &Config,
    session: &sessions::Session,
    now: i64,
) -> Result<Option<OutcomeResponse>, AppError> {
    let url = || session.outcome_url.clone();
    match session.status {
        SessionStatus::Cancelled => Ok(Some(with_receipt(
            outcome(url(), SessionStatus::Cancelled, session.cancel_effective_at),
            session.receipt.clone(),
        ))),
        SessionStatus::CancelPending => match work::resume(db, config, &session.id, now).await? {
            Some(landed) => Ok(Some(with_receipt(
                outcome(url(), landed.status, landed.effective_at),
                session.receipt.clone(),
            ))),
            None => current(db, session, now).await.map(Some),
        },
        s if s.is_offer() => Err(AppError::Conflict(
            "You accepted an offer on this page, so it cannot also cancel. To cancel, go back to your account and click Cancel again.".to_owned(),
        )),
        s if s.can_start_cancel() => Ok(None),
        _ => Err(AppError::Conflict(
            "This session can no longer be cancelled from here.".to_owned(),
        )),
    }
}

/// An earlier cancel of `session`'s subscription (from another session of
/// its app) that still stands: a second cancel neither reaches Stripe nor
/// sends a message again, so one signed link cannot start message after
/// message. Only for a session that could still cancel.
pub fn standing(session: &sessions::Session, now: i64) -> Option<sessions::PriorCancel> {
    let p = session.prior.as_ref()?;
    if !session.status.can_start_cancel() {
        return None;
    }
    let prior = PriorCancel {
        decided_at: p.receipt.received_at,
        ends_at: p.cancel_effective_at.or(p.receipt.ends_at),
    };
    let stripe = session
        .facts
        .as_ref()
        .map(|f| f.cancel_at_period_end || !f.status.is_live());
    already_cancelling(prior, session.created_at, stripe, now).then(|| p.clone())
}

/// The answer for a session whose subscription `p` already cancelled: its
/// receipt, without the addresses it was sent to (none is sent now).
pub fn earlier_outcome(p: &sessions::PriorCancel) -> OutcomeResponse {
    with_receipt(
        outcome(p.outcome_url.clone(), p.status, p.cancel_effective_at),
        Some(earlier_receipt(p)),
    )
}

/// The earlier cancel's receipt as this session shows it.
pub fn earlier_receipt(p: &sessions::PriorCancel) -> Receipt {
    let mut r = p.receipt.clone();
    r.email = None;
    r.copy_to = None;
    r.ends_at = p.cancel_effective_at.or(r.ends_at);
    r
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
    if !session.settings.manage_cancels || session.stripe_lookup.is_missing() {
        return None;
    }
    Some(CancelPlan {
        subscription_id,
        customer_id: session.customer_id.clone(),
        options: session.settings.cancel.clone(),
        feedback,
        comment: comment.map(str::to_owned),
        also: Vec::new(),
    })
}

/// Re-reads the session after losing a race: to another request of this
/// session, or to another session's cancel of the same subscription.
async fn current(
    db: &D1Database,
    session: &sessions::Session,
    now: i64,
) -> Result<OutcomeResponse, AppError> {
    let fresh = sessions::reread(db, session).await?;
    if let Some(p) = standing(&fresh, now) {
        return Ok(earlier_outcome(&p));
    }
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
    let place = crate::secrets::app_secret(&session.app_id);
    let secret = match crate::secrets::open(config, place, &session.signing_secret) {
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
        crate::clock::now_secs(),
    );
    holdfast_core::validation::check_web_url("url", &url).ok()?;
    Some(url)
}
