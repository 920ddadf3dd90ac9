//! Declarations made on an app's public page (issue 39, migration 0024):
//! each is a session of the `public` channel, in the direct mode, with no
//! subscription until someone on the merchant's side finds it in Stripe.
//! Its cancel event goes in the same batch, so the outbox triggers write
//! its confirmation e-mail and its webhook with it, or nothing is written.

use holdfast_core::api::requests::DeclarationView;
use holdfast_core::audit::EventKind;
use holdfast_core::declaration::matching::Unmatched;
use holdfast_core::declaration::Review;
use holdfast_core::jurisdiction::Mode;
use holdfast_core::locale::Locale;
use holdfast_core::receipt::Receipt;
use holdfast_core::record::Channel;
use holdfast_core::report::PublicFigures;
use holdfast_core::session::{Lookup, SessionStatus};
use holdfast_core::subscription::SubscriptionFacts;
use holdfast_core::template::Fields;
use holdfast_core::work::EmailRecipient;
use serde::Deserialize;
use serde_json::json;
use wasm_bindgen::JsValue;
use worker::{D1Database, D1PreparedStatement};

use super::{
    events, insert_row_where, int, opt_int, opt_text, stmt, text, update_row, won, Batched,
};
use crate::error::AppError;

/// How many declarations one client may make, and over how many seconds:
/// enough for an office behind one address, too few to flood anyone.
pub const PER_CLIENT: (i64, i64) = (10, 3600);
/// How many declarations may name one address in a day: the typed address
/// receives each one's receipt, and anyone can type anyone's.
pub const PER_ADDRESS: (i64, i64) = (3, 86_400);

pub struct NewDeclaration<'a> {
    pub id: &'a str,
    /// The form's one-time key, as a digest: a second post of the same
    /// form finds the first one's session.
    pub token_digest: &'a str,
    pub app_id: &'a str,
    pub fields: &'a Fields,
    pub receipt: &'a Receipt,
    pub locale: Locale,
    pub client: &'a str,
    /// The typed address, in lower case.
    pub contact: &'a str,
    pub now: i64,
}

/// What became of a post.
pub enum Stored {
    New,
    /// The same form was posted before: its receipt's link (None once the
    /// declaration's personal data was erased).
    Again(Option<String>),
    /// Over a limit: seconds until a declaration is taken again.
    Limited(i64),
}

/// Writes the declaration, once per form and within the limits.
pub async fn insert(db: &D1Database, d: &NewDeclaration<'_>) -> Result<Stored, AppError> {
    let fields = serde_json::to_string(d.fields)?;
    let receipt = serde_json::to_string(d.receipt)?;
    // The browser typed every field: none is vouched for.
    let unverified = serde_json::to_string(&d.fields.keys().collect::<Vec<_>>())?;
    let row: &[(&str, JsValue)] = &[
        ("id", text(d.id)),
        ("token_digest", text(d.token_digest)),
        ("app_id", text(d.app_id)),
        ("stripe_lookup", text(Lookup::Skipped.as_str())),
        ("status", text(SessionStatus::Cancelled.as_str())),
        ("fields", text(&fields)),
        ("unverified_fields", text(&unverified)),
        ("receipt", text(&receipt)),
        ("locale", text(d.locale.tag())),
        ("mode", text(Mode::Direct.as_str())),
        ("channel", text(PUBLIC)),
        ("client", text(d.client)),
        ("contact", text(d.contact)),
        ("review", text(Review::Open.as_str())),
        ("created_at", int(d.now)),
        ("expires_at", int(d.now)),
        ("updated_at", int(d.now)),
    ];
    let session = insert_row_where(
        db,
        "sessions",
        row,
        &format!(
            "NOT EXISTS (SELECT 1 FROM sessions WHERE token_digest = ?) AND {} < ? AND {} < ?",
            recent("client"),
            recent("contact")
        ),
        &[
            text(d.token_digest),
            text(d.client),
            int(d.now - PER_CLIENT.1),
            int(PER_CLIENT.0),
            text(d.contact),
            int(d.now - PER_ADDRESS.1),
            int(PER_ADDRESS.0),
        ],
    )?;
    let detail = json!({
        "channel": PUBLIC,
        "kind": d.receipt.kind,
        "mode": Mode::Direct.as_str(),
        "why": "public_page",
    });
    let event = events::insert_after_change(db, d.id, EventKind::CancelRecorded, &detail, d.now)?;
    let results = db.batched(vec![session, event]).await?;
    if results.first().is_some_and(won) {
        return Ok(Stored::New);
    }
    if let Some(link) = receipt_url(db, d.token_digest).await? {
        return Ok(Stored::Again(link.url));
    }
    Ok(Stored::Limited(retry_after(db, d).await?))
}

/// The channel's name, as SQL reads it.
const PUBLIC: &str = Channel::Public.as_str();

/// The public declarations of one client (or address) since a time.
fn recent(column: &str) -> String {
    format!(
        "(SELECT COUNT(*) FROM sessions WHERE channel = '{PUBLIC}' AND {column} = ? AND created_at > ?)"
    )
}

#[derive(Deserialize)]
struct Link {
    url: Option<String>,
}

/// The receipt link of the declaration a form made, if it made one.
async fn receipt_url(db: &D1Database, digest: &str) -> Result<Option<Link>, AppError> {
    let row: Option<Link> = stmt(
        db,
        "SELECT json_extract(receipt, '$.url') AS url FROM sessions WHERE token_digest = ?1",
        &[text(digest)],
    )?
    .first(None)
    .await?;
    Ok(row)
}

#[derive(Deserialize)]
struct Window {
    n: i64,
    oldest: Option<i64>,
}

/// Seconds until the limit that refused takes a declaration again: when
/// the oldest one it counted leaves its window.
async fn retry_after(db: &D1Database, d: &NewDeclaration<'_>) -> Result<i64, AppError> {
    let mut wait = 1;
    for (column, value, (max, window)) in [
        ("client", d.client, PER_CLIENT),
        ("contact", d.contact, PER_ADDRESS),
    ] {
        let w: Option<Window> = stmt(
            db,
            &format!(
                "SELECT COUNT(*) AS n, MIN(created_at) AS oldest FROM sessions \
                 WHERE channel = '{PUBLIC}' AND {column} = ?1 AND created_at > ?2"
            ),
            &[text(value), int(d.now - window)],
        )?
        .first(None)
        .await?;
        if let Some(Window {
            oldest: Some(at), ..
        }) = w.filter(|w| w.n >= max)
        {
            wait = wait.max(at + window - d.now);
        }
    }
    Ok(wait)
}

#[derive(Deserialize)]
struct Listed {
    id: String,
    review: String,
    review_reason: Option<String>,
    subscription_id: Option<String>,
    receipt: Option<String>,
}

/// The app's public declarations, newest first (those whose personal data
/// was erased have no receipt left and are not listed).
pub async fn list(
    db: &D1Database,
    app_id: &str,
    limit: u32,
) -> Result<Vec<DeclarationView>, AppError> {
    let rows: Vec<Listed> = stmt(
        db,
        "SELECT id, review, review_reason, subscription_id, receipt FROM sessions \
         WHERE app_id = ?1 AND review IS NOT NULL ORDER BY created_at DESC, rowid DESC LIMIT ?2",
        &[text(app_id), int(i64::from(limit))],
    )?
    .all()
    .await?
    .results()?;
    let mut out = Vec::with_capacity(rows.len());
    for r in rows {
        let Some(receipt) = r.receipt else { continue };
        let receipt: Receipt = serde_json::from_str(&receipt)?;
        let review = Review::from_name(&r.review).unwrap_or(Review::Unknown);
        let mut view = DeclarationView::of(r.id, review, r.subscription_id, receipt);
        if review == Review::Open {
            view.waiting_because = r
                .review_reason
                .as_deref()
                .map(|n| Unmatched::from_name(n).unwrap_or(Unmatched::Other));
        }
        out.push(view);
    }
    Ok(out)
}

#[derive(Deserialize)]
struct Count {
    n: u64,
}

#[derive(Deserialize)]
struct Standing {
    review: String,
    n: u64,
    resolved: u64,
    waited: Option<i64>,
}

/// What became of the app's declarations made in [from, to): a range of
/// the review list's index, never a scan of all sessions.
pub async fn figures(
    db: &D1Database,
    app_id: &str,
    from: i64,
    to: i64,
) -> Result<PublicFigures, AppError> {
    let rows: Vec<Standing> = stmt(
        db,
        "SELECT review, COUNT(*) AS n, COUNT(resolved_at) AS resolved, \
         SUM(resolved_at - created_at) AS waited FROM sessions \
         WHERE app_id = ?1 AND review IS NOT NULL AND created_at >= ?2 AND created_at < ?3 \
         GROUP BY review",
        &[text(app_id), int(from), int(to)],
    )?
    .all()
    .await?
    .results()?;
    let mut f = PublicFigures::default();
    let (mut resolved, mut waited) = (0_u64, 0_i64);
    for r in rows {
        f.declared += r.n;
        resolved += r.resolved;
        waited += r.waited.unwrap_or(0);
        let slot = match Review::from_name(&r.review) {
            Some(Review::Matched) => &mut f.matched,
            Some(Review::Resolved) => &mut f.reviewed,
            Some(Review::NotMatched) => &mut f.not_matched,
            _ => &mut f.open,
        };
        *slot += r.n;
    }
    f.mean_seconds_to_resolve = i64::try_from(resolved)
        .ok()
        .filter(|n| *n > 0)
        .map(|n| waited / n);
    Ok(f)
}

/// How many of the app's declarations wait in the review list (an index
/// range of `sessions_review`).
pub async fn open_count(db: &D1Database, app_id: &str) -> Result<u64, AppError> {
    let row: Option<Count> = stmt(
        db,
        "SELECT COUNT(*) AS n FROM sessions WHERE app_id = ?1 AND review = ?2",
        &[text(app_id), text(Review::Open.as_str())],
    )?
    .first(None)
    .await?;
    Ok(row.map_or(0, |c| c.n))
}

#[derive(Deserialize)]
struct Reviewed {
    review: String,
}

/// Where the public declaration `id` stands; None for any other session.
pub async fn review_of(db: &D1Database, id: &str) -> Result<Option<Review>, AppError> {
    let row: Option<Reviewed> = stmt(
        db,
        &format!("SELECT review FROM sessions WHERE id = ?1 AND channel = '{PUBLIC}'"),
        &[text(id)],
    )?
    .first(None)
    .await?;
    Ok(row.map(|r| Review::from_name(&r.review).unwrap_or(Review::Unknown)))
}

/// The found subscription and the receipt that now names it, written only
/// while the declaration is still open: of two reviewers, one wins.
pub fn resolve(
    db: &D1Database,
    id: &str,
    facts: &SubscriptionFacts,
    receipt: &Receipt,
    status: SessionStatus,
    review: Review,
    now: i64,
) -> Result<D1PreparedStatement, AppError> {
    let mrr = facts.mrr.as_ref();
    while_open(
        db,
        id,
        &[
            ("subscription_id", text(&facts.id)),
            ("customer_id", opt_text(facts.customer_id.as_deref())),
            ("stripe_lookup", text(Lookup::Found.as_str())),
            ("facts", text(&serde_json::to_string(facts)?)),
            ("mrr", opt_int(mrr.map(|m| m.amount))),
            ("mrr_currency", opt_text(mrr.map(|m| m.currency.as_str()))),
            ("receipt", text(&serde_json::to_string(receipt)?)),
            ("status", text(status.as_str())),
            ("review", text(review.as_str())),
            ("resolved_at", int(now)),
            ("updated_at", int(now)),
        ],
    )
}

/// Notes why an open declaration waits for a person (issue 40).
pub fn waits(
    db: &D1Database,
    id: &str,
    why: Unmatched,
    now: i64,
) -> Result<D1PreparedStatement, AppError> {
    while_open(
        db,
        id,
        &[
            ("review_reason", text(why.as_str())),
            ("updated_at", int(now)),
        ],
    )
}

/// Marks an open declaration as matching no contract.
pub fn not_matched(db: &D1Database, id: &str, now: i64) -> Result<D1PreparedStatement, AppError> {
    while_open(
        db,
        id,
        &[
            ("review", text(Review::NotMatched.as_str())),
            ("resolved_at", int(now)),
            ("updated_at", int(now)),
        ],
    )
}

/// Changes a declaration only while it is open: of two resolvers (or a
/// resolver and the matching), one changes it.
fn while_open(
    db: &D1Database,
    id: &str,
    sets: &[(&str, JsValue)],
) -> Result<D1PreparedStatement, AppError> {
    update_row(
        db,
        "sessions",
        sets,
        &[],
        &format!("id = ? AND channel = '{PUBLIC}' AND review = ?"),
        &[text(id), text(Review::Open.as_str())],
    )
}

/// The "no contract found" message to the typed address, written while the
/// declaration is still open: put before the change that closes it, in
/// its batch, so only the reviewer who wins writes one (the address and
/// app bounds of the outbox apply as to any message).
pub fn unmatched_email(
    db: &D1Database,
    id: &str,
    now: i64,
) -> Result<D1PreparedStatement, AppError> {
    stmt(
        db,
        &format!(
            "INSERT OR IGNORE INTO emails (id, session_id, app_id, recipient, address, next_attempt_at, created_at, updated_at) \
             SELECT 'em_' || lower(hex(randomblob(12))), id, app_id, ?2, lower(json_extract(receipt, '$.copy_to')), ?3, ?3, ?3 \
             FROM sessions WHERE id = ?1 AND channel = '{PUBLIC}' AND review = ?4 \
             AND json_extract(receipt, '$.copy_to') IS NOT NULL"
        ),
        &[
            text(id),
            text(EmailRecipient::Unmatched.as_str()),
            int(now),
            text(Review::Open.as_str()),
        ],
    )
}
