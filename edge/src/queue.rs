//! Background work through Cloudflare Queues: webhook deliveries,
//! confirmation e-mails and pending Stripe operations. The outbox in D1
//! stays the truth (the batch that changes state writes the delivery, the
//! e-mail or the operation); a relay enqueues it, right after the request
//! that made it (new ones, once, delayed until due) and on every cron run
//! (whatever is due: the sweep for anything a queue lost); the consumer
//! attempts each and books it.
//! A failed attempt is retried by the queue itself, delayed until its
//! backoff ends; a delivery that fails for good, or a job that keeps
//! throwing past `max_retries`, ends in the dead-letter queue, whose
//! consumer marks it in the delivery log (a replay sends it again).
//! A job delivered twice sends once: the second finds it delivered or
//! leased. Batches are at most 8 jobs (wrangler.toml), run side by side:
//! a job takes at most two subrequests and six D1 queries, and a batch with
//! operations relays after them (two queries, ten sends at most), so a
//! batch stays inside the Workers Free limits of 50 each.

use std::cell::Cell;

use futures_util::future::join_all;
use serde::{Deserialize, Serialize};
use worker::{
    console_error, BatchMessageBuilder, D1Database, MessageBatch, MessageBuilder, MessageExt,
    QueueContentType, QueueRetryOptionsBuilder, RawMessage, RawMessageBuilder, SendMessage,
};

use crate::config::Config;
use crate::error::AppError;
use crate::store::webhooks as store;
use crate::store::{emails, operations, Batched};
use crate::webhooks::{self, Done};

/// The queue's longest delay; a later retry is retried again when due.
const MAX_DELAY_SECS: i64 = 12 * 3600;
/// Jobs one `sendBatch` takes (the platform's most).
const SEND_BATCH: usize = 100;
/// Jobs one relay sends at most: ten subrequests.
const RELAY_MAX: u32 = 1_000;

/// One unit of work. `at`: the cron's time that enqueued it (see `run`).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(tag = "kind", rename_all = "snake_case")]
pub enum Job {
    /// Attempt a webhook delivery.
    Webhook {
        delivery: i64,
        #[serde(default, skip_serializing_if = "Option::is_none")]
        at: Option<i64>,
    },
    /// Send a confirmation e-mail.
    Email {
        id: String,
        #[serde(default, skip_serializing_if = "Option::is_none")]
        at: Option<i64>,
    },
    /// Resume a session's pending Stripe operation.
    Operation {
        session: String,
        #[serde(default, skip_serializing_if = "Option::is_none")]
        at: Option<i64>,
    },
}

thread_local! {
    /// Set by a precancel that made webhook deliveries; taken by the first
    /// precancel relay after it (any one will do: a relay takes every new
    /// delivery, and the flag is set only once they are written).
    static PRECANCEL_MADE_WORK: Cell<bool> = const { Cell::new(false) };
}

/// A precancel made deliveries (its app has webhook endpoints). Precancel
/// is the hot path, and most apps' precancels make no work at all, so its
/// relay runs only when one said so; the sweep backs this up.
pub fn precancel_made_work() {
    PRECANCEL_MADE_WORK.with(|m| m.set(true));
}

/// What a relay looks for.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Relay {
    /// After a precancel that made deliveries: new webhook deliveries.
    Precancel,
    /// After a request that wrote events only (a reason, a deflect,
    /// Stripe's webhooks): new webhook deliveries.
    Events,
    /// After a cancel or an offer: an e-mail and a Stripe operation too.
    Decision,
    /// The cron: everything due that no queue holds.
    Sweep,
}

impl Relay {
    /// Whether, the request answered, there may be work to enqueue.
    pub fn wanted(self) -> bool {
        self != Relay::Precancel || PRECANCEL_MADE_WORK.with(|m| m.replace(false))
    }
}

/// Enqueues work. After a request: the deliveries (and, after a decision,
/// e-mails and operations) no relay has enqueued yet, each delayed until
/// it is due. The sweep: everything due, webhooks and e-mails by the run's
/// time, operations (leases of processes running now) by the wall clock.
/// Returns how many jobs.
pub async fn relay(config: &Config, clock: i64, what: Relay) -> Result<usize, AppError> {
    let db = config.db()?;
    let wall = crate::clock::now_secs();
    let mut jobs: Vec<(Job, i64)> = Vec::new();
    if what == Relay::Sweep {
        let at = Some(clock);
        for delivery in store::take_lost(&db, clock, RELAY_MAX).await? {
            jobs.push((Job::Webhook { delivery, at }, 0));
        }
        let mail_clock = clock.max(wall);
        for id in emails::due_ids(&db, mail_clock, RELAY_MAX).await? {
            jobs.push((
                Job::Email {
                    id,
                    at: Some(mail_clock),
                },
                0,
            ));
        }
        for op in operations::due(&db, wall, RELAY_MAX).await? {
            jobs.push((
                Job::Operation {
                    session: op.session_id,
                    at: None,
                },
                0,
            ));
        }
    } else {
        for delivery in store::take_new(&db, clock, RELAY_MAX).await? {
            jobs.push((Job::Webhook { delivery, at: None }, 0));
        }
    }
    if what == Relay::Decision {
        for (id, due) in emails::take_new(&db, clock, RELAY_MAX).await? {
            jobs.push((Job::Email { id, at: None }, due - clock));
        }
        for (session, due) in operations::take_new(&db, clock, RELAY_MAX).await? {
            jobs.push((Job::Operation { session, at: None }, due - clock));
        }
    }
    send_delayed(config, &jobs).await?;
    Ok(jobs.len())
}

/// Sends jobs to the work queue, each after its delay in seconds (0: now).
async fn send_delayed(config: &Config, jobs: &[(Job, i64)]) -> Result<(), AppError> {
    let queue = config.work_queue()?;
    for chunk in jobs.chunks(SEND_BATCH) {
        let messages: Vec<SendMessage<Job>> = chunk
            .iter()
            .map(|(job, delay)| {
                let secs = u32::try_from((*delay).clamp(0, MAX_DELAY_SECS)).unwrap_or(0);
                MessageBuilder::new(job.clone()).delay_seconds(secs).build()
            })
            .collect();
        crate::counts::subrequest();
        queue
            .send_batch(BatchMessageBuilder::new().messages(messages).build())
            .await?;
    }
    Ok(())
}

/// Sends jobs to the work queue now.
pub async fn send(config: &Config, jobs: &[Job]) -> Result<(), AppError> {
    let now: Vec<(Job, i64)> = jobs.iter().map(|j| (j.clone(), 0)).collect();
    send_delayed(config, &now).await
}

/// Sends any JSON values to the work queue as one batch: the test stack's
/// way to hand the consumer a message that is not a job.
pub async fn send_any(config: &Config, values: &[serde_json::Value]) -> Result<(), AppError> {
    let mut messages = Vec::with_capacity(values.len());
    for v in values {
        let body = js_sys::JSON::parse(&v.to_string())
            .map_err(|_| AppError::internal("a value that is not JSON"))?;
        messages.push(RawMessageBuilder::new(body).build_with_content_type(QueueContentType::Json));
    }
    crate::counts::subrequest();
    config
        .work_queue()?
        .send_raw_batch(BatchMessageBuilder::new().messages(messages).build())
        .await?;
    Ok(())
}

/// The consumer of both queues: the work queue attempts each job; the
/// dead-letter queue books each of its jobs as failed for good. Answers
/// the batch's size.
pub async fn consume(batch: MessageBatch<Job>, config: &Config) -> Result<usize, AppError> {
    let db = config.db()?;
    let config = config.clone().with_saved_key(&db).await?;
    let queue = batch.queue();
    let dead = queue.ends_with("-dlq");
    let now = crate::clock::now_secs();
    // Each message is read on its own: one that is not a job is set aside
    // alone, and the rest of its batch runs.
    let mut jobs = Vec::new();
    let mut size = 0;
    for message in batch.raw_iter() {
        size += 1;
        match read(&message) {
            Ok(job) => jobs.push((message, job)),
            Err((body, error)) => set_aside(&db, &queue, &message, &body, &error, now).await,
        }
    }
    // The batch's jobs run side by side: each waits mostly on its receiver.
    join_all(
        jobs.iter()
            .map(|(m, job)| handle(&db, &config, dead, m, job, now)),
    )
    .await;
    // An operation that lands writes its session's events, and with them
    // webhook deliveries no request is left to relay: enqueue them now
    // rather than at the next sweep.
    let operations = jobs
        .iter()
        .any(|(_, job)| matches!(job, Job::Operation { .. }));
    if operations && !dead {
        relay(&config, crate::clock::now_secs(), Relay::Events).await?;
    }
    Ok(size)
}

/// A message's job, or its body as JSON and why it is not one.
fn read(message: &RawMessage) -> Result<Job, (String, String)> {
    let body = js_sys::JSON::stringify(&message.body())
        .ok()
        .and_then(|s| s.as_string())
        .unwrap_or_default();
    serde_json::from_str(&body).map_err(|e| (body, e.to_string()))
}

/// Keeps an unreadable message for the Operations page and acknowledges
/// it: retrying cannot make it readable. Should the write fail, the queue
/// brings the message back, and after its retries to the dead-letter queue.
async fn set_aside(
    db: &D1Database,
    queue: &str,
    message: &RawMessage,
    body: &str,
    error: &str,
    now: i64,
) {
    console_error!("queue {queue}: a message is not a job ({error}): {body:.200}");
    match crate::store::unreadable::record(db, queue, body, error, now).await {
        Ok(()) => message.ack(),
        Err(e) => {
            console_error!("queue: keeping an unreadable message failed: {e:?}");
            message.retry();
        }
    }
}

/// Runs a job by its clock: the cron's time that enqueued it when that is
/// ahead (the test stack's clock), else now. A job waits in the queue, and
/// comes back with its body on a retry, so an older `at` is never used:
/// its leases would have run out already.
async fn run(db: &D1Database, config: &Config, job: &Job, now: i64) -> Result<Done, AppError> {
    let clock = |at: &Option<i64>| at.map_or(now, |at| at.max(now));
    match job {
        Job::Webhook { delivery, at } => {
            webhooks::deliver_job(db, *delivery, clock(at), config).await
        }
        Job::Email { id, at } => crate::email::send_job(config, db, id, clock(at)).await,
        Job::Operation { session, at } => {
            crate::work::resume_job(db, config, session, clock(at)).await
        }
    }
}

/// Books a job that reached the dead-letter queue as failed for good
/// (an operation is already marked failed, on the Operations page).
async fn dead_letter(db: &D1Database, job: &Job, now: i64) -> Result<(), AppError> {
    match job {
        Job::Webhook { delivery, .. } => {
            db.batched(vec![store::dead_lettered(db, *delivery, now)?])
                .await?;
        }
        Job::Email { id, .. } => emails::dead_lettered(db, id, now).await?,
        Job::Operation { session, .. } => {
            console_error!("queue: the operation of session {session} is in the dead-letter queue");
        }
    }
    Ok(())
}

/// One job: attempted and acknowledged, retried later, or dead-lettered.
async fn handle(
    db: &D1Database,
    config: &Config,
    dead: bool,
    message: &RawMessage,
    job: &Job,
    now: i64,
) {
    let job = job.clone();
    if dead {
        match dead_letter(db, &job, now).await {
            Ok(()) => message.ack(),
            Err(e) => {
                console_error!("queue: booking dead letter {job:?}: {e:?}");
                message.retry();
            }
        }
        return;
    }
    match run(db, config, &job, now).await {
        Ok(Done::Finished) => message.ack(),
        Ok(Done::Later(secs)) => {
            let delay = u32::try_from(secs.clamp(1, MAX_DELAY_SECS)).unwrap_or(1);
            message.retry_with_options(
                &QueueRetryOptionsBuilder::new()
                    .with_delay_seconds(delay)
                    .build(),
            );
        }
        Ok(Done::GaveUp) => {
            // The dead-letter queue is where failed work is looked at.
            crate::counts::subrequest();
            let sent = match config.dead_queue() {
                Ok(q) => q.send(job.clone()).await.map_err(AppError::from),
                Err(e) => Err(e),
            };
            match sent {
                Ok(()) => message.ack(),
                Err(e) => {
                    console_error!("queue: dead-lettering {job:?}: {e:?}");
                    message.retry();
                }
            }
        }
        Err(e) => {
            console_error!("queue: {job:?}: {e:?}");
            message.retry();
        }
    }
}
