//! The last screen, and the confirmation a cancel leaves: on the page, at
//! its printable link, and (as text) in the e-mail.

use holdfast_core::api::session::SessionView;
use holdfast_core::i18n::{Key, Text};
use holdfast_core::receipt::{lines, Receipt};
use holdfast_core::session::SessionStatus;
use maud::{html, Markup};

/// The decided screen: what happened and, for a cancel, the receipt
/// (`earlier`: an earlier session's, whose cancel still stands).
pub fn done(v: &SessionView, receipt: Option<&Receipt>, earlier: bool) -> Markup {
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
    html! {
        section role="status" data-testid="outcome" {
            h1 { (t.get(heading)) }
            @if let Some(r) = receipt.filter(|_| earlier) {
                p data-testid="already-cancelled" { (already_line(t, r, &v.locale)) }
            }
            p { (t.get(message)) }
            @if let Some(r) = receipt {
                (receipt_block(t, r, &v.locale))
            }
            @if let Some(url) = next {
                a.button href=(url) data-testid="continue" { (t.get(Key::Continue)) }
            }
        }
    }
}

/// "Already cancelled on …, ends on …": why this page shows no flow.
fn already_line(t: &Text, r: &Receipt, locale: &str) -> String {
    let tz = r.time_zone.as_deref();
    let date = holdfast_core::intl::date(r.received_at, locale, tz);
    match r.ends_at {
        Some(end) => t.fill(
            Key::AlreadyCancelled,
            &[
                ("date", &date),
                ("end", &holdfast_core::intl::date(end, locale, tz)),
            ],
        ),
        None => t.fill(Key::AlreadyCancelledOpen, &[("date", &date)]),
    }
}

/// The receipt's lines as a definition list.
fn rows(t: &Text, r: &Receipt, locale: &str) -> Markup {
    html! {
        @for (k, v) in lines(t, r, locale, None) {
            dt { (k) }
            dd { (v) }
        }
    }
}

/// The receipt as a definition list, with its link and where the e-mail
/// went.
fn receipt_block(t: &Text, r: &Receipt, locale: &str) -> Markup {
    html! {
        div.receipt data-testid="receipt" {
            h2 { (t.get(Key::ReceiptHeading)) }
            dl.contract { (rows(t, r, locale)) }
            @for m in [&r.email, &r.copy_to].into_iter().flatten() {
                p data-testid="email-sent" { (t.fill(Key::EmailSent, &[("email", m)])) }
            }
            p { a href=(r.url) data-testid="receipt-link" { (t.get(Key::ReceiptLink)) } }
        }
    }
}

/// The printable receipt: a whole document, no script, in the locale the
/// cancel was made in. `css` is ours (its hash is in the page's policy).
pub fn receipt_page(brand: &str, r: &Receipt, css: &str) -> String {
    let t = Text::of(r.locale);
    let main = html! {
        main.page {
            header.brand { span { (brand) } }
            h1 { (t.get(Key::ReceiptHeading)) }
            p { (t.get(Key::EmailIntro)) }
            dl.contract data-testid="receipt" { (rows(&t, r, r.locale.tag())) }
        }
    };
    super::document(r.locale, t.get(Key::ReceiptHeading), css, main)
}
