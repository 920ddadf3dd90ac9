//! The cancel page as plain HTML: every screen, as forms that post to the
//! edge (`routes::cancel_form`), so a customer can cancel with JavaScript
//! off or the wasm failing to load. When it starts, the Leptos app replaces
//! the survey (`#hf-prerender`) and runs the survey and offers itself; the
//! direct page, an offer screen a form led to, and the confirmation stay.
//! Written with `maud`, which escapes every value it is given.

pub mod public;
mod receipt;

pub use receipt::receipt_page;

use holdfast_core::api::session::{OfferPreview, SessionView};
use holdfast_core::i18n::Key;
use holdfast_core::intl;
use holdfast_core::jurisdiction::Mode;
use holdfast_core::locale::Locale;
use holdfast_core::receipt::{Contract, Receipt};
use holdfast_core::session::SessionStatus;
use maud::{html, Markup, PreEscaped, DOCTYPE};

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
    let view = page.view;
    let decided = !matches!(view.status, SessionStatus::Open | SessionStatus::Deflected);
    let inner = if decided {
        receipt::done(view, page.receipt.as_ref(), page.earlier)
    } else {
        let screen = match screen {
            Screen::Offer(p) => offer(view, p, error),
            Screen::First if view.mode == Mode::Direct => {
                direct(view, &page.contract, page.time_zone.as_deref(), error)
            }
            Screen::First => survey(view, error),
        };
        html! { form method="post" action={ "/cancel/" (page.token) } { (screen) } }
    };
    html! {
        main.page #hf-prerender {
            div.flow {
                header.brand {
                    @if let Some(src) = &view.logo_url {
                        img.logo src=(src) alt=(view.brand);
                    }
                    span { (view.brand) }
                }
                (inner)
            }
        }
    }
    .into_string()
}

/// A whole page of the edge's own (the printable receipt, the public cancel
/// page): no script, in `locale`, not for search engines, styled by `css`
/// alone (its hash goes in the page's policy).
pub fn document(locale: Locale, title: &str, css: &str, main: Markup) -> String {
    html! {
        (DOCTYPE)
        html lang=(locale.tag()) dir=(locale.dir()) {
            head {
                meta charset="utf-8";
                meta name="viewport" content="width=device-width, initial-scale=1";
                meta name="robots" content="noindex";
                title { (title) }
                style { (PreEscaped(css)) }
            }
            body { (main) }
        }
    }
    .into_string()
}

/// A short page with a heading and a message: what a link that does not
/// open says.
pub fn notice(heading: &str, message: &str) -> String {
    html! {
        main.page #hf-prerender {
            h1 { (heading) }
            p role="alert" data-testid="load-error" { (message) }
        }
    }
    .into_string()
}

fn alert(error: Option<&str>) -> Markup {
    html! {
        @if let Some(m) = error {
            p.error role="alert" data-testid="action-error" { (m) }
        }
    }
}

fn survey(v: &SessionView, error: Option<&str>) -> Markup {
    let t = &v.text;
    html! {
        h1 data-testid="title" dir="auto" { (v.title) }
        p.message data-testid="message" dir="auto" { (v.message) }
        fieldset.survey {
            legend dir="auto" { (v.survey_prompt) }
            @if v.mode == Mode::ClickToCancel {
                p.preview { (t.get(Key::SurveyOptional)) }
            }
            @for r in &v.reasons {
                label.reason {
                    input type="radio" name="reason" value=(r.id)
                        checked[v.chosen_reason.as_deref() == Some(r.id.as_str())];
                    span dir="auto" { (r.label) }
                }
                // The follow-up shows (by CSS) once its reason is picked.
                @if let Some(q) = &r.follow_up {
                    label.follow-up {
                        span dir="auto" { (q) }
                        textarea name={ "comment:" (r.id) } rows="3" maxlength="5000" {}
                    }
                }
            }
        }
        (alert(error))
        div.actions {
            button.danger name="do" value="cancel" data-testid="cancel-button" { (t.get(Key::Cancel)) }
            button.secondary name="do" value="keep" data-testid="keep-button" { (t.get(Key::Keep)) }
        }
    }
}

/// The direct cancellation: one page, the contract, the kind of
/// cancellation, the confirmation's address, one final button.
fn direct(v: &SessionView, c: &Contract, time_zone: Option<&str>, error: Option<&str>) -> Markup {
    let t = &v.text;
    let title = Some(c.title()).filter(|s| !s.is_empty());
    let ordinary = match c.period_end {
        Some(end) => t.fill(
            Key::Ordinary,
            &[("date", &intl::date(end, v.locale.as_str(), time_zone))],
        ),
        None => t.get(Key::OrdinaryNext).to_owned(),
    };
    let rows = [
        (Key::ContractLabel, &title),
        (Key::SubscriptionLabel, &c.subscription_id),
        (Key::CustomerLabel, &c.customer),
    ];
    html! {
        h1 data-testid="title" { (t.get(Key::DirectHeading)) }
        dl.contract data-testid="contract" {
            @for (label, value) in rows {
                @if let Some(x) = value {
                    dt { (t.get(label)) }
                    dd { (x) }
                }
            }
        }
        fieldset.kind {
            legend { (t.get(Key::KindLegend)) }
            label.reason {
                input type="radio" name="kind" value="ordinary" checked;
                span { (ordinary) }
            }
            label.reason {
                input type="radio" name="kind" value="extraordinary";
                span { (t.get(Key::Extraordinary)) }
            }
            label.extra-reason {
                span { (t.get(Key::ExtraordinaryReason)) }
                textarea name="extraordinary_reason" rows="2" maxlength="2000" {}
            }
        }
        label.field {
            span { (t.get(Key::EmailLabel)) }
            input type="email" name="email" autocomplete="email" value=(c.email.as_deref().unwrap_or_default());
        }
        (alert(error))
        div.actions {
            button.danger name="do" value="cancel" data-testid="cancel-button" { (t.get(Key::DirectButton)) }
        }
    }
}

fn offer(v: &SessionView, p: &OfferPreview, error: Option<&str>) -> Markup {
    let t = &v.text;
    html! {
        section aria-labelledby="offer-title" data-testid="offer" {
            h1 #offer-title { (p.offer.title) }
            p.message { (p.offer.body) }
            ul.offer-facts data-testid="offer-facts" {
                @for f in &p.facts { li { (f) } }
            }
            (alert(error))
            input type="hidden" name="offer" value=(p.offer.id);
            div.actions {
                button.primary name="do" value="accept" data-testid="accept-offer" { (p.offer.accept_label) }
                button.danger name="do" value="decline" data-testid="cancel-button" { (t.get(Key::DeclineOffer)) }
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_value_is_escaped_in_text_and_in_attributes() {
        let view: SessionView = serde_json::from_value(serde_json::json!({
            "status": "open", "brand": "A&B \"Shop\"", "title": "t", "message": "m",
            "survey_prompt": "p", "save_return_url": null, "cancel_confirmation_url": null,
            "logo_url": "https://x.test/a.png\" onerror=\"alert(1)",
            "chosen_reason": "r\"1",
            "reasons": [{"id": "r\"1", "label": "<b>Too dear</b>", "follow_up": "Why?"}],
        }))
        .expect("a view");
        let page = Page {
            view: &view,
            contract: Contract::default(),
            time_zone: None,
            receipt: None,
            earlier: false,
            token: "t\"0k",
        };
        let html = body(&page, Screen::First, Some("<i>try again</i>"));
        assert!(html.contains(r#"action="/cancel/t&quot;0k""#), "{html}");
        assert!(html.contains(r#"src="https://x.test/a.png&quot; onerror=&quot;alert(1)""#));
        assert!(html.contains(r#"value="r&quot;1" checked>"#), "{html}");
        assert!(html.contains(r#"name="comment:r&quot;1""#));
        assert!(html.contains("&lt;b&gt;Too dear&lt;/b&gt;"));
        assert!(html.contains("&lt;i&gt;try again&lt;/i&gt;"));
        assert!(!html.contains("<b>") && !html.contains("<i>"), "{html}");
    }
}
