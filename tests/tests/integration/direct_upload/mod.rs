//! Uploads sent straight to a bucket (spec §6.2): the session hands out presigned part URLs
//! and a presigned completion URL, a plain HTTP client (no S3 SDK) sends the parts to s3s-fs,
//! and the callback publishes the file once the object's size matches the session.

use reqwest::Method;
use sea_orm::{ActiveModelTrait, ColumnTrait, EntityTrait, IntoActiveModel, QueryFilter};
use serde_json::{Value, json};
use stratus_entity::{file, storage_policy, upload_session};
use stratus_server::ids::IdKind;
use stratus_tests::{Session, TestServer, query_escape, s3::S3Server};

use crate::{archive::update_group, storage_s3};

mod oss;
mod s3;

const PW: &str = "password123";

/// A server whose User group stores on the bucket of `s3` with a policy of `kind` and
/// `settings`; a signed-in user; the policy's id.
async fn setup(s3: &S3Server, kind: &str, settings: Value) -> (TestServer, Session, i64) {
    let server = TestServer::start().await;
    server.create_user("ann@example.com", PW).await;
    let ann = server.login("ann@example.com", PW).await;
    let mut row = storage_s3::policy(s3, settings);
    row.r#type = kind.into();
    let stored = storage_policy::ActiveModel {
        id: sea_orm::ActiveValue::NotSet,
        ..row.into_active_model()
    }
    .insert(&server.state.db)
    .await
    .unwrap();
    update_group(&server, |g| g.storage_policy_id = Some(stored.id)).await;
    (server, ann, stored.id)
}

fn pattern(len: usize, seed: u8) -> Vec<u8> {
    (0..len)
        .map(|i| ((i / 7) as u8).wrapping_mul(31).wrapping_add(seed))
        .collect()
}

/// Opens a session for `len` bytes at `uri`; the envelope.
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

/// PUTs `parts` of `data` (1-based part numbers) to the session's presigned URLs with a plain
/// client, as a browser would; returns `(part number, ETag)` of each.
async fn send_parts(created: &Value, data: &[u8], parts: &[usize]) -> Vec<(usize, String)> {
    let chunk = created["data"]["chunk_size"].as_u64().unwrap() as usize;
    let urls = created["data"]["upload_urls"].as_array().unwrap();
    let client = reqwest::Client::new();
    let mut etags = Vec::new();
    for &n in parts {
        let start = (n - 1) * chunk;
        let body = data[start..(start + chunk).min(data.len())].to_vec();
        let resp = client
            .put(urls[n - 1].as_str().unwrap())
            .body(body)
            .send()
            .await
            .unwrap();
        assert_eq!(resp.status(), 200, "part {n}: {:?}", resp.text().await);
        let etag = resp.headers()["etag"].to_str().unwrap().to_owned();
        etags.push((n, etag));
    }
    etags
}

/// POSTs the CompleteMultipartUpload document to the session's `completeURL`.
async fn complete(created: &Value, etags: &[(usize, String)]) {
    let parts: String = etags
        .iter()
        .map(|(n, etag)| format!("<Part><PartNumber>{n}</PartNumber><ETag>{etag}</ETag></Part>"))
        .collect();
    let resp = reqwest::Client::new()
        .post(created["data"]["completeURL"].as_str().unwrap())
        .header("content-type", "application/xml")
        .body(format!(
            "<CompleteMultipartUpload>{parts}</CompleteMultipartUpload>"
        ))
        .send()
        .await
        .unwrap();
    assert_eq!(resp.status(), 200, "{:?}", resp.text().await);
}

/// GETs the callback of `kind` for the session with `key`: `(HTTP status, envelope)`.
async fn callback(server: &TestServer, kind: &str, created: &Value, key: &str) -> (u16, Value) {
    let sid = created["data"]["session_id"].as_str().unwrap();
    let resp = server
        .client
        .get(server.api(&format!("/callback/{kind}/{sid}/{key}")))
        .send()
        .await
        .unwrap();
    (resp.status().as_u16(), stratus_tests::envelope(resp).await)
}

/// The session row of `created`, if it is still there.
async fn session_row(server: &TestServer, created: &Value) -> Option<upload_session::Model> {
    let sid = created["data"]["session_id"].as_str().unwrap();
    upload_session::Entity::find()
        .filter(upload_session::Column::SessionId.eq(sid))
        .one(&server.state.db)
        .await
        .unwrap()
}

/// Files named `name` (placeholders included).
async fn files_named(server: &TestServer, name: &str) -> Vec<file::Model> {
    file::Entity::find()
        .filter(file::Column::Name.eq(name))
        .all(&server.state.db)
        .await
        .unwrap()
}

/// The listing of the user's root: `(name, size)` of each file.
async fn listing(server: &TestServer, s: &Session) -> Vec<(String, i64)> {
    let q = query_escape("cloudreve://my");
    let list = server
        .get_as(&format!("/file?uri={q}"), &s.access_token)
        .await;
    assert_eq!(list["code"], 0, "{list}");
    list["data"]["files"]
        .as_array()
        .unwrap()
        .iter()
        .map(|f| {
            (
                f["name"].as_str().unwrap().to_owned(),
                f["size"].as_i64().unwrap(),
            )
        })
        .collect()
}

/// Downloads `uri` through `POST /file/url`.
async fn download(server: &TestServer, s: &Session, uri: &str) -> Vec<u8> {
    let urls = server
        .send_as(
            Method::POST,
            "/file/url",
            &s.access_token,
            &json!({"uris": [uri], "download": true}),
        )
        .await;
    assert_eq!(urls["code"], 0, "{urls}");
    let url = urls["data"]["urls"][0]["url"].as_str().unwrap();
    let got = reqwest::get(url).await.unwrap();
    assert_eq!(got.status(), 200, "{urls}");
    got.bytes().await.unwrap().to_vec()
}

/// Multipart uploads s3s-fs still holds parts of (it keeps them beside the buckets).
fn pending_parts(s3: &S3Server) -> Vec<String> {
    std::fs::read_dir(s3.bucket_dir.parent().unwrap())
        .unwrap()
        .flatten()
        .map(|e| e.file_name().to_string_lossy().into_owned())
        .filter(|n| n.starts_with(".upload_id-"))
        .collect()
}
