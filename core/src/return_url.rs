//! Where a customer may be sent after the cancel page: an absolute web URL
//! without userinfo, on an origin the app lists. A URL sent by the browser
//! (`save_return_url`, `cancel_confirmation_url`) or written by the admin
//! (redirect offers, pass-through templates) passes only this way, so
//! nobody can make a merchant-branded cancel link end on a page of their
//! choosing (`https://merchant.example@evil.example/` included).

use url::Url;

use crate::template::{render_url, Fields};

/// Why a URL may not be used as a destination.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum Refused {
    #[error("it is not an absolute https URL")]
    NotWeb,
    #[error("it carries a user name or password before the host")]
    Userinfo,
    #[error("its site {0} is not on this app's list of return origins")]
    NotListed(String),
    #[error("its site must be written out, not filled from a placeholder")]
    TemplatedOrigin,
}

/// `https://host[:port]`, or `http://` for a loopback host (local
/// development), as the allow-list stores origins: lower case, no path.
pub fn normalize_origin(origin: &str) -> Option<String> {
    let url = Url::parse(origin).ok()?;
    let bare = authority(origin).is_some_and(|a| !a.contains('@'))
        && origin
            .split_once("://")
            .is_some_and(|(_, rest)| !rest.trim_end_matches('/').contains(['/', '?', '#', '\\']));
    (bare && allowed_scheme(&url)).then(|| url.origin().ascii_serialization())
}

fn allowed_scheme(url: &Url) -> bool {
    match url.scheme() {
        "https" => url.host().is_some(),
        "http" => matches!(url.host_str(), Some("localhost" | "127.0.0.1" | "[::1]")),
        _ => false,
    }
}

/// Parses a destination and says its origin, refusing userinfo and
/// anything but web URLs.
fn origin_of(raw: &str) -> Result<String, Refused> {
    let url = Url::parse(raw.trim()).map_err(|_| Refused::NotWeb)?;
    if !url.username().is_empty() || url.password().is_some() || has_at_in_authority(raw) {
        return Err(Refused::Userinfo);
    }
    if !allowed_scheme(&url) {
        return Err(Refused::NotWeb);
    }
    Ok(url.origin().ascii_serialization())
}

/// `user@host` in the authority, however the parser would read it.
fn has_at_in_authority(raw: &str) -> bool {
    authority(raw).is_some_and(|a| a.contains('@'))
}

/// The text between `scheme://` and the first `/`, `?`, `#` or `\`.
fn authority(raw: &str) -> Option<&str> {
    let rest = raw.trim().split_once("://")?.1;
    let end = rest.find(['/', '?', '#', '\\']).unwrap_or(rest.len());
    Some(&rest[..end])
}

/// Checks a destination URL against the app's `origins`.
pub fn check(raw: &str, origins: &[String]) -> Result<(), Refused> {
    let origin = origin_of(raw)?;
    if origins
        .iter()
        .any(|o| normalize_origin(o).as_deref() == Some(&origin))
    {
        Ok(())
    } else {
        Err(Refused::NotListed(origin))
    }
}

/// Checks a URL template (placeholders filled from the session): its scheme
/// and host must be literal text, and on the list.
pub fn check_template(template: &str, origins: &[String]) -> Result<(), Refused> {
    let head = template.trim().split_once("://").map(|(s, _)| s);
    let templated = head.is_none_or(|s| s.contains("{{"))
        || authority(template).is_none_or(|a| a.contains("{{") || a.contains("}}"));
    if templated {
        return Err(Refused::TemplatedOrigin);
    }
    check(&render_url(template, &Fields::new()), origins)
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    fn list() -> Vec<String> {
        vec![
            "https://merchant.example".into(),
            "http://127.0.0.1:8787".into(),
        ]
    }

    #[test]
    fn listed_origins_pass_and_others_are_named() {
        assert_eq!(
            check("https://merchant.example/account?saved=1", &list()),
            Ok(())
        );
        assert_eq!(check("https://MERCHANT.example:443/x", &list()), Ok(()));
        assert_eq!(check("http://127.0.0.1:8787/demo", &list()), Ok(()));
        assert_eq!(
            check("https://evil.example/", &list()),
            Err(Refused::NotListed("https://evil.example".into()))
        );
        assert_eq!(
            check("https://merchant.example.evil.example/", &list()),
            Err(Refused::NotListed(
                "https://merchant.example.evil.example".into()
            ))
        );
        assert!(
            check("http://merchant.example/", &list()).is_err(),
            "http off loopback"
        );
        assert!(
            check("http://127.0.0.1:9/", &list()).is_err(),
            "another port"
        );
    }

    #[test]
    fn userinfo_and_non_web_urls_are_refused_everywhere() {
        for bad in [
            "https://merchant.example@evil.example/",
            "https://merchant.example:pw@evil.example/",
            "https://@merchant.example/",
        ] {
            assert_eq!(check(bad, &list()), Err(Refused::Userinfo), "{bad}");
        }
        for bad in [
            "javascript:alert(1)",
            "data:text/html,x",
            "//merchant.example/",
            "ftp://merchant.example/",
        ] {
            assert!(check(bad, &list()).is_err(), "{bad}");
        }
    }

    /// Cargo.lock pins `idna_adapter` to 1.0 (no Unicode tables: 150 KB
    /// gzip less in the Worker), so hosts are ASCII: an internationalised
    /// domain is listed and sent in its punycode form.
    #[test]
    fn hosts_are_ascii_and_punycode_names_pass() {
        let list = vec!["https://xn--bcher-kva.example".to_owned()];
        assert_eq!(check("https://xn--bcher-kva.example/konto", &list), Ok(()));
        assert!(check("https://bücher.example/konto", &list).is_err());
    }

    #[test]
    fn a_template_must_write_its_origin_out() {
        let ok = "https://merchant.example/free?customer={{account.internal_id}}";
        assert_eq!(check_template(ok, &list()), Ok(()));
        for bad in [
            "https://{{custom.host}}/x",
            "{{custom.url}}",
            "https://merchant.example{{custom.suffix}}/x",
        ] {
            assert_eq!(
                check_template(bad, &list()),
                Err(Refused::TemplatedOrigin),
                "{bad}"
            );
        }
        assert!(check_template("https://evil.example/{{email}}", &list()).is_err());
    }

    #[test]
    fn origins_are_normalized_or_refused() {
        assert_eq!(
            normalize_origin("https://Merchant.example").as_deref(),
            Some("https://merchant.example")
        );
        assert_eq!(
            normalize_origin("https://merchant.example/").as_deref(),
            Some("https://merchant.example")
        );
        assert_eq!(
            normalize_origin("http://localhost:3000").as_deref(),
            Some("http://localhost:3000")
        );
        for bad in [
            "https://merchant.example/path",
            "https://a@merchant.example",
            "http://merchant.example",
            "merchant.example",
            "https://merchant.example?x",
        ] {
            assert_eq!(normalize_origin(bad), None, "{bad}");
        }
    }

    proptest! {
        /// Whatever the text, a URL that passes has a listed origin and no
        /// `@` before its path.
        #[test]
        fn a_passing_url_is_on_a_listed_origin(tail in "[a-z@:./?#%\\\\]{0,30}") {
            let raw = format!("https://merchant.example{tail}");
            if check(&raw, &list()).is_ok() {
                let url = Url::parse(&raw).expect("parsed");
                prop_assert_eq!(url.host_str(), Some("merchant.example"));
                prop_assert!(url.username().is_empty());
            }
        }
    }
}
