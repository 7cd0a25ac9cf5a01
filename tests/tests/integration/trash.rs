//! `DELETE /file`, `POST /file/restore`, `DELETE /file/trash` and the trash retention job.

use std::time::Duration;

use reqwest::Method;
use sea_orm::{
    ActiveModelTrait, ActiveValue::Set, ColumnTrait, EntityTrait, IntoActiveModel, PaginatorTrait,
    QueryFilter,
};
use serde_json::{Value, json};
use stratus_entity::{entity, file, file_entity, group, metadata, user};
use stratus_server::{
    boolset::{Boolset, group_perm},
    fs::{
        lock::{self, Depth, LockPath, LockRequest, Scope},
        trash,
    },
    ids::IdKind,
};
use stratus_tests::{Session, TestServer, query_escape};

const PW: &str = "password123";
const RESTORE_URI: &str = "sys:restore_uri";
const COLLECT_TIME: &str = "sys:expected_collect_time";

async fn setup() -> (TestServer, Session) {
    let server = TestServer::start().await;
    server.create_user("ann@example.com", PW).await;
    let ann = server.login("ann@example.com", PW).await;
    (server, ann)
}

async fn create(server: &TestServer, s: &Session, uri: &str, kind: &str) -> Value {
    let body = server
        .send_as(
            Method::POST,
            "/file/create",
            &s.access_token,
            &json!({"uri": uri, "type": kind}),
        )
        .await;
    assert_eq!(body["code"], 0, "create {uri}: {body}");
    body
}

async fn delete(server: &TestServer, s: &Session, body: Value) -> Value {
    server
        .send_as(Method::DELETE, "/file", &s.access_token, &body)
        .await
}

async fn restore(server: &TestServer, s: &Session, uris: &[&str]) -> Value {
    server
        .send_as(
            Method::POST,
            "/file/restore",
            &s.access_token,
            &json!({ "uris": uris }),
        )
        .await
}

async fn info(server: &TestServer, s: &Session, uri: &str) -> Value {
    let q = format!("/file/info?uri={}", query_escape(uri));
    server.get_as(&q, &s.access_token).await
}

async fn list(server: &TestServer, s: &Session, uri: &str) -> Value {
    let q = format!("/file?uri={}", query_escape(uri));
    let body = server.get_as(&q, &s.access_token).await;
    assert_eq!(body["code"], 0, "list {uri}: {body}");
    body["data"].clone()
}

fn user_id(server: &TestServer, s: &Session) -> i64 {
    server
        .state
        .ids
        .decode(s.user["id"].as_str().unwrap(), IdKind::User)
        .unwrap()
}

/// The id of the object at `uri` (as its owner sees it).
async fn id_of(server: &TestServer, s: &Session, uri: &str) -> i64 {
    let body = info(server, s, uri).await;
    assert_eq!(body["code"], 0, "info {uri}: {body}");
    server
        .state
        .ids
        .decode(body["data"]["id"].as_str().unwrap(), IdKind::File)
        .unwrap()
}

async fn file_row(server: &TestServer, id: i64) -> Option<file::Model> {
    file::Entity::find_by_id(id)
        .one(&server.state.db)
        .await
        .unwrap()
}

async fn meta_of(server: &TestServer, file_id: i64, key: &str) -> Option<metadata::Model> {
    metadata::Entity::find()
        .filter(metadata::Column::FileId.eq(file_id))
        .filter(metadata::Column::Name.eq(key))
        .one(&server.state.db)
        .await
        .unwrap()
}

/// The trash URI of a trashed row.
async fn trash_uri(server: &TestServer, id: i64) -> String {
    let row = file_row(server, id).await.expect("trashed row");
    assert_eq!(row.parent_id, None, "not in the trash: {row:?}");
    format!("cloudreve://trash/{}", row.name)
}

async fn blob(server: &TestServer, id: i64) -> entity::Model {
    entity::Entity::find_by_id(id)
        .one(&server.state.db)
        .await
        .unwrap()
        .unwrap()
}

async fn storage_of(server: &TestServer, uid: i64) -> i64 {
    user::Entity::find_by_id(uid)
        .one(&server.state.db)
        .await
        .unwrap()
        .unwrap()
        .storage
}

#[tokio::test]
async fn soft_delete_moves_to_the_trash_and_restore_brings_it_back() {
    let (server, ann) = setup().await;
    create(&server, &ann, "cloudreve://my/Docs/sub/a.txt", "file").await;
    create(&server, &ann, "cloudreve://my/Docs/b.txt", "file").await;
    let docs = id_of(&server, &ann, "cloudreve://my/Docs").await;
    let sub = id_of(&server, &ann, "cloudreve://my/Docs/sub").await;

    let before = chrono::Utc::now().timestamp();
    let deleted = delete(&server, &ann, json!({"uris": ["cloudreve://my/Docs"]})).await;
    assert_eq!(deleted, json!({"code": 0, "msg": ""}));
    assert_eq!(
        info(&server, &ann, "cloudreve://my/Docs").await["code"],
        404
    );

    // The row is detached under a UUID name; its children stay below it.
    let row = file_row(&server, docs).await.unwrap();
    assert_eq!(row.parent_id, None);
    assert!(uuid::Uuid::parse_str(&row.name).is_ok(), "{}", row.name);
    assert_eq!(file_row(&server, sub).await.unwrap().parent_id, Some(docs));
    let restore_uri = meta_of(&server, docs, RESTORE_URI).await.unwrap();
    assert_eq!(restore_uri.value, "cloudreve://my/Docs");
    assert!(restore_uri.is_public);
    let collect: i64 = meta_of(&server, docs, COLLECT_TIME)
        .await
        .unwrap()
        .value
        .parse()
        .unwrap();
    let now = chrono::Utc::now().timestamp();
    assert!(
        (before + 604_800..=now + 604_800).contains(&collect),
        "{collect}"
    );

    // The trash lists it under its original name, with the sys: metadata.
    let uri = trash_uri(&server, docs).await;
    let listed = list(&server, &ann, "cloudreve://trash").await;
    let files = listed["files"].as_array().unwrap();
    assert_eq!(files.len(), 1, "{listed}");
    assert_eq!(files[0]["name"], "Docs");
    assert_eq!(files[0]["path"], uri.as_str());
    assert_eq!(files[0]["metadata"][RESTORE_URI], "cloudreve://my/Docs");
    assert_eq!(files[0]["metadata"][COLLECT_TIME], collect.to_string());
    // Its content is reachable inside the trash.
    assert_eq!(
        info(&server, &ann, &format!("{uri}/sub/a.txt")).await["code"],
        0
    );

    let restored = restore(&server, &ann, &[&uri]).await;
    assert_eq!(restored, json!({"code": 0, "msg": ""}));
    assert_eq!(id_of(&server, &ann, "cloudreve://my/Docs").await, docs);
    assert_eq!(
        info(&server, &ann, "cloudreve://my/Docs/sub/a.txt").await["code"],
        0
    );
    assert_eq!(
        info(&server, &ann, "cloudreve://my/Docs/b.txt").await["code"],
        0
    );
    assert!(meta_of(&server, docs, RESTORE_URI).await.is_none());
    assert!(meta_of(&server, docs, COLLECT_TIME).await.is_none());
    assert!(
        list(&server, &ann, "cloudreve://trash").await["files"]
            .as_array()
            .unwrap()
            .is_empty()
    );
}

#[tokio::test]
async fn restore_recreates_missing_parents_and_renames_on_clash() {
    let (server, ann) = setup().await;
    create(&server, &ann, "cloudreve://my/A/B/f.txt", "file").await;
    let f = id_of(&server, &ann, "cloudreve://my/A/B/f.txt").await;
    assert_eq!(
        delete(&server, &ann, json!({"uris": ["cloudreve://my/A/B/f.txt"]})).await["code"],
        0
    );
    // The original folders disappear for good.
    let gone = delete(
        &server,
        &ann,
        json!({"uris": ["cloudreve://my/A"], "skip_soft_delete": true}),
    )
    .await;
    assert_eq!(gone["code"], 0, "{gone}");
    assert_eq!(info(&server, &ann, "cloudreve://my/A").await["code"], 404);

    let uri = trash_uri(&server, f).await;
    assert_eq!(restore(&server, &ann, &[&uri]).await["code"], 0);
    assert_eq!(id_of(&server, &ann, "cloudreve://my/A/B/f.txt").await, f);
    assert_eq!(
        info(&server, &ann, "cloudreve://my/A/B").await["data"]["type"],
        1
    );

    // The name was taken meanwhile: the item comes back as `x (1).txt`, then `x (2).txt`.
    for n in 1..=2 {
        create(&server, &ann, "cloudreve://my/x.txt", "file").await;
        let first = id_of(&server, &ann, "cloudreve://my/x.txt").await;
        delete(&server, &ann, json!({"uris": ["cloudreve://my/x.txt"]})).await;
        create(&server, &ann, "cloudreve://my/x.txt", "file").await;
        let uri = trash_uri(&server, first).await;
        assert_eq!(restore(&server, &ann, &[&uri]).await["code"], 0);
        let renamed = format!("cloudreve://my/x%20({n}).txt");
        assert_eq!(id_of(&server, &ann, &renamed).await, first);
        delete(
            &server,
            &ann,
            json!({"uris": ["cloudreve://my/x.txt"], "skip_soft_delete": true}),
        )
        .await;
    }
    // Folders get the suffix after the whole name.
    create(&server, &ann, "cloudreve://my/v1.0", "folder").await;
    let folder = id_of(&server, &ann, "cloudreve://my/v1.0").await;
    delete(&server, &ann, json!({"uris": ["cloudreve://my/v1.0"]})).await;
    create(&server, &ann, "cloudreve://my/v1.0", "folder").await;
    let uri = trash_uri(&server, folder).await;
    assert_eq!(restore(&server, &ann, &[&uri]).await["code"], 0);
    assert_eq!(
        id_of(&server, &ann, "cloudreve://my/v1.0%20(1)").await,
        folder
    );

    // A file standing where a parent folder must be recreated blocks the restore.
    create(&server, &ann, "cloudreve://my/P/q.txt", "file").await;
    let q = id_of(&server, &ann, "cloudreve://my/P/q.txt").await;
    delete(&server, &ann, json!({"uris": ["cloudreve://my/P/q.txt"]})).await;
    delete(
        &server,
        &ann,
        json!({"uris": ["cloudreve://my/P"], "skip_soft_delete": true}),
    )
    .await;
    create(&server, &ann, "cloudreve://my/P", "file").await;
    let uri = trash_uri(&server, q).await;
    assert_eq!(restore(&server, &ann, &[&uri]).await["code"], 40004);
    assert_eq!(file_row(&server, q).await.unwrap().parent_id, None);
}

#[tokio::test]
async fn restore_refuses_what_is_not_a_trashed_item() {
    let (server, ann) = setup().await;
    create(&server, &ann, "cloudreve://my/F/in.txt", "file").await;
    let folder = id_of(&server, &ann, "cloudreve://my/F").await;
    // Restoring needs the trash filesystem.
    assert_eq!(
        restore(&server, &ann, &["cloudreve://my/F"]).await["code"],
        403
    );
    delete(&server, &ann, json!({"uris": ["cloudreve://my/F"]})).await;
    let uri = trash_uri(&server, folder).await;
    // Only the top of a trashed tree carries its restore location.
    assert_eq!(
        restore(&server, &ann, &[&format!("{uri}/in.txt")]).await["code"],
        40001
    );
    assert_eq!(
        restore(&server, &ann, &["cloudreve://trash"]).await["code"],
        40053
    );
    assert_eq!(
        restore(&server, &ann, &["cloudreve://trash/nothing-here"]).await["code"],
        404
    );
    assert_eq!(restore(&server, &ann, &["not a uri"]).await["code"], 40001);
    assert_eq!(
        server
            .send_as(
                Method::POST,
                "/file/restore",
                &ann.access_token,
                &json!({"uris": []})
            )
            .await["code"],
        40001
    );
}

#[tokio::test]
async fn permanent_delete_releases_entities_and_storage() {
    let (server, ann) = setup().await;
    let uid = user_id(&server, &ann);
    create(&server, &ann, "cloudreve://my/tree/a.bin", "file").await;
    create(&server, &ann, "cloudreve://my/tree/sub/b.bin", "file").await;
    create(
        &server,
        &ann,
        "cloudreve://my/tree/sub/deeper/c.bin",
        "file",
    )
    .await;
    create(&server, &ann, "cloudreve://my/tree/copies", "folder").await;
    create(&server, &ann, "cloudreve://my/other", "folder").await;
    let a = server
        .attach_blob(id_of(&server, &ann, "cloudreve://my/tree/a.bin").await, 100)
        .await;
    let b = server
        .attach_blob(
            id_of(&server, &ann, "cloudreve://my/tree/sub/b.bin").await,
            200,
        )
        .await;
    let c = server
        .attach_blob(
            id_of(&server, &ann, "cloudreve://my/tree/sub/deeper/c.bin").await,
            300,
        )
        .await;
    // a.bin is copied inside the tree (both links go), b.bin outside it (one link stays).
    for (src, dst) in [
        ("cloudreve://my/tree/a.bin", "cloudreve://my/tree/copies"),
        ("cloudreve://my/tree/sub/b.bin", "cloudreve://my/other"),
    ] {
        let copied = server
            .send_as(
                Method::POST,
                "/file/move",
                &ann.access_token,
                &json!({"uris": [src], "dst": dst, "copy": true}),
            )
            .await;
        assert_eq!(copied["code"], 0, "{copied}");
    }
    assert_eq!(blob(&server, a.id).await.reference_count, 2);
    assert_eq!(blob(&server, b.id).await.reference_count, 2);
    assert_eq!(storage_of(&server, uid).await, 900);

    let tree = id_of(&server, &ann, "cloudreve://my/tree").await;
    let mut ids = vec![tree];
    for uri in [
        "cloudreve://my/tree/a.bin",
        "cloudreve://my/tree/sub",
        "cloudreve://my/tree/sub/b.bin",
        "cloudreve://my/tree/sub/deeper",
        "cloudreve://my/tree/sub/deeper/c.bin",
        "cloudreve://my/tree/copies",
        "cloudreve://my/tree/copies/a.bin",
    ] {
        ids.push(id_of(&server, &ann, uri).await);
    }
    let deleted = delete(
        &server,
        &ann,
        json!({"uris": ["cloudreve://my/tree"], "skip_soft_delete": true}),
    )
    .await;
    assert_eq!(deleted, json!({"code": 0, "msg": ""}));

    let db = &server.state.db;
    let left = file::Entity::find()
        .filter(file::Column::Id.is_in(ids.clone()))
        .count(db)
        .await
        .unwrap();
    assert_eq!(left, 0);
    let links = file_entity::Entity::find()
        .filter(file_entity::Column::FileId.is_in(ids))
        .count(db)
        .await
        .unwrap();
    assert_eq!(links, 0);
    // Both links of a.bin's blob went; b.bin's copy still holds one.
    let (a, b, c) = (
        blob(&server, a.id).await,
        blob(&server, b.id).await,
        blob(&server, c.id).await,
    );
    assert_eq!(
        (a.reference_count, b.reference_count, c.reference_count),
        (0, 1, 0)
    );
    assert_eq!(a.recycle_options, None);
    assert_eq!(storage_of(&server, uid).await, 200);
    assert_eq!(
        info(&server, &ann, "cloudreve://my/other/b.bin").await["code"],
        0
    );
    assert!(
        list(&server, &ann, "cloudreve://trash").await["files"]
            .as_array()
            .unwrap()
            .is_empty()
    );
}

#[tokio::test]
async fn trashed_items_are_purged_one_by_one_or_all_at_once() {
    let (server, ann) = setup().await;
    let uid = user_id(&server, &ann);
    for name in ["one", "two", "three"] {
        create(&server, &ann, &format!("cloudreve://my/{name}.bin"), "file").await;
    }
    create(&server, &ann, "cloudreve://my/dir/four.bin", "file").await;
    let mut ids = Vec::new();
    for (uri, size) in [
        ("cloudreve://my/one.bin", 10),
        ("cloudreve://my/two.bin", 20),
        ("cloudreve://my/three.bin", 30),
        ("cloudreve://my/dir/four.bin", 40),
    ] {
        let id = id_of(&server, &ann, uri).await;
        server.attach_blob(id, size).await;
        ids.push(id);
    }
    let dir = id_of(&server, &ann, "cloudreve://my/dir").await;
    let trashed = delete(
        &server,
        &ann,
        json!({"uris": ["cloudreve://my/one.bin", "cloudreve://my/two.bin", "cloudreve://my/dir"]}),
    )
    .await;
    assert_eq!(trashed["code"], 0, "{trashed}");
    // The trash still counts against the quota.
    assert_eq!(storage_of(&server, uid).await, 100);

    // Deleting a trash URI is permanent.
    let one = trash_uri(&server, ids[0]).await;
    assert_eq!(
        delete(&server, &ann, json!({"uris": [one]})).await["code"],
        0
    );
    assert!(file_row(&server, ids[0]).await.is_none());
    assert_eq!(storage_of(&server, uid).await, 90);
    // So is deleting something inside a trashed folder.
    let dir_uri = trash_uri(&server, dir).await;
    let inner = format!("{dir_uri}/four.bin");
    assert_eq!(
        delete(&server, &ann, json!({"uris": [inner]})).await["code"],
        0
    );
    assert!(file_row(&server, ids[3]).await.is_none());
    assert_eq!(storage_of(&server, uid).await, 50);

    let emptied = server
        .send_as(Method::DELETE, "/file/trash", &ann.access_token, &json!({}))
        .await;
    assert_eq!(emptied, json!({"code": 0, "msg": ""}));
    assert!(file_row(&server, ids[1]).await.is_none());
    assert!(file_row(&server, dir).await.is_none());
    assert_eq!(storage_of(&server, uid).await, 30);
    assert_eq!(
        info(&server, &ann, "cloudreve://my/three.bin").await["code"],
        0
    );
    // An empty trash empties fine.
    let again = server
        .request_as(Method::DELETE, "/file/trash", &ann.access_token)
        .send()
        .await
        .unwrap();
    assert_eq!(stratus_tests::envelope(again).await["code"], 0);
}

#[tokio::test]
async fn the_retention_job_purges_only_expired_items() {
    let (server, ann) = setup().await;
    server.create_user("bob@example.com", PW).await;
    let bob = server.login("bob@example.com", PW).await;
    create(&server, &ann, "cloudreve://my/old/inner.txt", "file").await;
    create(&server, &ann, "cloudreve://my/new.txt", "file").await;
    create(&server, &bob, "cloudreve://my/bobs.txt", "file").await;
    let old = id_of(&server, &ann, "cloudreve://my/old").await;
    let inner = id_of(&server, &ann, "cloudreve://my/old/inner.txt").await;
    let new = id_of(&server, &ann, "cloudreve://my/new.txt").await;
    let bobs = id_of(&server, &bob, "cloudreve://my/bobs.txt").await;
    server.attach_blob(inner, 5).await;
    delete(
        &server,
        &ann,
        json!({"uris": ["cloudreve://my/old", "cloudreve://my/new.txt"]}),
    )
    .await;
    delete(&server, &bob, json!({"uris": ["cloudreve://my/bobs.txt"]})).await;

    // Nothing is due yet.
    assert_eq!(trash::collect_expired(&server.state).await.unwrap(), 0);

    let past = (chrono::Utc::now().timestamp() - 10).to_string();
    for id in [old, bobs] {
        let mut row = meta_of(&server, id, COLLECT_TIME)
            .await
            .unwrap()
            .into_active_model();
        row.value = Set(past.clone());
        row.update(&server.state.db).await.unwrap();
    }
    assert_eq!(trash::collect_expired(&server.state).await.unwrap(), 2);
    assert!(file_row(&server, old).await.is_none());
    assert!(file_row(&server, inner).await.is_none());
    assert!(file_row(&server, bobs).await.is_none());
    assert_eq!(storage_of(&server, user_id(&server, &ann)).await, 0);
    // The item that is not due stays, restorable.
    assert!(file_row(&server, new).await.is_some());
    assert_eq!(trash::collect_expired(&server.state).await.unwrap(), 0);
    let uri = trash_uri(&server, new).await;
    assert_eq!(restore(&server, &ann, &[&uri]).await["code"], 0);
    assert_eq!(id_of(&server, &ann, "cloudreve://my/new.txt").await, new);
}

#[tokio::test]
async fn unlink_needs_the_advanced_delete_permission() {
    let (server, ann) = setup().await;
    let uid = user_id(&server, &ann);
    create(&server, &ann, "cloudreve://my/keep-blob.bin", "file").await;
    let f = id_of(&server, &ann, "cloudreve://my/keep-blob.bin").await;
    let b = server.attach_blob(f, 64).await;

    let refused = delete(
        &server,
        &ann,
        json!({"uris": ["cloudreve://my/keep-blob.bin"], "unlink": true}),
    )
    .await;
    assert_eq!(refused["code"], 40007, "{refused}");
    assert!(file_row(&server, f).await.unwrap().parent_id.is_some());

    // Grant the User group bit 12.
    let db = &server.state.db;
    let g = group::Entity::find_by_id(2).one(db).await.unwrap().unwrap();
    let mut perms = Boolset::from_bytes(g.permissions.clone());
    perms.set(group_perm::ADVANCE_DELETE);
    let mut active = g.into_active_model();
    active.permissions = Set(perms.into_bytes());
    active.update(db).await.unwrap();

    let unlinked = delete(
        &server,
        &ann,
        json!({"uris": ["cloudreve://my/keep-blob.bin"], "unlink": true}),
    )
    .await;
    assert_eq!(unlinked, json!({"code": 0, "msg": ""}));
    // Permanent: the record is gone, not in the trash.
    assert!(file_row(&server, f).await.is_none());
    let b = blob(&server, b.id).await;
    assert_eq!(b.reference_count, 0);
    assert_eq!(b.recycle_options, Some(json!({"unlink_only": true})));
    assert_eq!(storage_of(&server, uid).await, 0);
}

#[tokio::test]
async fn roots_batches_and_bad_requests() {
    let (server, ann) = setup().await;
    for root in ["cloudreve://my", "cloudreve://trash"] {
        let body = delete(&server, &ann, json!({"uris": [root]})).await;
        assert_eq!(body["code"], 40053, "{root}: {body}");
        let body = delete(
            &server,
            &ann,
            json!({"uris": [root], "skip_soft_delete": true}),
        )
        .await;
        assert_eq!(body["code"], 40053, "{root}: {body}");
    }

    create(&server, &ann, "cloudreve://my/a.txt", "file").await;
    create(&server, &ann, "cloudreve://my/b.txt", "file").await;
    let a = id_of(&server, &ann, "cloudreve://my/a.txt").await;
    let body = delete(
        &server,
        &ann,
        json!({"uris": ["cloudreve://my/a.txt", "cloudreve://my/ghost", "cloudreve://my/b.txt"]}),
    )
    .await;
    assert_eq!(body["code"], 40081, "{body}");
    let agg = body["aggregated_error"].as_object().unwrap();
    assert_eq!(agg.len(), 1, "{body}");
    assert_eq!(agg["cloudreve://my/ghost"]["code"], 404);
    assert_eq!(file_row(&server, a).await.unwrap().parent_id, None);
    assert_eq!(
        info(&server, &ann, "cloudreve://my/b.txt").await["code"],
        404
    );

    // Restore batches report the same way.
    let a_uri = trash_uri(&server, a).await;
    let body = restore(&server, &ann, &[&a_uri, "cloudreve://trash/ghost"]).await;
    assert_eq!(body["code"], 40081, "{body}");
    let agg = body["aggregated_error"].as_object().unwrap();
    assert_eq!(agg.len(), 1, "{body}");
    assert_eq!(agg["cloudreve://trash/ghost"]["code"], 404);
    assert_eq!(info(&server, &ann, "cloudreve://my/a.txt").await["code"], 0);

    server
        .state
        .settings
        .set(&[("max_batched_file", "2")])
        .await
        .unwrap();
    let three = [
        "cloudreve://my/a.txt",
        "cloudreve://my/x",
        "cloudreve://my/y",
    ];
    assert_eq!(
        delete(&server, &ann, json!({"uris": three})).await["code"],
        40074
    );
    assert_eq!(restore(&server, &ann, &three).await["code"], 40074);
    assert_eq!(info(&server, &ann, "cloudreve://my/a.txt").await["code"], 0);

    assert_eq!(
        delete(&server, &ann, json!({"uris": []})).await["code"],
        40001
    );
    assert_eq!(
        delete(&server, &ann, json!({"uris": ["my/a.txt"]})).await["code"],
        40001
    );
    assert_eq!(delete(&server, &ann, json!({})).await["code"], 40001);
    let anonymous = server
        .send_api(
            Method::DELETE,
            "/file",
            r#"{"uris":["cloudreve://my/a.txt"]}"#,
        )
        .await;
    assert_eq!(anonymous.1["code"], 401);
    let anonymous = server.send_api(Method::DELETE, "/file/trash", "{}").await;
    assert_eq!(anonymous.1["code"], 401);
    let anonymous = server
        .send_api(
            Method::POST,
            "/file/restore",
            r#"{"uris":["cloudreve://trash/x"]}"#,
        )
        .await;
    assert_eq!(anonymous.1["code"], 401);
    assert_eq!(info(&server, &ann, "cloudreve://my/a.txt").await["code"], 0);
}

#[tokio::test]
async fn users_cannot_delete_or_restore_each_others_objects() {
    let (server, ann) = setup().await;
    server.create_user("bob@example.com", PW).await;
    let bob = server.login("bob@example.com", PW).await;
    let ann_hashid = ann.user["id"].as_str().unwrap().to_owned();
    create(&server, &ann, "cloudreve://my/secret.txt", "file").await;
    create(&server, &ann, "cloudreve://my/binned.txt", "file").await;
    let secret = id_of(&server, &ann, "cloudreve://my/secret.txt").await;
    let binned = id_of(&server, &ann, "cloudreve://my/binned.txt").await;
    delete(
        &server,
        &ann,
        json!({"uris": ["cloudreve://my/binned.txt"]}),
    )
    .await;
    let binned_uri = trash_uri(&server, binned).await;

    let foreign = format!("cloudreve://{ann_hashid}@my/secret.txt");
    for opts in [json!({}), json!({"skip_soft_delete": true})] {
        let mut body = opts.clone();
        body["uris"] = json!([foreign]);
        assert_eq!(delete(&server, &bob, body).await["code"], 403);
        let mut body = opts;
        body["uris"] = json!(["cloudreve://my/secret.txt"]);
        assert_eq!(delete(&server, &bob, body).await["code"], 404);
    }
    assert_eq!(
        delete(&server, &bob, json!({"uris": [binned_uri]})).await["code"],
        404
    );
    assert_eq!(restore(&server, &bob, &[&binned_uri]).await["code"], 404);
    let emptied = server
        .send_as(Method::DELETE, "/file/trash", &bob.access_token, &json!({}))
        .await;
    assert_eq!(emptied["code"], 0);

    let secret_row = file_row(&server, secret).await.unwrap();
    assert!(secret_row.parent_id.is_some());
    assert_eq!(secret_row.name, "secret.txt");
    let binned_row = file_row(&server, binned).await.unwrap();
    assert_eq!(binned_row.parent_id, None);
    assert!(meta_of(&server, binned, RESTORE_URI).await.is_some());
}

#[tokio::test]
async fn locked_objects_cannot_be_deleted() {
    let (server, ann) = setup().await;
    let uid = user_id(&server, &ann);
    create(&server, &ann, "cloudreve://my/Locked/in.txt", "file").await;
    let folder = id_of(&server, &ann, "cloudreve://my/Locked").await;
    let held = lock::acquire(
        &server.state.db,
        LockRequest {
            owner_id: uid,
            path: LockPath::parse("/Locked/in.txt").unwrap(),
            scope: Scope::Exclusive,
            depth: Depth::Zero,
            timeout: Duration::from_secs(600),
            owner_info: None,
            file_id: None,
        },
    )
    .await
    .unwrap();
    // A lock below a folder blocks deleting the folder, to the trash or for good.
    for body in [
        json!({"uris": ["cloudreve://my/Locked"]}),
        json!({"uris": ["cloudreve://my/Locked"], "skip_soft_delete": true}),
        json!({"uris": ["cloudreve://my/Locked/in.txt"]}),
    ] {
        let refused = delete(&server, &ann, body).await;
        assert_eq!(refused["code"], 40073, "{refused}");
        assert_eq!(refused["data"][0]["token"], held.token.as_str());
    }
    assert!(file_row(&server, folder).await.unwrap().parent_id.is_some());

    lock::force_release(&server.state.db, uid, std::slice::from_ref(&held.token))
        .await
        .unwrap();
    assert_eq!(
        delete(&server, &ann, json!({"uris": ["cloudreve://my/Locked"]})).await["code"],
        0
    );
}

#[tokio::test]
async fn permanent_deletes_stop_at_the_walk_limit() {
    let (server, ann) = setup().await;
    for name in ["a", "b", "c"] {
        create(
            &server,
            &ann,
            &format!("cloudreve://my/big/{name}.txt"),
            "file",
        )
        .await;
    }
    let big = id_of(&server, &ann, "cloudreve://my/big").await;
    let db = &server.state.db;
    let g = group::Entity::find_by_id(2).one(db).await.unwrap().unwrap();
    let mut settings = g.settings.clone();
    settings["max_walked_files"] = json!(3);
    let mut active = g.into_active_model();
    active.settings = Set(settings);
    active.update(db).await.unwrap();

    // The folder and its three files are four rows: one too many.
    let refused = delete(
        &server,
        &ann,
        json!({"uris": ["cloudreve://my/big"], "skip_soft_delete": true}),
    )
    .await;
    assert_eq!(refused["code"], 40079, "{refused}");
    assert_eq!(
        info(&server, &ann, "cloudreve://my/big/c.txt").await["code"],
        0
    );
    // Moving it to the trash walks nothing; purging it from there is refused the same way.
    assert_eq!(
        delete(&server, &ann, json!({"uris": ["cloudreve://my/big"]})).await["code"],
        0
    );
    let emptied = server
        .send_as(Method::DELETE, "/file/trash", &ann.access_token, &json!({}))
        .await;
    assert_eq!(emptied["code"], 40081, "{emptied}");
    let uri = trash_uri(&server, big).await;
    assert_eq!(emptied["aggregated_error"][&uri]["code"], 40079);
    assert!(file_row(&server, big).await.is_some());

    create(&server, &ann, "cloudreve://my/small/a.txt", "file").await;
    create(&server, &ann, "cloudreve://my/small/b.txt", "file").await;
    let ok = delete(
        &server,
        &ann,
        json!({"uris": ["cloudreve://my/small"], "skip_soft_delete": true}),
    )
    .await;
    assert_eq!(ok["code"], 0, "{ok}");
}
