//! `POST /workflow/relocate`: every version blob of the caller's files copied to another
//! policy, switched over, the old blob gone; only the owner, only an allowed policy.

use std::path::{Path, PathBuf};

use reqwest::Method;
use sea_orm::{ActiveModelTrait, ColumnTrait, EntityTrait, IntoActiveModel, QueryFilter};
use serde_json::{Value, json};
use stratus_entity::{entity, file, file_entity, storage_policy, task};
use stratus_server::ids::IdKind;
use stratus_tests::{Session, TestServer, s3::S3Server};

use super::wait_task;
use crate::{
    admin::{admin, member},
    backup::runs::upload,
    storage_s3,
};

/// Every blob of the files named `name`.
async fn blobs(server: &TestServer, name: &str) -> Vec<entity::Model> {
    let db = &server.state.db;
    let f = file::Entity::find()
        .filter(file::Column::Name.eq(name))
        .one(db)
        .await
        .unwrap()
        .expect("file row");
    let links = file_entity::Entity::find()
        .filter(file_entity::Column::FileId.eq(f.id))
        .find_also_related(entity::Entity)
        .all(db)
        .await
        .unwrap();
    links.into_iter().filter_map(|(_, e)| e).collect()
}

fn local_path(server: &TestServer, key: &str) -> PathBuf {
    let key = Path::new(key);
    if key.is_absolute() {
        key.to_path_buf()
    } else {
        server.data_dir.join("uploads").join(key)
    }
}

/// A second local policy, with names of its own.
async fn second_local(server: &TestServer) -> i64 {
    let first = storage_policy::Entity::find_by_id(1)
        .one(&server.state.db)
        .await
        .unwrap()
        .unwrap();
    storage_policy::ActiveModel {
        id: sea_orm::ActiveValue::NotSet,
        name: sea_orm::ActiveValue::Set("second".into()),
        dir_name_rule: sea_orm::ActiveValue::Set("relocated/{uid}".into()),
        file_name_rule: sea_orm::ActiveValue::Set("{uuid}_{originname}".into()),
        ..first.into_active_model()
    }
    .insert(&server.state.db)
    .await
    .unwrap()
    .id
}

async fn relocate(server: &TestServer, s: &Session, src: &[&str], policy: i64) -> Value {
    server
        .send_as(
            Method::POST,
            "/workflow/relocate",
            &s.access_token,
            &json!({"src": src, "dst_policy_id": policy}),
        )
        .await
}

async fn relocate_tasks(server: &TestServer) -> Vec<task::Model> {
    task::Entity::find()
        .filter(task::Column::Type.eq("relocate"))
        .all(&server.state.db)
        .await
        .unwrap()
}

async fn run_to_end(server: &TestServer) -> task::Model {
    let row = relocate_tasks(server).await.pop().expect("a relocate task");
    wait_task(server, row.id, "completed", |t| t.status == "completed").await
}

fn pattern(len: usize, seed: u8) -> Vec<u8> {
    (0..len)
        .map(|i| ((i / 7) as u8).wrapping_mul(31).wrapping_add(seed))
        .collect()
}

#[tokio::test]
async fn every_version_moves_to_a_second_local_policy() {
    let server = TestServer::start().await;
    let boss = admin(&server, "boss@example.com").await;
    let big = pattern(400_000, 3);
    upload(&server, &boss, "cloudreve://my/a/one.txt", b"first", false).await;
    upload(&server, &boss, "cloudreve://my/a/one.txt", &big, true).await;
    upload(&server, &boss, "cloudreve://my/a/b/two.bin", b"two", false).await;
    let before: Vec<_> = [
        blobs(&server, "one.txt").await,
        blobs(&server, "two.bin").await,
    ]
    .concat();
    assert_eq!(before.len(), 3);
    let second = second_local(&server).await;

    let queued = relocate(&server, &boss, &["cloudreve://my/a"], second).await;
    assert_eq!(queued["code"], 0, "{queued}");
    let done = run_to_end(&server).await;
    let progress: Value = serde_json::from_str(&done.progress).unwrap();
    assert_eq!(progress["relocate"]["current"], 3, "{progress}");
    assert_eq!(progress["relocate"]["total"], 3, "{progress}");

    let after: Vec<_> = [
        blobs(&server, "one.txt").await,
        blobs(&server, "two.bin").await,
    ]
    .concat();
    for (old, new) in before.iter().zip(&after) {
        assert_eq!(old.id, new.id);
        assert_eq!(new.storage_policy_id, second);
        assert_ne!(old.source, new.source);
        assert!(!local_path(&server, &old.source).exists(), "old blob gone");
        assert!(local_path(&server, &new.source).exists());
    }
    assert_eq!(
        server.download(&boss, "cloudreve://my/a/one.txt").await,
        big
    );
    assert_eq!(
        server.download(&boss, "cloudreve://my/a/b/two.bin").await,
        b"two"
    );
    // Nothing is left over: no row names an old blob.
    let stale = entity::Entity::find()
        .filter(entity::Column::ReferenceCount.eq(0))
        .all(&server.state.db)
        .await
        .unwrap();
    assert!(stale.is_empty(), "{stale:?}");
}

#[tokio::test]
async fn blobs_move_from_local_disk_to_a_bucket() {
    let s3 = S3Server::start();
    let server = TestServer::start().await;
    let boss = admin(&server, "boss@example.com").await;
    let data = pattern(300_000, 9);
    upload(&server, &boss, "cloudreve://my/f.bin", &data, false).await;
    let old = blobs(&server, "f.bin").await.pop().unwrap();
    let bucket = storage_policy::ActiveModel {
        id: sea_orm::ActiveValue::NotSet,
        ..storage_s3::policy(&s3, json!({})).into_active_model()
    }
    .insert(&server.state.db)
    .await
    .unwrap();

    let queued = relocate(&server, &boss, &["cloudreve://my/f.bin"], bucket.id).await;
    assert_eq!(queued["code"], 0, "{queued}");
    run_to_end(&server).await;
    let new = blobs(&server, "f.bin").await.pop().unwrap();
    assert_eq!(new.storage_policy_id, bucket.id);
    assert!(!local_path(&server, &old.source).exists(), "old blob gone");
    assert_eq!(
        std::fs::read(s3.bucket_dir.join(&new.source)).unwrap(),
        data,
        "the object is in the bucket"
    );
    assert_eq!(server.download(&boss, "cloudreve://my/f.bin").await, data);
}

#[tokio::test]
async fn only_the_owner_relocates_and_only_to_an_allowed_policy() {
    let server = TestServer::start().await;
    let ann = member(&server, "ann@example.com").await;
    let bob = member(&server, "bob@example.com").await;
    upload(&server, &ann, "cloudreve://my/x.txt", b"ann's", false).await;
    let before = blobs(&server, "x.txt").await;
    let second = second_local(&server).await;

    // Bob reaches nothing of Ann's.
    let ann_uri = format!("cloudreve://{}@my/x.txt", ann.user["id"].as_str().unwrap());
    for src in ["cloudreve://my/x.txt", ann_uri.as_str()] {
        let refused = relocate(&server, &bob, &[src], 1).await;
        assert_ne!(refused["code"], 0, "{src}: {refused}");
    }
    // Ann may use her group's policy only.
    let refused = relocate(&server, &ann, &["cloudreve://my/x.txt"], second).await;
    assert_eq!(refused["code"], 403, "{refused}");
    let refused = relocate(&server, &ann, &["cloudreve://my/x.txt"], 99).await;
    assert_eq!(refused["code"], 40035, "{refused}");
    assert!(relocate_tasks(&server).await.is_empty());
    assert_eq!(blobs(&server, "x.txt").await, before);

    // Her own file to her group's policy: nothing to move, the task completes.
    let queued = relocate(&server, &ann, &["cloudreve://my/x.txt"], 1).await;
    assert_eq!(queued["code"], 0, "{queued}");
    run_to_end(&server).await;
    assert_eq!(blobs(&server, "x.txt").await, before);
}

#[tokio::test]
async fn a_relocate_whose_instance_died_is_finished_by_another() {
    let a = TestServer::start().await;
    let boss = admin(&a, "boss@example.com").await;
    upload(&a, &boss, "cloudreve://my/one.txt", b"one", false).await;
    upload(&a, &boss, "cloudreve://my/two.txt", b"two", false).await;
    let second = second_local(&a).await;
    let dst = storage_policy::Entity::find_by_id(second)
        .one(&a.state.db)
        .await
        .unwrap()
        .unwrap();
    let old_two = blobs(&a, "two.txt").await.pop().unwrap();
    // A worker that is gone had moved the first blob, then its lease ran out.
    let first = blobs(&a, "one.txt").await.pop().unwrap();
    assert!(
        stratus_server::relocate::blob::relocate(&a.state, &first, &dst, "one.txt")
            .await
            .unwrap()
    );
    let now = chrono::Utc::now();
    let boss_id = a
        .state
        .ids
        .decode(boss.user["id"].as_str().unwrap(), IdKind::User)
        .unwrap();
    let state = json!({"src": ["cloudreve://my/one.txt", "cloudreve://my/two.txt"],
                       "dst_policy_id": second});
    let row = task::ActiveModel {
        created_at: sea_orm::Set(now),
        updated_at: sea_orm::Set(now),
        r#type: sea_orm::Set("relocate".into()),
        status: sea_orm::Set("processing".into()),
        public_state: sea_orm::Set(json!({})),
        private_state: sea_orm::Set(state.to_string()),
        user_id: sea_orm::Set(Some(boss_id)),
        claimed_by: sea_orm::Set(Some("stratus-gone".into())),
        queue: sea_orm::Set("io_intense".into()),
        lease_until: sea_orm::Set(Some(now - chrono::Duration::seconds(1))),
        progress: sea_orm::Set(String::new()),
        log: sea_orm::Set(String::new()),
        ..Default::default()
    }
    .insert(&a.state.db)
    .await
    .unwrap();
    // A second instance on the same database; either takes the task up.
    let b = a.sibling().await;
    let done = wait_task(&b, row.id, "completed", |t| t.status == "completed").await;
    assert!(done.log.contains("moved 1 blob(s)"), "{}", done.log);
    for name in ["one.txt", "two.txt"] {
        let e = blobs(&a, name).await.pop().unwrap();
        assert_eq!(e.storage_policy_id, second, "{name}");
    }
    assert!(!local_path(&a, &old_two.source).exists());
    assert_eq!(b.download(&boss, "cloudreve://my/one.txt").await, b"one");
    assert_eq!(b.download(&boss, "cloudreve://my/two.txt").await, b"two");
}
