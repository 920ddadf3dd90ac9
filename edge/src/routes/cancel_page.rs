//! `GET /cancel/{token}`: the cancel page's HTML with the session's view
//! inside, so the page needs no API round trip before its first screen, and
//! with that screen's heading and message already in the HTML, painted
//! before the wasm has loaded. Sent with a strict CSP and no referrer (the
//! URL holds the session's token).

use holdfast_core::api::SessionView;
use holdfast_core::session::SessionStatus;
use holdfast_core::signing::csp_hash;
use worker::{Headers, Response};

use super::{sessions, Ctx};
use crate::error::AppError;
use crate::http;

pub async fn serve(req: worker::Request, ctx: Ctx) -> Result<Response, AppError> {
    // A link that no longer works still gets the page, which says so, with
    // the status that says why (404 unknown, 410 expired).
    let (view, framers, status) = match sessions::view_of(&ctx).await {
        Ok((v, f)) => (Some(v), f, 200),
        Err(e) => (None, Vec::new(), e.status()),
    };
    let origin = http::origin_of(&http::raw_url(&req)).unwrap_or_default();
    let mut shell = ctx
        .env
        .assets(crate::config::ASSETS)?
        .fetch(format!("{origin}/index.html"), None)
        .await?;
    let shell = shell.text().await?;
    let html = with_session(&shell, view.as_ref());
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
    let headers = Headers::new();
    for (k, v) in [
        ("content-type", "text/html; charset=utf-8"),
        ("cache-control", "no-store"),
        ("content-security-policy", csp.as_str()),
        ("x-content-type-options", "nosniff"),
        ("referrer-policy", "no-referrer"),
        (
            "strict-transport-security",
            "max-age=31536000; includeSubDomains",
        ),
    ] {
        headers.set(k, v)?;
    }
    Ok(Response::ok(html)?
        .with_status(status)
        .with_headers(headers))
}

/// The text of the shell's one inline `<style>`, if the build put one there.
fn inline_style(shell: &str) -> Option<&str> {
    let start = shell.find("<style>")? + "<style>".len();
    let len = shell[start..].find("</style>")?;
    Some(&shell[start..start + len])
}

/// The shell with the view as a JSON data block (never executed, so the CSP
/// allows it) and, for the first screen, its heading and message.
fn with_session(shell: &str, view: Option<&SessionView>) -> String {
    let Some(v) = view else {
        return shell.to_owned();
    };
    // No `<` at all in the data block (JSON has `<` only inside strings,
    // where `\u003c` means the same): nothing can end it early.
    let json = serde_json::to_string(v)
        .unwrap_or_default()
        .replace('<', "\\u003c");
    let first_screen = matches!(v.status, SessionStatus::Open | SessionStatus::Deflected)
        .then(|| first_screen(v))
        .unwrap_or_default();
    let data = format!(r#"<script type="application/json" id="hf-session">{json}</script>"#);
    match shell.find("<body>") {
        Some(at) => {
            let (head, body) = shell.split_at(at + "<body>".len());
            format!("{head}{first_screen}{data}{body}")
        }
        None => shell.to_owned(),
    }
}

/// The survey screen as the app renders it, inert until the app replaces
/// it: every element the largest paint could be is already there.
fn first_screen(v: &SessionView) -> String {
    let e = |t: &str| html_escape::encode_text(t).into_owned();
    let reasons: String = v
        .reasons
        .iter()
        .map(|r| {
            format!(
                r#"<label class="reason"><input type="radio" name="reason" disabled><span>{}</span></label>"#,
                e(&r.label)
            )
        })
        .collect();
    format!(
        r#"<main class="page" id="hf-prerender"><div class="flow"><header class="brand"><span>{}</span></header><h1>{}</h1><p class="message">{}</p><fieldset class="survey"><legend>{}</legend>{reasons}</fieldset><div class="actions"><button class="danger" disabled>Cancel subscription</button><button class="secondary" disabled>Keep my subscription</button></div></div></main>"#,
        e(&v.brand),
        e(&v.title),
        e(&v.message),
        e(&v.survey_prompt)
    )
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
        let html = with_session(
            "<html><body><noscript></noscript></body></html>",
            Some(&view("</script><script>alert(1)</script>")),
        );
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
    fn without_a_session_the_shell_is_unchanged() {
        assert_eq!(with_session("<body></body>", None), "<body></body>");
    }
}
