//! The confirmation a cancel leaves the customer: made with the cancel,
//! stored with it, shown on the page, printable at a signed link and sent
//! once by e-mail (see `email`).

use holdfast_core::i18n::{self, Key};
use holdfast_core::jurisdiction::Mode;
use holdfast_core::receipt::{CancelKind, Contract, Receipt};
use holdfast_core::signing::{self, Purpose};

use crate::cancel::Ask;
use crate::config::Config;
use crate::error::AppError;
use crate::store::sessions::Session;

/// Longest extraordinary-cancellation reason taken.
const MAX_REASON_CHARS: usize = 2000;

/// The contract a session cancels, from what precancel read.
pub fn contract(session: &Session) -> Contract {
    Contract::from_fields(
        &session.fields,
        session.facts.as_ref().and_then(|f| f.current_period_end),
    )
}

/// The receipt for a cancel asked for now; refuses an extraordinary
/// cancellation without its reason, or a malformed address.
pub fn make(
    session: &Session,
    config: &Config,
    ask: &Ask<'_>,
    now: i64,
) -> Result<Receipt, AppError> {
    let reason = ask
        .extraordinary_reason
        .map(str::trim)
        .filter(|r| !r.is_empty());
    if ask.kind == CancelKind::Extraordinary {
        match reason {
            None => {
                return Err(AppError::bad(
                    "extraordinary_reason",
                    i18n::get(ask.locale, Key::ReasonRequired),
                ))
            }
            Some(r) if r.chars().count() > MAX_REASON_CHARS => {
                return Err(AppError::bad(
                    "extraordinary_reason",
                    format!("extraordinary_reason is longer than {MAX_REASON_CHARS} characters"),
                ))
            }
            Some(_) => {}
        }
    }
    let to = holdfast_core::receipt::addresses(
        vouched_email(session),
        ask.email,
        session.mode == Mode::Direct,
    )
    .map_err(AppError::BadRequest)?;
    let contract = contract(session);
    let sends = session.settings.email_from.is_some();
    let time_zone = ask
        .time_zone
        .filter(|tz| valid_time_zone(tz))
        .map(str::to_owned)
        .or_else(|| session.time_zone.clone());
    Ok(Receipt {
        reference: session.id.clone(),
        kind: ask.kind,
        reason: (ask.kind == CancelKind::Extraordinary)
            .then(|| reason.map(str::to_owned))
            .flatten(),
        received_at: now,
        ends_at: contract.period_end,
        requested_end: None,
        email: to.account.filter(|_| sends),
        copy_to: to.copy_to.filter(|_| sends),
        contract,
        locale: ask.locale,
        time_zone,
        url: format!(
            "{}/receipt/{}/{}",
            config.public_url.as_deref().unwrap_or(ask.origin),
            session.id,
            sign(
                config,
                &session.app_id,
                &session.signing_secret,
                &session.id
            )?
        ),
    })
}

/// The customer's address as Stripe holds it, else as the merchant's
/// server (or the signature) gave it; never one the browser supplied.
fn vouched_email(session: &Session) -> Option<&str> {
    holdfast_core::receipt::EMAIL_FIELDS
        .into_iter()
        .filter(|k| !session.unverified.iter().any(|u| u == k))
        .find_map(|k| session.fields.get(k).map(String::as_str))
        .filter(|v| !v.trim().is_empty())
}

/// The link's signature: an HMAC of the session id with the receipt's key,
/// derived from the app's signing secret (`signing::Purpose::Receipt`). It is stored in the receipt, so a later
/// rotation of that secret does not break the link. Should the secret not
/// open, a random value stands in: the cancel never waits on its receipt.
pub fn sign(
    config: &Config,
    app_id: &str,
    sealed_secret: &str,
    session_id: &str,
) -> Result<String, AppError> {
    let place = crate::secrets::app_secret(app_id);
    match crate::secrets::open(config, place, sealed_secret) {
        Ok(secret) => Ok(signing::sign(&secret, Purpose::Receipt, session_id)[..32].to_owned()),
        Err(e) => {
            worker::console_error!("receipt link not signed: {e:?}");
            Ok(crate::random::token()?[..32].to_owned())
        }
    }
}

/// Whether `sig` is the one in the session's receipt link.
pub fn link_matches(receipt: &Receipt, sig: &str) -> bool {
    receipt
        .url
        .rsplit('/')
        .next()
        .is_some_and(|own| signing::constant_time_eq(own.as_bytes(), sig.as_bytes()))
}

/// An IANA zone name as browsers give them (`Europe/Berlin`, `UTC`).
fn valid_time_zone(tz: &str) -> bool {
    (1..=64).contains(&tz.len())
        && tz
            .bytes()
            .all(|b| b.is_ascii_alphanumeric() || b"/_+-".contains(&b))
}
