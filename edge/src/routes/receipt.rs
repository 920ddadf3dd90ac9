//! `GET /receipt/{session}/{signature}`: the printable confirmation of a
//! cancel, at a link that needs no login and stays valid.

use holdfast_core::signing::csp_hash;
use worker::{Headers, Request, Response};

use super::{param, Ctx};
use crate::error::AppError;
use crate::http::Referrer;
use crate::page::receipt_page;
use crate::store::sessions;

/// Print-friendly and small; hashed into the CSP like the page's own.
const CSS: &str = "body{font:16px/1.5 system-ui,sans-serif;color:#1f2328;margin:0}.page{max-width:640px;margin:0 auto;padding:24px 16px}.brand{font-weight:600;color:#59636e}dl{display:grid;grid-template-columns:max-content 1fr;gap:6px 16px}dt{font-weight:600}dd{margin:0}@media print{.page{padding:0}}";

pub async fn show(_req: Request, ctx: Ctx) -> Result<Response, AppError> {
    let not_found = || AppError::NotFound("No such confirmation.".to_owned());
    let id = param(&ctx, "id")?;
    let sig = param(&ctx, "sig")?;
    let db = ctx.data.db()?;
    let s = sessions::by_id(&db, id).await?.ok_or_else(not_found)?;
    let mut receipt = s.receipt.clone().ok_or_else(not_found)?;
    if !crate::receipt::link_matches(&receipt, sig) {
        return Err(not_found());
    }
    receipt.ends_at = s.cancel_effective_at.or(receipt.ends_at);
    let own = holdfast_core::settings::translation::pick(None, &s.settings.brand, receipt.locale);
    let brand = holdfast_core::template::render(own, &s.fields);
    let html = receipt_page(&brand, &receipt, CSS);
    let headers = Headers::new();
    let csp = format!(
        "default-src 'none'; style-src {}; base-uri 'none'; form-action 'none'; frame-ancestors 'none'",
        csp_hash(CSS)
    );
    for (k, v) in [
        ("content-type", "text/html; charset=utf-8"),
        ("cache-control", "private, no-store"),
        ("x-robots-tag", "noindex"),
    ] {
        headers.set(k, v)?;
    }
    crate::http::harden(&headers, Some(&csp), Referrer::None)?;
    Ok(Response::ok(html)?.with_headers(headers))
}
