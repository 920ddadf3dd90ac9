//! Access from the route table (issue 36): this test is generated from
//! `edge/src/routes/table.rs` itself, compiled here through its own
//! `routes!` macro, so a route cannot be added without an access entry
//! (the table would not compile) nor escape this walk. Every route that
//! needs a role answers 401 to an anonymous caller and 403 to each lower
//! role, before its handler runs.

use serde_json::json;

use crate::helpers::*;

/// The table as (method, path, access).
macro_rules! routes {
    ($($method:ident $path:literal $access:ident $relay:tt => $handler:path;)*) => {
        const TABLE: &[(&str, &str, &str)] = &[$((stringify!($method), $path, stringify!($access)),)*];
    };
}

include!("../../edge/src/routes/table.rs");

/// The admin routes anyone may call: each checks a credential of its own
/// (the setup token, a password, an invitation) or tells nothing.
const PUBLIC_ADMIN: [&str; 4] = [
    "/api/admin/status",
    "/api/admin/setup",
    "/api/admin/login",
    "/api/admin/invites/accept",
];

fn rank(access: &str) -> Option<u8> {
    match access {
        "Viewer" => Some(0),
        "Editor" => Some(1),
        "Owner" => Some(2),
        _ => None,
    }
}

/// The path with made-up values for its parameters.
fn concrete(path: &str) -> String {
    path.split('/')
        .map(|seg| if seg.starts_with(':') { "x_nope" } else { seg })
        .collect::<Vec<_>>()
        .join("/")
}

fn anonymous(method: &str, path: &str) -> u16 {
    let url = format!("{}{path}", within_test().url);
    let resp = agent()
        .request(method, &url)
        .set("content-type", "application/json")
        .send_string("{}");
    match resp {
        Ok(r) => r.status(),
        Err(ureq::Error::Status(code, _)) => code,
        Err(e) => panic!("{method} {path}: {e}"),
    }
}

fn by(c: &AdminClient, method: &str, path: &str) -> Answer {
    if method == "GET" {
        c.get(path)
    } else {
        c.send(method, path, &json!({}))
    }
}

#[test]
fn the_table_gives_every_route_an_access_the_edge_enforces() {
    let _s = stack();
    let (editor, _) = invited("editor");
    let (viewer, _) = invited("viewer");
    let lower: [(&AdminClient, u8); 2] = [(&viewer, 0), (&editor, 1)];
    let mut wrong = Vec::new();
    let mut walked = 0;
    for (method, pattern, access) in TABLE {
        if pattern.starts_with("/api/admin") && *access == "Public" {
            assert!(
                PUBLIC_ADMIN.contains(pattern),
                "{method} {pattern} is an admin route open to anyone"
            );
        }
        if pattern.starts_with("/api/dev/") {
            assert_eq!(*access, "TestHooks", "{method} {pattern}");
        }
        let Some(needed) = rank(access) else {
            continue;
        };
        walked += 1;
        let path = concrete(pattern);
        let status = anonymous(method, &path);
        if status != 401 {
            wrong.push(format!("anonymous {method} {path}: {status}"));
        }
        for (client, role) in lower.iter().filter(|(_, r)| *r < needed) {
            let a = by(client, method, &path);
            if a.status != 403 || a.body["error"]["code"] != "forbidden" {
                wrong.push(format!(
                    "rank {role} {method} {path}: {} {}",
                    a.status, a.body
                ));
            }
        }
    }
    assert!(walked >= 50, "{walked} routes need a role");
    assert!(wrong.is_empty(), "{wrong:#?}");
}

#[test]
fn a_fixed_path_is_not_taken_for_a_parameter_beside_it() {
    let _s = stack();
    // `/invites/accept` (POST) beside `/invites/:id` (DELETE): the fixed one
    // is the route, as the router picks it, so `Allow` names POST alone.
    let url = format!("{}/api/admin/invites/accept", within_test().url);
    let allow = match agent().request("OPTIONS", &url).call() {
        Ok(r) => panic!("OPTIONS answered {}", r.status()),
        Err(ureq::Error::Status(405, r)) => r.header("allow").unwrap_or_default().to_owned(),
        Err(e) => panic!("{e}"),
    };
    assert_eq!(allow, "POST");
}
