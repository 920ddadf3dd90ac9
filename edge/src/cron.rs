//! Cron Trigger: finishes cancels and offers whose Stripe call failed or was
//! cut off, books the watched saves whose window has ended, and removes
//! personal data past its app's retention.

use worker::{console_error, console_log};

use crate::config::Config;
use crate::store::Batched;
use crate::store::{limits, operations};

/// Operations handled per run, so one run stays inside the Workers limits
/// (each takes at most a few subrequests and D1 queries).
const BATCH: u32 = 10;

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
    let due = match operations::due(&db, now, BATCH).await {
        Ok(due) => due,
        Err(e) => return console_error!("cron: listing due operations failed: {e:?}"),
    };
    // Counters of windows that have ended, expired admin sessions and old
    // login failures only take space.
    let statements = limits::prune(&db, now / 60 - 1).and_then(|limits| {
        let mut all = vec![limits];
        all.extend(crate::store::admin::prune(
            &db,
            now,
            now - crate::admin::LOGIN_WINDOW_SECS,
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
        console_error!("cron: pruning rate limits and admin sessions failed: {e}");
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
    // The sweep: every delivery due by the run's time goes to the queue
    // again, whether a queue still holds it or lost it (a job sends once).
    match crate::queue::relay(&config, scheduled, true).await {
        Ok(n) if n > 0 => console_log!("cron: {n} webhook deliveries enqueued"),
        Ok(_) => {}
        Err(e) => console_error!("cron: enqueueing webhook deliveries failed: {e:?}"),
    }
    match crate::email::send_due(&config, &db, scheduled.max(now), crate::email::PER_RUN).await {
        Ok(n) if n > 0 => console_log!("cron: {n} confirmation e-mails sent"),
        Ok(_) => {}
        Err(e) => console_error!("cron: sending e-mails failed: {e:?}"),
    }
    for op in &due {
        match crate::work::resume(&db, &config, &op.session_id, now).await {
            Ok(Some(landed)) => console_log!(
                "cron: operation {} ({}) -> {}",
                op.id,
                op.kind,
                landed.status.as_str()
            ),
            Ok(None) => console_log!("cron: operation {} is leased elsewhere", op.id),
            Err(e) => console_error!("cron: operation {} failed: {e:?}", op.id),
        }
    }
}
