//! The entity recycling job: zero-reference entities lose their blob and row after the grace
//! period; unlinked files keep their blob; shared blobs live until the last reference goes.

use std::{path::PathBuf, time::Duration};

use reqwest::Method;
use serde_json::json;
use stratus_server::{
    boolset::{Boolset, group_perm},
    fs::recycle::{collect, collect_stale_entities},
};

use super::*;

async fn delete(server: &TestServer, s: &Session, body: Value) -> Value {
    server
        .send_as(Method::DELETE, "/file", &s.access_token, &body)
        .await
}

/// The blob file behind an entity (the local policy stores absolute paths).
async fn blob_path(server: &TestServer, hashid: &str) -> PathBuf {
    let e = entity_row(server, hashid).await.expect("entity row");
    let path = PathBuf::from(&e.source);
    assert!(
        path.starts_with(server.data_dir.join("uploads")),
        "{}",
        path.display()
    );
    path
}

async fn sweep(server: &TestServer) -> u64 {
    collect_stale_entities(&server.state, Duration::ZERO)
        .await
        .unwrap()
}

#[tokio::test]
async fn deleted_files_and_versions_lose_their_blobs_after_the_grace_period() {
    let (server, ann) = setup().await;
    upload(&server, &ann, "cloudreve://my/gone.txt", b"bye", false).await;
    let e = primary(&server, &ann, "cloudreve://my/gone.txt").await;
    let path = blob_path(&server, &e).await;
    assert!(path.exists());
    // Live entities are never collected.
    assert_eq!(sweep(&server).await, 0);
    assert!(path.exists());

    let r = delete(
        &server,
        &ann,
        json!({"uris": ["cloudreve://my/gone.txt"], "skip_soft_delete": true}),
    )
    .await;
    assert_eq!(r["code"], 0, "{r}");
    // Within the grace period (what the periodic job uses) the blob and row stay.
    assert_eq!(collect(&server.state).await.unwrap(), 0);
    assert!(path.exists());
    assert!(entity_row(&server, &e).await.is_some());
    // Past it: row and blob are gone.
    assert_eq!(sweep(&server).await, 1);
    assert!(!path.exists());
    assert!(entity_row(&server, &e).await.is_none());
    assert_eq!(sweep(&server).await, 0);

    // A deleted version is recycled too; the kept ones are untouched.
    let uri = "cloudreve://my/v.txt";
    upload(&server, &ann, uri, b"old", false).await;
    let old = primary(&server, &ann, uri).await;
    let r = put_content(&server, &ann, uri, Some(&old), b"new").await;
    assert_eq!(r["code"], 0, "{r}");
    let new = primary(&server, &ann, uri).await;
    let (old_path, new_path) = (
        blob_path(&server, &old).await,
        blob_path(&server, &new).await,
    );
    let r = version_call(&server, &ann, Method::DELETE, uri, &old).await;
    assert_eq!(r["code"], 0, "{r}");
    assert_eq!(sweep(&server).await, 1);
    assert!(!old_path.exists());
    assert!(new_path.exists());
    assert_eq!(download(&server, &ann, uri, None).await, b"new");
}

#[tokio::test]
async fn unlinked_files_keep_their_blobs() {
    let (server, ann) = setup().await;
    update_group(&server, |g| {
        let mut perms = Boolset::from_bytes(g.permissions.clone().unwrap());
        perms.set(group_perm::ADVANCE_DELETE);
        g.permissions = Set(perms.into_bytes());
    })
    .await;
    upload(&server, &ann, "cloudreve://my/keep.bin", b"keep", false).await;
    let e = primary(&server, &ann, "cloudreve://my/keep.bin").await;
    let path = blob_path(&server, &e).await;
    let r = delete(
        &server,
        &ann,
        json!({"uris": ["cloudreve://my/keep.bin"], "unlink": true}),
    )
    .await;
    assert_eq!(r["code"], 0, "{r}");
    assert_eq!(storage(&server, &ann).await, 0);
    // The row goes, the blob stays.
    assert_eq!(sweep(&server).await, 1);
    assert!(entity_row(&server, &e).await.is_none());
    assert_eq!(std::fs::read(&path).unwrap(), b"keep");
}

#[tokio::test]
async fn a_shared_blob_lives_until_its_last_reference_goes() {
    let (server, ann) = setup().await;
    upload(&server, &ann, "cloudreve://my/a/orig.txt", b"shared", false).await;
    let e = primary(&server, &ann, "cloudreve://my/a/orig.txt").await;
    let path = blob_path(&server, &e).await;
    let created = server
        .send_as(
            Method::POST,
            "/file/create",
            &ann.access_token,
            &json!({"uri": "cloudreve://my/b", "type": "folder"}),
        )
        .await;
    assert_eq!(created["code"], 0, "{created}");
    let r = server
        .send_as(
            Method::POST,
            "/file/move",
            &ann.access_token,
            &json!({"uris": ["cloudreve://my/a/orig.txt"], "dst": "cloudreve://my/b", "copy": true}),
        )
        .await;
    assert_eq!(r["code"], 0, "{r}");
    assert_eq!(primary(&server, &ann, "cloudreve://my/b/orig.txt").await, e);

    let r = delete(
        &server,
        &ann,
        json!({"uris": ["cloudreve://my/a/orig.txt"], "skip_soft_delete": true}),
    )
    .await;
    assert_eq!(r["code"], 0, "{r}");
    assert_eq!(sweep(&server).await, 0);
    assert!(path.exists());
    assert_eq!(
        download(&server, &ann, "cloudreve://my/b/orig.txt", None).await,
        b"shared"
    );

    let r = delete(
        &server,
        &ann,
        json!({"uris": ["cloudreve://my/b/orig.txt"], "skip_soft_delete": true}),
    )
    .await;
    assert_eq!(r["code"], 0, "{r}");
    assert_eq!(sweep(&server).await, 1);
    assert!(!path.exists());
    assert_eq!(storage(&server, &ann).await, 0);
}
