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

/// What one session, or one rollup row of many, adds to a report.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Share {
    /// Reason, offer, audience, `experience/variant`, country and mode:
    /// the breakdowns' keys, empty when the session has none.
    pub keys: [String; 6],
    pub outcome: Outcome,
    /// Counted sessions.
    pub sessions: u64,
    /// Sessions left out as repeats.
    pub repeats: u64,
    /// Lower-case currency of the money, empty when none.
    pub currency: String,
    pub money: Money,
}

impl Share {
    pub fn of(r: &SessionRecord, counts: bool) -> Share {
        let outcome = r.outcome();
        let variant = r
            .experience_id
            .as_ref()
            .zip(r.variant_id.as_ref())
            .map(|(e, v)| format!("{e}/{v}"));
        let offer = r.offer_id.as_ref().or(r.shown_offer_id.as_ref());
        let mut money = Money::default();
        let mut currency = String::new();
        if let (Some(mrr), Some(c), true) = (r.mrr, r.currency.as_deref(), counts) {
            currency = c.to_lowercase();
            match outcome {
                Outcome::Offer | Outcome::Deflect => {
                    money.mrr_saved = mrr;
                    money.offer_cost = r.offer_cost.unwrap_or(0);
                }
                Outcome::Cancel | Outcome::Lost => money.mrr_lost = mrr,
                Outcome::Open => {}
            }
        }
        Share {
            keys: [
                r.reason_id.clone().unwrap_or_default(),
                offer.cloned().unwrap_or_default(),
                r.audience_id.clone().unwrap_or_default(),
                variant.unwrap_or_default(),
                r.country.clone().unwrap_or_default(),
                r.mode.as_str().to_owned(),
            ],
            outcome,
            sessions: u64::from(counts),
            repeats: u64::from(!counts),
            currency,
            money,
        }
    }
}

/// Builds a report from shares, each at the time its sessions started.
pub struct Accumulator {
    p: Period,
    width: i64,
    total: Tally,
    repeats: u64,
    series: Vec<Bucket>,
    groups: [BTreeMap<String, Tally>; 6],
    direct_cancels: u64,
    lifts: BTreeMap<String, [u64; 4]>,
}

impl Accumulator {
    pub fn new(p: Period) -> Accumulator {
        let span = (p.to - p.from).max(0);
        // At most 400 bars: a long period gets wider ones.
        let width = p.bucket_secs.max(3600).max((span + 399) / 400);
        let series = (0..span / width + 1)
            .map(|i| Bucket {
                start: p.from + i * width,
                tally: Tally::default(),
            })
            .collect();
        Accumulator {
            p,
            width,
            total: Tally::default(),
            repeats: 0,
            series,
            groups: Default::default(),
            direct_cancels: 0,
            lifts: BTreeMap::new(),
        }
    }

    /// Adds a share to the totals, breakdowns and lift (not the series).
    pub fn add_grouped(&mut self, s: &Share) {
        self.repeats += s.repeats;
        if s.sessions == 0 {
            return;
        }
        self.total.add_share(s);
        if s.keys[5] == crate::jurisdiction::Mode::Direct.as_str() && s.outcome == Outcome::Cancel {
            self.direct_cancels += s.sessions;
        }
        for (g, key) in self.groups.iter_mut().zip(&s.keys) {
            g.entry(key.clone()).or_default().add_share(s);
        }
        if let (Some((e, v)), true) = (s.keys[3].split_once('/'), s.outcome != Outcome::Open) {
            let saved = matches!(s.outcome, Outcome::Offer | Outcome::Deflect);
            let l = self.lifts.entry(e.to_owned()).or_default();
            let at = if v == HOLDOUT { 2 } else { 0 };
            l[at] += if saved { s.sessions } else { 0 };
            l[at + 1] += s.sessions;
        }
    }

    /// Adds a share to the bar of the time `at`.
    pub fn add_to_series(&mut self, s: &Share, at: i64) {
        let slot = usize::try_from((at - self.p.from) / self.width).unwrap_or(0);
        if let (Some(b), true) = (self.series.get_mut(slot), s.sessions > 0) {
            b.tally.add_share(s);
        }
    }

    pub fn add(&mut self, s: &Share, at: i64) {
        self.add_grouped(s);
        self.add_to_series(s, at);
    }

    pub fn finish(self, settings: &AppSettings) -> Report {
        let [reason, offer, audience, variant, country, mode] = self.groups;
        let label = |dim: Dim| {
            move |(key, tally): (String, Tally)| Group {
                label: label_of(settings, dim, &key),
                key,
                tally,
            }
        };
        let lifts = self.lifts;
        Report {
            from: self.p.from,
            to: self.p.to,
            bucket_secs: self.width,
            total: self.total,
            repeats: self.repeats,
            series: self.series,
            by_reason: reason.into_iter().map(label(Dim::Reason)).collect(),
            by_offer: offer.into_iter().map(label(Dim::Offer)).collect(),
            by_audience: audience.into_iter().map(label(Dim::Audience)).collect(),
            by_variant: variant.into_iter().map(label(Dim::Variant)).collect(),
            by_country: country.into_iter().map(label(Dim::Country)).collect(),
            by_mode: mode.into_iter().map(label(Dim::Mode)).collect(),
            direct_cancels: self.direct_cancels,
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
        }
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
