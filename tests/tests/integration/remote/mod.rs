//! `remote` storage policies on a slave node (spec §9): a master and a slave, each the real
//! server on loopback with its own data dir. Clients send chunks straight to the node,
//! downloads and thumbnails come from it, deletes reach it; the node refuses what is not
//! signed with its key, or signed too long ago; a node that is down costs the drive
//! nothing; the node admin routes.

mod admin;
mod conformance;
mod down;
mod mode;
mod signing;
mod thumbs;
mod transfer;

use reqwest::Method;
use sea_orm::{
    ActiveModelTrait, ActiveValue::NotSet, ColumnTrait, EntityTrait, IntoActiveModel, QueryFilter,
};
use serde_json::{Value, json};
use stratus_entity::{file, node, storage_policy};
use stratus_server::ids::IdKind;
use stratus_tests::{Session, TestServer, query_escape, slave::SlaveNode};

use crate::archive::update_group;

const PW: &str = "password123";
/// Chunk size of the test policy: small, so uploads take several chunks.
const CHUNK: usize = 64 * 1024;

/// A master whose User group stores on `slave` through a `remote` policy; a signed-in
/// member; the policy's id.
async fn setup(slave: &SlaveNode) -> (TestServer, Session, i64) {
    let server = TestServer::start().await;
    let (ann, policy) = setup_on(&server, slave).await;
    (server, ann, policy)
}

/// [`setup`] on a running master.
async fn setup_on(server: &TestServer, slave: &SlaveNode) -> (Session, i64) {
    server
        .state
        .settings
        .set(&[("siteURL", server.base.as_str())])
        .await
        .unwrap();
    let node = add_node(server, slave).await;
    let now = chrono::Utc::now();
    let row = storage_policy::Model {
        id: 0,
        created_at: now,
        updated_at: now,
        deleted_at: None,
        name: "On the node".into(),
        r#type: storage_policy::kind::REMOTE.into(),
        server: String::new(),
        bucket_name: String::new(),
        is_private: true,
        access_key: String::new(),
        secret_key: String::new(),
        max_size: 0,
        dir_name_rule: "uploads/{uid}/{path}".into(),
        file_name_rule: "{uid}_{randomkey8}_{originname}".into(),
        settings: json!({"chunk_size": CHUNK}),
        node_id: Some(node.id),
    };
    let policy = storage_policy::ActiveModel {
        id: NotSet,
        ..row.into_active_model()
    }
    .insert(&server.state.db)
    .await
    .unwrap();
    update_group(server, |g| g.storage_policy_id = Some(policy.id)).await;
    server.create_user("ann@example.com", PW).await;
    let ann = server.login("ann@example.com", PW).await;
    (ann, policy.id)
}

/// A slave node row for `slave`.
async fn add_node(server: &TestServer, slave: &SlaveNode) -> node::Model {
    let now = chrono::Utc::now();
    let row = node::Model {
        id: 0,
        created_at: now,
        updated_at: now,
        deleted_at: None,
        status: node::status::ACTIVE.into(),
        name: "node one".into(),
        r#type: node::kind::SLAVE.into(),
        server: slave.base.clone(),
        slave_key: slave.secret.clone(),
        capabilities: Vec::new(),
        settings: json!({}),
        weight: 1,
    };
    node::ActiveModel {
        id: NotSet,
        ..row.into_active_model()
    }
    .insert(&server.state.db)
    .await
    .unwrap()
}

fn pattern(len: usize, seed: u8) -> Vec<u8> {
    (0..len)
        .map(|i| ((i / 7) as u8).wrapping_mul(31).wrapping_add(seed))
        .collect()
}

/// Opens an upload session for `len` bytes at `uri`; the envelope.
async fn open(server: &TestServer, s: &Session, policy: i64, uri: &str, len: usize) -> Value {
    server
        .send_as(
            Method::PUT,
            "/file/upload",
            &s.access_token,
            &json!({"uri": uri, "size": len,
                    "policy_id": server.state.ids.encode(policy, IdKind::Policy)}),
        )
        .await
}

/// POSTs chunk `index` of `data` to the node the session names, as a browser would.
async fn send_chunk(created: &Value, data: &[u8], index: usize) -> reqwest::Result<(u16, Value)> {
    let chunk = created["data"]["chunk_size"].as_u64().unwrap() as usize;
    let url = created["data"]["upload_urls"][0].as_str().unwrap();
    let credential = created["data"]["credential"].as_str().unwrap();
    let start = index * chunk;
    let body = data[start..(start + chunk).min(data.len())].to_vec();
    let resp = reqwest::Client::new()
        .post(format!("{url}?chunk={index}"))
        .header("authorization", credential)
        .header("content-type", "application/octet-stream")
        .body(body)
        .send()
        .await?;
    let status = resp.status().as_u16();
    Ok((status, stratus_tests::envelope(resp).await))
}

/// Uploads `data` to `uri` through the node, every chunk in order.
async fn upload(server: &TestServer, s: &Session, policy: i64, uri: &str, data: &[u8]) {
    let created = open(server, s, policy, uri, data.len()).await;
    assert_eq!(created["code"], 0, "{created}");
    let chunks = data.len().div_ceil(CHUNK).max(1);
    for i in 0..chunks {
        let (status, sent) = send_chunk(&created, data, i).await.unwrap();
        assert_eq!(
            (status, &sent["code"]),
            (200, &json!(0)),
            "chunk {i}: {sent}"
        );
    }
}

/// `POST /file/url` for `uri`: the envelope.
async fn file_url(server: &TestServer, s: &Session, uri: &str) -> Value {
    server
        .send_as(
            Method::POST,
            "/file/url",
            &s.access_token,
            &json!({"uris": [uri], "download": true}),
        )
        .await
}

/// Files named `name` in the database (placeholders included).
async fn files_named(server: &TestServer, name: &str) -> Vec<file::Model> {
    file::Entity::find()
        .filter(file::Column::Name.eq(name))
        .all(&server.state.db)
        .await
        .unwrap()
}

/// Names in the caller's root folder.
async fn listing(server: &TestServer, s: &Session) -> Vec<String> {
    let list = server
        .get_as(
            &format!("/file?uri={}", query_escape("cloudreve://my")),
            &s.access_token,
        )
        .await;
    assert_eq!(list["code"], 0, "{list}");
    list["data"]["files"]
        .as_array()
        .unwrap()
        .iter()
        .map(|f| f["name"].as_str().unwrap().to_owned())
        .collect()
}
