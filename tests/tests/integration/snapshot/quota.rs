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

/// Deletes `uri` for good: to the trash, then the trash emptied.
async fn purge(server: &stratus_tests::TestServer, s: &stratus_tests::Session, uri: &str) {
    let deleted = server
        .send_as(
            Method::DELETE,
            "/file",
            &s.access_token,
            &json!({"uris": [uri]}),
        )
        .await;
    assert_eq!(deleted["code"], 0, "{deleted}");
    let emptied = server
        .send_as(Method::DELETE, "/file/trash", &s.access_token, &json!({}))
        .await;
    assert_eq!(emptied["code"], 0, "{emptied}");
}

/// Deletes every snapshot of `uri`.
async fn delete_snapshots(
    server: &stratus_tests::TestServer,
    s: &stratus_tests::Session,
    uri: &str,
) {
    let q = format!("/snapshot?uri={}", stratus_tests::query_escape(uri));
    let listed = server.get_as(&q, &s.access_token).await;
    for snap in listed["data"]["snapshots"].as_array().unwrap() {
        let path = format!("/snapshot/{}", snap["id"].as_str().unwrap());
        let gone = server
            .send_as(Method::DELETE, &path, &s.access_token, &json!({}))
            .await;
        assert_eq!(gone["code"], 0, "{gone}");
    }
}

/// A file deleted for good that comes back out of a snapshot, copied out or restored, takes
/// over the snapshot's hold on its bytes: at every step the owner is charged exactly the
/// bytes of their files, also once the snapshots are gone.
#[tokio::test]
async fn a_purged_file_copied_or_restored_out_of_a_snapshot_is_charged_once() {
    let (server, ann) = setup().await;
    let uid = user_id(&server, &ann);
    let keep = b"kept by a snapshot".repeat(100);
    let (k, l) = (keep.len() as i64, 4);
    crate::archive::upload(&server, &ann, "cloudreve://my/docs/keep.bin", &keep).await;
    crate::archive::upload(&server, &ann, "cloudreve://my/docs/live.txt", b"live").await;
    assert_eq!(server.storage_of(uid).await, k + l);

    // Copied out of the snapshot after a purge.
    let made = snap_ok(&server, &ann, "cloudreve://my/docs", "first").await;
    purge(&server, &ann, "cloudreve://my/docs/keep.bin").await;
    assert_eq!(server.storage_of(uid).await, k + l, "held by the snapshot");
    let src = format!(
        "cloudreve://{}@snapshot/keep.bin",
        made["id"].as_str().unwrap()
    );
    let copied = server
        .send_as(
            Method::POST,
            "/file/move",
            &ann.access_token,
            &json!({"uris": [src], "dst": "cloudreve://my/docs", "copy": true}),
        )
        .await;
    assert_eq!(copied["code"], 0, "{copied}");
    assert_eq!(server.storage_of(uid).await, k + l, "copied out");
    delete_snapshots(&server, &ann, "cloudreve://my/docs").await;
    assert_eq!(server.storage_of(uid).await, k + l, "snapshot deleted");

    // Restored (replace) after a purge.
    let made = snap_ok(&server, &ann, "cloudreve://my/docs", "second").await;
    purge(&server, &ann, "cloudreve://my/docs/keep.bin").await;
    assert_eq!(server.storage_of(uid).await, k + l, "held by the snapshot");
    let id = super::restore::restore(&server, &ann, &made, json!({"mode": "replace"})).await;
    super::restore::finished(&server, id).await;
    assert_eq!(
        server.download(&ann, "cloudreve://my/docs/keep.bin").await,
        keep
    );
    assert_eq!(server.storage_of(uid).await, k + l, "restored");
    delete_snapshots(&server, &ann, "cloudreve://my/docs").await;
    assert_eq!(server.storage_of(uid).await, k + l, "snapshots deleted");

    // Restored (copy) after a purge, then everything deleted: nothing stays charged.
    let made = snap_ok(&server, &ann, "cloudreve://my/docs", "third").await;
    purge(&server, &ann, "cloudreve://my/docs/keep.bin").await;
    let body = json!({"mode": "copy", "dst": "cloudreve://my/out"});
    let id = super::restore::restore(&server, &ann, &made, body).await;
    super::restore::finished(&server, id).await;
    // out/keep.bin (k), out/live.txt (l) and docs/live.txt (l).
    assert_eq!(
        server.storage_of(uid).await,
        k + 2 * l,
        "restored as a copy"
    );
    delete_snapshots(&server, &ann, "cloudreve://my/docs").await;
    assert_eq!(server.storage_of(uid).await, k + 2 * l, "snapshot deleted");
    purge(&server, &ann, "cloudreve://my/out").await;
    purge(&server, &ann, "cloudreve://my/docs").await;
    assert_eq!(server.storage_of(uid).await, 0, "no file, no charge");
}
