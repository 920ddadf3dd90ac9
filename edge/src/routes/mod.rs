//! The router: built from the one-line-per-route table in `table.rs` by the
//! `routes!` macro, with the request's `Config` as every handler's
//! `ctx.data`. Handlers return `Result<Response, AppError>`; errors become
//! JSON here (a method a path lacks too: `405` with `Allow`), so no route
//! answers with a bare worker error.

pub(crate) mod admin;
mod cancel_form;
mod cancel_page;
mod demo;
mod precancel;
mod public_page;
mod receipt;
mod sessions;
mod snippet;
mod stripe_webhook;

use holdfast_core::team::Access;
use std::sync::OnceLock;

use worker::{Env, Request, Response, RouteContext, Router};

use crate::config::Config;
use crate::error::AppError;
use crate::http::Referrer;
use crate::queue::Relay;

/// What every handler receives: the request's path parameters and the
/// `Config` read once for this request (`ctx.data`).
type Ctx = RouteContext<Config>;

/// Builds `ROUTES` and the router from the table in `table.rs`.
macro_rules! routes {
    ($($method:ident $path:literal $access:ident $relay:tt => $handler:path;)*) => {
        /// Every route, in the table's order.
        pub const ROUTES: &[Route] = &[$(Route {
            method: stringify!($method),
            path: $path,
            relay: routes!(@relay $relay),
        },)*];

        fn router(config: Config) -> Router<'static, Config> {
            let router = Router::with_data(config);
            $(let router = routes!(@add router $method $path $access $handler);)*
            router
        }
    };
    (@relay _) => { None };
    (@relay $r:ident) => { Some(Relay::$r) };
    (@add $r:ident GET $path:literal $a:ident $h:path) => {
        $r.get_async($path, |req, ctx| async move { api(routes!(@call $a "GET" $h, req, ctx)) })
    };
    (@add $r:ident POST $path:literal $a:ident $h:path) => {
        $r.post_async($path, |req, ctx| async move { api(routes!(@call $a "POST" $h, req, ctx)) })
    };
    (@add $r:ident PUT $path:literal $a:ident $h:path) => {
        $r.put_async($path, |req, ctx| async move { api(routes!(@call $a "PUT" $h, req, ctx)) })
    };
    (@add $r:ident PATCH $path:literal $a:ident $h:path) => {
        $r.patch_async($path, |req, ctx| async move { api(routes!(@call $a "PATCH" $h, req, ctx)) })
    };
    (@add $r:ident DELETE $path:literal $a:ident $h:path) => {
        $r.delete_async($path, |req, ctx| async move { api(routes!(@call $a "DELETE" $h, req, ctx)) })
    };
    (@add $r:ident OPTIONS $path:literal $a:ident $h:path) => {
        $r.options_async($path, |req, ctx| async move { api(routes!(@call $a "OPTIONS" $h, req, ctx)) })
    };
    (@call Public $m:literal $h:path, $req:ident, $ctx:ident) => {
        $h($req, $ctx).await
    };
    (@call TestHooks $m:literal $h:path, $req:ident, $ctx:ident) => {
        match test_hooks(&$ctx) {
            Ok(()) => $h($req, $ctx).await,
            Err(e) => Err(e),
        }
    };
    (@call $a:ident $m:literal $h:path, $req:ident, $ctx:ident) => {
        match admin::signed_in(&$req, &$ctx, Access::$a, $m).await {
            Ok(signed) => $h($req, $ctx, signed).await,
            Err(e) => Err(e),
        }
    };
}

/// What the edge keeps of a line of the route table (its access is
/// applied where the router is built).
pub struct Route {
    pub method: &'static str,
    pub path: &'static str,
    /// What a request to it may leave for the work queue.
    pub relay: Option<Relay>,
}

include!("table.rs");

pub async fn handle(req: Request, env: Env, config: Config) -> worker::Result<Response> {
    let allowed = allowed_methods(&req.path());
    // The raw method: workers-rs reads any method it does not know (QUERY,
    // PROPFIND…) as GET, which would run a GET handler for it.
    let method = req.inner().method().to_ascii_uppercase();
    if !allowed.is_empty() && !allowed.contains(&method.as_str()) {
        return api(Err(AppError::MethodNotAllowed(allowed.join(", "))));
    }
    router(config)
        .or_else_any_method_async("/*rest", |req, ctx| async move { fallback(req, ctx).await })
        .run(req, env)
        .await
}

/// The methods the table has for `path`.
fn allowed_methods(path: &str) -> Vec<&'static str> {
    let Some(pattern) = pattern_of(path) else {
        return Vec::new();
    };
    let mut out: Vec<&'static str> = ROUTES
        .iter()
        .filter(|r| r.path == pattern)
        .map(|r| r.method)
        .collect();
    out.dedup();
    out
}

/// What the request may leave for the work queue, from its route's line.
pub fn relay_of(req: &Request) -> Option<Relay> {
    let (method, path) = (req.inner().method().to_ascii_uppercase(), req.path());
    let pattern = pattern_of(&path)?;
    ROUTES
        .iter()
        .find(|r| r.method == method && r.path == pattern)
        .and_then(|r| r.relay)
}

/// The table's pattern that `path` takes, matched by `matchit` as workers-rs's
/// router matches it, so both agree (a fixed segment wins over a parameter
/// in the same place: `/invites/accept` is not also `/invites/:id`).
fn pattern_of(path: &str) -> Option<&'static str> {
    static PATTERNS: OnceLock<matchit::Router<&'static str>> = OnceLock::new();
    let patterns = PATTERNS.get_or_init(|| {
        let mut router = matchit::Router::new();
        for route in ROUTES {
            // A second method of a pattern is already in.
            let _ = router.insert(route.path, route.path);
        }
        router
    });
    patterns.at(path).ok().map(|m| *m.value)
}

async fn health(_: Request, _: Ctx) -> Result<Response, AppError> {
    Ok(crate::http::json(&serde_json::json!({"ok": true}), 200))
}

/// The OpenAPI 3.1 document of every route under `/api` and `/precancel`,
/// generated from the wire types and `table.rs` by `tools/openapi` and
/// shipped as a static asset (so the Worker's bundle does not carry it).
async fn openapi(req: Request, ctx: Ctx) -> Result<Response, AppError> {
    let fetched = asset(&req, &ctx, "/openapi.json").await?;
    if fetched.status_code() != 200 {
        return Err(AppError::internal(
            "openapi.json is missing from the assets",
        ));
    }
    let (_, body) = fetched.into_parts();
    let mut r = Response::from_body(body)?;
    let h = r.headers_mut();
    h.set("content-type", "application/json")?;
    crate::http::harden(h, None, Referrer::None)?;
    h.set("cache-control", "public, max-age=300")?;
    Ok(r)
}

/// A built file of the static assets, by its path on this Worker's origin.
async fn asset(req: &Request, ctx: &Ctx, path: &str) -> Result<Response, AppError> {
    let origin = crate::http::origin_of(&crate::http::raw_url(req)).unwrap_or_default();
    Ok(ctx
        .data
        .assets()?
        .fetch(format!("{origin}{path}"), None)
        .await?)
}

fn api(result: Result<Response, AppError>) -> worker::Result<Response> {
    Ok(result.unwrap_or_else(AppError::into_response))
}

/// Anything else: static assets, or a JSON 404 under `/api/`.
async fn fallback(req: Request, ctx: Ctx) -> worker::Result<Response> {
    if req.path().starts_with("/api/") {
        return api(Err(AppError::NotFound("No such API route.".to_owned())));
    }
    match ctx.data.assets() {
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
    let target = if file {
        path.as_str()
    } else {
        "/admin/index.html"
    };
    let fetched = asset(&req, &ctx, target).await?;
    // A fetched response's headers are immutable: copy them into a new one.
    let status = fetched.status_code();
    let headers = worker::Headers::new();
    for (k, v) in fetched.headers().entries() {
        headers.set(&k, &v)?;
    }
    crate::http::harden(&headers, Some("default-src 'self'; script-src 'self' 'wasm-unsafe-eval'; style-src 'self'; img-src 'self' data:; connect-src 'self'; frame-ancestors 'none'; base-uri 'none'; form-action 'self'"), Referrer::SameOrigin)?;
    headers.set("x-frame-options", "DENY")?;
    let (_, body) = fetched.into_parts();
    let resp = Response::from_body(body)?
        .with_status(status)
        .with_headers(headers);
    Ok(resp)
}

/// The test-only routes exist only where `HOLDFAST_TEST_HOOKS` is `1`.
fn test_hooks(ctx: &Ctx) -> Result<(), AppError> {
    if ctx.data.test_hooks {
        Ok(())
    } else {
        Err(AppError::NotFound("No such API route.".to_owned()))
    }
}

/// Runs the cron as if it were `?at=` (unix seconds): the controllable
/// clock the tests use for the watch list. Exists only where the
/// `HOLDFAST_TEST_HOOKS` variable is `1` (the test stack), so no deployed
/// Worker can be made to judge saves early.
async fn dev_cron(req: Request, ctx: Ctx) -> Result<Response, AppError> {
    let at = crate::http::query_param(&crate::http::raw_url(&req), "at")
        .and_then(|v| v.parse::<i64>().ok())
        .ok_or_else(|| AppError::bad("at", "must be a time in unix seconds"))?;
    crate::cron::run(&ctx.data, at).await;
    Ok(crate::http::json(&serde_json::json!({"ran_at": at}), 200))
}

/// Sends a job to the work queue twice in one batch, as a queue may deliver
/// a message more than once (`{"kind": "webhook", "delivery": 1}`). Test
/// stack only, like `dev_cron`.
async fn dev_queue(mut req: Request, ctx: Ctx) -> Result<Response, AppError> {
    /// `{"jobs": [...]}` is sent as one batch, as the relay sends; one job
    /// is sent twice at once, as a queue may deliver it; `{"any": [...]}`
    /// sends any JSON values as one batch, jobs or not.
    #[derive(serde::Deserialize)]
    #[serde(untagged)]
    enum Sent {
        Batch { jobs: Vec<crate::queue::Job> },
        Any { any: Vec<serde_json::Value> },
        Twice(crate::queue::Job),
    }
    let jobs = match crate::http::parse_json(&crate::http::body(&mut req, 65_536).await?)? {
        Sent::Batch { jobs } => jobs,
        Sent::Any { any } => {
            crate::queue::send_any(&ctx.data, &any).await?;
            return Ok(crate::http::json(
                &serde_json::json!({"sent": any.len()}),
                200,
            ));
        }
        Sent::Twice(job) => vec![job.clone(), job],
    };
    crate::queue::send(&ctx.data, &jobs).await?;
    Ok(crate::http::json(
        &serde_json::json!({"sent": jobs.len()}),
        200,
    ))
}

/// The queue consumer's invocations and what each used (test stack only):
/// the budget test holds a full batch to the Free plan's limits.
async fn dev_counts(_: Request, _: Ctx) -> Result<Response, AppError> {
    Ok(crate::http::json(&crate::counts::consumer_runs(), 200))
}

/// Every SQL text the edge prepared since it started: the query-plan test
/// runs `EXPLAIN QUERY PLAN` on each. Test stack only, like `dev_cron`.
async fn dev_sql(_: Request, _: Ctx) -> Result<Response, AppError> {
    Ok(crate::http::json(&crate::counts::sql_seen(), 200))
}

/// A path parameter the route pattern guarantees; absent only if the route
/// table and the handler disagree.
fn param<'a>(ctx: &'a Ctx, name: &str) -> Result<&'a str, AppError> {
    ctx.param(name)
        .map(String::as_str)
        .ok_or_else(|| AppError::internal(format!("route has no :{name}")))
}

#[cfg(test)]
mod tests {
    use super::*;

    /// A path the pattern matches: each parameter filled in.
    fn sample(pattern: &str) -> String {
        pattern
            .split('/')
            .map(|seg| match seg.chars().next() {
                Some(':') => "x1",
                Some('*') => "a/b",
                _ => seg,
            })
            .collect::<Vec<_>>()
            .join("/")
    }

    #[test]
    fn every_pattern_of_the_table_is_found_for_its_own_paths() {
        for route in ROUTES {
            assert_eq!(
                pattern_of(&sample(route.path)),
                Some(route.path),
                "{}",
                route.path
            );
            assert!(allowed_methods(&sample(route.path)).contains(&route.method));
        }
    }

    #[test]
    fn a_fixed_segment_wins_over_a_parameter_and_unknown_paths_match_nothing() {
        assert_eq!(allowed_methods("/api/admin/invites/accept"), ["POST"]);
        assert!(allowed_methods("/api/admin/invites/inv_1").contains(&"DELETE"));
        assert!(allowed_methods("/api/nothing/here").is_empty());
        assert!(allowed_methods("/api/sessions/").is_empty());
    }
}
