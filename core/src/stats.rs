//! The holdout's lift: the difference of two save rates, with Newcombe's
//! hybrid score interval (method 10 of Newcombe, 1998), which keeps its
//! coverage for small groups and rates near 0 or 1 where the Wald interval
//! does not.

use serde::{Deserialize, Serialize};

/// The two-sided 95% normal quantile.
const Z95: f64 = 1.959_963_984_540_054;

/// Wilson's score interval for `hits` of `n`.
pub fn wilson(hits: u64, n: u64) -> Option<(f64, f64)> {
    if n == 0 || hits > n {
        return None;
    }
    let (n, p, z2) = (n as f64, hits as f64 / n as f64, Z95 * Z95);
    let d = 1.0 + z2 / n;
    let centre = (p + z2 / (2.0 * n)) / d;
    let half = Z95 * (p * (1.0 - p) / n + z2 / (4.0 * n * n)).sqrt() / d;
    Some(((centre - half).max(0.0), (centre + half).min(1.0)))
}

/// A save rate with and without the flow, and how far apart they are.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct Lift {
    pub treated_saves: u64,
    pub treated: u64,
    pub holdout_saves: u64,
    pub holdout: u64,
    /// Treated rate minus holdout rate, in [-1, 1].
    pub difference: f64,
    /// The 95% interval of the difference.
    pub low: f64,
    pub high: f64,
}

impl Lift {
    /// `None` until both groups have a session.
    pub fn of(treated_saves: u64, treated: u64, holdout_saves: u64, holdout: u64) -> Option<Self> {
        let (l1, u1) = wilson(treated_saves, treated)?;
        let (l2, u2) = wilson(holdout_saves, holdout)?;
        let p1 = treated_saves as f64 / treated as f64;
        let p2 = holdout_saves as f64 / holdout as f64;
        let d = p1 - p2;
        Some(Self {
            treated_saves,
            treated,
            holdout_saves,
            holdout,
            difference: d,
            low: d - ((p1 - l1).powi(2) + (u2 - p2).powi(2)).sqrt(),
            high: d + ((u1 - p1).powi(2) + (p2 - l2).powi(2)).sqrt(),
        })
    }

    /// The interval excludes zero: the flow saves more (or fewer) than no
    /// flow at all, beyond chance.
    pub fn is_significant(&self) -> bool {
        self.low > 0.0 || self.high < 0.0
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    fn close(a: f64, b: f64) -> bool {
        (a - b).abs() < 5e-5
    }

    /// Newcombe (1998), Table II, method 10.
    #[test]
    fn matches_newcombes_published_intervals() {
        for (x1, n1, x2, n2, low, high) in [
            (56, 70, 48, 80, 0.0524, 0.3339),
            (9, 10, 3, 10, 0.1705, 0.8090),
            (6, 7, 2, 7, 0.0582, 0.8062),
            (5, 56, 0, 29, -0.0381, 0.1926),
        ] {
            let l = Lift::of(x1, n1, x2, n2).expect("both groups");
            assert!(
                close(l.low, low) || (l.low - low).abs() < 1e-4,
                "{x1}/{n1} − {x2}/{n2}: low {} ≠ {low}",
                l.low
            );
            assert!(
                (l.high - high).abs() < 1e-4,
                "{x1}/{n1} − {x2}/{n2}: high {} ≠ {high}",
                l.high
            );
        }
        assert!(Lift::of(56, 70, 48, 80).is_some_and(|l| l.is_significant()));
        assert!(Lift::of(5, 56, 0, 29).is_some_and(|l| !l.is_significant()));
    }

    #[test]
    fn an_empty_group_has_no_lift() {
        assert_eq!(Lift::of(0, 0, 1, 2), None);
        assert_eq!(Lift::of(1, 2, 0, 0), None);
        assert_eq!(wilson(3, 2), None);
    }

    proptest! {
        #[test]
        fn the_interval_holds_the_difference_and_stays_in_range(
            n1 in 1u64..5_000, n2 in 1u64..5_000, a in 0.0f64..=1.0, b in 0.0f64..=1.0,
        ) {
            let (x1, x2) = ((a * n1 as f64) as u64, (b * n2 as f64) as u64);
            let l = Lift::of(x1, n1, x2, n2).expect("both groups");
            prop_assert!(l.low <= l.difference + 1e-12 && l.difference <= l.high + 1e-12);
            prop_assert!(l.low >= -1.0 - 1e-12 && l.high <= 1.0 + 1e-12);
        }

        #[test]
        fn more_sessions_at_the_same_rates_narrow_the_interval(
            x1 in 0u64..20, x2 in 0u64..20, k in 2u64..10,
        ) {
            let (n1, n2) = (20, 20);
            let small = Lift::of(x1, n1, x2, n2).expect("lift");
            let big = Lift::of(x1 * k, n1 * k, x2 * k, n2 * k).expect("lift");
            prop_assert!(big.high - big.low < small.high - small.low);
        }
    }
}
