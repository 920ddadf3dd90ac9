//! Revenue values of a subscription, for attribution: what a save keeps (or
//! a cancel loses) per month, in the subscription's own currency, and what
//! the offer that kept it gave away.

use serde::{Deserialize, Serialize};
use serde_json::Value;

use crate::billing::{Billing, Interval};

/// Offers and saves are valued over the first year: a discount "forever"
/// costs twelve months of it, and a save keeps twelve months of revenue.
pub const HORIZON_MONTHS: i64 = 12;

/// Monthly recurring revenue in minor units (cents), with its currency.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct Mrr {
    pub amount: i64,
    pub currency: String,
}

/// Months in `count` `interval`s: a year is twelve, a week 12/52 of one, a
/// day 12/365.
pub fn months_in(interval: &str, count: i64) -> Option<f64> {
    let count = count.max(1) as f64;
    let one = match interval {
        "month" => 1.0,
        "year" => 12.0,
        "week" => 12.0 / 52.0,
        "day" => 12.0 / 365.0,
        _ => return None,
    };
    Some(one * count)
}

/// `amount` per `interval_count` `interval`s, per month.
pub fn monthly(amount: i64, interval: &str, interval_count: i64) -> Option<i64> {
    Some((amount as f64 / months_in(interval, interval_count)?).round() as i64)
}

/// A Stripe coupon's terms.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct Coupon {
    pub id: String,
    pub percent_off: Option<f64>,
    pub amount_off: Option<i64>,
    pub currency: Option<String>,
    /// once | repeating | forever
    pub duration: String,
    pub duration_in_months: Option<i64>,
}

impl Coupon {
    pub fn from_stripe(v: &Value) -> Option<Self> {
        Some(Self {
            id: v.get("id")?.as_str()?.to_owned(),
            percent_off: v.get("percent_off").and_then(Value::as_f64),
            amount_off: v.get("amount_off").and_then(Value::as_i64),
            currency: v.get("currency").and_then(Value::as_str).map(str::to_owned),
            duration: v
                .get("duration")
                .and_then(Value::as_str)
                .unwrap_or("once")
                .to_owned(),
            duration_in_months: v.get("duration_in_months").and_then(Value::as_i64),
        })
    }

    /// What it takes off `mrr` per month, for a subscription billed every
    /// `period_months` (an amount off applies once per invoice).
    fn monthly_reduction(&self, mrr: &Mrr, period_months: f64) -> i64 {
        let off = match (self.percent_off, self.amount_off) {
            (Some(p), _) => (mrr.amount as f64 * p.clamp(0.0, 100.0) / 100.0).round() as i64,
            (None, Some(a)) if self.currency.as_deref().is_none_or(|c| c == mrr.currency) => {
                (a as f64 / period_months.max(f64::EPSILON)).round() as i64
            }
            _ => 0,
        };
        off.clamp(0, mrr.amount.max(0))
    }

    /// Months it applies, within the horizon.
    fn months(&self, period_months: f64) -> f64 {
        let months = match self.duration.as_str() {
            "repeating" => self.duration_in_months.unwrap_or(1) as f64,
            "forever" => HORIZON_MONTHS as f64,
            _ => period_months,
        };
        months.clamp(0.0, HORIZON_MONTHS as f64)
    }
}

/// The coupons of a subscription's active discounts, from `discounts[]`
/// (today's `source.coupon`, or `coupon` on older versions) or the legacy
/// single `discount`. Discounts that are bare ids are skipped: expand
/// `discounts.source.coupon` to read them.
pub fn coupons_of(sub: &Value) -> Vec<Coupon> {
    let listed = sub
        .get("discounts")
        .and_then(Value::as_array)
        .into_iter()
        .flatten();
    listed
        .chain(sub.get("discount").filter(|d| d.is_object()))
        .filter_map(|d| {
            d.pointer("/source/coupon")
                .filter(|c| c.is_object())
                .or_else(|| d.get("coupon").filter(|c| c.is_object()))
        })
        .filter_map(Coupon::from_stripe)
        .collect()
}

/// One recurring line: its amount per period, the period, its currency.
struct Line {
    amount: f64,
    months: f64,
    currency: Option<String>,
}

fn lines_of(sub: &Value) -> Option<Vec<Line>> {
    let items: Vec<&Value> = match sub.pointer("/items/data").and_then(Value::as_array) {
        Some(items) if !items.is_empty() => items.iter().collect(),
        // localstripe and old API versions: one plan on the subscription.
        _ => vec![sub],
    };
    let mut lines = Vec::new();
    for item in items {
        let quantity = item.get("quantity").and_then(Value::as_i64).unwrap_or(1);
        let (unit, interval, count, usage, currency) =
            match item.get("price").filter(|p| p.is_object()) {
                Some(p) => (
                    amount_of(p, "unit_amount_decimal", "unit_amount"),
                    p.pointer("/recurring/interval").and_then(Value::as_str),
                    p.pointer("/recurring/interval_count")
                        .and_then(Value::as_i64),
                    p.pointer("/recurring/usage_type").and_then(Value::as_str),
                    p.get("currency"),
                ),
                None => {
                    let p = item.get("plan").filter(|p| p.is_object())?;
                    (
                        amount_of(p, "amount_decimal", "amount"),
                        p.get("interval").and_then(Value::as_str),
                        p.get("interval_count").and_then(Value::as_i64),
                        p.get("usage_type").and_then(Value::as_str),
                        p.get("currency"),
                    )
                }
            };
        // Metered usage has no fixed amount: it is not recurring revenue.
        if usage == Some("metered") {
            continue;
        }
        lines.push(Line {
            amount: unit? * quantity.max(0) as f64,
            months: months_in(interval?, count.unwrap_or(1))?,
            currency: currency.and_then(Value::as_str).map(str::to_owned),
        });
    }
    Some(lines)
}

fn amount_of(p: &Value, decimal: &str, integer: &str) -> Option<f64> {
    p.get(decimal)
        .and_then(Value::as_str)
        .and_then(|d| d.parse().ok())
        .or_else(|| p.get(integer).and_then(Value::as_f64))
}

/// The subscription's MRR: every licensed item's price × quantity per
/// month, less its active discounts. `None` when a price has no fixed
/// amount (tiered) or the items disagree on the currency.
pub fn mrr_of(sub: &Value) -> Option<Mrr> {
    let lines = lines_of(sub)?;
    let currency = sub
        .get("currency")
        .and_then(Value::as_str)
        .map(str::to_owned)
        .or_else(|| lines.iter().find_map(|l| l.currency.clone()))?
        .to_lowercase();
    if lines.iter().any(|l| {
        l.currency
            .as_deref()
            .is_some_and(|c| !c.eq_ignore_ascii_case(&currency))
    }) {
        return None;
    }
    let gross: f64 = lines.iter().map(|l| l.amount / l.months).sum();
    let mut mrr = Mrr {
        amount: gross.round() as i64,
        currency,
    };
    let period = lines.first().map_or(1.0, |l| l.months);
    for coupon in coupons_of(sub) {
        mrr.amount -= coupon.monthly_reduction(&mrr, period);
    }
    Some(mrr)
}

/// Months of billing in `duration` `interval`s.
fn months_of(duration: u32, interval: Interval) -> f64 {
    let name = match interval {
        Interval::Day => "day",
        Interval::Week => "week",
        Interval::Month => "month",
        Interval::Year => "year",
    };
    months_in(name, i64::from(duration)).unwrap_or(0.0)
}

/// What an accepted offer gives away within the horizon, in `before`'s
/// currency: a 50% discount for 3 months costs 1.5 months of revenue. `None`
/// when it cannot be known (a redirect the merchant applies, a coupon not
/// found).
pub fn offer_cost(
    billing: &Billing,
    before: &Mrr,
    after: Option<&Mrr>,
    coupon: Option<&Coupon>,
    period_months: f64,
) -> Option<i64> {
    let horizon = HORIZON_MONTHS as f64;
    let cost = match billing {
        Billing::Discount { .. } => {
            let c = coupon?;
            c.monthly_reduction(before, period_months) as f64 * c.months(period_months)
        }
        Billing::Pause { duration, interval } | Billing::Extension { duration, interval } => {
            before.amount as f64 * months_of(*duration, *interval).min(horizon)
        }
        Billing::PlanChange { .. } => {
            let after = after.filter(|a| a.currency == before.currency)?;
            (before.amount - after.amount).max(0) as f64 * horizon
        }
        Billing::Redirect { .. } => return None,
    };
    Some(cost.round() as i64)
}

#[cfg(test)]
mod tests;
