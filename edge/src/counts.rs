//! Per-invocation counts of D1 round trips and subrequests, for the tests
//! that hold the edge to the Workers Free limits (50 of each) and the
//! budgets (precancel: one Stripe call, at most three D1 round trips).
//! Exposed as `x-holdfast-counts` only where `HOLDFAST_TEST_HOOKS` is `1`.
//! An isolate runs one invocation at a time in the tests that read them
//! (they hold the stack alone); concurrent invocations would share them.

use std::cell::Cell;

thread_local! {
    static PREPARED: Cell<usize> = const { Cell::new(0) };
    static BATCHED: Cell<usize> = const { Cell::new(0) };
    static BATCHES: Cell<usize> = const { Cell::new(0) };
    static SUBREQUESTS: Cell<usize> = const { Cell::new(0) };
}

fn add(c: &'static std::thread::LocalKey<Cell<usize>>, n: usize) {
    c.with(|x| x.set(x.get() + n));
}

pub fn prepared(n: usize) {
    add(&PREPARED, n);
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
