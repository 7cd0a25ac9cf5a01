//! `POST /file/url` and `GET`/`HEAD /file/content/:id/:speed/:name`.
//!
//! Blobs are written straight through the storage driver and linked to a file made with
//! `/file/create`, so these tests do not depend on the upload routes.

use std::time::{Duration, Instant};

use reqwest::{Method, StatusCode};
use sea_orm::{
    ActiveModelTrait, ActiveValue::Set, ColumnTrait, EntityTrait, IntoActiveModel, QueryFilter,
};
use serde_json::{Value, json};
use sha2::{Digest, Sha256};
use stratus_entity::{entity, file, group};
use stratus_server::{ids::IdKind, storage::stream_once};
use stratus_tests::{Session, TestServer};

mod access;
mod moved;

const PW: &str = "password123";

async fn setup() -> (TestServer, Session) {
    let server = TestServer::start().await;
    server.create_user("ann@example.com", PW).await;
    let ann = server.login("ann@example.com", PW).await;
    (server, ann)
}

pub(crate) fn uid(server: &TestServer, s: &Session) -> i64 {
    server
        .state
        .ids
        .decode(s.user["id"].as_str().unwrap(), IdKind::User)
        .unwrap()
}

/// Creates `cloudreve://my/<name>` holding `bytes` (stored in the default local policy).
pub(crate) async fn put_file(
    server: &TestServer,
    s: &Session,
    name: &str,
    bytes: &[u8],
) -> entity::Model {
    let uri = format!("cloudreve://my/{name}");
    let created = server
        .send_as(
            Method::POST,
            "/file/create",
            &s.access_token,
            &json!({"uri": uri, "type": "file"}),
        )
        .await;
    assert_eq!(created["code"], 0, "{created}");
    let owner = uid(server, s);
    let row = file::Entity::find()
        .filter(file::Column::OwnerId.eq(owner))
        .filter(file::Column::Name.eq(name))
        .one(&server.state.db)
        .await
        .unwrap()
        .unwrap();
    let key = format!(
        "{}/uploads/{owner}/blob-{}",
        server.data_dir.display(),
        row.id
    );
    let driver = server.state.storage.driver(1).await.unwrap();
    driver
        .put(&key, stream_once(bytes.to_vec()), Some(bytes.len() as u64))
        .await
        .unwrap();
    let blob = server.new_version(&row, key, bytes.len() as i64).await;
    let mut row = row.into_active_model();
    row.size = Set(bytes.len() as i64);
    row.primary_entity = Set(Some(blob.id));
    row.storage_policy_id = Set(Some(1));
    row.update(&server.state.db).await.unwrap();
    blob
}

async fn file_url(server: &TestServer, s: &Session, body: Value) -> Value {
    server
        .send_as(Method::POST, "/file/url", &s.access_token, &body)
        .await
}

/// The one URL signed for `uri`.
async fn url_of(server: &TestServer, s: &Session, uri: &str) -> String {
    let answer = file_url(server, s, json!({"uris": [uri]})).await;
    assert_eq!(answer["code"], 0, "{answer}");
    answer["data"]["urls"][0]["url"]
        .as_str()
        .unwrap()
        .to_owned()
}

fn pattern(len: usize) -> Vec<u8> {
    (0..len).map(|i| (i * 31 % 251) as u8).collect()
}

fn sha(bytes: &[u8]) -> String {
    hex::encode(Sha256::digest(bytes))
}

async fn get(server: &TestServer, url: &str, headers: &[(&str, &str)]) -> reqwest::Response {
    let mut req = server.client.get(url);
    for (k, v) in headers {
        req = req.header(*k, *v);
    }
    req.send().await.unwrap()
}

fn header<'a>(resp: &'a reqwest::Response, name: &str) -> &'a str {
    resp.headers().get(name).map_or("", |v| v.to_str().unwrap())
}

#[tokio::test]
async fn signed_urls_serve_the_exact_bytes_with_ranges_and_conditions() {
    let (server, ann) = setup().await;
    let data = pattern(100_000);
    let blob = put_file(&server, &ann, "data.bin", &data).await;
    let answer = file_url(&server, &ann, json!({"uris": ["cloudreve://my/data.bin"]})).await;
    assert_eq!(answer["code"], 0, "{answer}");
    let url = answer["data"]["urls"][0]["url"]
        .as_str()
        .unwrap()
        .to_owned();
    let hashid = server.state.ids.encode(blob.id, IdKind::Entity);
    assert!(
        url.starts_with(&format!(
            "{}/api/v4/file/content/{hashid}/0/data.bin?",
            server.base
        )),
        "{url}"
    );
    assert!(url.contains("sign="), "{url}");
    let expires = answer["data"]["expires"].as_str().unwrap();
    let expires = chrono::DateTime::parse_from_rfc3339(expires).unwrap();
    let ttl = expires.timestamp() - chrono::Utc::now().timestamp();
    assert!((3500..=3601).contains(&ttl), "{ttl}");

    let resp = get(&server, &url, &[]).await;
    assert_eq!(resp.status(), StatusCode::OK);
    let etag = format!("\"{hashid}\"");
    assert_eq!(header(&resp, "etag"), etag);
    assert_eq!(header(&resp, "accept-ranges"), "bytes");
    assert_eq!(header(&resp, "content-length"), "100000");
    assert_eq!(header(&resp, "content-type"), "application/octet-stream");
    assert_eq!(header(&resp, "content-security-policy"), "sandbox");
    assert_eq!(header(&resp, "x-content-type-options"), "nosniff");
    assert!(header(&resp, "content-disposition").starts_with("inline;"));
    assert!(header(&resp, "cache-control").starts_with("private, max-age="));
    assert!(!header(&resp, "last-modified").is_empty());
    assert_eq!(sha(&resp.bytes().await.unwrap()), sha(&data));

    let head = server.client.head(&url).send().await.unwrap();
    assert_eq!(head.status(), StatusCode::OK);
    assert_eq!(header(&head, "content-length"), "100000");
    assert!(head.bytes().await.unwrap().is_empty());

    for (range, start, end) in [
        ("bytes=0-9", 0, 9),
        ("bytes=5000-5999", 5000, 5999),
        ("bytes=-10", 99_990, 99_999),
        ("bytes=99000-", 99_000, 99_999),
    ] {
        let resp = get(&server, &url, &[("range", range)]).await;
        assert_eq!(resp.status(), StatusCode::PARTIAL_CONTENT, "{range}");
        assert_eq!(
            header(&resp, "content-range"),
            format!("bytes {start}-{end}/100000")
        );
        assert_eq!(
            header(&resp, "content-length"),
            (end - start + 1).to_string()
        );
        assert_eq!(
            resp.bytes().await.unwrap().as_ref(),
            &data[start..=end],
            "{range}"
        );
    }
    let resp = get(&server, &url, &[("range", "bytes=100000-")]).await;
    assert_eq!(resp.status(), StatusCode::RANGE_NOT_SATISFIABLE);
    assert_eq!(header(&resp, "content-range"), "bytes */100000");
    let head = server
        .client
        .head(&url)
        .header("range", "bytes=-10")
        .send()
        .await
        .unwrap();
    assert_eq!(head.status(), StatusCode::PARTIAL_CONTENT);
    assert_eq!(header(&head, "content-length"), "10");
    // Several ranges: the whole body.
    let resp = get(&server, &url, &[("range", "bytes=0-1,5-6")]).await;
    assert_eq!(resp.status(), StatusCode::OK);
    assert_eq!(resp.bytes().await.unwrap().len(), 100_000);

    let resp = get(&server, &url, &[("if-none-match", &etag)]).await;
    assert_eq!(resp.status(), StatusCode::NOT_MODIFIED);
    assert_eq!(header(&resp, "etag"), etag);
    let resp = get(&server, &url, &[("if-none-match", "\"other\"")]).await;
    assert_eq!(resp.status(), StatusCode::OK);
    let resp = get(&server, &url, &[("if-match", "\"other\"")]).await;
    assert_eq!(resp.status(), StatusCode::PRECONDITION_FAILED);
    let resp = get(&server, &url, &[("if-match", &etag)]).await;
    assert_eq!(resp.status(), StatusCode::OK);
    let resp = get(
        &server,
        &url,
        &[("range", "bytes=0-9"), ("if-range", "\"other\"")],
    )
    .await;
    assert_eq!(resp.status(), StatusCode::OK);
    assert_eq!(resp.bytes().await.unwrap().len(), 100_000);
    let resp = get(
        &server,
        &url,
        &[("range", "bytes=0-9"), ("if-range", &etag)],
    )
    .await;
    assert_eq!(resp.status(), StatusCode::PARTIAL_CONTENT);
}

#[tokio::test]
async fn downloads_are_attachments_with_utf8_names() {
    let (server, ann) = setup().await;
    put_file(&server, &ann, "naïve résumé.txt", b"hello").await;
    let answer = file_url(
        &server,
        &ann,
        json!({"uris": ["cloudreve://my/na%C3%AFve%20r%C3%A9sum%C3%A9.txt"], "download": true}),
    )
    .await;
    assert_eq!(answer["code"], 0, "{answer}");
    let item = &answer["data"]["urls"][0];
    assert!(item.get("stream_saver_display_name").is_none(), "{item}");
    let url = item["url"].as_str().unwrap();
    assert!(
        url.contains("/na%C3%AFve%20r%C3%A9sum%C3%A9.txt?download=true&sign="),
        "{url}"
    );
    let resp = get(&server, url, &[]).await;
    assert_eq!(resp.status(), StatusCode::OK);
    assert_eq!(
        header(&resp, "content-disposition"),
        "attachment; filename=\"na_ve r_sum_.txt\"; filename*=UTF-8''na%C3%AFve%20r%C3%A9sum%C3%A9.txt"
    );
    assert!(header(&resp, "content-type").starts_with("text/plain"));
    assert_eq!(resp.bytes().await.unwrap().as_ref(), b"hello");

    // Markup is never rendered inline from a content URL.
    put_file(&server, &ann, "page.html", b"<script>alert(1)</script>").await;
    let resp = get(
        &server,
        &url_of(&server, &ann, "cloudreve://my/page.html").await,
        &[],
    )
    .await;
    assert_eq!(header(&resp, "content-type"), "text/html");
    assert!(header(&resp, "content-disposition").starts_with("attachment;"));
    assert_eq!(header(&resp, "content-security-policy"), "sandbox");
}

/// A browser client that sees `stream_saver_display_name` downloads through its stream-saver
/// page instead of the URL itself, so the name is sent only where the policy asks for that.
#[tokio::test]
async fn stream_saver_names_only_where_the_policy_asks() {
    let (server, ann) = setup().await;
    put_file(&server, &ann, "naïve résumé.txt", b"hello").await;
    let uri = "cloudreve://my/na%C3%AFve%20r%C3%A9sum%C3%A9.txt";
    let name_sent = |download: bool| {
        let (server, ann) = (&server, &ann);
        async move {
            let answer = file_url(server, ann, json!({"uris": [uri], "download": download})).await;
            assert_eq!(answer["code"], 0, "{answer}");
            answer["data"]["urls"][0]
                .get("stream_saver_display_name")
                .cloned()
        }
    };
    assert_eq!(
        name_sent(true).await,
        None,
        "the policy has no stream_saver"
    );

    let policy = stratus_entity::storage_policy::Entity::find_by_id(1)
        .one(&server.state.db)
        .await
        .unwrap()
        .unwrap();
    let mut settings = policy.settings.clone();
    settings["stream_saver"] = json!(true);
    let mut active = policy.into_active_model();
    active.settings = Set(settings);
    active.update(&server.state.db).await.unwrap();
    server.state.storage.invalidate(1).await;
    assert_eq!(name_sent(true).await, Some(json!("naïve résumé.txt")));
    assert_eq!(name_sent(false).await, None, "only for downloads");
}

#[tokio::test]
async fn batches_redirects_archives_and_empty_files() {
    let (server, ann) = setup().await;
    put_file(&server, &ann, "one.txt", b"1").await;
    let both = json!({"uris": ["cloudreve://my/one.txt", "cloudreve://my/missing.txt"]});
    let answer = file_url(&server, &ann, both.clone()).await;
    assert_eq!(answer["code"], 40081, "{answer}");
    let mut skip = both;
    skip["skip_error"] = json!(true);
    let answer = file_url(&server, &ann, skip).await;
    assert_eq!(answer["code"], 0, "{answer}");
    assert_eq!(answer["data"]["urls"].as_array().unwrap().len(), 1);

    // A specific version: only entities of that file.
    let other = put_file(&server, &ann, "two.txt", b"2").await;
    let one = file::Entity::find()
        .filter(file::Column::Name.eq("one.txt"))
        .one(&server.state.db)
        .await
        .unwrap()
        .unwrap();
    let own = server
        .state
        .ids
        .encode(one.primary_entity.unwrap(), IdKind::Entity);
    let foreign = server.state.ids.encode(other.id, IdKind::Entity);
    let uris = json!(["cloudreve://my/one.txt"]);
    let answer = file_url(&server, &ann, json!({"uris": uris, "entity": own})).await;
    let url = answer["data"]["urls"][0]["url"].as_str().unwrap();
    assert_eq!(
        get(&server, url, &[]).await.bytes().await.unwrap().as_ref(),
        b"1"
    );
    for bad in [foreign.as_str(), "nope"] {
        let answer = file_url(&server, &ann, json!({"uris": uris, "entity": bad})).await;
        assert_eq!(answer["code"], 40077, "{answer}");
    }

    let answer = file_url(
        &server,
        &ann,
        json!({"uris": ["cloudreve://my/one.txt"], "archive": true}),
    )
    .await;
    // The User group may not download archives (group permission 4).
    assert_eq!(answer["code"], 40007, "{answer}");

    let resp = server
        .request_as(Method::POST, "/file/url", &ann.access_token)
        .json(&json!({"uris": ["cloudreve://my/one.txt"], "redirect": true}))
        .send()
        .await
        .unwrap();
    assert_eq!(resp.status(), StatusCode::FOUND);
    let location = header(&resp, "location").to_owned();
    assert!(location.starts_with("/api/v4/file/content/"), "{location}");
    assert_eq!(
        get(&server, &server.url(&location), &[])
            .await
            .bytes()
            .await
            .unwrap()
            .as_ref(),
        b"1"
    );

    // An empty file made with /file/create has no blob: its URL serves zero bytes.
    let created = server
        .send_as(
            Method::POST,
            "/file/create",
            &ann.access_token,
            &json!({"uri": "cloudreve://my/empty.txt", "type": "file"}),
        )
        .await;
    assert_eq!(created["code"], 0);
    let url = url_of(&server, &ann, "cloudreve://my/empty.txt").await;
    let resp = get(&server, &url, &[]).await;
    assert_eq!(resp.status(), StatusCode::OK);
    assert_eq!(header(&resp, "content-length"), "0");
    assert!(resp.bytes().await.unwrap().is_empty());
    let resp = get(&server, &url, &[("range", "bytes=0-")]).await;
    assert_eq!(resp.status(), StatusCode::RANGE_NOT_SATISFIABLE);
}

#[tokio::test]
async fn the_group_speed_limit_throttles_and_large_files_stream() {
    let (server, ann) = setup().await;
    let big = pattern(8 << 20);
    put_file(&server, &ann, "big.bin", &big).await;
    let url = url_of(&server, &ann, "cloudreve://my/big.bin").await;
    let resp = get(&server, &url, &[]).await;
    assert_eq!(header(&resp, "content-length"), (8u64 << 20).to_string());
    assert_eq!(sha(&resp.bytes().await.unwrap()), sha(&big));

    let small = pattern(256 * 1024);
    put_file(&server, &ann, "slow.bin", &small).await;
    let mut users_group = group::Entity::find_by_id(2)
        .one(&server.state.db)
        .await
        .unwrap()
        .unwrap()
        .into_active_model();
    users_group.speed_limit = Set(128 * 1024);
    users_group.update(&server.state.db).await.unwrap();
    let url = url_of(&server, &ann, "cloudreve://my/slow.bin").await;
    assert!(url.contains("/131072/slow.bin?"), "{url}");
    let started = Instant::now();
    let body = get(&server, &url, &[]).await.bytes().await.unwrap();
    // A generous lower bound only: ~1.9 s at this rate, never much less.
    assert!(
        started.elapsed() >= Duration::from_millis(1500),
        "{:?}",
        started.elapsed()
    );
    assert_eq!(sha(&body), sha(&small));
}
