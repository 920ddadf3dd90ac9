//! Amounts as Stripe sends them, in a currency's minor units: most
//! currencies have two decimals, Stripe's zero-decimal currencies none (an
//! `amount` of 1200 JPY is ¥1,200, not ¥12.00) and its three-decimal ones
//! three. ISK is zero-decimal but Stripe still writes it with two.

const ZERO_DECIMAL: [&str; 16] = [
    "bif", "clp", "djf", "gnf", "jpy", "kmf", "krw", "mga", "pyg", "rwf", "ugx", "vnd", "vuv",
    "xaf", "xof", "xpf",
];
const THREE_DECIMAL: [&str; 5] = ["bhd", "jod", "kwd", "omr", "tnd"];

/// How many decimals a currency's minor units carry in Stripe's API.
pub fn decimals(currency: &str) -> u32 {
    let c = currency.trim().to_ascii_lowercase();
    if ZERO_DECIMAL.contains(&c.as_str()) {
        0
    } else if THREE_DECIMAL.contains(&c.as_str()) {
        3
    } else {
        2
    }
}

/// `minor` units as `11.25 USD`, `1200 JPY` or `1.250 KWD`.
pub fn format(minor: i64, currency: &str) -> String {
    let sign = if minor < 0 { "-" } else { "" };
    let abs = minor.unsigned_abs();
    let places = decimals(currency);
    let unit = 10u64.pow(places);
    let number = if places == 0 {
        abs.to_string()
    } else {
        format!(
            "{}.{:0width$}",
            abs / unit,
            abs % unit,
            width = places as usize
        )
    };
    format!("{sign}{number} {}", currency.trim().to_ascii_uppercase())
        .trim_end()
        .to_owned()
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    #[test]
    fn each_currency_shows_its_own_decimals() {
        assert_eq!(format(1125, "usd"), "11.25 USD");
        assert_eq!(
            format(1200, "jpy"),
            "1200 JPY",
            "zero-decimal: yen, not cents"
        );
        assert_eq!(format(15000, "KRW"), "15000 KRW");
        assert_eq!(format(1250, "kwd"), "1.250 KWD");
        assert_eq!(format(-5, "eur"), "-0.05 EUR");
        assert_eq!(
            format(100000, "isk"),
            "1000.00 ISK",
            "Stripe writes ISK with two"
        );
        assert_eq!(format(42, ""), "0.42");
    }

    proptest! {
        /// The digits shown are the minor units, with the decimal point
        /// where the currency puts it.
        #[test]
        fn the_digits_are_the_amount(minor in any::<i64>(), c in prop::sample::select(vec!["usd", "jpy", "kwd"])) {
            let shown = format(minor, c);
            let digits: String = shown.chars().filter(char::is_ascii_digit).collect();
            let expected = minor.unsigned_abs().to_string();
            prop_assert_eq!(digits.trim_start_matches('0'), expected.trim_start_matches('0'));
            let decimals_shown = shown.split(' ').next().and_then(|n| n.split_once('.')).map_or(0, |(_, d)| d.len());
            prop_assert_eq!(decimals_shown as u32, decimals(c));
        }
    }
}
