//! The snippet under the paths brightback.js users already have, so a
//! migration is a change of host only.

use worker::{Headers, Request, Response};

use super::Ctx;
use crate::error::AppError;

const SNIPPET: &str = "/js/holdfast.js";

pub async fn serve(req: Request, ctx: Ctx) -> Result<Response, AppError> {
    let resp = super::asset(&req, &ctx, SNIPPET).await?;
    if resp.status_code() != 200 {
        return Err(AppError::NotFound("The snippet is not built.".to_owned()));
    }
    let (_, body) = resp.into_parts();
    let headers = Headers::new();
    headers.set("content-type", "text/javascript; charset=utf-8")?;
    headers.set("cache-control", "public, max-age=300")?;
    // Cross-origin readable, so a merchant may pin it with `integrity`.
    headers.set("access-control-allow-origin", "*")?;
    crate::http::harden(&headers, None, crate::http::Referrer::None)?;
    Ok(Response::from_body(body)?.with_headers(headers))
}
