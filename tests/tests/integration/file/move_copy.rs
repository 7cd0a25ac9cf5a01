//! `POST /file/move` (moves and copies): reparenting, cycles and clashes refused, copies
//! linking the same blobs and charged to the quota, concurrent renames and moves.

use std::sync::Arc;

use reqwest::Method;
use sea_orm::{ColumnTrait, EntityTrait, QueryFilter};
use serde_json::json;
use stratus_entity::{entity, file};
use stratus_server::ids::IdKind;
use stratus_tests::TestServer;

use super::{create, info, mv, setup, user_id};

async fn row(server: &TestServer, owner: i64, name: &str) -> file::Model {
    file::Entity::find()
        .filter(file::Column::OwnerId.eq(owner))
        .filter(file::Column::Name.eq(name))
        .one(&server.state.db)
        .await
        .unwrap()
        .unwrap_or_else(|| panic!("no row {name}"))
}

#[tokio::test]
async fn move_reparents_and_refuses_cycles_and_clashes() {
    let (server, ann) = setup().await;
    create(&server, &ann, "cloudreve://my/src/inner/deep.txt", "file").await;
    create(&server, &ann, "cloudreve://my/dst", "folder").await;
    create(&server, &ann, "cloudreve://my/dst/taken.txt", "file").await;
    create(&server, &ann, "cloudreve://my/taken.txt", "file").await;

    assert_eq!(
        mv(
            &server,
            &ann,
            &["cloudreve://my/src"],
            "cloudreve://my/dst",
            false
        )
        .await["code"],
        0
    );
    assert_eq!(
        info(&server, &ann, "cloudreve://my/dst/src/inner/deep.txt").await["code"],
        0
    );
    assert_eq!(info(&server, &ann, "cloudreve://my/src").await["code"], 404);

    // Into itself or its own subtree.
    let cycle = mv(
        &server,
        &ann,
        &["cloudreve://my/dst"],
        "cloudreve://my/dst/src/inner",
        false,
    )
    .await;
    assert_eq!(cycle["code"], 40001);
    let self_move = mv(
        &server,
        &ann,
        &["cloudreve://my/dst"],
        "cloudreve://my/dst",
        false,
    )
    .await;
    assert_eq!(self_move["code"], 40001);
    // Name clash.
    assert_eq!(
        mv(
            &server,
            &ann,
            &["cloudreve://my/taken.txt"],
            "cloudreve://my/dst",
            false
        )
        .await["code"],
        40004
    );
    // Destination missing or a file.
    assert_eq!(
        mv(
            &server,
            &ann,
            &["cloudreve://my/taken.txt"],
            "cloudreve://my/nope",
            false
        )
        .await["code"],
        40016
    );
    assert_eq!(
        mv(
            &server,
            &ann,
            &["cloudreve://my/dst"],
            "cloudreve://my/taken.txt",
            false
        )
        .await["code"],
        40016
    );
    // The root cannot move.
    assert_eq!(
        mv(
            &server,
            &ann,
            &["cloudreve://my"],
            "cloudreve://my/dst",
            false
        )
        .await["code"],
        40053
    );

    // A batch that fails in part: 40081 with the failed URI only, the rest applied.
    create(&server, &ann, "cloudreve://my/free.txt", "file").await;
    let batch = mv(
        &server,
        &ann,
        &[
            "cloudreve://my/free.txt",
            "cloudreve://my/taken.txt",
            "cloudreve://my/ghost",
        ],
        "cloudreve://my/dst",
        false,
    )
    .await;
    assert_eq!(batch["code"], 40081, "{batch}");
    let agg = batch["aggregated_error"].as_object().unwrap();
    assert_eq!(agg.len(), 2);
    assert_eq!(agg["cloudreve://my/taken.txt"]["code"], 40004);
    assert_eq!(agg["cloudreve://my/ghost"]["code"], 404);
    assert_eq!(
        info(&server, &ann, "cloudreve://my/dst/free.txt").await["code"],
        0
    );
}

/// Gives `file_name` a blob of `size` bytes, as an upload would.
async fn attach_blob(server: &TestServer, owner: i64, file_name: &str, size: i64) -> entity::Model {
    let f = row(server, owner, file_name).await;
    server.attach_blob(f.id, size).await
}

#[tokio::test]
async fn copy_links_the_same_blobs_and_charges_quota() {
    let (server, ann) = setup().await;
    let uid = user_id(&ann, &server);
    create(&server, &ann, "cloudreve://my/album/photo.jpg", "file").await;
    create(&server, &ann, "cloudreve://my/backup", "folder").await;
    let blob = attach_blob(&server, uid, "photo.jpg", 1000).await;
    assert_eq!(server.storage_of(uid).await, 1000);

    let copied = mv(
        &server,
        &ann,
        &["cloudreve://my/album"],
        "cloudreve://my/backup",
        true,
    )
    .await;
    assert_eq!(copied["code"], 0, "{copied}");
    let copy = info(&server, &ann, "cloudreve://my/backup/album/photo.jpg").await;
    assert_eq!(copy["code"], 0);
    assert_eq!(copy["data"]["size"], 1000);
    assert_eq!(
        copy["data"]["primary_entity"],
        server.state.ids.encode(blob.id, IdKind::Entity)
    );
    assert_ne!(
        copy["data"]["id"],
        info(&server, &ann, "cloudreve://my/album/photo.jpg").await["data"]["id"]
    );
    let blob = entity::Entity::find_by_id(blob.id)
        .one(&server.state.db)
        .await
        .unwrap()
        .unwrap();
    assert_eq!(blob.reference_count, 2);
    assert_eq!(server.storage_of(uid).await, 2000);
    // The original is still there.
    assert_eq!(
        info(&server, &ann, "cloudreve://my/album/photo.jpg").await["code"],
        0
    );

    // Extended info lists the version.
    let ext = server
        .get_as(
            "/file/info?uri=cloudreve%3A%2F%2Fmy%2Fbackup%2Falbum%2Fphoto.jpg&extended=true",
            &ann.access_token,
        )
        .await;
    let entities = ext["data"]["extended_info"]["entities"].as_array().unwrap();
    assert_eq!(entities.len(), 1);
    assert_eq!(entities[0]["size"], 1000);
    assert_eq!(ext["data"]["extended_info"]["storage_used"], 1000);

    // Folder summary counts the subtree.
    let summary = server
        .get_as(
            "/file/info?uri=cloudreve%3A%2F%2Fmy%2Fbackup&folder_summary=true",
            &ann.access_token,
        )
        .await;
    let s = &summary["data"]["folder_summary"];
    assert_eq!(
        (
            s["files"].as_i64(),
            s["folders"].as_i64(),
            s["size"].as_i64()
        ),
        (Some(1), Some(1), Some(1000))
    );
    assert_eq!(s["completed"], true);
}

#[tokio::test]
async fn copy_beyond_the_quota_is_refused_and_changes_nothing() {
    let (server, ann) = setup().await;
    let uid = user_id(&ann, &server);
    create(&server, &ann, "cloudreve://my/big.bin", "file").await;
    create(&server, &ann, "cloudreve://my/dst", "folder").await;
    let gib = 1024 * 1024 * 1024;
    let blob = attach_blob(&server, uid, "big.bin", gib - 10).await;
    let refused = mv(
        &server,
        &ann,
        &["cloudreve://my/big.bin"],
        "cloudreve://my/dst",
        true,
    )
    .await;
    assert_eq!(refused["code"], 40051);
    assert_eq!(
        info(&server, &ann, "cloudreve://my/dst/big.bin").await["code"],
        404
    );
    assert_eq!(server.storage_of(uid).await, gib - 10);
    let blob = entity::Entity::find_by_id(blob.id)
        .one(&server.state.db)
        .await
        .unwrap()
        .unwrap();
    assert_eq!(blob.reference_count, 1);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn concurrent_renames_and_moves_keep_the_tree_consistent() {
    let (server, ann) = setup().await;
    let server = Arc::new(server);
    create(&server, &ann, "cloudreve://my/target", "folder").await;
    for i in 0..20 {
        create(&server, &ann, &format!("cloudreve://my/f{i}.txt"), "file").await;
    }
    let mut tasks = Vec::new();
    for i in 0..20 {
        let server = server.clone();
        let token = ann.access_token.clone();
        tasks.push(tokio::spawn(async move {
            // Everyone renames to one of four names, then moves into the same folder: most
            // must fail cleanly with 40004, and no name may appear twice.
            let name = format!("same{}.txt", i % 4);
            let body = json!({"uri": format!("cloudreve://my/f{i}.txt"), "new_name": name});
            let r = server.send_as(Method::POST, "/file/rename", &token, &body).await;
            let current = if r["code"] == 0 { name } else { format!("f{i}.txt") };
            let m = json!({"uris": [format!("cloudreve://my/{current}")], "dst": "cloudreve://my/target"});
            let m = server.send_as(Method::POST, "/file/move", &token, &m).await;
            (r["code"].as_i64().unwrap(), m["code"].as_i64().unwrap())
        }));
    }
    for t in tasks {
        let (r, m) = t.await.unwrap();
        assert!(r == 0 || r == 40004, "rename answered {r}");
        assert!(m == 0 || m == 40004, "move answered {m}");
    }
    let uid = user_id(&ann, &server);
    let rows = file::Entity::find()
        .filter(file::Column::OwnerId.eq(uid))
        .filter(file::Column::Type.eq(0))
        .all(&server.state.db)
        .await
        .unwrap();
    assert_eq!(rows.len(), 20, "no file lost or duplicated");
    let mut seen = std::collections::HashSet::new();
    for r in &rows {
        assert!(r.parent_id.is_some(), "no orphan");
        assert!(
            seen.insert((r.parent_id, r.name.clone())),
            "duplicate name {}",
            r.name
        );
    }
}
