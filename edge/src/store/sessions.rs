use holdfast_core::experiment::Assignment;
use holdfast_core::jurisdiction::{Mode, Place};
use holdfast_core::locale::Locale;
use holdfast_core::receipt::Receipt;
use holdfast_core::revenue::Mrr;
use holdfast_core::session::SessionStatus;
use holdfast_core::settings::AppSettings;
use holdfast_core::subscription::SubscriptionFacts;
use holdfast_core::template::Fields;
use serde::Deserialize;
use worker::{D1Database, D1PreparedStatement};

use super::{apps::parse_settings, int, opt_int, opt_text, stmt, text};
use crate::error::AppError;

/// What precancel stores.
pub struct NewSession<'a> {
    pub id: &'a str,
    pub token_digest: &'a str,
    pub app_id: &'a str,
    pub subscription_id: Option<&'a str>,
    pub customer_id: Option<&'a str>,
    pub stripe_lookup: &'a str,
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

pub fn insert(db: &D1Database, s: &NewSession<'_>) -> Result<D1PreparedStatement, AppError> {
    let fields = serde_json::to_string(s.fields).map_err(|e| AppError::internal(e.to_string()))?;
    let facts = s
        .facts
        .map(serde_json::to_string)
        .transpose()
        .map_err(|e| AppError::internal(e.to_string()))?;
    let mrr = s.facts.and_then(|f| f.mrr.as_ref());
    let unverified =
        serde_json::to_string(s.unverified).map_err(|e| AppError::internal(e.to_string()))?;
    stmt(
        db,
        "INSERT INTO sessions (id, token_digest, app_id, subscription_id, customer_id, stripe_lookup, status, \
         fields, save_return_url, cancel_confirmation_url, created_at, expires_at, updated_at, facts, experience_id, variant_id, \
         audience_id, mrr, mrr_currency, unverified_fields, locale, country, region, mode, time_zone) \
         VALUES (?1, ?2, ?3, ?4, ?5, ?6, 'open', ?7, ?8, ?9, ?10, ?11, ?10, ?12, ?13, ?14, ?15, ?16, ?17, ?18, ?19, ?20, ?21, ?22, ?23)",
        &[
            text(s.id),
            text(s.token_digest),
            text(s.app_id),
            opt_text(s.subscription_id),
            opt_text(s.customer_id),
            text(s.stripe_lookup),
            text(&fields),
            opt_text(s.save_return_url),
            opt_text(s.cancel_confirmation_url),
            int(s.now),
            int(s.expires_at),
            opt_text(facts.as_deref()),
            opt_text(s.assignment.map(|a| a.experience.as_str())),
            opt_text(s.assignment.map(|a| a.variant.as_str())),
            opt_text(s.audience_id),
            opt_int(mrr.map(|m| m.amount)),
            opt_text(mrr.map(|m| m.currency.as_str())),
            text(&unverified),
            opt_text(s.locale.map(Locale::tag)),
            opt_text(s.place.country.as_deref()),
            opt_text(s.place.region.as_deref()),
            text(s.mode.as_str()),
            opt_text(s.time_zone),
        ],
    )
}

/// A session with its app's settings, as every session route needs both.
pub struct Session {
    pub id: String,
    pub subscription_id: Option<String>,
    pub customer_id: Option<String>,
    pub stripe_lookup: String,
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
    /// The app's signing secret as stored (sealed): it signs pass-through URLs.
    pub signing_secret: String,
    /// The locale the merchant asked for, if built in.
    pub locale: Option<Locale>,
    pub mode: Mode,
    pub time_zone: Option<String>,
    /// The confirmation, once a cancel was received.
    pub receipt: Option<Receipt>,
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
    locale: Option<String>,
    mode: String,
    time_zone: Option<String>,
    receipt: Option<String>,
}

const SELECT: &str = "SELECT s.id, s.subscription_id, s.customer_id, s.stripe_lookup, s.status, s.reason_id, s.comment, \
     s.fields, s.save_return_url, s.cancel_confirmation_url, s.cancel_effective_at, s.expires_at, a.settings AS app_settings, \
     s.facts, s.offers_shown, s.shown_offer_ids, s.offer_previews, s.outcome_url, \
     s.unverified_fields, s.offer_id, \
     (SELECT MAX(x.offer_accepted_at) FROM sessions x WHERE x.app_id = s.app_id AND x.subscription_id = s.subscription_id) AS last_offer_at, \
     (SELECT sealed_key FROM stripe_connection WHERE id = 1) AS stripe_key_sealed, s.experience_id, s.variant_id, \
     a.signing_secret, s.locale, s.mode, s.time_zone, s.receipt \
     FROM sessions s JOIN apps a ON a.id = s.app_id";

pub async fn by_token_digest(db: &D1Database, digest: &str) -> Result<Option<Session>, AppError> {
    let row: Option<Row> = stmt(
        db,
        &format!("{SELECT} WHERE s.token_digest = ?1"),
        &[text(digest)],
    )?
    .first(None)
    .await?;
    row.map(into_session).transpose()
}

pub async fn by_id(db: &D1Database, id: &str) -> Result<Option<Session>, AppError> {
    let row: Option<Row> = stmt(db, &format!("{SELECT} WHERE s.id = ?1"), &[text(id)])?
        .first(None)
        .await?;
    row.map(into_session).transpose()
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
        stripe_lookup: r.stripe_lookup,
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
    })
}

/// Moves the session from one of `from` to `to`; changes nothing when it is
/// elsewhere (the caller reads `changes` to know who won).
pub fn transition(
    db: &D1Database,
    id: &str,
    from: &[SessionStatus],
    to: SessionStatus,
    now: i64,
) -> Result<D1PreparedStatement, AppError> {
    let allowed: Vec<String> = from.iter().map(|s| format!("'{}'", s.as_str())).collect();
    stmt(
        db,
        &format!(
            "UPDATE sessions SET status = ?2, updated_at = ?3 WHERE id = ?1 AND status IN ({})",
            allowed.join(", ")
        ),
        &[text(id), text(to.as_str()), int(now)],
    )
}

/// Records the chosen reason, at most `max_changes` times per session and
/// only while nothing is decided; the caller reads `changes`.
pub fn set_reason(
    db: &D1Database,
    id: &str,
    reason_id: &str,
    comment: Option<&str>,
    max_changes: u32,
    now: i64,
) -> Result<D1PreparedStatement, AppError> {
    stmt(
        db,
        "UPDATE sessions SET reason_id = ?2, comment = ?3, reason_changes = reason_changes + 1, updated_at = ?4 \
         WHERE id = ?1 AND status IN ('open', 'deflected') AND reason_changes < ?5",
        &[text(id), text(reason_id), opt_text(comment), int(now), int(i64::from(max_changes))],
    )
}

pub fn finish_cancel(
    db: &D1Database,
    id: &str,
    effective_at: Option<i64>,
    now: i64,
) -> Result<D1PreparedStatement, AppError> {
    stmt(
        db,
        "UPDATE sessions SET status = 'cancelled', cancel_effective_at = ?2, updated_at = ?3 WHERE id = ?1",
        &[text(id), opt_int(effective_at), int(now)],
    )
}

/// Moves an open (or deflected) session to `to`, recording the reason and
/// where the customer goes next in the same statement, so a losing
/// concurrent request changes nothing at all.
pub fn start_cancel(
    db: &D1Database,
    id: &str,
    to: SessionStatus,
    ask: (Option<&str>, Option<&str>),
    outcome_url: Option<&str>,
    receipt: Option<&Receipt>,
    now: i64,
) -> Result<D1PreparedStatement, AppError> {
    let (reason_id, comment) = ask;
    let receipt = receipt
        .map(serde_json::to_string)
        .transpose()
        .map_err(|e| AppError::internal(e.to_string()))?;
    stmt(
        db,
        "UPDATE sessions SET status = ?2, reason_id = COALESCE(?3, reason_id), comment = COALESCE(?4, comment), \
         outcome_url = ?6, receipt = ?7, updated_at = ?5 WHERE id = ?1 AND status IN ('open', 'deflected')",
        &[text(id), text(to.as_str()), opt_text(reason_id), opt_text(comment), int(now), opt_text(outcome_url), opt_text(receipt.as_deref())],
    )
}

/// The reasons an offer is placed for, as the JSON array the guards below
/// compare `reason_id` with (`[]`: any reason).
pub fn placement(reasons: &[String]) -> Result<String, AppError> {
    serde_json::to_string(reasons).map_err(|e| AppError::internal(e.to_string()))
}

/// Counts a new offer screen, unless the limit is reached. The offer's
/// placement for the session's reason and the holdout are checked here
/// too, so a reason changed concurrently cannot slip past.
pub fn show_offer(
    db: &D1Database,
    id: &str,
    offer_id: &str,
    placement: &str,
    max_screens: u32,
    now: i64,
) -> Result<D1PreparedStatement, AppError> {
    stmt(
        db,
        "UPDATE sessions SET offers_shown = offers_shown + 1, shown_offer_id = ?2, \
         shown_offer_ids = COALESCE(NULLIF(shown_offer_ids, ''), ',') || ?2 || ',', updated_at = ?4 \
         WHERE id = ?1 AND status IN ('open', 'deflected') AND offers_shown < ?3 \
         AND instr(shown_offer_ids, ',' || ?2 || ',') = 0 \
         AND (?5 = '[]' OR reason_id IN (SELECT value FROM json_each(?5))) \
         AND (variant_id IS NULL OR variant_id <> 'holdout')",
        &[text(id), text(offer_id), int(i64::from(max_screens)), int(now), text(placement)],
    )
}

/// Keeps an offer's first preview with the session.
pub fn keep_preview(
    db: &D1Database,
    id: &str,
    offer_id: &str,
    preview: &str,
) -> Result<D1PreparedStatement, AppError> {
    stmt(
        db,
        "UPDATE sessions SET offer_previews = json_set(COALESCE(offer_previews, '{}'), '$.\"' || ?2 || '\"', json(?3)) \
         WHERE id = ?1",
        &[text(id), text(offer_id), text(preview)],
    )
}

/// Moves an undecided session to `to` with the accepted offer, only if the
/// offer was shown on it and is placed for its reason (the decisive check,
/// in the statement that records the change).
pub fn start_offer(
    db: &D1Database,
    id: &str,
    to: SessionStatus,
    offer: (&str, &str),
    outcome_url: Option<&str>,
    now: i64,
) -> Result<D1PreparedStatement, AppError> {
    let (offer_id, placement) = offer;
    let accepted_at = if to == SessionStatus::OfferAccepted {
        Some(now)
    } else {
        None
    };
    stmt(
        db,
        "UPDATE sessions SET status = ?2, offer_id = ?3, offer_accepted_at = ?4, updated_at = ?5, outcome_url = ?7 \
         WHERE id = ?1 AND status IN ('open', 'deflected') AND instr(shown_offer_ids, ',' || ?3 || ',') > 0 \
         AND (?6 = '[]' OR reason_id IN (SELECT value FROM json_each(?6))) \
         AND (variant_id IS NULL OR variant_id <> 'holdout')",
        &[
            text(id),
            text(to.as_str()),
            text(offer_id),
            opt_int(accepted_at),
            int(now),
            text(placement),
            opt_text(outcome_url),
        ],
    )
}

pub fn finish_offer(db: &D1Database, id: &str, now: i64) -> Result<D1PreparedStatement, AppError> {
    stmt(
        db,
        "UPDATE sessions SET status = 'offer_accepted', offer_accepted_at = ?2, updated_at = ?2 WHERE id = ?1",
        &[text(id), int(now)],
    )
}

/// What a save is worth, as read when it was confirmed.
pub struct SaveValue<'a> {
    pub verdict: &'a str,
    /// The MRR after the offer (the session keeps its MRR from before it,
    /// unless precancel could not read one).
    pub kept: Option<&'a Mrr>,
    pub offer_cost: Option<i64>,
    pub watch_until: i64,
}

/// The verdict at the moment of a save; a save stays on the watch list
/// until `watch_until`.
pub fn set_attribution(
    db: &D1Database,
    id: &str,
    v: &SaveValue<'_>,
    now: i64,
) -> Result<D1PreparedStatement, AppError> {
    let kept = v.kept.map(|m| m.amount);
    let currency = v.kept.map(|m| m.currency.as_str());
    stmt(
        db,
        "UPDATE sessions SET attribution = ?2, mrr_kept = ?3, mrr = COALESCE(mrr, ?3), mrr_currency = COALESCE(mrr_currency, ?4), \
         offer_cost = ?5, watch_until = ?6, updated_at = ?7 WHERE id = ?1",
        &[text(id), text(v.verdict), opt_int(kept), opt_text(currency), opt_int(v.offer_cost), int(v.watch_until), int(now)],
    )
}

/// A save whose watch has ended.
#[derive(Deserialize)]
pub struct DueSave {
    pub id: String,
    pub subscription_id: String,
    /// The MRR kept when the save was confirmed.
    pub mrr: Option<i64>,
}

pub async fn due_saves(db: &D1Database, now: i64, limit: u32) -> Result<Vec<DueSave>, AppError> {
    let res = stmt(
        db,
        "SELECT id, subscription_id, COALESCE(mrr_kept, mrr) AS mrr FROM sessions WHERE attribution IN ('confirmed', 'unknown') \
         AND watch_until <= ?1 AND subscription_id IS NOT NULL ORDER BY watch_until LIMIT ?2",
        &[int(now), int(i64::from(limit))],
    )?
    .all()
    .await?;
    Ok(res.results()?)
}

pub fn close_watch(
    db: &D1Database,
    id: &str,
    verdict: &str,
    reason: Option<&str>,
    now: i64,
) -> Result<D1PreparedStatement, AppError> {
    stmt(
        db,
        "UPDATE sessions SET attribution = ?2, attribution_reason = ?3, updated_at = ?4 WHERE id = ?1 AND attribution IN ('confirmed', 'unknown')",
        &[text(id), text(verdict), opt_text(reason), int(now)],
    )
}
