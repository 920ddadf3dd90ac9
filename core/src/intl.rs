//! Dates and money in the customer's locale and time zone, by the
//! JavaScript engine's `Intl` (the browser's on the cancel page, workerd's
//! in the Worker), so no locale data ships in the wasm. Natively (tests)
//! plain ISO dates and `core::money` stand in.
//!
//! An unknown time zone or currency never throws: the call falls back to
//! UTC, or to `money::format`.

/// `minor` units of `currency` as the locale writes money (`1.234,50 €`,
/// `￥1,200`), with Stripe's decimals for the currency.
pub fn money(minor: i64, currency: &str, locale: &str) -> String {
    imp::money(minor, currency, locale).unwrap_or_else(|| crate::money::format(minor, currency))
}

/// A date, long form (`30. Dezember 2026`).
pub fn date(secs: i64, locale: &str, time_zone: Option<&str>) -> String {
    imp::format(secs, locale, time_zone, false)
}

/// Date and time with the zone's name (`30.12.2026, 14:05 MEZ`).
pub fn date_time(secs: i64, locale: &str, time_zone: Option<&str>) -> String {
    imp::format(secs, locale, time_zone, true)
}

#[cfg(target_family = "wasm")]
mod imp {
    use js_sys::{Array, Date, Function, Number, Object, Reflect};
    use wasm_bindgen::{JsCast, JsValue};

    fn options(pairs: &[(&str, JsValue)]) -> Object {
        let o = Object::new();
        for (k, v) in pairs {
            let _ = Reflect::set(&o, &(*k).into(), v);
        }
        o
    }

    /// `target[method](locale, options)`, with any exception caught. The
    /// method is read from the prototype: `Reflect.get` refuses a primitive
    /// number as its target.
    fn call(target: &JsValue, method: &str, locale: &str, opts: &Object) -> Option<String> {
        let proto = Object::get_prototype_of(target);
        let f: Function = Reflect::get(&proto, &method.into()).ok()?.dyn_into().ok()?;
        Reflect::apply(&f, target, &Array::of2(&locale.into(), opts))
            .ok()?
            .as_string()
    }

    pub fn money(minor: i64, currency: &str, locale: &str) -> Option<String> {
        let places = crate::money::decimals(currency);
        let value = minor as f64 / 10f64.powi(places as i32);
        let opts = options(&[
            ("style", "currency".into()),
            ("currency", currency.to_ascii_uppercase().into()),
            ("minimumFractionDigits", places.into()),
            ("maximumFractionDigits", places.into()),
        ]);
        call(&Number::from(value).into(), "toLocaleString", locale, &opts)
    }

    pub fn format(secs: i64, locale: &str, time_zone: Option<&str>, with_time: bool) -> String {
        let d: JsValue = Date::new(&JsValue::from_f64(secs as f64 * 1000.0)).into();
        let attempt = |tz: Option<&str>| {
            let mut pairs = vec![("dateStyle", JsValue::from("long"))];
            if with_time {
                pairs.push(("timeStyle", "long".into()));
            }
            if let Some(tz) = tz {
                pairs.push(("timeZone", tz.into()));
            }
            call(&d, "toLocaleString", locale, &options(&pairs))
        };
        attempt(time_zone)
            .or_else(|| attempt(Some("UTC")))
            .unwrap_or_default()
    }
}

#[cfg(not(target_family = "wasm"))]
mod imp {
    pub fn money(_minor: i64, _currency: &str, _locale: &str) -> Option<String> {
        None
    }

    pub fn format(secs: i64, _locale: &str, _time_zone: Option<&str>, with_time: bool) -> String {
        let Ok(t) = time::OffsetDateTime::from_unix_timestamp(secs) else {
            return String::new();
        };
        let date = format!("{}-{:02}-{:02}", t.year(), u8::from(t.month()), t.day());
        if with_time {
            format!("{date} {:02}:{:02} UTC", t.hour(), t.minute())
        } else {
            date
        }
    }
}
