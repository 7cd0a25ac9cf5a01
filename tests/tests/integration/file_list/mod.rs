//! `GET /api/v4/file` (listing, cursor and offset pagination, search), `PATCH /file/view`
//! and `PUT`/`DELETE /file/pin`.

use std::cmp::Ordering;

use reqwest::Method;
use sea_orm::{ColumnTrait, EntityTrait, QueryFilter};
use serde_json::{Value, json};
use stratus_entity::file;
use stratus_tests::{TestServer, envelope};

mod pages;
mod roots;
mod search;
mod views;

const PASSWORD: &str = "correct horse";

struct User {
    id: i64,
    token: String,
}

async fn user(server: &TestServer, email: &str) -> User {
    let model = server.create_user(email, PASSWORD).await;
    let token = server.login(email, PASSWORD).await.access_token;
    User {
        id: model.id,
        token,
    }
}

async fn create(server: &TestServer, u: &User, uri: &str, kind: &str) -> Value {
    let body = server
        .send_as(
            Method::POST,
            "/file/create",
            &u.token,
            &json!({"uri": uri, "type": kind}),
        )
        .await;
    assert_eq!(body["code"], 0, "create {uri}: {body}");
    body["data"].clone()
}

/// `GET /file` with `uri` and extra query pairs; the whole envelope.
async fn list_raw(
    server: &TestServer,
    token: Option<&str>,
    uri: &str,
    extra: &[(&str, &str)],
) -> Value {
    let mut query: Vec<(&str, &str)> = vec![("uri", uri)];
    query.extend_from_slice(extra);
    let req = match token {
        Some(t) => server.request_as(Method::GET, "/file", t),
        None => server.client.get(server.api("/file")),
    };
    envelope(req.query(&query).send().await.unwrap()).await
}

/// `GET /file`, asserting success; the `data`.
async fn list(server: &TestServer, u: &User, uri: &str, extra: &[(&str, &str)]) -> Value {
    let body = list_raw(server, Some(&u.token), uri, extra).await;
    assert_eq!(body["code"], 0, "list {uri} {extra:?}: {body}");
    body["data"].clone()
}

fn names(data: &Value) -> Vec<String> {
    data["files"]
        .as_array()
        .unwrap()
        .iter()
        .map(|f| f["name"].as_str().unwrap().to_owned())
        .collect()
}

/// The folder row at `cloudreve://my/<name>` of user `owner`.
async fn folder_row(server: &TestServer, owner: i64, name: &str) -> file::Model {
    file::Entity::find()
        .filter(file::Column::OwnerId.eq(owner))
        .filter(file::Column::Name.eq(name))
        .filter(file::Column::Type.eq(file::kind::FOLDER))
        .one(&server.state.db)
        .await
        .unwrap()
        .unwrap()
}

async fn children(server: &TestServer, parent: i64) -> Vec<file::Model> {
    file::Entity::find()
        .filter(file::Column::ParentId.eq(parent))
        .all(&server.state.db)
        .await
        .unwrap()
}

/// The order the API must produce: folders first, then by key and id in `dir`.
fn expected(rows: &[file::Model], key: &str, dir: &str) -> Vec<String> {
    let mut rows = rows.to_vec();
    rows.sort_by(|a, b| {
        let by_key = match key {
            "name" => a.name.cmp(&b.name),
            "size" => a.size.cmp(&b.size),
            "updated_at" => a.updated_at.cmp(&b.updated_at),
            "created_at" => a.created_at.cmp(&b.created_at),
            _ => unreachable!(),
        }
        .then(a.id.cmp(&b.id));
        let by_key = if dir == "desc" {
            by_key.reverse()
        } else {
            by_key
        };
        match b.r#type.cmp(&a.r#type) {
            Ordering::Equal => by_key,
            other => other,
        }
    });
    rows.into_iter().map(|r| r.name).collect()
}
