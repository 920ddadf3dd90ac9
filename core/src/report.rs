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
        self.sessions += 1;
        let outcome = r.outcome();
        match outcome {
            Outcome::Offer => self.offers += 1,
            Outcome::Deflect => self.deflects += 1,
            Outcome::Cancel => self.cancels += 1,
            Outcome::Lost => self.lost += 1,
            Outcome::Open => self.open += 1,
        }
        let saved = matches!(outcome, Outcome::Offer | Outcome::Deflect);
        if saved {
            self.saves += 1;
        }
        let (Some(mrr), Some(currency)) = (r.mrr, r.currency.as_deref()) else {
            return;
        };
        let m = self.money.entry(currency.to_lowercase()).or_default();
        match outcome {
            Outcome::Offer | Outcome::Deflect => {
                m.mrr_saved += mrr;
                m.offer_cost += r.offer_cost.unwrap_or(0);
            }
            Outcome::Cancel | Outcome::Lost => m.mrr_lost += mrr,
            Outcome::Open => {}
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
    /// The period held more sessions than one report reads.
    #[serde(default)]
    pub truncated: bool,
}

/// The period a report covers; `bucket_secs` is the width of a chart's bar.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Period {
    pub from: i64,
    pub to: i64,
    pub bucket_secs: i64,
}

/// The report over the counted sessions that started in the period.
/// `records` may reach beyond it, so repeats across its edges count right.
pub fn report(records: &[SessionRecord], settings: &AppSettings, p: Period) -> Report {
    let span = (p.to - p.from).max(0);
    // At most 400 bars: a long period gets wider ones.
    let width = p.bucket_secs.max(3600).max((span + 399) / 400);
    let flags = counted(records);
    let in_period = |r: &SessionRecord| r.created_at >= p.from && r.created_at < p.to;
    let mut total = Tally::default();
    let mut repeats = 0;
    let buckets = span / width + 1;
    let mut series: Vec<Bucket> = (0..buckets)
        .map(|i| Bucket {
            start: p.from + i * width,
            tally: Tally::default(),
        })
        .collect();
    let mut groups: [BTreeMap<String, Tally>; 6] = Default::default();
    let mut direct_cancels = 0;
    let mut lifts: BTreeMap<String, [u64; 4]> = BTreeMap::new();
    for (r, counts) in records.iter().zip(flags) {
        if !in_period(r) {
            continue;
        }
        if !counts {
            repeats += 1;
            continue;
        }
        total.add(r);
        let slot = usize::try_from((r.created_at - p.from) / width).unwrap_or(0);
        if let Some(b) = series.get_mut(slot) {
            b.tally.add(r);
        }
        let offer = r.offer_id.as_ref().or(r.shown_offer_id.as_ref());
        let variant = r
            .experience_id
            .as_ref()
            .zip(r.variant_id.as_ref())
            .map(|(e, v)| format!("{e}/{v}"));
        if r.mode == crate::jurisdiction::Mode::Direct && r.outcome() == Outcome::Cancel {
            direct_cancels += 1;
        }
        let keys = [
            r.reason_id.clone(),
            offer.cloned(),
            r.audience_id.clone(),
            variant,
            r.country.clone(),
            Some(r.mode.as_str().to_owned()),
        ];
        for (g, key) in groups.iter_mut().zip(keys) {
            g.entry(key.unwrap_or_default()).or_default().add(r);
        }
        if let (Some(e), Some(v)) = (&r.experience_id, &r.variant_id) {
            let o = r.outcome();
            if o != Outcome::Open {
                let saved = u64::from(matches!(o, Outcome::Offer | Outcome::Deflect));
                let l = lifts.entry(e.clone()).or_default();
                let at = if v == HOLDOUT { 2 } else { 0 };
                l[at] += saved;
                l[at + 1] += 1;
            }
        }
    }
    let [reason, offer, audience, variant, country, mode] = groups;
    let label = |dim: Dim| {
        move |(key, tally): (String, Tally)| Group {
            label: label_of(settings, dim, &key),
            key,
            tally,
        }
    };
    Report {
        from: p.from,
        to: p.to,
        bucket_secs: width,
        total,
        repeats,
        series,
        by_reason: reason.into_iter().map(label(Dim::Reason)).collect(),
        by_offer: offer.into_iter().map(label(Dim::Offer)).collect(),
        by_audience: audience.into_iter().map(label(Dim::Audience)).collect(),
        by_variant: variant.into_iter().map(label(Dim::Variant)).collect(),
        by_country: country.into_iter().map(label(Dim::Country)).collect(),
        by_mode: mode.into_iter().map(label(Dim::Mode)).collect(),
        direct_cancels,
        lift: settings
            .experiences
            .iter()
            .filter(|e| e.holdout_percent > 0 || lifts.contains_key(&e.id))
            .map(|e| {
                let [ts, t, hs, h] = lifts.get(&e.id).copied().unwrap_or_default();
                ExperienceLift {
                    experience: e.id.clone(),
                    label: e.name.clone(),
                    lift: Lift::of(ts, t, hs, h),
                }
            })
            .collect(),
        truncated: false,
    }
}

#[derive(Clone, Copy)]
enum Dim {
    Reason,
    Offer,
    Audience,
    Variant,
    Country,
    Mode,
}

/// A breakdown key in the admin's words; ids that are gone read as ids.
fn label_of(s: &AppSettings, dim: Dim, key: &str) -> String {
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

#[cfg(test)]
mod tests;
