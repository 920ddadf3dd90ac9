//! Which cancel flow the law of the customer's country asks for.
//!
//! Each app keeps a rule table from a region (`DE`, `US-CA`, or the group
//! `EU`) to a [`Mode`]; the edge matches the customer's country and region
//! from Cloudflare's request metadata at precancel, or the `jurisdiction`
//! the merchant's server passes ([`place_for`]). README explains each mode and the law behind it
//! (as information, not legal advice).

use serde::{Deserialize, Serialize};

/// How the cancel page runs for one session.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Default, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(rename_all = "snake_case")]
pub enum Mode {
    /// One confirmation page with one final button (§312k BGB, EU Art. 11a).
    Direct,
    /// Cancel on every screen, survey optional, at most one offer beside the
    /// cancel button (California AB 2863, New York).
    ClickToCancel,
    /// The configured flow.
    #[default]
    Standard,
}

impl Mode {
    pub const ALL: [Mode; 3] = [Self::Direct, Self::ClickToCancel, Self::Standard];

    pub fn as_str(self) -> &'static str {
        match self {
            Self::Direct => "direct",
            Self::ClickToCancel => "click_to_cancel",
            Self::Standard => "standard",
        }
    }

    /// Offer screens this mode allows before the cancel.
    pub fn offer_screens(self, configured: u32) -> u32 {
        match self {
            Self::Direct => 0,
            Self::ClickToCancel => configured.min(1),
            Self::Standard => configured,
        }
    }
}

/// The most clicks a flow may take from opening the page to a confirmed
/// cancel.
pub const MAX_CLICKS: u32 = 3;

/// Clicks from opening the page to a confirmed cancel in the standard flow:
/// the cancel button, then "No thanks, cancel" on each offer screen (the
/// survey is optional, so answering it is not counted).
pub fn clicks_to_cancel(offer_screens: u32) -> u32 {
    1 + offer_screens
}

/// EU and EEA member states, plus Switzerland and the United Kingdom:
/// `direct` by default.
pub const DIRECT_COUNTRIES: [&str; 32] = [
    "AT", "BE", "BG", "HR", "CY", "CZ", "DK", "EE", "FI", "FR", "DE", "GR", "HU", "IE", "IT", "LV",
    "LT", "LU", "MT", "NL", "PL", "PT", "RO", "SK", "SI", "ES", "SE", "IS", "LI", "NO", "CH", "GB",
];

/// One row of an app's table: a country (`DE`), a country's region
/// (`US-CA`), or `EU` for every country in [`DIRECT_COUNTRIES`].
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema), schema(as = JurisdictionRule))]
pub struct Rule {
    pub region: String,
    pub mode: Mode,
}

/// The table a new app starts with.
pub fn default_rules() -> Vec<Rule> {
    [
        ("EU", Mode::Direct),
        ("US-CA", Mode::ClickToCancel),
        ("US-NY", Mode::ClickToCancel),
    ]
    .into_iter()
    .map(|(region, mode)| Rule {
        region: region.to_owned(),
        mode,
    })
    .collect()
}

/// Where a customer is: an ISO 3166-1 country and, for some, a region code
/// (`CA` in the United States).
#[derive(Debug, Clone, PartialEq, Eq, Default, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct Place {
    pub country: Option<String>,
    pub region: Option<String>,
}

impl Place {
    /// Reads `DE` or `US-CA` as the merchant passes `jurisdiction`; None
    /// when it is not two letters, optionally followed by `-` and 1–3
    /// letters or digits.
    pub fn parse(code: &str) -> Option<Self> {
        let code = code.trim().to_ascii_uppercase();
        let (country, region) = match code.split_once('-') {
            Some((c, r)) => (c.to_owned(), Some(r.to_owned())),
            None => (code, None),
        };
        let ok_country = country.len() == 2 && country.bytes().all(|b| b.is_ascii_uppercase());
        let ok_region = region.as_deref().is_none_or(|r| {
            (1..=3).contains(&r.len()) && r.bytes().all(|b| b.is_ascii_alphanumeric())
        });
        (ok_country && ok_region).then_some(Self {
            country: Some(country),
            region,
        })
    }

    /// `US-CA`, `DE`, or empty when unknown.
    pub fn code(&self) -> String {
        match (&self.country, &self.region) {
            (Some(c), Some(r)) => format!("{c}-{r}"),
            (Some(c), None) => c.clone(),
            _ => String::new(),
        }
    }
}

/// The mode for `place` under `rules`: the most specific row wins (region,
/// then country, then `EU`); no match is `standard`.
pub fn mode_for(rules: &[Rule], place: &Place) -> Mode {
    let Some(country) = place.country.as_deref() else {
        return Mode::Standard;
    };
    let full = place.code();
    let find = |region: &str| {
        rules
            .iter()
            .find(|r| r.region.eq_ignore_ascii_case(region))
            .map(|r| r.mode)
    };
    let in_eu = DIRECT_COUNTRIES.contains(&country);
    place
        .region
        .as_ref()
        .and_then(|_| find(&full))
        .or_else(|| find(country))
        .or_else(|| in_eu.then(|| find("EU")).flatten())
        .unwrap_or_default()
}

/// Where a session's place came from, as the audit trail records it.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum PlaceSource {
    /// Cloudflare's metadata for the request (`request.cf`).
    Request,
    /// `jurisdiction` in a precancel made with the app's secret key.
    Merchant,
    /// Neither knew: the app's rules give their default, `standard`.
    Default,
}

impl PlaceSource {
    pub fn as_str(self) -> &'static str {
        match self {
            Self::Request => "request",
            Self::Merchant => "merchant",
            Self::Default => "default",
        }
    }

    /// For an admin reading the session: where the place came from.
    pub fn words(self) -> &'static str {
        match self {
            Self::Request => "where Cloudflare placed the request",
            Self::Merchant => "named by the merchant's server",
            Self::Default => "unknown, so the app's default applies",
        }
    }
}

/// A session's place, where it came from, and the `jurisdiction` a call
/// sent that was not honoured.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Placed {
    pub place: Place,
    pub from: PlaceSource,
    pub ignored: Option<String>,
}

/// The session detail's "Place" line: `DE, named by the merchant's
/// server`, plus the `jurisdiction` a browser sent in vain.
pub fn place_words(code: &str, from: PlaceSource, ignored: Option<&str>) -> String {
    let place = if code.is_empty() { "Unknown" } else { code };
    let mut words = format!("{place}, {}", from.words());
    if let Some(sent) = ignored {
        words.push_str(&format!(
            " (jurisdiction \"{sent}\" from a browser-signed call ignored)"
        ));
    }
    words
}

/// Picks the place for a session. A `jurisdiction` is honoured only from a
/// call made with the app's secret key: a browser-signed call carries what
/// the customer's own browser sent, and the customer must not choose which
/// law's flow they get. Otherwise the request's place, if Cloudflare knew it.
pub fn place_for(named: Option<&str>, with_secret_key: bool, request: &Place) -> Placed {
    let honoured = named.filter(|_| with_secret_key).and_then(Place::parse);
    let ignored = named.filter(|_| honoured.is_none()).map(str::to_owned);
    match honoured {
        Some(place) => Placed {
            place,
            from: PlaceSource::Merchant,
            ignored,
        },
        None => Placed {
            place: request.clone(),
            from: if request.country.is_some() {
                PlaceSource::Request
            } else {
                PlaceSource::Default
            },
            ignored,
        },
    }
}

/// Why a rule's region is not usable, if it is not.
pub fn check_region(region: &str) -> Result<(), String> {
    if region.eq_ignore_ascii_case("EU") || Place::parse(region).is_some() {
        Ok(())
    } else {
        Err(format!(
            "{region} is not a region: use a two-letter country code (DE), a country and region (US-CA), or EU"
        ))
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    fn at(code: &str) -> Place {
        Place::parse(code).expect("a place")
    }

    #[test]
    fn the_default_table_follows_the_laws_it_names() {
        let rules = default_rules();
        assert_eq!(mode_for(&rules, &at("DE")), Mode::Direct);
        assert_eq!(mode_for(&rules, &at("FR")), Mode::Direct);
        assert_eq!(mode_for(&rules, &at("GB")), Mode::Direct);
        assert_eq!(mode_for(&rules, &at("CH")), Mode::Direct);
        assert_eq!(mode_for(&rules, &at("US-CA")), Mode::ClickToCancel);
        assert_eq!(mode_for(&rules, &at("US-NY")), Mode::ClickToCancel);
        assert_eq!(mode_for(&rules, &at("US-TX")), Mode::Standard);
        assert_eq!(mode_for(&rules, &at("JP")), Mode::Standard);
        assert_eq!(mode_for(&rules, &Place::default()), Mode::Standard);
    }

    #[test]
    fn the_most_specific_row_wins() {
        let mut rules = default_rules();
        rules.push(Rule {
            region: "FR".into(),
            mode: Mode::ClickToCancel,
        });
        rules.push(Rule {
            region: "US".into(),
            mode: Mode::ClickToCancel,
        });
        assert_eq!(mode_for(&rules, &at("FR")), Mode::ClickToCancel);
        assert_eq!(mode_for(&rules, &at("DE")), Mode::Direct);
        assert_eq!(mode_for(&rules, &at("US-TX")), Mode::ClickToCancel);
        assert_eq!(mode_for(&[], &at("DE")), Mode::Standard);
    }

    #[test]
    fn places_parse_strictly() {
        assert_eq!(at("us-ca").code(), "US-CA");
        assert_eq!(at("DE").code(), "DE");
        for bad in ["", "D", "DEU", "1E", "US-", "US-CALI", "US-C A"] {
            assert_eq!(Place::parse(bad), None, "{bad}");
        }
        assert!(check_region("EU").is_ok());
        assert!(check_region("Germany").is_err());
    }

    #[test]
    fn direct_mode_shows_no_offer_and_click_to_cancel_one() {
        assert_eq!(Mode::Direct.offer_screens(3), 0);
        assert_eq!(Mode::ClickToCancel.offer_screens(3), 1);
        assert_eq!(Mode::Standard.offer_screens(3), 3);
    }

    #[test]
    fn only_the_merchants_server_names_the_place() {
        let texas = at("US-TX");
        let server = place_for(Some("DE"), true, &texas);
        assert_eq!(
            (server.place.code(), server.from),
            ("DE".into(), PlaceSource::Merchant)
        );
        assert_eq!(server.ignored, None);

        let browser = place_for(Some("DE"), false, &texas);
        assert_eq!(
            (browser.place.code(), browser.from),
            ("US-TX".into(), PlaceSource::Request)
        );
        assert_eq!(browser.ignored.as_deref(), Some("DE"));

        let nowhere = place_for(Some("US-CA"), false, &Place::default());
        assert_eq!(nowhere.from, PlaceSource::Default);
        assert_eq!(mode_for(&default_rules(), &nowhere.place), Mode::Standard);

        assert_eq!(
            place_words("US-TX", browser.from, browser.ignored.as_deref()),
            "US-TX, where Cloudflare placed the request (jurisdiction \"DE\" from a browser-signed call ignored)"
        );
        let unsent = place_for(None, true, &texas);
        assert_eq!((unsent.from, unsent.ignored), (PlaceSource::Request, None));
    }

    proptest! {
        #[test]
        fn any_place_gets_a_mode(code in "[A-Za-z0-9-]{0,8}") {
            let place = Place::parse(&code).unwrap_or_default();
            let _ = mode_for(&default_rules(), &place);
        }

        #[test]
        fn a_browser_never_moves_the_place(code in "[A-Za-z-]{0,6}", cc in "[A-Z]{2}") {
            let request = at(&cc);
            let placed = place_for(Some(&code), false, &request);
            prop_assert_eq!(placed.place, request);
            prop_assert_eq!(placed.ignored.as_deref(), Some(code.as_str()));
        }
    }
}
