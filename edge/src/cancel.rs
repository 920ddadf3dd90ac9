//! Cancelling in Stripe exactly once, and never losing a cancel request.
//!
//! The session's state change and the operation it owes are written in one
//! D1 batch before Stripe is called; the operation's lease means only one
//! worker calls Stripe at a time; every write carries an idempotency key
//! derived from the session, so a retry after a crash cannot apply twice.

use std::time::Duration;

use holdfast_core::api::OutcomeResponse;
use holdfast_core::cancel::{CancelPlan, CancelTiming};
use holdfast_core::session::SessionStatus;
use holdfast_core::stripe::{self as req, backoff_ms, IdempotencyKey};
use holdfast_core::subscription::SubscriptionFacts;
use serde_json::{json, Value};
use worker::{D1Database, D1PreparedStatement};

use crate::config::Config;
use crate::error::AppError;
use crate::store::{changes, events, operations, sessions};
use crate::stripe::{Client, Failure};

const KIND: &str = "cancel";
const STRIPE_DEADLINE: Duration = Duration::from_secs(8);
const STRIPE_ATTEMPTS: u32 = 2;

/// What the customer asked for, from the cancel route.
pub struct Ask<'a> {
    pub reason_id: Option<&'a str>,
    pub comment: Option<&'a str>,
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
        SessionStatus::Cancelled => {
            return Ok(outcome(
                session,
                SessionStatus::Cancelled,
                session.cancel_effective_at,
            ))
        }
        SessionStatus::CancelPending => return resume(db, config, session, now).await,
        s if s.can_start_cancel() => {}
        _ => {
            return Err(AppError::Conflict(
                "This session can no longer be cancelled from here.".to_owned(),
            ))
        }
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

    let Some(plan) = plan(session, feedback, ask.comment) else {
        return record_only(db, session, ask, now).await;
    };
    let params = serde_json::to_string(&plan).map_err(|e| AppError::internal(e.to_string()))?;
    let op_id = crate::random::id("op")?;
    let results = db
        .batch(vec![
            sessions::start_cancel(
                db,
                &session.id,
                SessionStatus::CancelPending,
                ask.reason_id,
                ask.comment,
                now,
            )?,
            operations::insert_leased_after_transition(
                db,
                &op_id,
                &session.id,
                KIND,
                &params,
                now,
            )?,
            events::insert(
                db,
                &session.id,
                "cancel_requested",
                &json!({"reason_id": reason, "plan": plan}),
                now,
            )?,
        ])
        .await?;
    let won = results.first().map(changes) == Some(1) && results.get(1).map(changes) == Some(1);
    if !won {
        // A concurrent request got there first; answer with where it stands.
        return current(db, session).await;
    }
    execute(db, config, &session.id, &plan, now)
        .await
        .map(|(status, at)| outcome(session, status, at))
}

/// The cancel Stripe should receive, or None when there is nothing to call:
/// the app does not let Holdfast manage cancels, or Stripe has no such
/// subscription. The request is then recorded only.
fn plan(
    session: &sessions::Session,
    feedback: Option<holdfast_core::cancel::Feedback>,
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
    now: i64,
) -> Result<OutcomeResponse, AppError> {
    let why = if session.settings.manage_cancels {
        "not_in_stripe"
    } else {
        "manage_cancels_off"
    };
    let results = db
        .batch(vec![
            sessions::start_cancel(
                db,
                &session.id,
                SessionStatus::Cancelled,
                ask.reason_id,
                ask.comment,
                now,
            )?,
            events::insert(
                db,
                &session.id,
                "cancel_recorded",
                &json!({"reason_id": ask.reason_id.or(session.reason_id.as_deref()), "why": why}),
                now,
            )?,
        ])
        .await?;
    if results.first().map(changes) != Some(1) {
        return current(db, session).await;
    }
    Ok(outcome(session, SessionStatus::Cancelled, None))
}

/// A pending cancel: retry now if nobody else holds the lease.
async fn resume(
    db: &D1Database,
    config: &Config,
    session: &sessions::Session,
    now: i64,
) -> Result<OutcomeResponse, AppError> {
    if !operations::claim(db, &session.id, now).await? {
        return current(db, session).await;
    }
    let op = operations::for_session(db, &session.id)
        .await?
        .ok_or_else(|| AppError::internal("claimed operation vanished"))?;
    let plan: CancelPlan = serde_json::from_str(&op.params)
        .map_err(|e| AppError::internal(format!("stored plan does not parse: {e}")))?;
    let (status, at) = execute(db, config, &session.id, &plan, now).await?;
    Ok(outcome(session, status, at))
}

/// Re-reads the session after losing a race.
async fn current(
    db: &D1Database,
    session: &sessions::Session,
) -> Result<OutcomeResponse, AppError> {
    let fresh = sessions::by_id(db, &session.id)
        .await?
        .ok_or_else(|| AppError::internal("session vanished"))?;
    Ok(outcome(&fresh, fresh.status, fresh.cancel_effective_at))
}

/// Retries a due operation from the cron.
pub async fn retry(
    db: &D1Database,
    config: &Config,
    op: &operations::Operation,
    now: i64,
) -> Result<SessionStatus, AppError> {
    if !operations::claim(db, &op.session_id, now).await? {
        return Ok(SessionStatus::CancelPending);
    }
    let plan: CancelPlan = serde_json::from_str(&op.params)
        .map_err(|e| AppError::internal(format!("stored plan does not parse: {e}")))?;
    Ok(execute(db, config, &op.session_id, &plan, now).await?.0)
}

/// Calls Stripe for a leased operation and records what happened.
async fn execute(
    db: &D1Database,
    config: &Config,
    session_id: &str,
    plan: &CancelPlan,
    now: i64,
) -> Result<(SessionStatus, Option<i64>), AppError> {
    let client = Client::new(config);
    let mut trail: Vec<D1PreparedStatement> = Vec::new();
    let result = call_stripe(db, &client, session_id, plan, now, &mut trail).await?;
    match result {
        Ok(effective_at) => {
            trail.push(operations::complete(db, session_id, now)?);
            trail.push(sessions::finish_cancel(db, session_id, effective_at, now)?);
            trail.push(events::insert(
                db,
                session_id,
                "cancel_completed",
                &json!({"effective_at": effective_at}),
                now,
            )?);
            db.batch(trail).await?;
            Ok((SessionStatus::Cancelled, effective_at))
        }
        Err(failure) if failure.retryable() => {
            let attempts = operations::for_session(db, session_id)
                .await?
                .map_or(1, |o| o.attempts);
            let wait_ms = backoff_ms(
                u32::try_from(attempts).unwrap_or(20),
                30_000,
                3_600_000,
                crate::random::jitter(),
            );
            trail.push(operations::retry_later(
                db,
                session_id,
                &failure.to_string(),
                now + (wait_ms / 1000) as i64,
                now,
            )?);
            db.batch(trail).await?;
            Ok((SessionStatus::CancelPending, None))
        }
        Err(failure) => {
            trail.push(operations::fail(db, session_id, &failure.to_string(), now)?);
            trail.push(events::insert(
                db,
                session_id,
                "cancel_failed",
                &json!({"error": failure.to_string()}),
                now,
            )?);
            db.batch(trail).await?;
            Ok((SessionStatus::CancelPending, None))
        }
    }
}

/// Cancels the subscription (and, when asked, the customer's other live
/// ones). Returns when the session's own cancel takes effect.
async fn call_stripe(
    db: &D1Database,
    client: &Client<'_>,
    session_id: &str,
    plan: &CancelPlan,
    now: i64,
    trail: &mut Vec<D1PreparedStatement>,
) -> Result<Result<Option<i64>, Failure>, AppError> {
    let mut targets = vec![plan.subscription_id.clone()];
    if plan.options.all_subscriptions {
        if let Some(customer) = &plan.customer_id {
            let list = req::list_customer_subscriptions(customer);
            let answer = client
                .send_retrying(&list, STRIPE_ATTEMPTS, STRIPE_DEADLINE)
                .await;
            trail.push(audit(
                db,
                session_id,
                &list,
                &answer.as_ref().map(|r| summary(&r.body)),
                now,
            )?);
            match answer {
                Ok(reply) => targets.extend(
                    live_subscription_ids(&reply.body)
                        .into_iter()
                        .filter(|id| *id != plan.subscription_id),
                ),
                Err(f) => return Ok(Err(f)),
            }
        }
    }
    let details = plan.details();
    let mut effective_at = None;
    for (i, sub) in targets.iter().enumerate() {
        let call = req::cancel_subscription(
            sub,
            &plan.options,
            &details,
            IdempotencyKey::derive(session_id, KIND, sub),
        );
        let answer = client
            .send_retrying(&call, STRIPE_ATTEMPTS, STRIPE_DEADLINE)
            .await;
        trail.push(audit(
            db,
            session_id,
            &call,
            &answer.as_ref().map(|r| summary(&r.body)),
            now,
        )?);
        match answer {
            Ok(reply) if i == 0 => effective_at = effective(&reply.body, plan.options.timing, now),
            Ok(_) => {}
            // Stripe has no such subscription: there is nothing left to cancel.
            Err(f) if f.code() == Some("resource_missing") || f.status() == Some(404) => {}
            Err(f) => return Ok(Err(f)),
        }
    }
    Ok(Ok(effective_at))
}

fn live_subscription_ids(list: &Value) -> Vec<String> {
    list.get("data")
        .and_then(Value::as_array)
        .map(|subs| {
            subs.iter()
                .filter_map(|s| SubscriptionFacts::from_stripe(s).ok())
                .filter(|f| f.status.is_live() && !f.cancel_at_period_end)
                .map(|f| f.id)
                .collect()
        })
        .unwrap_or_default()
}

/// When the cancel takes effect, from Stripe's answer.
fn effective(sub: &Value, timing: CancelTiming, now: i64) -> Option<i64> {
    let int = |k: &str| sub.get(k).and_then(Value::as_i64);
    match timing {
        CancelTiming::Immediately => int("ended_at").or(int("canceled_at")).or(Some(now)),
        CancelTiming::AtPeriodEnd => int("cancel_at")
            .or_else(|| SubscriptionFacts::from_stripe(sub).ok()?.current_period_end),
    }
}

/// The part of Stripe's answer worth keeping in the audit trail.
fn summary(body: &Value) -> Value {
    let pick = |k: &str| body.get(k).cloned().unwrap_or(Value::Null);
    json!({"id": pick("id"), "status": pick("status"), "cancel_at_period_end": pick("cancel_at_period_end"),
           "cancel_at": pick("cancel_at"), "canceled_at": pick("canceled_at")})
}

fn audit(
    db: &D1Database,
    session_id: &str,
    call: &req::StripeRequest,
    answer: &Result<Value, &Failure>,
    now: i64,
) -> Result<D1PreparedStatement, AppError> {
    let detail = match answer {
        Ok(summary) => {
            json!({"method": call.method.as_str(), "path": call.path, "params": call.params, "ok": true, "answer": summary})
        }
        Err(f) => {
            json!({"method": call.method.as_str(), "path": call.path, "params": call.params, "ok": false, "status": f.status(), "error": f.to_string()})
        }
    };
    events::insert(db, session_id, "stripe_request", &detail, now)
}

pub fn outcome(
    session: &sessions::Session,
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
        redirect_url: session.cancel_confirmation_url.clone(),
        cancel_effective_at: effective_at,
    }
}
