//! Per-invocation counts of D1 round trips and subrequests, for the tests
//! that hold the edge to the Workers Free limits (50 of each) and the
//! budgets (precancel: one Stripe call, one D1 round trip once its app is
//! known).
//! Exposed as `x-holdfast-counts` only where `HOLDFAST_TEST_HOOKS` is `1`.
//! An isolate runs one invocation at a time in the tests that read them
//! (they hold the stack alone); concurrent invocations would share them, so
//! a queue consumer's counts are kept only when no other invocation began
//! while it ran.

use std::cell::{Cell, RefCell};
use std::collections::BTreeSet;

thread_local! {
    /// Every distinct SQL text prepared since the isolate started, kept
    /// only on the test stack, for the query-plan test (`/api/dev/sql`).
    static SQL: RefCell<BTreeSet<String>> = const { RefCell::new(BTreeSet::new()) };
    static LOG_SQL: Cell<bool> = const { Cell::new(false) };
    static PREPARED: Cell<usize> = const { Cell::new(0) };
    static BATCHED: Cell<usize> = const { Cell::new(0) };
    static BATCHES: Cell<usize> = const { Cell::new(0) };
    static SUBREQUESTS: Cell<usize> = const { Cell::new(0) };
    /// How many times the counts were reset: an invocation's own counts
    /// are exact only if this did not move while it ran.
    static STARTS: Cell<usize> = const { Cell::new(0) };
    /// The consumer invocations' counts (test stack only, the latest 64).
    static CONSUMED: RefCell<Vec<Consumed>> = const { RefCell::new(Vec::new()) };
}

/// One queue consumer invocation: its batch's size and what it used.
#[derive(Clone, serde::Serialize)]
pub struct Consumed {
    pub messages: usize,
    pub d1: usize,
    pub subrequests: usize,
}

fn add(c: &'static std::thread::LocalKey<Cell<usize>>, n: usize) {
    c.with(|x| x.set(x.get() + n));
}

pub fn prepared(sql: &str) {
    add(&PREPARED, 1);
    if LOG_SQL.with(Cell::get) {
        SQL.with(|s| s.borrow_mut().insert(sql.to_owned()));
    }
}

/// Keeps the SQL texts from now on (`HOLDFAST_TEST_HOOKS=1` only).
pub fn log_sql(on: bool) {
    LOG_SQL.with(|x| x.set(on));
}

/// The SQL texts kept so far.
pub fn sql_seen() -> Vec<String> {
    SQL.with(|s| s.borrow().iter().cloned().collect())
}

pub fn batch(statements: usize) {
    add(&BATCHED, statements);
    add(&BATCHES, 1);
}

pub fn subrequest() {
    add(&SUBREQUESTS, 1);
}

/// Starts an invocation's counts; its mark for [`consumed`].
pub fn reset() -> usize {
    for c in [&PREPARED, &BATCHED, &BATCHES, &SUBREQUESTS] {
        c.with(|x| x.set(0));
    }
    add(&STARTS, 1);
    STARTS.with(Cell::get)
}

fn round_trips() -> usize {
    let get = |c: &'static std::thread::LocalKey<Cell<usize>>| c.with(Cell::get);
    get(&PREPARED).saturating_sub(get(&BATCHED)) + get(&BATCHES)
}

/// Keeps a consumer invocation's counts, begun at `mark`, when nothing
/// else began meanwhile.
pub fn consumed(mark: usize, messages: usize) {
    if STARTS.with(Cell::get) != mark {
        return;
    }
    let run = Consumed {
        messages,
        d1: round_trips(),
        subrequests: SUBREQUESTS.with(Cell::get),
    };
    CONSUMED.with(|c| {
        let mut runs = c.borrow_mut();
        if runs.len() >= 64 {
            runs.remove(0);
        }
        runs.push(run);
    });
}

/// The consumer invocations kept so far.
pub fn consumer_runs() -> Vec<Consumed> {
    CONSUMED.with(|c| c.borrow().clone())
}

/// D1 round trips (a statement run alone, or a batch) and subrequests so
/// far.
pub fn summary() -> String {
    format!(
        "d1={}, subrequests={}",
        round_trips(),
        SUBREQUESTS.with(Cell::get)
    )
}
