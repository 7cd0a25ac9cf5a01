//! Small edits (`PUT /file/content`), versions (`POST /file/version/current`,
//! `DELETE /file/version`), the version cap, and the entity recycling job.

use crate::backup::runs::upload;
use reqwest::Method;
use sea_orm::{ActiveModelTrait, ActiveValue::Set, EntityTrait, IntoActiveModel};
use serde_json::{Value, json};
use sha2::{Digest, Sha256};
use stratus_entity::{entity, group};
use stratus_server::ids::IdKind;
use stratus_tests::{Session, TestServer, query_escape, server::envelope};

mod edit;
mod live_photo;
mod manage;
mod recycle;

const PW: &str = "password123";

async fn setup() -> (TestServer, Session) {
    let server = TestServer::start().await;
    server.create_user("ann@example.com", PW).await;
    let ann = server.login("ann@example.com", PW).await;
    (server, ann)
}

async fn second_user(server: &TestServer) -> Session {
    server.create_user("bob@example.com", PW).await;
    server.login("bob@example.com", PW).await
}

fn sha(bytes: &[u8]) -> String {
    hex::encode(Sha256::digest(bytes))
}

/// `PUT /file/content` with a raw body; returns the envelope.
async fn put_content(
    server: &TestServer,
    s: &Session,
    uri: &str,
    previous: Option<&str>,
    bytes: &[u8],
) -> Value {
    let mut path = format!("/file/content?uri={}", query_escape(uri));
    if let Some(p) = previous {
        path.push_str(&format!("&previous={}", query_escape(p)));
    }
    let resp = server
        .request_as(Method::PUT, &path, &s.access_token)
        .body(bytes.to_vec())
        .send()
        .await
        .unwrap();
    envelope(resp).await
}

/// `GET /file/info?extended=true`
async fn info(server: &TestServer, s: &Session, uri: &str) -> Value {
    server
        .get_as(
            &format!("/file/info?uri={}&extended=true", query_escape(uri)),
            &s.access_token,
        )
        .await
}

/// Hashid of the file's current entity.
async fn primary(server: &TestServer, s: &Session, uri: &str) -> String {
    let i = info(server, s, uri).await;
    assert_eq!(i["code"], 0, "{i}");
    i["data"]["primary_entity"].as_str().unwrap().to_owned()
}

/// Hashids of the file's entities, as `extended_info.entities` lists them.
async fn entity_ids(server: &TestServer, s: &Session, uri: &str) -> Vec<String> {
    let i = info(server, s, uri).await;
    assert_eq!(i["code"], 0, "{i}");
    i["data"]["extended_info"]["entities"]
        .as_array()
        .unwrap()
        .iter()
        .map(|e| e["id"].as_str().unwrap().to_owned())
        .collect()
}

/// Downloads `uri` (or one of its versions) through `/file/url` and the signed link.
async fn download(server: &TestServer, s: &Session, uri: &str, entity: Option<&str>) -> Vec<u8> {
    let mut body = json!({"uris": [uri]});
    if let Some(e) = entity {
        body["entity"] = json!(e);
    }
    let answer = server
        .send_as(Method::POST, "/file/url", &s.access_token, &body)
        .await;
    assert_eq!(answer["code"], 0, "{answer}");
    let url = answer["data"]["urls"][0]["url"].as_str().unwrap();
    let resp = server.client.get(url).send().await.unwrap();
    assert!(resp.status().is_success(), "{}", resp.status());
    resp.bytes().await.unwrap().to_vec()
}

async fn version_call(
    server: &TestServer,
    s: &Session,
    method: Method,
    uri: &str,
    version: &str,
) -> Value {
    let path = if method == Method::POST {
        "/file/version/current"
    } else {
        "/file/version"
    };
    server
        .send_as(
            method,
            path,
            &s.access_token,
            &json!({"uri": uri, "version": version}),
        )
        .await
}

fn uid(server: &TestServer, s: &Session) -> i64 {
    server
        .state
        .ids
        .decode(s.user["id"].as_str().unwrap(), IdKind::User)
        .unwrap()
}

async fn storage(server: &TestServer, s: &Session) -> i64 {
    server.storage_of(uid(server, s)).await
}

async fn entity_row(server: &TestServer, hashid: &str) -> Option<entity::Model> {
    let id = server.state.ids.decode(hashid, IdKind::Entity).unwrap();
    entity::Entity::find_by_id(id)
        .one(&server.state.db)
        .await
        .unwrap()
}

/// Changes the caller's version retention through `PATCH /user/setting`.
async fn set_retention(server: &TestServer, s: &Session, settings: Value) {
    let r = server
        .send_as(Method::PATCH, "/user/setting", &s.access_token, &settings)
        .await;
    assert_eq!(r["code"], 0, "{r}");
}

/// Changes the User group (2).
async fn update_group(server: &TestServer, change: impl FnOnce(&mut group::ActiveModel)) {
    let g = group::Entity::find_by_id(2)
        .one(&server.state.db)
        .await
        .unwrap()
        .unwrap();
    let mut active = g.into_active_model();
    change(&mut active);
    active.update(&server.state.db).await.unwrap();
}

fn set_max_storage(g: &mut group::ActiveModel, bytes: i64) {
    g.max_storage = Set(bytes);
}
