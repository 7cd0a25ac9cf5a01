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

/// Puts `folders` folders `d0..` under folder `parent`, and `files` files `f0..` of `size`
/// bytes spread over them (`f<i>` in `d<i % folders>`), each with a blob of its own, straight
/// into the database: thousands of files in a moment. Charges the owner for them.
async fn bulk_tree(
    server: &TestServer,
    owner: i64,
    parent: i64,
    folders: i64,
    files: i64,
    size: i64,
) {
    use sea_orm::{ConnectionTrait, DbBackend, Statement};
    let db = &server.state.db;
    let backend = db.get_database_backend();
    let exec = |sql: String| async move {
        db.execute_raw(Statement::from_string(backend, sql))
            .await
            .unwrap();
    };
    let series = |n: i64| match backend {
        DbBackend::Postgres => format!("SELECT generate_series(0, {n} - 1) AS i"),
        _ => format!(
            "WITH RECURSIVE c(i) AS (SELECT 0 UNION ALL SELECT i + 1 FROM c WHERE i < {n} - 1) \
             SELECT i FROM c"
        ),
    };
    let ts = format!("(SELECT created_at FROM files WHERE id = {parent})");
    let tag = format!("bulk{parent}/");
    exec(format!(
        "INSERT INTO files (created_at, updated_at, type, name, owner_id, size, parent_id, \
         is_symbolic) SELECT {ts}, {ts}, 1, 'd' || CAST(i AS TEXT), {owner}, 0, {parent}, false \
         FROM ({}) s",
        series(folders)
    ))
    .await;
    exec(format!(
        "INSERT INTO entities (created_at, updated_at, type, source, size, reference_count, \
         storage_policy_id, created_by) SELECT {ts}, {ts}, 0, '{tag}' || CAST(i AS TEXT), {size}, \
         1, 1, {owner} FROM ({}) s",
        series(files)
    ))
    .await;
    let i = match backend {
        DbBackend::Postgres => "CAST(substr(e.source, length('{tag}') + 1) AS BIGINT)",
        _ => "CAST(substr(e.source, length('{tag}') + 1) AS INTEGER)",
    }
    .replace("{tag}", &tag);
    exec(format!(
        "INSERT INTO files (created_at, updated_at, type, name, owner_id, size, parent_id, \
         is_symbolic, primary_entity) SELECT {ts}, {ts}, 0, 'f' || CAST({i} AS TEXT), {owner}, \
         {size}, d.id, false, e.id FROM entities e JOIN files d ON d.parent_id = {parent} \
         AND d.name = 'd' || CAST({i} % {folders} AS TEXT) WHERE e.source LIKE '{tag}%'"
    ))
    .await;
    exec(format!(
        "INSERT INTO file_entities (file_id, entity_id) SELECT f.id, f.primary_entity FROM files f \
         JOIN entities e ON e.id = f.primary_entity WHERE e.source LIKE '{tag}%'"
    ))
    .await;
    exec(format!(
        "UPDATE users SET storage = storage + {} WHERE id = {owner}",
        files * size
    ))
    .await;
}
