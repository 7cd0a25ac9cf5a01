//! Permanent deletes: entities and storage released, purging one by one or all at once, the
//! retention job, the walk limit (trashed trees are purged in pages: `pages.rs`).

use reqwest::Method;
use sea_orm::{
    ActiveModelTrait, ActiveValue::Set, ColumnTrait, EntityTrait, IntoActiveModel, PaginatorTrait,
    QueryFilter,
};
use serde_json::json;
use stratus_entity::{file, file_entity, group};
use stratus_server::fs::trash;

use super::{
    COLLECT_TIME, PW, blob, create, delete, file_row, id_of, info, list, meta_of, restore, setup,
    trash_uri, user_id,
};

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
    assert_eq!(server.storage_of(uid).await, 900);

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
    assert_eq!(server.storage_of(uid).await, 200);
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
    assert_eq!(server.storage_of(uid).await, 100);

    // Deleting a trash URI is permanent.
    let one = trash_uri(&server, ids[0]).await;
    assert_eq!(
        delete(&server, &ann, json!({"uris": [one]})).await["code"],
        0
    );
    assert!(file_row(&server, ids[0]).await.is_none());
    assert_eq!(server.storage_of(uid).await, 90);
    // So is deleting something inside a trashed folder.
    let dir_uri = trash_uri(&server, dir).await;
    let inner = format!("{dir_uri}/four.bin");
    assert_eq!(
        delete(&server, &ann, json!({"uris": [inner]})).await["code"],
        0
    );
    assert!(file_row(&server, ids[3]).await.is_none());
    assert_eq!(server.storage_of(uid).await, 50);

    let emptied = server
        .send_as(Method::DELETE, "/file/trash", &ann.access_token, &json!({}))
        .await;
    assert_eq!(emptied, json!({"code": 0, "msg": ""}));
    assert!(file_row(&server, ids[1]).await.is_none());
    assert!(file_row(&server, dir).await.is_none());
    assert_eq!(server.storage_of(uid).await, 30);
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
    assert_eq!(server.storage_of(user_id(&server, &ann)).await, 0);
    // The item that is not due stays, restorable.
    assert!(file_row(&server, new).await.is_some());
    assert_eq!(trash::collect_expired(&server.state).await.unwrap(), 0);
    let uri = trash_uri(&server, new).await;
    assert_eq!(restore(&server, &ann, &[&uri]).await["code"], 0);
    assert_eq!(id_of(&server, &ann, "cloudreve://my/new.txt").await, new);
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
    // Moving it to the trash walks nothing; emptying the trash purges it in pages, which the
    // walk limit does not bound (a trashed tree of any size can be emptied).
    assert_eq!(
        delete(&server, &ann, json!({"uris": ["cloudreve://my/big"]})).await["code"],
        0
    );
    let emptied = server
        .send_as(Method::DELETE, "/file/trash", &ann.access_token, &json!({}))
        .await;
    assert_eq!(emptied["code"], 0, "{emptied}");
    assert!(file_row(&server, big).await.is_none());

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
