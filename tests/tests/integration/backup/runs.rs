//! Runs of a folder task to a local target: every blob and a manifest the first time; after
//! one file of many changed, one new blob and one new manifest, the rest found on the target.

use std::collections::BTreeSet;

use reqwest::Method;
use sea_orm::{ColumnTrait, EntityTrait, QueryFilter};
use serde_json::{Value, json};
use sha2::{Digest, Sha256};
use stratus_tests::{Session, TestServer};

use super::{blobs, docs_task, manifest, manifests, run, target, task};
use crate::admin::{admin, call, list, member, ok};

/// Files in the folder backed up.
pub const FILES: usize = 120;

/// Uploads `bytes` to `uri` through an upload session; `version` adds a version to an
/// existing file.
pub async fn upload(server: &TestServer, s: &Session, uri: &str, bytes: &[u8], version: bool) {
    let extra = match version {
        true => json!({"entity_type": "version"}),
        false => json!({}),
    };
    server.upload(s, uri, bytes, extra).await;
}

pub fn content(i: usize) -> Vec<u8> {
    format!("file {i} ").repeat(20 + i % 7).into_bytes()
}

/// A member with `FILES` files in `/docs` (and one in a subfolder); answers the session and
/// the user id.
pub async fn member_with_docs(server: &TestServer, email: &str, files: usize) -> (Session, i64) {
    let alice = member(server, email).await;
    for i in 0..files {
        upload(
            server,
            &alice,
            &format!("cloudreve://my/docs/f{i:04}.txt"),
            &content(i),
            false,
        )
        .await;
    }
    upload(
        server,
        &alice,
        "cloudreve://my/docs/sub/deep.txt",
        b"deep",
        false,
    )
    .await;
    let id = stratus_entity::user::Entity::find()
        .filter(stratus_entity::user::Column::Email.eq(email))
        .one(&server.state.db)
        .await
        .unwrap()
        .unwrap()
        .id;
    (alice, id)
}

fn sha(bytes: &[u8]) -> String {
    hex::encode(Sha256::digest(bytes))
}

#[tokio::test]
async fn a_second_run_copies_only_the_changed_file() {
    let server = TestServer::start().await;
    let boss = admin(&server, "boss@example.com").await;
    let (alice, uid) = member_with_docs(&server, "alice@example.com", FILES).await;
    let dir = tempfile::tempdir().unwrap();
    let (_t, id) = docs_task(&server, &boss, dir.path(), uid).await;

    let first = run(&server, &boss, id).await;
    assert_eq!(first["status"], "completed", "{first}");
    let all_bytes: usize = (0..FILES).map(|i| content(i).len()).sum::<usize>() + 4;
    assert_eq!(first["files"], FILES + 1, "{first}");
    assert_eq!(first["new_bytes"], all_bytes, "{first}");
    assert_eq!(first["size"], all_bytes, "{first}");
    assert_eq!(blobs(dir.path()).len(), FILES + 1);
    let names = manifests(dir.path());
    assert_eq!(names, vec![first["name"].as_str().unwrap().to_owned()]);

    // The manifest: the header, the folders and files with their blobs' hashes, the blobs.
    let lines = manifest(dir.path(), &names[0]);
    let header = &lines[0];
    assert_eq!(header["format"], "stratus-backup");
    assert_eq!(header["kind"], "folder");
    assert_eq!(header["task"]["id"], id);
    assert_eq!(header["source"]["uri"], "cloudreve://my/docs");
    let of = |kind: &str| -> Vec<&Value> { lines.iter().filter(|l| l["type"] == kind).collect() };
    assert_eq!(of("file").len(), FILES + 1);
    assert_eq!(of("blob").len(), FILES + 1);
    let folders: BTreeSet<&str> = of("folder")
        .iter()
        .map(|l| l["path"].as_str().unwrap())
        .collect();
    assert_eq!(folders, BTreeSet::from(["/", "/sub"]));
    let f7 = of("file")
        .into_iter()
        .find(|l| l["path"] == "/f0007.txt")
        .unwrap()
        .clone();
    assert_eq!(f7["sha256"], sha(&content(7)), "{f7}");
    assert_eq!(f7["size"], content(7).len());
    assert_eq!(f7["owner"], uid);
    let blob = f7["blob"].as_str().unwrap();
    let stored = std::fs::read(
        dir.path()
            .join(format!("stratus-backup/blobs/{}/{blob}", &blob[..2])),
    )
    .unwrap();
    assert_eq!(stored, content(7));

    // One file changes: one new blob, one new manifest, new_bytes its size.
    let changed = b"a brand new version of file seven".to_vec();
    upload(
        &server,
        &alice,
        "cloudreve://my/docs/f0007.txt",
        &changed,
        true,
    )
    .await;
    let before: BTreeSet<_> = blobs(dir.path()).into_iter().collect();
    let second = run(&server, &boss, id).await;
    assert_eq!(second["status"], "completed", "{second}");
    assert_eq!(second["new_bytes"], changed.len(), "{second}");
    let after: BTreeSet<_> = blobs(dir.path()).into_iter().collect();
    assert_eq!(after.difference(&before).count(), 1);
    assert!(before.is_subset(&after));
    assert_eq!(manifests(dir.path()).len(), 2);
    let lines = manifest(dir.path(), second["name"].as_str().unwrap());
    let f7: Vec<&Value> = lines.iter().filter(|l| l["path"] == "/f0007.txt").collect();
    assert_eq!(f7.len(), 2, "the current and the kept version: {f7:?}");
    assert_eq!(f7[0]["type"], "file");
    assert_eq!(f7[0]["sha256"], sha(&changed));
    assert_eq!(f7[1]["type"], "version");
    // Hashes of blobs the first run copied are carried over.
    assert_eq!(f7[1]["sha256"], sha(&content(7)));

    // The records list, filtered by task and status; the log tells what happened.
    let page = ok(
        &server,
        &boss,
        Method::POST,
        "/admin/backup/record",
        list(
            10,
            json!({"task_id": id.to_string(), "status": "completed"}),
        ),
    )
    .await;
    assert_eq!(page["records"].as_array().unwrap().len(), 2, "{page}");
    let detail = ok(
        &server,
        &boss,
        Method::GET,
        &format!("/admin/backup/record/{}", second["id"]),
        json!({}),
    )
    .await;
    let log = detail["log"].as_str().unwrap();
    assert!(log.contains("1 blobs copied"), "{log}");
    // Each copied blob is named by the file that uses it, not by its key on the server.
    assert!(log.contains("copied /f0007.txt ("), "{log}");
    for line in log.lines().filter(|l| l.starts_with("copied /")) {
        assert!(!line.contains("uploads"), "{line}");
    }

    // Deleting the first record keeps every blob the second names.
    ok(
        &server,
        &boss,
        Method::DELETE,
        &format!("/admin/backup/record/{}", first["id"]),
        json!({}),
    )
    .await;
    assert_eq!(manifests(dir.path()).len(), 1);
    assert_eq!(blobs(dir.path()).len(), FILES + 2);
    let deleted = call(
        &server,
        Some(&boss),
        Method::GET,
        &format!("/admin/backup/record/{}", first["id"]),
        None,
    )
    .await;
    assert_eq!(deleted["code"], 404);
}

#[tokio::test]
async fn manual_runs_one_at_a_time_and_at_most_ten() {
    let server = TestServer::start().await;
    let boss = admin(&server, "boss@example.com").await;
    let (_alice, uid) = member_with_docs(&server, "alice@example.com", 2).await;
    let dir = tempfile::tempdir().unwrap();
    let (_t, id) = docs_task(&server, &boss, dir.path(), uid).await;
    let queued = ok(
        &server,
        &boss,
        Method::POST,
        &format!("/admin/backup/task/{id}/run"),
        json!({}),
    )
    .await;
    let busy = call(
        &server,
        Some(&boss),
        Method::POST,
        &format!("/admin/backup/task/{id}/run"),
        Some(json!({})),
    )
    .await;
    // The first run may have ended already; if not, the second is refused.
    if busy["code"] != 0 {
        assert_eq!(busy["code"], 409, "{busy}");
        assert!(busy["msg"].as_str().unwrap().contains("already"), "{busy}");
    } else {
        super::ended(&server, &boss, busy["data"]["id"].as_i64().unwrap()).await;
    }
    super::ended(&server, &boss, queued["id"].as_i64().unwrap()).await;
    loop {
        let r = call(
            &server,
            Some(&boss),
            Method::POST,
            &format!("/admin/backup/task/{id}/run"),
            Some(json!({})),
        )
        .await;
        if r["code"] != 0 {
            assert_eq!(r["code"], 409, "{r}");
            assert!(
                r["msg"].as_str().unwrap().contains("10 manual backups"),
                "{r}"
            );
            break;
        }
        super::ended(&server, &boss, r["data"]["id"].as_i64().unwrap()).await;
    }
    let page = ok(
        &server,
        &boss,
        Method::POST,
        "/admin/backup/record",
        list(50, json!({"task_id": id.to_string()})),
    )
    .await;
    assert_eq!(page["records"].as_array().unwrap().len(), 10, "{page}");
}

#[tokio::test]
async fn an_instance_record_holds_the_database_dump_and_every_blob() {
    let server = TestServer::start().await;
    let boss = admin(&server, "boss@example.com").await;
    let (_alice, _uid) = member_with_docs(&server, "alice@example.com", 3).await;
    let dir = tempfile::tempdir().unwrap();
    let t = target(&server, &boss, dir.path()).await;
    let id = task(
        &server,
        &boss,
        json!({"name": "all", "kind": "instance", "target_id": t}),
    )
    .await;
    let record = run(&server, &boss, id).await;
    assert_eq!(record["status"], "completed", "{record}");
    let name = record["name"].as_str().unwrap();
    let lines = manifest(dir.path(), name);
    assert_eq!(lines[0]["kind"], "instance");
    assert_eq!(lines[0]["database"], "database.jsonl.gz");
    assert!(
        lines[0]["policies"]
            .as_array()
            .unwrap()
            .iter()
            .any(|p| p["id"] == 1)
    );
    let dump = dir
        .path()
        .join(format!("stratus-backup/records/{name}/database.jsonl.gz"));
    let first = std::io::BufRead::lines(std::io::BufReader::new(flate2::read::GzDecoder::new(
        std::fs::File::open(dump).unwrap(),
    )))
    .next()
    .unwrap()
    .unwrap();
    let header: Value = serde_json::from_str(&first).unwrap();
    assert_eq!(header["format"], "stratus-dump", "{header}");
    let entities = stratus_entity::entity::Entity::find()
        .all(&server.state.db)
        .await
        .unwrap()
        .len();
    assert_eq!(
        lines.iter().filter(|l| l["type"] == "entity").count(),
        entities
    );
    assert_eq!(
        blobs(dir.path()).len(),
        lines.iter().filter(|l| l["type"] == "blob").count()
    );
    assert_eq!(blobs(dir.path()).len(), 4);
}

#[tokio::test]
async fn a_users_record_holds_each_drive_and_a_lost_run_does_not_block_the_next() {
    let server = TestServer::start().await;
    let boss = admin(&server, "boss@example.com").await;
    let (_alice, a) = member_with_docs(&server, "alice@example.com", 2).await;
    let (_bob, b) = member_with_docs(&server, "bob@example.com", 1).await;
    let dir = tempfile::tempdir().unwrap();
    let t = target(&server, &boss, dir.path()).await;
    let id = task(
        &server,
        &boss,
        json!({
            "name": "people", "kind": "users", "target_id": t, "source": {"user_ids": [a, b]},
        }),
    )
    .await;
    let record = run(&server, &boss, id).await;
    assert_eq!(record["status"], "completed", "{record}");
    assert_eq!(record["files"], 2 + 1 + 1 + 1, "{record}");
    let lines = manifest(dir.path(), record["name"].as_str().unwrap());
    let owners: BTreeSet<i64> = lines
        .iter()
        .filter(|l| l["type"] == "file")
        .map(|l| l["owner"].as_i64().unwrap())
        .collect();
    assert_eq!(owners, BTreeSet::from([a, b]));
    assert!(
        lines
            .iter()
            .any(|l| l["path"] == "/docs/f0001.txt" && l["owner"] == a)
    );

    // A run whose queue task is gone (deleted from the queue's list) no longer holds the task.
    let queued = ok(
        &server,
        &boss,
        Method::POST,
        &format!("/admin/backup/task/{id}/run"),
        json!({}),
    )
    .await;
    let rid = queued["id"].as_i64().unwrap();
    let qid = queued["queue_task_id"].as_i64().unwrap();
    super::ended(&server, &boss, rid).await;
    use sea_orm::{ActiveModelTrait, IntoActiveModel, Set};
    let row = stratus_entity::backup_record::Entity::find_by_id(rid)
        .one(&server.state.db)
        .await
        .unwrap()
        .unwrap();
    let mut stale = row.into_active_model();
    stale.status = Set("running".into());
    stale.update(&server.state.db).await.unwrap();
    stratus_entity::task::Entity::delete_by_id(qid)
        .exec(&server.state.db)
        .await
        .unwrap();
    let next = run(&server, &boss, id).await;
    assert_eq!(next["status"], "completed", "{next}");
    let stale = ok(
        &server,
        &boss,
        Method::GET,
        &format!("/admin/backup/record/{rid}"),
        json!({}),
    )
    .await;
    assert_eq!(stale["status"], "failed", "{stale}");
}
