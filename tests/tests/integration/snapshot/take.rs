//! Taking, reading, listing and deleting snapshots; a snapshot taken while a writer renames,
//! deletes and writes files shows one instant.

use reqwest::Method;
use sea_orm::{ColumnTrait, EntityTrait, QueryFilter};
use stratus_entity::{entity, snapshot_node};
use stratus_tests::query_escape;

use super::{create, id_of, setup, snap_ok, snapshot_id};

#[tokio::test]
async fn a_snapshot_holds_the_tree_and_a_reference_per_blob_until_deleted() {
    let (server, ann) = setup().await;
    create(&server, &ann, "cloudreve://my/docs/a.txt", "file").await;
    create(&server, &ann, "cloudreve://my/docs/sub/b.txt", "file").await;
    create(&server, &ann, "cloudreve://my/other/c.txt", "file").await;
    let a = server
        .attach_blob(id_of(&server, &ann, "cloudreve://my/docs/a.txt").await, 100)
        .await;
    let b = server
        .attach_blob(
            id_of(&server, &ann, "cloudreve://my/docs/sub/b.txt").await,
            50,
        )
        .await;

    let made = snap_ok(&server, &ann, "cloudreve://my/docs", "first").await;
    assert_eq!(made["status"], "completed", "{made}");
    assert_eq!(made["files"], 2);
    assert_eq!(made["folders"], 1);
    assert_eq!(made["size"], 150);
    assert_eq!(made["exclusive_size"], 0);
    assert_eq!(made["uri"], "cloudreve://my/docs");
    assert_eq!(made["description"], "test");
    let id = snapshot_id(&server, &made["id"]);
    let db = &server.state.db;
    let nodes = snapshot_node::Entity::find()
        .filter(snapshot_node::Column::SnapshotId.eq(id))
        .all(db)
        .await
        .unwrap();
    let mut names: Vec<&str> = nodes.iter().map(|n| n.name.as_str()).collect();
    names.sort();
    assert_eq!(names, ["a.txt", "b.txt", "docs", "sub"]);
    assert_eq!((refs(db, a.id).await, refs(db, b.id).await), (2, 2));

    // Read back, and listed newest first by folder.
    let path = format!("/snapshot/{}", made["id"].as_str().unwrap());
    let got = server.get_as(&path, &ann.access_token).await;
    assert_eq!(got["data"], made, "{got}");
    snap_ok(&server, &ann, "cloudreve://my/docs", "second").await;
    snap_ok(&server, &ann, "cloudreve://my", "whole").await;
    let listed = server
        .get_as(
            &format!("/snapshot?uri={}", query_escape("cloudreve://my/docs")),
            &ann.access_token,
        )
        .await;
    let names: Vec<&str> = listed["data"]["snapshots"]
        .as_array()
        .unwrap()
        .iter()
        .map(|s| s["name"].as_str().unwrap())
        .collect();
    assert_eq!(names, ["second", "first"], "{listed}");
    // Cursor pages.
    let first_page = server
        .get_as("/snapshot?page_size=2", &ann.access_token)
        .await;
    assert_eq!(first_page["data"]["snapshots"][0]["name"], "whole");
    let token = first_page["data"]["pagination"]["next_token"]
        .as_str()
        .unwrap()
        .to_owned();
    let second_page = server
        .get_as(
            &format!("/snapshot?page_size=2&next_page_token={token}"),
            &ann.access_token,
        )
        .await;
    assert_eq!(second_page["data"]["snapshots"][0]["name"], "first");
    assert!(second_page["data"]["pagination"]["next_token"].is_null());

    let deleted = server
        .send_as(
            Method::DELETE,
            &path,
            &ann.access_token,
            &serde_json::json!({}),
        )
        .await;
    assert_eq!(deleted["code"], 0, "{deleted}");
    // "second" and "whole" still hold theirs.
    assert_eq!((refs(db, a.id).await, refs(db, b.id).await), (3, 3));
    let gone = server.get_as(&path, &ann.access_token).await;
    assert_eq!(gone["code"], 404, "{gone}");
    assert!(
        snapshot_node::Entity::find()
            .filter(snapshot_node::Column::SnapshotId.eq(id))
            .all(db)
            .await
            .unwrap()
            .is_empty()
    );
}

pub(super) async fn refs(db: &sea_orm::DatabaseConnection, id: i64) -> i32 {
    entity::Entity::find_by_id(id)
        .one(db)
        .await
        .unwrap()
        .unwrap()
        .reference_count
}

/// A writer renames, deletes and creates files in the tree, one after another, while the
/// snapshot is taken: the operations the snapshot shows are exactly those before one instant
/// (a prefix of the sequence), each wholly (a renamed file has its old or its new name, in its
/// place), and its counts match its nodes.
#[tokio::test]
async fn a_snapshot_taken_while_a_writer_goes_on_shows_one_instant() {
    use std::{
        collections::{HashMap, HashSet},
        sync::atomic::{AtomicBool, AtomicUsize, Ordering},
    };
    const FOLDERS: i64 = 100;
    const FILES: i64 = 10_000;
    const MAX_OPS: usize = 3_000;
    let (server, ann) = setup().await;
    let owner = super::user_id(&server, &ann);
    create(&server, &ann, "cloudreve://my/tree", "folder").await;
    let tree = id_of(&server, &ann, "cloudreve://my/tree").await;
    super::bulk_tree(&server, owner, tree, FOLDERS, FILES, 3).await;
    let db = &server.state.db;
    let ids: HashMap<String, i64> = stratus_entity::file::Entity::find()
        .filter(stratus_entity::file::Column::OwnerId.eq(owner))
        .all(db)
        .await
        .unwrap()
        .into_iter()
        .map(|f| (f.name, f.id))
        .collect();

    // Operation i works on file f<i> in d<i % FOLDERS>: rename, delete, or a new file n<i>.
    let done = AtomicUsize::new(0);
    let stop = AtomicBool::new(false);
    let writer = async {
        for i in 0..MAX_OPS {
            if stop.load(Ordering::SeqCst) {
                break;
            }
            let dir = format!("cloudreve://my/tree/d{}", i as i64 % FOLDERS);
            let body = match i % 3 {
                0 => server
                    .send_as(
                        Method::POST,
                        "/file/rename",
                        &ann.access_token,
                        &serde_json::json!({"uri": format!("{dir}/f{i}"), "new_name": format!("r{i}")}),
                    )
                    .await,
                1 => server
                    .send_as(
                        Method::DELETE,
                        "/file",
                        &ann.access_token,
                        &serde_json::json!({"uris": [format!("{dir}/f{i}")]}),
                    )
                    .await,
                _ => server
                    .send_as(
                        Method::POST,
                        "/file/create",
                        &ann.access_token,
                        &serde_json::json!({"uri": format!("{dir}/n{i}"), "type": "file"}),
                    )
                    .await,
            };
            assert_eq!(body["code"], 0, "operation {i}: {body}");
            done.fetch_add(1, Ordering::SeqCst);
        }
    };
    let taker = async {
        while done.load(Ordering::SeqCst) < 30 {
            tokio::time::sleep(std::time::Duration::from_millis(5)).await;
        }
        let made = snap_ok(&server, &ann, "cloudreve://my/tree", "busy").await;
        stop.store(true, Ordering::SeqCst);
        made
    };
    let ((), made) = tokio::join!(writer, taker);
    let ops = done.load(Ordering::SeqCst);
    assert_eq!(made["status"], "completed", "{made}");

    let id = snapshot_id(&server, &made["id"]);
    let nodes = snapshot_node::Entity::find()
        .filter(snapshot_node::Column::SnapshotId.eq(id))
        .all(db)
        .await
        .unwrap();
    let by_id: HashMap<i64, &snapshot_node::Model> = nodes.iter().map(|n| (n.node_id, n)).collect();
    assert_eq!(by_id.len(), nodes.len(), "a node twice");
    // Every path, built from the nodes, is unique and hangs from the root.
    let path = |n: &snapshot_node::Model| path_of(&by_id, n);
    let paths: HashSet<String> = nodes.iter().map(path).collect();
    assert_eq!(paths.len(), nodes.len(), "a path twice");

    let mut applied = Vec::with_capacity(ops);
    for i in 0..ops {
        let dir = format!("tree/d{}", i as i64 % FOLDERS);
        let old = format!("{dir}/f{i}");
        let state = match i % 3 {
            0 => {
                let node = by_id
                    .get(&ids[&format!("f{i}")])
                    .expect("renamed file kept");
                let p = path(node);
                assert!(p == old || p == format!("{dir}/r{i}"), "half a rename: {p}");
                p != old
            }
            1 => {
                let kept = by_id.contains_key(&ids[&format!("f{i}")]);
                assert_eq!(kept, paths.contains(&old));
                !kept
            }
            _ => paths.contains(&format!("{dir}/n{i}")),
        };
        applied.push(state);
    }
    let seen = applied.iter().take_while(|a| **a).count();
    assert!(
        applied[seen..].iter().all(|a| !a),
        "not one instant: operations seen {:?}",
        applied
            .iter()
            .enumerate()
            .filter(|(_, a)| **a)
            .map(|(i, _)| i)
            .collect::<Vec<_>>()
    );
    // Files of the not-yet-touched part are all there.
    for i in ops as i64..FILES {
        assert!(
            paths.contains(&format!("tree/d{}/f{i}", i % FOLDERS)),
            "f{i} missing"
        );
    }
    let files = nodes.iter().filter(|n| n.r#type == 0).count() as i64;
    let deleted = (0..seen).filter(|i| i % 3 == 1).count() as i64;
    let created = (0..seen).filter(|i| i % 3 == 2).count() as i64;
    assert_eq!(files, FILES - deleted + created);
    assert_eq!(made["files"], files);
    assert_eq!(made["folders"], FOLDERS);
    assert_eq!(made["size"], (FILES - deleted) * 3);
    eprintln!("{ops} operations, {seen} before the snapshot");
}

/// The path of node `n` from the snapshot's root, through its parents.
fn path_of<'a>(
    by_id: &std::collections::HashMap<i64, &'a snapshot_node::Model>,
    mut n: &'a snapshot_node::Model,
) -> String {
    let mut parts = vec![n.name.clone()];
    while let Some(p) = n.parent_node_id {
        n = by_id.get(&p).expect("parent in the snapshot");
        parts.push(n.name.clone());
    }
    parts.reverse();
    parts.join("/")
}

/// A tree above `snapshot_inline_max_files` is taken by a task: the answer says
/// `in_progress`, and the task completes the row.
#[tokio::test]
async fn a_large_tree_is_taken_by_a_task() {
    let (server, ann) = setup().await;
    for i in 0..4 {
        create(&server, &ann, &format!("cloudreve://my/big/f{i}"), "file").await;
    }
    server
        .state
        .settings
        .set(&[("snapshot_inline_max_files", "3")])
        .await
        .unwrap();
    let made = snap_ok(&server, &ann, "cloudreve://my/big", "queued").await;
    assert_eq!(made["status"], "in_progress", "{made}");
    let path = format!("/snapshot/{}", made["id"].as_str().unwrap());
    let deadline = tokio::time::Instant::now() + std::time::Duration::from_secs(60);
    let done = loop {
        let got = server.get_as(&path, &ann.access_token).await;
        if got["data"]["status"] != "in_progress" {
            break got["data"].clone();
        }
        assert!(tokio::time::Instant::now() < deadline, "never taken: {got}");
        tokio::time::sleep(std::time::Duration::from_millis(50)).await;
    };
    assert_eq!(done["status"], "completed", "{done}");
    assert_eq!(done["files"], 4);
    // Small trees are still taken at once.
    create(&server, &ann, "cloudreve://my/small/f", "file").await;
    let small = snap_ok(&server, &ann, "cloudreve://my/small", "inline").await;
    assert_eq!(small["status"], "completed", "{small}");
}
