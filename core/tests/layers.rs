//! core's shape, checked: the layers `lib.rs` lists (each group of `pub mod`
//! lines under a `//` heading) are used only downwards, no modules import
//! each other in a cycle, and no source file outgrows one sitting.

use std::collections::{BTreeMap, BTreeSet};
use std::fs;
use std::path::{Path, PathBuf};

const MAX_LINES: usize = 400;

fn src() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("src")
}

/// The top-level modules, by layer, in `lib.rs`'s order.
fn layers() -> Vec<Vec<String>> {
    let lib = fs::read_to_string(src().join("lib.rs")).expect("lib.rs");
    let mut out: Vec<Vec<String>> = Vec::new();
    for line in lib.lines() {
        let line = line.trim();
        if line.starts_with("// ") {
            out.push(Vec::new());
        } else if let Some(name) = line.strip_prefix("pub mod ") {
            let name = name.trim_end_matches(';').to_owned();
            out.last_mut()
                .expect("a `//` heading before the first module")
                .push(name);
        }
    }
    out
}

fn rust_files(dir: &Path, out: &mut Vec<PathBuf>) {
    for entry in fs::read_dir(dir).expect("read src").flatten() {
        let p = entry.path();
        if p.is_dir() {
            rust_files(&p, out);
        } else if p.extension().is_some_and(|e| e == "rs") {
            out.push(p);
        }
    }
}

/// Every top-level module a source text names through `crate::`, including
/// the ones inside `use crate::{a, b::c}` groups.
fn uses(text: &str) -> BTreeSet<String> {
    let mut out = BTreeSet::new();
    for (i, _) in text.match_indices("crate::") {
        let rest = &text[i + "crate::".len()..];
        if let Some(group) = rest.strip_prefix('{') {
            let body = &group[..group.find("};").unwrap_or(group.len())];
            for part in body.split(',') {
                let word: String = part
                    .trim()
                    .chars()
                    .take_while(|c| c.is_alphanumeric() || *c == '_')
                    .collect();
                if !word.is_empty() {
                    out.insert(word);
                }
            }
        } else {
            let word: String = rest
                .chars()
                .take_while(|c| c.is_alphanumeric() || *c == '_')
                .collect();
            out.insert(word);
        }
    }
    out
}

/// Module → the modules it uses, for every top-level module.
fn graph() -> BTreeMap<String, BTreeSet<String>> {
    let root = src();
    let mut files = Vec::new();
    rust_files(&root, &mut files);
    let mut g: BTreeMap<String, BTreeSet<String>> = BTreeMap::new();
    for f in files {
        let rel = f.strip_prefix(&root).expect("under src");
        let top = rel
            .components()
            .next()
            .and_then(|c| c.as_os_str().to_str())
            .map(|s| s.trim_end_matches(".rs").to_owned())
            .expect("a name");
        if top == "lib" {
            continue;
        }
        let text = fs::read_to_string(&f).expect("read");
        let mut used = uses(&text);
        used.remove(&top);
        g.entry(top).or_default().extend(used);
    }
    g
}

/// A cycle through `start`, if any, as the path of modules.
fn cycle_from(
    g: &BTreeMap<String, BTreeSet<String>>,
    start: &str,
    at: &str,
    path: &mut Vec<String>,
) -> Option<Vec<String>> {
    for next in g.get(at).into_iter().flatten() {
        if next == start {
            let mut c = path.clone();
            c.push(start.to_owned());
            return Some(c);
        }
        if !path.contains(next) && g.contains_key(next) {
            path.push(next.clone());
            if let Some(c) = cycle_from(g, start, next, path) {
                return Some(c);
            }
            path.pop();
        }
    }
    None
}

#[test]
fn no_module_imports_itself_through_others() {
    let g = graph();
    for m in g.keys() {
        let mut path = vec![m.clone()];
        if let Some(c) = cycle_from(&g, m, m, &mut path) {
            panic!("import cycle in core: {}", c.join(" → "));
        }
    }
}

#[test]
fn layers_are_used_only_downwards() {
    let layers = layers();
    assert!(layers.len() >= 4, "lib.rs lists its layers: {layers:?}");
    let rank: BTreeMap<&str, usize> = layers
        .iter()
        .enumerate()
        .flat_map(|(i, l)| l.iter().map(move |m| (m.as_str(), i)))
        .collect();
    let mut wrong = Vec::new();
    for (m, used) in graph() {
        let Some(&mine) = rank.get(m.as_str()) else {
            continue;
        };
        for u in used {
            if rank.get(u.as_str()).is_some_and(|&theirs| theirs > mine) {
                wrong.push(format!(
                    "{m} (layer {mine}) uses {u} (layer {})",
                    rank[u.as_str()]
                ));
            }
        }
    }
    assert!(
        wrong.is_empty(),
        "a lower layer uses a higher one:\n{}",
        wrong.join("\n")
    );
}

#[test]
fn every_module_is_in_a_layer_and_every_file_fits_one_sitting() {
    let listed: BTreeSet<String> = layers().into_iter().flatten().collect();
    let mut files = Vec::new();
    rust_files(&src(), &mut files);
    let mut long = Vec::new();
    for f in &files {
        let n = fs::read_to_string(f).expect("read").lines().count();
        if n > MAX_LINES {
            long.push(format!("{} has {n} lines", f.display()));
        }
    }
    assert!(
        long.is_empty(),
        "over {MAX_LINES} lines:\n{}",
        long.join("\n")
    );
    for m in graph().keys() {
        assert!(
            listed.contains(m) || m == "fixtures",
            "{m} is in no layer of lib.rs"
        );
    }
}

#[test]
fn the_check_sees_uses() {
    let u = uses("use crate::{a::B, c};\nfn f() { crate::d::e(); }");
    assert_eq!(u, ["a", "c", "d"].map(String::from).into_iter().collect());
}
