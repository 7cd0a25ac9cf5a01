//! A trashed tree is purged in pages, each its own transaction, whatever its size: a page
//! leaves the database consistent (the item still in the trash, the storage of what is left
//! still charged), and the collection after a restart goes on with what the database holds.

use sea_orm::{ActiveModelTrait, ActiveValue::Set, IntoActiveModel};
use serde_json::json;
use stratus_server::fs::{
    trash,
    trash_pages::{self, Page},
};

use super::{COLLECT_TIME, create, delete, file_row, id_of, meta_of, setup, user_id};

/// A seven-level tree under `top`: at each level a folder and two files of 10 bytes each.
/// The ids of every row below `top`, parents first.
async fn deep_tree(
    server: &stratus_tests::TestServer,
    s: &stratus_tests::Session,
    top: &str,
) -> Vec<i64> {
    let mut ids = Vec::new();
    let mut folder = format!("cloudreve://my/{top}");
    for level in 1..=7 {
        folder = format!("{folder}/level{level}");
        create(server, s, &folder, "folder").await;
        ids.push(id_of(server, s, &folder).await);
        for name in ["a.bin", "b.bin"] {
            let uri = format!("{folder}/{name}");
            create(server, s, &uri, "file").await;
            let id = id_of(server, s, &uri).await;
            server.attach_blob(id, 10).await;
            ids.push(id);
        }
    }
    ids
}

async fn remaining(server: &stratus_tests::TestServer, ids: &[i64]) -> usize {
    let mut left = 0;
    for id in ids {
        left += usize::from(file_row(server, *id).await.is_some());
    }
    left
}

#[tokio::test]
async fn a_deep_trashed_tree_is_collected_in_pages_and_resumed_after_a_restart() {
    let (mut server, ann) = setup().await;
    let uid = user_id(&server, &ann);
    let below = deep_tree(&server, &ann, "deep").await;
    let top = id_of(&server, &ann, "cloudreve://my/deep").await;
    assert_eq!(below.len(), 21);
    assert_eq!(server.storage_of(uid).await, 140);
    assert_eq!(
        delete(&server, &ann, json!({"uris": ["cloudreve://my/deep"]})).await["code"],
        0
    );

    // Two pages of 4 rows, then the server stops: what they purged is gone for good, the rest
    // (and its storage) is intact and the item is still in the trash.
    for _ in 0..2 {
        match trash_pages::purge_page(&server.state.db, top, 4)
            .await
            .unwrap()
        {
            Page::Below(done) => assert_eq!(done.rows, 4),
            other => panic!("a page below the item: {other:?}"),
        }
    }
    assert_eq!(remaining(&server, &below).await, 21 - 8);
    let top_row = file_row(&server, top).await.expect("still in the trash");
    assert_eq!(top_row.parent_id, None);
    // Only files hold bytes, and the first pages take the deepest files first or with them.
    let purged_files = below.len() - remaining(&server, &below).await;
    assert!(server.storage_of(uid).await < 140, "{purged_files}");
    server.restart().await;

    // After the restart the retention job, three rows a page, finishes the tree.
    server
        .state
        .settings
        .set(&[("trash_purge_page", "3")])
        .await
        .unwrap();
    let mut row = meta_of(&server, top, COLLECT_TIME)
        .await
        .expect("the collect time stays until the last page")
        .into_active_model();
    row.value = Set((chrono::Utc::now().timestamp() - 10).to_string());
    row.update(&server.state.db).await.unwrap();
    assert_eq!(trash::collect_expired(&server.state).await.unwrap(), 1);
    assert_eq!(remaining(&server, &below).await, 0);
    assert!(file_row(&server, top).await.is_none());
    assert_eq!(server.storage_of(uid).await, 0);
    // Nothing is left for a later run.
    assert_eq!(trash::collect_expired(&server.state).await.unwrap(), 0);
}

#[tokio::test]
async fn emptying_the_trash_purges_a_deep_tree_in_pages() {
    let (server, ann) = setup().await;
    let uid = user_id(&server, &ann);
    let below = deep_tree(&server, &ann, "deep").await;
    let top = id_of(&server, &ann, "cloudreve://my/deep").await;
    delete(&server, &ann, json!({"uris": ["cloudreve://my/deep"]})).await;
    server
        .state
        .settings
        .set(&[("trash_purge_page", "2")])
        .await
        .unwrap();
    let emptied = server
        .send_as(
            reqwest::Method::DELETE,
            "/file/trash",
            &ann.access_token,
            &json!({}),
        )
        .await;
    assert_eq!(emptied["code"], 0, "{emptied}");
    assert_eq!(remaining(&server, &below).await, 0);
    assert!(file_row(&server, top).await.is_none());
    assert_eq!(server.storage_of(uid).await, 0);
}
