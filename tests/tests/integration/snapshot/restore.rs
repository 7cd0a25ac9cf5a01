//! `POST /snapshot/:id/restore`: `replace` makes the folder what the snapshot holds (and its
//! automatic `before-restore-*` snapshot undoes that), `copy` restores elsewhere, a killed
//! restore is finished once by another process, and WebDAV locks are respected.

use std::{
    collections::BTreeMap,
    process::{Command, Stdio},
    sync::Arc,
    time::Duration,
};

use futures_util::{FutureExt, future::BoxFuture};
use reqwest::Method;
use sea_orm::{ColumnTrait, EntityTrait, QueryFilter};
use serde_json::{Value, json};
use stratus_entity::{setting, task};
use stratus_server::{
    ids::IdKind,
    queue::{Registry, TaskCtx, TaskError, TaskKind},
    snapshot::restore_task::SnapshotRestore,
};
use stratus_tests::{Session, TestServer, query_escape};

use super::{setup, snap_ok, user_id};
use crate::{archive::upload, workflow::wait_task};

/// `POST /snapshot/:id/restore`; the task's row id.
pub(super) async fn restore(
    server: &TestServer,
    s: &Session,
    snapshot: &Value,
    body: Value,
) -> i64 {
    let id = snapshot["id"].as_str().unwrap();
    let answer = server
        .send_as(
            Method::POST,
            &format!("/snapshot/{id}/restore"),
            &s.access_token,
            &body,
        )
        .await;
    assert_eq!(answer["code"], 0, "{answer}");
    assert_eq!(answer["data"]["type"], "snapshot_restore", "{answer}");
    server
        .state
        .ids
        .decode(answer["data"]["id"].as_str().unwrap(), IdKind::Task)
        .unwrap()
}

pub(super) async fn finished(server: &TestServer, id: i64) -> task::Model {
    let row = wait_task(server, id, "ended", |t| {
        t.status == task::status::COMPLETED || t.status == task::status::ERROR
    })
    .await;
    assert_eq!(row.status, task::status::COMPLETED, "{row:?}");
    row
}

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

/// Uploads `bytes` as a new current version of the file at `uri`.
async fn new_version(server: &TestServer, s: &Session, uri: &str, bytes: &[u8]) {
    let policy = server.state.ids.encode(1, IdKind::Policy);
    let created = server
        .send_as(
            Method::PUT,
            "/file/upload",
            &s.access_token,
            &json!({"uri": uri, "size": bytes.len(), "policy_id": policy, "entity_type": "version"}),
        )
        .await;
    assert_eq!(created["code"], 0, "{created}");
    let sid = created["data"]["session_id"].as_str().unwrap();
    let sent = server.send_chunk(s, sid, 0, bytes).await;
    assert_eq!(sent["code"], 0, "{sent}");
}

async fn delete(server: &TestServer, s: &Session, uri: &str) {
    let body = server
        .send_as(
            Method::DELETE,
            "/file",
            &s.access_token,
            &json!({"uris": [uri]}),
        )
        .await;
    assert_eq!(body["code"], 0, "{body}");
}

async fn rename(server: &TestServer, s: &Session, uri: &str, name: &str) {
    let body = server
        .send_as(
            Method::POST,
            "/file/rename",
            &s.access_token,
            &json!({"uri": uri, "new_name": name}),
        )
        .await;
    assert_eq!(body["code"], 0, "{body}");
}

fn expect(entries: &[(&str, &[u8])]) -> BTreeMap<String, Vec<u8>> {
    entries
        .iter()
        .map(|(k, v)| ((*k).to_owned(), v.to_vec()))
        .collect()
}

#[tokio::test]
async fn replace_brings_the_snapshot_back_and_its_before_snapshot_undoes_it() {
    let (server, ann) = setup().await;
    upload(&server, &ann, "cloudreve://my/docs/a.txt", b"alpha").await;
    upload(&server, &ann, "cloudreve://my/docs/b.txt", b"bravo").await;
    upload(&server, &ann, "cloudreve://my/docs/sub/c.txt", b"charlie").await;
    upload(&server, &ann, "cloudreve://my/other.txt", b"outside").await;
    let snapshot = snap_ok(&server, &ann, "cloudreve://my/docs", "base").await;
    let original = tree(&server, &ann, "cloudreve://my/docs").await;

    delete(&server, &ann, "cloudreve://my/docs/a.txt").await;
    new_version(&server, &ann, "cloudreve://my/docs/b.txt", b"BRAVO 2").await;
    upload(&server, &ann, "cloudreve://my/docs/d.txt", b"delta").await;
    rename(&server, &ann, "cloudreve://my/docs/sub", "moved").await;
    let changed = tree(&server, &ann, "cloudreve://my/docs").await;
    assert_eq!(
        changed,
        expect(&[
            ("/b.txt", b"BRAVO 2"),
            ("/d.txt", b"delta"),
            ("/moved/", b""),
            ("/moved/c.txt", b"charlie"),
        ])
    );

    let id = restore(&server, &ann, &snapshot, json!({"mode": "replace"})).await;
    finished(&server, id).await;
    assert_eq!(tree(&server, &ann, "cloudreve://my/docs").await, original);
    assert_eq!(
        server.download(&ann, "cloudreve://my/other.txt").await,
        b"outside"
    );
    // What the snapshot did not hold is in the trash, not gone; what it brought back out of
    // the trash (a.txt, and the folder renamed to moved, which the restore trashed and took
    // back as sub) left it.
    let trashed = server.names_in(&ann, "cloudreve://trash").await;
    assert_eq!(trashed, ["d.txt"]);
    // The replaced content of b.txt stays a version of it.
    let info = server
        .get_as(
            &format!(
                "/file/info?uri={}&extended=true",
                query_escape("cloudreve://my/docs/b.txt")
            ),
            &ann.access_token,
        )
        .await;
    assert_eq!(
        info["data"]["extended_info"]["entities"]
            .as_array()
            .unwrap()
            .len(),
        2,
        "{info}"
    );

    // The state before the restore was snapshotted; restoring it brings the changes back.
    let listed = server
        .get_as(
            &format!("/snapshot?uri={}", query_escape("cloudreve://my/docs")),
            &ann.access_token,
        )
        .await;
    let before = listed["data"]["snapshots"]
        .as_array()
        .unwrap()
        .iter()
        .find(|s| s["name"].as_str().unwrap().starts_with("before-restore-"))
        .unwrap_or_else(|| panic!("no before-restore snapshot: {listed}"))
        .clone();
    let id = restore(&server, &ann, &before, json!({"mode": "replace"})).await;
    finished(&server, id).await;
    assert_eq!(tree(&server, &ann, "cloudreve://my/docs").await, changed);
}

/// The size a file answers in its folder's listing and in `/file/info`.
async fn sizes_of(server: &TestServer, s: &Session, folder: &str, name: &str) -> (i64, i64) {
    let listed = server
        .get_as(
            &format!("/file?uri={}", query_escape(folder)),
            &s.access_token,
        )
        .await;
    let listed = listed["data"]["files"]
        .as_array()
        .unwrap()
        .iter()
        .find(|f| f["name"] == name)
        .unwrap_or_else(|| panic!("{name} not in {folder}: {listed}"))["size"]
        .as_i64()
        .unwrap();
    let uri = format!("{folder}/{name}");
    let info = server
        .get_as(
            &format!("/file/info?uri={}", query_escape(&uri)),
            &s.access_token,
        )
        .await;
    assert_eq!(info["code"], 0, "{info}");
    (listed, info["data"]["size"].as_i64().unwrap())
}

/// A changed file given back a content it still keeps as a version answers that version's
/// size (it answered 0), and a trashed file the restore brings back leaves the trash, with
/// its versions.
#[tokio::test]
async fn a_replace_restore_gives_sizes_of_the_current_versions_and_empties_the_trash_of_what_it_brings_back()
 {
    let (server, ann) = setup().await;
    upload(&server, &ann, "cloudreve://my/docs/a.txt", b"alpha").await;
    upload(&server, &ann, "cloudreve://my/docs/b.txt", b"bravo").await;
    upload(&server, &ann, "cloudreve://my/kept/c.txt", b"charlie").await;
    let docs = snap_ok(&server, &ann, "cloudreve://my/docs", "docs").await;
    let kept = snap_ok(&server, &ann, "cloudreve://my/kept", "kept").await;
    new_version(&server, &ann, "cloudreve://my/docs/b.txt", b"BRAVO, longer").await;
    new_version(&server, &ann, "cloudreve://my/docs/a.txt", b"ALPHA 2").await;
    delete(&server, &ann, "cloudreve://my/docs/a.txt").await;
    delete(&server, &ann, "cloudreve://my/kept").await;
    let trashed = server.names_in(&ann, "cloudreve://trash").await;
    assert_eq!(trashed, ["a.txt", "kept"]);
    let uid = user_id(&server, &ann);
    let used = server.storage_of(uid).await;

    finished(
        &server,
        restore(&server, &ann, &docs, json!({"mode": "replace"})).await,
    )
    .await;
    assert_eq!(
        sizes_of(&server, &ann, "cloudreve://my/docs", "b.txt").await,
        (5, 5)
    );
    assert_eq!(
        server.download(&ann, "cloudreve://my/docs/b.txt").await,
        b"bravo"
    );
    // a.txt came out of the trash, the snapshot's content current, its later one kept.
    assert_eq!(
        sizes_of(&server, &ann, "cloudreve://my/docs", "a.txt").await,
        (5, 5)
    );
    assert_eq!(
        server.download(&ann, "cloudreve://my/docs/a.txt").await,
        b"alpha"
    );
    let info = server
        .get_as(
            &format!(
                "/file/info?uri={}&extended=true",
                query_escape("cloudreve://my/docs/a.txt")
            ),
            &ann.access_token,
        )
        .await;
    let versions = info["data"]["extended_info"]["entities"]
        .as_array()
        .unwrap();
    assert_eq!(versions.len(), 2, "{info}");
    // The folder the snapshot was taken of comes out of the trash too.
    finished(
        &server,
        restore(&server, &ann, &kept, json!({"mode": "replace"})).await,
    )
    .await;
    assert!(server.names_in(&ann, "cloudreve://trash").await.is_empty());
    assert_eq!(
        server.download(&ann, "cloudreve://my/kept/c.txt").await,
        b"charlie"
    );
    // Nothing was doubled: the same rows came back, charged as they were.
    assert_eq!(server.storage_of(uid).await, used);
}

/// Rows an earlier restore left at 0 B are repaired when the server is upgraded (a migration
/// that runs once, also on a database brought back from a backup made before it).
#[tokio::test]
async fn an_upgrade_repairs_sizes_an_earlier_restore_left_at_zero() {
    use sea_orm::{ConnectionTrait, Statement};
    let (mut server, ann) = setup().await;
    upload(&server, &ann, "cloudreve://my/docs/b.txt", b"bravo").await;
    let db = &server.state.db;
    let backend = db.get_database_backend();
    for sql in [
        "UPDATE files SET size = 0 WHERE name = 'b.txt'",
        "DELETE FROM seaql_migrations WHERE version = 'm20261201_100000_repair_file_sizes'",
    ] {
        db.execute_raw(Statement::from_string(backend, sql))
            .await
            .unwrap();
    }
    assert_eq!(
        sizes_of(&server, &ann, "cloudreve://my/docs", "b.txt").await,
        (0, 0)
    );
    server.restart().await;
    assert_eq!(
        sizes_of(&server, &ann, "cloudreve://my/docs", "b.txt").await,
        (5, 5)
    );
}

#[tokio::test]
async fn copy_restores_into_another_folder_and_leaves_the_original_alone() {
    let (server, ann) = setup().await;
    upload(&server, &ann, "cloudreve://my/docs/a.txt", b"alpha").await;
    upload(&server, &ann, "cloudreve://my/docs/sub/c.txt", b"charlie").await;
    let snapshot = snap_ok(&server, &ann, "cloudreve://my/docs", "base").await;
    upload(&server, &ann, "cloudreve://my/docs/d.txt", b"delta").await;
    let live = tree(&server, &ann, "cloudreve://my/docs").await;
    let uid = user_id(&server, &ann);
    let used = server.storage_of(uid).await;

    let body = json!({"mode": "copy", "dst": "cloudreve://my/restored"});
    finished(
        &server,
        restore(&server, &ann, &snapshot, body.clone()).await,
    )
    .await;
    let restored = expect(&[
        ("/a.txt", b"alpha"),
        ("/sub/", b""),
        ("/sub/c.txt", b"charlie"),
    ]);
    assert_eq!(
        tree(&server, &ann, "cloudreve://my/restored").await,
        restored
    );
    assert_eq!(tree(&server, &ann, "cloudreve://my/docs").await, live);
    assert_eq!(server.storage_of(uid).await, used + 5 + 7);
    // Again into the same folder: names taken get " (n)".
    finished(&server, restore(&server, &ann, &snapshot, body).await).await;
    assert_eq!(
        server.names_in(&ann, "cloudreve://my/restored").await,
        ["a (1).txt", "a.txt", "sub", "sub (1)"]
    );
    // Without dst, or a bad mode: refused.
    for bad in [json!({"mode": "copy"}), json!({"mode": "merge"})] {
        let answer = server
            .send_as(
                Method::POST,
                &format!("/snapshot/{}/restore", snapshot["id"].as_str().unwrap()),
                &ann.access_token,
                &bad,
            )
            .await;
        assert_eq!(answer["code"], 40001, "{answer}");
    }
}

#[tokio::test]
async fn a_file_locked_by_a_webdav_client_is_skipped_and_logged() {
    use stratus_server::fs::lock::{self, Depth, LockOwner, LockPath, LockRequest, Scope};
    let (server, ann) = setup().await;
    upload(&server, &ann, "cloudreve://my/docs/a.txt", b"alpha").await;
    upload(&server, &ann, "cloudreve://my/docs/b.txt", b"bravo").await;
    let snapshot = snap_ok(&server, &ann, "cloudreve://my/docs", "base").await;
    new_version(&server, &ann, "cloudreve://my/docs/a.txt", b"ALPHA 2").await;
    new_version(&server, &ann, "cloudreve://my/docs/b.txt", b"BRAVO 2").await;
    lock::acquire(
        &server.state.db,
        LockRequest {
            owner_id: user_id(&server, &ann),
            path: LockPath::parse("/docs/a.txt").unwrap(),
            scope: Scope::Exclusive,
            depth: Depth::Zero,
            timeout: Duration::from_secs(600),
            owner_info: Some(LockOwner::dav(Some("<D:href>mac</D:href>".into())).to_owner_info()),
            file_id: None,
        },
    )
    .await
    .unwrap();

    let row = finished(
        &server,
        restore(&server, &ann, &snapshot, json!({"mode": "replace"})).await,
    )
    .await;
    assert_eq!(
        tree(&server, &ann, "cloudreve://my/docs").await,
        expect(&[("/a.txt", b"ALPHA 2"), ("/b.txt", b"bravo")])
    );
    assert!(
        row.log
            .contains("skipped cloudreve://my/docs/a.txt: locked"),
        "{}",
        row.log
    );
}

/// Set to the database URL for the child process running [`restore_instance_to_kill`].
const INSTANCE_ENV: &str = "STRATUS_SNAPSHOT_RESTORE_TO_KILL";
/// The setting the child sets once it runs restores (slowly), before any is queued.
const READY: &str = "test_snapshot_restore_child";

/// Stands in for the restore task here while the child is to run it: on no queue of this
/// process, so this process claims none.
struct Parked;

impl TaskKind for Parked {
    fn name(&self) -> &'static str {
        SnapshotRestore::NAME
    }
    fn queue(&self) -> &'static str {
        "parked"
    }
    fn run<'a>(&'a self, _ctx: &'a TaskCtx) -> BoxFuture<'a, Result<(), TaskError>> {
        async { Err(TaskError::Retry("parked".into())) }.boxed()
    }
}

#[tokio::test]
async fn a_restore_killed_half_way_is_finished_once_by_another_process() {
    let (server, ann) = setup().await;
    Registry::of(&server.state).register(Arc::new(Parked));
    let mut expected = BTreeMap::new();
    for i in 0..12 {
        let name = format!("f{i:02}.txt");
        let bytes = format!("file {i}").into_bytes();
        upload(
            &server,
            &ann,
            &format!("cloudreve://my/docs/{name}"),
            &bytes,
        )
        .await;
        expected.insert(format!("/{name}"), bytes);
    }
    for i in 0..4 {
        let bytes = format!("deep {i}").into_bytes();
        upload(
            &server,
            &ann,
            &format!("cloudreve://my/docs/sub/g{i}.txt"),
            &bytes,
        )
        .await;
        expected.insert(format!("/sub/g{i}.txt"), bytes);
    }
    expected.insert("/sub/".into(), Vec::new());
    let snapshot = snap_ok(&server, &ann, "cloudreve://my/docs", "base").await;
    // 17 nodes, 3 per step: 7 steps.
    server
        .state
        .settings
        .set(&[("snapshot_restore_batch", "3")])
        .await
        .unwrap();

    let mut child = Command::new(std::env::current_exe().unwrap())
        .args([
            "snapshot::restore::restore_instance_to_kill",
            "--exact",
            "--nocapture",
        ])
        .env(INSTANCE_ENV, &server.database_url)
        .stdout(Stdio::null())
        .stderr(Stdio::null())
        .spawn()
        .unwrap();
    let deadline = tokio::time::Instant::now() + Duration::from_secs(60);
    while setting::Entity::find()
        .filter(setting::Column::Name.eq(READY))
        .one(&server.state.db)
        .await
        .unwrap()
        .is_none()
    {
        assert!(
            tokio::time::Instant::now() < deadline,
            "the child never started"
        );
        tokio::time::sleep(Duration::from_millis(50)).await;
    }
    let body = json!({"mode": "copy", "dst": "cloudreve://my/out"});
    let id = restore(&server, &ann, &snapshot, body).await;
    let running = wait_task(&server, id, "did half its steps in the child", |t| {
        serde_json::from_str::<Value>(&t.private_state)
            .ok()
            .and_then(|s| s["done"].as_u64())
            .is_some_and(|done| done >= 9)
    })
    .await;
    child.kill().unwrap(); // SIGKILL
    child.wait().unwrap();
    assert_eq!(running.status, task::status::PROCESSING, "{running:?}");

    Registry::of(&server.state).register(Arc::new(SnapshotRestore::default()));
    let done = finished(&server, id).await;
    assert_ne!(done.claimed_by, running.claimed_by);
    // Every file once, with its content.
    assert_eq!(tree(&server, &ann, "cloudreve://my/out").await, expected);
}

/// The process that is killed: joins the database and runs restores slowly until the parent
/// kills it. Does nothing unless started by
/// [`a_restore_killed_half_way_is_finished_once_by_another_process`].
#[tokio::test]
async fn restore_instance_to_kill() {
    let Ok(database_url) = std::env::var(INSTANCE_ENV) else {
        return;
    };
    let server = TestServer::join(database_url).await;
    Registry::of(&server.state).register(Arc::new(SnapshotRestore {
        step_pause: Duration::from_millis(400),
    }));
    server.state.settings.set(&[(READY, "1")]).await.unwrap();
    tokio::time::sleep(Duration::from_secs(120)).await;
    panic!("not killed within 120 s");
}
