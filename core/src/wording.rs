//! Sentences the cancel page builds from numbers, in the page's language:
//! one place for the app and for the edge's HTML-only page.

use crate::api::session::OfferPreview;
use crate::billing::OfferKind;
use crate::i18n::{Key, Text};
use crate::intl;

/// The preview in `locale`: the offer in the admin's translation (kept
/// previews are made in the default language) and its facts.
pub fn localized(
    mut p: OfferPreview,
    settings: &crate::settings::AppSettings,
    fields: &crate::template::Fields,
    locale: crate::locale::Locale,
    time_zone: Option<&str>,
) -> OfferPreview {
    if let Some(offer) = settings.offer(&p.offer.id) {
        p.offer = crate::experience::offer_view(
            offer,
            fields,
            locale,
            settings.translations.get(&locale),
        );
    }
    p.facts = offer_facts(&Text::of(locale), locale.tag(), time_zone, &p);
    p
}

/// What accepting an offer means, from its preview's numbers.
/// Dates are in the customer's `time_zone` (UTC when unknown).
pub fn offer_facts(
    t: &Text,
    locale: &str,
    time_zone: Option<&str>,
    p: &OfferPreview,
) -> Vec<String> {
    let cur = p.currency.as_deref().unwrap_or("");
    let money = |m| intl::money(m, cur, locale);
    let date = |d| intl::date(d, locale, time_zone);
    let mut out = Vec::new();
    match p.offer.kind {
        OfferKind::Discount | OfferKind::PlanChange => {
            match (p.new_amount, p.current_amount) {
                (Some(new), Some(old)) if new != old => out.push(t.fill(
                    Key::NextPaymentInstead,
                    &[("new", &money(new)), ("old", &money(old))],
                )),
                (Some(new), _) => out.push(t.fill(Key::NextPayment, &[("new", &money(new))])),
                _ => {}
            }
            if let Some(at) = p.next_charge_at {
                out.push(t.fill(Key::NextCharge, &[("date", &date(at))]));
            }
        }
        OfferKind::Pause => {
            if let Some(at) = p.resumes_at {
                out.push(t.fill(Key::PausedUntil, &[("date", &date(at))]));
                out.push(t.fill(Key::ResumesOn, &[("date", &date(at))]));
            }
        }
        OfferKind::Extension => {
            if let Some(at) = p.resumes_at {
                out.push(t.fill(Key::FreeUntil, &[("date", &date(at))]));
            }
        }
        OfferKind::Redirect => {}
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::locale::Locale;

    #[test]
    fn a_discount_reads_in_the_pages_language() {
        let p: OfferPreview = serde_json::from_value(serde_json::json!({
            "offer": {"id": "o", "kind": "discount", "title": "t", "body": "b", "accept_label": "a", "reasons": []},
            "current_amount": 1200, "new_amount": 900, "currency": "jpy"
        }))
        .expect("a preview");
        let facts = offer_facts(&Text::of(Locale::De), "de", None, &p);
        // Natively the numbers fall back to `money::format`; in the browser
        // and in workerd, Intl writes them.
        assert_eq!(facts, vec!["Ihre nächste Zahlung: 900 JPY statt 1200 JPY."]);
    }
}
