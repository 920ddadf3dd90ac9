//! The Holdfast Worker: builds the router for fetch, runs retries on cron.

use worker::{event, Context, Env, Request, Response, Result, ScheduleContext, ScheduledEvent};

mod admin;
mod attribution;
mod cancel;
mod config;
mod cron;
mod error;
mod http;
mod offers;
mod password;
mod random;
mod routes;
mod store;
mod stripe;
mod webhooks;
mod work;

#[event(fetch)]
async fn fetch(req: Request, env: Env, ctx: Context) -> Result<Response> {
    let makes_events = webhooks::may_make_events(&req);
    let resp = routes::handle(req, env.clone()).await;
    if makes_events {
        // Webhooks go out at once, after the answer, without delaying it.
        ctx.wait_until(async move {
            if let Ok(db) = config::db(&env) {
                if let Err(e) = webhooks::deliver_due(&db, None, webhooks::PER_RUN).await {
                    worker::console_error!("webhooks: {e:?}");
                }
            }
        });
    }
    resp
}

#[event(scheduled)]
async fn scheduled(event: ScheduledEvent, env: Env, _ctx: ScheduleContext) {
    // The run's own time: when its trigger was due.
    cron::run(&env, (event.schedule() / 1000.0) as i64).await;
}
