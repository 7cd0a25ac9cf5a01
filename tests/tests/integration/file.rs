//! `/file/create`, `/file/rename`, `/file/move` and `/file/info`.

use std::sync::Arc;

use reqwest::Method;
use sea_orm::{ColumnTrait, EntityTrait, QueryFilter};
use serde_json::{Value, json};
use stratus_entity::{entity, file, user};
use stratus_server::ids::IdKind;
use stratus_tests::{Session, TestServer, query_escape};

const PW: &str = "password123";

async fn setup() -> (TestServer, Session) {
    let server = TestServer::start().await;
    server.create_user("ann@example.com", PW).await;
    let ann = server.login("ann@example.com", PW).await;
    (server, ann)
}

async fn create(server: &TestServer, s: &Session, uri: &str, kind: &str) -> Value {
    server
        .send_as(
            Method::POST,
            "/file/create",
            &s.access_token,
            &json!({"uri": uri, "type": kind}),
        )
        .await
}

async fn info(server: &TestServer, s: &Session, uri: &str) -> Value {
    let q = format!("/file/info?uri={}", query_escape(uri));
    server.get_as(&q, &s.access_token).await
}

async fn row(server: &TestServer, owner: i64, name: &str) -> file::Model {
    file::Entity::find()
        .filter(file::Column::OwnerId.eq(owner))
        .filter(file::Column::Name.eq(name))
        .one(&server.state.db)
        .await
        .unwrap()
        .unwrap_or_else(|| panic!("no row {name}"))
}

fn user_id(s: &Session, server: &TestServer) -> i64 {
    server
        .state
        .ids
        .decode(s.user["id"].as_str().unwrap(), IdKind::User)
        .unwrap()
}

#[tokio::test]
async fn create_makes_files_folders_and_missing_parents() {
    let (server, ann) = setup().await;
    let folder = create(&server, &ann, "cloudreve://my/Docs", "folder").await;
    assert_eq!(folder["code"], 0, "{folder}");
    assert_eq!(folder["data"]["type"], 1);
    assert_eq!(folder["data"]["name"], "Docs");
    assert_eq!(folder["data"]["path"], "cloudreve://my/Docs");
    assert_eq!(folder["data"]["capability"], "w8edAQ==");
    assert_eq!(folder["data"]["owned"], true);

    let deep = create(&server, &ann, "cloudreve://my/a/b/c%20d.txt", "file").await;
    assert_eq!(deep["code"], 0, "{deep}");
    assert_eq!(deep["data"]["type"], 0);
    assert_eq!(deep["data"]["name"], "c d.txt");
    assert_eq!(deep["data"]["size"], 0);
    assert_eq!(
        info(&server, &ann, "cloudreve://my/a/b").await["data"]["type"],
        1
    );

    // An existing folder is returned, unless err_on_conflict.
    let again = create(&server, &ann, "cloudreve://my/Docs", "folder").await;
    assert_eq!(again["data"]["id"], folder["data"]["id"]);
    let strict = server
        .send_as(
            Method::POST,
            "/file/create",
            &ann.access_token,
            &json!({"uri": "cloudreve://my/Docs", "type": "folder", "err_on_conflict": true}),
        )
        .await;
    assert_eq!(strict["code"], 40004);
    assert_eq!(
        create(&server, &ann, "cloudreve://my/a/b/c%20d.txt", "file").await["code"],
        40004
    );
    assert_eq!(
        create(&server, &ann, "cloudreve://my/Docs", "file").await["code"],
        40004
    );
    // A file cannot be a parent.
    assert_eq!(
        create(&server, &ann, "cloudreve://my/a/b/c%20d.txt/x", "file").await["code"],
        40016
    );
}

#[tokio::test]
async fn create_refuses_bad_names_and_places() {
    let (server, ann) = setup().await;
    for uri in [
        "cloudreve://my/a%2Fb",
        "cloudreve://my/..",
        "cloudreve://my/a%00b",
        "cloudreve://my/x%5Cy",
        "cloudreve://my/what%3F",
    ] {
        let body = create(&server, &ann, uri, "file").await;
        assert!(
            body["code"] == 40052 || body["code"] == 40001,
            "{uri}: {body}"
        );
    }
    let long = format!("cloudreve://my/{}", "a".repeat(256));
    assert_eq!(create(&server, &ann, &long, "file").await["code"], 40052);
    assert_eq!(
        create(&server, &ann, "cloudreve://my", "folder").await["code"],
        40053
    );
    assert_eq!(
        create(&server, &ann, "http://my/x", "folder").await["code"],
        40001
    );
    assert_eq!(
        create(&server, &ann, "cloudreve://trash/x", "folder").await["code"],
        403
    );
    let bad_type = create(&server, &ann, "cloudreve://my/x", "link").await;
    assert_eq!(bad_type["code"], 40001);
    // Anonymous callers have no `my`.
    let (_, anon) = server
        .send_api(
            Method::POST,
            "/file/create",
            &json!({"uri": "cloudreve://my/x", "type": "file"}).to_string(),
        )
        .await;
    assert_eq!(anon["code"], 401);
}

#[tokio::test]
async fn users_cannot_reach_each_others_files() {
    let (server, ann) = setup().await;
    server.create_user("bob@example.com", PW).await;
    let bob = server.login("bob@example.com", PW).await;
    let secret = create(&server, &ann, "cloudreve://my/secret.txt", "file").await;
    let ann_hash = ann.user["id"].as_str().unwrap();

    let other_my = format!("cloudreve://{ann_hash}@my/secret.txt");
    let b = info(&server, &bob, &other_my).await;
    assert_eq!(b["code"], 403);
    assert!(b.get("data").is_none());
    // By id: nothing, not even the name.
    let id = secret["data"]["id"].as_str().unwrap();
    let by_id = server
        .get_as(&format!("/file/info?id={id}"), &bob.access_token)
        .await;
    assert_eq!(by_id["code"], 404);
    assert!(!by_id.to_string().contains("secret.txt"));
    // Bob's own path of that name does not exist.
    assert_eq!(
        info(&server, &bob, "cloudreve://my/secret.txt").await["code"],
        404
    );
    // Bob cannot rename or move Ann's file through his own tree.
    let rename = server
        .send_as(
            Method::POST,
            "/file/rename",
            &bob.access_token,
            &json!({"uri": other_my, "new_name": "x"}),
        )
        .await;
    assert_eq!(rename["code"], 403);
    assert_eq!(
        info(&server, &ann, "cloudreve://my/secret.txt").await["code"],
        0
    );
}

#[tokio::test]
async fn rename_checks_names_and_conflicts() {
    let (server, ann) = setup().await;
    create(&server, &ann, "cloudreve://my/a.txt", "file").await;
    create(&server, &ann, "cloudreve://my/b.txt", "file").await;
    let rename = |uri: &str, name: &str| {
        let body = json!({"uri": uri, "new_name": name});
        let server = &server;
        let token = ann.access_token.clone();
        async move {
            server
                .send_as(Method::POST, "/file/rename", &token, &body)
                .await
        }
    };
    let ok = rename("cloudreve://my/a.txt", "c.txt").await;
    assert_eq!(ok["code"], 0, "{ok}");
    assert_eq!(ok["data"]["name"], "c.txt");
    assert_eq!(ok["data"]["path"], "cloudreve://my/c.txt");
    assert_eq!(rename("cloudreve://my/c.txt", "b.txt").await["code"], 40004);
    assert_eq!(rename("cloudreve://my/c.txt", "x/y").await["code"], 40052);
    assert_eq!(rename("cloudreve://my/c.txt", "..").await["code"], 40052);
    assert_eq!(rename("cloudreve://my/c.txt", "").await["code"], 40001);
    assert_eq!(rename("cloudreve://my", "root").await["code"], 40053);
    assert_eq!(rename("cloudreve://my/missing", "z").await["code"], 404);
    // Same name: nothing to do.
    assert_eq!(rename("cloudreve://my/c.txt", "c.txt").await["code"], 0);
}

async fn mv(server: &TestServer, s: &Session, uris: &[&str], dst: &str, copy: bool) -> Value {
    server
        .send_as(
            Method::POST,
            "/file/move",
            &s.access_token,
            &json!({"uris": uris, "dst": dst, "copy": copy}),
        )
        .await
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

async fn storage_of(server: &TestServer, uid: i64) -> i64 {
    user::Entity::find_by_id(uid)
        .one(&server.state.db)
        .await
        .unwrap()
        .unwrap()
        .storage
}

#[tokio::test]
async fn copy_links_the_same_blobs_and_charges_quota() {
    let (server, ann) = setup().await;
    let uid = user_id(&ann, &server);
    create(&server, &ann, "cloudreve://my/album/photo.jpg", "file").await;
    create(&server, &ann, "cloudreve://my/backup", "folder").await;
    let blob = attach_blob(&server, uid, "photo.jpg", 1000).await;
    assert_eq!(storage_of(&server, uid).await, 1000);

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
    assert_eq!(storage_of(&server, uid).await, 2000);
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
    assert_eq!(storage_of(&server, uid).await, gib - 10);
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

#[tokio::test]
async fn locked_paths_refuse_api_changes_with_40073() {
    use stratus_server::fs::lock::{self, Depth, LockOwner, LockPath, LockRequest, Scope};
    let (server, ann) = setup().await;
    let uid = user_id(&ann, &server);
    create(&server, &ann, "cloudreve://my/shared/doc.txt", "file").await;
    create(&server, &ann, "cloudreve://my/other", "folder").await;
    let held = lock::acquire(
        &server.state.db,
        LockRequest {
            owner_id: uid,
            path: LockPath::parse("/shared").unwrap(),
            scope: Scope::Exclusive,
            depth: Depth::Infinity,
            timeout: std::time::Duration::from_secs(600),
            owner_info: Some(LockOwner::dav(Some("<D:href>mac</D:href>".into())).to_owner_info()),
            file_id: None,
        },
    )
    .await
    .unwrap();

    let rename = server
        .send_as(
            Method::POST,
            "/file/rename",
            &ann.access_token,
            &json!({"uri": "cloudreve://my/shared/doc.txt", "new_name": "x.txt"}),
        )
        .await;
    assert_eq!(rename["code"], 40073, "{rename}");
    let conflicts = rename["data"].as_array().unwrap();
    assert_eq!(conflicts[0]["token"], held.token);
    assert_eq!(conflicts[0]["owner"]["application"]["type"], "dav");
    assert_eq!(
        create(&server, &ann, "cloudreve://my/shared/new.txt", "file").await["code"],
        40073
    );
    let moved = mv(
        &server,
        &ann,
        &["cloudreve://my/shared"],
        "cloudreve://my/other",
        false,
    )
    .await;
    assert_eq!(moved["code"], 40073);
    let into = mv(
        &server,
        &ann,
        &["cloudreve://my/other"],
        "cloudreve://my/shared",
        false,
    )
    .await;
    assert_eq!(into["code"], 40073);
    // Outside the lock nothing changes; after force-unlock the rename goes through.
    assert_eq!(
        create(&server, &ann, "cloudreve://my/sharedx.txt", "file").await["code"],
        0
    );
    let unlock = server
        .send_as(
            Method::DELETE,
            "/file/lock",
            &ann.access_token,
            &json!({"tokens": [held.token]}),
        )
        .await;
    assert_eq!(unlock["code"], 0);
    let rename = server
        .send_as(
            Method::POST,
            "/file/rename",
            &ann.access_token,
            &json!({"uri": "cloudreve://my/shared/doc.txt", "new_name": "x.txt"}),
        )
        .await;
    assert_eq!(rename["code"], 0);
}

#[tokio::test]
async fn file_changes_are_recorded_in_the_audit_log() {
    use stratus_entity::event;
    use stratus_server::events::kind;
    let (server, ann) = setup().await;
    let uid = user_id(&ann, &server);
    create(&server, &ann, "cloudreve://my/a.txt", "file").await;
    create(&server, &ann, "cloudreve://my/dir", "folder").await;
    let token = ann.access_token.clone();
    let r = server
        .send_as(
            Method::POST,
            "/file/rename",
            &token,
            &json!({"uri": "cloudreve://my/a.txt", "new_name": "b.txt"}),
        )
        .await;
    assert_eq!(r["code"], 0);
    assert_eq!(
        mv(
            &server,
            &ann,
            &["cloudreve://my/b.txt"],
            "cloudreve://my/dir",
            true
        )
        .await["code"],
        0
    );
    assert_eq!(
        mv(
            &server,
            &ann,
            &["cloudreve://my/b.txt"],
            "cloudreve://my/dir",
            false
        )
        .await["code"],
        40004
    );
    let del = server
        .send_as(
            Method::DELETE,
            "/file",
            &token,
            &json!({"uris": ["cloudreve://my/b.txt"]}),
        )
        .await;
    assert_eq!(del["code"], 0);
    let rows = event::Entity::find()
        .filter(event::Column::UserId.eq(uid))
        .all(&server.state.db)
        .await
        .unwrap();
    let count = |k: i32| rows.iter().filter(|e| e.r#type == k).count();
    assert_eq!(count(kind::FILE_CREATE), 2);
    assert_eq!(count(kind::FILE_RENAME), 1);
    assert_eq!(count(kind::FILE_COPY), 1);
    assert_eq!(count(kind::FILE_MOVE), 0, "a failed move is not recorded");
    assert_eq!(count(kind::DELETE_FILE), 1);
    let rename = rows.iter().find(|e| e.r#type == kind::FILE_RENAME).unwrap();
    assert_eq!(
        rename.content.as_ref().unwrap()["to"],
        "cloudreve://my/b.txt"
    );
}
