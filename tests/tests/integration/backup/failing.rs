//! A target that refuses a write fails the run with the storage's words, and leaves the
//! records written before it whole.

use reqwest::Method;
use sea_orm::{ColumnTrait, EntityTrait, QueryFilter};
use serde_json::json;
use stratus_entity::{entity, file};
use stratus_server::backup::layout;
use stratus_tests::TestServer;

use super::runs::{member_with_docs, upload};
use super::{blobs, docs_task, manifest, manifests, run};
use crate::admin::{admin, ok};

#[tokio::test]
async fn a_failing_target_fails_the_run_and_keeps_earlier_records() {
    let server = TestServer::start().await;
    let boss = admin(&server, "boss@example.com").await;
    let (alice, uid) = member_with_docs(&server, "alice@example.com", 3).await;
    let dir = tempfile::tempdir().unwrap();
    let (_t, id) = docs_task(&server, &boss, dir.path(), uid).await;
    let first = run(&server, &boss, id).await;
    assert_eq!(first["status"], "completed", "{first}");
    let kept = blobs(dir.path());

    // The place of the next blob is taken by a folder: the target refuses to write it.
    upload(
        &server,
        &alice,
        "cloudreve://my/docs/new.txt",
        b"new content",
        false,
    )
    .await;
    let db = &server.state.db;
    let f = file::Entity::find()
        .filter(file::Column::Name.eq("new.txt"))
        .one(db)
        .await
        .unwrap()
        .unwrap();
    let e = entity::Entity::find_by_id(f.primary_entity.unwrap())
        .one(db)
        .await
        .unwrap()
        .unwrap();
    let key = layout::blob_key(&layout::blob_name(e.storage_policy_id, &e.source));
    std::fs::create_dir_all(dir.path().join(&key).join("in-the-way")).unwrap();

    let second = run(&server, &boss, id).await;
    assert_eq!(second["status"], "failed", "{second}");
    let error = second["error"].as_str().unwrap();
    assert!(error.starts_with("writing to the target: "), "{error}");
    let detail = ok(
        &server,
        &boss,
        Method::GET,
        &format!("/admin/backup/record/{}", second["id"]),
        json!({}),
    )
    .await;
    assert!(
        detail["log"]
            .as_str()
            .unwrap()
            .contains("failed: writing to the target"),
        "{detail}"
    );
    // The first record is whole; the failed one left no manifest.
    assert_eq!(
        manifests(dir.path()),
        vec![first["name"].as_str().unwrap().to_owned()]
    );
    assert_eq!(blobs(dir.path()), kept);
    let lines = manifest(dir.path(), first["name"].as_str().unwrap());
    assert_eq!(
        lines.iter().filter(|l| l["type"] == "blob").count(),
        kept.len()
    );
}
