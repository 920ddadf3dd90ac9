//! The dashboard's report from rollups: counts kept per app, UTC day and
//! key by D1 triggers as sessions change (edge/migrations/0016), summed
//! over a period by one query for the breakdowns and one for the series.
//! Equal to [`crate::report::report`] over the raw sessions for periods of
//! whole days (tests/rollups checks it on random histories).

use serde::Deserialize;

use crate::record::Outcome;
use crate::report::{Accumulator, Money, Period, Report, Share, DIMS};
use crate::settings::AppSettings;

const DAY: i64 = 86_400;

/// Rollup rows summed over the period's days (`day` absent) or per day.
#[derive(Debug, Clone, PartialEq, Eq, Deserialize)]
pub struct RollupRow {
    #[serde(default)]
    pub day: Option<i64>,
    /// A row of `rollup_marginals`: the dimension its `key` belongs to.
    #[serde(default)]
    pub dim: Option<String>,
    #[serde(default)]
    pub key: String,
    #[serde(default)]
    pub reason: String,
    #[serde(default)]
    pub offer: String,
    #[serde(default)]
    pub audience: String,
    #[serde(default)]
    pub variant: String,
    #[serde(default)]
    pub country: String,
    #[serde(default)]
    pub mode: String,
    pub outcome: Outcome,
    #[serde(default)]
    pub currency: String,
    pub sessions: i64,
    #[serde(default)]
    pub repeats: i64,
    pub mrr_saved: i64,
    pub offer_cost: i64,
    pub mrr_lost: i64,
}

impl RollupRow {
    fn share(&self) -> Share {
        let count = |n: i64| u64::try_from(n).unwrap_or(0);
        Share {
            keys: [
                self.reason.clone(),
                self.offer.clone(),
                self.audience.clone(),
                self.variant.clone(),
                self.country.clone(),
                self.mode.clone(),
            ],
            outcome: self.outcome,
            sessions: count(self.sessions),
            repeats: count(self.repeats),
            currency: self.currency.clone(),
            money: Money {
                mrr_saved: self.mrr_saved,
                offer_cost: self.offer_cost,
                mrr_lost: self.mrr_lost,
            },
        }
    }
}

/// The report of a period of whole days (see [`Period::whole_days`]) from
/// its rows summed by key (`groups`: of the full rollups, or of the
/// marginals, one dimension a row) and by day, outcome and currency
/// (`series`).
pub fn report(
    groups: &[RollupRow],
    series: &[RollupRow],
    settings: &AppSettings,
    p: Period,
) -> Report {
    let mut acc = Accumulator::new(p);
    for g in groups {
        let mut share = g.share();
        match g
            .dim
            .as_deref()
            .and_then(|d| DIMS.iter().position(|x| *x == d))
        {
            Some(d) => {
                share.keys = Default::default();
                share.keys[d] = g.key.clone();
                acc.add_marginal(d, &share);
            }
            None => acc.add_grouped(&share),
        }
    }
    for s in series {
        acc.add_to_series(&s.share(), s.day.unwrap_or(0) * DAY);
    }
    acc.finish(settings)
}
