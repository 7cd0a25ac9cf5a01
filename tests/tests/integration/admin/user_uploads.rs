//! Deleting an account that is in the middle of uploading: its sessions go with it, and so
//! does what they staged in storage.

use std::path::Path;

use sea_orm::{ColumnTrait, EntityTrait, QueryFilter};
use stratus_entity::{upload_session, user};
use stratus_server::ids::IdKind;

use super::*;

/// The names of the partial upload files below `dir`.
fn partial_files(dir: &Path) -> Vec<String> {
    let mut found = Vec::new();
    let mut todo = vec![dir.to_owned()];
    while let Some(dir) = todo.pop() {
        let Ok(entries) = std::fs::read_dir(&dir) else {
            continue;
        };
        for entry in entries.map(Result::unwrap) {
            let name = entry.file_name().to_string_lossy().into_owned();
            if entry.file_type().unwrap().is_dir() {
                todo.push(entry.path());
            } else if name.starts_with(".stratus-part-") {
                found.push(name);
            }
        }
    }
    found
}

#[tokio::test]
async fn deleting_a_user_removes_the_files_their_unfinished_uploads_staged() {
    let server = TestServer::start().await;
    let boss = admin(&server, "boss@example.com").await;
    let ann = member(&server, "ann@example.com").await;
    let uploads = server.data_dir.join("uploads");
    let before = partial_files(&uploads);

    let policy = server.state.ids.encode(1, IdKind::Policy);
    for name in ["a.bin", "b.bin"] {
        let created = server
            .send_as(
                Method::PUT,
                "/file/upload",
                &ann.access_token,
                &json!({"uri": format!("cloudreve://my/{name}"), "size": 3 * 1024 * 1024, "policy_id": policy}),
            )
            .await;
        assert_eq!(created["code"], 0, "{created}");
    }
    let staged = partial_files(&uploads);
    assert_eq!(staged.len(), before.len() + 2, "{staged:?}");

    let ann_id = user::Entity::find()
        .filter(user::Column::Email.eq("ann@example.com"))
        .one(&server.state.db)
        .await
        .unwrap()
        .unwrap()
        .id;
    ok(
        &server,
        &boss,
        Method::POST,
        "/admin/user/batch/delete",
        json!({"ids": [ann_id]}),
    )
    .await;

    let rows = upload_session::Entity::find()
        .filter(upload_session::Column::UserId.eq(ann_id))
        .all(&server.state.db)
        .await
        .unwrap();
    assert!(rows.is_empty(), "{rows:?}");
    assert_eq!(partial_files(&uploads), before);
}
