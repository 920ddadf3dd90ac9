//! What a deploy needs from wrangler.toml: every binding the edge reads
//! (`edge/src/config.rs`, the one place that names them) is declared there,
//! with the kind the code uses it as. `scripts/deploy --dry-run`, run next by
//! `scripts/test`, has wrangler itself check the bundle.

use std::path::{Path, PathBuf};

fn root() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("..")
}

fn read(rel: &str) -> String {
    std::fs::read_to_string(root().join(rel)).unwrap_or_else(|e| panic!("{rel}: {e}"))
}

/// The binding names of config.rs: the `const X: &str = "NAME";` lines
/// between its bindings heading and the next blank line.
fn bindings() -> Vec<(String, String)> {
    let config = read("edge/src/config.rs");
    let start = config
        .find("The bindings, which")
        .expect("config.rs marks its bindings");
    config[start..]
        .lines()
        .skip_while(|l| l.starts_with("//"))
        .take_while(|l| !l.trim().is_empty())
        .filter_map(|l| {
            let l = l.trim().strip_prefix("const ")?;
            let (ident, rest) = l.split_once(':')?;
            let name = rest.split('"').nth(1)?;
            Some((ident.trim().to_owned(), name.to_owned()))
        })
        .collect()
}

/// How config.rs reaches binding `ident`: `d1(DB)`, `assets(ASSETS)`, …
fn used_as(ident: &str) -> &'static str {
    let config = read("edge/src/config.rs");
    for (call, kind) in [
        ("d1", "d1_databases"),
        ("assets", "assets"),
        ("send_email", "send_email"),
        ("queue", "queues.producers"),
    ] {
        if config.contains(&format!(".{call}({ident})")) {
            return kind;
        }
    }
    panic!("config.rs reads {ident} in a way this test does not know")
}

/// The binding names wrangler.toml declares in `section` (`[assets]` or
/// `[[d1_databases]]`/`[[send_email]]` tables).
fn declared(section: &str) -> Vec<String> {
    let toml = read("wrangler.toml");
    let mut out = Vec::new();
    let mut inside = false;
    for line in toml.lines() {
        let t = line.trim();
        if t.starts_with('[') {
            inside = t.trim_matches(|c| c == '[' || c == ']') == section;
            continue;
        }
        if !inside {
            continue;
        }
        for key in ["binding", "name"] {
            if let Some(v) = t.strip_prefix(key).map(str::trim_start) {
                if let Some(v) = v.strip_prefix('=') {
                    out.push(v.trim().trim_matches('"').to_owned());
                }
            }
        }
    }
    out
}

#[test]
fn every_binding_the_edge_reads_is_declared_in_wrangler_toml() {
    let all = bindings();
    assert!(all.len() >= 3, "config.rs's bindings: {all:?}");
    for (ident, name) in all {
        let section = used_as(&ident);
        assert!(
            declared(section).contains(&name),
            "wrangler.toml declares no {section} binding {name} (config.rs's {ident})"
        );
    }
}

#[test]
fn the_check_reads_wrangler_toml() {
    assert!(declared("d1_databases").contains(&"DB".to_owned()));
    assert!(!declared("d1_databases").contains(&"EMAIL".to_owned()));
}
