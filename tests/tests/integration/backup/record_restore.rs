//! `POST /admin/backup/record/:id/restore`: a folder record put back after its folder was
//! deleted for good, restored into another folder, a changed file given the backup's content
//! as its current version (the changed one kept as a version), an instance record refused,
//! and the route refused to members.

use std::collections::BTreeMap;

use reqwest::Method;
use serde_json::{Value, json};
use stratus_entity::task;
use stratus_server::ids::IdKind;
use stratus_tests::{Session, TestServer, query_escape};

use super::{
    folder_task, run,
    runs::{content, member_with_docs, upload},
    target, task,
};
use crate::{
    admin::{admin, call, ok},
    workflow::wait_task,
};

const FILES: usize = 6;

/// Every file below `uri` by its path relative to it, with its content.
async fn tree(server: &TestServer, s: &Session, uri: &str) -> BTreeMap<String, Vec<u8>> {
    let mut out = BTreeMap::new();
    let mut folders = vec![(uri.to_owned(), String::new())];
    while let Some((folder, rel)) = folders.pop() {
        let listed = server
            .get_as(
                &format!("/file?uri={}&page_size=1000", query_escape(&folder)),
                &s.access_token,
            )
            .await;
        assert_eq!(listed["code"], 0, "{folder}: {listed}");
        for f in listed["data"]["files"].as_array().unwrap() {
            let name = f["name"].as_str().unwrap();
            let path = f["path"].as_str().unwrap().to_owned();
            let rel = format!("{rel}/{name}");
            if f["type"] == 1 {
                out.insert(format!("{rel}/"), Vec::new());
                folders.push((path, rel));
            } else {
                out.insert(rel, server.download(s, &path).await);
            }
        }
    }
    out
}

/// Queues the restore of record `id` with `body`; answers the task's row once it ended.
async fn restore(server: &TestServer, boss: &Session, id: i64, body: Value) -> task::Model {
    let answer = ok(
        server,
        boss,
        Method::POST,
        &format!("/admin/backup/record/{id}/restore"),
        body,
    )
    .await;
    assert_eq!(answer["type"], "backup_restore", "{answer}");
    let task_id = server
        .state
        .ids
        .decode(answer["id"].as_str().unwrap(), IdKind::Task)
        .unwrap();
    wait_task(server, task_id, "ended", |t| {
        t.status == task::status::COMPLETED || t.status == task::status::ERROR
    })
    .await
}

/// A member with `/docs`, a local target and a completed record of `/docs`.
async fn backed_up(
    server: &TestServer,
    backups: &std::path::Path,
) -> (Session, Session, BTreeMap<String, Vec<u8>>, i64) {
    let boss = admin(server, "boss@example.com").await;
    let (alice, alice_id) = member_with_docs(server, "alice@example.com", FILES).await;
    let target = target(server, &boss, backups).await;
    let id = task(
        server,
        &boss,
        folder_task(target, alice_id, "cloudreve://my/docs", json!({})),
    )
    .await;
    let record = run(server, &boss, id).await;
    assert_eq!(record["status"], "completed", "{record}");
    let before = tree(server, &alice, "cloudreve://my/docs").await;
    assert_eq!(before.len(), FILES + 2, "{:?}", before.keys());
    (boss, alice, before, record["id"].as_i64().unwrap())
}

#[tokio::test]
async fn a_deleted_folder_comes_back_and_a_copy_goes_elsewhere() {
    let server = TestServer::start().await;
    let backups = tempfile::tempdir().unwrap();
    let (boss, alice, before, record) = backed_up(&server, backups.path()).await;

    // Deleted for good (no trash), then restored in place: every file byte for byte.
    let r = server
        .send_as(
            Method::DELETE,
            "/file",
            &alice.access_token,
            &json!({"uris": ["cloudreve://my/docs"], "skip_soft_delete": true}),
        )
        .await;
    assert_eq!(r["code"], 0, "{r}");
    let done = restore(&server, &boss, record, json!({})).await;
    assert_eq!(done.status, task::status::COMPLETED, "{done:?}");
    assert_eq!(tree(&server, &alice, "cloudreve://my/docs").await, before);

    // Into another folder: the original stays as it is, the copy equals it.
    let done = restore(
        &server,
        &boss,
        record,
        json!({"dst": "cloudreve://my/again"}),
    )
    .await;
    assert_eq!(done.status, task::status::COMPLETED, "{done:?}");
    assert_eq!(tree(&server, &alice, "cloudreve://my/again").await, before);
    assert_eq!(tree(&server, &alice, "cloudreve://my/docs").await, before);
}

#[tokio::test]
async fn a_changed_file_gets_the_backup_back_and_keeps_the_change_as_a_version() {
    let server = TestServer::start().await;
    let backups = tempfile::tempdir().unwrap();
    let (boss, alice, before, record) = backed_up(&server, backups.path()).await;
    let uri = "cloudreve://my/docs/f0001.txt";
    upload(&server, &alice, uri, b"changed after the backup", true).await;
    assert_eq!(
        server.download(&alice, uri).await,
        b"changed after the backup"
    );

    let done = restore(&server, &boss, record, json!({})).await;
    assert_eq!(done.status, task::status::COMPLETED, "{done:?}");
    assert_eq!(server.download(&alice, uri).await, content(1));
    assert_eq!(tree(&server, &alice, "cloudreve://my/docs").await, before);
    let info = server
        .get_as(
            &format!("/file/info?uri={}&extended=true", query_escape(uri)),
            &alice.access_token,
        )
        .await;
    // The first upload, the change, and the backup's content again.
    let versions = info["data"]["extended_info"]["entities"]
        .as_array()
        .unwrap();
    assert_eq!(versions.len(), 3, "{info}");
    // Unchanged files were left alone: one version each.
    let info = server
        .get_as(
            &format!(
                "/file/info?uri={}&extended=true",
                query_escape("cloudreve://my/docs/f0002.txt")
            ),
            &alice.access_token,
        )
        .await;
    assert_eq!(
        info["data"]["extended_info"]["entities"]
            .as_array()
            .unwrap()
            .len(),
        1,
        "{info}"
    );
}

#[tokio::test]
async fn instance_records_and_members_are_refused() {
    let server = TestServer::start().await;
    let backups = tempfile::tempdir().unwrap();
    let (boss, alice, _, record) = backed_up(&server, backups.path()).await;

    let refused = call(
        &server,
        Some(&alice),
        Method::POST,
        &format!("/admin/backup/record/{record}/restore"),
        Some(json!({})),
    )
    .await;
    assert_eq!(refused["code"], 403, "{refused}");

    let all = tempfile::tempdir().unwrap();
    let target = super::target(&server, &boss, all.path()).await;
    let id = task(
        &server,
        &boss,
        json!({"name": "all", "kind": "instance", "target_id": target, "source": {}}),
    )
    .await;
    let instance = run(&server, &boss, id).await;
    assert_eq!(instance["status"], "completed", "{instance}");
    let r = call(
        &server,
        Some(&boss),
        Method::POST,
        &format!(
            "/admin/backup/record/{}/restore",
            instance["id"].as_i64().unwrap()
        ),
        Some(json!({})),
    )
    .await;
    assert_eq!(r["code"], 40001, "{r}");
    assert!(
        r["msg"].as_str().unwrap().contains("stratus restore"),
        "{r}"
    );

    let r = call(
        &server,
        Some(&boss),
        Method::POST,
        "/admin/backup/record/999999/restore",
        Some(json!({})),
    )
    .await;
    assert_eq!(r["code"], 404, "{r}");
}

#[tokio::test]
async fn a_corrupt_blob_fails_only_its_file_and_is_named() {
    let server = TestServer::start().await;
    let backups = tempfile::tempdir().unwrap();
    let (boss, alice, before, record) = backed_up(&server, backups.path()).await;
    // The blob of f0002.txt damaged on the target, its size kept.
    let name = &super::manifests(backups.path())[0];
    let line = super::manifest(backups.path(), name)
        .into_iter()
        .find(|l| l["type"] == "file" && l["path"] == "/f0002.txt")
        .unwrap();
    let blob = line["blob"].as_str().unwrap();
    let path = backups
        .path()
        .join(format!("stratus-backup/blobs/{}/{blob}", &blob[..2]));
    let mut bytes = std::fs::read(&path).unwrap();
    bytes[0] ^= 0xff;
    std::fs::write(&path, bytes).unwrap();

    let r = server
        .send_as(
            Method::DELETE,
            "/file",
            &alice.access_token,
            &json!({"uris": ["cloudreve://my/docs"], "skip_soft_delete": true}),
        )
        .await;
    assert_eq!(r["code"], 0, "{r}");
    let done = restore(&server, &boss, record, json!({})).await;
    assert_eq!(done.status, task::status::ERROR, "{done:?}");
    let error = done.public_state["error"]
        .as_str()
        .unwrap_or_default()
        .to_owned();
    assert!(
        error.contains("1 files could not be restored") && error.contains("f0002.txt"),
        "{done:?}"
    );
    // Every other file is back, byte for byte; the damaged one is not half-written.
    let mut expected = before;
    expected.remove("/f0002.txt");
    assert_eq!(tree(&server, &alice, "cloudreve://my/docs").await, expected);
}

#[tokio::test]
async fn a_users_record_goes_back_into_each_drive() {
    let server = TestServer::start().await;
    let backups = tempfile::tempdir().unwrap();
    let boss = admin(&server, "boss@example.com").await;
    let (alice, a) = member_with_docs(&server, "alice@example.com", 2).await;
    let (bob, b) = member_with_docs(&server, "bob@example.com", 3).await;
    let t = target(&server, &boss, backups.path()).await;
    let id = task(
        &server,
        &boss,
        json!({"name": "people", "kind": "users", "target_id": t,
               "source": {"user_ids": [a, b]}}),
    )
    .await;
    let record = run(&server, &boss, id).await;
    assert_eq!(record["status"], "completed", "{record}");
    let record = record["id"].as_i64().unwrap();
    let alice_before = tree(&server, &alice, "cloudreve://my").await;
    let bob_before = tree(&server, &bob, "cloudreve://my").await;
    for s in [&alice, &bob] {
        let r = server
            .send_as(
                Method::DELETE,
                "/file",
                &s.access_token,
                &json!({"uris": ["cloudreve://my/docs"], "skip_soft_delete": true}),
            )
            .await;
        assert_eq!(r["code"], 0, "{r}");
    }
    let done = restore(&server, &boss, record, json!({})).await;
    assert_eq!(done.status, task::status::COMPLETED, "{done:?}");
    assert_eq!(tree(&server, &alice, "cloudreve://my").await, alice_before);
    assert_eq!(tree(&server, &bob, "cloudreve://my").await, bob_before);

    // Below `dst` in each owner's drive.
    let done = restore(&server, &boss, record, json!({"dst": "cloudreve://my/old"})).await;
    assert_eq!(done.status, task::status::COMPLETED, "{done:?}");
    assert_eq!(tree(&server, &bob, "cloudreve://my/old").await, bob_before);
}

#[tokio::test]
async fn a_locked_file_is_skipped_and_logged() {
    use stratus_server::fs::lock::{self, Depth, LockOwner, LockPath, LockRequest, Scope};
    let server = TestServer::start().await;
    let backups = tempfile::tempdir().unwrap();
    let (boss, alice, _, record) = backed_up(&server, backups.path()).await;
    let changed = "cloudreve://my/docs/f0001.txt";
    upload(&server, &alice, changed, b"changed, then locked", true).await;
    upload(
        &server,
        &alice,
        "cloudreve://my/docs/f0002.txt",
        b"changed",
        true,
    )
    .await;
    let owner = server
        .state
        .ids
        .decode(alice.user["id"].as_str().unwrap(), IdKind::User)
        .unwrap();
    lock::acquire(
        &server.state.db,
        LockRequest {
            owner_id: owner,
            path: LockPath::parse("/docs/f0001.txt").unwrap(),
            scope: Scope::Exclusive,
            depth: Depth::Zero,
            timeout: std::time::Duration::from_secs(600),
            owner_info: Some(LockOwner::dav(Some("<D:href>mac</D:href>".into())).to_owner_info()),
            file_id: None,
        },
    )
    .await
    .unwrap();

    let done = restore(&server, &boss, record, json!({})).await;
    assert_eq!(done.status, task::status::COMPLETED, "{done:?}");
    assert!(
        done.log.contains("f0001.txt: skipped, locked"),
        "{}",
        done.log
    );
    assert_eq!(
        server.download(&alice, changed).await,
        b"changed, then locked"
    );
    assert_eq!(
        server
            .download(&alice, "cloudreve://my/docs/f0002.txt")
            .await,
        content(2)
    );
}
