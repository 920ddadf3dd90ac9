//! Small HTTP helpers shared by the routes.

use futures_util::StreamExt;
use serde::Serialize;
use url::Url;
use worker::{Headers, Request, Response};

use crate::error::AppError;

/// A JSON answer. Serialising our own types cannot fail in practice; if it
/// ever did, a bare 500 goes out instead of a panic.
pub fn json<T: Serialize>(body: &T, status: u16) -> Response {
    let text = serde_json::to_string(body).unwrap_or_else(|_| "{}".to_owned());
    let headers = Headers::new();
    let _ = headers.set("content-type", "application/json; charset=utf-8");
    let _ = headers.set("cache-control", "no-store");
    let _ = harden(&headers, None, Referrer::None);
    Response::ok(text)
        .map(|r| r.with_status(status).with_headers(headers))
        .unwrap_or_else(|_| {
            Response::empty()
                .map(|r| r.with_status(500))
                .unwrap_or_else(|_| unreachable_response())
        })
}

/// How much of a page's URL its links may pass on.
#[derive(Debug, Clone, Copy)]
pub enum Referrer {
    /// Nothing: cancel pages and receipts carry a signed token in the URL.
    None,
    /// Only within the settings UI.
    SameOrigin,
}

/// A page in one language, never cached (it holds a session or a form's
/// one-time key), hardened with its content security policy.
pub fn localized_page(
    html: String,
    status: u16,
    language: &str,
    csp: &str,
) -> Result<Response, AppError> {
    let headers = Headers::new();
    for (k, v) in [
        ("content-type", "text/html; charset=utf-8"),
        ("cache-control", "no-store"),
        ("content-language", language),
        ("vary", "Accept-Language"),
    ] {
        headers.set(k, v)?;
    }
    harden(&headers, Some(csp), Referrer::None)?;
    Ok(Response::ok(html)?
        .with_status(status)
        .with_headers(headers))
}

/// The security headers, set here for every answer of ours: no MIME
/// sniffing, HTTPS from now on, the referrer rule, and for a page its
/// content security policy.
pub fn harden(headers: &Headers, csp: Option<&str>, referrer: Referrer) -> worker::Result<()> {
    headers.set("x-content-type-options", "nosniff")?;
    headers.set(
        "strict-transport-security",
        "max-age=31536000; includeSubDomains",
    )?;
    headers.set(
        "referrer-policy",
        match referrer {
            Referrer::None => "no-referrer",
            Referrer::SameOrigin => "same-origin",
        },
    )?;
    if let Some(csp) = csp {
        headers.set("content-security-policy", csp)?;
    }
    Ok(())
}

fn unreachable_response() -> Response {
    // Response::empty() only fails if the JS runtime itself is broken.
    Response::builder().with_status(500).fixed(Vec::new())
}

pub fn html(body: String) -> Result<Response, AppError> {
    let headers = Headers::new();
    headers.set("content-type", "text/html; charset=utf-8")?;
    headers.set("cache-control", "no-store")?;
    harden(&headers, None, Referrer::None)?;
    Ok(Response::ok(body)?.with_headers(headers))
}

/// Reads a body of at most `limit` bytes; a larger one is refused before it
/// is parsed.
pub async fn body(req: &mut Request, limit: usize) -> Result<Vec<u8>, AppError> {
    let too_large = || {
        AppError::bad(
            "body",
            format!("the request body is larger than {limit} bytes"),
        )
    };
    let unreadable = |_| AppError::bad("body", "the request body could not be read");
    let declared = req
        .headers()
        .get("content-length")
        .ok()
        .flatten()
        .and_then(|v| v.parse::<usize>().ok());
    match declared {
        Some(n) if n > limit => return Err(too_large()),
        // The runtime holds a body to its declared length: read it whole,
        // in one call instead of a round trip into the Worker per chunk.
        Some(_) => return req.bytes().await.map_err(unreadable),
        None => {}
    }
    // Read chunk by chunk, so a body sent without Content-Length (chunked)
    // is cut off at the limit instead of being held whole in memory. Past
    // the limit the rest is read and dropped (up to DRAIN_BYTES), so the
    // client's connection stays usable for its next request.
    let Ok(mut stream) = req.stream() else {
        return Ok(Vec::new());
    };
    let mut bytes = Vec::new();
    let mut over = 0usize;
    while let Some(chunk) = stream.next().await {
        let chunk = chunk.map_err(unreadable)?;
        if over > 0 || bytes.len() + chunk.len() > limit {
            over += chunk.len();
            if over > DRAIN_BYTES {
                break;
            }
            continue;
        }
        bytes.extend_from_slice(&chunk);
    }
    if over > 0 {
        return Err(too_large());
    }
    Ok(bytes)
}

/// How much of an over-long body is read and dropped before giving up.
const DRAIN_BYTES: usize = 1024 * 1024;

/// Parses a JSON body into `T`, naming the field at fault. An empty body
/// reads as `{}` so optional-only requests need no body. Every body is an
/// object: serde would also take a struct as an array of its fields.
pub fn parse_json<T: serde::de::DeserializeOwned>(bytes: &[u8]) -> Result<T, AppError> {
    let text = if bytes.is_empty() {
        b"{}".as_slice()
    } else {
        bytes
    };
    if text.iter().find(|b| !b.is_ascii_whitespace()) != Some(&b'{') {
        return Err(AppError::bad("body", "The body must be a JSON object."));
    }
    let mut de = serde_json::Deserializer::from_slice(text);
    serde_path_to_error::deserialize(&mut de).map_err(|e| {
        let path = e.path().to_string();
        let inner = e.into_inner().to_string();
        let message = inner.split(" at line ").next().unwrap_or(&inner).to_owned();
        // A missing field has no path of its own; serde names it in backticks.
        let missing = inner
            .strip_prefix("missing field `")
            .and_then(|rest| rest.split('`').next());
        let field = match (path.as_str(), missing) {
            (".", Some(name)) => name.to_owned(),
            (".", None) => "body".to_owned(),
            _ => path,
        };
        AppError::bad(&field, message)
    })
}

/// The raw request URL, as workerd gives it.
pub fn raw_url(req: &Request) -> String {
    req.inner().url()
}

/// `scheme://host[:port]` of a URL string; None when it does not parse or
/// has no host to be an origin.
pub fn origin_of(url: &str) -> Option<String> {
    let origin = Url::parse(url).ok()?.origin();
    origin.is_tuple().then(|| origin.ascii_serialization())
}

/// The value of query parameter `name`, percent-decoded.
pub fn query_param(url: &str, name: &str) -> Option<String> {
    Url::parse(url)
        .ok()?
        .query_pairs()
        .find(|(k, _)| k == name)
        .map(|(_, v)| v.into_owned())
}

/// Seconds from a `Retry-After` header (the delta form, as Stripe and
/// webhook receivers send it).
pub fn retry_after_secs(headers: &Headers) -> Option<u64> {
    headers
        .get("retry-after")
        .ok()
        .flatten()
        .and_then(|v| v.trim().parse().ok())
}

/// The time zone Cloudflare places the request in (IANA name).
pub fn time_zone(req: &worker::Request) -> Option<String> {
    req.cf()
        .map(|cf| cf.timezone_name())
        .filter(|tz| !tz.is_empty())
}

/// The client, as rate limits count it: its address as Cloudflare reports
/// it, IPv6 per /64 (see `holdfast_core::client_key`).
pub fn client(req: &Request) -> String {
    let addr = req.headers().get("cf-connecting-ip").ok().flatten();
    holdfast_core::client_key::of(addr.as_deref().unwrap_or_default())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn an_origin_is_scheme_host_and_a_port_that_is_not_the_default() {
        assert_eq!(
            origin_of("http://127.0.0.1:8787/demo?x=1").as_deref(),
            Some("http://127.0.0.1:8787")
        );
        assert_eq!(
            origin_of("https://Shop.Example:443/a#b").as_deref(),
            Some("https://shop.example")
        );
        assert_eq!(origin_of("data:text/plain,hi"), None);
        assert_eq!(origin_of("not a url"), None);
    }

    #[test]
    fn a_query_parameter_is_decoded_and_the_fragment_is_not_the_query() {
        let url = "https://x.test/demo?subscription=sub_1&country=US%2DCA#country=DE";
        assert_eq!(query_param(url, "country").as_deref(), Some("US-CA"));
        assert_eq!(query_param(url, "subscription").as_deref(), Some("sub_1"));
        assert_eq!(query_param(url, "missing"), None);
    }
}
