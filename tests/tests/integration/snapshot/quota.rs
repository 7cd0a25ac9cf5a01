//! What a snapshot holds: the blob of a file deleted for good stays until the snapshot goes,
//! and its bytes stay charged to the owner until then, exactly once.

use std::time::Duration;

use reqwest::Method;
use sea_orm::EntityTrait;
use serde_json::json;
use stratus_entity::entity;
use stratus_server::fs::recycle::collect_stale_entities;

use super::{create, id_of, setup, snap_ok, user_id};

async fn sweep(server: &stratus_tests::TestServer) {
    collect_stale_entities(&server.state, Duration::ZERO)
        .await
        .unwrap();
}

#[tokio::test]
async fn a_purged_file_keeps_its_blob_and_charge_until_the_snapshot_is_deleted() {
    let (server, ann) = setup().await;
    let uid = user_id(&server, &ann);
    let bytes = b"kept by a snapshot".repeat(100);
    crate::archive::upload(&server, &ann, "cloudreve://my/docs/keep.bin", &bytes).await;
    create(&server, &ann, "cloudreve://my/docs/other.txt", "file").await;
    let size = bytes.len() as i64;
    let file_id = id_of(&server, &ann, "cloudreve://my/docs/keep.bin").await;
    let blob_id = stratus_entity::file::Entity::find_by_id(file_id)
        .one(&server.state.db)
        .await
        .unwrap()
        .unwrap()
        .primary_entity
        .unwrap();
    let blob = entity::Entity::find_by_id(blob_id)
        .one(&server.state.db)
        .await
        .unwrap()
        .unwrap();
    let path = std::path::PathBuf::from(&blob.source);
    assert!(path.exists());
    let before = server.storage_of(uid).await;
    assert_eq!(before, size);

    let made = snap_ok(&server, &ann, "cloudreve://my/docs", "before").await;
    assert_eq!(made["exclusive_size"], 0);
    // A second snapshot names the blob too: it stays charged once, not twice.
    let second = snap_ok(&server, &ann, "cloudreve://my", "whole").await;

    // Deleted, the trash emptied, the recycler run: the snapshots hold the blob.
    let deleted = server
        .send_as(
            Method::DELETE,
            "/file",
            &ann.access_token,
            &json!({"uris": ["cloudreve://my/docs/keep.bin"]}),
        )
        .await;
    assert_eq!(deleted["code"], 0, "{deleted}");
    let emptied = server
        .send_as(Method::DELETE, "/file/trash", &ann.access_token, &json!({}))
        .await;
    assert_eq!(emptied["code"], 0, "{emptied}");
    sweep(&server).await;
    assert!(path.exists(), "the snapshots keep the blob");
    let row = entity::Entity::find_by_id(blob_id)
        .one(&server.state.db)
        .await
        .unwrap()
        .expect("entity row kept");
    assert_eq!(row.reference_count, 2);
    assert_eq!(server.storage_of(uid).await, before, "still charged, once");
    let path_of = |s: &serde_json::Value| format!("/snapshot/{}", s["id"].as_str().unwrap());
    // Named by two snapshots, it belongs to neither alone.
    let got = server.get_as(&path_of(&made), &ann.access_token).await;
    assert_eq!(got["data"]["exclusive_size"], 0, "{got}");

    let gone = server
        .send_as(
            Method::DELETE,
            &path_of(&second),
            &ann.access_token,
            &json!({}),
        )
        .await;
    assert_eq!(gone["code"], 0, "{gone}");
    assert_eq!(
        server.storage_of(uid).await,
        before,
        "the other snapshot holds it"
    );
    let got = server.get_as(&path_of(&made), &ann.access_token).await;
    assert_eq!(got["data"]["exclusive_size"], size, "{got}");
    sweep(&server).await;
    assert!(path.exists());

    // The last snapshot goes: the bytes are given back exactly, and the blob is recycled.
    let gone = server
        .send_as(
            Method::DELETE,
            &path_of(&made),
            &ann.access_token,
            &json!({}),
        )
        .await;
    assert_eq!(gone["code"], 0, "{gone}");
    assert_eq!(server.storage_of(uid).await, before - size);
    sweep(&server).await;
    assert!(!path.exists(), "the recycler removed the blob");
    assert!(
        entity::Entity::find_by_id(blob_id)
            .one(&server.state.db)
            .await
            .unwrap()
            .is_none()
    );
}

/// A snapshot of a file still in the drive costs nothing: deleting it releases no bytes and
/// leaves the blob to the file.
#[tokio::test]
async fn deleting_a_snapshot_of_live_files_changes_no_charge() {
    let (server, ann) = setup().await;
    let uid = user_id(&server, &ann);
    crate::archive::upload(&server, &ann, "cloudreve://my/a.bin", b"live bytes").await;
    let before = server.storage_of(uid).await;
    let made = snap_ok(&server, &ann, "cloudreve://my", "live").await;
    assert_eq!(server.storage_of(uid).await, before);
    let gone = server
        .send_as(
            Method::DELETE,
            &format!("/snapshot/{}", made["id"].as_str().unwrap()),
            &ann.access_token,
            &json!({}),
        )
        .await;
    assert_eq!(gone["code"], 0, "{gone}");
    assert_eq!(server.storage_of(uid).await, before);
    sweep(&server).await;
    assert_eq!(
        server.download(&ann, "cloudreve://my/a.bin").await,
        b"live bytes"
    );
}
