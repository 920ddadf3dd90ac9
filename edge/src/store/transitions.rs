//! Each guarded change of a session's state: a statement that changes the
//! row only from the states it may leave (`SessionStatus::UNDECIDED` for
//! every decision), so of concurrent requests one wins and the caller reads
//! `won` to know which.

use holdfast_core::experiment::HOLDOUT;
use holdfast_core::receipt::Receipt;
use holdfast_core::session::SessionStatus;
use worker::{D1Database, D1PreparedStatement};

use super::{int, opt_int, opt_text, text, update_row};
use crate::error::AppError;

/// `status IN ('open', 'deflected')`: the guard of every decision, from
/// `SessionStatus::UNDECIDED`.
fn undecided() -> String {
    format!(
        "status IN ({})",
        SessionStatus::sql_list(SessionStatus::UNDECIDED)
    )
}

/// The offer guards: placed for the session's reason (`[]`: any), and never
/// in a holdout. Takes the placement twice.
fn offer_guard() -> String {
    format!("(? = '[]' OR reason_id IN (SELECT value FROM json_each(?))) AND (variant_id IS NULL OR variant_id <> '{HOLDOUT}')")
}

/// Moves the session from one of `from` to `to`; changes nothing when it is
/// elsewhere (the caller reads `won` to know who won).
pub fn transition(
    db: &D1Database,
    id: &str,
    from: &[SessionStatus],
    to: SessionStatus,
    now: i64,
) -> Result<D1PreparedStatement, AppError> {
    update_row(
        db,
        "sessions",
        &[("status", text(to.as_str())), ("updated_at", int(now))],
        &[],
        &format!("id = ? AND status IN ({})", SessionStatus::sql_list(from)),
        &[text(id)],
    )
}

/// Records the chosen reason, at most `max_changes` times per session and
/// only while nothing is decided; the caller reads `won`.
pub fn set_reason(
    db: &D1Database,
    id: &str,
    reason_id: &str,
    comment: Option<&str>,
    max_changes: u32,
    now: i64,
) -> Result<D1PreparedStatement, AppError> {
    update_row(
        db,
        "sessions",
        &[
            ("reason_id", text(reason_id)),
            ("comment", opt_text(comment)),
            ("updated_at", int(now)),
        ],
        &["reason_changes = reason_changes + 1"],
        &format!("id = ? AND {} AND reason_changes < ?", undecided()),
        &[text(id), int(i64::from(max_changes))],
    )
}

pub fn finish_cancel(
    db: &D1Database,
    id: &str,
    effective_at: Option<i64>,
    now: i64,
) -> Result<D1PreparedStatement, AppError> {
    update_row(
        db,
        "sessions",
        &[
            ("status", text(SessionStatus::Cancelled.as_str())),
            ("cancel_effective_at", opt_int(effective_at)),
            ("updated_at", int(now)),
        ],
        &[],
        "id = ?",
        &[text(id)],
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
    let receipt = receipt.map(serde_json::to_string).transpose()?;
    update_row(
        db,
        "sessions",
        &[
            ("status", text(to.as_str())),
            ("reason_id = COALESCE(?, reason_id)", opt_text(reason_id)),
            ("comment = COALESCE(?, comment)", opt_text(comment)),
            ("outcome_url", opt_text(outcome_url)),
            ("receipt", opt_text(receipt.as_deref())),
            ("updated_at", int(now)),
        ],
        &[],
        &format!("id = ? AND {} AND {}", undecided(), no_cancel_since_start()),
        &[text(id)],
    )
}

/// No other session of the app has cancelled this session's subscription
/// since this one started: of concurrent cancels of one subscription from
/// several sessions, one lands (and sends its one message); the others
/// answer with its receipt. Earlier cancels are judged before, with what
/// Stripe said when this session started (`cancel::standing`).
fn no_cancel_since_start() -> String {
    format!(
        "NOT EXISTS (SELECT 1 FROM sessions x WHERE {} \
         AND json_extract(x.receipt, '$.received_at') >= sessions.created_at)",
        super::sessions::other_cancel("x", "sessions")
    )
}

/// The reasons an offer is placed for, as the JSON array the guards below
/// compare `reason_id` with (`[]`: any reason).
pub fn placement(reasons: &[String]) -> Result<String, AppError> {
    Ok(serde_json::to_string(reasons)?)
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
    update_row(
        db,
        "sessions",
        &[
            ("shown_offer_id", text(offer_id)),
            (
                "shown_offer_ids = COALESCE(NULLIF(shown_offer_ids, ''), ',') || ? || ','",
                text(offer_id),
            ),
            ("updated_at", int(now)),
        ],
        &["offers_shown = offers_shown + 1"],
        &format!(
            "id = ? AND {} AND offers_shown < ? AND instr(shown_offer_ids, ',' || ? || ',') = 0 AND {}",
            undecided(),
            offer_guard()
        ),
        &[
            text(id),
            int(i64::from(max_screens)),
            text(offer_id),
            text(placement),
            text(placement),
        ],
    )
}

/// Keeps an offer's first preview with the session.
pub fn keep_preview(
    db: &D1Database,
    id: &str,
    offer_id: &str,
    preview: &str,
) -> Result<D1PreparedStatement, AppError> {
    update_row(
        db,
        "sessions",
        &[(
            "offer_previews = json_set(COALESCE(offer_previews, '{}'), '$.\"' || ? || '\"', json(?))",
            text(offer_id),
        )],
        &[],
        "id = ?",
        &[text(preview), text(id)],
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
    update_row(
        db,
        "sessions",
        &[
            ("status", text(to.as_str())),
            ("offer_id", text(offer_id)),
            ("offer_accepted_at", opt_int(accepted_at)),
            ("outcome_url", opt_text(outcome_url)),
            ("updated_at", int(now)),
        ],
        &[],
        &format!(
            "id = ? AND {} AND instr(shown_offer_ids, ',' || ? || ',') > 0 AND {}",
            undecided(),
            offer_guard()
        ),
        &[text(id), text(offer_id), text(placement), text(placement)],
    )
}

pub fn finish_offer(db: &D1Database, id: &str, now: i64) -> Result<D1PreparedStatement, AppError> {
    update_row(
        db,
        "sessions",
        &[
            ("status", text(SessionStatus::OfferAccepted.as_str())),
            ("offer_accepted_at", int(now)),
            ("updated_at", int(now)),
        ],
        &[],
        "id = ?",
        &[text(id)],
    )
}
