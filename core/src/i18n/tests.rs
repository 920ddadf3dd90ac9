use std::collections::BTreeSet;

use super::*;

/// The `{name}` placeholders of a string.
fn placeholders(s: &str) -> BTreeSet<String> {
    s.split('{')
        .skip(1)
        .filter_map(|rest| rest.split_once('}').map(|(name, _)| name.to_owned()))
        .collect()
}

#[test]
fn every_locale_has_every_key_with_the_same_placeholders() {
    for locale in Locale::ALL {
        for key in Key::ALL {
            let text = get(locale, *key);
            assert!(!text.trim().is_empty(), "{locale:?} {key:?} is empty");
            assert_eq!(
                placeholders(text),
                placeholders(get(Locale::En, *key)),
                "{locale:?} {key:?}: {text}"
            );
        }
        assert_eq!(Text::of(locale).0.len(), Key::ALL.len());
    }
}

#[test]
fn translations_are_translated_not_copied() {
    // Words that are spelled the same in both languages.
    let cognates = [
        (Locale::Nl, Key::ContractLabel),
        (Locale::Da, Key::ReferenceLabel),
    ];
    for locale in Locale::ALL.into_iter().filter(|l| *l != Locale::En) {
        let same: Vec<_> = Key::ALL
            .iter()
            .filter(|k| get(locale, **k) == get(Locale::En, **k))
            .filter(|k| !cognates.contains(&(locale, **k)))
            .collect();
        assert!(same.is_empty(), "{locale:?} copies English for {same:?}");
    }
}

#[test]
fn the_final_button_says_what_the_law_asks() {
    assert_eq!(get(Locale::De, Key::DirectButton), "Jetzt kündigen");
    assert_eq!(get(Locale::De, Key::EntryLink), "Verträge hier kündigen");
    assert_eq!(get(Locale::En, Key::EntryLink), "Cancel contract here");
}

#[test]
fn keys_index_their_own_strings() {
    let de = Text::of(Locale::De);
    assert_eq!(de.get(Key::DirectButton), "Jetzt kündigen");
    assert_eq!(
        de.fill(Key::AccessUntil, &[("date", "1. Januar")]),
        get(Locale::De, Key::AccessUntil).replace("{date}", "1. Januar")
    );
    assert_eq!(Text::default().get(Key::Cancel), "");
}
