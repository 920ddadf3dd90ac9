// The dashboard's SQL over the rollups, as text and values only, so that
// tests/rollups can run the very same queries on SQLite natively (it
// `include!`s this file). Plain Rust: no worker types here.

/// A value bound to a `?N` of the query.
#[derive(Debug, Clone, PartialEq)]
pub enum Bind {
    Text(String),
    Int(i64),
}

/// What a report sums over, besides its app and days.
#[derive(Debug, Clone, Copy)]
pub enum Sum {
    /// One row per key of the breakdowns.
    Groups,
    /// One row per day, outcome and currency.
    Series,
    /// One row: the sessions and repeats (and money) of the whole period,
    /// which may be NULL when nothing matched.
    Total,
}

/// Whether a report of `filter` can read the marginals: nothing narrows it.
pub fn unfiltered(filter: &holdfast_core::dashboard::Filter) -> bool {
    let f = holdfast_core::dashboard::Filter {
        repeats: false,
        ..filter.clone()
    };
    f == holdfast_core::dashboard::Filter::default()
}

/// Days a row of `rollup_blocks` sums (migration 0019 writes `day / 16`).
pub const BLOCK_DAYS: i64 = 16;

/// The unfiltered report's queries: the marginals, a few hundred rows a
/// day. Groups come one dimension a row (`dim`, `key`), from whole blocks
/// of [`BLOCK_DAYS`] and the days at either edge of them; the series reads
/// the `mode` dimension, whose rows hold every session once, day by day,
/// and the total sums that dimension the way the groups are read.
pub fn marginal_query(sum: Sum, app_id: &str, from_day: i64, to_day: i64) -> (String, Vec<Bind>) {
    match sum {
        Sum::Groups => {
            let dims: Vec<String> = holdfast_core::report::DIMS
                .iter()
                .map(|d| format!("'{d}'"))
                .collect();
            (
                format!(
                    "SELECT dim, key, outcome, currency, {TOTALS} FROM ({}) GROUP BY dim, key, outcome, currency",
                    blocked(&format!("dim IN ({})", dims.join(", ")))
                ),
                blocked_binds(app_id, from_day, to_day),
            )
        }
        // The `mode` rows hold every session once.
        Sum::Total => (
            format!("SELECT {TOTALS} FROM ({})", blocked("dim = 'mode'")),
            blocked_binds(app_id, from_day, to_day),
        ),
        // Rows as stored (a few per day and mode): the report adds up a
        // day's rows itself, and grouping them here cost a sort.
        Sum::Series => (
            "SELECT day, outcome, currency, sessions, repeats, mrr_saved, offer_cost, mrr_lost \
             FROM rollup_marginals WHERE app_id = ?1 AND dim = 'mode' AND day >= ?2 AND day < ?3"
                .to_owned(),
            vec![
                Bind::Text(app_id.to_owned()),
                Bind::Int(from_day),
                Bind::Int(to_day),
            ],
        ),
    }
}

/// The marginal rows of `dims` over the head days, the whole blocks and
/// the tail days of a period (binds: [`blocked_binds`]).
fn blocked(dims: &str) -> String {
    let arm = |table: &str, column: &str, lo: usize| {
        format!(
            "SELECT dim, key, outcome, currency, sessions, repeats, mrr_saved, offer_cost, mrr_lost \
             FROM {table} WHERE app_id = ?1 AND {dims} AND {column} >= ?{lo} AND {column} < ?{}",
            lo + 1
        )
    };
    format!(
        "{} UNION ALL {} UNION ALL {}",
        arm("rollup_marginals", "day", 2),
        arm("rollup_blocks", "block", 4),
        arm("rollup_marginals", "day", 6),
    )
}

fn blocked_binds(app_id: &str, from_day: i64, to_day: i64) -> Vec<Bind> {
    let (head, blocks, tail) = split_days(from_day, to_day);
    let mut binds = vec![Bind::Text(app_id.to_owned())];
    for (lo, hi) in [head, blocks, tail] {
        binds.extend([Bind::Int(lo), Bind::Int(hi)]);
    }
    binds
}

/// Days `[from, to)` as the days before the first whole block, the whole
/// blocks (by block number) and the days after them; empty ranges when
/// no whole block fits (then the head holds every day).
pub fn split_days(from: i64, to: i64) -> ((i64, i64), (i64, i64), (i64, i64)) {
    let first = from.div_euclid(BLOCK_DAYS) + i64::from(from.rem_euclid(BLOCK_DAYS) != 0);
    let last = to.div_euclid(BLOCK_DAYS);
    if first >= last {
        return ((from, to), (0, 0), (0, 0));
    }
    (
        (from, first * BLOCK_DAYS),
        (first, last),
        (last * BLOCK_DAYS, to),
    )
}

const TOTALS: &str =
    "SUM(sessions) AS sessions, SUM(repeats) AS repeats, SUM(mrr_saved) AS mrr_saved, \
     SUM(offer_cost) AS offer_cost, SUM(mrr_lost) AS mrr_lost";

/// The rollup query of an app's days `[from_day, to_day)` narrowed by
/// `filter` (which holds no text search: that reads sessions).
pub fn rollup_query(
    sum: Sum,
    app_id: &str,
    from_day: i64,
    to_day: i64,
    filter: &holdfast_core::dashboard::Filter,
) -> (String, Vec<Bind>) {
    let mut binds = vec![
        Bind::Text(app_id.to_owned()),
        Bind::Int(from_day),
        Bind::Int(to_day),
    ];
    let mut wheres = String::new();
    let mut eq = |column: &str, value: String| {
        binds.push(Bind::Text(value));
        wheres.push_str(&format!(" AND {column} = ?{}", binds.len()));
    };
    if let Some(o) = filter.outcome {
        eq("outcome", serde_plain(&o));
    }
    for (column, value) in [
        ("reason", &filter.reason),
        ("offer", &filter.offer),
        ("audience", &filter.audience),
        ("variant", &filter.variant),
        ("country", &filter.country),
    ] {
        if let Some(v) = value {
            eq(column, v.clone());
        }
    }
    if let Some(a) = filter.attribution {
        eq("attribution", a.as_str().to_owned());
    }
    if let Some(m) = filter.mode {
        eq("mode", m.as_str().to_owned());
    }
    let from = format!("FROM rollups WHERE app_id = ?1 AND day >= ?2 AND day < ?3{wheres}");
    let keys = match sum {
        Sum::Groups => "reason, offer, audience, variant, country, mode, outcome, currency",
        Sum::Series => "day, outcome, currency",
        Sum::Total => return (format!("SELECT {TOTALS} {from}"), binds),
    };
    (
        format!("SELECT {keys}, {TOTALS} {from} GROUP BY {keys}"),
        binds,
    )
}

/// The columns of a `SessionRecord`, from `sessions s`.
pub const RECORD: &str = "s.id, s.created_at, s.subscription_id, s.customer_id, s.status, s.reason_id, s.shown_offer_id, \
     s.offer_id, s.audience_id, s.experience_id, s.variant_id, s.attribution, s.attribution_reason, s.mrr, \
     s.mrr_currency AS currency, s.offer_cost, s.country, s.mode, s.channel, s.review, s.resolved_at";

/// The SQL condition that a session of `sessions s` has outcome `o` (as
/// `SessionRecord::outcome` decides).
fn outcome_sql(o: holdfast_core::record::Outcome) -> String {
    use holdfast_core::attribution::Verdict;
    use holdfast_core::record::Outcome;
    use holdfast_core::session::SessionStatus::*;
    let failed = Verdict::sql_list(&[Verdict::Lost, Verdict::NotSaved]);
    let saves = holdfast_core::session::SessionStatus::sql_list(&[OfferAccepted, OfferPending]);
    let kept = format!("(s.attribution IS NULL OR s.attribution NOT IN ({failed}))");
    match o {
        Outcome::Open => format!(
            "s.status NOT IN ({})",
            holdfast_core::session::SessionStatus::sql_list(&[
                Deflected,
                OfferAccepted,
                OfferPending,
                Cancelled,
                CancelPending
            ])
        ),
        Outcome::Lost => format!(
            "(s.status = {} OR s.status IN ({saves})) AND s.attribution IN ({failed})",
            Deflected.sql()
        ),
        Outcome::Deflect => format!("s.status = {} AND {kept}", Deflected.sql()),
        Outcome::Offer => format!("s.status IN ({saves}) AND {kept}"),
        Outcome::Cancel => format!(
            "s.status IN ({})",
            holdfast_core::session::SessionStatus::sql_list(&[Cancelled, CancelPending])
        ),
    }
}

/// The sessions of `[from, to)` matching `filter`, newest first (ties by
/// id), after `after`, at most `limit`: each a `RECORD` and `counted`.
/// Walks the (app, start, id) index; a text search looks its id up in
/// the id, subscription and customer indexes instead.
pub fn list_query(
    app_id: &str,
    from: i64,
    to: i64,
    filter: &holdfast_core::dashboard::Filter,
    after: Option<&holdfast_core::dashboard::Cursor>,
    limit: usize,
) -> (String, Vec<Bind>) {
    let mut binds = vec![
        Bind::Text(app_id.to_owned()),
        Bind::Int(from),
        Bind::Int(to),
    ];
    let mut wheres = String::new();
    let mut eq = |binds: &mut Vec<Bind>, expr: &str, value: String| {
        binds.push(Bind::Text(value));
        wheres.push_str(&format!(" AND {expr} = ?{}", binds.len()));
    };
    let variant = "CASE WHEN s.experience_id IS NOT NULL AND s.variant_id IS NOT NULL \
                   THEN s.experience_id || '/' || s.variant_id ELSE '' END";
    for (expr, value) in [
        ("COALESCE(s.reason_id, '')", &filter.reason),
        ("COALESCE(s.offer_id, s.shown_offer_id, '')", &filter.offer),
        ("COALESCE(s.audience_id, '')", &filter.audience),
        (variant, &filter.variant),
        ("COALESCE(s.country, '')", &filter.country),
    ] {
        if let Some(v) = value {
            eq(&mut binds, expr, v.clone());
        }
    }
    if let Some(a) = filter.attribution {
        eq(&mut binds, "s.attribution", a.as_str().to_owned());
    }
    if let Some(m) = filter.mode {
        eq(&mut binds, "s.mode", m.as_str().to_owned());
    }
    if let Some(q) = &filter.q {
        binds.push(Bind::Text(q.clone()));
        let n = binds.len();
        wheres.push_str(&format!(
            " AND s.rowid IN (SELECT rowid FROM sessions WHERE id = ?{n} \
             UNION ALL SELECT rowid FROM sessions WHERE subscription_id = ?{n} \
             UNION ALL SELECT rowid FROM sessions WHERE customer_id = ?{n})"
        ));
    }
    if let Some(o) = filter.outcome {
        wheres.push_str(&format!(" AND {}", outcome_sql(o)));
    }
    if !filter.repeats {
        wheres.push_str(" AND s.counted = 1");
    }
    if let Some(c) = after {
        binds.push(Bind::Int(c.created_at));
        binds.push(Bind::Text(c.id.clone()));
        let n = binds.len();
        wheres.push_str(&format!(" AND (s.created_at, s.id) < (?{}, ?{n})", n - 1));
    }
    binds.push(Bind::Int(i64::try_from(limit).unwrap_or(i64::MAX)));
    (
        format!(
            "SELECT {RECORD}, s.counted FROM sessions s \
             WHERE s.app_id = ?1 AND s.created_at >= ?2 AND s.created_at < ?3{wheres} \
             ORDER BY s.created_at DESC, s.id DESC LIMIT ?{}",
            binds.len()
        ),
        binds,
    )
}

/// The snake_case name serde gives a unit variant.
fn serde_plain<T: serde::Serialize>(v: &T) -> String {
    match serde_json::to_value(v) {
        Ok(serde_json::Value::String(s)) => s,
        _ => String::new(),
    }
}
