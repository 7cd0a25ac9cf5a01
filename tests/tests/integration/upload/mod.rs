//! Upload sessions: `PUT /file/upload`, `POST /file/upload/:id/:index`, `DELETE /file/upload`,
//! the expiry sentinel and resuming after a restart.

use reqwest::Method;
use sea_orm::{
    ActiveModelTrait, ActiveValue::Set, ColumnTrait, EntityTrait, IntoActiveModel, QueryFilter,
};
use serde_json::{Value, json};
use sha2::{Digest, Sha256};
use stratus_entity::{entity, file, group, storage_policy, upload_session, user};
use stratus_server::ids::IdKind;
use stratus_tests::{Session, TestServer, query_escape};

mod checks;
mod concurrent;
mod disk;
mod killed;
mod lifecycle;
mod rules;

const PW: &str = "password123";
const CHUNK: usize = 64 * 1024;

async fn setup() -> (TestServer, Session) {
    let server = TestServer::start().await;
    set_chunk_size(&server, CHUNK as i64).await;
    server.create_user("ann@example.com", PW).await;
    let ann = server.login("ann@example.com", PW).await;
    (server, ann)
}

async fn set_chunk_size(server: &TestServer, chunk: i64) {
    update_policy(server, |p| {
        let mut settings = p.settings.clone();
        settings["chunk_size"] = json!(chunk);
        p.settings = settings;
    })
    .await;
}

async fn update_policy(server: &TestServer, change: impl FnOnce(&mut storage_policy::Model)) {
    let mut policy = storage_policy::Entity::find_by_id(1)
        .one(&server.state.db)
        .await
        .unwrap()
        .unwrap();
    change(&mut policy);
    let mut active = policy.clone().into_active_model();
    active.settings = Set(policy.settings.clone());
    active.max_size = Set(policy.max_size);
    active.update(&server.state.db).await.unwrap();
    // As an edit through the admin console does: the cached row and driver are dropped.
    server.state.storage.invalidate(1).await;
}

fn policy_id(server: &TestServer) -> String {
    server.state.ids.encode(1, IdKind::Policy)
}

fn data(len: usize, seed: u8) -> Vec<u8> {
    (0..len)
        .map(|i| (i as u8).wrapping_mul(31).wrapping_add(seed))
        .collect()
}

async fn create(server: &TestServer, s: &Session, uri: &str, size: usize, extra: Value) -> Value {
    let mut body = json!({"uri": uri, "size": size, "policy_id": policy_id(server)});
    if let (Some(body), Some(extra)) = (body.as_object_mut(), extra.as_object()) {
        body.extend(extra.clone());
    }
    server
        .send_as(Method::PUT, "/file/upload", &s.access_token, &body)
        .await
}

async fn send_chunk(
    server: &TestServer,
    s: &Session,
    sid: &str,
    index: i64,
    bytes: &[u8],
) -> Value {
    server.send_chunk(s, sid, index, bytes).await
}

/// Creates a session for `len` bytes at `uri`; returns its id.
async fn open_session(server: &TestServer, s: &Session, uri: &str, len: usize) -> String {
    let created = create(server, s, uri, len, json!({})).await;
    assert_eq!(created["code"], 0, "{created}");
    created["data"]["session_id"].as_str().unwrap().to_owned()
}

/// Creates a session and sends every chunk in order; returns the session id.
async fn upload(server: &TestServer, s: &Session, uri: &str, bytes: &[u8]) -> String {
    let created = create(server, s, uri, bytes.len(), json!({})).await;
    assert_eq!(created["code"], 0, "{created}");
    let sid = created["data"]["session_id"].as_str().unwrap().to_owned();
    let chunk = created["data"]["chunk_size"].as_u64().unwrap() as usize;
    assert_eq!(chunk, CHUNK);
    let mut chunks: Vec<&[u8]> = bytes.chunks(chunk).collect();
    if chunks.is_empty() {
        chunks.push(&[]);
    }
    for (i, c) in chunks.iter().enumerate() {
        let r = send_chunk(server, s, &sid, i as i64, c).await;
        assert_eq!(r["code"], 0, "chunk {i}: {r}");
    }
    sid
}

async fn info(server: &TestServer, s: &Session, uri: &str) -> Value {
    let q: String = query_escape(uri);
    server
        .get_as(&format!("/file/info?uri={q}"), &s.access_token)
        .await
}

async fn user_row(server: &TestServer, s: &Session) -> user::Model {
    let id = server
        .state
        .ids
        .decode(s.user["id"].as_str().unwrap(), IdKind::User)
        .unwrap();
    user::Entity::find_by_id(id)
        .one(&server.state.db)
        .await
        .unwrap()
        .unwrap()
}

/// The file at `uri` holds exactly `bytes` and they are the owner's only charge.
async fn assert_stored_once(server: &TestServer, s: &Session, uri: &str, bytes: &[u8]) {
    assert_eq!(blob_sha(server, s, uri).await, sha(bytes), "{uri}");
    assert_eq!(user_row(server, s).await.storage, bytes.len() as i64);
}

/// SHA-256 of the blob behind the file's primary entity, read through the driver.
async fn blob_sha(server: &TestServer, s: &Session, uri: &str) -> String {
    let info = info(server, s, uri).await;
    assert_eq!(info["code"], 0, "{info}");
    let eid = server
        .state
        .ids
        .decode(
            info["data"]["primary_entity"].as_str().unwrap(),
            IdKind::Entity,
        )
        .unwrap();
    let e = entity::Entity::find_by_id(eid)
        .one(&server.state.db)
        .await
        .unwrap()
        .unwrap();
    assert!(e.upload_session_id.is_none());
    let driver = server.state.storage.driver(1).await.unwrap();
    let got = driver.get(&e.source, None).await.unwrap();
    let bytes = stratus_server::storage::collect(got.stream).await.unwrap();
    hex::encode(Sha256::digest(&bytes))
}

fn sha(bytes: &[u8]) -> String {
    hex::encode(Sha256::digest(bytes))
}
