//! Writes the OpenAPI document (`edge/openapi.json`, served at
//! `/api/openapi.json`) from the two things it describes: the route table
//! (`edge/src/routes/table.rs`, read here through its own `routes!` macro)
//! and core's wire types (their `utoipa::ToSchema` derives, compiled only
//! with core's `openapi` feature). `--check` fails when the committed file
//! differs from what the code generates (`scripts/test` runs it).

mod operations;
mod registry;

use std::path::{Path, PathBuf};
use std::process::ExitCode;

use serde_json::{json, Map, Value};

use operations::{operation, Security};
use registry::Registry;

/// The route table as data: (method, path, access, handler).
macro_rules! routes {
    ($($method:ident $path:literal $access:ident $relay:tt => $handler:path;)*) => {
        const ROUTES: &[(&str, &str, &str, &str)] =
            &[$((stringify!($method), $path, stringify!($access), stringify!($handler)),)*];
    };
}

include!("../../../edge/src/routes/table.rs");

/// Routes that are pages or assets, not API, or exist only on the test
/// stack (`/api/dev/*`, `HOLDFAST_TEST_HOOKS=1`).
fn documented(path: &str) -> bool {
    (path.starts_with("/api/") || path == "/precancel") && !path.starts_with("/api/dev/")
}

fn root() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("../..")
}

/// `/api/sessions/:token` as OpenAPI writes it, and its path parameters.
fn openapi_path(path: &str) -> (String, Vec<String>) {
    let mut params = Vec::new();
    let written = path
        .split('/')
        .map(|seg| match seg.strip_prefix(':') {
            Some(name) => {
                params.push(name.to_owned());
                format!("{{{name}}}")
            }
            None => seg.to_owned(),
        })
        .collect::<Vec<_>>()
        .join("/");
    (written, params)
}

fn document() -> Result<Value, String> {
    let mut registry = Registry::default();
    let error = registry.of::<holdfast_core::api::ApiError>();
    let mut paths = Map::new();
    let mut seen = Vec::new();
    for (method, path, access, handler) in ROUTES {
        if !documented(path) {
            continue;
        }
        let handler = handler.replace(' ', "");
        let mut op = operation(&mut registry, &handler)
            .ok_or_else(|| format!("{method} {path} ({handler}) has no entry in operations.rs"))?;
        // Security comes from the table's access column: a signed-in admin
        // of the role it names, or what the operation says for a public one.
        match (*access, op.security) {
            ("Public", Security::Admin) => {
                return Err(format!(
                    "{method} {path} is public in the table but described as an admin's"
                ));
            }
            ("Public", _) => {}
            (_, _) => op.security = Security::Admin,
        }
        let role = (*access != "Public")
            .then(|| format!("Role: {} or above.", access.to_ascii_lowercase()));
        let description = match (role, op.description) {
            (Some(r), Some(d)) => Some(format!("{r} {d}")),
            (r, d) => r.or(d.map(str::to_owned)),
        };
        seen.push(handler.clone());
        let (written, params) = openapi_path(path);
        let mut o = Map::new();
        o.insert("operationId".into(), json!(op.id));
        o.insert("tags".into(), json!([tag_of(path)]));
        o.insert("summary".into(), json!(op.summary));
        if let Some(d) = description {
            o.insert("description".into(), json!(d));
        }
        let mut parameters: Vec<Value> = params
            .iter()
            .map(|p| json!({"$ref": format!("#/components/parameters/{p}")}))
            .collect();
        parameters.extend(op.parameters);
        if !parameters.is_empty() {
            o.insert("parameters".into(), Value::Array(parameters));
        }
        if let Some((body, required)) = op.body {
            o.insert(
                "requestBody".into(),
                json!({"required": required, "content": {"application/json": {"schema": body}}}),
            );
        }
        let mut responses = Map::new();
        for r in op.responses {
            let mut v = json!({"description": r.description});
            if let Some((content_type, schema)) = r.content {
                v["content"] = json!({content_type: {"schema": schema}});
            }
            responses.insert(r.status.to_string(), v);
        }
        if op.security != Security::Preflight {
            let (description, schema) = if *path == "/precancel" {
                (
                    "Refused, in brightback.js's shape with the field at fault.",
                    registry.of::<holdfast_core::api::precancel::PrecancelResponse>(),
                )
            } else {
                (
                    "An error: its code, a sentence to act on, and the field at fault when there is one.",
                    error.clone(),
                )
            };
            responses.insert(
                "default".into(),
                json!({"description": description, "content": {"application/json": {"schema": schema}}}),
            );
        }
        o.insert("responses".into(), Value::Object(responses));
        if let Some(s) = op.security.requirement(method) {
            o.insert("security".into(), s);
        }
        let item = paths
            .entry(written)
            .or_insert_with(|| Value::Object(Map::new()));
        item[method.to_ascii_lowercase()] = Value::Object(o);
    }
    operations::check_all_used(&seen)?;
    Ok(json!({
        "openapi": "3.1.0",
        "info": {
            "title": "Holdfast",
            "version": "1",
            "license": {"name": "AGPL-3.0-or-later", "identifier": "AGPL-3.0-or-later"},
            "description": "The public API (precancel, the cancel page's session API, Stripe's webhook) and the admin API of the settings UI. Errors share one shape (`ApiError`), except precancel's, which keep brightback.js's (`PrecancelResponse`). Generated by tools/openapi from the route table and the wire types."
        },
        "paths": paths,
        "components": {
            "schemas": registry.into_schemas(),
            "parameters": operations::path_parameters(),
            "securitySchemes": operations::security_schemes(),
        }
    }))
}

fn tag_of(path: &str) -> &'static str {
    if path == "/precancel" || path == "/api/health" || path == "/api/openapi.json" {
        "public"
    } else if path.starts_with("/api/sessions/") {
        "session"
    } else if path.starts_with("/api/stripe/") {
        "stripe"
    } else {
        "admin"
    }
}

fn main() -> ExitCode {
    let check = std::env::args().any(|a| a == "--check");
    let doc = match document() {
        Ok(d) => d,
        Err(e) => {
            eprintln!("openapi: {e}");
            return ExitCode::FAILURE;
        }
    };
    let text = match serde_json::to_string_pretty(&doc) {
        Ok(t) => t + "\n",
        Err(e) => {
            eprintln!("openapi: {e}");
            return ExitCode::FAILURE;
        }
    };
    let file = root().join("edge/openapi.json");
    if check {
        let committed = std::fs::read_to_string(&file).unwrap_or_default();
        if committed != text {
            eprintln!(
                "openapi: edge/openapi.json differs from what the code generates; run scripts/openapi and commit it"
            );
            return ExitCode::FAILURE;
        }
        println!("openapi: edge/openapi.json is up to date");
        return ExitCode::SUCCESS;
    }
    if let Err(e) = std::fs::write(&file, text) {
        eprintln!("openapi: writing {}: {e}", file.display());
        return ExitCode::FAILURE;
    }
    println!("openapi: wrote {}", file.display());
    ExitCode::SUCCESS
}
