//! Every built-in string of the cancel page, its confirmation and its
//! e-mail, in each [`Locale`]: one file per locale, a `match` over [`Key`],
//! so a missing translation does not compile.
//!
//! The edge sends a session the strings of its locale only ([`Text`]), in
//! [`Key::ALL`]'s order; the page's wasm carries no language at all.
//! Placeholders are `{name}`, filled by [`Text::fill`].

mod ar;
mod da;
mod de;
mod en;
mod es;
mod fr;
mod it;
mod ja;
mod nl;
mod pl;
mod pt_br;
mod sv;

use serde::{Deserialize, Serialize};

use crate::locale::Locale;

macro_rules! keys {
    ($($key:ident),+ $(,)?) => {
        /// One built-in string.
        #[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
        pub enum Key { $($key),+ }

        impl Key {
            pub const ALL: &'static [Key] = &[$(Key::$key),+];
        }
    };
}

keys! {
    PageTitle, Loading, LoadError, NetworkError,
    Cancel, Cancelling, Keep, DeclineOffer, Continue, SurveyOptional,
    CancelledHeading, CancelledMessage, PendingHeading, PendingMessage,
    KeptHeading, KeptMessage, OfferAppliedHeading, OfferPendingHeading, OfferThanks,
    AccessUntil, NextPaymentInstead, NextPayment, NextCharge, PausedUntil, ResumesOn, FreeUntil,
    DirectHeading, DirectButton, EntryLink, ContractLabel, CustomerLabel, SubscriptionLabel,
    KindLegend, Ordinary, OrdinaryNext, Extraordinary, ExtraordinaryReason, ReasonRequired,
    EmailLabel, ReceiptHeading, ReceivedLabel, EndsLabel, EndsNext, ReferenceLabel,
    ReceiptLink, EmailSent, EmailSubject, EmailIntro, Print, OfferBelow,
    AlreadyCancelled, AlreadyCancelledOpen,
    // A new app's own copy (`AppSettings::default`), so its page speaks the
    // customer's language until the admin writes their own.
    CopyBrand, CopyTitle, CopyMessage, CopyPrompt, CopyAccept,
    ReasonTooExpensive, ReasonUnused, ReasonMissingFeatures, ReasonSwitched,
    ReasonTooComplex, ReasonLowQuality, ReasonSupport, ReasonOther,
    FollowFeatures, FollowService, FollowOther,
    // The public page, with no session (`declaration`).
    PublicIntro, NameLabel, NumberLabel, ProductLabel, ProductAny, OrdinaryOnDate, DateLabel,
    NameRequired, EmailInvalid, ProductUnknown, DateInvalid, TooLong, FormExpired,
    TooManyDeclarations, NotMatchedSubject, NotMatchedText,
}

/// The keys of a new app's copy, whose English text is the default.
pub const COPY_KEYS: &[Key] = &[
    Key::CopyBrand,
    Key::CopyTitle,
    Key::CopyMessage,
    Key::CopyPrompt,
    Key::CopyAccept,
    Key::ReasonTooExpensive,
    Key::ReasonUnused,
    Key::ReasonMissingFeatures,
    Key::ReasonSwitched,
    Key::ReasonTooComplex,
    Key::ReasonLowQuality,
    Key::ReasonSupport,
    Key::ReasonOther,
    Key::FollowFeatures,
    Key::FollowService,
    Key::FollowOther,
];

/// The built-in translation of `own` when it is still one of a new app's
/// default texts, word for word.
pub fn default_copy(own: &str, locale: Locale) -> Option<&'static str> {
    COPY_KEYS
        .iter()
        .find(|k| get(Locale::En, **k) == own)
        .map(|k| get(locale, *k))
}

/// The keys the cancel page's app reads (the edge renders the rest): only
/// these travel in the page's data block. A key the app starts to use
/// joins this list.
pub const APP_KEYS: &[Key] = &[
    Key::NetworkError,
    Key::Cancel,
    Key::Cancelling,
    Key::Keep,
    Key::DeclineOffer,
    Key::Continue,
    Key::SurveyOptional,
    Key::KeptHeading,
    Key::KeptMessage,
    Key::OfferAppliedHeading,
    Key::OfferPendingHeading,
    Key::OfferThanks,
];

/// The built-in string `key` in `locale`.
pub fn get(locale: Locale, key: Key) -> &'static str {
    match locale {
        Locale::En => en::text(key),
        Locale::De => de::text(key),
        Locale::Fr => fr::text(key),
        Locale::Es => es::text(key),
        Locale::It => it::text(key),
        Locale::Nl => nl::text(key),
        Locale::PtBr => pt_br::text(key),
        Locale::Pl => pl::text(key),
        Locale::Sv => sv::text(key),
        Locale::Da => da::text(key),
        Locale::Ja => ja::text(key),
        Locale::Ar => ar::text(key),
    }
}

/// One locale's strings as a session carries them: a list in
/// [`Key::ALL`]'s order (no key names on the wire or in the page's wasm).
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(transparent)]
pub struct Text(pub Vec<String>);

impl Text {
    pub fn of(locale: Locale) -> Self {
        Self(
            Key::ALL
                .iter()
                .map(|k| get(locale, *k).to_owned())
                .collect(),
        )
    }

    /// The same list with only `keys` filled in (the others empty).
    pub fn only(&self, keys: &[Key]) -> Self {
        Self(
            Key::ALL
                .iter()
                .map(|k| {
                    if keys.contains(k) {
                        self.get(*k).to_owned()
                    } else {
                        String::new()
                    }
                })
                .collect(),
        )
    }

    /// The string for `key`; empty if the list is short (an older edge).
    pub fn get(&self, key: Key) -> &str {
        self.0.get(key as usize).map_or("", String::as_str)
    }

    /// The string for `key` with each `{name}` replaced by its value.
    pub fn fill(&self, key: Key, values: &[(&str, &str)]) -> String {
        fill(self.get(key), values)
    }
}

/// `template` with each `{name}` replaced by its value.
pub fn fill(template: &str, values: &[(&str, &str)]) -> String {
    values.iter().fold(template.to_owned(), |s, (name, value)| {
        s.replace(&format!("{{{name}}}"), value)
    })
}

#[cfg(test)]
mod tests;
