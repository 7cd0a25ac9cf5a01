//! Backups, the restore side: the portable database dump, disaster recovery with
//! `stratus restore`, and record download and restore.

use reqwest::Method;
use serde_json::{Value, json};
use stratus_server::ids::IdKind;
use stratus_tests::{Session, TestServer, server::envelope};

mod disaster;
mod download;
mod dump;

const PW: &str = "password123";

/// Uploads `bytes` to `uri` through an upload session on policy `policy`.
async fn upload(server: &TestServer, s: &Session, uri: &str, bytes: &[u8], policy: i64) {
    let policy = server.state.ids.encode(policy, IdKind::Policy);
    server
        .upload(s, uri, bytes, json!({"policy_id": policy}))
        .await;
}

/// `PUT /file/content`: a new version of `uri`.
async fn put_content(server: &TestServer, s: &Session, uri: &str, bytes: &[u8]) {
    let path = format!("/file/content?uri={}", stratus_tests::query_escape(uri));
    let resp = server
        .request_as(Method::PUT, &path, &s.access_token)
        .body(bytes.to_vec())
        .send()
        .await
        .unwrap();
    let r = envelope(resp).await;
    assert_eq!(r["code"], 0, "{r}");
}

async fn mkdir(server: &TestServer, s: &Session, uri: &str) -> Value {
    let r = server
        .send_as(
            Method::POST,
            "/file/create",
            &s.access_token,
            &json!({"uri": uri, "type": "folder"}),
        )
        .await;
    assert_eq!(r["code"], 0, "{r}");
    r
}

/// Two users with folders, files on policy `policy`, a file with three versions and a share;
/// a folder moved into a newer one, so a parent has a larger id than its child. Returns the
/// users' sessions and the share link.
async fn populate(server: &TestServer, policy: i64) -> (Session, Session, String) {
    server.create_user("ann@example.com", PW).await;
    server.create_user("bob@example.com", PW).await;
    let ann = server.login("ann@example.com", PW).await;
    let bob = server.login("bob@example.com", PW).await;
    mkdir(server, &ann, "cloudreve://my/old").await;
    upload(server, &ann, "cloudreve://my/old/a.txt", b"alpha", policy).await;
    upload(server, &ann, "cloudreve://my/doc.txt", b"one", policy).await;
    put_content(server, &ann, "cloudreve://my/doc.txt", b"two!").await;
    put_content(server, &ann, "cloudreve://my/doc.txt", b"three").await;
    mkdir(server, &ann, "cloudreve://my/new").await;
    let moved = server
        .send_as(
            Method::POST,
            "/file/move",
            &ann.access_token,
            &json!({"uris": ["cloudreve://my/old"], "dst": "cloudreve://my/new"}),
        )
        .await;
    assert_eq!(moved["code"], 0, "{moved}");
    upload(
        server,
        &bob,
        "cloudreve://my/b.bin",
        &[0u8, 1, 2, 255],
        policy,
    )
    .await;
    let (_, link) = server
        .share(&ann, "cloudreve://my/doc.txt", json!({}))
        .await;
    (ann, bob, link)
}

/// An administrator, signed in.
async fn admin(server: &TestServer) -> Session {
    stratus_server::users::create(
        &server.state.db,
        "boss@example.com",
        PW,
        stratus_server::users::ADMIN_GROUP,
    )
    .await
    .unwrap();
    server.login("boss@example.com", PW).await
}

/// `data` of an admin call that must succeed.
async fn admin_call(
    server: &TestServer,
    s: &Session,
    method: Method,
    path: &str,
    body: Value,
) -> Value {
    let r = server.send_as(method, path, &s.access_token, &body).await;
    assert_eq!(r["code"], 0, "{path}: {r}");
    r["data"].clone()
}

/// A local target at `folder` (created through the admin API); its id.
async fn local_target(server: &TestServer, s: &Session, folder: &std::path::Path) -> i64 {
    let target = admin_call(
        server,
        s,
        Method::PUT,
        "/admin/backup/target",
        json!({"name": "disk", "type": "local", "settings": {"path": folder}}),
    )
    .await;
    target["id"].as_i64().unwrap()
}

/// Runs backup task `task` now and waits for its record to end; answers the record.
async fn run_task(server: &TestServer, s: &Session, task: i64) -> Value {
    let record = admin_call(
        server,
        s,
        Method::POST,
        &format!("/admin/backup/task/{task}/run"),
        json!({}),
    )
    .await;
    let id = record["id"].as_i64().unwrap();
    for _ in 0..600 {
        let r = server
            .get_as(&format!("/admin/backup/record/{id}"), &s.access_token)
            .await;
        let status = r["data"]["status"].as_str().unwrap_or_default().to_owned();
        if status == "completed" || status == "failed" {
            return r["data"].clone();
        }
        tokio::time::sleep(std::time::Duration::from_millis(100)).await;
    }
    panic!("backup record {id} did not end within 60 s");
}

/// An instance backup to a local target at `folder`, run to its end; answers the record.
async fn run_instance_backup(server: &TestServer, s: &Session, folder: &std::path::Path) -> Value {
    let target = local_target(server, s, folder).await;
    let task = admin_call(
        server,
        s,
        Method::PUT,
        "/admin/backup/task",
        json!({"name": "everything", "kind": "instance", "target_id": target, "source": {}}),
    )
    .await;
    run_task(server, s, task["id"].as_i64().unwrap()).await
}
