//! The Stripe writes a session owes (an operation: a cancel or an offer),
//! applied exactly once. `decide` is the one path cancels and offers take:
//! the transition, the leased operation and the event in one batch.
//!
//! The session's state change and its operation are written in one D1 batch
//! before Stripe is called; the operation's lease means only one worker calls
//! Stripe at a time; every write carries an idempotency key derived from the
//! session, so a retry after a crash or a timeout cannot apply twice.

use std::time::Duration;

use holdfast_core::audit::EventKind;
use holdfast_core::cancel::{CancelPlan, CancelTiming};
use holdfast_core::offer::OfferPlan;
use holdfast_core::session::SessionStatus;
use holdfast_core::stripe::{self as req, IdempotencyKey, StripeRequest};
use holdfast_core::subscription::SubscriptionFacts;
use holdfast_core::work::backoff_ms;
use holdfast_core::work::WorkKind;
use serde_json::{json, Value};
use worker::{D1Database, D1PreparedStatement};

use crate::config::Config;
use crate::error::AppError;
use crate::store::Batched;
use crate::store::{events, operations, transitions, won};
use crate::stripe::{Budget, Client, Failure};

/// A customer is waiting on the answer: two tries at most, all within 9 s;
/// what does not land by then stays pending for the cron.
const STRIPE_BUDGET: Budget = Budget {
    per_attempt: Duration::from_secs(5),
    total: Duration::from_secs(9),
};
const STRIPE_ATTEMPTS: u32 = 2;

/// What an operation does, as stored in its `params`.
pub enum Work {
    Cancel(CancelPlan),
    Offer(OfferPlan),
}

impl Work {
    pub fn kind(&self) -> WorkKind {
        match self {
            Self::Cancel(_) => WorkKind::Cancel,
            Self::Offer(_) => WorkKind::Offer,
        }
    }

    pub fn params(&self) -> Result<String, AppError> {
        match self {
            Self::Cancel(p) => serde_json::to_string(p),
            Self::Offer(p) => serde_json::to_string(p),
        }
        .map_err(AppError::from)
    }

    pub fn load(op: &operations::Operation) -> Result<Self, AppError> {
        let bad = |e: serde_json::Error| {
            AppError::internal(format!("stored {} plan does not parse: {e}", op.kind))
        };
        match WorkKind::from_name(&op.kind) {
            Some(WorkKind::Cancel) => serde_json::from_str(&op.params)
                .map(Self::Cancel)
                .map_err(bad),
            Some(WorkKind::Offer) => serde_json::from_str(&op.params)
                .map(Self::Offer)
                .map_err(bad),
            None => Err(AppError::internal(format!(
                "unknown operation kind {}",
                op.kind
            ))),
        }
    }
}

/// A customer's decision that may owe Stripe a write: the session's guarded
/// transition, the work it owes (None: recorded only) and its audit entry.
pub struct Decision<'a> {
    pub session_id: &'a str,
    /// A statement that changes one row only when this request wins.
    pub transition: D1PreparedStatement,
    pub work: Option<&'a Work>,
    pub event: EventKind,
    pub detail: Value,
}

/// The one exactly-once path of cancels and offers: the transition, the
/// leased operation and the event land in one D1 batch, each only if the
/// one before changed a row, so of concurrent requests exactly one wins;
/// the winner then calls Stripe (`run`).
pub async fn decide(
    db: &D1Database,
    config: &Config,
    d: Decision<'_>,
    now: i64,
) -> Result<Decided, AppError> {
    let mut batch = vec![d.transition];
    if let Some(work) = d.work {
        let op_id = crate::random::id("op")?;
        batch.push(operations::insert_leased_after_transition(
            db,
            &op_id,
            d.session_id,
            work.kind(),
            &work.params()?,
            now,
        )?);
    }
    let guarded = batch.len();
    batch.push(events::insert_after_change(
        db,
        d.session_id,
        d.event,
        &d.detail,
        now,
    )?);
    let results = db.batched(batch).await?;
    if !results.iter().take(guarded).all(won) {
        return Ok(Decided::Lost);
    }
    match d.work {
        Some(work) => Ok(Decided::Landed(
            run(db, config, d.session_id, work, now).await?,
        )),
        None => Ok(Decided::Recorded),
    }
}

/// How a decision went.
pub enum Decided {
    /// A concurrent request won; this one changed nothing.
    Lost,
    /// Won, with nothing owed to Stripe.
    Recorded,
    /// Won, and Stripe was called: where the session stands now.
    Landed(Landed),
}

/// Where the session stands after an attempt.
pub struct Landed {
    pub status: SessionStatus,
    /// For cancels: when it takes effect.
    pub effective_at: Option<i64>,
}

/// Claims the lease of a pending operation and runs it; `None` when someone
/// else holds the lease (they are calling Stripe right now).
pub async fn resume(
    db: &D1Database,
    config: &Config,
    session_id: &str,
    now: i64,
) -> Result<Option<Landed>, AppError> {
    if !operations::claim(db, session_id, now).await? {
        return Ok(None);
    }
    let op = operations::for_session(db, session_id)
        .await?
        .ok_or_else(|| AppError::internal("claimed operation vanished"))?;
    run(db, config, session_id, &Work::load(&op)?, now)
        .await
        .map(Some)
}

/// The operation of `session_id` as a job of the work queue, judged by
/// `clock`: resumed when due, then done, due again later, or failed (an
/// admin must look; it shows on the Operations page).
pub async fn resume_job(
    db: &D1Database,
    config: &Config,
    session_id: &str,
    clock: i64,
) -> Result<crate::webhooks::Done, AppError> {
    use crate::webhooks::Done;
    use holdfast_core::work::OperationStatus;
    let due = |s: Option<(OperationStatus, i64)>| matches!(s, Some((OperationStatus::Pending, next)) if next <= clock);
    let attempted = due(operations::state(db, session_id).await?)
        && resume(db, config, session_id, clock).await?.is_some();
    Ok(match operations::state(db, session_id).await? {
        Some((OperationStatus::Pending, next)) if next > clock => Done::Later(next - clock),
        Some((OperationStatus::Failed, _)) if attempted => Done::GaveUp,
        _ => Done::Finished,
    })
}

/// What came of a Stripe call: its answer, or Stripe's (or the network's)
/// failure. Failing to record either is the surrounding `AppError`.
enum Called<T> {
    Answered(T),
    Failed(Failure),
}

impl Work {
    /// The session's state while this work is owed.
    fn pending(&self) -> SessionStatus {
        match self {
            Self::Cancel(_) => SessionStatus::CancelPending,
            Self::Offer(_) => SessionStatus::OfferPending,
        }
    }

    /// The session's final transition once Stripe has done it, the state
    /// it reaches and the event that announces it.
    fn finish(
        &self,
        db: &D1Database,
        session_id: &str,
        effective_at: Option<i64>,
        now: i64,
    ) -> Result<(D1PreparedStatement, SessionStatus, EventKind), AppError> {
        Ok(match self {
            Self::Cancel(_) => (
                transitions::finish_cancel(db, session_id, effective_at, now)?,
                SessionStatus::Cancelled,
                EventKind::CancelCompleted,
            ),
            Self::Offer(_) => (
                transitions::finish_offer(db, session_id, now)?,
                SessionStatus::OfferAccepted,
                EventKind::OfferApplied,
            ),
        })
    }

    fn failed_event(&self) -> EventKind {
        match self {
            Self::Cancel(_) => EventKind::CancelFailed,
            Self::Offer(_) => EventKind::OfferFailed,
        }
    }

    /// Makes the Stripe calls; a cancel answers when it takes effect.
    async fn call(
        &self,
        db: &D1Database,
        client: &Client<'_>,
        session_id: &str,
        now: i64,
        trail: &mut Vec<D1PreparedStatement>,
    ) -> Result<Called<Option<i64>>, AppError> {
        match self {
            Self::Cancel(plan) => cancel(db, client, session_id, plan, now, trail).await,
            Self::Offer(plan) => offer(db, client, session_id, plan, now, trail).await,
        }
    }
}

/// Calls Stripe for a leased operation and records what happened.
pub async fn run(
    db: &D1Database,
    config: &Config,
    session_id: &str,
    work: &Work,
    now: i64,
) -> Result<Landed, AppError> {
    let client = Client::new(config);
    let mut trail: Vec<D1PreparedStatement> = Vec::new();
    let landed = match work.call(db, &client, session_id, now, &mut trail).await? {
        Called::Answered(effective_at) => {
            trail.push(operations::complete(db, session_id, now)?);
            let (finish, status, event) = work.finish(db, session_id, effective_at, now)?;
            trail.push(finish);
            let detail = json!({"effective_at": effective_at});
            trail.push(events::insert(db, session_id, event, &detail, now)?);
            Landed {
                status,
                effective_at,
            }
        }
        Called::Failed(failure) => {
            let why = failure.to_string();
            if failure.retryable() {
                let at = retry_at(db, session_id, &failure, now).await?;
                trail.push(operations::retry_later(db, session_id, &why, at, now)?);
            } else {
                trail.push(operations::fail(db, session_id, &why, now)?);
                let detail = json!({"error": why});
                let event = work.failed_event();
                trail.push(events::insert(db, session_id, event, &detail, now)?);
            }
            Landed {
                status: work.pending(),
                effective_at: None,
            }
        }
    };
    db.batched(trail).await?;
    Ok(landed)
}

/// When to try a retryable failure again: backoff with jitter by the
/// operation's attempts, never sooner than Stripe asked.
async fn retry_at(
    db: &D1Database,
    session_id: &str,
    failure: &Failure,
    now: i64,
) -> Result<i64, AppError> {
    let attempts = operations::for_session(db, session_id)
        .await?
        .map_or(1, |o| o.attempts);
    let backoff = backoff_ms(
        u32::try_from(attempts).unwrap_or(20),
        30_000,
        3_600_000,
        crate::random::jitter(),
    ) / 1000;
    let asked = failure.retry_after().map_or(0, |d| d.as_secs());
    Ok(now + i64::try_from(backoff.max(asked)).unwrap_or(i64::MAX / 2))
}

/// Sends one write (retrying what is safe) and adds it to the audit trail.
async fn send(
    db: &D1Database,
    client: &Client<'_>,
    session_id: &str,
    call: &StripeRequest,
    now: i64,
    trail: &mut Vec<D1PreparedStatement>,
) -> Result<Called<Value>, AppError> {
    let answer = client
        .send_retrying(call, STRIPE_ATTEMPTS, STRIPE_BUDGET)
        .await;
    let detail = match &answer {
        Ok(reply) => {
            json!({"method": call.method.as_str(), "path": call.path, "params": call.params, "ok": true, "answer": summary(&reply.body)})
        }
        Err(f) => {
            json!({"method": call.method.as_str(), "path": call.path, "params": call.params, "ok": false, "status": f.status(), "error": f.to_string()})
        }
    };
    trail.push(events::insert(
        db,
        session_id,
        EventKind::StripeRequest,
        &detail,
        now,
    )?);
    Ok(match answer {
        Ok(reply) => Called::Answered(reply.body),
        Err(f) => Called::Failed(f),
    })
}

/// Cancels the subscription (and, when asked, the customer's other live
/// ones). Answers when the session's own cancel takes effect.
async fn cancel(
    db: &D1Database,
    client: &Client<'_>,
    session_id: &str,
    plan: &CancelPlan,
    now: i64,
    trail: &mut Vec<D1PreparedStatement>,
) -> Result<Called<Option<i64>>, AppError> {
    let mut targets = vec![plan.subscription_id.clone()];
    add_new(&mut targets, plan.also.iter().cloned());
    if let (true, Some(customer)) = (plan.options.all_subscriptions, &plan.customer_id) {
        let list = req::list_customer_subscriptions(customer);
        match send(db, client, session_id, &list, now, trail).await? {
            Called::Answered(list) => add_new(&mut targets, live_subscription_ids(&list)),
            Called::Failed(f) => return Ok(Called::Failed(f)),
        }
    }
    let details = plan.details();
    let mut effective_at = None;
    for (i, sub) in targets.iter().enumerate() {
        let call = req::cancel_subscription(
            sub,
            &plan.options,
            &details,
            IdempotencyKey::derive(session_id, WorkKind::Cancel.as_str(), sub),
        );
        match send(db, client, session_id, &call, now, trail).await? {
            Called::Answered(body) if i == 0 => {
                effective_at = effective(&body, plan.options.timing, now);
            }
            Called::Answered(_) => {}
            // Stripe has no such subscription: there is nothing left to cancel.
            Called::Failed(f)
                if f.code() == Some("resource_missing") || f.status() == Some(404) => {}
            Called::Failed(f) => return Ok(Called::Failed(f)),
        }
    }
    Ok(Called::Answered(effective_at))
}

async fn offer(
    db: &D1Database,
    client: &Client<'_>,
    session_id: &str,
    plan: &OfferPlan,
    now: i64,
    trail: &mut Vec<D1PreparedStatement>,
) -> Result<Called<Option<i64>>, AppError> {
    let key = IdempotencyKey::derive(session_id, WorkKind::Offer.as_str(), &plan.offer_id);
    let Some(call) = req::apply_offer(plan, key) else {
        return Ok(Called::Answered(None));
    };
    Ok(
        match send(db, client, session_id, &call, now, trail).await? {
            Called::Answered(_) => Called::Answered(None),
            Called::Failed(f) => Called::Failed(f),
        },
    )
}

/// Appends the ids not yet among `targets`: each subscription is called once.
fn add_new(targets: &mut Vec<String>, ids: impl IntoIterator<Item = String>) {
    for id in ids {
        if !targets.contains(&id) {
            targets.push(id);
        }
    }
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
           "cancel_at": pick("cancel_at"), "canceled_at": pick("canceled_at"), "pause_collection": pick("pause_collection"),
           "discounts": pick("discounts")})
}
