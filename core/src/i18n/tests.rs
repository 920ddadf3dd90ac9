use std::collections::BTreeSet;

use super::*;

/// The `{name}` placeholders of a string, and the fields of its
/// `{{field | fallback}}` templates (whose fallback words are translated).
fn placeholders(s: &str) -> BTreeSet<String> {
    s.split('{')
        .skip(1)
        .filter(|rest| !rest.is_empty())
        .filter_map(|rest| rest.split_once('}').map(|(name, _)| name))
        .map(|name| name.split('|').next().unwrap_or_default().trim().to_owned())
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
        (Locale::Fr, Key::DateLabel),
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

/// Every `Key::…` the cancel page's source names travels to it (the
/// settings UI, a bundle of its own, has every locale built in).
#[test]
fn the_app_reads_only_keys_it_is_sent() {
    fn walk(dir: &std::path::Path, out: &mut String) {
        for entry in std::fs::read_dir(dir)
            .expect("app/src is readable")
            .flatten()
        {
            let path = entry.path();
            if path.is_dir() {
                walk(&path, out);
            } else if path.extension().is_some_and(|e| e == "rs") {
                out.push_str(&std::fs::read_to_string(&path).expect("a source file"));
            }
        }
    }
    let mut source = String::new();
    let app = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("../app/src");
    walk(&app.join("pages"), &mut source);
    source.push_str(&std::fs::read_to_string(app.join("api.rs")).expect("api.rs"));
    let sent: Vec<String> = APP_KEYS.iter().map(|k| format!("{k:?}")).collect();
    let used: BTreeSet<&str> = source
        .split("Key::")
        .skip(1)
        .map(|rest| {
            rest.split(|c: char| !c.is_alphanumeric())
                .next()
                .unwrap_or_default()
        })
        .collect();
    assert!(!used.is_empty(), "the app reads no built-in string at all?");
    for key in used {
        assert!(
            sent.iter().any(|s| s == key),
            "the app reads Key::{key}, which APP_KEYS does not send"
        );
    }
}
