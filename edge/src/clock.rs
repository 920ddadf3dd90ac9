//! The Worker's clock: every "now" the edge reads comes from here.

/// Unix seconds, from the runtime's clock (frozen within a request by
/// workerd's Spectre mitigation, advancing across I/O).
pub fn now_secs() -> i64 {
    (js_sys::Date::now() / 1000.0) as i64
}
