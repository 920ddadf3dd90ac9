//! The cancel page as plain HTML: every screen, as forms that post to the
//! edge (`routes::cancel_form`), so a customer can cancel with JavaScript
//! off or the wasm failing to load. When it starts, the Leptos app replaces
//! the survey (`#hf-prerender`) and runs the survey and offers itself; the
//! direct page, an offer screen a form led to, and the confirmation stay.

mod receipt;

pub use receipt::receipt_page;

use holdfast_core::api::session::{OfferPreview, SessionView};
use holdfast_core::i18n::Key;
use holdfast_core::intl;
use holdfast_core::jurisdiction::Mode;
use holdfast_core::receipt::{Contract, Receipt};
use holdfast_core::session::SessionStatus;

/// Text for HTML: escaped.
pub fn e(t: &str) -> String {
    html_escape::encode_text(t).into_owned()
}

/// An attribute value: escaped, quotes included.
pub fn a(t: &str) -> String {
    html_escape::encode_double_quoted_attribute(t).into_owned()
}

/// What the page shows next.
pub enum Screen<'a> {
    /// The first screen (survey, or the direct confirmation page).
    First,
    /// An offer that was shown on this session.
    Offer(&'a OfferPreview),
}

/// One session's page: its view, and what the direct page and the
/// confirmation show besides.
pub struct Page<'a> {
    pub view: &'a SessionView,
    pub contract: Contract,
    /// The customer's time zone, for the dates on the page.
    pub time_zone: Option<String>,
    pub receipt: Option<Receipt>,
    /// The receipt is an earlier session's, whose cancel still stands.
    pub earlier: bool,
    pub token: &'a str,
}

/// The page's body, with `error` above the actions.
pub fn body(page: &Page<'_>, screen: Screen<'_>, error: Option<&str>) -> String {
    let (view, token) = (page.view, page.token);
    let decided = !matches!(view.status, SessionStatus::Open | SessionStatus::Deflected);
    let inner = if decided {
        receipt::done(view, page.receipt.as_ref(), page.earlier)
    } else {
        match screen {
            Screen::Offer(p) => offer(view, p, error),
            Screen::First if view.mode == Mode::Direct => {
                direct(view, &page.contract, page.time_zone.as_deref(), error)
            }
            Screen::First => survey(view, error),
        }
    };
    let inner = if decided {
        inner
    } else {
        format!(
            r#"<form method="post" action="/cancel/{}">{inner}</form>"#,
            a(token)
        )
    };
    let logo = view
        .logo_url
        .as_ref()
        .map(|src| {
            format!(
                r#"<img class="logo" src="{}" alt="{}">"#,
                a(src),
                a(&view.brand)
            )
        })
        .unwrap_or_default();
    format!(
        r#"<main class="page" id="hf-prerender"><div class="flow"><header class="brand">{logo}<span>{}</span></header>{inner}</div></main>"#,
        e(&view.brand)
    )
}

fn alert(error: Option<&str>) -> String {
    error
        .map(|m| {
            format!(
                r#"<p role="alert" class="error" data-testid="action-error">{}</p>"#,
                e(m)
            )
        })
        .unwrap_or_default()
}

fn survey(v: &SessionView, error: Option<&str>) -> String {
    let t = &v.text;
    let reasons: String = v
        .reasons
        .iter()
        .map(|r| {
            let checked = if v.chosen_reason.as_deref() == Some(r.id.as_str()) {
                " checked"
            } else {
                ""
            };
            // The follow-up shows (by CSS) once its reason is picked.
            let follow_up = r.follow_up.as_ref().map(|q| {
                format!(
                    r#"<label class="follow-up"><span dir="auto">{}</span><textarea name="comment:{}" rows="3" maxlength="5000"></textarea></label>"#,
                    e(q),
                    a(&r.id)
                )
            });
            format!(
                r#"<label class="reason"><input type="radio" name="reason" value="{}"{checked}><span dir="auto">{}</span></label>{}"#,
                a(&r.id),
                e(&r.label),
                follow_up.unwrap_or_default()
            )
        })
        .collect();
    let optional = if v.mode == Mode::ClickToCancel {
        format!(
            r#"<p class="preview">{}</p>"#,
            e(t.get(Key::SurveyOptional))
        )
    } else {
        String::new()
    };
    format!(
        r#"<h1 data-testid="title" dir="auto">{}</h1><p class="message" data-testid="message" dir="auto">{}</p><fieldset class="survey"><legend dir="auto">{}</legend>{optional}{reasons}</fieldset>{}<div class="actions"><button class="danger" name="do" value="cancel" data-testid="cancel-button">{}</button><button class="secondary" name="do" value="keep" data-testid="keep-button">{}</button></div>"#,
        e(&v.title),
        e(&v.message),
        e(&v.survey_prompt),
        alert(error),
        e(t.get(Key::Cancel)),
        e(t.get(Key::Keep)),
    )
}

/// The direct cancellation: one page, the contract, the kind of
/// cancellation, the confirmation's address, one final button.
fn direct(v: &SessionView, c: &Contract, time_zone: Option<&str>, error: Option<&str>) -> String {
    let t = &v.text;
    let locale = v.locale.as_str();
    let row = |label: Key, value: &Option<String>| {
        value
            .as_ref()
            .map(|x| format!("<dt>{}</dt><dd>{}</dd>", e(t.get(label)), e(x)))
            .unwrap_or_default()
    };
    let title = Some(c.title()).filter(|s| !s.is_empty());
    let ordinary = match c.period_end {
        Some(end) => t.fill(
            Key::Ordinary,
            &[("date", &intl::date(end, locale, time_zone))],
        ),
        None => t.get(Key::OrdinaryNext).to_owned(),
    };
    format!(
        r#"<h1 data-testid="title">{}</h1><dl class="contract" data-testid="contract">{}{}{}</dl><fieldset class="kind"><legend>{}</legend><label class="reason"><input type="radio" name="kind" value="ordinary" checked><span>{}</span></label><label class="reason"><input type="radio" name="kind" value="extraordinary"><span>{}</span></label><label class="extra-reason"><span>{}</span><textarea name="extraordinary_reason" rows="2" maxlength="2000"></textarea></label></fieldset><label class="field"><span>{}</span><input type="email" name="email" autocomplete="email" value="{}"></label>{}<div class="actions"><button class="danger" name="do" value="cancel" data-testid="cancel-button">{}</button></div>"#,
        e(t.get(Key::DirectHeading)),
        row(Key::ContractLabel, &title),
        row(Key::SubscriptionLabel, &c.subscription_id),
        row(Key::CustomerLabel, &c.customer),
        e(t.get(Key::KindLegend)),
        e(&ordinary),
        e(t.get(Key::Extraordinary)),
        e(t.get(Key::ExtraordinaryReason)),
        e(t.get(Key::EmailLabel)),
        a(c.email.as_deref().unwrap_or_default()),
        alert(error),
        e(t.get(Key::DirectButton)),
    )
}

fn offer(v: &SessionView, p: &OfferPreview, error: Option<&str>) -> String {
    let t = &v.text;
    let facts: String = p
        .facts
        .iter()
        .map(|f| format!("<li>{}</li>", e(f)))
        .collect();
    format!(
        r#"<section aria-labelledby="offer-title" data-testid="offer"><h1 id="offer-title">{}</h1><p class="message">{}</p><ul class="offer-facts" data-testid="offer-facts">{facts}</ul>{}<input type="hidden" name="offer" value="{}"><div class="actions"><button class="primary" name="do" value="accept" data-testid="accept-offer">{}</button><button class="danger" name="do" value="decline" data-testid="cancel-button">{}</button></div></section>"#,
        e(&p.offer.title),
        e(&p.offer.body),
        alert(error),
        a(&p.offer.id),
        e(&p.offer.accept_label),
        e(t.get(Key::DeclineOffer)),
    )
}
