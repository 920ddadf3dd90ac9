//! `POST /precancel`: the brightback.js contract, plus signatures.

use holdfast_core::api::precancel::PrecancelResponse;
use holdfast_core::jurisdiction::Place;
use holdfast_core::precancel::MAX_BODY_BYTES;
use worker::{Cors, Method, Request, Response};

use super::Ctx;
use crate::error::AppError;
use crate::http;
use crate::precancel::Caller;

pub async fn preflight(req: Request, _: Ctx) -> Result<Response, AppError> {
    let mut resp = Response::empty()?.with_status(204);
    cors(&req, &mut resp);
    Ok(resp)
}

/// Errors too answer in brightback.js's shape (`{"valid": false, …}`).
pub async fn handle(mut req: Request, ctx: Ctx) -> Result<Response, AppError> {
    let mut resp = match create(&mut req, &ctx).await {
        Ok(url) => http::json(
            &PrecancelResponse {
                valid: true,
                url: Some(url),
                message: None,
                field: None,
            },
            200,
        ),
        Err(e) => e.into_precancel_response(),
    };
    cors(&req, &mut resp);
    Ok(resp)
}

/// The snippet runs on the merchant's own pages, so any origin may call
/// precancel; the answer names that origin only. The original brightback.js
/// sends its precancel with credentials, so the answer allows them: this
/// route never reads or sets a cookie, so that grants nothing.
fn cors(req: &Request, resp: &mut Response) {
    let h = resp.headers_mut();
    if let Ok(Some(origin)) = req.headers().get("origin") {
        let _ = Cors::new()
            .with_origins([origin])
            .with_credentials(true)
            .with_methods([Method::Post, Method::Options])
            .with_allowed_headers(["content-type"])
            .with_max_age(600)
            .apply_headers(h);
    }
    // The answer differs by origin: a cache must not serve one to another.
    let _ = h.set("vary", "Origin");
}

async fn create(req: &mut Request, ctx: &Ctx) -> Result<String, AppError> {
    let body = http::body(req, MAX_BODY_BYTES).await?;
    let payload = holdfast_core::precancel::parse(&body).map_err(AppError::BadRequest)?;
    let config = ctx.data.clone();
    let db = ctx.data.db()?;
    let secret_key = req.headers().get("authorization").ok().flatten();
    let caller = Caller::of(req, secret_key, place_of(req, ctx.data.test_hooks));
    crate::precancel::start(&db, config, &caller, &payload, crate::clock::now_secs()).await
}

/// Where Cloudflare places the request. The test stack may name another
/// place in `x-holdfast-test-place` (`HOLDFAST_TEST_HOOKS=1` only), since
/// `wrangler dev` always answers the same sample.
fn place_of(req: &Request, test_hooks: bool) -> Place {
    if test_hooks {
        if let Some(p) = req
            .headers()
            .get("x-holdfast-test-place")
            .ok()
            .flatten()
            .and_then(|h| Place::parse(&h))
        {
            return p;
        }
    }
    let Some(cf) = req.cf() else {
        return Place::default();
    };
    Place {
        country: cf.country().filter(|c| c.len() == 2),
        region: cf.region_code().filter(|r| !r.is_empty() && r.len() <= 3),
    }
}
