//! Money and dates as people read them, on the cancel page and in the
//! dashboard.

use wasm_bindgen::JsValue;

/// Minor units with the currency code, e.g. `11.25 USD` or `1200 JPY`
/// (see `holdfast_core::money` for each currency's decimals).
pub fn money(minor: i64, currency: &str) -> String {
    holdfast_core::money::format(minor, currency)
}

/// A unix time as a date in the reader's locale.
pub fn date(secs: i64) -> String {
    let d = js_sys::Date::new(&JsValue::from_f64(secs as f64 * 1000.0));
    d.to_locale_date_string("default", &JsValue::UNDEFINED)
        .into()
}

/// A unix time as date and time in the reader's locale.
pub fn date_time(secs: i64) -> String {
    let d = js_sys::Date::new(&JsValue::from_f64(secs as f64 * 1000.0));
    d.to_locale_string("default", &JsValue::UNDEFINED).into()
}

/// A share as a percentage with one decimal, e.g. `62.5%`.
pub fn percent(share: f64) -> String {
    format!("{:.1}%", share * 100.0)
}
