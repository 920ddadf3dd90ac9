//! Size budgets, checked on every test run against the release build
//! (`scripts/build`), so a regression fails CI. Timings stay in the
//! benchmark (`scripts/bench`, BENCHMARKS.md).
//!
//! Sizes are gzip at level 9 of each file, summed over what a first visit
//! downloads.

use std::path::{Path, PathBuf};

/// The cancel page's first load: HTML, CSS, JS and wasm, less what the
/// session's own data adds to the HTML (about 1 KB, counted on the running
/// stack by the API tests against the full 100 KB).
const CANCEL_PAGE: usize = 100_000 - 1_500;
/// The merchant's snippet.
const SNIPPET: usize = 2_048;
/// The Worker, compressed.
const WORKER: usize = 1_000_000;

fn root() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("..")
}

#[path = "../shared/first_load.rs"]
mod first_load;

use first_load::{assets_of, referenced};

fn gzip_len(path: &Path) -> usize {
    let bytes = std::fs::read(path)
        .unwrap_or_else(|e| panic!("{}: {e} (run scripts/build first)", path.display()));
    first_load::gzip_len(&bytes)
}

/// Every static file of the cancel page's first load, found from its
/// index.html (the edge adds the session's view to that HTML; the API
/// test `budgets::the_cancel_page_as_served_is_within_budget` counts it).
fn cancel_page_files(dist: &Path) -> Vec<PathBuf> {
    let index = dist.join("index.html");
    let mut files = vec![index.clone()];
    files.extend(assets_of(
        &std::fs::read_to_string(&index).expect("dist/index.html"),
        dist,
    ));
    files
}

/// One measured item against its budget.
struct Item {
    name: &'static str,
    bytes: usize,
    limit: usize,
}

/// The items over budget, each named with its size and limit.
fn over_budget(items: &[Item]) -> Vec<String> {
    items
        .iter()
        .filter(|i| i.bytes > i.limit)
        .map(|i| format!("{}: {} bytes gzip, budget {}", i.name, i.bytes, i.limit))
        .collect()
}

fn measure() -> Vec<Item> {
    let root = root();
    let page = cancel_page_files(&root.join("dist"));
    let names: Vec<String> = page
        .iter()
        .filter_map(|p| p.file_name())
        .map(|n| n.to_string_lossy().into_owned())
        .collect();
    let html = std::fs::read_to_string(root.join("dist/index.html")).expect("dist/index.html");
    assert!(
        names.iter().any(|n| n.ends_with(".wasm"))
            && (html.contains("<style>") || names.iter().any(|n| n.ends_with(".css"))),
        "the cancel page's files were not all found: {names:?}"
    );
    let worker = [
        "edge/build/index.js",
        "edge/build/index_bg.wasm",
        "edge/build/worker/shim.mjs",
    ];
    vec![
        Item {
            name: "cancel page, first load",
            bytes: page.iter().map(|p| gzip_len(p)).sum(),
            limit: CANCEL_PAGE,
        },
        Item {
            name: "snippet (js/holdfast.js)",
            bytes: gzip_len(&root.join("public/js/holdfast.js")),
            limit: SNIPPET,
        },
        Item {
            name: "worker bundle",
            bytes: worker.iter().map(|f| gzip_len(&root.join(f))).sum(),
            limit: WORKER,
        },
    ]
}

#[test]
fn every_bundle_is_within_its_budget() {
    let items = measure();
    for i in &items {
        println!(
            "{:<28} {:>9} bytes gzip (budget {})",
            i.name, i.bytes, i.limit
        );
    }
    let over = over_budget(&items);
    assert!(over.is_empty(), "over budget: {over:?}");
}

/// The check can fail: the same measurements against limits one byte
/// below them are each reported.
#[test]
fn the_checker_reports_each_item_over_a_lowered_limit() {
    let lowered: Vec<Item> = measure()
        .into_iter()
        .map(|i| Item {
            limit: i.bytes - 1,
            ..i
        })
        .collect();
    let over = over_budget(&lowered);
    assert_eq!(over.len(), 3, "{over:?}");
    assert!(over[0].starts_with("cancel page, first load: "));
}

#[test]
fn the_cancel_page_never_loads_the_settings_ui() {
    let files = cancel_page_files(&root().join("dist"));
    assert!(
        files.iter().all(|f| !f.to_string_lossy().contains("admin")),
        "{files:?}"
    );
}

#[test]
fn references_are_read_from_html_and_the_loader() {
    let html = r#"<link href=/app-1.css rel=stylesheet><script type="module" src="/boot-2.js"></script><a href="https://x.example/a.js">"#;
    assert_eq!(referenced(html), ["/app-1.css", "/boot-2.js"]);
    let boot = "import init from '/app-3.js';\nawait init({ module_or_path: '/app-3_bg.wasm' });";
    assert_eq!(referenced(boot), ["/app-3.js", "/app-3_bg.wasm"]);
}
