//! Per-invocation counts of D1 round trips and subrequests, for the tests
//! that hold the edge to the Workers Free limits (50 of each) and the
//! budgets (precancel: one Stripe call, one D1 round trip once its app is
//! known).
//! Exposed as `x-holdfast-counts` only where `HOLDFAST_TEST_HOOKS` is `1`.
//! An isolate runs one invocation at a time in the tests that read them
//! (they hold the stack alone); concurrent invocations would share them.

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

pub fn reset() {
    for c in [&PREPARED, &BATCHED, &BATCHES, &SUBREQUESTS] {
        c.with(|x| x.set(0));
    }
}

/// D1 round trips (a statement run alone, or a batch) and subrequests so
/// far.
pub fn summary() -> String {
    let get = |c: &'static std::thread::LocalKey<Cell<usize>>| c.with(Cell::get);
    let round_trips = get(&PREPARED).saturating_sub(get(&BATCHED)) + get(&BATCHES);
    format!("d1={round_trips}, subrequests={}", get(&SUBREQUESTS))
}
