//! The languages the cancel page speaks, and how one is chosen for a
//! customer: what the merchant passed, else the browser's `Accept-Language`,
//! else the app's default.

use serde::{Deserialize, Serialize};

/// A built-in locale. Serialized as its BCP 47 tag (`de`, `pt-BR`).
#[derive(
    Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Default, Serialize, Deserialize,
)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub enum Locale {
    #[default]
    #[serde(rename = "en")]
    En,
    #[serde(rename = "de")]
    De,
    #[serde(rename = "fr")]
    Fr,
    #[serde(rename = "es")]
    Es,
    #[serde(rename = "it")]
    It,
    #[serde(rename = "nl")]
    Nl,
    #[serde(rename = "pt-BR")]
    PtBr,
    #[serde(rename = "pl")]
    Pl,
    #[serde(rename = "sv")]
    Sv,
    #[serde(rename = "da")]
    Da,
    #[serde(rename = "ja")]
    Ja,
    #[serde(rename = "ar")]
    Ar,
}

impl Locale {
    pub const ALL: [Locale; 12] = [
        Self::En,
        Self::De,
        Self::Fr,
        Self::Es,
        Self::It,
        Self::Nl,
        Self::PtBr,
        Self::Pl,
        Self::Sv,
        Self::Da,
        Self::Ja,
        Self::Ar,
    ];

    pub fn tag(self) -> &'static str {
        match self {
            Self::En => "en",
            Self::De => "de",
            Self::Fr => "fr",
            Self::Es => "es",
            Self::It => "it",
            Self::Nl => "nl",
            Self::PtBr => "pt-BR",
            Self::Pl => "pl",
            Self::Sv => "sv",
            Self::Da => "da",
            Self::Ja => "ja",
            Self::Ar => "ar",
        }
    }

    /// The language's own name, for pickers.
    pub fn name(self) -> &'static str {
        match self {
            Self::En => "English",
            Self::De => "Deutsch",
            Self::Fr => "Français",
            Self::Es => "Español",
            Self::It => "Italiano",
            Self::Nl => "Nederlands",
            Self::PtBr => "Português (Brasil)",
            Self::Pl => "Polski",
            Self::Sv => "Svenska",
            Self::Da => "Dansk",
            Self::Ja => "日本語",
            Self::Ar => "العربية",
        }
    }

    /// `rtl` for scripts written right to left.
    pub fn dir(self) -> &'static str {
        if self == Self::Ar {
            "rtl"
        } else {
            "ltr"
        }
    }

    /// The built-in locale for a BCP 47 tag, by its language (`de-AT` is
    /// `de`; any Portuguese is `pt-BR`); None for a language not built in.
    pub fn parse(tag: &str) -> Option<Self> {
        let lang = tag.trim().split(['-', '_']).next()?.to_ascii_lowercase();
        Self::ALL.into_iter().find(|l| {
            let own = l.tag().split('-').next().unwrap_or_default();
            own == lang
        })
    }

    /// The best built-in match of an `Accept-Language` header, by its
    /// q-values (ties keep the header's order); None when nothing matches.
    pub fn negotiate(accept_language: &str) -> Option<Self> {
        let mut ranked: Vec<(f32, usize, Self)> = accept_language
            .split(',')
            .enumerate()
            .filter_map(|(i, part)| {
                let mut bits = part.split(';');
                let tag = bits.next()?.trim();
                let q = bits
                    .find_map(|b| b.trim().strip_prefix("q="))
                    .map_or(Some(1.0), |q| q.trim().parse::<f32>().ok())?;
                let locale = Self::parse(tag)?;
                (q > 0.0 && q <= 1.0).then_some((q, i, locale))
            })
            .collect();
        ranked.sort_by(|a, b| b.0.total_cmp(&a.0).then(a.1.cmp(&b.1)));
        ranked.first().map(|r| r.2)
    }

    /// The locale for a session: the merchant's choice when it is built in,
    /// else the browser's, else the app's default.
    pub fn choose(requested: Option<&str>, accept_language: Option<&str>, default: Self) -> Self {
        requested
            .and_then(Self::parse)
            .or_else(|| accept_language.and_then(Self::negotiate))
            .unwrap_or(default)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    #[test]
    fn tags_round_trip_through_serde_and_parse() {
        for l in Locale::ALL {
            assert_eq!(Locale::parse(l.tag()), Some(l));
            let json = serde_json::to_string(&l).expect("serializes");
            assert_eq!(json, format!("\"{}\"", l.tag()));
        }
        assert_eq!(Locale::parse("de-AT"), Some(Locale::De));
        assert_eq!(Locale::parse("pt_PT"), Some(Locale::PtBr));
        assert_eq!(Locale::parse("zh-CN"), None);
        assert_eq!(Locale::Ar.dir(), "rtl");
        assert_eq!(Locale::Ja.dir(), "ltr");
    }

    #[test]
    fn accept_language_follows_q_values_then_order() {
        assert_eq!(
            Locale::negotiate("zh-CN,fr;q=0.5,de;q=0.8"),
            Some(Locale::De)
        );
        assert_eq!(Locale::negotiate("ja, en;q=0.9"), Some(Locale::Ja));
        assert_eq!(Locale::negotiate("nl, sv"), Some(Locale::Nl));
        assert_eq!(Locale::negotiate("de;q=0, it;q=0.1"), Some(Locale::It));
        assert_eq!(Locale::negotiate("zh, ko"), None);
        assert_eq!(Locale::negotiate("*"), None);
    }

    #[test]
    fn the_merchants_choice_wins_then_the_browser_then_the_default() {
        assert_eq!(
            Locale::choose(Some("pl-PL"), Some("de"), Locale::En),
            Locale::Pl
        );
        assert_eq!(
            Locale::choose(Some("xx"), Some("da"), Locale::En),
            Locale::Da
        );
        assert_eq!(Locale::choose(None, Some("zh"), Locale::Sv), Locale::Sv);
        assert_eq!(Locale::choose(None, None, Locale::Fr), Locale::Fr);
    }

    proptest! {
        #[test]
        fn negotiation_never_panics(header in ".{0,200}") {
            let _ = Locale::negotiate(&header);
        }
    }
}
