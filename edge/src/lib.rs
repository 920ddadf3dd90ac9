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
mod work;

#[event(fetch)]
async fn fetch(req: Request, env: Env, _ctx: Context) -> Result<Response> {
    routes::handle(req, env).await
}

#[event(scheduled)]
async fn scheduled(event: ScheduledEvent, env: Env, _ctx: ScheduleContext) {
    // The run's own time: when its trigger was due.
    cron::run(&env, (event.schedule() / 1000.0) as i64).await;
}
