//! Soft delete into the trash and restore: missing parents recreated, clashes renamed, and
//! what cannot be restored.

use reqwest::Method;
use serde_json::json;

use super::{
    COLLECT_TIME, RESTORE_URI, create, delete, file_row, id_of, info, list, meta_of, restore,
    setup, trash_uri,
};

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

    // The row is detached under its name, a space and a UUID; its children stay below it.
    let row = file_row(&server, docs).await.unwrap();
    assert_eq!(row.parent_id, None);
    let (name, uuid) = row.name.rsplit_once(' ').unwrap();
    assert_eq!(name, "Docs");
    assert!(uuid::Uuid::parse_str(uuid).is_ok(), "{}", row.name);
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
