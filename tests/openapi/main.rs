//! The OpenAPI document (`edge/openapi.json`, served at `/api/openapi.json`),
//! as `tools/openapi` generates it from the route table and the wire types
//! (`scripts/test` fails when the committed file differs): every API route
//! of the table is documented and nothing else is, every operation is
//! complete and every reference resolves. Schemathesis (in `scripts/test`)
//! then checks real answers against it.

use std::collections::BTreeSet;
use std::path::{Path, PathBuf};

use serde_json::Value;

const METHODS: [&str; 6] = ["get", "post", "put", "patch", "delete", "options"];
/// Exist only on the test stack (`HOLDFAST_TEST_HOOKS=1`), so not documented.
const TEST_ONLY: &str = "/api/dev/";

/// The route table as data, compiled from the table itself (not parsed).
macro_rules! routes {
    ($($method:ident $path:literal $access:ident $relay:tt => $handler:path;)*) => {
        const ROUTES: &[(&str, &str)] = &[$((stringify!($method), $path),)*];
    };
}

include!("../../edge/src/routes/table.rs");

/// (method, path) of every API route of the table, with `:param` written
/// `{param}` as OpenAPI does.
fn api_routes() -> BTreeSet<(String, String)> {
    ROUTES
        .iter()
        .filter(|(_, p)| {
            (p.starts_with("/api/") || *p == "/precancel") && !p.starts_with(TEST_ONLY)
        })
        .map(|(m, p)| {
            let path = p
                .split('/')
                .map(|seg| match seg.strip_prefix(':') {
                    Some(name) => format!("{{{name}}}"),
                    None => seg.to_owned(),
                })
                .collect::<Vec<_>>()
                .join("/");
            (m.to_ascii_lowercase(), path)
        })
        .collect()
}

fn root() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("..")
}

fn doc() -> Value {
    let text =
        std::fs::read_to_string(root().join("edge/openapi.json")).expect("edge/openapi.json");
    serde_json::from_str(&text).expect("edge/openapi.json is JSON")
}

fn documented(doc: &Value) -> BTreeSet<(String, String)> {
    let paths = doc["paths"].as_object().expect("paths");
    paths
        .iter()
        .flat_map(|(path, item)| {
            item.as_object()
                .expect("path item")
                .keys()
                .filter(|k| METHODS.contains(&k.as_str()))
                .map(move |m| (m.clone(), path.clone()))
        })
        .collect()
}

#[test]
fn every_api_route_is_documented_and_nothing_else() {
    let routes = api_routes();
    assert!(routes.len() > 40, "{routes:?}");
    assert!(routes.contains(&(
        "post".into(),
        "/api/sessions/{token}/offers/{offer}/accept".into()
    )));
    let doc = documented(&doc());
    let missing: Vec<_> = routes.difference(&doc).collect();
    let extra: Vec<_> = doc.difference(&routes).collect();
    assert!(
        missing.is_empty(),
        "routes without documentation: {missing:?}"
    );
    assert!(extra.is_empty(), "documented but not routed: {extra:?}");
}

fn refs<'a>(v: &'a Value, out: &mut Vec<&'a str>) {
    match v {
        Value::Object(o) => {
            if let Some(Value::String(r)) = o.get("$ref") {
                out.push(r);
            }
            o.values().for_each(|v| refs(v, out));
        }
        Value::Array(a) => a.iter().for_each(|v| refs(v, out)),
        _ => {}
    }
}

#[test]
fn every_operation_is_complete_and_every_reference_resolves() {
    let doc = doc();
    assert_eq!(doc["openapi"], "3.1.0");
    let mut ids = BTreeSet::new();
    for (method, path) in documented(&doc) {
        let op = &doc["paths"][&path][&method];
        let id = op["operationId"]
            .as_str()
            .unwrap_or_else(|| panic!("{method} {path}: operationId"));
        assert!(ids.insert(id.to_owned()), "{id} twice");
        let responses = op["responses"].as_object().expect("responses");
        assert!(
            responses.keys().any(|k| k.starts_with('2')),
            "{id}: no success answer"
        );
        if method != "options" && path != "/api/openapi.json" {
            assert!(
                responses.contains_key("default"),
                "{id}: errors undocumented"
            );
        }
        let declared: BTreeSet<String> = op["parameters"]
            .as_array()
            .map(|ps| {
                ps.iter()
                    .filter_map(|p| p["$ref"].as_str())
                    .filter_map(|r| r.rsplit('/').next())
                    .map(str::to_owned)
                    .collect()
            })
            .unwrap_or_default();
        for seg in path.split('/').filter_map(|s| s.strip_prefix('{')) {
            let name = seg.trim_end_matches('}');
            assert!(
                declared.contains(name),
                "{id}: path parameter {name} undeclared"
            );
        }
    }
    let mut all = Vec::new();
    refs(&doc, &mut all);
    for r in all {
        let pointer = r.strip_prefix('#').expect("local reference");
        assert!(doc.pointer(pointer).is_some(), "{r} does not resolve");
    }
}
