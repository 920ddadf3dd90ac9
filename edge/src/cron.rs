//! Cron Trigger: books the watched saves whose window has ended, removes
//! personal data past its app's retention, prunes counters, and sweeps all
//! due work (webhooks, e-mails, Stripe operations) into the work queue.

use worker::{console_error, console_log};

use crate::config::Config;
use crate::store::limits;
use crate::store::Batched;

/// Sessions whose personal data one run removes (two D1 round trips
/// whatever the number): 720,000 a day.
const RETENTION_BATCH: u32 = 500;

/// `scheduled` is the run's time: the watch list is judged by it. Leases
/// and retry times are about the processes running now, so operations go
/// by the wall clock.
pub async fn run(config: &Config, scheduled: i64) {
    let now = crate::clock::now_secs();
    let db = match config.db() {
        Ok(db) => db,
        Err(e) => return console_error!("cron: {e:?}"),
    };
    let config = match config.clone().with_saved_key(&db).await {
        Ok(c) => c,
        Err(e) => return console_error!("cron: reading the Stripe connection failed: {e:?}"),
    };
    // Counters of windows that have ended, expired admin sessions, old
    // sign-in attempts and old unreadable queue messages only take space.
    let statements = limits::prune(&db, now / 60 - 1).and_then(|limits| {
        let mut all = vec![limits, crate::store::unreadable::prune(&db, now)?];
        all.extend(crate::store::admin::prune(
            &db,
            now,
            now - crate::throttle::WINDOW_SECS,
        )?);
        Ok(all)
    });
    let pruned = match statements {
        Ok(batch) => db
            .batched(batch)
            .await
            .map(|_| ())
            .map_err(|e| format!("{e:?}")),
        Err(e) => Err(format!("{e:?}")),
    };
    if let Err(e) = pruned {
        console_error!("cron: pruning counters, admin sessions and old messages failed: {e}");
    }
    // Personal data past each app's retention, judged by the run's time.
    match crate::store::lifecycle::expire(&db, scheduled, RETENTION_BATCH).await {
        Ok(n) if n > 0 => console_log!("cron: personal data of {n} sessions removed"),
        Ok(_) => {}
        Err(e) => console_error!("cron: removing personal data failed: {e:?}"),
    }
    match crate::attribution::review_due(&db, &config, scheduled).await {
        Ok(n) if n > 0 => console_log!("cron: {n} watched saves booked"),
        Ok(_) => {}
        Err(e) => console_error!("cron: attribution review failed: {e:?}"),
    }
    // The sweep: all work due goes to the queue again, whether a queue
    // still holds it or lost it (a job that runs twice does it once).
    match crate::queue::relay(&config, scheduled, crate::queue::Relay::Sweep).await {
        Ok(n) if n > 0 => console_log!("cron: {n} jobs enqueued"),
        Ok(_) => {}
        Err(e) => console_error!("cron: enqueueing due work failed: {e:?}"),
    }
}
