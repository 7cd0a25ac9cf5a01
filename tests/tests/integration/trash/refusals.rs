//! Deletes and restores that are refused: without the advanced delete permission, bad roots
//! and batches, another user's objects, locked objects.

use std::time::Duration;

use reqwest::Method;
use sea_orm::{ActiveModelTrait, ActiveValue::Set, EntityTrait, IntoActiveModel};
use serde_json::json;
use stratus_entity::group;
use stratus_server::{
    boolset::Boolset, boolset::group_perm, fs::lock, fs::lock::Depth, fs::lock::LockPath,
    fs::lock::LockRequest, fs::lock::Scope,
};

use super::{
    PW, RESTORE_URI, blob, create, delete, file_row, id_of, info, meta_of, restore, setup,
    trash_uri, user_id,
};

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
    assert_eq!(server.storage_of(uid).await, 0);
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
        assert_eq!(delete(&server, &bob, body).await["code"], 404);
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
