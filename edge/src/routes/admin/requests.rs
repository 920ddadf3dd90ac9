//! The review list of the public page's declarations (issue 39): viewers
//! read it; resolving a declaration is an editor's.

use worker::{Request, Response};

use super::Signed;
use crate::error::AppError;
use crate::http;
use crate::routes::{param, Ctx};
use crate::store::declarations;

/// The newest declarations first; the list keeps this many.
const LISTED: u32 = 200;

pub async fn list(_: Request, ctx: Ctx, signed: Signed) -> Result<Response, AppError> {
    let Signed { db, .. } = signed;
    let id = param(&ctx, "id")?;
    super::apps::exists(&db, id).await?;
    Ok(http::json(&declarations::list(&db, id, LISTED).await?, 200))
}
