//! The last screen, and the confirmation a cancel leaves: on the page, at
//! its printable link, and (as text) in the e-mail.

use holdfast_core::api::session::SessionView;
use holdfast_core::i18n::{Key, Text};
use holdfast_core::receipt::{lines, Receipt};
use holdfast_core::session::SessionStatus;

use super::{a, e};

/// The decided screen: what happened and, for a cancel, the receipt
/// (`earlier`: an earlier session's, whose cancel still stands).
pub fn done(v: &SessionView, receipt: Option<&Receipt>, earlier: bool) -> String {
    let t = &v.text;
    let (heading, message, next) = match v.status {
        SessionStatus::Cancelled => (
            Key::CancelledHeading,
            Key::CancelledMessage,
            &v.cancel_confirmation_url,
        ),
        SessionStatus::CancelPending => (
            Key::PendingHeading,
            Key::PendingMessage,
            &v.cancel_confirmation_url,
        ),
        SessionStatus::OfferAccepted => (
            Key::OfferAppliedHeading,
            Key::OfferThanks,
            &v.save_return_url,
        ),
        SessionStatus::OfferPending => (
            Key::OfferPendingHeading,
            Key::OfferThanks,
            &v.save_return_url,
        ),
        _ => (Key::KeptHeading, Key::KeptMessage, &v.save_return_url),
    };
    let already = receipt
        .filter(|_| earlier)
        .map(|r| already_line(t, r, &v.locale))
        .unwrap_or_default();
    let receipt = receipt
        .map(|r| receipt_block(t, r, &v.locale, None))
        .unwrap_or_default();
    let next = next
        .as_ref()
        .map(|url| {
            format!(
                r#"<a class="button" href="{}" data-testid="continue">{}</a>"#,
                a(url),
                e(t.get(Key::Continue))
            )
        })
        .unwrap_or_default();
    format!(
        r#"<section role="status" data-testid="outcome"><h1>{}</h1>{already}<p>{}</p>{receipt}{next}</section>"#,
        e(t.get(heading)),
        e(t.get(message))
    )
}

/// "Already cancelled on …, ends on …": why this page shows no flow.
fn already_line(t: &Text, r: &Receipt, locale: &str) -> String {
    let tz = r.time_zone.as_deref();
    let date = holdfast_core::intl::date(r.received_at, locale, tz);
    let line = match r.ends_at {
        Some(end) => t.fill(
            Key::AlreadyCancelled,
            &[
                ("date", &date),
                ("end", &holdfast_core::intl::date(end, locale, tz)),
            ],
        ),
        None => t.fill(Key::AlreadyCancelledOpen, &[("date", &date)]),
    };
    format!(r#"<p data-testid="already-cancelled">{}</p>"#, e(&line))
}

/// The receipt as a definition list, with its link and where the e-mail
/// went.
pub fn receipt_block(t: &Text, r: &Receipt, locale: &str, time_zone: Option<&str>) -> String {
    let rows: String = lines(t, r, locale, time_zone)
        .iter()
        .map(|(k, v)| format!("<dt>{}</dt><dd>{}</dd>", e(k), e(v)))
        .collect();
    let sent: String = [&r.email, &r.copy_to]
        .into_iter()
        .flatten()
        .map(|m| {
            format!(
                r#"<p data-testid="email-sent">{}</p>"#,
                e(&t.fill(Key::EmailSent, &[("email", m)]))
            )
        })
        .collect();
    format!(
        r#"<div class="receipt" data-testid="receipt"><h2>{}</h2><dl class="contract">{rows}</dl>{sent}<p><a href="{}" data-testid="receipt-link">{}</a></p></div>"#,
        e(t.get(Key::ReceiptHeading)),
        a(&r.url),
        e(t.get(Key::ReceiptLink))
    )
}

/// The printable receipt: a whole document, no script, in the locale the
/// cancel was made in.
pub fn receipt_page(brand: &str, r: &Receipt, css: &str) -> String {
    let t = Text::of(r.locale);
    let rows: String = lines(&t, r, r.locale.tag(), None)
        .iter()
        .map(|(k, v)| format!("<dt>{}</dt><dd>{}</dd>", e(k), e(v)))
        .collect();
    format!(
        r#"<!doctype html><html lang="{}" dir="{}"><head><meta charset="utf-8"><meta name="viewport" content="width=device-width, initial-scale=1"><title>{}</title><style>{css}</style></head><body><main class="page"><header class="brand"><span>{}</span></header><h1>{}</h1><p>{}</p><dl class="contract" data-testid="receipt">{rows}</dl></main></body></html>"#,
        r.locale.tag(),
        r.locale.dir(),
        e(t.get(Key::ReceiptHeading)),
        e(brand),
        e(t.get(Key::ReceiptHeading)),
        e(t.get(Key::EmailIntro)),
    )
}
