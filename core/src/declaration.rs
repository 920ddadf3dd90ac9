//! A cancellation declared on an app's public page (§312k BGB: "Verträge
//! hier kündigen"): no sign-in and nothing before the form, which asks only
//! what the law allows. `parse` checks the form field by field, in the
//! visitor's language; the edge stores what it returns and sends the fixed
//! receipt text to the typed address.

use serde::{Deserialize, Serialize};

use crate::i18n::{Key, Text};
use crate::input::EmailAddress;
use crate::receipt::CancelKind;
use crate::validation::FieldIssue;

pub const MAX_NAME_CHARS: usize = 200;
pub const MAX_REASON_CHARS: usize = 2000;
pub const MAX_NUMBER_CHARS: usize = 100;
/// The form's one-time key: a double click or a reload posts it again and
/// finds the declaration it made.
const NONCE_CHARS: std::ops::RangeInclusive<usize> = 16..=64;
/// How far ahead an ordinary cancellation's chosen date may lie.
const MAX_DAYS_AHEAD: i64 = 3 * 366;

crate::names::named! {
    /// Where a public declaration stands in the review list.
    pub enum Review {
        /// Waits for someone to find the contract in Stripe.
        Open = "open",
        /// A reviewer found its subscription, which was cancelled.
        Resolved = "resolved",
        /// Matched in Stripe as it was made, and cancelled at once.
        Matched = "matched",
        /// No contract was found; the customer was told.
        NotMatched = "not_matched",
    }
    else Unknown = "unknown"
}

/// A product the public page lists, as the owner chose it from Stripe.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct PublicProduct {
    /// Stripe's product id.
    pub id: String,
    /// What the visitor reads.
    pub name: String,
}

/// One declaration as the visitor made it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Declaration {
    pub nonce: String,
    pub name: String,
    pub email: EmailAddress,
    /// A customer or contract number, if the visitor has one at hand.
    pub number: Option<String>,
    /// One of the page's products, if the visitor picked one.
    pub product: Option<PublicProduct>,
    pub kind: CancelKind,
    /// Ordinary at a chosen date (unix seconds, 00:00 UTC); None: at the
    /// next possible date.
    pub on: Option<i64>,
    /// The reason of an extraordinary cancellation.
    pub reason: Option<String>,
}

/// The form's values by name (`name`, `email`, `number`, `product`,
/// `choice` = next | date | extraordinary, `date` = YYYY-MM-DD, `reason`,
/// `nonce`), checked against the page's products and today
/// (unix seconds). Every wrong field is named, in `t`'s language.
pub fn parse<'a>(
    field: impl Fn(&str) -> Option<&'a str>,
    products: &[PublicProduct],
    today: i64,
    t: &Text,
) -> Result<Declaration, Vec<FieldIssue>> {
    let value = |k: &str| field(k).map(str::trim).filter(|v| !v.is_empty());
    let mut issues = Vec::new();
    let mut bad = |f: &str, m: String| issues.push(FieldIssue::new(f, m));
    let too_long = |max: usize| t.fill(Key::TooLong, &[("max", &max.to_string())]);

    let nonce = value("nonce").filter(|n| {
        NONCE_CHARS.contains(&n.len())
            && n.bytes()
                .all(|b| b.is_ascii_alphanumeric() || b == b'-' || b == b'_')
    });
    if nonce.is_none() {
        bad("nonce", t.get(Key::FormExpired).to_owned());
    }
    let name = value("name");
    match name {
        None => bad("name", t.get(Key::NameRequired).to_owned()),
        Some(n) if n.chars().count() > MAX_NAME_CHARS => bad("name", too_long(MAX_NAME_CHARS)),
        Some(_) => {}
    }
    let email = EmailAddress::parse("email", value("email").unwrap_or_default());
    if email.is_err() {
        bad("email", t.get(Key::EmailInvalid).to_owned());
    }
    let number = value("number");
    if number.is_some_and(|n| n.chars().count() > MAX_NUMBER_CHARS) {
        bad("number", too_long(MAX_NUMBER_CHARS));
    }
    let product = match value("product") {
        None => None,
        Some(id) => {
            let found = products.iter().find(|p| p.id == id).cloned();
            if found.is_none() {
                bad("product", t.get(Key::ProductUnknown).to_owned());
            }
            found
        }
    };
    let choice = value("choice");
    let kind = match choice {
        Some("extraordinary") => CancelKind::Extraordinary,
        _ => CancelKind::Ordinary,
    };
    let reason = value("reason");
    match (kind, reason) {
        (CancelKind::Extraordinary, None) => bad("reason", t.get(Key::ReasonRequired).to_owned()),
        (_, Some(r)) if r.chars().count() > MAX_REASON_CHARS => {
            bad("reason", too_long(MAX_REASON_CHARS))
        }
        _ => {}
    }
    let on = match choice {
        Some("date") => {
            let day = value("date").and_then(day_of).filter(|d| {
                *d >= today.div_euclid(86_400) * 86_400 && *d <= today + MAX_DAYS_AHEAD * 86_400
            });
            if day.is_none() {
                bad("date", t.get(Key::DateInvalid).to_owned());
            }
            day
        }
        _ => None,
    };
    match (nonce, name, email) {
        (Some(nonce), Some(name), Ok(email)) if issues.is_empty() => Ok(Declaration {
            nonce: nonce.to_owned(),
            name: name.to_owned(),
            email,
            number: number.map(str::to_owned),
            product,
            kind,
            on,
            reason: (kind == CancelKind::Extraordinary)
                .then(|| reason.map(str::to_owned))
                .flatten(),
        }),
        _ => Err(issues),
    }
}

/// `YYYY-MM-DD` as unix seconds at 00:00 UTC; None for anything else.
pub fn day_of(s: &str) -> Option<i64> {
    let mut parts = s.splitn(3, '-');
    let (y, m, d) = (parts.next()?, parts.next()?, parts.next()?);
    let digits = |p: &str, n: usize| p.len() == n && p.bytes().all(|b| b.is_ascii_digit());
    if !(digits(y, 4) && digits(m, 2) && digits(d, 2)) {
        return None;
    }
    let month = time::Month::try_from(m.parse::<u8>().ok()?).ok()?;
    let date = time::Date::from_calendar_date(y.parse().ok()?, month, d.parse().ok()?).ok()?;
    Some(date.midnight().assume_utc().unix_timestamp())
}

pub mod matching;

#[cfg(test)]
mod tests;
