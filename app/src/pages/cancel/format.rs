//! Money and dates as the customer reads them.

use wasm_bindgen::JsValue;

/// Minor units with the currency code, e.g. `11.25 USD`.
pub fn money(minor: i64, currency: &str) -> String {
    let sign = if minor < 0 { "-" } else { "" };
    let abs = minor.unsigned_abs();
    format!(
        "{sign}{}.{:02} {}",
        abs / 100,
        abs % 100,
        currency.to_uppercase()
    )
    .trim_end()
    .to_owned()
}

/// A unix time as a date in the customer's locale.
pub fn date(secs: i64) -> String {
    let d = js_sys::Date::new(&JsValue::from_f64(secs as f64 * 1000.0));
    d.to_locale_date_string("default", &JsValue::UNDEFINED)
        .into()
}
