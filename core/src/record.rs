//! A session as reports count it: its record, how it ended, and which of a
//! subscription's repeated sessions count.

use std::collections::BTreeMap;

use serde::{Deserialize, Serialize};

use crate::session::SessionStatus;

/// Sessions of one subscription that start within this long of the first
/// one count once: as the last of them that reached an outcome.
pub const REPEAT_WINDOW_SECS: i64 = 60 * 86_400;

/// One session, as the dashboard, the session list and the CSV see it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct SessionRecord {
    pub id: String,
    pub created_at: i64,
    pub subscription_id: Option<String>,
    pub customer_id: Option<String>,
    pub status: SessionStatus,
    pub reason_id: Option<String>,
    pub shown_offer_id: Option<String>,
    pub offer_id: Option<String>,
    pub audience_id: Option<String>,
    pub experience_id: Option<String>,
    pub variant_id: Option<String>,
    /// For saves.
    pub attribution: Option<crate::attribution::Verdict>,
    pub attribution_reason: Option<crate::attribution::LostReason>,
    /// MRR when the session started, before any offer.
    pub mrr: Option<i64>,
    pub currency: Option<String>,
    pub offer_cost: Option<i64>,
    /// Where the customer was at precancel (ISO country), if known.
    #[serde(default)]
    pub country: Option<String>,
    #[serde(default)]
    pub mode: crate::jurisdiction::Mode,
    /// Where it began: a precancel, or the app's public page (issue 39).
    #[serde(default)]
    pub channel: Channel,
    /// A public declaration's place in the review list.
    #[serde(default)]
    pub review: Option<crate::declaration::Review>,
    /// When a public declaration was resolved (carried out or found to
    /// match nothing), unix seconds.
    #[serde(default)]
    pub resolved_at: Option<i64>,
}

crate::names::named! {
    /// How a customer reached the cancel.
    #[derive(Default)]
    pub enum Channel {
        /// A cancel session, started by a precancel on the merchant's page.
        #[default]
        Session = "session",
        /// A declaration on the app's public page, without signing in.
        Public = "public",
    }
    else Other = "other"
}

/// How a session ended.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(rename_all = "snake_case")]
pub enum Outcome {
    /// Nothing decided (yet): the customer left the page.
    Open,
    /// Kept with an accepted offer.
    Offer,
    /// Kept without one.
    Deflect,
    Cancel,
    /// Looked kept, but Stripe says otherwise (cancelled elsewhere, unpaid…).
    Lost,
}

impl SessionRecord {
    pub fn outcome(&self) -> Outcome {
        use SessionStatus::*;
        let failed = self.attribution.is_some_and(|v| v.failed());
        match self.status {
            Deflected | OfferAccepted | OfferPending if failed => Outcome::Lost,
            Deflected => Outcome::Deflect,
            OfferAccepted | OfferPending => Outcome::Offer,
            Cancelled | CancelPending => Outcome::Cancel,
            Open | Unknown => Outcome::Open,
        }
    }
}

/// Which sessions count: sessions of one subscription are grouped into runs
/// that start with a session and take every later one within
/// [`REPEAT_WINDOW_SECS`] of it; a run counts once, as its last session with
/// an outcome (or its last session when none has one). Sessions without a
/// subscription always count. Sessions of the same second keep their order
/// in `records`, which callers give oldest first.
pub fn counted(records: &[SessionRecord]) -> Vec<bool> {
    let mut flags = vec![false; records.len()];
    let mut by_sub: BTreeMap<&str, Vec<usize>> = BTreeMap::new();
    for (i, r) in records.iter().enumerate() {
        match r.subscription_id.as_deref() {
            Some(sub) => by_sub.entry(sub).or_default().push(i),
            None => flags[i] = true,
        }
    }
    for mut idx in by_sub.into_values() {
        idx.sort_by_key(|&i| records[i].created_at);
        let mut start = 0;
        while start < idx.len() {
            let opened = records[idx[start]].created_at;
            let end = idx[start..]
                .iter()
                .position(|&i| records[i].created_at - opened >= REPEAT_WINDOW_SECS)
                .map_or(idx.len(), |p| start + p);
            let run = &idx[start..end];
            let pick = run
                .iter()
                .rev()
                .find(|&&i| records[i].outcome() != Outcome::Open)
                .or(run.last());
            if let Some(&i) = pick {
                flags[i] = true;
            }
            start = end;
        }
    }
    flags
}
