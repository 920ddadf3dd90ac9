//! The route table. Handlers return `Result<Response, AppError>`; errors
//! become JSON here, so no route answers with a bare worker error.

mod demo;
mod precancel;
mod sessions;
mod snippet;

use worker::{Env, Request, Response, RouteContext, Router};

use crate::error::AppError;

type Ctx = RouteContext<()>;

pub async fn handle(req: Request, env: Env) -> worker::Result<Response> {
    Router::new()
        .options("/precancel", |req, _| Ok(precancel::preflight(&req)))
        .post_async("/precancel", |req, ctx| async move {
            Ok(precancel::handle(req, ctx).await)
        })
        .get_async("/api/health", |_, _| async move {
            Ok(crate::http::json(&serde_json::json!({"ok": true}), 200))
        })
        .get_async("/api/sessions/:token", |req, ctx| async move {
            api(sessions::view(req, ctx).await)
        })
        .post_async("/api/sessions/:token/reason", |req, ctx| async move {
            api(sessions::choose_reason(req, ctx).await)
        })
        .post_async("/api/sessions/:token/cancel", |req, ctx| async move {
            api(sessions::cancel(req, ctx).await)
        })
        .post_async("/api/sessions/:token/deflect", |req, ctx| async move {
            api(sessions::deflect(req, ctx).await)
        })
        .post_async(
            "/api/sessions/:token/offers/:offer/show",
            |req, ctx| async move { api(sessions::show_offer(req, ctx).await) },
        )
        .post_async(
            "/api/sessions/:token/offers/:offer/accept",
            |req, ctx| async move { api(sessions::accept_offer(req, ctx).await) },
        )
        .get_async("/js/current/", |req, ctx| async move {
            api(snippet::serve(req, ctx).await)
        })
        .get_async("/js/current/brightback.js", |req, ctx| async move {
            api(snippet::serve(req, ctx).await)
        })
        .get_async("/demo", |req, ctx| async move {
            api(demo::account(req, ctx).await)
        })
        .get_async("/demo/cancelled", |req, ctx| async move {
            api(demo::account(req, ctx).await)
        })
        .or_else_any_method_async("/*rest", |req, ctx| async move { fallback(req, ctx).await })
        .run(req, env)
        .await
}

fn api(result: Result<Response, AppError>) -> worker::Result<Response> {
    Ok(result.unwrap_or_else(AppError::into_response))
}

/// Anything else: static assets, or a JSON 404 under `/api/`.
async fn fallback(req: Request, ctx: Ctx) -> worker::Result<Response> {
    if req.path().starts_with("/api/") {
        return api(Err(AppError::NotFound("No such API route.".to_owned())));
    }
    match ctx.env.assets(crate::config::ASSETS) {
        Ok(assets) => assets.fetch_request(req).await,
        Err(_) => api(Err(AppError::NotFound("Not found.".to_owned()))),
    }
}

/// A path parameter the route pattern guarantees; absent only if the route
/// table and the handler disagree.
fn param<'a>(ctx: &'a Ctx, name: &str) -> Result<&'a str, AppError> {
    ctx.param(name)
        .map(String::as_str)
        .ok_or_else(|| AppError::internal(format!("route has no :{name}")))
}
