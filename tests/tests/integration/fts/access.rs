//! Who finds what: another user never sees A's files; B finds the files of a share B saved;
//! trashed files are not found and a deleted file leaves the index; a rebuild reads every file
//! again; a file uploaded through one instance is found through another.

use reqwest::Method;
use sea_orm::{ColumnTrait, EntityTrait, QueryFilter};
use serde_json::json;
use stratus_entity::{fts_doc, task};

use super::{found, indexed, my, setup, upload};
use crate::admin::PW;

#[tokio::test]
async fn others_find_nothing_of_mine_until_they_save_my_share() {
    let (server, a) = setup().await;
    server
        .send_as(
            Method::POST,
            "/file/create",
            &a.access_token,
            &json!({"uri": my("Shared"), "type": "folder"}),
        )
        .await;
    upload(
        &server,
        &a,
        &my("Shared/deep/pangolin.txt"),
        b"a shy pangolin",
    )
    .await;
    upload(&server, &a, &my("private.txt"), b"a private pangolin").await;
    indexed(&server, 2).await;
    server.create_user("b@example.com", PW).await;
    let b = server.login("b@example.com", PW).await;
    assert!(found(&server, &b, "pangolin").await.is_empty());

    let (id, _) = server.share(&a, &my("Shared"), json!({})).await;
    // A share B has not saved gives nothing either.
    assert!(found(&server, &b, "pangolin").await.is_empty());
    let owner = a.user["id"].as_str().unwrap();
    let saved = server
        .send_as(
            Method::POST,
            "/file/create",
            &b.access_token,
            &json!({"uri": "cloudreve://my/From A", "type": "file",
                    "metadata": {"sys:shared_redirect": format!("cloudreve://{id}@share"),
                                 "sys:shared_owner": owner}}),
        )
        .await;
    assert_eq!(saved["code"], 0, "{saved}");
    assert_eq!(
        found(&server, &b, "pangolin").await,
        [format!("cloudreve://{id}@share/deep/pangolin.txt")]
    );
    assert_eq!(found(&server, &a, "pangolin").await.len(), 2);
}

#[tokio::test]
async fn trashed_files_are_not_found_and_deleted_ones_leave_the_index() {
    let (server, a) = setup().await;
    upload(&server, &a, &my("Old/quokka.txt"), b"a quokka smiles").await;
    upload(&server, &a, &my("gone.txt"), b"a quokka leaves").await;
    indexed(&server, 2).await;
    assert_eq!(found(&server, &a, "quokka").await.len(), 2);

    crate::archive::trash(&server, &a, &[&my("Old")]).await;
    assert_eq!(found(&server, &a, "quokka").await, [my("gone.txt")]);

    let resp = server
        .send_as(
            Method::DELETE,
            "/file",
            &a.access_token,
            &json!({"uris": [my("gone.txt")], "skip_soft_delete": true}),
        )
        .await;
    assert_eq!(resp["code"], 0, "{resp}");
    assert!(found(&server, &a, "quokka").await.is_empty());
    let left = fts_doc::Entity::find().all(&server.state.db).await.unwrap();
    assert_eq!(left.len(), 1, "only the trashed file's row stays: {left:?}");
}

#[tokio::test]
async fn a_rebuild_reads_every_file_again() {
    let (server, a) = setup().await;
    // Written while search was off: not indexed.
    server
        .state
        .settings
        .set(&[("fts_enabled", "0")])
        .await
        .unwrap();
    upload(&server, &a, &my("before.txt"), b"an axolotl from before").await;
    server
        .state
        .settings
        .set(&[("fts_enabled", "1")])
        .await
        .unwrap();
    assert!(found(&server, &a, "axolotl").await.is_empty());

    let refused = server
        .send_as(
            Method::POST,
            "/workflow/rebuildFtsIndex",
            &a.access_token,
            &json!({}),
        )
        .await;
    assert_eq!(refused["code"], 40007, "{refused}");
    let admin = crate::admin::admin(&server, "root@example.com").await;
    let queued = server
        .send_as(
            Method::POST,
            "/workflow/rebuildFtsIndex",
            &admin.access_token,
            &json!({}),
        )
        .await;
    assert_eq!(queued["code"], 0, "{queued}");
    let row = task::Entity::find()
        .filter(task::Column::Type.eq("full_text_rebuild"))
        .one(&server.state.db)
        .await
        .unwrap()
        .unwrap();
    crate::workflow::wait_task(&server, row.id, "completed", |t| {
        t.status == task::status::COMPLETED
    })
    .await;
    assert_eq!(found(&server, &a, "axolotl").await, [my("before.txt")]);
}

#[tokio::test]
async fn a_file_uploaded_through_one_instance_is_found_through_another() {
    let (server, a) = setup().await;
    let second = server.sibling().await;
    upload(&second, &a, &my("far.txt"), b"a distant ibex").await;
    indexed(&server, 1).await;
    assert_eq!(found(&server, &a, "ibex").await, [my("far.txt")]);
    assert_eq!(found(&second, &a, "ibex").await, [my("far.txt")]);
}
