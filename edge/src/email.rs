//! Confirmation e-mails through Cloudflare Email Service (the `EMAIL`
//! `send_email` binding): each cancel's message is sent once, by the work
//! queue's consumer (enqueued right after the request that made it, and by
//! the cron's sweep while due), retried with backoff for about a day.

use holdfast_core::i18n::{Key, Text};
use holdfast_core::receipt::header_text;
use holdfast_core::validation::check_email;
use holdfast_core::work::{email_retry_at, EmailRecipient};
use worker::{console_error, D1Database, SendEmailBuilder};

use crate::config::Config;
use crate::error::AppError;
use crate::store::emails;
use crate::store::sessions;
use crate::webhooks::Done;

const LEASE_SECS: i64 = 60;

/// One attempt at message `id` (a job of the work queue), judged by
/// `clock`: sent, to be tried again later, or given up.
pub async fn send_job(
    config: &Config,
    db: &D1Database,
    id: &str,
    clock: i64,
) -> Result<Done, AppError> {
    let Some(d) = emails::due_one(db, id, clock).await? else {
        return Ok(Done::Finished);
    };
    if !emails::claim(db, &d.id, clock, LEASE_SECS).await? {
        return Ok(Done::Finished);
    }
    let retry_at = email_retry_at(d.attempts, clock, crate::random::jitter());
    match send_one(config, db, &d).await {
        Ok(message_id) => {
            emails::record(db, &d.id, Ok(&message_id), None, clock).await?;
            Ok(Done::Finished)
        }
        Err(e) => {
            console_error!("e-mail {} not sent: {e}", d.id);
            emails::record(db, &d.id, Err(&e), retry_at, clock).await?;
            Ok(retry_at.map_or(Done::GaveUp, |at| Done::Later(at - clock)))
        }
    }
}

async fn send_one(config: &Config, db: &D1Database, d: &emails::Due) -> Result<String, String> {
    let s = sessions::by_id(db, &d.session_id)
        .await
        .map_err(|e| format!("{e:?}"))?
        .ok_or("the session is gone")?;
    let receipt = s.receipt.as_ref().ok_or("the session has no receipt")?;
    // The typed address: the fixed receipt text, or the fixed "no
    // contract found" text; never anything anyone typed.
    let typed = d.recipient != EmailRecipient::Account;
    let to = if typed {
        &receipt.copy_to
    } else {
        &receipt.email
    };
    let to = to.as_deref().ok_or("no address")?;
    let from = s
        .settings
        .email_from
        .as_deref()
        .ok_or("the app sends no e-mail")?;
    // Both were checked when saved; a header gets exactly one mailbox each
    // even if a row was written some other way.
    for address in [from, to] {
        check_email("email", address).map_err(|_| "an address is not one mailbox")?;
    }
    // The test stack's way to see retries: an address starting with
    // `fail-first` fails its first attempt, `fail-ten` its automatic ones.
    let failing = match to {
        t if t.starts_with("fail-first") => 1,
        t if t.starts_with("fail-ten") => holdfast_core::work::EMAIL_ATTEMPTS,
        _ => 0,
    };
    if config.test_hooks && d.attempts < failing {
        return Err(format!("test hook: attempt {} fails", d.attempts + 1));
    }
    let text = Text::of(receipt.locale);
    let (subject, body) = if d.recipient == EmailRecipient::Unmatched {
        (
            text.get(Key::NotMatchedSubject).to_owned(),
            unmatched_message(&text, receipt),
        )
    } else if typed {
        (
            text.get(Key::ReceiptHeading).to_owned(),
            copy_message(&text, receipt),
        )
    } else {
        let own =
            holdfast_core::settings::translation::pick(None, &s.settings.brand, receipt.locale);
        let brand = header_text(&holdfast_core::template::render(own, &s.fields));
        let mut r = receipt.clone();
        r.ends_at = s.cancel_effective_at.or(r.ends_at);
        (
            text.fill(Key::EmailSubject, &[("brand", &brand)]),
            message(&text, &r),
        )
    };
    let subject = header_text(&subject);
    let builder = SendEmailBuilder::new(from, to, &subject);
    builder.set_text(&body);
    let binding = config.email().map_err(|e| format!("{e:?}"))?;
    binding
        .send_with_builder(&builder)
        .await
        .map(|r| r.message_id())
        .map_err(|e| format!("{e:?}"))
}

/// The message to a typed address: the locale's fixed text, when the
/// cancel was received, its reference and link; nothing anyone typed.
fn copy_message(t: &Text, r: &holdfast_core::receipt::Receipt) -> String {
    let mut out = format!("{}\n\n", t.get(Key::EmailIntro));
    for (label, value) in holdfast_core::receipt::fixed_lines(t, r, r.locale.tag()) {
        out.push_str(&format!("{label}: {value}\n"));
    }
    out.push_str(&format!("\n{}: {}\n", t.get(Key::ReceiptLink), r.url));
    out
}

/// A public declaration that matched no contract: when it was received and
/// its reference, in fixed words (the reviewer's note stays inside).
fn unmatched_message(t: &Text, r: &holdfast_core::receipt::Receipt) -> String {
    let date = holdfast_core::intl::date_time(r.received_at, r.locale.tag(), Some("UTC"));
    let mut out = t.fill(
        Key::NotMatchedText,
        &[("date", &date), ("reference", &r.reference)],
    );
    out.push_str(&format!("\n\n{}: {}\n", t.get(Key::ReceiptLink), r.url));
    out
}

/// The e-mail's text: the receipt's lines and its link.
fn message(t: &Text, r: &holdfast_core::receipt::Receipt) -> String {
    let mut out = format!("{}\n\n", t.get(Key::EmailIntro));
    for (label, value) in holdfast_core::receipt::lines(t, r, r.locale.tag(), None) {
        out.push_str(&format!("{label}: {value}\n"));
    }
    out.push_str(&format!("\n{}: {}\n", t.get(Key::ReceiptLink), r.url));
    out
}
