//! What a first visit to the cancel page downloads, found from its HTML and
//! its loader; shared by the static budget test and the API test that
//! measures the page as the edge serves it.

use std::io::Write;
use std::path::Path;

pub fn gzip_len(bytes: &[u8]) -> usize {
    let mut z = flate2::write::GzEncoder::new(Vec::new(), flate2::Compression::best());
    z.write_all(bytes).expect("gzip in memory");
    z.finish().expect("gzip in memory").len()
}

/// The same-origin files a page names in `href`/`src` attributes or in
/// quoted absolute paths (the loader's imports).
pub fn referenced(text: &str) -> Vec<String> {
    let mut out: Vec<String> = Vec::new();
    for piece in text.split(['"', '\'', ' ', '>', '=']) {
        let p = piece.trim();
        let local = p.starts_with('/') && !p.starts_with("//");
        let file = p.rsplit('/').next().is_some_and(|last| last.contains('.'));
        if local && file && !out.iter().any(|x| x == p) {
            out.push(p.to_owned());
        }
    }
    out
}

/// Every file in `dist` that `html` loads, directly or through its loader.
pub fn assets_of(html: &str, dist: &Path) -> Vec<std::path::PathBuf> {
    let mut files = Vec::new();
    let mut queue = referenced(html);
    while let Some(url) = queue.pop() {
        let path = dist.join(url.trim_start_matches('/'));
        if files.contains(&path) || !path.is_file() {
            continue;
        }
        if url.ends_with(".js") && url.contains("boot-") {
            queue.extend(referenced(
                &std::fs::read_to_string(&path).unwrap_or_default(),
            ));
        }
        files.push(path);
    }
    files
}
