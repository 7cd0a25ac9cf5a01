//! The route tables of `docs/api/v4.md` (§2) say each route's state; this sends every route
//! listed and checks the server agrees: an implemented (or differing) route reaches a
//! handler, a route not implemented does not. So the document cannot drift from the code.
//!
//! Under `/api/v4` a request reached a handler when the metrics did not count it as
//! `api_unmatched` (an unknown route or method): a handler's own 404 for a missing object
//! is still an answer. Outside `/api/v4`, an unknown `GET` falls to the web UI, so an
//! answer there is anything but an HTML page or a 405.

use std::path::Path;

use reqwest::{Method, redirect::Policy};
use stratus_tests::TestServer;

use crate::admin::admin;

/// What the document says of a route.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum State {
    Implemented,
    NotImplemented,
    Differs,
}

/// One method and path of a table row.
#[derive(Debug)]
struct Route {
    section: String,
    method: Method,
    path: String,
    state: State,
}

/// Splits a table row into its cells; `\|` inside a cell is not a separator.
fn cells(line: &str) -> Vec<String> {
    let line = line.trim().trim_start_matches('|').trim_end_matches('|');
    line.replace("\\|", "\u{0}")
        .split('|')
        .map(|c| c.replace('\u{0}', "|").trim().to_owned())
        .collect()
}

/// The routes of a first cell: `` `GET /a` ``, `` `PUT`/`DELETE /a` ``, several joined by `, `.
fn routes_of(cell: &str) -> Vec<(Method, String)> {
    let plain = cell.replace('`', "");
    let mut out = Vec::new();
    for item in plain.split(", ") {
        let (methods, path) = item
            .split_once(' ')
            .unwrap_or_else(|| panic!("no method and path in {cell:?}"));
        assert!(path.starts_with('/'), "not a path in {cell:?}");
        for method in methods.split('/') {
            assert!(
                !method.is_empty() && method.bytes().all(|b| b.is_ascii_uppercase()),
                "not a method: {method:?} in {cell:?}"
            );
            out.push((
                Method::from_bytes(method.as_bytes()).unwrap(),
                path.to_owned(),
            ));
        }
    }
    out
}

fn state_of(cell: &str) -> Option<State> {
    // The longest word first: "not implemented" also ends with "implemented".
    if cell.starts_with("not implemented") {
        Some(State::NotImplemented)
    } else if cell.starts_with("implemented") {
        Some(State::Implemented)
    } else if cell.starts_with("differs") {
        Some(State::Differs)
    } else {
        None
    }
}

/// Every route of the tables in §2 of `v4.md`.
fn documented_routes() -> Vec<Route> {
    let doc = Path::new(concat!(env!("CARGO_MANIFEST_DIR"), "/../docs/api/v4.md"));
    let text = std::fs::read_to_string(doc).unwrap();
    let start = text.find("\n## 2. ").expect("§2 in v4.md");
    let end = start + text[start..].find("\n## 3. ").expect("§3 in v4.md");
    let lines: Vec<&str> = text[start..end].lines().collect();
    let mut section = String::new();
    let mut state_column = None;
    let mut routes = Vec::new();
    for (i, line) in lines.iter().enumerate() {
        if let Some(heading) = line.strip_prefix("### ") {
            section = heading.to_owned();
            state_column = None;
            continue;
        }
        if !line.starts_with('|') || line.starts_with("| ---") {
            continue;
        }
        // A header is the row above the `| --- |` line.
        if lines
            .get(i + 1)
            .is_some_and(|next| next.starts_with("| ---"))
        {
            let header = cells(line);
            assert_eq!(header[0], "method and path", "{section}: {line}");
            state_column = Some(
                header
                    .iter()
                    .position(|c| c == "state")
                    .unwrap_or_else(|| panic!("{section}: a route table without a state: {line}")),
            );
            continue;
        }
        let column = state_column.unwrap_or_else(|| panic!("{section}: a row outside a table"));
        let row = cells(line);
        let state = state_of(&row[column])
            .unwrap_or_else(|| panic!("{section}: the state of {:?} is {:?}", row[0], row[column]));
        for (method, path) in routes_of(&row[0]) {
            routes.push(Route {
                section: section.clone(),
                method,
                path,
                state,
            });
        }
    }
    routes
}

/// The path with each parameter (`:id`, `*path`) filled with a value no row has.
fn concrete(path: &str) -> String {
    path.split('/')
        .map(|seg| {
            if seg.starts_with(':') || seg.starts_with('*') {
                "x"
            } else {
                seg
            }
        })
        .collect::<Vec<_>>()
        .join("/")
}

/// Requests under `/api/v4` that no route or method matched.
async fn unmatched(server: &TestServer) -> f64 {
    let text = server
        .client
        .get(server.url("/metrics"))
        .send()
        .await
        .unwrap()
        .text()
        .await
        .unwrap();
    text.lines()
        .filter(|l| {
            l.starts_with("stratus_http_requests_total{") && l.contains("route=\"api_unmatched\"")
        })
        .map(|l| l.rsplit(' ').next().unwrap().parse::<f64>().unwrap())
        .sum()
}

#[test]
fn every_route_row_states_its_state() {
    let routes = documented_routes();
    // The tables of §2.1 to §2.9, each with rows.
    for section in [
        "2.1 ", "2.2 ", "2.3 ", "2.4 ", "2.5 ", "2.6 ", "2.7 ", "2.8 ", "2.9 ",
    ] {
        assert!(
            routes.iter().any(|r| r.section.starts_with(section)),
            "no routes read from §{section}"
        );
    }
    assert!(routes.len() > 100, "{}", routes.len());
}

#[tokio::test]
async fn the_documented_state_of_every_route_holds() {
    let server = TestServer::start().await;
    // Signed in as an administrator, so no route is refused before it is routed.
    let boss = admin(&server, "boss@example.com").await;
    let client = reqwest::Client::builder()
        .redirect(Policy::none())
        .build()
        .unwrap();
    let mut wrong = Vec::new();
    let mut before = unmatched(&server).await;
    for route in documented_routes() {
        let path = concrete(&route.path);
        let api = !route.section.starts_with("2.1 ");
        let url = if api {
            server.api(&path)
        } else {
            server.url(&path)
        };
        let resp = client
            .request(route.method.clone(), url)
            .bearer_auth(&boss.access_token)
            .send()
            .await
            .unwrap();
        let status = resp.status().as_u16();
        let html = resp
            .headers()
            .get("content-type")
            .is_some_and(|v| v.to_str().unwrap_or("").starts_with("text/html"));
        let answered = if api {
            let after = unmatched(&server).await;
            let routed = after == before;
            before = after;
            routed
        } else {
            status != 405 && !html
        };
        let expected = route.state != State::NotImplemented;
        if answered != expected {
            wrong.push(format!(
                "§{}: {} {} is documented {:?} but {} (HTTP {status})",
                route.section,
                route.method,
                route.path,
                route.state,
                if answered {
                    "is answered"
                } else {
                    "finds no route"
                },
            ));
        }
    }
    assert!(
        wrong.is_empty(),
        "docs/api/v4.md disagrees:\n{}",
        wrong.join("\n")
    );
}
