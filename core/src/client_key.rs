//! Client addresses as rate limits count them: an IPv4 address is one
//! client; an IPv6 client owns at least a /64 (one customer's line gets a
//! whole /64), so counting single v6 addresses would let one client take
//! 2^64 turns.

use std::net::IpAddr;

/// The key a client's requests are counted under.
pub fn of(addr: &str) -> String {
    match addr.trim().parse::<IpAddr>() {
        Ok(IpAddr::V4(v4)) => v4.to_string(),
        Ok(IpAddr::V6(v6)) => match v6.to_ipv4_mapped() {
            Some(v4) => v4.to_string(),
            None => {
                let s = v6.segments();
                format!("{:x}:{:x}:{:x}:{:x}::/64", s[0], s[1], s[2], s[3])
            }
        },
        // Not an address (no Cloudflare in front): one shared bucket, so a
        // made-up header cannot mint fresh clients.
        Err(_) => "unknown".to_owned(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    #[test]
    fn ipv6_counts_per_64_and_ipv4_per_address() {
        assert_eq!(of("203.0.113.7"), "203.0.113.7");
        assert_eq!(of("2001:db8:1:2:aaaa::1"), "2001:db8:1:2::/64");
        assert_eq!(of("2001:db8:1:2:ffff:ffff:ffff:ffff"), "2001:db8:1:2::/64");
        assert_ne!(of("2001:db8:1:3::1"), of("2001:db8:1:2::1"));
        assert_eq!(of("::ffff:203.0.113.7"), "203.0.113.7");
        assert_eq!(of("not an address"), "unknown");
        assert_eq!(of(""), "unknown");
    }

    proptest! {
        #[test]
        fn every_address_in_one_64_shares_a_key(prefix in any::<u64>(), a in any::<u64>(), b in any::<u64>()) {
            let addr = |low: u64| std::net::Ipv6Addr::from((u128::from(prefix) << 64) | u128::from(low)).to_string();
            let (x, y) = (of(&addr(a)), of(&addr(b)));
            // ::ffff:a.b.c.d lies in one /64 and is counted as IPv4.
            if !x.contains('.') && !y.contains('.') {
                prop_assert_eq!(x, y);
            }
        }
    }
}
