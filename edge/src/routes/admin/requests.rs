//! The review list of the public page's declarations (issue 39): viewers
//! read it; an editor resolves a declaration, by naming the subscription it
//! cancels (carried out through the session's exactly-once path, per the
//! app's cancel options) or by marking it as matching no contract.

use futures_util::future::join_all;
use holdfast_core::api::requests::{
    Candidate, Candidates, DeclarationView, ResolveRequest, MAX_CUSTOMERS, MAX_PICKS,
};
use holdfast_core::audit::{AdminAction, EventKind};
use holdfast_core::declaration::Review;
use holdfast_core::input::StripeId;
use holdfast_core::stripe as req;
use serde_json::{json, Value};
use worker::{D1Database, Request, Response};

use super::{body, Signed};
use crate::admin::Admin;
use crate::error::AppError;
use crate::http;
use crate::review;
use crate::routes::{param, Ctx};
use crate::store::admin::{apply, Entry};
use crate::store::sessions::{self, Session};
use crate::store::{declarations, events};
use crate::stripe;

/// The newest declarations first; the list keeps this many.
const LISTED: u32 = 200;
const MAX_NOTE_CHARS: usize = 2000;

pub async fn list(_: Request, ctx: Ctx, signed: Signed) -> Result<Response, AppError> {
    let Signed { db, .. } = signed;
    let id = param(&ctx, "id")?;
    super::apps::exists(&db, id).await?;
    Ok(http::json(&declarations::list(&db, id, LISTED).await?, 200))
}

pub async fn resolve(mut req: Request, ctx: Ctx, signed: Signed) -> Result<Response, AppError> {
    let Signed { db, admin, now } = signed;
    let id = param(&ctx, "id")?.to_owned();
    let form: ResolveRequest = body(&mut req).await?;
    let (review, s) = declaration(&db, &id).await?;
    if review != Review::Open {
        return Err(resolved_already());
    }
    let note = form
        .not_matched
        .as_deref()
        .map(str::trim)
        .filter(|v| !v.is_empty());
    let picks = form.picks();
    let view = match (picks.is_empty(), note) {
        (false, None) => cancel_found(&ctx, &db, &admin, &s, &picks, now).await?,
        (true, Some(note)) => mark_not_matched(&db, &admin, &s, note, now).await?,
        _ => {
            return Err(AppError::bad(
                "subscription_id",
                "Give the subscription to cancel, or (not_matched) why none matched.",
            ))
        }
    };
    Ok(http::json(&view, 200))
}

/// The subscriptions Stripe holds for the declaration's address: the
/// customers its search finds (case-insensitively), each with its
/// subscriptions, read in parallel. Reads only; editors, as they resolve.
pub async fn candidates(_: Request, ctx: Ctx, signed: Signed) -> Result<Response, AppError> {
    let Signed { db, .. } = signed;
    let id = param(&ctx, "id")?;
    let (_, s) = declaration(&db, id).await?;
    let email = s
        .receipt
        .as_ref()
        .and_then(|r| r.contract.email.clone())
        .ok_or_else(|| AppError::NotFound(format!("Request {id} has no address left.")))?;
    let config = ctx
        .data
        .clone()
        .with_stored_key(s.stripe_key_sealed.as_deref());
    let client = stripe::Client::new(&config);
    let found = review::read(
        &client,
        &req::search_customers_by_email(&email, MAX_CUSTOMERS + 1),
        review::REVIEW_DEADLINE,
    )
    .await?;
    let customers: Vec<Value> = found
        .get("data")
        .and_then(Value::as_array)
        .cloned()
        .unwrap_or_default();
    let more = customers.len() > MAX_CUSTOMERS;
    let shown = &customers[..customers.len().min(MAX_CUSTOMERS)];
    let lists = join_all(shown.iter().map(|c| {
        // Without an id (never from Stripe) the list would be everyone's.
        let cus = c
            .get("id")
            .and_then(Value::as_str)
            .filter(|id| !id.is_empty());
        let client = &client;
        async move {
            match cus {
                Some(cus) => {
                    let list = req::list_customer_subscriptions(cus);
                    review::read(client, &list, review::REVIEW_DEADLINE).await
                }
                None => Ok(Value::Null),
            }
        }
    }))
    .await;
    let mut candidates = Vec::new();
    for (customer, list) in shown.iter().zip(lists) {
        candidates.extend(Candidate::of_customer(customer, &list?));
    }
    let answer = Candidates {
        email,
        candidates,
        more,
    };
    Ok(http::json(&answer, 200))
}

/// The public declaration `id` and where it stands, or 404.
async fn declaration(db: &D1Database, id: &str) -> Result<(Review, Session), AppError> {
    let missing = || AppError::NotFound(format!("No cancellation request {id}."));
    let review = declarations::review_of(db, id).await?.ok_or_else(missing)?;
    Ok((review, sessions::by_id(db, id).await?.ok_or_else(missing)?))
}

fn resolved_already() -> AppError {
    AppError::Conflict("This cancellation request was resolved already.".to_owned())
}

/// Cancels the subscriptions found for the declaration, once: the found
/// subscription, the operation and the event land in one batch, guarded
/// on the declaration being open, so of two reviewers one writes to Stripe.
async fn cancel_found(
    ctx: &Ctx,
    db: &D1Database,
    admin: &Admin,
    s: &Session,
    picks: &[String],
    now: i64,
) -> Result<DeclarationView, AppError> {
    let id = &s.id;
    if picks.len() > MAX_PICKS {
        return Err(AppError::bad(
            "subscription_ids",
            format!("Pick at most {MAX_PICKS} subscriptions at once."),
        ));
    }
    for sub in picks {
        StripeId::parse("subscription_id", sub).map_err(AppError::BadRequest)?;
    }
    let config = ctx
        .data
        .clone()
        .with_stored_key(s.stripe_key_sealed.as_deref());
    // Each read from Stripe and live, or nothing is written.
    let found = join_all(picks.iter().map(|sub| review::look_up(&config, sub))).await;
    let found = found.into_iter().collect::<Result<Vec<_>, _>>()?;
    let by = review::Resolver::Admin(&admin.email);
    let Some((receipt, all)) = review::carry_out(db, &config, s, found, by, now).await? else {
        return Err(resolved_already());
    };
    crate::store::admin::audit(
        db,
        &admin.email,
        AdminAction::RequestResolve,
        Some(id),
        &json!({"subscription_ids": all}),
        now,
    )?
    .run()
    .await?;
    let first = all.into_iter().next();
    Ok(DeclarationView::of(
        id.to_owned(),
        Review::Resolved,
        first,
        receipt,
    ))
}

async fn mark_not_matched(
    db: &D1Database,
    admin: &Admin,
    s: &Session,
    note: &str,
    now: i64,
) -> Result<DeclarationView, AppError> {
    if note.chars().count() > MAX_NOTE_CHARS {
        return Err(AppError::bad(
            "not_matched",
            format!("Keep the note under {MAX_NOTE_CHARS} characters."),
        ));
    }
    let id = &s.id;
    let event = review::resolved(Review::NotMatched.as_str(), &[], &admin.email);
    let won = apply(
        db,
        vec![
            declarations::unmatched_email(db, id, now)?,
            declarations::not_matched(db, id, now)?,
            events::insert_after_change(db, id, EventKind::RequestResolved, &event, now)?,
        ],
        Entry {
            admin: &admin.email,
            action: AdminAction::RequestNotMatched,
            target: Some(id),
            detail: json!({"note": note}),
            now,
        },
    )
    .await?;
    if !won {
        return Err(resolved_already());
    }
    // Marking it changes nothing on the receipt read before.
    let receipt = s
        .receipt
        .clone()
        .ok_or_else(|| AppError::internal("a declaration without its receipt"))?;
    Ok(DeclarationView::of(
        id.to_owned(),
        Review::NotMatched,
        None,
        receipt,
    ))
}
