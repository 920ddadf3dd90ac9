//! Cancel sessions: the row precancel writes and the session every route
//! reads (its guarded changes are in `transitions`).

use holdfast_core::experiment::Assignment;
use holdfast_core::jurisdiction::{Mode, Place};
use holdfast_core::locale::Locale;
use holdfast_core::receipt::Receipt;
use holdfast_core::session::{Lookup, SessionStatus};
use holdfast_core::settings::AppSettings;
use holdfast_core::subscription::SubscriptionFacts;
use holdfast_core::template::Fields;
use serde::Deserialize;
use wasm_bindgen::JsValue;
use worker::{D1Database, D1PreparedStatement};

use super::{apps::parse_settings, insert_row_where, int, opt_int, opt_text, stmt, text};
use crate::error::AppError;

/// What precancel stores.
pub struct NewSession<'a> {
    pub id: &'a str,
    pub token_digest: &'a str,
    pub app_id: &'a str,
    pub subscription_id: Option<&'a str>,
    pub customer_id: Option<&'a str>,
    pub stripe_lookup: Lookup,
    pub fields: &'a Fields,
    /// The field names the customer's browser supplied.
    pub unverified: &'a [String],
    pub facts: Option<&'a SubscriptionFacts>,
    pub assignment: Option<&'a Assignment>,
    pub audience_id: Option<&'a str>,
    pub save_return_url: Option<&'a str>,
    pub cancel_confirmation_url: Option<&'a str>,
    pub now: i64,
    pub expires_at: i64,
    /// The built-in locale the merchant asked for.
    pub locale: Option<Locale>,
    pub place: &'a Place,
    pub mode: Mode,
    pub time_zone: Option<&'a str>,
}

/// The new session, written only when `guard` holds (its `?`s take `args`).
pub fn insert_where(
    db: &D1Database,
    s: &NewSession<'_>,
    guard: &str,
    args: &[JsValue],
) -> Result<D1PreparedStatement, AppError> {
    let fields = serde_json::to_string(s.fields)?;
    let facts = s.facts.map(serde_json::to_string).transpose()?;
    let mrr = s.facts.and_then(|f| f.mrr.as_ref());
    let unverified = serde_json::to_string(s.unverified)?;
    insert_row_where(
        db,
        "sessions",
        &[
            ("id", text(s.id)),
            ("token_digest", text(s.token_digest)),
            ("app_id", text(s.app_id)),
            ("subscription_id", opt_text(s.subscription_id)),
            ("customer_id", opt_text(s.customer_id)),
            ("stripe_lookup", text(s.stripe_lookup.as_str())),
            ("status", text(SessionStatus::Open.as_str())),
            ("fields", text(&fields)),
            ("save_return_url", opt_text(s.save_return_url)),
            (
                "cancel_confirmation_url",
                opt_text(s.cancel_confirmation_url),
            ),
            ("created_at", int(s.now)),
            ("expires_at", int(s.expires_at)),
            ("updated_at", int(s.now)),
            ("facts", opt_text(facts.as_deref())),
            (
                "experience_id",
                opt_text(s.assignment.map(|a| a.experience.as_str())),
            ),
            (
                "variant_id",
                opt_text(s.assignment.map(|a| a.variant.as_str())),
            ),
            ("audience_id", opt_text(s.audience_id)),
            ("mrr", opt_int(mrr.map(|m| m.amount))),
            ("mrr_currency", opt_text(mrr.map(|m| m.currency.as_str()))),
            ("unverified_fields", text(&unverified)),
            ("locale", opt_text(s.locale.map(Locale::tag))),
            ("country", opt_text(s.place.country.as_deref())),
            ("region", opt_text(s.place.region.as_deref())),
            ("mode", text(s.mode.as_str())),
            ("time_zone", opt_text(s.time_zone)),
        ],
        guard,
        args,
    )
}

/// A session with its app's settings, as every session route needs both.
pub struct Session {
    pub id: String,
    pub subscription_id: Option<String>,
    pub customer_id: Option<String>,
    pub stripe_lookup: Lookup,
    pub status: SessionStatus,
    pub reason_id: Option<String>,
    pub comment: Option<String>,
    pub fields: Fields,
    pub save_return_url: Option<String>,
    pub cancel_confirmation_url: Option<String>,
    pub cancel_effective_at: Option<i64>,
    pub expires_at: i64,
    pub settings: AppSettings,
    /// What precancel read from Stripe, for the offer guardrails.
    pub facts: Option<SubscriptionFacts>,
    pub offers_shown: u32,
    /// Every offer shown on this session.
    pub shown_offers: Vec<String>,
    /// Each shown offer's preview, as first computed.
    pub offer_previews: serde_json::Map<String, serde_json::Value>,
    /// Where the decision sends the customer, fixed when it was made.
    pub outcome_url: Option<String>,
    /// The field names the customer's browser supplied.
    pub unverified: Vec<String>,
    pub offer_id: Option<String>,
    /// The latest accepted offer of any session on this subscription.
    pub last_offer_at: Option<i64>,
    pub stripe_key_sealed: Option<String>,
    pub assignment: Option<Assignment>,
    /// The app's signing secret as stored (sealed at its app's row): it
    /// signs pass-through URLs and receipt links.
    pub signing_secret: String,
    pub app_id: String,
    /// The locale the merchant asked for, if built in.
    pub locale: Option<Locale>,
    pub mode: Mode,
    pub time_zone: Option<String>,
    /// The confirmation, once a cancel was received.
    pub receipt: Option<Receipt>,
    pub created_at: i64,
    /// The latest cancel of the same subscription from another session.
    pub prior: Option<PriorCancel>,
    /// `prior`, when it still stands for this undecided session (judged
    /// by `cancel::standing` as the routes load it): the page shows its
    /// receipt, and this session cannot cancel again.
    pub earlier: Option<PriorCancel>,
}

#[derive(Deserialize)]
struct Row {
    id: String,
    subscription_id: Option<String>,
    customer_id: Option<String>,
    stripe_lookup: String,
    status: String,
    reason_id: Option<String>,
    comment: Option<String>,
    fields: String,
    save_return_url: Option<String>,
    cancel_confirmation_url: Option<String>,
    cancel_effective_at: Option<i64>,
    expires_at: i64,
    app_settings: String,
    facts: Option<String>,
    offers_shown: i64,
    shown_offer_ids: String,
    offer_previews: Option<String>,
    outcome_url: Option<String>,
    unverified_fields: String,
    offer_id: Option<String>,
    last_offer_at: Option<i64>,
    stripe_key_sealed: Option<String>,
    experience_id: Option<String>,
    variant_id: Option<String>,
    signing_secret: String,
    app_id: String,
    locale: Option<String>,
    mode: String,
    time_zone: Option<String>,
    receipt: Option<String>,
    created_at: i64,
    prior_cancel: Option<String>,
}

fn select() -> String {
    format!(
        "SELECT s.id, s.subscription_id, s.customer_id, s.stripe_lookup, s.status, s.reason_id, s.comment, \
     s.fields, s.save_return_url, s.cancel_confirmation_url, s.cancel_effective_at, s.expires_at, a.settings AS app_settings, \
     s.facts, s.offers_shown, s.shown_offer_ids, s.offer_previews, s.outcome_url, \
     s.unverified_fields, s.offer_id, \
     (SELECT MAX(x.offer_accepted_at) FROM sessions x WHERE x.app_id = s.app_id AND x.subscription_id = s.subscription_id) AS last_offer_at, \
     (SELECT sealed_key FROM stripe_connection WHERE id = 1) AS stripe_key_sealed, s.experience_id, s.variant_id, \
     a.signing_secret, s.app_id, s.locale, s.mode, s.time_zone, s.receipt, s.created_at, \
     (SELECT json_object('status', x.status, 'receipt', CASE WHEN json_valid(x.receipt) THEN json(x.receipt) END, 'outcome_url', x.outcome_url, \
        'cancel_effective_at', x.cancel_effective_at) FROM sessions x \
      WHERE {} ORDER BY x.updated_at DESC LIMIT 1) AS prior_cancel \
     FROM sessions s JOIN apps a ON a.id = s.app_id",
        other_cancel("x", "s")
    )
}

/// `x` is another session of `s`'s app that cancelled `s`'s subscription:
/// the session read shows its receipt, and `start_cancel` yields to one
/// made since `s` started.
pub fn other_cancel(x: &str, s: &str) -> String {
    format!(
        "{x}.app_id = {s}.app_id AND {x}.subscription_id = {s}.subscription_id AND {x}.id <> {s}.id \
         AND {x}.receipt IS NOT NULL AND {x}.status IN ({}, {})",
        SessionStatus::CancelPending.sql(),
        SessionStatus::Cancelled.sql()
    )
}

pub async fn by_token_digest(db: &D1Database, digest: &str) -> Result<Option<Session>, AppError> {
    let row: Option<Row> = stmt(
        db,
        &format!("{} WHERE s.token_digest = ?1", select()),
        &[text(digest)],
    )?
    .first(None)
    .await?;
    row.map(into_session).transpose()
}

pub async fn by_id(db: &D1Database, id: &str) -> Result<Option<Session>, AppError> {
    let row: Option<Row> = stmt(db, &format!("{} WHERE s.id = ?1", select()), &[text(id)])?
        .first(None)
        .await?;
    row.map(into_session).transpose()
}

/// The session as it stands now, read again after a guarded write lost
/// its race (to another request of the session, or to another session of
/// the subscription): the winner's state decides the answer.
pub async fn reread(db: &D1Database, s: &Session) -> Result<Session, AppError> {
    by_id(db, &s.id)
        .await?
        .ok_or_else(|| AppError::internal(format!("session {} vanished during a request", s.id)))
}

fn into_session(r: Row) -> Result<Session, AppError> {
    Ok(Session {
        fields: serde_json::from_str(&r.fields)
            .map_err(|e| AppError::internal(format!("stored fields do not parse: {e}")))?,
        settings: parse_settings(&r.app_settings)?,
        status: SessionStatus::parse(&r.status),
        id: r.id,
        subscription_id: r.subscription_id,
        customer_id: r.customer_id,
        stripe_lookup: Lookup::parse(&r.stripe_lookup),
        reason_id: r.reason_id,
        comment: r.comment,
        save_return_url: r.save_return_url,
        cancel_confirmation_url: r.cancel_confirmation_url,
        cancel_effective_at: r.cancel_effective_at,
        expires_at: r.expires_at,
        facts: r
            .facts
            .as_deref()
            .map(serde_json::from_str)
            .transpose()
            .map_err(|e| AppError::internal(format!("stored facts do not parse: {e}")))?,
        offers_shown: u32::try_from(r.offers_shown).unwrap_or(u32::MAX),
        shown_offers: r
            .shown_offer_ids
            .split(',')
            .filter(|id| !id.is_empty())
            .map(str::to_owned)
            .collect(),
        offer_previews: r
            .offer_previews
            .as_deref()
            .and_then(|p| serde_json::from_str(p).ok())
            .unwrap_or_default(),
        outcome_url: r.outcome_url,
        unverified: serde_json::from_str(&r.unverified_fields)
            .map_err(|e| AppError::internal(format!("stored field marks do not parse: {e}")))?,
        offer_id: r.offer_id,
        last_offer_at: r.last_offer_at,
        stripe_key_sealed: r.stripe_key_sealed,
        signing_secret: r.signing_secret,
        app_id: r.app_id,
        locale: r.locale.as_deref().and_then(Locale::parse),
        mode: serde_json::from_value(serde_json::Value::String(r.mode)).unwrap_or_default(),
        time_zone: r.time_zone,
        receipt: r
            .receipt
            .as_deref()
            .and_then(|j| serde_json::from_str(j).ok()),
        assignment: r
            .experience_id
            .zip(r.variant_id)
            .map(|(experience, variant)| Assignment {
                experience,
                variant,
            }),
        created_at: r.created_at,
        // A receipt that no longer parses is no receipt to show again.
        prior: r
            .prior_cancel
            .as_deref()
            .and_then(|j| serde_json::from_str(j).ok()),
        earlier: None,
    })
}

/// The latest cancel another session of the same app made for this
/// session's subscription (read with the session, see `select`).
#[derive(Debug, Clone, Deserialize)]
pub struct PriorCancel {
    pub status: SessionStatus,
    pub receipt: Receipt,
    pub outcome_url: Option<String>,
    pub cancel_effective_at: Option<i64>,
}
