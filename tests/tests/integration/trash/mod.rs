//! `DELETE /file`, `POST /file/restore`, `DELETE /file/trash` and the trash retention job.

use reqwest::Method;
use sea_orm::{ColumnTrait, EntityTrait, QueryFilter};
use serde_json::{Value, json};
use stratus_entity::{entity, file, metadata};
use stratus_server::ids::IdKind;
use stratus_tests::{Session, TestServer, query_escape};

mod order;
mod pages;
mod purge;
mod refusals;
mod restore;

const PW: &str = "password123";

const RESTORE_URI: &str = "sys:restore_uri";

const COLLECT_TIME: &str = "sys:expected_collect_time";

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
    body
}

async fn delete(server: &TestServer, s: &Session, body: Value) -> Value {
    server
        .send_as(Method::DELETE, "/file", &s.access_token, &body)
        .await
}

async fn restore(server: &TestServer, s: &Session, uris: &[&str]) -> Value {
    server
        .send_as(
            Method::POST,
            "/file/restore",
            &s.access_token,
            &json!({ "uris": uris }),
        )
        .await
}

async fn info(server: &TestServer, s: &Session, uri: &str) -> Value {
    let q = format!("/file/info?uri={}", query_escape(uri));
    server.get_as(&q, &s.access_token).await
}

async fn list(server: &TestServer, s: &Session, uri: &str) -> Value {
    let q = format!("/file?uri={}", query_escape(uri));
    let body = server.get_as(&q, &s.access_token).await;
    assert_eq!(body["code"], 0, "list {uri}: {body}");
    body["data"].clone()
}

fn user_id(server: &TestServer, s: &Session) -> i64 {
    server
        .state
        .ids
        .decode(s.user["id"].as_str().unwrap(), IdKind::User)
        .unwrap()
}

/// The id of the object at `uri` (as its owner sees it).
async fn id_of(server: &TestServer, s: &Session, uri: &str) -> i64 {
    let body = info(server, s, uri).await;
    assert_eq!(body["code"], 0, "info {uri}: {body}");
    server
        .state
        .ids
        .decode(body["data"]["id"].as_str().unwrap(), IdKind::File)
        .unwrap()
}

async fn file_row(server: &TestServer, id: i64) -> Option<file::Model> {
    file::Entity::find_by_id(id)
        .one(&server.state.db)
        .await
        .unwrap()
}

async fn meta_of(server: &TestServer, file_id: i64, key: &str) -> Option<metadata::Model> {
    metadata::Entity::find()
        .filter(metadata::Column::FileId.eq(file_id))
        .filter(metadata::Column::Name.eq(key))
        .one(&server.state.db)
        .await
        .unwrap()
}

/// The trash URI of a trashed row.
async fn trash_uri(server: &TestServer, id: i64) -> String {
    let row = file_row(server, id).await.expect("trashed row");
    assert_eq!(row.parent_id, None, "not in the trash: {row:?}");
    // A trashed row is named "<name> <uuid>"; a URI carries the space encoded.
    format!("cloudreve://trash/{}", row.name.replace(' ', "%20"))
}

async fn blob(server: &TestServer, id: i64) -> entity::Model {
    entity::Entity::find_by_id(id)
        .one(&server.state.db)
        .await
        .unwrap()
        .unwrap()
}
