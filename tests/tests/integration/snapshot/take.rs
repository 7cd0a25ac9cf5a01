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
