//! Leaf: instants as the API and webhooks write them.

/// RFC 3339 in UTC.
pub fn iso_time(secs: i64) -> String {
    time::OffsetDateTime::from_unix_timestamp(secs)
        .ok()
        .and_then(|t| {
            t.format(&time::format_description::well_known::Rfc3339)
                .ok()
        })
        .unwrap_or_default()
}

#[cfg(test)]
mod tests {
    #[test]
    fn rfc3339_in_utc() {
        assert_eq!(super::iso_time(0), "1970-01-01T00:00:00Z");
    }
}
