//! Saves and their watch: the verdict when a save is made, and the list of
//! saves whose window has ended.

use holdfast_core::attribution::{LostReason, Verdict};
use holdfast_core::revenue::Mrr;
use serde::Deserialize;
use worker::{D1Database, D1PreparedStatement};

use super::{int, opt_int, opt_text, stmt, text, update_row};
use crate::error::AppError;

/// What a save is worth, as read when it was confirmed.
pub struct SaveValue<'a> {
    pub verdict: Verdict,
    /// The MRR after the offer (the session keeps its MRR from before it,
    /// unless precancel could not read one).
    pub kept: Option<&'a Mrr>,
    pub offer_cost: Option<i64>,
    pub watch_until: i64,
}

/// The verdict at the moment of a save; a save stays on the watch list
/// until `watch_until`.
pub fn set_attribution(
    db: &D1Database,
    id: &str,
    v: &SaveValue<'_>,
    now: i64,
) -> Result<D1PreparedStatement, AppError> {
    let kept = v.kept.map(|m| m.amount);
    let currency = v.kept.map(|m| m.currency.as_str());
    update_row(
        db,
        "sessions",
        &[
            ("attribution", text(v.verdict.as_str())),
            ("mrr_kept", opt_int(kept)),
            ("mrr = COALESCE(mrr, ?)", opt_int(kept)),
            (
                "mrr_currency = COALESCE(mrr_currency, ?)",
                opt_text(currency),
            ),
            ("offer_cost", opt_int(v.offer_cost)),
            ("watch_until", int(v.watch_until)),
            ("updated_at", int(now)),
        ],
        &[],
        "id = ?",
        &[text(id)],
    )
}

/// A save whose watch has ended.
#[derive(Deserialize)]
pub struct DueSave {
    pub id: String,
    pub subscription_id: String,
    /// The MRR kept when the save was confirmed.
    pub mrr: Option<i64>,
}

pub async fn due_saves(db: &D1Database, now: i64, limit: u32) -> Result<Vec<DueSave>, AppError> {
    let res = stmt(
        db,
        &format!(
            "SELECT id, subscription_id, COALESCE(mrr_kept, mrr) AS mrr FROM sessions WHERE attribution IN ({}) \
             AND watch_until <= ?1 AND subscription_id IS NOT NULL ORDER BY watch_until LIMIT ?2",
            Verdict::sql_list(Verdict::WATCHED)
        ),
        &[int(now), int(i64::from(limit))],
    )?
    .all()
    .await?;
    Ok(res.results()?)
}

pub fn close_watch(
    db: &D1Database,
    id: &str,
    verdict: Verdict,
    reason: Option<LostReason>,
    now: i64,
) -> Result<D1PreparedStatement, AppError> {
    update_row(
        db,
        "sessions",
        &[
            ("attribution", text(verdict.as_str())),
            (
                "attribution_reason",
                opt_text(reason.map(LostReason::as_str)),
            ),
            ("updated_at", int(now)),
        ],
        &[],
        &format!(
            "id = ? AND attribution IN ({})",
            Verdict::sql_list(Verdict::WATCHED)
        ),
        &[text(id)],
    )
}
