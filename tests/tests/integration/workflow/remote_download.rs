//! `POST /workflow/download` with the built-in HTTP downloader, against an origin the test
//! runs on loopback: byte-for-byte downloads, a 200 MiB download resumed with `Range`, the
//! SSRF guard, the quota, cancel, and one user's tasks hidden from another.

use std::{path::PathBuf, time::Duration};

use reqwest::Method;
use sea_orm::{
    ActiveModelTrait, ActiveValue::Set, ColumnTrait, EntityTrait, IntoActiveModel, QueryFilter,
};
use serde_json::{Value, json};
use stratus_entity::{entity, file, task::status};
use stratus_server::{boolset::Boolset, ids::IdKind};
use stratus_tests::{Session, TestServer};
use tokio::io::AsyncReadExt;

use super::{origin, origin::Origin, wait_task};
use crate::{admin::PW, archive::update_group};

const REMOTE_DOWNLOAD_BIT: usize = 9;

pub async fn allow(server: &TestServer, allowed: bool) {
    update_group(server, |g| {
        let mut bits = Boolset::from_bytes(g.permissions.clone());
        bits.set_to(REMOTE_DOWNLOAD_BIT, allowed);
        g.permissions = bits.into_bytes();
    })
    .await;
}

async fn allow_ranges(server: &TestServer, ranges: &str) {
    server
        .state
        .settings
        .set(&[
            ("remote_download_allowed_cidrs", ranges),
            ("queue_remote_download_max_retry", "3"),
            ("queue_remote_download_retry_delay", "0"),
        ])
        .await
        .unwrap();
}

/// A server with user `a@example.com` signed in, allowed to download.
pub async fn setup() -> (TestServer, Session) {
    let server = TestServer::start().await;
    server.create_user("a@example.com", PW).await;
    let a = server.login("a@example.com", PW).await;
    allow(&server, true).await;
    (server, a)
}

pub async fn submit(server: &TestServer, s: &Session, body: Value) -> Value {
    server
        .send_as(Method::POST, "/workflow/download", &s.access_token, &body)
        .await
}

/// Submits one URL and answers its task id.
async fn submit_url(server: &TestServer, s: &Session, url: &str) -> i64 {
    let created = submit(server, s, json!({"src": [url], "dst": "cloudreve://my/dl"})).await;
    assert_eq!(created["code"], 0, "{created}");
    assert_eq!(created["data"][0]["type"], "remote_download");
    task_id(server, &created["data"][0])
}

pub fn task_id(server: &TestServer, task: &Value) -> i64 {
    server
        .state
        .ids
        .decode(task["id"].as_str().unwrap(), IdKind::Task)
        .unwrap()
}

pub async fn ended(server: &TestServer, id: i64) -> stratus_entity::task::Model {
    wait_task(server, id, "ended", |t| {
        [status::COMPLETED, status::ERROR, status::CANCELED].contains(&t.status.as_str())
    })
    .await
}

/// The blob of the file `name`, by path on disk.
pub async fn blob_of(server: &TestServer, name: &str) -> Option<(file::Model, PathBuf)> {
    let row = file::Entity::find()
        .filter(file::Column::Name.eq(name))
        .one(&server.state.db)
        .await
        .unwrap()?;
    let blob = entity::Entity::find_by_id(row.primary_entity?)
        .one(&server.state.db)
        .await
        .unwrap()?;
    Some((row, PathBuf::from(blob.source)))
}

/// Whether the file at `path` holds exactly the generated file `name` of `size` bytes, read
/// a block at a time.
pub async fn same_as_generated(path: &PathBuf, name: &str, size: u64) -> bool {
    let mut f = tokio::fs::File::open(path).await.unwrap();
    if f.metadata().await.unwrap().len() != size {
        return false;
    }
    let mut buf = vec![0u8; 64 * 1024];
    let mut at = 0u64;
    while at < size {
        let want = (size - at).min(buf.len() as u64) as usize;
        f.read_exact(&mut buf[..want]).await.unwrap();
        if buf[..want] != origin::bytes(name, at, at + want as u64)[..] {
            return false;
        }
        at += want as u64;
    }
    true
}

fn part_file(server: &TestServer, id: i64) -> PathBuf {
    server
        .data_dir
        .join("temp/remote_download")
        .join(format!("{id}.part"))
}

#[tokio::test]
async fn a_file_downloads_byte_for_byte_into_the_drive() {
    let (server, a) = setup().await;
    allow_ranges(&server, "127.0.0.1/32").await;
    let origin = Origin::start("127.0.0.1").await;
    let size = 3_000_017;
    let id = submit_url(&server, &a, &origin.url(&format!("/gen/{size}/hello.bin"))).await;
    let done = ended(&server, id).await;
    assert_eq!(done.status, status::COMPLETED, "{:?}", done.public_state);
    let (row, path) = blob_of(&server, "hello.bin").await.expect("in the drive");
    assert_eq!(row.size, size as i64);
    assert!(same_as_generated(&path, "hello.bin", size).await);
    assert!(!part_file(&server, id).exists(), "the part file is removed");

    let listed = server
        .get_as("/workflow?category=downloaded", &a.access_token)
        .await;
    let task = &listed["data"]["tasks"][0];
    assert_eq!(task["status"], "completed", "{listed}");
    assert_eq!(task["summary"]["props"]["download"]["name"], "hello.bin");
    assert_eq!(task["summary"]["props"]["download"]["total"], size);
    let downloading = server
        .get_as("/workflow?category=downloading", &a.access_token)
        .await;
    assert_eq!(downloading["data"]["tasks"], json!([]), "{downloading}");
}

#[tokio::test]
async fn a_200_mib_download_resumes_with_range_after_the_origin_died() {
    let (server, a) = setup().await;
    allow_ranges(&server, "127.0.0.1/32").await;
    let origin = Origin::start("127.0.0.1").await;
    let size: u64 = 200 << 20;
    origin.cut_first_at(70 << 20);
    origin.hold();
    let id = submit_url(&server, &a, &origin.url(&format!("/gen/{size}/big.bin"))).await;

    // The first transfer broke off; the retry's request waits at the origin while the stored
    // state is read.
    let deadline = tokio::time::Instant::now() + Duration::from_secs(120);
    while origin.seen().len() < 2 {
        assert!(tokio::time::Instant::now() < deadline, "no second request");
        tokio::time::sleep(Duration::from_millis(50)).await;
    }
    let row = stratus_entity::task::Entity::find_by_id(id)
        .one(&server.state.db)
        .await
        .unwrap()
        .unwrap();
    let state: Value = serde_json::from_str(&row.private_state).unwrap();
    let stored = state["received"].as_u64().unwrap();
    assert!(stored > 0, "bytes were stored: {state}");
    let seen = origin.seen();
    assert_eq!(seen[0].range, None);
    let resumed_at: u64 = seen[1]
        .range
        .as_deref()
        .and_then(|r| r.strip_prefix("bytes="))
        .and_then(|r| r.strip_suffix('-'))
        .and_then(|n| n.parse().ok())
        .unwrap_or_else(|| panic!("the retry asked for a range: {:?}", seen[1]));
    assert!(resumed_at >= stored, "{resumed_at} < {stored}");
    assert!(resumed_at < size);
    origin.release();

    let done = wait_task(&server, id, "ended", |t| {
        [status::COMPLETED, status::ERROR].contains(&t.status.as_str())
    })
    .await;
    assert_eq!(done.status, status::COMPLETED, "{:?}", done.public_state);
    assert_eq!(origin.seen().len(), 2, "{:?}", origin.seen());
    let (row, path) = blob_of(&server, "big.bin").await.expect("in the drive");
    assert_eq!(row.size as u64, size);
    assert!(same_as_generated(&path, "big.bin", size).await);
    assert!(!part_file(&server, id).exists());
}

#[tokio::test]
async fn internal_addresses_are_refused_by_default_however_they_are_reached() {
    let (server, a) = setup().await;
    let target = Origin::start("127.0.0.1").await;
    let port = target.addr.port();
    for url in [
        format!("http://127.0.0.1:{port}/gen/10/x.bin"),
        format!("http://localhost:{port}/gen/10/x.bin"),
        format!("http://[::ffff:127.0.0.1]:{port}/gen/10/x.bin"),
        // Teredo (client 127.0.0.1, stored inverted), local-use NAT64 (/96 and /48 forms)
        // and 6to4, each carrying the loopback address.
        format!("http://[2001:0:4136:e378:8000:63bf:80ff:fffe]:{port}/gen/10/x.bin"),
        format!("http://[64:ff9b:1::7f00:1]:{port}/gen/10/x.bin"),
        format!("http://[64:ff9b:1:7f00:0:100::]:{port}/gen/10/x.bin"),
        format!("http://[2002:7f00:1::]:{port}/gen/10/x.bin"),
        "http://169.254.169.254/latest/meta-data/".to_owned(),
        "file:///etc/passwd".to_owned(),
    ] {
        let refused = submit(&server, &a, json!({"src": [url], "dst": "cloudreve://my"})).await;
        assert_eq!(refused["code"], 40001, "{url}: {refused}");
        let msg = refused["msg"].as_str().unwrap();
        assert!(
            msg.contains("internal address") || msg.contains("only http"),
            "{url}: {msg}"
        );
    }

    // A public-looking first hop (here: the one loopback address the admin allowed) that
    // redirects to an internal one is stopped at the redirect.
    allow_ranges(&server, "127.0.0.2/32").await;
    let hop = Origin::start("127.0.0.2").await;
    let inner = format!("http://127.0.0.1:{port}/gen/10/x.bin");
    let id = submit_url(&server, &a, &hop.url(&format!("/redirect?{inner}"))).await;
    let done = ended(&server, id).await;
    assert_eq!(done.status, status::ERROR);
    let error = done.public_state["error"].as_str().unwrap();
    assert!(error.contains("internal address"), "{error}");
    assert_eq!(hop.seen().len(), 1);
    assert!(hop.seen()[0].path.starts_with("/redirect?"));
    assert!(
        target.seen().is_empty(),
        "the internal address was never reached"
    );
}

#[tokio::test]
async fn a_download_larger_than_the_free_space_stops() {
    let (server, a) = setup().await;
    allow_ranges(&server, "127.0.0.1/32").await;
    let group = stratus_entity::group::Entity::find_by_id(crate::archive::USER_GROUP)
        .one(&server.state.db)
        .await
        .unwrap()
        .unwrap();
    let mut group = group.into_active_model();
    group.max_storage = Set(1 << 20);
    group.update(&server.state.db).await.unwrap();
    let origin = Origin::start("127.0.0.1").await;
    for path in ["/gen/3145728/big.bin", "/chunked/3145728/big.bin"] {
        let id = submit_url(&server, &a, &origin.url(path)).await;
        let done = ended(&server, id).await;
        assert_eq!(done.status, status::ERROR, "{path}");
        let error = done.public_state["error"].as_str().unwrap();
        assert!(error.contains("more space than you have free"), "{error}");
        assert!(!part_file(&server, id).exists(), "{path}: part file left");
    }
    assert!(blob_of(&server, "big.bin").await.is_none());
    let me = a.user["id"].as_str().unwrap();
    let uid = server.state.ids.decode(me, IdKind::User).unwrap();
    assert_eq!(server.storage_of(uid).await, 0);
}

#[tokio::test]
async fn a_download_that_fails_for_good_leaves_no_partial_data() {
    let (server, a) = setup().await;
    allow_ranges(&server, "127.0.0.1/32").await;
    server
        .state
        .settings
        .set(&[("queue_remote_download_max_retry", "0")])
        .await
        .unwrap();
    let origin = Origin::start("127.0.0.1").await;
    origin.cut_first_at(1 << 20);
    let id = submit_url(&server, &a, &origin.url("/gen/5242880/cut.bin")).await;
    let done = ended(&server, id).await;
    assert_eq!(done.status, status::ERROR);
    let error = done.public_state["error"].as_str().unwrap();
    assert!(error.contains("broke off"), "{error}");
    assert!(!part_file(&server, id).exists(), "part file left");
    assert!(blob_of(&server, "cut.bin").await.is_none());
}

#[tokio::test]
async fn only_the_owner_sees_and_cancels_a_download_and_cancel_removes_its_data() {
    let (server, a) = setup().await;
    allow_ranges(&server, "127.0.0.1/32").await;
    server.create_user("b@example.com", PW).await;
    let b = server.login("b@example.com", PW).await;
    let origin = Origin::start("127.0.0.1").await;
    // The first body stops short without closing: hold the retry so the task stays live.
    origin.cut_first_at(20 << 20);
    origin.hold();
    let id = submit_url(&server, &a, &origin.url("/gen/104857600/slow.bin")).await;
    let hash = server.state.ids.encode(id, IdKind::Task);
    let deadline = tokio::time::Instant::now() + Duration::from_secs(60);
    while origin.seen().len() < 2 {
        assert!(tokio::time::Instant::now() < deadline, "no retry");
        tokio::time::sleep(Duration::from_millis(50)).await;
    }
    assert!(part_file(&server, id).exists(), "partial data is kept");

    let theirs = server
        .get_as("/workflow?category=downloading", &b.access_token)
        .await;
    assert_eq!(theirs["data"]["tasks"], json!([]), "{theirs}");
    let progress = server
        .get_as(&format!("/workflow/progress/{hash}"), &b.access_token)
        .await;
    assert_eq!(progress["data"], json!({}), "{progress}");
    let path = format!("/workflow/download/{hash}");
    let cancel = server
        .send_as(Method::DELETE, &path, &b.access_token, &json!({}))
        .await;
    assert_ne!(cancel["code"], 0, "{cancel}");
    let select = server
        .send_as(
            Method::PATCH,
            &path,
            &b.access_token,
            &json!({"files": [{"index": 1, "download": false}]}),
        )
        .await;
    assert_ne!(select["code"], 0, "{select}");

    let mine = server
        .get_as("/workflow?category=downloading", &a.access_token)
        .await;
    assert_eq!(mine["data"]["tasks"][0]["id"], hash.as_str(), "{mine}");
    let cancel = server
        .send_as(Method::DELETE, &path, &a.access_token, &json!({}))
        .await;
    assert_eq!(cancel["code"], 0, "{cancel}");
    let done = ended(&server, id).await;
    assert_eq!(done.status, status::CANCELED);
    assert!(!part_file(&server, id).exists(), "partial data removed");
    origin.release();
    assert!(blob_of(&server, "slow.bin").await.is_none());
}

#[tokio::test]
async fn a_download_an_admin_deletes_leaves_no_partial_data() {
    let (server, a) = setup().await;
    allow_ranges(&server, "127.0.0.1/32").await;
    let root = crate::admin::admin(&server, "root@example.com").await;
    let origin = Origin::start("127.0.0.1").await;
    origin.cut_first_at(20 << 20);
    origin.hold();
    let id = submit_url(&server, &a, &origin.url("/gen/104857600/gone.bin")).await;
    let deadline = tokio::time::Instant::now() + Duration::from_secs(60);
    while origin.seen().len() < 2 {
        assert!(tokio::time::Instant::now() < deadline, "no retry");
        tokio::time::sleep(Duration::from_millis(50)).await;
    }
    assert!(part_file(&server, id).exists(), "partial data is kept");

    let delete = server
        .send_as(
            Method::POST,
            "/admin/queue/batch/delete",
            &root.access_token,
            &json!({"ids": [id]}),
        )
        .await;
    assert_eq!(delete["code"], 0, "{delete}");
    assert!(!part_file(&server, id).exists(), "partial data removed");
    origin.release();
    assert!(blob_of(&server, "gone.bin").await.is_none());
}

#[tokio::test]
async fn the_permission_bit_the_batch_limit_and_the_source_are_checked() {
    let (server, a) = setup().await;
    allow(&server, false).await;
    let body = json!({"src": ["https://example.com/a"], "dst": "cloudreve://my"});
    let refused = submit(&server, &a, body.clone()).await;
    assert_eq!(refused["code"], 40007, "{refused}");

    allow(&server, true).await;
    // The User group's aria2_batch is 1.
    let two =
        json!({"src": ["https://example.com/a", "https://example.com/b"], "dst": "cloudreve://my"});
    let refused = submit(&server, &a, two).await;
    assert_eq!(refused["code"], 40015, "{refused}");
    let neither = submit(&server, &a, json!({"dst": "cloudreve://my"})).await;
    assert_eq!(neither["code"], 40001, "{neither}");
    let both = submit(
        &server,
        &a,
        json!({"src": ["https://example.com/a"], "src_file": "cloudreve://my/t.torrent", "dst": "cloudreve://my"}),
    )
    .await;
    assert_eq!(both["code"], 40001, "{both}");
    let tasks = stratus_entity::task::Entity::find()
        .all(&server.state.db)
        .await
        .unwrap();
    assert!(tasks.is_empty(), "nothing was queued");
}
