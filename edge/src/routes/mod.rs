//! The route table. Handlers return `Result<Response, AppError>`; errors
//! become JSON here, so no route answers with a bare worker error.

mod admin;
mod cancel_form;
mod cancel_page;
mod demo;
mod precancel;
mod receipt;
mod sessions;
mod snippet;
mod stripe_webhook;

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
        .get("/api/openapi.json", |_, _| Ok(openapi()))
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
        .post_async("/api/stripe/webhook", |req, ctx| async move {
            api(stripe_webhook::receive(req, ctx).await)
        })
        .get_async("/api/admin/status", |req, ctx| async move {
            api(admin::status(req, ctx).await)
        })
        .post_async("/api/admin/setup", |req, ctx| async move {
            api(admin::setup(req, ctx).await)
        })
        .post_async("/api/admin/login", |req, ctx| async move {
            api(admin::login(req, ctx).await)
        })
        .post_async("/api/admin/logout", |req, ctx| async move {
            api(admin::logout(req, ctx).await)
        })
        .get_async("/api/admin/me", |req, ctx| async move {
            api(admin::me(req, ctx).await)
        })
        .get_async("/api/admin/audit", |req, ctx| async move {
            api(admin::audit(req, ctx).await)
        })
        .get_async("/api/admin/apps", |req, ctx| async move {
            api(admin::list_apps(req, ctx).await)
        })
        .post_async("/api/admin/apps", |req, ctx| async move {
            api(admin::create_app(req, ctx).await)
        })
        .patch_async("/api/admin/apps/:id", |req, ctx| async move {
            api(admin::update_app(req, ctx).await)
        })
        .delete_async("/api/admin/apps/:id", |req, ctx| async move {
            api(admin::delete_app(req, ctx).await)
        })
        .post_async("/api/admin/apps/:id/rotate", |req, ctx| async move {
            api(admin::rotate_app(req, ctx).await)
        })
        .get_async("/api/admin/apps/:id/settings", |req, ctx| async move {
            api(admin::get_settings(req, ctx).await)
        })
        .put_async("/api/admin/apps/:id/settings", |req, ctx| async move {
            api(admin::put_settings(req, ctx).await)
        })
        .get_async("/api/admin/stripe", |req, ctx| async move {
            api(admin::stripe_connection(req, ctx).await)
        })
        .put_async("/api/admin/stripe", |req, ctx| async move {
            api(admin::connect_stripe(req, ctx).await)
        })
        .delete_async("/api/admin/stripe", |req, ctx| async move {
            api(admin::disconnect_stripe(req, ctx).await)
        })
        .post_async("/api/admin/stripe/check", |req, ctx| async move {
            api(admin::check_stripe(req, ctx).await)
        })
        .post_async(
            "/api/admin/apps/:id/mappings/preview",
            |req, ctx| async move { api(admin::preview_mappings(req, ctx).await) },
        )
        .get_async("/api/admin/stripe/coupons", |req, ctx| async move {
            api(admin::coupons(req, ctx).await)
        })
        .get_async("/api/admin/stripe/prices", |req, ctx| async move {
            api(admin::prices(req, ctx).await)
        })
        .get_async("/api/admin/apps/:id/dashboard", |req, ctx| async move {
            api(admin::dashboard(req, ctx).await)
        })
        .get_async("/api/admin/apps/:id/sessions", |req, ctx| async move {
            api(admin::sessions(req, ctx).await)
        })
        .get_async("/api/admin/apps/:id/sessions.csv", |req, ctx| async move {
            api(admin::export_sessions(req, ctx).await)
        })
        .get_async("/api/admin/apps/:id/revenue", |req, ctx| async move {
            api(admin::revenue_card(req, ctx).await)
        })
        .get_async("/api/admin/sessions/:id", |req, ctx| async move {
            api(admin::session_detail(req, ctx).await)
        })
        .get_async("/api/admin/apps/:id/webhooks", |req, ctx| async move {
            api(admin::list_webhooks(req, ctx).await)
        })
        .post_async("/api/admin/apps/:id/webhooks", |req, ctx| async move {
            api(admin::create_webhook(req, ctx).await)
        })
        .patch_async("/api/admin/webhooks/:id", |req, ctx| async move {
            api(admin::update_webhook(req, ctx).await)
        })
        .delete_async("/api/admin/webhooks/:id", |req, ctx| async move {
            api(admin::delete_webhook(req, ctx).await)
        })
        .post_async("/api/admin/webhooks/:id/rotate", |req, ctx| async move {
            api(admin::rotate_webhook(req, ctx).await)
        })
        .post_async("/api/admin/webhooks/:id/test", |req, ctx| async move {
            api(admin::test_webhook(req, ctx).await)
        })
        .get_async(
            "/api/admin/webhooks/:id/deliveries",
            |req, ctx| async move { api(admin::webhook_deliveries(req, ctx).await) },
        )
        .post_async(
            "/api/admin/webhooks/:id/deliveries/:delivery/replay",
            |req, ctx| async move { api(admin::replay_webhook(req, ctx).await) },
        )
        .get_async("/api/admin/operations", |req, ctx| async move {
            api(admin::operations(req, ctx).await)
        })
        .post_async(
            "/api/admin/operations/:session/retry",
            |req, ctx| async move { api(admin::retry_operation(req, ctx).await) },
        )
        .get_async("/api/admin/admins", |req, ctx| async move {
            api(admin::admins(req, ctx).await)
        })
        .patch_async("/api/admin/admins/:id", |req, ctx| async move {
            api(admin::set_role(req, ctx).await)
        })
        .delete_async("/api/admin/admins/:id", |req, ctx| async move {
            api(admin::remove_admin(req, ctx).await)
        })
        .post_async("/api/admin/invites", |req, ctx| async move {
            api(admin::invite(req, ctx).await)
        })
        .post_async("/api/admin/invites/accept", |req, ctx| async move {
            api(admin::accept_invite(req, ctx).await)
        })
        .get_async("/api/admin/me/sessions", |req, ctx| async move {
            api(admin::my_sessions(req, ctx).await)
        })
        .post_async("/api/admin/me/sessions/end", |req, ctx| async move {
            api(admin::end_my_sessions(req, ctx).await)
        })
        .post_async("/api/admin/me/totp", |req, ctx| async move {
            api(admin::start_totp(req, ctx).await)
        })
        .post_async("/api/admin/me/totp/confirm", |req, ctx| async move {
            api(admin::confirm_totp(req, ctx).await)
        })
        .post_async("/api/admin/me/totp/disable", |req, ctx| async move {
            api(admin::disable_totp(req, ctx).await)
        })
        .post_async("/api/admin/secrets/reseal", |req, ctx| async move {
            api(admin::reseal_secrets(req, ctx).await)
        })
        .post_async("/api/dev/cron", |req, ctx| async move {
            api(dev_cron(req, ctx).await)
        })
        .get_async("/admin", |req, ctx| async move {
            api(settings_ui(req, ctx).await)
        })
        .get_async("/admin/*rest", |req, ctx| async move {
            api(settings_ui(req, ctx).await)
        })
        .get_async("/js/holdfast.js", |req, ctx| async move {
            api(snippet::serve(req, ctx).await)
        })
        .get_async("/js/current/", |req, ctx| async move {
            api(snippet::serve(req, ctx).await)
        })
        .get_async("/js/current/brightback.js", |req, ctx| async move {
            api(snippet::serve(req, ctx).await)
        })
        .get_async("/cancel/:token", |req, ctx| async move {
            api(cancel_page::serve(req, ctx).await)
        })
        .post_async("/cancel/:token", |req, ctx| async move {
            api(cancel_form::submit(req, ctx).await)
        })
        .get_async("/receipt/:id/:sig", |req, ctx| async move {
            api(receipt::show(req, ctx).await)
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

/// The OpenAPI 3.1 document of every route under `/api` and `/precancel`
/// (`tests/openapi` keeps it in step with this table).
const OPENAPI: &str = include_str!("../../openapi.json");

fn openapi() -> Response {
    match Response::ok(OPENAPI) {
        Ok(mut r) => {
            let h = r.headers_mut();
            let _ = h.set("content-type", "application/json");
            let _ = h.set("x-content-type-options", "nosniff");
            let _ = h.set("cache-control", "public, max-age=300");
            r
        }
        Err(e) => AppError::from(e).into_response(),
    }
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

/// The settings UI: its files, or its index.html for any page under
/// `/admin/` (client-side routes). It may never be framed.
async fn settings_ui(req: Request, ctx: Ctx) -> Result<Response, AppError> {
    let path = req.path();
    let file = path
        .rsplit('/')
        .next()
        .is_some_and(|last| last.contains('.'));
    let origin = crate::http::origin_of(&crate::http::raw_url(&req)).unwrap_or_default();
    let target = if file {
        format!("{origin}{path}")
    } else {
        format!("{origin}/admin/index.html")
    };
    let fetched = ctx
        .env
        .assets(crate::config::ASSETS)?
        .fetch(target, None)
        .await?;
    // A fetched response's headers are immutable: copy them into a new one.
    let status = fetched.status_code();
    let headers = worker::Headers::new();
    for (k, v) in fetched.headers().entries() {
        headers.set(&k, &v)?;
    }
    headers.set("content-security-policy", "default-src 'self'; script-src 'self' 'wasm-unsafe-eval'; style-src 'self'; img-src 'self' data:; connect-src 'self'; frame-ancestors 'none'; base-uri 'none'; form-action 'self'")?;
    headers.set("x-frame-options", "DENY")?;
    headers.set("x-content-type-options", "nosniff")?;
    headers.set("referrer-policy", "same-origin")?;
    headers.set(
        "strict-transport-security",
        "max-age=31536000; includeSubDomains",
    )?;
    let (_, body) = fetched.into_parts();
    let resp = Response::from_body(body)?
        .with_status(status)
        .with_headers(headers);
    Ok(resp)
}

/// Runs the cron as if it were `?at=` (unix seconds): the controllable
/// clock the tests use for the watch list. Exists only where the
/// `HOLDFAST_TEST_HOOKS` variable is `1` (the test stack), so no deployed
/// Worker can be made to judge saves early.
async fn dev_cron(req: Request, ctx: Ctx) -> Result<Response, AppError> {
    if !crate::test_hooks(&ctx.env) {
        return Err(AppError::NotFound("No such API route.".to_owned()));
    }
    let at = crate::http::query_param(&crate::http::raw_url(&req), "at")
        .and_then(|v| v.parse::<i64>().ok())
        .ok_or_else(|| AppError::bad("at", "must be a time in unix seconds"))?;
    crate::cron::run(&ctx.env, at).await;
    Ok(crate::http::json(&serde_json::json!({"ran_at": at}), 200))
}

/// A path parameter the route pattern guarantees; absent only if the route
/// table and the handler disagree.
fn param<'a>(ctx: &'a Ctx, name: &str) -> Result<&'a str, AppError> {
    ctx.param(name)
        .map(String::as_str)
        .ok_or_else(|| AppError::internal(format!("route has no :{name}")))
}
