//! Which URLs Holdfast may send webhooks to: HTTPS to a public host. A
//! private, loopback or link-local address (written in any of the forms a
//! URL parser accepts, such as `2130706433` for 127.0.0.1) is refused
//! unless the development setting allows it.

use std::net::{IpAddr, Ipv4Addr, Ipv6Addr};

/// Checks an endpoint URL; the error says what is wrong with it.
pub fn check(url: &str, allow_private: bool) -> Result<(), String> {
    if url.len() > 2048 {
        return Err("is longer than 2048 characters".into());
    }
    if url.chars().any(|c| c.is_whitespace() || c.is_control()) {
        return Err("may not contain spaces or control characters".into());
    }
    let (scheme, rest) = url
        .split_once("://")
        .ok_or("must be an absolute URL, like https://example.com/hooks")?;
    match scheme.to_ascii_lowercase().as_str() {
        "https" => {}
        "http" if allow_private => {}
        _ => return Err("must use https".into()),
    }
    let authority = rest.split(['/', '?', '#']).next().unwrap_or("");
    if authority.contains('@') {
        return Err("may not carry a user name or password".into());
    }
    let host = host_of(authority).ok_or("has no valid host")?;
    if allow_private {
        return Ok(());
    }
    match parse_ip(&host) {
        Some(ip) if !is_public(ip) => {
            Err("points to a private, loopback or link-local address".into())
        }
        Some(_) => Ok(()),
        None if is_internal_name(&host) => Err("points to a local or internal host name".into()),
        None => Ok(()),
    }
}

/// The host of `host[:port]` or `[v6][:port]`, lower-cased, without a
/// trailing dot.
fn host_of(authority: &str) -> Option<String> {
    let host = if let Some(rest) = authority.strip_prefix('[') {
        let (v6, after) = rest.split_once(']')?;
        if !(after.is_empty() || after.starts_with(':')) {
            return None;
        }
        return v6.parse::<Ipv6Addr>().ok().map(|ip| ip.to_string());
    } else {
        match authority.rsplit_once(':') {
            Some((h, port)) if port.chars().all(|c| c.is_ascii_digit()) => h,
            Some(_) => return None,
            None => authority,
        }
    };
    let host = host.trim_end_matches('.').to_ascii_lowercase();
    let valid = !host.is_empty()
        && host.len() <= 253
        && host.split('.').all(|label| {
            !label.is_empty()
                && label.len() <= 63
                && label
                    .chars()
                    .all(|c| c.is_ascii_alphanumeric() || c == '-' || c == '_')
        });
    valid.then_some(host)
}

/// An IP address in any form a URL parser reads as one: dotted decimal,
/// a single number, hex or octal parts (WHATWG's IPv4 parser), or IPv6.
fn parse_ip(host: &str) -> Option<IpAddr> {
    if let Ok(ip) = host.parse::<IpAddr>() {
        return Some(ip);
    }
    let parts: Vec<&str> = host.split('.').collect();
    // A host whose last label is numeric is an IPv4 address to a URL parser.
    let last = parts.last()?;
    number(last)?;
    let nums: Option<Vec<u64>> = parts.iter().map(|p| number(p)).collect();
    let nums = nums?;
    let (head, tail) = nums.split_at(nums.len() - 1);
    if nums.len() > 4 || head.iter().any(|n| *n > 255) {
        // Not a valid address: refuse it as if it were a private one.
        return Some(IpAddr::V4(Ipv4Addr::UNSPECIFIED));
    }
    let mut value: u64 = 0;
    for n in head {
        value = value << 8 | n;
    }
    let shift = 8 * (4 - head.len() as u32);
    let value = (value << shift) | tail.first().copied().unwrap_or(0);
    Some(IpAddr::V4(Ipv4Addr::from(
        u32::try_from(value).unwrap_or(0),
    )))
}

fn number(s: &str) -> Option<u64> {
    if s.is_empty() {
        return None;
    }
    if let Some(hex) = s.strip_prefix("0x").or_else(|| s.strip_prefix("0X")) {
        return if hex.is_empty() {
            Some(0)
        } else {
            u64::from_str_radix(hex, 16).ok()
        };
    }
    if s.len() > 1 && s.starts_with('0') {
        return u64::from_str_radix(&s[1..], 8).ok();
    }
    s.parse().ok()
}

fn is_public(ip: IpAddr) -> bool {
    match ip {
        IpAddr::V4(v4) => is_public_v4(v4),
        IpAddr::V6(v6) => {
            if let Some(v4) = embedded_v4(v6) {
                return is_public_v4(v4);
            }
            let s = v6.segments();
            !(v6.is_loopback()
                || v6.is_unspecified()
                || (s[0] & 0xfe00) == 0xfc00 // unique local
                || (s[0] & 0xffc0) == 0xfe80 // link-local
                || (s[0] & 0xff00) == 0xff00 // multicast
                || (s[0] == 0x64 && s[1] == 0xff9b) // NAT64 (and local-use NAT64) reach IPv4 inside
                || (s[0] == 0x2001 && s[1] == 0) // Teredo hides an IPv4 address
                || (s[0] == 0x2001 && s[1] == 0x0db8)) // documentation
        }
    }
}

/// The IPv4 address an IPv6 spelling carries: IPv4-mapped
/// (`::ffff:a.b.c.d`), IPv4-compatible (`::a.b.c.d`), or 6to4
/// (`2002:AABB:CCDD::`), each of which reaches that IPv4 host.
fn embedded_v4(v6: Ipv6Addr) -> Option<Ipv4Addr> {
    if let Some(v4) = v6.to_ipv4_mapped() {
        return Some(v4);
    }
    let s = v6.segments();
    let v4 = |hi: u16, lo: u16| Ipv4Addr::from((u32::from(hi) << 16) | u32::from(lo));
    if s[..6].iter().all(|x| *x == 0) && !v6.is_loopback() && !v6.is_unspecified() {
        return Some(v4(s[6], s[7]));
    }
    (s[0] == 0x2002).then(|| v4(s[1], s[2]))
}

fn is_public_v4(ip: Ipv4Addr) -> bool {
    let [a, b, ..] = ip.octets();
    !(ip.is_private()
        || ip.is_loopback()
        || ip.is_link_local()
        || ip.is_unspecified()
        || ip.is_broadcast()
        || ip.is_multicast()
        || ip.is_documentation()
        || a == 0
        || (a == 100 && (64..128).contains(&b)) // carrier-grade NAT
        || (a == 198 && (b == 18 || b == 19)) // benchmarking
        || a >= 240)
}

fn is_internal_name(host: &str) -> bool {
    host == "localhost"
        || !host.contains('.')
        || [
            ".localhost",
            ".local",
            ".internal",
            ".home.arpa",
            ".lan",
            ".intranet",
        ]
        .iter()
        .any(|suffix| host.ends_with(suffix))
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    #[test]
    fn public_https_urls_pass() {
        for url in [
            "https://hooks.example.com/holdfast",
            "https://example.com:8443/a?b=c",
            "https://203.0.113.0.example.com/",
            "https://[2606:4700::1111]/x",
            "https://8.8.8.8/",
        ] {
            assert_eq!(check(url, false), Ok(()), "{url}");
        }
    }

    #[test]
    fn private_and_disguised_addresses_are_refused() {
        for url in [
            "https://127.0.0.1/",
            "https://localhost/",
            "https://api.localhost/",
            "https://10.1.2.3/",
            "https://192.168.0.10:8080/",
            "https://172.16.5.4/",
            "https://169.254.169.254/latest/meta-data",
            "https://2130706433/",
            "https://0x7f.1/",
            "https://0177.0.0.1/",
            "https://127.1/",
            "https://[::1]/",
            "https://[::ffff:127.0.0.1]/",
            "https://[fe80::1]/",
            "https://[fd00::1]/",
            "https://100.64.0.1/",
            "https://0.0.0.0/",
            "https://metadata/",
            "https://db.internal/",
            "https://printer.local./",
        ] {
            assert!(check(url, false).is_err(), "{url} should be refused");
        }
    }

    #[test]
    fn ipv6_spellings_of_private_ipv4_addresses_are_refused() {
        for url in [
            "https://[::127.0.0.1]/",
            "https://[::10.0.0.1]/",
            "https://[::a00:1]/",
            "https://[2002:7f00:1::]/",
            "https://[2002:c0a8:101::1]/",
            "https://[64:ff9b::10.0.0.1]/",
            "https://[64:ff9b:1::a00:1]/",
            "https://[2001:0:4136:e378:8000:63bf:3fff:fdd2]/",
        ] {
            assert!(check(url, false).is_err(), "{url}");
        }
        assert!(
            check("https://[2002:808:808::1]/", false).is_ok(),
            "6to4 of a public address"
        );
    }

    #[test]
    fn only_https_without_credentials() {
        assert_eq!(
            check("http://example.com/", false),
            Err("must use https".into())
        );
        assert!(check("ftp://example.com/", true).is_err());
        assert!(check("https://user:pw@example.com/", false).is_err());
        assert!(check("example.com/hooks", false).is_err());
        assert!(check("https://exa mple.com/", false).is_err());
        assert!(check("https://[::1/", false).is_err());
        assert!(check("https://example.com:80a/", false).is_err());
    }

    #[test]
    fn the_development_setting_allows_local_receivers() {
        assert_eq!(check("http://127.0.0.1:9000/hooks", true), Ok(()));
        assert_eq!(check("https://localhost/", true), Ok(()));
    }

    proptest! {
        #[test]
        fn every_ipv4_in_a_private_range_is_refused_in_every_spelling(
            net in prop_oneof![Just(10u32 << 24), Just(127u32 << 24), Just(0xc0a8_0000u32), Just(0xa9fe_0000u32)],
            low in 0u32..65_536,
        ) {
            let ip = Ipv4Addr::from(net | low);
            let n = u32::from(ip);
            for host in [ip.to_string(), n.to_string(), format!("0x{n:x}")] {
                let url = format!("https://{host}/x");
                prop_assert!(check(&url, false).is_err(), "{}", url);
            }
        }

        #[test]
        fn no_url_makes_the_check_panic(s in "\\PC{0,80}") {
            let _ = check(&s, false);
            let _ = check(&format!("https://{s}"), false);
        }
    }
}
