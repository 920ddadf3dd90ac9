//! What precancel keeps in the isolate's memory between requests, so that a
//! customer's precancel costs one D1 round trip: the apps it has read, and
//! the limits D1 has refused in the current minute.
//!
//! Neither is ever the last word. A remembered app is checked against its
//! revision in the batch that writes the session (`admission::write`), and
//! any refusal it leads to is decided again on a fresh read; a remembered
//! refusal only spares Stripe a call D1 would refuse anyway. Each isolate
//! keeps its own, so on Cloudflare they differ between isolates and D1
//! stays the authority.

use std::cell::RefCell;
use std::collections::HashMap;
use std::rc::Rc;

use crate::store::apps::App;

/// More apps than one Holdfast serves in practice; past it, all are read again.
const MAX_APPS: usize = 256;
/// Refused keys kept at once; past it, the older minutes are let go.
const MAX_REFUSED: usize = 10_000;

thread_local! {
    static APPS: RefCell<HashMap<String, Rc<App>>> = RefCell::new(HashMap::new());
    /// A limit key and the minute D1 refused it in.
    static REFUSED: RefCell<HashMap<String, i64>> = RefCell::new(HashMap::new());
}

pub fn app(id: &str) -> Option<Rc<App>> {
    APPS.with(|a| a.borrow().get(id).cloned())
}

pub fn keep(app: Rc<App>) {
    APPS.with(|a| {
        let mut apps = a.borrow_mut();
        if apps.len() >= MAX_APPS {
            apps.clear();
        }
        apps.insert(app.id.clone(), app);
    });
}

pub fn forget(id: &str) {
    APPS.with(|a| a.borrow_mut().remove(id));
}

/// Whether D1 refused `key` in `minute`.
pub fn refused(key: &str, minute: i64) -> bool {
    REFUSED.with(|r| r.borrow().get(key) == Some(&minute))
}

pub fn refuse(key: &str, minute: i64) {
    REFUSED.with(|r| {
        let mut refused = r.borrow_mut();
        if refused.len() >= MAX_REFUSED {
            refused.retain(|_, m| *m >= minute);
            if refused.len() >= MAX_REFUSED {
                refused.clear();
            }
        }
        refused.insert(key.to_owned(), minute);
    });
}
