//! The dashboard's API: its query (period and filters, validated here),
//! the session list, a session's audit trail, the Revenue card, and the
//! CSV export's rows.

use serde::{Deserialize, Serialize};
use serde_json::Value;

use crate::dates::iso_time;
use crate::record::{Outcome, SessionRecord};
use crate::report::Period;
use crate::validation::FieldIssue;

const DAY: i64 = 86_400;
/// The longest period one request may cover.
pub const MAX_PERIOD_DAYS: i64 = 366;
pub const MAX_PAGE: usize = 200;

/// Which sessions a list, a report or an export covers.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct Filter {
    pub outcome: Option<Outcome>,
    pub reason: Option<String>,
    pub offer: Option<String>,
    pub audience: Option<String>,
    /// `experience/variant`
    pub variant: Option<String>,
    pub attribution: Option<crate::attribution::Verdict>,
    /// ISO country code.
    pub country: Option<String>,
    pub mode: Option<crate::jurisdiction::Mode>,
    /// A session, subscription or customer id, whole.
    pub q: Option<String>,
    /// Repeats too, not only the sessions that count.
    pub repeats: bool,
}

impl Filter {
    pub fn matches(&self, r: &SessionRecord, counted: bool) -> bool {
        let is = |want: &Option<String>, have: Option<&String>| {
            want.as_ref()
                .is_none_or(|w| have.map(String::as_str).unwrap_or("") == w)
        };
        let variant = r
            .experience_id
            .as_ref()
            .zip(r.variant_id.as_ref())
            .map(|(e, v)| format!("{e}/{v}"));
        let offer = r.offer_id.as_ref().or(r.shown_offer_id.as_ref());
        let found = self.q.as_ref().is_none_or(|q| {
            [
                Some(&r.id),
                r.subscription_id.as_ref(),
                r.customer_id.as_ref(),
            ]
            .into_iter()
            .flatten()
            .any(|s| s == q)
        });
        (counted || self.repeats)
            && self.outcome.is_none_or(|o| r.outcome() == o)
            && is(&self.reason, r.reason_id.as_ref())
            && is(&self.offer, offer)
            && is(&self.audience, r.audience_id.as_ref())
            && is(&self.variant, variant.as_ref())
            && self.attribution.is_none_or(|a| r.attribution == Some(a))
            && is(&self.country, r.country.as_ref())
            && self.mode.is_none_or(|m| r.mode == m)
            && found
    }
}

/// A parsed dashboard query.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Query {
    pub period: Period,
    pub filter: Filter,
    /// The list continues after this row (newest first).
    pub after: Option<Cursor>,
    pub limit: usize,
}

/// A place in the session list: its last row's start and id, as
/// `created_at.id` in `next` and `after`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Cursor {
    pub created_at: i64,
    pub id: String,
}

impl Cursor {
    pub fn of(r: &SessionRecord) -> Cursor {
        Cursor {
            created_at: r.created_at,
            id: r.id.clone(),
        }
    }

    pub fn parse(s: &str) -> Option<Cursor> {
        let (at, id) = s.split_once('.')?;
        let ok = !id.is_empty()
            && id.len() <= 64
            && id.bytes().all(|b| b.is_ascii_alphanumeric() || b == b'_');
        Some(Cursor {
            created_at: at.parse().ok()?,
            id: id.to_owned(),
        })
        .filter(|_| ok)
    }
}

impl std::fmt::Display for Cursor {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "{}.{}", self.created_at, self.id)
    }
}

/// Reads `from`, `to` (unix seconds; the last 30 days by default),
/// `bucket` (day | week), the filters, `after` (a list's `next`) and `limit`. Unknown
/// parameters are refused, so a typo never silently widens a report.
pub fn parse_query(pairs: &[(String, String)], now: i64) -> Result<Query, Vec<FieldIssue>> {
    let mut issues = Vec::new();
    let mut bad = |field: &str, message: &str| {
        issues.push(FieldIssue {
            field: field.to_owned(),
            message: message.to_owned(),
        })
    };
    let (mut from, mut to, mut bucket) = (None, None, DAY);
    let (mut filter, mut after, mut limit) = (Filter::default(), None, 50);
    let text = |v: &str| (!v.is_empty()).then(|| v.chars().take(200).collect::<String>());
    for (k, v) in pairs {
        match k.as_str() {
            "from" | "to" => match v.parse::<i64>() {
                Ok(t) if (0..=253_402_300_799).contains(&t) => {
                    *(if k == "from" { &mut from } else { &mut to }) = Some(t)
                }
                _ => bad(k, "must be a time in unix seconds"),
            },
            "bucket" => match v.as_str() {
                "day" => bucket = DAY,
                "week" => bucket = 7 * DAY,
                _ => bad(k, "must be day or week"),
            },
            "outcome" if v.is_empty() => {}
            "outcome" => match serde_json::from_value(Value::String(v.clone())) {
                Ok(o) => filter.outcome = Some(o),
                Err(_) => bad(k, "must be open, offer, deflect, cancel or lost"),
            },
            "reason" => filter.reason = text(v),
            "offer" => filter.offer = text(v),
            "audience" => filter.audience = text(v),
            "variant" => filter.variant = text(v),
            "attribution" if v.is_empty() => {}
            "attribution" => match crate::names::Named::from_name(v) {
                Some(a) => filter.attribution = Some(a),
                None => bad(k, "must be confirmed, not_saved, unknown, saved or lost"),
            },
            "q" => filter.q = text(v.trim()),
            "country" => filter.country = text(&v.to_ascii_uppercase()),
            "mode" if v.is_empty() => {}
            "mode" => match serde_json::from_value(Value::String(v.clone())) {
                Ok(m) => filter.mode = Some(m),
                Err(_) => bad(k, "must be direct, click_to_cancel or standard"),
            },
            "repeats" => match v.as_str() {
                "true" | "1" => filter.repeats = true,
                "false" | "0" | "" => filter.repeats = false,
                _ => bad(k, "must be true or false"),
            },
            "after" if v.is_empty() => {}
            "after" => match Cursor::parse(v) {
                Some(c) => after = Some(c),
                None => bad(k, "must be the next of a previous page"),
            },
            "limit" => match v.parse::<usize>() {
                Ok(n) if (1..=MAX_PAGE).contains(&n) => limit = n,
                _ => bad(k, "must be between 1 and 200"),
            },
            _ => bad(k, "is not a parameter of this report"),
        }
    }
    // The period excludes its end: by default it ends just after `now`, so
    // a session started this second is in it. Reports count whole UTC days
    // (the rollups' grain), so the period widens to them once checked.
    let to = to.unwrap_or(now + 1);
    let from = from.unwrap_or(to - 30 * DAY);
    if from >= to {
        bad("from", "must be before to");
    } else if to - from > MAX_PERIOD_DAYS * DAY {
        bad("from", "the period may be at most 366 days");
    }
    if !issues.is_empty() {
        return Err(issues);
    }
    Ok(Query {
        period: Period {
            from,
            to,
            bucket_secs: bucket,
        }
        .whole_days(),
        filter,
        after,
        limit,
    })
}

/// One row of the session list.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct ListedSession {
    #[serde(flatten)]
    pub record: SessionRecord,
    pub outcome: Outcome,
    /// False for a repeat of a counted session (see `record::counted`).
    pub counted: bool,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct SessionList {
    pub sessions: Vec<ListedSession>,
    /// Matches in all, beyond this page too.
    pub total: usize,
    /// `after` of the next page, when there is one.
    #[serde(default)]
    pub next: Option<String>,
}

/// One step of a session's audit trail.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct TrailEvent {
    pub kind: crate::audit::EventKind,
    pub detail: Value,
    pub at: i64,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct SessionDetail {
    pub app_id: String,
    #[serde(flatten)]
    pub record: SessionRecord,
    pub outcome: Outcome,
    pub comment: Option<String>,
    pub stripe_lookup: crate::session::Lookup,
    pub fields: Value,
    pub events: Vec<TrailEvent>,
}

/// The seed's Revenue card: when Holdfast last heard from Stripe, and how
/// many sessions it matched to a Stripe customer.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct RevenueCard {
    pub attribution: bool,
    pub last_sync: Option<i64>,
    pub last_webhook: Option<i64>,
    pub last_watch: Option<i64>,
    pub sessions: i64,
    pub matched: i64,
    /// Saves still on the watch list.
    pub watching: i64,
}

pub const CSV_HEADER: [&str; 23] = [
    "session_id",
    "created_at",
    "subscription_id",
    "customer_id",
    "status",
    "outcome",
    "counted",
    "reason",
    "offer_shown",
    "offer_accepted",
    "audience",
    "experience",
    "variant",
    "attribution",
    "attribution_reason",
    "currency",
    "mrr",
    "offer_cost",
    "country",
    "mode",
    "channel",
    "review",
    "resolved_after_seconds",
];

/// A session as a CSV row. Cells a spreadsheet would run as a formula are
/// prefixed with `'` (customers choose some of these values).
pub fn csv_row(s: &ListedSession) -> Vec<String> {
    let r = &s.record;
    let opt = |v: &Option<String>| v.clone().unwrap_or_default();
    let num = |v: Option<i64>| v.map(|n| n.to_string()).unwrap_or_default();
    let outcome = serde_json::to_value(s.outcome)
        .ok()
        .and_then(|v| v.as_str().map(str::to_owned))
        .unwrap_or_default();
    [
        r.id.clone(),
        iso_time(r.created_at),
        opt(&r.subscription_id),
        opt(&r.customer_id),
        r.status.as_str().to_owned(),
        outcome,
        s.counted.to_string(),
        opt(&r.reason_id),
        opt(&r.shown_offer_id),
        opt(&r.offer_id),
        opt(&r.audience_id),
        opt(&r.experience_id),
        opt(&r.variant_id),
        opt(&r.attribution.map(|a| a.as_str().to_owned())),
        opt(&r.attribution_reason.map(|a| a.as_str().to_owned())),
        opt(&r.currency),
        num(r.mrr),
        num(r.offer_cost),
        opt(&r.country),
        r.mode.as_str().to_owned(),
        r.channel.as_str().to_owned(),
        opt(&r.review.map(|v| v.as_str().to_owned())),
        // From receipt to resolution: how long a declaration waited.
        num(r.resolved_at.map(|at| at - r.created_at)),
    ]
    .into_iter()
    .map(defuse)
    .collect()
}

fn defuse(cell: String) -> String {
    if cell.starts_with(['=', '+', '-', '@', '\t', '\r']) {
        format!("'{cell}")
    } else {
        cell
    }
}

#[cfg(test)]
mod tests;
