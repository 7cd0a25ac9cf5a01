//! Zip downloads: `POST /file/url {archive: true}` and `GET /file/archive/:id/archive.zip`.
//! Files are uploaded through the upload routes, and every archive is read back with the
//! `zip` crate, entry by entry.

use std::{collections::BTreeMap, io::Read};

use reqwest::{Method, StatusCode, Url};
use sea_orm::{ActiveModelTrait, ActiveValue::Set, EntityTrait, IntoActiveModel};
use serde_json::{Value, json};
use sha2::{Digest, Sha256};
use stratus_entity::{entity, file, group};
use stratus_server::{archive::session, auth::sign, boolset::Boolset};
use stratus_tests::{Session, TestServer};

mod access;

pub const PW: &str = "password123";
/// The default User group.
pub const USER_GROUP: i64 = 2;
const ARCHIVE_BIT: usize = 4;

pub async fn setup() -> (TestServer, Session) {
    let server = TestServer::start().await;
    server.create_user("ann@example.com", PW).await;
    let ann = server.login("ann@example.com", PW).await;
    (server, ann)
}

/// Changes the User group (the caller's group is read on every request).
pub async fn update_group(server: &TestServer, change: impl FnOnce(&mut group::Model)) {
    let mut g = group::Entity::find_by_id(USER_GROUP)
        .one(&server.state.db)
        .await
        .unwrap()
        .unwrap();
    change(&mut g);
    let mut active = g.clone().into_active_model();
    active.permissions = Set(g.permissions.clone());
    active.settings = Set(g.settings.clone());
    active.speed_limit = Set(g.speed_limit);
    active.storage_policy_id = Set(g.storage_policy_id);
    active.update(&server.state.db).await.unwrap();
    // WebDAV sign-ins reuse the group row for a moment; an admin edit forgets it the same way.
    stratus_server::auth::dav_cache::rows(&server.state).forget_all();
}

pub(crate) async fn allow_archives(server: &TestServer, allowed: bool) {
    update_group(server, |g| {
        let mut bits = Boolset::from_bytes(g.permissions.clone());
        bits.set_to(ARCHIVE_BIT, allowed);
        g.permissions = bits.into_bytes();
    })
    .await;
}

pub fn pattern(len: usize, seed: u8) -> Vec<u8> {
    (0..len)
        .map(|i| (i as u8).wrapping_mul(31).wrapping_add(seed))
        .collect()
}

pub fn sha(bytes: &[u8]) -> String {
    hex::encode(Sha256::digest(bytes))
}

/// `cloudreve://my/<path>` as a URI (segments percent-encoded).
pub fn my(path: &str) -> String {
    let escaped: Vec<String> = path
        .split('/')
        .map(|seg| {
            seg.bytes()
                .map(|b| match b {
                    b'A'..=b'Z' | b'a'..=b'z' | b'0'..=b'9' | b'-' | b'_' | b'.' | b'~' => {
                        (b as char).to_string()
                    }
                    _ => format!("%{b:02X}"),
                })
                .collect()
        })
        .collect();
    format!("cloudreve://my/{}", escaped.join("/"))
}

/// Uploads `bytes` to `uri` through the upload routes (parent folders are created).
pub async fn upload(server: &TestServer, s: &Session, uri: &str, bytes: &[u8]) {
    server.upload(s, uri, bytes, json!({})).await;
}

/// Creates an empty file or a folder.
pub async fn create(server: &TestServer, s: &Session, uri: &str, kind: &str) {
    let created = server
        .send_as(
            Method::POST,
            "/file/create",
            &s.access_token,
            &json!({"uri": uri, "type": kind}),
        )
        .await;
    assert_eq!(created["code"], 0, "{created}");
}

/// Moves `uris` to the trash.
pub async fn trash(server: &TestServer, s: &Session, uris: &[&str]) {
    let body = server
        .send_as(
            Method::DELETE,
            "/file",
            &s.access_token,
            &json!({ "uris": uris }),
        )
        .await;
    assert_eq!(body["code"], 0, "{body}");
}

async fn archive_answer(server: &TestServer, s: &Session, body: Value) -> Value {
    server
        .send_as(Method::POST, "/file/url", &s.access_token, &body)
        .await
}

/// The archive URL for `uris`.
async fn archive_url(server: &TestServer, s: &Session, uris: &[&str]) -> String {
    let answer = archive_answer(server, s, json!({"uris": uris, "archive": true})).await;
    assert_eq!(answer["code"], 0, "{answer}");
    let urls = answer["data"]["urls"].as_array().unwrap();
    assert_eq!(urls.len(), 1, "{answer}");
    urls[0]["url"].as_str().unwrap().to_owned()
}

/// Fetches an archive (no session: the URL is the credential) and reads every entry:
/// name → SHA-256 of the bytes, or `"dir"` for folders.
pub(crate) async fn fetch_entries(server: &TestServer, url: &str) -> BTreeMap<String, String> {
    let resp = server.client.get(url).send().await.unwrap();
    assert_eq!(resp.status(), StatusCode::OK);
    let bytes = resp.bytes().await.unwrap();
    let mut zip = zip::ZipArchive::new(std::io::Cursor::new(bytes.to_vec())).unwrap();
    let mut entries = BTreeMap::new();
    for i in 0..zip.len() {
        let mut entry = zip.by_index(i).unwrap();
        let name = entry.name().unwrap().into_owned();
        if entry.is_dir() {
            entries.insert(name, "dir".to_owned());
            continue;
        }
        assert_eq!(entry.compression(), zip::CompressionMethod::Stored);
        let mut data = Vec::new();
        // Reading to the end checks the CRC.
        entry.read_to_end(&mut data).unwrap();
        entries.insert(name, sha(&data));
    }
    entries
}

fn session_id(url: &str) -> String {
    let url = Url::parse(url).unwrap();
    let segments: Vec<&str> = url.path_segments().unwrap().collect();
    assert_eq!(segments[..4], ["api", "v4", "file", "archive"], "{url}");
    assert_eq!(segments[5], "archive.zip");
    segments[4].to_owned()
}

#[tokio::test]
async fn a_nested_folder_zips_entry_by_entry() {
    let (server, ann) = setup().await;
    allow_archives(&server, true).await;
    let a = pattern(3000, 1);
    let b = pattern(300_000, 2);
    let c = "ünïcödé 内容".as_bytes().to_vec();
    let top = pattern(10, 3);
    upload(&server, &ann, &my("docs/a.txt"), &a).await;
    upload(&server, &ann, &my("docs/sub/b.bin"), &b).await;
    upload(&server, &ann, &my("docs/sub/日本語 ñ.txt"), &c).await;
    upload(&server, &ann, &my("top.txt"), &top).await;
    create(&server, &ann, &my("docs/empty.txt"), "file").await;
    create(&server, &ann, &my("docs/nothing"), "folder").await;

    let answer = archive_answer(
        &server,
        &ann,
        json!({"uris": [my("docs"), my("top.txt")], "archive": true}),
    )
    .await;
    assert_eq!(answer["code"], 0, "{answer}");
    let url = answer["data"]["urls"][0]["url"].as_str().unwrap();
    assert!(
        url.starts_with(&format!("{}/api/v4/file/archive/", server.base)),
        "{url}"
    );
    assert!(uuid::Uuid::parse_str(&session_id(url)).is_ok());
    assert!(answer["data"]["expires"].is_string(), "{answer}");

    let resp = server.client.get(url).send().await.unwrap();
    assert_eq!(resp.status(), StatusCode::OK);
    let header = |name| resp.headers()[name].to_str().unwrap().to_owned();
    assert_eq!(header("content-type"), "application/zip");
    let disposition = header("content-disposition");
    assert!(
        disposition.starts_with("attachment;") && disposition.contains("archive.zip"),
        "{disposition}"
    );
    drop(resp);

    let entries = fetch_entries(&server, url).await;
    let expected: BTreeMap<String, String> = [
        ("docs/", "dir".to_owned()),
        ("docs/a.txt", sha(&a)),
        ("docs/empty.txt", sha(b"")),
        ("docs/nothing/", "dir".to_owned()),
        ("docs/sub/", "dir".to_owned()),
        ("docs/sub/b.bin", sha(&b)),
        ("docs/sub/日本語 ñ.txt", sha(&c)),
        ("top.txt", sha(&top)),
    ]
    .into_iter()
    .map(|(k, v)| (k.to_owned(), v))
    .collect();
    assert_eq!(entries, expected);
    // The session lasts until `archive_timeout`: fetching again gives the same archive.
    assert_eq!(fetch_entries(&server, url).await, expected);
}

#[tokio::test]
async fn the_root_folder_zips_its_children_at_the_top() {
    let (server, ann) = setup().await;
    allow_archives(&server, true).await;
    upload(&server, &ann, &my("x/y.txt"), b"y").await;
    upload(&server, &ann, &my("z.txt"), b"z").await;
    let url = archive_url(&server, &ann, &["cloudreve://my"]).await;
    let entries = fetch_entries(&server, &url).await;
    let names: Vec<&str> = entries.keys().map(String::as_str).collect();
    assert_eq!(names, ["x/", "x/y.txt", "z.txt"]);
}

#[tokio::test]
async fn a_group_without_permission_4_gets_40007() {
    let (server, ann) = setup().await;
    upload(&server, &ann, &my("a.txt"), b"a").await;
    let body = json!({"uris": [my("a.txt")], "archive": true});
    let answer = archive_answer(&server, &ann, body.clone()).await;
    assert_eq!(answer["code"], 40007, "{answer}");

    // Signed out: the guest group's permission decides first (as Cloudreve); then malformed
    // requests.
    let (status, anon) = server
        .send_api(Method::POST, "/file/url", &body.to_string())
        .await;
    assert_eq!(
        (status, anon["code"].clone()),
        (200, json!(40007)),
        "{anon}"
    );
    allow_archives(&server, true).await;
    for bad in [
        json!({"uris": [], "archive": true}),
        json!({"uris": "cloudreve://my/a.txt", "archive": true}),
    ] {
        let answer = archive_answer(&server, &ann, bad).await;
        assert_eq!(answer["code"], 40001, "{answer}");
    }
    let answer = archive_answer(&server, &ann, json!({"uris": ["nope"], "archive": true})).await;
    assert_ne!(answer["code"], 0, "{answer}");

    // A session made while allowed stops working once the group loses the permission.
    let url = archive_url(&server, &ann, &[&my("a.txt")]).await;
    allow_archives(&server, false).await;
    let resp = server.client.get(&url).send().await.unwrap();
    assert_eq!(resp.status(), StatusCode::FORBIDDEN);
    let body: Value = resp.json().await.unwrap();
    assert_eq!(body["code"], 40007, "{body}");
}

#[tokio::test]
async fn tampered_moved_and_expired_signatures_are_refused() {
    let (server, ann) = setup().await;
    allow_archives(&server, true).await;
    server.create_user("bob@example.com", PW).await;
    let bob = server.login("bob@example.com", PW).await;
    upload(&server, &ann, &my("a.txt"), b"ann's").await;
    upload(&server, &bob, &my("b.txt"), b"bob's").await;
    let ann_url = archive_url(&server, &ann, &[&my("a.txt")]).await;
    let bob_url = archive_url(&server, &bob, &[&my("b.txt")]).await;
    let (ann_path, ann_query) = ann_url.split_once('?').unwrap();
    let (_, bob_query) = bob_url.split_once('?').unwrap();

    let mut tampered = ann_query.to_owned().into_bytes();
    tampered[8] = if tampered[8] == b'A' { b'B' } else { b'A' };
    let tampered = String::from_utf8(tampered).unwrap();
    for bad in [
        format!("{ann_path}?{tampered}"),
        // Bob's signature on Ann's session.
        format!("{ann_path}?{bob_query}"),
        ann_path.to_owned(),
        format!("{ann_path}?sign=x"),
    ] {
        let resp = server.client.get(&bad).send().await.unwrap();
        assert_eq!(resp.status(), StatusCode::FORBIDDEN, "{bad}");
        let body: Value = resp.json().await.unwrap();
        assert_eq!(body["code"], 40020, "{bad}: {body}");
    }

    let key = server.state.settings.get("secret_key").await.unwrap();
    let signed = |id: &str, expires: i64| {
        let sig = sign::sign(key.as_bytes(), &session::archive_subject(id), expires);
        let mut url = Url::parse(&server.base).unwrap();
        url.set_path(&session::archive_path(id));
        url.query_pairs_mut().append_pair("sign", &sig);
        url.to_string()
    };
    let id = session_id(&ann_url);
    let now = chrono::Utc::now().timestamp();
    let resp = server
        .client
        .get(signed(&id, now - 5))
        .send()
        .await
        .unwrap();
    assert_eq!(resp.status(), StatusCode::FORBIDDEN);
    let body: Value = resp.json().await.unwrap();
    assert_eq!(body["code"], 40005, "{body}");
    // Re-signed for the future, the same session works: only the expiry was wrong.
    let resp = server
        .client
        .get(signed(&id, now + 60))
        .send()
        .await
        .unwrap();
    assert_eq!(resp.status(), StatusCode::OK);

    // A valid signature for a session that does not exist.
    let unknown = uuid::Uuid::new_v4().to_string();
    let resp = server
        .client
        .get(signed(&unknown, now + 60))
        .send()
        .await
        .unwrap();
    assert_eq!(resp.status(), StatusCode::NOT_FOUND);
    let body: Value = resp.json().await.unwrap();
    assert_eq!(body["code"], 404, "{body}");
}

/// The session row, as stored.
pub async fn stored_session(server: &TestServer, url: &str) -> Value {
    let value = stratus_server::kv::get(&server.state.db, &format!("archive_{}", session_id(url)))
        .await
        .unwrap()
        .expect("session row");
    serde_json::from_str(&value).unwrap()
}

/// The blob row of a file.
pub async fn blob_of(server: &TestServer, file_id: i64) -> entity::Model {
    let f = file::Entity::find_by_id(file_id)
        .one(&server.state.db)
        .await
        .unwrap()
        .unwrap();
    entity::Entity::find_by_id(f.primary_entity.unwrap())
        .one(&server.state.db)
        .await
        .unwrap()
        .unwrap()
}
