//! `POST /workflow/import`: a folder under a local policy's root indexed into a user's drive
//! without copying bytes; clashes skipped and logged; administrators only; `src` kept inside
//! the root.

use std::{path::PathBuf, time::Duration};

use reqwest::Method;
use sea_orm::{ColumnTrait, EntityTrait, QueryFilter, QueryOrder};
use serde_json::{Value, json};
use stratus_entity::task;
use stratus_server::ids::IdKind;
use stratus_tests::{Session, TestServer};

use super::wait_task;
use crate::admin::{admin, member};

fn root(server: &TestServer) -> PathBuf {
    server.data_dir.join("uploads")
}

async fn import(server: &TestServer, s: &Session, body: Value) -> Value {
    server
        .send_as(Method::POST, "/workflow/import", &s.access_token, &body)
        .await
}

async fn tasks(server: &TestServer) -> Vec<task::Model> {
    task::Entity::find()
        .filter(task::Column::Type.eq("import"))
        .order_by_asc(task::Column::Id)
        .all(&server.state.db)
        .await
        .unwrap()
}

#[tokio::test]
async fn a_folder_is_imported_without_copying_and_clashes_are_skipped() {
    let server = TestServer::start().await;
    let boss = admin(&server, "boss@example.com").await;
    let ann = member(&server, "ann@example.com").await;
    let ann_id = server
        .state
        .ids
        .decode(ann.user["id"].as_str().unwrap(), IdKind::User);
    let ann_id = ann_id.unwrap();
    let src = root(&server).join("imports");
    std::fs::create_dir_all(src.join("sub/deeper")).unwrap();
    // Empty folders are imported too.
    std::fs::create_dir_all(src.join("empty")).unwrap();
    std::fs::create_dir_all(src.join("sub/none")).unwrap();
    let big: Vec<u8> = (0..300_000u32).map(|i| (i * 7 % 251) as u8).collect();
    std::fs::write(src.join("a.txt"), b"hello import").unwrap();
    std::fs::write(src.join("clash.txt"), b"on disk").unwrap();
    std::fs::write(src.join("sub/b.bin"), &big).unwrap();
    std::fs::write(src.join("sub/deeper/c.txt"), b"deep").unwrap();
    // Ann already has `clash.txt` where the import goes.
    let created = server
        .send_as(
            Method::POST,
            "/file/create",
            &ann.access_token,
            &json!({"uri": "cloudreve://my/imported/clash.txt", "type": "file"}),
        )
        .await;
    assert_eq!(created["code"], 0, "{created}");

    let queued = import(
        &server,
        &boss,
        json!({"src": "imports", "dst": "/imported", "user_id": ann.user["id"],
               "recursive": true, "policy_id": 1}),
    )
    .await;
    assert_eq!(queued["code"], 0, "{queued}");
    let row = tasks(&server).await.pop().unwrap();
    assert_eq!(row.user_id, Some(ann_id));
    let done = wait_task(&server, row.id, "completed", |t| t.status == "completed").await;
    assert!(
        done.log.contains("skipped clash.txt: the name is taken"),
        "{}",
        done.log
    );
    let progress: Value = serde_json::from_str(&done.progress).unwrap();
    assert_eq!(progress["indexed"]["current"], 4, "{progress}");
    assert_eq!(progress["imported"]["current"], 3, "{progress}");

    assert_eq!(
        server.names_in(&ann, "cloudreve://my/imported").await,
        ["a.txt", "clash.txt", "empty", "sub"]
    );
    assert_eq!(
        server.names_in(&ann, "cloudreve://my/imported/sub").await,
        ["b.bin", "deeper", "none"]
    );
    assert!(
        server
            .names_in(&ann, "cloudreve://my/imported/empty")
            .await
            .is_empty()
    );
    assert_eq!(
        server.download(&ann, "cloudreve://my/imported/a.txt").await,
        b"hello import"
    );
    assert_eq!(
        server
            .download(&ann, "cloudreve://my/imported/sub/b.bin")
            .await,
        big
    );
    assert_eq!(
        server
            .download(&ann, "cloudreve://my/imported/sub/deeper/c.txt")
            .await,
        b"deep"
    );
    // The clash kept Ann's own (empty) file.
    assert!(
        server
            .download(&ann, "cloudreve://my/imported/clash.txt")
            .await
            .is_empty()
    );
    // Charged to Ann, and nothing copied: the files are where they were.
    let size = 12 + big.len() as i64 + 4;
    assert_eq!(server.storage_of(ann_id).await, size);
    assert_eq!(std::fs::read(src.join("a.txt")).unwrap(), b"hello import");

    // Stratus owns imported blobs: deleting one in the drive deletes it on disk.
    let deleted = server
        .send_as(
            Method::DELETE,
            "/file",
            &ann.access_token,
            &json!({"uris": ["cloudreve://my/imported/a.txt"], "skip_soft_delete": true}),
        )
        .await;
    assert_eq!(deleted["code"], 0, "{deleted}");
    stratus_server::fs::recycle::collect_stale_entities(&server.state, Duration::ZERO)
        .await
        .unwrap();
    assert!(!src.join("a.txt").exists());
    assert!(src.join("clash.txt").exists(), "not imported, not touched");
}

#[tokio::test]
async fn only_admins_import_and_only_from_inside_the_root() {
    let server = TestServer::start().await;
    let boss = admin(&server, "boss@example.com").await;
    let ann = member(&server, "ann@example.com").await;
    std::fs::create_dir_all(root(&server).join("ok")).unwrap();
    let outside = tempfile::tempdir().unwrap();
    std::os::unix::fs::symlink(outside.path(), root(&server).join("escape")).unwrap();
    let body =
        |src: &str| json!({"src": src, "dst": "/x", "user_id": ann.user["id"], "policy_id": 1});

    let refused = import(&server, &ann, body("ok")).await;
    assert_eq!(refused["code"], 403, "{refused}");
    for src in [
        "../",
        "ok/../../",
        "/etc",
        outside.path().to_str().unwrap(),
        "escape",
        "missing",
    ] {
        let refused = import(&server, &boss, body(src)).await;
        assert_eq!(refused["code"], 40001, "{src}: {refused}");
    }
    let no_policy = import(
        &server,
        &boss,
        json!({"src": "ok", "dst": "/x", "user_id": ann.user["id"], "policy_id": 99}),
    )
    .await;
    assert_eq!(no_policy["code"], 40035, "{no_policy}");
    assert!(tasks(&server).await.is_empty(), "nothing was queued");
}
