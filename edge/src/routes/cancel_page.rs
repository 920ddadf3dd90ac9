//! `GET /cancel/{token}`: the cancel page's HTML with the session's view
//! inside, so the page needs no API round trip before its first screen, and
//! with that screen's heading and message already in the HTML, painted
//! before the wasm has loaded. Sent with a strict CSP and no referrer (the
//! URL holds the session's token).

use holdfast_core::api::session::{OfferPreview, SessionView};
use holdfast_core::i18n::{self, Key};
use holdfast_core::locale::Locale;
use holdfast_core::signing::csp_hash;
use worker::Response;

use super::{sessions, Ctx};
use crate::error::AppError;
use crate::page::{self, Page, Screen};
use crate::store::sessions::Session;

pub async fn serve(req: worker::Request, ctx: Ctx) -> Result<Response, AppError> {
    let now = crate::clock::now_secs();
    // A link that no longer works still gets the page, which says so, with
    // the status that says why (404 unknown, 410 expired).
    let loaded = sessions::load(&ctx, now).await;
    let (body, framers, status, locale) = match loaded {
        Ok((db, s)) => {
            let view = sessions::view_for(&req, &s, now);
            let offer = shown_offer(&req, &ctx, &db, &s, now).await;
            let screen = offer.as_ref().map_or(Screen::First, Screen::Offer);
            let body = page::body(&page_of(&view, &s, token(&ctx)), screen, None);
            (
                with_data(&body, view),
                s.settings.embed_origins.clone(),
                200,
                sessions::locale_of(&req, &s),
            )
        }
        Err(e) => {
            let (status, message) = e.answered();
            let accept = req.headers().get("accept-language").ok().flatten();
            let locale = Locale::choose(None, accept.as_deref(), Locale::En);
            let body = page::notice(i18n::get(locale, Key::LoadError), &message);
            (body, Vec::new(), status, locale)
        }
    };
    respond(&req, &ctx, &body, &framers, status, locale).await
}

/// The page's HTML around `body`, with the page's language and the
/// headers every cancel page carries.
pub(super) async fn respond(
    req: &worker::Request,
    ctx: &Ctx,
    body: &str,
    framers: &[String],
    status: u16,
    locale: Locale,
) -> Result<Response, AppError> {
    let mut shell = super::asset(req, ctx, "/index.html").await?;
    let shell = shell.text().await?;
    let html = localized(&inject(&shell, body), locale);
    // Only the sites the app lists may frame the page (a modal on the
    // merchant's own pages); their origins were checked when saved.
    let framers = if framers.is_empty() {
        "'none'".to_owned()
    } else {
        framers.join(" ")
    };
    let csp = format!(
        // Merchants' logos may live on any https host. The build inlines the
        // stylesheet; its hash allows that one <style> and nothing else.
        "default-src 'self'; script-src 'self' 'wasm-unsafe-eval'; style-src 'self' {}; img-src 'self' https: data:; connect-src 'self'; base-uri 'none'; form-action 'self'; object-src 'none'; frame-ancestors {framers}",
        inline_style(&shell).map(csp_hash).unwrap_or_default()
    );
    crate::http::localized_page(html, status, locale.tag(), &csp)
}

/// The page's parts for `s`: the receipt's end date as Stripe last said.
pub(super) fn page_of<'a>(view: &'a SessionView, s: &Session, token: &'a str) -> Page<'a> {
    Page {
        view,
        contract: crate::receipt::contract(s),
        time_zone: s.time_zone.clone(),
        receipt: match &s.earlier {
            Some(p) => Some(crate::cancel::earlier_receipt(p)),
            None => s.receipt.clone().map(|mut r| {
                r.ends_at = s.cancel_effective_at.or(r.ends_at);
                r
            }),
        },
        earlier: s.earlier.is_some(),
        token,
    }
}

fn token(ctx: &Ctx) -> &str {
    ctx.param("token").map_or("", String::as_str)
}

/// The offer screen a form post led to (`?offer=`), when that offer was
/// shown on this session; its preview is the one kept when it was shown.
async fn shown_offer(
    req: &worker::Request,
    ctx: &Ctx,
    db: &worker::D1Database,
    s: &crate::store::sessions::Session,
    now: i64,
) -> Option<OfferPreview> {
    let url = req.url().ok()?;
    let id = url
        .query_pairs()
        .find(|(k, _)| k == "offer")?
        .1
        .into_owned();
    if !s.shown_offers.contains(&id) || !s.status.can_accept_offer() {
        return None;
    }
    let config = sessions::stripe_config(ctx, s);
    let preview = crate::offers::show(db, &config, s, &id, now).await.ok()?;
    Some(holdfast_core::wording::localized(
        preview,
        &s.settings,
        &s.fields,
        sessions::locale_of(req, s),
        s.time_zone.as_deref(),
    ))
}

/// `<html lang dir>` and the title in the page's language.
fn localized(html: &str, locale: Locale) -> String {
    let title = i18n::get(locale, Key::PageTitle);
    // The build minifies the shell (`<html lang=en>`): the whole tag goes.
    let html = match html
        .find("<html")
        .and_then(|at| Some((at, at + html[at..].find('>')?)))
    {
        Some((start, end)) => format!(
            r#"{}<html lang="{}" dir="{}">{}"#,
            &html[..start],
            locale.tag(),
            locale.dir(),
            &html[end + 1..]
        ),
        None => html.to_owned(),
    };
    html.replacen(
        "<title>Cancel your subscription</title>",
        &maud::html! { title { (title) } }.into_string(),
        1,
    )
}

/// The text of the shell's one inline `<style>`, if the build put one there.
fn inline_style(shell: &str) -> Option<&str> {
    let start = shell.find("<style>")? + "<style>".len();
    let len = shell[start..].find("</style>")?;
    Some(&shell[start..start + len])
}

/// The view as a JSON data block (never executed, so the CSP allows it)
/// after the page's own markup.
fn with_data(body: &str, mut v: SessionView) -> String {
    v.text = v.text.only(holdfast_core::i18n::APP_KEYS);
    // No `<` at all in the data block (JSON has `<` only inside strings,
    // where `\u003c` means the same): nothing can end it early.
    let json = serde_json::to_string(&v)
        .unwrap_or_default()
        .replace('<', "\\u003c");
    format!(r#"{body}<script type="application/json" id="hf-session">{json}</script>"#)
}

/// The shell with `body` at the start of `<body>`.
fn inject(shell: &str, body: &str) -> String {
    match shell.find("<body>") {
        Some(at) => {
            let (head, rest) = shell.split_at(at + "<body>".len());
            format!("{head}{body}{rest}")
        }
        None => shell.to_owned(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn view(title: &str) -> SessionView {
        serde_json::from_value(serde_json::json!({
            "status": "open", "brand": "Acme", "title": title, "message": "m", "survey_prompt": "p",
            "reasons": [], "save_return_url": null, "cancel_confirmation_url": null,
        }))
        .expect("a view")
    }

    #[test]
    fn customer_text_cannot_leave_its_element_or_the_data_block() {
        let v = view("</script><script>alert(1)</script>");
        let page = Page {
            view: &v,
            contract: Default::default(),
            time_zone: None,
            receipt: None,
            earlier: false,
            token: "t0k",
        };
        let body = page::body(&page, Screen::First, None);
        let html = inject("<html><body></body></html>", &with_data(&body, v));
        assert!(!html.contains("<script>alert"), "{html}");
        assert!(html.contains("&lt;/script&gt;&lt;script&gt;alert(1)&lt;/script&gt;"));
        assert!(html.contains(r#"\u003c/script>\u003cscript>alert(1)\u003c/script>"#));
        assert_eq!(
            html.matches("</script>").count(),
            1,
            "only the data block's own end: {html}"
        );
    }

    #[test]
    fn the_inline_style_is_found_for_its_hash() {
        assert_eq!(
            inline_style("<head><style>a{b:c}</style></head>"),
            Some("a{b:c}")
        );
        assert_eq!(inline_style("<head></head>"), None);
    }

    #[test]
    fn the_page_takes_the_sessions_language_and_direction() {
        let html = localized(
            "<!doctype html><html lang=en><head><title>Cancel your subscription</title></head></html>",
            Locale::Ar,
        );
        assert!(
            html.starts_with(r#"<!doctype html><html lang="ar" dir="rtl"><head>"#),
            "{html}"
        );
        assert!(html.contains("<title>إلغاء اشتراكك</title>"), "{html}");
    }
}
