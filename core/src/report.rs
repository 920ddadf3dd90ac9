//! The dashboard's numbers, from the sessions alone: counts, save rate,
//! revenue per currency, over time and by reason, offer, audience and
//! variant, and the holdout's lift. Pure, so that the totals provably equal
//! the sum over the sessions they come from.

use std::collections::BTreeMap;

use serde::{Deserialize, Serialize};

use crate::experiment::HOLDOUT;
use crate::record::{counted, Outcome, SessionRecord};
use crate::revenue::HORIZON_MONTHS;
use crate::settings::AppSettings;
use crate::stats::Lift;

/// Money of one currency, in its minor unit.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct Money {
    /// MRR of the saves (before their offers).
    pub mrr_saved: i64,
    /// What the accepted offers give away within the first year.
    pub offer_cost: i64,
    /// MRR of the cancels and of the saves that were lost.
    pub mrr_lost: i64,
}

impl Money {
    /// First-year revenue the saves keep, net of what their offers cost.
    pub fn net_saved(&self) -> i64 {
        self.mrr_saved * HORIZON_MONTHS - self.offer_cost
    }
}

/// Counts and money of a set of counted sessions.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct Tally {
    pub sessions: u64,
    /// Offers accepted plus deflects, less saves that were lost.
    pub saves: u64,
    pub offers: u64,
    pub deflects: u64,
    pub cancels: u64,
    pub lost: u64,
    pub open: u64,
    /// Per currency (lower-case ISO code); never summed across currencies.
    pub money: BTreeMap<String, Money>,
}

impl Tally {
    pub fn add(&mut self, r: &SessionRecord) {
        self.add_share(&Share::of(r, true));
    }

    /// Adds the counted sessions of a share.
    pub fn add_share(&mut self, s: &Share) {
        let n = s.sessions;
        self.sessions += n;
        match s.outcome {
            Outcome::Offer => self.offers += n,
            Outcome::Deflect => self.deflects += n,
            Outcome::Cancel => self.cancels += n,
            Outcome::Lost => self.lost += n,
            Outcome::Open => self.open += n,
        }
        if matches!(s.outcome, Outcome::Offer | Outcome::Deflect) {
            self.saves += n;
        }
        if !s.currency.is_empty() {
            let m = self.money.entry(s.currency.clone()).or_default();
            m.mrr_saved += s.money.mrr_saved;
            m.offer_cost += s.money.offer_cost;
            m.mrr_lost += s.money.mrr_lost;
        }
    }

    /// Sessions that reached an outcome.
    pub fn decided(&self) -> u64 {
        self.saves + self.cancels + self.lost
    }

    /// Saves over decided sessions; `None` before any.
    pub fn save_rate(&self) -> Option<f64> {
        (self.decided() > 0).then(|| self.saves as f64 / self.decided() as f64)
    }
}

/// One bar of a chart: the sessions that started in `[start, start + width)`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct Bucket {
    pub start: i64,
    pub tally: Tally,
}

/// One row of a breakdown.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct Group {
    pub key: String,
    pub label: String,
    pub tally: Tally,
}

/// An experience's holdout against its variants.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct ExperienceLift {
    pub experience: String,
    pub label: String,
    pub lift: Option<Lift>,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct Report {
    pub from: i64,
    pub to: i64,
    pub bucket_secs: i64,
    pub total: Tally,
    /// Sessions in the period left out as repeats of a counted one.
    pub repeats: u64,
    pub series: Vec<Bucket>,
    pub by_reason: Vec<Group>,
    pub by_offer: Vec<Group>,
    pub by_audience: Vec<Group>,
    pub by_variant: Vec<Group>,
    #[serde(default)]
    pub by_country: Vec<Group>,
    /// By compliance mode (`direct`, `click_to_cancel`, `standard`).
    #[serde(default)]
    pub by_mode: Vec<Group>,
    /// Cancels made through the direct cancellation (one confirmation page).
    #[serde(default)]
    pub direct_cancels: u64,
    pub lift: Vec<ExperienceLift>,
    /// Declarations from the public page waiting in the review list now,
    /// whenever made (not bound to the period or the filters).
    #[serde(default)]
    pub open_requests: u64,
    /// The public page's declarations made in the period, by where they
    /// stand (not narrowed by the filters: none of them applies).
    #[serde(default)]
    pub public: PublicFigures,
}

/// What became of the period's declarations on the public page.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct PublicFigures {
    pub declared: u64,
    /// Matched in Stripe as they were made and cancelled at once.
    pub matched: u64,
    /// Cancelled by a reviewer who found the subscription.
    pub reviewed: u64,
    pub not_matched: u64,
    /// Still waiting for review.
    pub open: u64,
    /// Mean seconds from receipt to resolution, of those resolved.
    pub mean_seconds_to_resolve: Option<i64>,
}

/// The period a report covers; `bucket_secs` is the width of a chart's bar.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Period {
    pub from: i64,
    pub to: i64,
    pub bucket_secs: i64,
}

impl Period {
    /// The period widened to whole UTC days, the grain of the rollups.
    pub fn whole_days(self) -> Period {
        const DAY: i64 = 86_400;
        Period {
            from: self.from.div_euclid(DAY) * DAY,
            to: (self.to + DAY - 1).div_euclid(DAY) * DAY,
            bucket_secs: self.bucket_secs,
        }
    }
}

/// The report over the counted sessions that started in the period.
/// `records` may reach beyond it, so repeats across its edges count right.
pub fn report(records: &[SessionRecord], settings: &AppSettings, p: Period) -> Report {
    report_counted(records, &counted(records), settings, p)
}

/// The report over `records` whose `flags` (see [`counted`]) are known,
/// e.g. as stored with each session.
pub fn report_counted(
    records: &[SessionRecord],
    flags: &[bool],
    settings: &AppSettings,
    p: Period,
) -> Report {
    let mut acc = Accumulator::new(p);
    for (r, &counts) in records.iter().zip(flags) {
        if r.created_at >= p.from && r.created_at < p.to {
            acc.add(&Share::of(r, counts), r.created_at);
        }
    }
    acc.finish(settings)
}

#[derive(Clone, Copy)]
pub(crate) enum Dim {
    Reason,
    Offer,
    Audience,
    Variant,
    Country,
    Mode,
}

/// A breakdown key in the admin's words; ids that are gone read as ids.
pub(crate) fn label_of(s: &AppSettings, dim: Dim, key: &str) -> String {
    if key.is_empty() {
        return match dim {
            Dim::Reason => "No reason given",
            Dim::Offer => "No offer shown",
            Dim::Audience => "Everyone else",
            Dim::Variant => "No experience",
            Dim::Country => "Unknown country",
            Dim::Mode => "standard",
        }
        .to_owned();
    }
    let found = match dim {
        Dim::Reason => s.reason(key).map(|r| r.label.clone()),
        Dim::Offer => s.offer(key).map(|o| o.title.clone()),
        Dim::Audience => s
            .audiences
            .iter()
            .find(|a| a.id == key)
            .map(|a| a.name.clone()),
        Dim::Country => Some(key.to_owned()),
        Dim::Mode => Some(
            match key {
                "direct" => "Direct cancellation",
                "click_to_cancel" => "Click to cancel",
                _ => "Standard",
            }
            .to_owned(),
        ),
        Dim::Variant => key.split_once('/').and_then(|(e, v)| {
            let exp = s.experiences.iter().find(|x| x.id == e)?;
            let variant = if v == HOLDOUT { "Holdout" } else { v };
            Some(format!("{} · {variant}", exp.name))
        }),
    };
    found.unwrap_or_else(|| key.to_owned())
}

mod share;
pub use share::{Accumulator, Share, DIMS};

#[cfg(test)]
mod tests;
