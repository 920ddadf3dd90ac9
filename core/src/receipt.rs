//! What a cancel is about and the confirmation the customer keeps: the
//! direct page's "which contract, whose", and the receipt shown after the
//! cancel, printable at a stable link and sent by e-mail.

use serde::{Deserialize, Serialize};

use crate::i18n::{Key, Text};
use crate::intl;
use crate::locale::Locale;
use crate::template::Fields;
use crate::validation::{check_email, FieldIssue};

/// Ordinary cancellation (at the next possible date), or extraordinary
/// (for good cause, with its reason; the merchant judges the cause).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(rename_all = "snake_case")]
pub enum CancelKind {
    #[default]
    Ordinary,
    Extraordinary,
}

/// The contract a session cancels, as Stripe (or the merchant) described it.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct Contract {
    #[serde(default)]
    pub product: Option<String>,
    #[serde(default)]
    pub plan: Option<String>,
    #[serde(default)]
    pub subscription_id: Option<String>,
    /// The customer's name.
    #[serde(default)]
    pub customer: Option<String>,
    /// Where the confirmation goes unless the customer changes it.
    #[serde(default)]
    pub email: Option<String>,
    /// The end of the paid period: when an ordinary cancel takes effect.
    #[serde(default)]
    pub period_end: Option<i64>,
    /// A customer or contract number the customer typed on the public page.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub number: Option<String>,
}

impl Contract {
    /// Stripe's values first, then the snippet's.
    pub fn from_fields(fields: &Fields, period_end: Option<i64>) -> Self {
        let first = |keys: &[&str]| {
            keys.iter()
                .find_map(|k| fields.get(*k).filter(|v| !v.trim().is_empty()).cloned())
        };
        let name = first(&["subscription.customer.name", "full_name"]).or_else(|| {
            let parts: Vec<String> = ["first_name", "last_name"]
                .iter()
                .filter_map(|k| fields.get(*k).cloned())
                .collect();
            (!parts.is_empty()).then(|| parts.join(" "))
        });
        Self {
            product: first(&["subscription.product.name"]),
            plan: first(&["subscription.plan.nickname", "account.plan"]),
            subscription_id: first(&["subscription.id"]),
            customer: name,
            email: first(&EMAIL_FIELDS),
            period_end,
            number: None,
        }
    }

    /// One line naming the contract: product, plan.
    pub fn title(&self) -> String {
        [&self.product, &self.plan]
            .into_iter()
            .flatten()
            .cloned()
            .collect::<Vec<_>>()
            .join(" · ")
    }
}

/// The confirmation of one cancel, fixed when it was received.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct Receipt {
    /// The session's id: what the customer quotes.
    pub reference: String,
    pub kind: CancelKind,
    /// The customer's reason for an extraordinary cancellation.
    #[serde(default)]
    pub reason: Option<String>,
    /// Unix seconds.
    pub received_at: i64,
    /// When the subscription ends, once Stripe said so.
    #[serde(default)]
    pub ends_at: Option<i64>,
    /// The date an ordinary cancellation was asked for (public page), at
    /// 00:00 UTC; None: the next possible date.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub requested_end: Option<i64>,
    /// Where the full confirmation e-mail goes: the address Stripe or the
    /// merchant's server vouches for (None: the app sends none, or there
    /// is no such address).
    #[serde(default)]
    pub email: Option<String>,
    /// A different address the customer typed, where the law lets them
    /// (direct mode): it gets the fixed receipt text alone (`fixed_lines`).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub copy_to: Option<String>,
    pub contract: Contract,
    pub locale: Locale,
    /// The customer's time zone (IANA), for dates in the e-mail.
    #[serde(default)]
    pub time_zone: Option<String>,
    /// The printable receipt.
    pub url: String,
}

/// The facts of a receipt as lines of label and value, for the page, the
/// printable receipt and the e-mail alike.
pub fn lines(
    t: &Text,
    r: &Receipt,
    locale: &str,
    time_zone: Option<&str>,
) -> Vec<(String, String)> {
    let tz = time_zone.or(r.time_zone.as_deref());
    let mut received = intl::date_time(r.received_at, locale, tz);
    if tz.is_some_and(|z| z != "UTC") {
        received = format!(
            "{received} ({})",
            intl::date_time(r.received_at, locale, Some("UTC"))
        );
    }
    // A chosen day is a calendar date: shown as that date, in no zone.
    let day = |at: i64| intl::date(at, locale, Some("UTC"));
    let kind = match (r.kind, r.requested_end) {
        (CancelKind::Ordinary, Some(at)) => t.fill(Key::Ordinary, &[("date", &day(at))]),
        (CancelKind::Ordinary, None) => t.get(Key::OrdinaryNext).to_owned(),
        (CancelKind::Extraordinary, _) => format!(
            "{}: {}",
            t.get(Key::Extraordinary),
            r.reason.as_deref().unwrap_or_default()
        ),
    };
    let ends = match (r.ends_at, r.requested_end) {
        (Some(at), _) => intl::date(at, locale, tz),
        (None, Some(at)) => day(at),
        (None, None) => t.get(Key::EndsNext).to_owned(),
    };
    let mut out = vec![(t.get(Key::ContractLabel).to_owned(), r.contract.title())];
    out.push((
        t.get(Key::SubscriptionLabel).to_owned(),
        r.contract.subscription_id.clone().unwrap_or_default(),
    ));
    out.push((
        t.get(Key::NumberLabel).to_owned(),
        r.contract.number.clone().unwrap_or_default(),
    ));
    out.push((
        t.get(Key::CustomerLabel).to_owned(),
        r.contract.customer.clone().unwrap_or_default(),
    ));
    out.push((t.get(Key::KindLegend).to_owned(), kind));
    out.push((t.get(Key::ReceivedLabel).to_owned(), received));
    out.push((t.get(Key::EndsLabel).to_owned(), ends));
    out.push((t.get(Key::ReferenceLabel).to_owned(), r.reference.clone()));
    out.retain(|(_, v)| !v.trim().is_empty());
    out
}

/// The fields that hold the customer's address, most trusted first:
/// Stripe's, then the one the merchant's page or server sent.
pub const EMAIL_FIELDS: [&str; 2] = ["subscription.customer.email", "email"];

/// The lines a typed address receives: when the cancel was received and
/// its reference, nothing the customer typed and nothing of the merchant's
/// or Stripe's, so the message cannot carry anyone's text to anyone.
pub fn fixed_lines(t: &Text, r: &Receipt, locale: &str) -> Vec<(String, String)> {
    vec![
        (
            t.get(Key::ReceivedLabel).to_owned(),
            intl::date_time(r.received_at, locale, Some("UTC")),
        ),
        (t.get(Key::ReferenceLabel).to_owned(), r.reference.clone()),
    ]
}

/// Where a cancel's confirmations go.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct Addresses {
    /// The vouched-for address: the full confirmation.
    pub account: Option<String>,
    /// A different address the customer typed: the fixed text only.
    pub copy_to: Option<String>,
}

/// Chooses the confirmations' addresses from the one Stripe or the
/// merchant's server vouches for and the one the page sent. A typed
/// address must be exactly one mailbox, and a different one is taken only
/// where the law asks the page to let the customer give one.
pub fn addresses(
    vouched: Option<&str>,
    typed: Option<&str>,
    typed_allowed: bool,
) -> Result<Addresses, FieldIssue> {
    let account = vouched
        .map(str::trim)
        .filter(|v| check_email("email", v).is_ok());
    let typed = typed.map(str::trim).filter(|t| !t.is_empty());
    let copy_to = match typed {
        None => None,
        Some(t) => {
            check_email("email", t)?;
            if account.is_some_and(|a| a.eq_ignore_ascii_case(t)) {
                None
            } else if typed_allowed {
                Some(t.to_owned())
            } else {
                return Err(FieldIssue::new(
                    "email",
                    "The confirmation goes to the address on your account; it cannot be changed here.",
                ));
            }
        }
    };
    Ok(Addresses {
        account: account.map(str::to_owned),
        copy_to,
    })
}

/// Text for a mail header (a subject, a name): control characters and
/// line breaks become spaces, runs of spaces one, at most 200 characters,
/// so nothing a merchant or customer wrote can start a new header.
pub fn header_text(s: &str) -> String {
    let mut out = String::new();
    for word in s.split(|c: char| c.is_control() || c.is_whitespace()) {
        if word.is_empty() {
            continue;
        }
        if !out.is_empty() {
            out.push(' ');
        }
        out.push_str(word);
    }
    out.chars().take(200).collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    fn fields(pairs: &[(&str, &str)]) -> Fields {
        pairs
            .iter()
            .map(|(k, v)| ((*k).to_owned(), (*v).to_owned()))
            .collect()
    }

    #[test]
    fn stripe_values_come_before_the_snippets() {
        let c = Contract::from_fields(
            &fields(&[
                ("subscription.customer.name", "Erika Mustermann"),
                ("full_name", "E. M."),
                ("email", "browser@example.com"),
                ("subscription.customer.email", "erika@example.de"),
                ("subscription.product.name", "Snack Box"),
                ("subscription.plan.nickname", "Monatlich"),
                ("subscription.id", "sub_1"),
            ]),
            Some(1_800_000_000),
        );
        assert_eq!(c.customer.as_deref(), Some("Erika Mustermann"));
        assert_eq!(c.email.as_deref(), Some("erika@example.de"));
        assert_eq!(c.title(), "Snack Box · Monatlich");
        assert_eq!(c.subscription_id.as_deref(), Some("sub_1"));
    }

    #[test]
    fn a_name_is_made_from_its_parts_when_no_full_name_is_known() {
        let c = Contract::from_fields(&fields(&[("first_name", "Ada"), ("last_name", "L")]), None);
        assert_eq!(c.customer.as_deref(), Some("Ada L"));
        assert_eq!(Contract::default().title(), "");
    }

    #[test]
    fn the_full_confirmation_goes_to_the_vouched_address_only() {
        let a = addresses(Some("jane@example.com"), None, false).expect("ok");
        assert_eq!(a.account.as_deref(), Some("jane@example.com"));
        assert_eq!(a.copy_to, None);
        // The same address typed again is no second message.
        let a = addresses(Some("jane@example.com"), Some(" JANE@example.com "), false).expect("ok");
        assert_eq!(a.copy_to, None);
    }

    #[test]
    fn a_typed_address_is_a_copy_where_the_law_asks_and_refused_elsewhere() {
        let a = addresses(Some("jane@example.com"), Some("other@example.org"), true).expect("ok");
        assert_eq!(a.account.as_deref(), Some("jane@example.com"));
        assert_eq!(a.copy_to.as_deref(), Some("other@example.org"));
        let e = addresses(Some("jane@example.com"), Some("other@example.org"), false)
            .expect_err("refused");
        assert_eq!(e.field, "email");
        let e = addresses(None, Some("a@example.org, b@example.org"), true).expect_err("a list");
        assert_eq!(e.field, "email");
        // No vouched address: the typed one still gets only the copy.
        let a = addresses(None, Some("other@example.org"), true).expect("ok");
        assert_eq!(
            a,
            Addresses {
                account: None,
                copy_to: Some("other@example.org".into())
            }
        );
    }

    #[test]
    fn header_text_cannot_start_a_header() {
        assert_eq!(
            header_text("Acme\r\nBcc: x@example.com"),
            "Acme Bcc: x@example.com"
        );
        assert_eq!(header_text("  a\u{0}\tb  "), "a b");
        assert_eq!(header_text(&"x".repeat(500)).len(), 200);
    }
}
