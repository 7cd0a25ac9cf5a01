//! Snapshots (`/snapshot`): taking them while writers go on, the blobs and bytes they hold,
//! limits and permissions, other users, schedules and the admin routes.

use reqwest::Method;
use serde_json::{Value, json};
use stratus_server::ids::IdKind;
use stratus_tests::{Session, TestServer, query_escape};

mod admin;
mod browse;
mod limits;
mod quota;
mod restore;
mod schedule;
mod take;

const PW: &str = "password123";

async fn setup() -> (TestServer, Session) {
    let server = TestServer::start().await;
    server.create_user("ann@example.com", PW).await;
    let ann = server.login("ann@example.com", PW).await;
    (server, ann)
}

async fn create(server: &TestServer, s: &Session, uri: &str, kind: &str) -> Value {
    let body = server
        .send_as(
            Method::POST,
            "/file/create",
            &s.access_token,
            &json!({"uri": uri, "type": kind}),
        )
        .await;
    assert_eq!(body["code"], 0, "create {uri}: {body}");
    body["data"].clone()
}

/// `PUT /snapshot`, the whole envelope.
async fn snap(server: &TestServer, s: &Session, uri: &str, name: &str) -> Value {
    server
        .send_as(
            Method::PUT,
            "/snapshot",
            &s.access_token,
            &json!({"uri": uri, "name": name, "description": "test"}),
        )
        .await
}

/// `PUT /snapshot` that must succeed; the snapshot.
async fn snap_ok(server: &TestServer, s: &Session, uri: &str, name: &str) -> Value {
    let body = snap(server, s, uri, name).await;
    assert_eq!(body["code"], 0, "snapshot {uri}: {body}");
    body["data"].clone()
}

fn user_id(server: &TestServer, s: &Session) -> i64 {
    server
        .state
        .ids
        .decode(s.user["id"].as_str().unwrap(), IdKind::User)
        .unwrap()
}

fn snapshot_id(server: &TestServer, hashid: &Value) -> i64 {
    server
        .state
        .ids
        .decode(hashid.as_str().unwrap(), IdKind::Snapshot)
        .unwrap()
}

/// The id of the object at `uri` (as its owner sees it).
async fn id_of(server: &TestServer, s: &Session, uri: &str) -> i64 {
    let q = format!("/file/info?uri={}", query_escape(uri));
    let body = server.get_as(&q, &s.access_token).await;
    assert_eq!(body["code"], 0, "info {uri}: {body}");
    server
        .state
        .ids
        .decode(body["data"]["id"].as_str().unwrap(), IdKind::File)
        .unwrap()
}
