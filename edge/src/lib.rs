//! The Holdfast Worker: builds the router for fetch, runs retries on cron.

use worker::{
    event, Context, Env, MessageBatch, Request, Response, Result, ScheduleContext, ScheduledEvent,
};

mod admin;
mod attribution;
mod cancel;
mod clock;
mod config;
mod counts;
mod cron;
mod email;
mod error;
mod fetch;
mod http;
mod offers;
mod page;
mod password;
mod precancel;
mod queue;
mod random;
mod receipt;
mod review;
mod routes;
mod secrets;
mod store;
mod stripe;
mod throttle;
mod webhooks;
mod work;

#[event(fetch)]
async fn fetch(req: Request, env: Env, ctx: Context) -> Result<Response> {
    let relay = routes::relay_of(&req);
    counts::reset();
    let config = config::Config::from_env(&env);
    counts::log_sql(config.test_hooks);
    let test_hooks = config.test_hooks;
    let mut resp = routes::handle(req, env, config.clone()).await;
    // A request that found nothing (an unknown cancel link, say) made
    // nothing either: it costs no relay, so guessing links is cheap for us.
    let found = resp.as_ref().is_ok_and(|r| r.status_code() != 404);
    let relay = relay.filter(|r| found && r.wanted());
    if test_hooks {
        if let Ok(r) = resp.as_mut() {
            // Fetched assets have immutable headers; they make no D1 calls.
            let _ = r.headers_mut().set("x-holdfast-counts", &counts::summary());
            if let Some(what) = relay {
                let _ = r
                    .headers_mut()
                    .set("x-holdfast-relay", &format!("{what:?}"));
            }
        }
    }
    if let Some(what) = relay {
        // The work this request made (webhooks, an e-mail, a Stripe write
        // to finish) is enqueued after the answer, without delaying it.
        ctx.wait_until(async move {
            if let Err(e) = queue::relay(&config, clock::now_secs(), what).await {
                worker::console_error!("queue: enqueueing failed: {e:?}");
            }
        });
    }
    resp
}

#[event(queue)]
async fn queue(batch: MessageBatch<queue::Job>, env: Env, _ctx: Context) -> Result<()> {
    let mark = counts::reset();
    let config = config::Config::from_env(&env);
    match queue::consume(batch, &config).await {
        Ok(messages) if config.test_hooks => counts::consumed(mark, messages),
        Ok(_) => {}
        // Unacknowledged messages come back: nothing is lost.
        Err(e) => worker::console_error!("queue: {e:?}"),
    }
    Ok(())
}

#[event(scheduled)]
async fn scheduled(event: ScheduledEvent, env: Env, _ctx: ScheduleContext) {
    // The run's own time: when its trigger was due.
    let config = config::Config::from_env(&env);
    counts::log_sql(config.test_hooks);
    cron::run(&config, (event.schedule() / 1000.0) as i64).await;
}
