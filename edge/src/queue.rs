//! Background work through Cloudflare Queues: webhook deliveries. The
//! outbox in D1 stays the truth (the batch that makes an event writes its
//! deliveries); a relay enqueues them, right after the request that made
//! them (new ones, once) and on every cron run (whatever is due: the sweep
//! for anything a queue lost); the consumer attempts each and books it.
//! A failed attempt is retried by the queue itself, delayed until its
//! backoff ends; a delivery that fails for good, or a job that keeps
//! throwing past `max_retries`, ends in the dead-letter queue, whose
//! consumer marks it in the delivery log (a replay sends it again).
//! A job delivered twice sends once: the second finds it delivered or
//! leased. Batches are at most 10 jobs (wrangler.toml): each takes one
//! subrequest and three D1 queries, inside the Workers Free limits of 50.

use serde::{Deserialize, Serialize};
use worker::{console_error, MessageBatch, MessageExt, QueueRetryOptionsBuilder};

use crate::config::Config;
use crate::error::AppError;
use crate::store::webhooks as store;
use crate::store::Batched;
use crate::webhooks::{self, Done};

/// The queue's longest delay; a later retry is retried again when due.
const MAX_DELAY_SECS: i64 = 12 * 3600;
/// Jobs one `sendBatch` takes (the platform's most).
const SEND_BATCH: usize = 100;
/// Jobs one relay sends at most: ten subrequests.
const RELAY_MAX: u32 = 1_000;

/// One unit of work.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(tag = "kind", rename_all = "snake_case")]
pub enum Job {
    /// Attempt a webhook delivery, judged by `at` (the cron's time that
    /// enqueued it) or the wall clock.
    Webhook {
        delivery: i64,
        #[serde(default, skip_serializing_if = "Option::is_none")]
        at: Option<i64>,
    },
}

/// Enqueues deliveries: the new ones (`sweep` false: after a request) or
/// every one due at `clock` (the cron). Returns how many.
pub async fn relay(config: &Config, clock: i64, sweep: bool) -> Result<usize, AppError> {
    let db = config.db()?;
    let ids = if sweep {
        store::due_ids(&db, clock, RELAY_MAX).await?
    } else {
        store::take_new(&db, clock, RELAY_MAX).await?
    };
    let at = sweep.then_some(clock);
    let jobs: Vec<Job> = ids
        .iter()
        .map(|&delivery| Job::Webhook { delivery, at })
        .collect();
    send(config, &jobs).await?;
    Ok(jobs.len())
}

/// Sends jobs to the work queue, a hundred a batch.
pub async fn send(config: &Config, jobs: &[Job]) -> Result<(), AppError> {
    let queue = config.work_queue()?;
    for chunk in jobs.chunks(SEND_BATCH) {
        crate::counts::subrequest();
        queue.send_batch(chunk.to_vec()).await?;
    }
    Ok(())
}

/// The consumer of both queues: the work queue attempts each job; the
/// dead-letter queue books each of its jobs as failed for good.
pub async fn consume(batch: MessageBatch<Job>, config: &Config) -> Result<(), AppError> {
    let db = config.db()?;
    let config = config.clone().with_saved_key(&db).await?;
    let dead = batch.queue().ends_with("-dlq");
    let now = crate::clock::now_secs();
    for message in batch.messages()? {
        let Job::Webhook { delivery, at } = message.body().clone();
        if dead {
            match db
                .batched(vec![store::dead_lettered(&db, delivery, now)?])
                .await
            {
                Ok(_) => message.ack(),
                Err(e) => {
                    console_error!("queue: booking dead letter {delivery}: {e:?}");
                    message.retry();
                }
            }
            continue;
        }
        match webhooks::deliver_job(&db, delivery, at.unwrap_or(now), &config).await {
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
                match config.dead_queue()?.send(message.body().clone()).await {
                    Ok(()) => message.ack(),
                    Err(e) => {
                        console_error!("queue: dead-lettering {delivery}: {e:?}");
                        message.retry();
                    }
                }
            }
            Err(e) => {
                console_error!("queue: delivery {delivery}: {e:?}");
                message.retry();
            }
        }
    }
    Ok(())
}
