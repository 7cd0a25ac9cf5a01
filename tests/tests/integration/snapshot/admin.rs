//! `/admin/snapshot`: every user's snapshots with owner and sizes, deleted by an
//! administrator; the user detail's snapshot count and bytes; deleting an account deletes its
//! snapshots. Refused to non-administrators.

use reqwest::Method;
use sea_orm::{EntityTrait, PaginatorTrait};
use serde_json::json;
use stratus_entity::{entity, snapshot};

use super::{create, id_of, setup, snap_ok, user_id};
use crate::admin::{admin, call};

#[tokio::test]
async fn administrators_list_and_delete_snapshots_and_others_cannot() {
    let (server, ann) = setup().await;
    let root = admin(&server, "root@example.com").await;
    let ann_id = user_id(&server, &ann);
    create(&server, &ann, "cloudreve://my/docs/a.txt", "file").await;
    let blob = server
        .attach_blob(id_of(&server, &ann, "cloudreve://my/docs/a.txt").await, 70)
        .await;
    snap_ok(&server, &ann, "cloudreve://my/docs", "one").await;
    let two = snap_ok(&server, &ann, "cloudreve://my", "two").await;
    snap_ok(&server, &root, "cloudreve://my", "roots").await;

    let list_body =
        json!({"page": 1, "page_size": 10, "conditions": {"user_id": ann_id.to_string()}});
    // Not for members, nor signed-out callers.
    let refused = call(
        &server,
        Some(&ann),
        Method::POST,
        "/admin/snapshot",
        Some(list_body.clone()),
    )
    .await;
    assert_eq!(refused["code"], 403, "{refused}");
    let anon = call(
        &server,
        None,
        Method::POST,
        "/admin/snapshot",
        Some(list_body.clone()),
    )
    .await;
    assert_eq!(anon["code"], 401, "{anon}");
    let two_id = super::snapshot_id(&server, &two["id"]);
    let path = format!("/admin/snapshot/{two_id}");
    let refused = call(&server, Some(&ann), Method::DELETE, &path, None).await;
    assert_eq!(refused["code"], 403, "{refused}");
    let refused = call(
        &server,
        Some(&ann),
        Method::GET,
        &format!("/admin/user/{ann_id}"),
        None,
    )
    .await;
    assert_eq!(refused["code"], 403, "{refused}");

    let listed = call(
        &server,
        Some(&root),
        Method::POST,
        "/admin/snapshot",
        Some(list_body.clone()),
    )
    .await;
    assert_eq!(listed["code"], 0, "{listed}");
    let rows = listed["data"]["snapshots"].as_array().unwrap();
    assert_eq!(rows.len(), 2, "{listed}");
    assert_eq!(rows[0]["name"], "one");
    assert_eq!(rows[0]["owner"]["email"], "ann@example.com");
    assert_eq!(rows[0]["files"], 1);
    assert_eq!(rows[0]["size"], 70);
    assert_eq!(rows[0]["exclusive_size"], 0);
    assert_eq!(listed["data"]["pagination"]["total_items"], 2);

    // Purge the file: both snapshots hold its blob; the user detail counts it once.
    server
        .send_as(
            Method::DELETE,
            "/file",
            &ann.access_token,
            &json!({"uris": ["cloudreve://my/docs/a.txt"], "skip_soft_delete": true}),
        )
        .await;
    let detail = call(
        &server,
        Some(&root),
        Method::GET,
        &format!("/admin/user/{ann_id}"),
        None,
    )
    .await;
    assert_eq!(detail["data"]["snapshots"], 2, "{detail}");
    assert_eq!(detail["data"]["snapshot_bytes"], 70, "{detail}");

    let deleted = call(&server, Some(&root), Method::DELETE, &path, None).await;
    assert_eq!(deleted["code"], 0, "{deleted}");
    let again = call(&server, Some(&root), Method::DELETE, &path, None).await;
    assert_eq!(again["code"], 404, "{again}");
    let listed = call(
        &server,
        Some(&root),
        Method::POST,
        "/admin/snapshot",
        Some(list_body),
    )
    .await;
    let rows = listed["data"]["snapshots"].as_array().unwrap();
    assert_eq!(rows.len(), 1, "{listed}");
    assert_eq!(rows[0]["exclusive_size"], 70, "{listed}");
    let refs = entity::Entity::find_by_id(blob.id)
        .one(&server.state.db)
        .await
        .unwrap()
        .unwrap()
        .reference_count;
    assert_eq!(refs, 1);

    // Deleting the account deletes its snapshots and their references.
    let gone = call(
        &server,
        Some(&root),
        Method::POST,
        "/admin/user/batch/delete",
        Some(json!({"ids": [ann_id]})),
    )
    .await;
    assert_eq!(gone["code"], 0, "{gone}");
    let left = snapshot::Entity::find()
        .count(&server.state.db)
        .await
        .unwrap();
    assert_eq!(left, 1, "the administrator's own stays");
    let refs = entity::Entity::find_by_id(blob.id)
        .one(&server.state.db)
        .await
        .unwrap()
        .unwrap()
        .reference_count;
    assert_eq!(refs, 0);
}
