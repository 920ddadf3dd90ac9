//! Cron Trigger: finishes cancels whose Stripe call failed or was cut off.

use worker::{console_error, console_log, Env};

use crate::config::{self, Config};
use crate::store::operations;

/// Operations handled per run, so one run stays inside the Workers limits
/// (each takes at most a few subrequests and D1 queries).
const BATCH: u32 = 10;

pub async fn run(env: &Env) {
    let config = Config::from_env(env);
    let db = match config::db(env) {
        Ok(db) => db,
        Err(e) => return console_error!("cron: {e:?}"),
    };
    let now = crate::random::now_secs();
    let due = match operations::due(&db, now, BATCH).await {
        Ok(due) => due,
        Err(e) => return console_error!("cron: listing due operations failed: {e:?}"),
    };
    for op in &due {
        match crate::cancel::retry(&db, &config, op, now).await {
            Ok(status) => console_log!(
                "cron: operation {} ({}) -> {}",
                op.id,
                op.kind,
                status.as_str()
            ),
            Err(e) => console_error!("cron: operation {} failed: {e:?}", op.id),
        }
    }
}
