//! What a report adds up: a session's (or a rollup row's) share, and the
//! accumulator that folds shares into a [`Report`], the same for raw
//! sessions and for rollups.

use std::collections::BTreeMap;

use super::{
    label_of, Bucket, Dim, ExperienceLift, Group, Money, Period, PublicFigures, Report, Tally,
};
use crate::experiment::HOLDOUT;
use crate::record::{Outcome, SessionRecord};
use crate::settings::AppSettings;
use crate::stats::Lift;

/// The breakdowns' dimensions, in the order of [`Share::keys`].
pub const DIMS: [&str; 6] = ["reason", "offer", "audience", "variant", "country", "mode"];

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
        self.add_total(s);
        for d in 0..DIMS.len() {
            self.add_group(d, s);
        }
    }

    /// Adds a share that holds one dimension's key only (`keys[d]`; see
    /// `rollup_marginals`). Every dimension's shares add up to the
    /// totals, which are taken from the last (mode).
    pub fn add_marginal(&mut self, d: usize, s: &Share) {
        if d == DIMS.len() - 1 {
            self.add_total(s);
        }
        self.add_group(d, s);
    }

    fn add_total(&mut self, s: &Share) {
        self.repeats += s.repeats;
        if s.sessions == 0 {
            return;
        }
        self.total.add_share(s);
        if s.keys[5] == crate::jurisdiction::Mode::Direct.as_str() && s.outcome == Outcome::Cancel {
            self.direct_cancels += s.sessions;
        }
    }

    fn add_group(&mut self, d: usize, s: &Share) {
        let (Some(g), Some(key), true) = (self.groups.get_mut(d), s.keys.get(d), s.sessions > 0)
        else {
            return;
        };
        g.entry(key.clone()).or_default().add_share(s);
        if let (3, Some((e, v)), true) = (d, key.split_once('/'), s.outcome != Outcome::Open) {
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
            // The edge counts these apart, from the review list's index.
            open_requests: 0,
            public: PublicFigures::default(),
        }
    }
}
