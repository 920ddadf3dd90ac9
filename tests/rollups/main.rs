//! The rollups the dashboard reads (kept by the triggers of
//! edge/migrations/0016 and 0019 and summed by edge/src/store/report_sql.rs) equal
//! `core::report` over the raw sessions, for random histories: sessions
//! with and without subscriptions, repeats within and beyond 60 days,
//! decisions and their undoing, late attribution verdicts, erasures, and
//! any filter the dashboard offers. Runs the real migrations on SQLite.

use holdfast_core::attribution::Verdict;
use holdfast_core::dashboard::{Cursor, Filter};
use holdfast_core::jurisdiction::Mode;
use holdfast_core::record::{counted, Outcome, SessionRecord};
use holdfast_core::report::{report_counted, Period};
use holdfast_core::rollup::{self, RollupRow};
use holdfast_core::session::SessionStatus;
use holdfast_core::settings::AppSettings;
use proptest::prelude::*;
use rusqlite::{params, Connection};

mod report_sql {
    include!("../../edge/src/store/report_sql.rs");
}
use report_sql::{
    list_query, marginal_query, rollup_query, split_days, unfiltered, Bind, Sum, BLOCK_DAYS,
};

const DAY: i64 = 86_400;

fn database() -> Connection {
    let db = Connection::open_in_memory().expect("an in-memory database");
    let dir = concat!(env!("CARGO_MANIFEST_DIR"), "/../edge/migrations");
    let mut files: Vec<_> = std::fs::read_dir(dir)
        .expect("edge/migrations")
        .map(|e| e.expect("a directory entry").path())
        .collect();
    files.sort();
    for f in files {
        let sql = std::fs::read_to_string(&f).expect("a migration");
        db.execute_batch(&sql)
            .unwrap_or_else(|e| panic!("{}: {e}", f.display()));
    }
    db.execute(
        "INSERT INTO apps (id, name, signing_secret, secret_key_digest, settings, created_at) \
         VALUES ('app', 'App', 's', 'd', '{}', 0)",
        [],
    )
    .expect("an app");
    db
}

#[derive(Debug, Clone)]
enum Step {
    /// A session `later` seconds after the previous one.
    Start {
        later: i64,
        sub: Option<u8>,
        keys: [u8; 6],
        priced: bool,
    },
    /// The n-th session (modulo their number) takes a status.
    Decide { n: usize, status: SessionStatus },
    /// Stripe's verdict on a subscription's saves arrives.
    Attribute { sub: u8, verdict: Verdict },
    /// One customer's data is erased.
    Erase { sub: u8 },
}

fn step() -> impl Strategy<Value = Step> {
    let later = prop_oneof![Just(0), 1..DAY, DAY..40 * DAY, 55 * DAY..65 * DAY];
    let status = prop::sample::select(SessionStatus::ALL.to_vec());
    let verdict = prop::sample::select(Verdict::ALL.to_vec());
    prop_oneof![
        4 => (later, prop::option::of(0u8..4), any::<[u8; 6]>(), any::<bool>())
            .prop_map(|(later, sub, keys, priced)| Step::Start { later, sub, keys, priced }),
        4 => (any::<usize>(), status).prop_map(|(n, status)| Step::Decide { n, status }),
        1 => (0u8..4, verdict).prop_map(|(sub, verdict)| Step::Attribute { sub, verdict }),
        1 => (0u8..4).prop_map(|sub| Step::Erase { sub }),
    ]
}

fn pick<'a>(options: &[&'a str], k: u8) -> Option<&'a str> {
    options.get(usize::from(k) % (options.len() + 1)).copied()
}

/// Plays the steps; returns each session's subscription as the counting
/// rule saw it when the session started (the database forgets erased ones).
fn play(db: &Connection, steps: &[Step]) -> Vec<Option<String>> {
    let (mut now, mut started, mut erased) = (10 * DAY, 0usize, 0);
    let mut subs: Vec<Option<String>> = Vec::new();
    for s in steps {
        match s {
            Step::Start {
                later,
                sub,
                keys,
                priced,
            } => {
                now += later;
                started += 1;
                subs.push(sub.map(|n| format!("sub_{n}")));
                let mode =
                    [Mode::Direct, Mode::ClickToCancel, Mode::Standard][usize::from(keys[5]) % 3];
                db.execute(
                    "INSERT INTO sessions (id, token_digest, app_id, subscription_id, stripe_lookup, reason_id, \
                     shown_offer_id, audience_id, experience_id, variant_id, country, mode, mrr, mrr_currency, \
                     offer_cost, created_at, expires_at, updated_at) \
                     VALUES (?1, ?1, 'app', ?2, 'found', ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11, ?12, ?13, ?13, ?13)",
                    params![
                        format!("ses_{started}"),
                        sub.map(|n| format!("sub_{n}")),
                        pick(&["price", "unused"], keys[0]),
                        pick(&["pause", "discount"], keys[1]),
                        pick(&["loyal"], keys[2]),
                        pick(&["exp"], keys[3]),
                        pick(&["a", "holdout"], keys[3] / 3),
                        pick(&["DE", "US"], keys[4]),
                        mode.as_str(),
                        priced.then_some(1000 + i64::from(keys[0])),
                        pick(&["usd", "EUR"], keys[1] / 3),
                        priced.then_some(500),
                        now,
                    ],
                )
                .expect("a session");
            }
            Step::Decide { n, status } if started > 0 => {
                let id = format!("ses_{}", n % started + 1);
                db.execute(
                    "UPDATE sessions SET status = ?2, offer_id = CASE WHEN ?2 LIKE 'offer%' THEN shown_offer_id END, \
                     updated_at = ?3 WHERE id = ?1",
                    params![id, status.as_str(), now],
                )
                .expect("a decision");
            }
            Step::Decide { .. } => {}
            Step::Attribute { sub, verdict } => {
                db.execute(
                    "UPDATE sessions SET attribution = ?2 WHERE subscription_id = ?1 \
                     AND status IN ('deflected', 'offer_accepted', 'offer_pending')",
                    params![format!("sub_{sub}"), verdict.as_str()],
                )
                .expect("a verdict");
            }
            Step::Erase { sub } => {
                // As the edge erases (store::lifecycle): the id becomes one
                // per run, tied to nothing. To the counting rule the erased
                // sessions stay one subscription, which a later session
                // of the old id never joins.
                erased += 1;
                let old = format!("sub_{sub}");
                db.execute(
                    "UPDATE sessions SET subscription_id = 'erased_' || ?2 || '_' || run_start, \
                     customer_id = NULL, personal = 0 WHERE subscription_id = ?1",
                    params![old, erased],
                )
                .expect("an erasure");
                for s in subs
                    .iter_mut()
                    .filter(|s| s.as_deref() == Some(old.as_str()))
                {
                    *s = Some(format!("erased_{erased}"));
                }
            }
        }
    }
    subs
}

/// The sessions oldest first (ties in insertion order), with their stored
/// `counted`.
fn sessions(db: &Connection) -> (Vec<SessionRecord>, Vec<bool>) {
    let mut q = db
        .prepare(
            "SELECT id, created_at, subscription_id, status, reason_id, shown_offer_id, offer_id, audience_id, \
             experience_id, variant_id, attribution, mrr, mrr_currency, offer_cost, country, mode, counted \
             FROM sessions ORDER BY created_at, rowid",
        )
        .expect("a query");
    let rows = q
        .query_map([], |r| {
            let text = |i: usize| r.get::<_, Option<String>>(i);
            let mode: String = r.get(15)?;
            Ok((
                SessionRecord {
                    id: r.get(0)?,
                    created_at: r.get(1)?,
                    subscription_id: text(2)?,
                    customer_id: None,
                    status: SessionStatus::parse(&r.get::<_, String>(3)?),
                    reason_id: text(4)?,
                    shown_offer_id: text(5)?,
                    offer_id: text(6)?,
                    audience_id: text(7)?,
                    experience_id: text(8)?,
                    variant_id: text(9)?,
                    attribution: text(10)?.and_then(|v| Verdict::from_name(&v)),
                    attribution_reason: None,
                    mrr: r.get(11)?,
                    currency: text(12)?,
                    offer_cost: r.get(13)?,
                    country: text(14)?,
                    mode: serde_json::from_value(serde_json::Value::String(mode))
                        .expect("a stored mode"),
                    channel: holdfast_core::record::Channel::Session,
                    review: None,
                    resolved_at: None,
                },
                r.get::<_, i64>(16)? == 1,
            ))
        })
        .expect("rows");
    rows.map(|r| r.expect("a row")).unzip()
}

fn sum(db: &Connection, which: Sum, p: Period, filter: &Filter) -> Vec<RollupRow> {
    let (sql, binds) = rollup_query(which, "app", p.from / DAY, p.to / DAY, filter);
    parsed(db, &sql, binds)
}

/// The same sums from the marginals (one dimension a row).
fn marginal(db: &Connection, which: Sum, p: Period) -> Vec<RollupRow> {
    let (sql, binds) = marginal_query(which, "app", p.from / DAY, p.to / DAY);
    parsed(db, &sql, binds)
}

/// The period's sessions and repeats as the session list counts them
/// (the marginals when nothing is filtered, as the edge's `sums` picks).
fn total(db: &Connection, p: Period, filter: &Filter) -> (i64, i64) {
    let (from, to) = (p.from / DAY, p.to / DAY);
    let (sql, binds) = if unfiltered(filter) {
        marginal_query(Sum::Total, "app", from, to)
    } else {
        rollup_query(Sum::Total, "app", from, to, filter)
    };
    let row = rows(db, &sql, binds).into_iter().next().unwrap_or_default();
    let n = |k: &str| row[k].as_i64().unwrap_or(0);
    (n("sessions"), n("repeats"))
}

fn parsed(db: &Connection, sql: &str, binds: Vec<Bind>) -> Vec<RollupRow> {
    rows(db, sql, binds)
        .into_iter()
        .map(|r| serde_json::from_value(r).expect("a rollup row"))
        .collect()
}

/// Each row of a query as a JSON object, as D1 gives them to the edge.
fn rows(db: &Connection, sql: &str, binds: Vec<Bind>) -> Vec<serde_json::Value> {
    let values: Vec<rusqlite::types::Value> = binds
        .into_iter()
        .map(|b| match b {
            Bind::Text(s) => s.into(),
            Bind::Int(n) => n.into(),
        })
        .collect();
    let mut q = db.prepare(sql).expect("the query");
    let names: Vec<String> = q.column_names().iter().map(|c| (*c).to_owned()).collect();
    let rows = q
        .query_map(rusqlite::params_from_iter(values), |r| {
            let mut row = serde_json::Map::new();
            for (i, name) in names.iter().enumerate() {
                let v = match r.get_ref(i)? {
                    rusqlite::types::ValueRef::Integer(n) => serde_json::json!(n),
                    rusqlite::types::ValueRef::Text(t) => {
                        serde_json::json!(String::from_utf8_lossy(t))
                    }
                    rusqlite::types::ValueRef::Real(x) => serde_json::json!(x),
                    _ => serde_json::Value::Null,
                };
                row.insert(name.clone(), v);
            }
            Ok(serde_json::Value::Object(row))
        })
        .expect("rows");
    rows.map(|r| r.expect("a row")).collect()
}

fn filter() -> impl Strategy<Value = Filter> {
    let outcome = prop::option::of(prop::sample::select(vec![
        Outcome::Open,
        Outcome::Offer,
        Outcome::Deflect,
        Outcome::Cancel,
        Outcome::Lost,
    ]));
    let text = |v: &'static [&'static str]| {
        prop::option::of(prop::sample::select(v).prop_map(str::to_owned))
    };
    (
        outcome,
        text(&["price", "", "unused"]),
        text(&["pause", ""]),
        text(&["DE", "US", ""]),
        prop::option::of(prop::sample::select(vec![Mode::Direct, Mode::Standard])),
        prop::option::of(prop::sample::select(Verdict::ALL.to_vec())),
    )
        .prop_map(
            |(outcome, reason, offer, country, mode, attribution)| Filter {
                outcome,
                reason,
                offer,
                country,
                mode,
                attribution,
                ..Filter::default()
            },
        )
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(96))]

    #[test]
    fn rollups_equal_the_report_over_raw_sessions(
        steps in prop::collection::vec(step(), 1..60),
        window in (0i64..200, 1i64..366),
        filter in prop::option::of(filter()),
        weekly in any::<bool>(),
    ) {
        let db = database();
        let subs = play(&db, &steps);
        let (records, stored) = sessions(&db);
        // The triggers keep each session's `counted` as core's rule says.
        let as_started: Vec<SessionRecord> = records
            .iter()
            .zip(subs)
            .map(|(r, sub)| SessionRecord { subscription_id: sub, ..r.clone() })
            .collect();
        prop_assert_eq!(&stored, &counted(&as_started));

        let filter = filter.unwrap_or_default();
        let p = Period {
            from: window.0 * DAY,
            to: (window.0 + window.1) * DAY,
            bucket_secs: if weekly { 7 * DAY } else { DAY },
        };
        let (kept, flags): (Vec<SessionRecord>, Vec<bool>) = records
            .into_iter()
            .zip(stored)
            .filter(|(r, _)| filter.matches(r, true))
            .unzip();
        let settings = AppSettings::default();
        let raw = report_counted(&kept, &flags, &settings, p);
        let rolled = rollup::report(
            &sum(&db, Sum::Groups, p, &filter),
            &sum(&db, Sum::Series, p, &filter),
            &settings,
            p,
        );
        prop_assert_eq!(&rolled, &raw);
        let (sessions, repeats) = total(&db, p, &filter);
        prop_assert_eq!(
            (u64::try_from(sessions).ok(), u64::try_from(repeats).ok()),
            (Some(raw.total.sessions), Some(raw.repeats)),
            "the list's count says the same"
        );
        if unfiltered(&filter) {
            let by_dim = rollup::report(
                &marginal(&db, Sum::Groups, p),
                &marginal(&db, Sum::Series, p),
                &settings,
                p,
            );
            prop_assert_eq!(&by_dim, &raw, "the marginals say the same");
        }
    }
}

proptest! {
    /// The edge days and whole blocks of a period cover each of its days
    /// exactly once, and only its days.
    #[test]
    fn a_period_splits_into_its_days_once(from in -100i64..2_000, len in -5i64..800) {
        let to = from + len;
        let (head, blocks, tail) = split_days(from, to);
        let mut days: Vec<i64> = (head.0..head.1).collect();
        days.extend((blocks.0 * BLOCK_DAYS..blocks.1 * BLOCK_DAYS).filter(|_| blocks.0 < blocks.1));
        days.extend(tail.0..tail.1);
        prop_assert_eq!(days, (from..to).collect::<Vec<_>>());
        prop_assert!(head.1 - head.0 < BLOCK_DAYS || blocks.0 >= blocks.1);
        prop_assert!(tail.1 - tail.0 < BLOCK_DAYS);
    }
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(64))]

    /// Paging by keyset walks exactly the matching sessions, newest first,
    /// and the rollups' total says how many there are.
    #[test]
    fn the_list_pages_through_every_match_once(
        steps in prop::collection::vec(step(), 1..50),
        filter in prop::option::of(filter()),
        q in prop::option::of(0usize..30),
        repeats in any::<bool>(),
        limit in 1usize..7,
    ) {
        let db = database();
        play(&db, &steps);
        let (records, stored) = sessions(&db);
        let mut filter = filter.unwrap_or_default();
        filter.repeats = repeats;
        filter.q = q.map(|n| match n % 3 {
            0 => format!("ses_{n}"),
            1 => format!("sub_{}", n % 4),
            _ => "ses".to_owned(),
        });
        let (from, to) = (0, 1_000 * DAY);
        let mut want: Vec<&SessionRecord> = records
            .iter()
            .zip(&stored)
            .filter(|(r, c)| filter.matches(r, **c))
            .map(|(r, _)| r)
            .collect();
        want.sort_by(|a, b| (b.created_at, &b.id).cmp(&(a.created_at, &a.id)));

        let mut got: Vec<SessionRecord> = Vec::new();
        let mut after: Option<Cursor> = None;
        for _ in 0..=want.len() {
            let (sql, binds) = list_query("app", from, to, &filter, after.as_ref(), limit);
            let page: Vec<SessionRecord> = rows(&db, &sql, binds)
                .into_iter()
                .map(|r| serde_json::from_value(r).expect("a session row"))
                .collect();
            after = page.last().map(Cursor::of);
            let short = page.len() < limit;
            got.extend(page);
            if short {
                break;
            }
        }
        let ids = |v: &[&SessionRecord]| v.iter().map(|r| r.id.clone()).collect::<Vec<_>>();
        prop_assert_eq!(ids(&got.iter().collect::<Vec<_>>()), ids(&want));

        if filter.q.is_none() {
            let p = Period { from, to, bucket_secs: DAY };
            let total: i64 = sum(&db, Sum::Groups, p, &filter)
                .iter()
                .map(|g| g.sessions + if repeats { g.repeats } else { 0 })
                .sum();
            prop_assert_eq!(usize::try_from(total).ok(), Some(want.len()));
            let (sessions, more) = self::total(&db, p, &filter);
            let counted = sessions + if repeats { more } else { 0 };
            prop_assert_eq!(usize::try_from(counted).ok(), Some(want.len()));
        }
    }
}

/// An erasure changes no total: the runs keep their shape.
#[test]
fn an_erasure_leaves_every_rollup_as_it_was() {
    let db = database();
    let steps = [
        Step::Start {
            later: 0,
            sub: Some(1),
            keys: [1; 6],
            priced: true,
        },
        Step::Decide {
            n: 0,
            status: SessionStatus::Cancelled,
        },
        Step::Start {
            later: DAY,
            sub: Some(1),
            keys: [2; 6],
            priced: true,
        },
        Step::Decide {
            n: 1,
            status: SessionStatus::Deflected,
        },
    ];
    play(&db, &steps);
    let all = |db: &Connection| -> Vec<(String, i64, i64)> {
        let mut q = db
            .prepare("SELECT outcome, sessions, repeats FROM rollups ORDER BY 1, 2, 3")
            .expect("a query");
        let rows = q
            .query_map([], |r| Ok((r.get(0)?, r.get(1)?, r.get(2)?)))
            .expect("rows");
        rows.map(|r| r.expect("a row")).collect()
    };
    let before = all(&db);
    assert!(
        before.iter().any(|(o, s, _)| o == "deflect" && *s == 1),
        "{before:?}"
    );
    assert!(
        before.iter().any(|(o, _, r)| o == "cancel" && *r == 1),
        "{before:?}"
    );
    play(&db, &[Step::Erase { sub: 1 }]);
    assert_eq!(all(&db), before);
}
