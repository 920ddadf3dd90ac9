//! The data lifecycle in D1: removing sessions' personal data (after the
//! app's retention, or when the merchant erases a customer), and reading
//! one customer's sessions for an export or an erasure. What stays: the
//! session's counts and money (so the rollups never move), its audit
//! trail's kinds and times, and the country and mode the reports group by.

use holdfast_core::attribution::Verdict;
use holdfast_core::lifecycle::CustomerKey;
use holdfast_core::work::OperationStatus;
use serde::Deserialize;
use wasm_bindgen::JsValue;
use worker::{D1Database, D1PreparedStatement};

use super::{int, stmt, text, Batched};
use crate::error::AppError;

/// What an audit entry's detail becomes once its personal data is gone.
const REMOVED: &str = r#"{"removed":true}"#;

/// The statements that remove the personal data of the sessions `sel`
/// selects (SQL yielding session ids, with `args` for its `?N`), in one
/// batch: the sessions themselves last, since `sel` may read them.
///
/// A subscription id becomes `erased_{nonce}_{run_start}`: tied to nothing
/// in Stripe, yet the same for the sessions of one run, so that a decision
/// still to come (a pending cancel landing) counts its run as before.
fn remove(
    db: &D1Database,
    sel: &str,
    args: &[JsValue],
    now: i64,
) -> Result<Vec<D1PreparedStatement>, AppError> {
    let done = OperationStatus::sql_list(OperationStatus::OPEN);
    let n = args.len() + 1;
    let mut with_now = args.to_vec();
    with_now.push(int(now));
    with_now.push(text(&crate::random::hex(8)?));
    Ok(vec![
        stmt(
            db,
            &format!("UPDATE session_events SET detail = '{REMOVED}' WHERE session_id IN ({sel}) AND detail <> '{REMOVED}'"),
            args,
        )?,
        stmt(
            db,
            &format!("UPDATE webhook_messages SET payload = '{REMOVED}' WHERE session_id IN ({sel}) AND payload IS NOT NULL"),
            args,
        )?,
        // An operation still on its way keeps what it needs to land.
        stmt(
            db,
            &format!("UPDATE operations SET params = '{{}}', last_error = NULL WHERE session_id IN ({sel}) AND status NOT IN ({done})"),
            args,
        )?,
        stmt(
            db,
            &format!("UPDATE emails SET last_error = NULL, address = NULL WHERE session_id IN ({sel})"),
            args,
        )?,
        stmt(
            db,
            &format!(
                "UPDATE sessions SET subscription_id = CASE WHEN subscription_id IS NULL THEN NULL \
                 ELSE 'erased_' || ?{nonce} || '_' || run_start END, customer_id = NULL, comment = NULL, fields = '{{}}', \
                 facts = NULL, receipt = NULL, offer_previews = NULL, save_return_url = NULL, \
                 cancel_confirmation_url = NULL, outcome_url = NULL, unverified_fields = '[]', region = NULL, \
                 time_zone = NULL, client = NULL, contact = NULL, personal = 0, updated_at = ?{n} WHERE id IN ({sel})",
                nonce = n + 1
            ),
            &with_now,
        )?,
    ])
}

/// Removes the personal data of up to `limit` sessions that ended more
/// than their app's retention before `now` (a save still watched in Stripe
/// waits for its verdict, which needs the subscription id). One query
/// finds them for every app: apps are few, and each app's walk is on the
/// partial index of sessions still holding personal data. Returns how many.
pub async fn expire(db: &D1Database, now: i64, limit: u32) -> Result<usize, AppError> {
    let cutoff = format!(
        "?1 - 86400 * COALESCE(json_extract(a.settings, '$.retention_days'), {})",
        holdfast_core::lifecycle::DEFAULT_RETENTION_DAYS
    );
    // Ended: last changed, and past its link's expiry, before the cutoff.
    let sel = format!(
        "SELECT s.id FROM apps a JOIN sessions s INDEXED BY sessions_personal ON s.app_id = a.id AND s.personal = 1 \
         AND s.updated_at < {cutoff} WHERE s.expires_at < {cutoff} \
         AND (s.attribution IS NULL OR s.attribution NOT IN ({watched})) LIMIT ?2",
        watched = Verdict::sql_list(Verdict::WATCHED)
    );
    let args = [int(now), int(i64::from(limit))];
    let ids: Vec<Id> = stmt(db, &sel, &args)?.all().await?.results()?;
    if ids.is_empty() {
        return Ok(0);
    }
    db.batched(remove(db, &sel, &args, now)?).await?;
    Ok(ids.len())
}

#[derive(Deserialize)]
struct Id {
    id: String,
}

/// The columns an e-mail may hide in.
#[derive(Deserialize)]
pub struct Candidate {
    pub id: String,
    pub subscription_id: Option<String>,
    pub customer_id: Option<String>,
    pub fields: String,
    pub facts: Option<String>,
    pub receipt: Option<String>,
}

/// The app's sessions about this customer that still hold personal data
/// (the others hold nothing of theirs). An e-mail is looked for in the
/// receipts, fields and Stripe facts; every session of a subscription or
/// customer found so is the customer's too.
pub async fn sessions_of(
    db: &D1Database,
    app_id: &str,
    key: &CustomerKey,
) -> Result<Vec<String>, AppError> {
    const COLUMNS: &str = "id, subscription_id, customer_id, fields, facts, receipt";
    let by = |column: &str, value: &str| -> Result<D1PreparedStatement, AppError> {
        stmt(
            db,
            &format!("SELECT {COLUMNS} FROM sessions WHERE {column} = ?1 AND app_id = ?2 AND personal = 1"),
            &[text(value), text(app_id)],
        )
    };
    let found: Vec<Candidate> = match key {
        CustomerKey::Customer(c) => by("customer_id", c)?.all().await?.results()?,
        CustomerKey::Subscription(s) => by("subscription_id", s)?.all().await?.results()?,
        CustomerKey::Email(e) => {
            // Walks the app's sessions that still hold personal data (at
            // most the retention period's) on their partial index.
            stmt(
                db,
                &format!(
                    "SELECT {COLUMNS} FROM sessions INDEXED BY sessions_personal WHERE app_id = ?1 AND personal = 1 \
                     AND (instr(lower(fields), ?2) > 0 OR instr(lower(receipt), ?2) > 0 OR instr(lower(facts), ?2) > 0)"
                ),
                &[text(app_id), text(e)],
            )?
            .all()
            .await?
            .results::<Candidate>()?
            .into_iter()
            .filter(|c| {
                let texts = [Some(c.fields.as_str()), c.facts.as_deref(), c.receipt.as_deref()];
                holdfast_core::lifecycle::holds_email(texts.into_iter().flatten(), e)
            })
            .collect()
        }
    };
    let mut ids: Vec<String> = found.iter().map(|c| c.id.clone()).collect();
    if let CustomerKey::Email(_) = key {
        for c in &found {
            for (column, value) in [
                ("subscription_id", &c.subscription_id),
                ("customer_id", &c.customer_id),
            ] {
                if let Some(v) = value {
                    let more: Vec<Id> = by(column, v)?.all().await?.results()?;
                    ids.extend(more.into_iter().map(|m| m.id));
                }
            }
        }
    }
    ids.sort();
    ids.dedup();
    Ok(ids)
}

/// Removes the personal data of these sessions now.
pub async fn erase(db: &D1Database, ids: &[String], now: i64) -> Result<(), AppError> {
    for chunk in ids.chunks(50) {
        let list = serde_json::to_string(chunk)?;
        let sel = "SELECT value FROM json_each(?1)";
        db.batched(remove(db, sel, &[text(&list)], now)?).await?;
    }
    Ok(())
}
