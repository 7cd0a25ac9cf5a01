//! Files that arrive without an upload are indexed too: a copy (new rows on the same blobs), a
//! restore from the trash of a file trashed before search was on, a restore of a snapshot into
//! another folder; a rename indexes the new name's words; a rebuild counts what it will read.

use reqwest::Method;
use sea_orm::{ColumnTrait, EntityTrait, QueryFilter};
use serde_json::{Value, json};
use stratus_entity::task;
use stratus_server::ids::IdKind;
use stratus_tests::{Session, TestServer};

use super::{found, indexed, my, setup, upload};

async fn send(server: &TestServer, s: &Session, method: Method, path: &str, body: Value) -> Value {
    let answer = server.send_as(method, path, &s.access_token, &body).await;
    assert_eq!(answer["code"], 0, "{path} {body}: {answer}");
    answer["data"].clone()
}

async fn folder(server: &TestServer, s: &Session, uri: &str) {
    let body = json!({"uri": uri, "type": "folder"});
    send(server, s, Method::POST, "/file/create", body).await;
}

#[tokio::test]
async fn a_copy_of_a_file_and_of_a_folder_is_found_at_its_new_place() {
    let (server, a) = setup().await;
    folder(&server, &a, &my("Docs")).await;
    folder(&server, &a, &my("Copies")).await;
    upload(&server, &a, &my("Docs/one.md"), b"# One\n\na pangolin").await;
    upload(&server, &a, &my("Docs/two.txt"), b"another pangolin").await;
    indexed(&server, 2).await;

    let copy = json!({"uris": [my("Docs/one.md")], "dst": my("Copies"), "copy": true});
    send(&server, &a, Method::POST, "/file/move", copy).await;
    let copy = json!({"uris": [my("Docs")], "dst": my("Copies"), "copy": true});
    send(&server, &a, Method::POST, "/file/move", copy).await;
    indexed(&server, 5).await;
    assert_eq!(
        found(&server, &a, "pangolin").await,
        [
            my("Copies/Docs/one.md"),
            my("Copies/Docs/two.txt"),
            my("Copies/one.md"),
            my("Docs/one.md"),
            my("Docs/two.txt"),
        ]
    );
}

#[tokio::test]
async fn a_renamed_file_is_found_by_its_new_name_only() {
    let (server, a) = setup().await;
    upload(
        &server,
        &a,
        &my("alpha.html"),
        b"<p>plain <!-- zebu --> words</p>",
    )
    .await;
    indexed(&server, 1).await;
    let rename = json!({"uri": my("alpha.html"), "new_name": "ocelot.htm"});
    send(&server, &a, Method::POST, "/file/rename", rename).await;
    // The content did not change: the new name's words are indexed from the stored text,
    // at once, and the file is not read again (no second index task).
    assert_eq!(found(&server, &a, "ocelot").await, [my("ocelot.htm")]);
    assert_eq!(found(&server, &a, "words").await, [my("ocelot.htm")]);
    assert!(found(&server, &a, "alpha").await.is_empty());
    assert!(found(&server, &a, "zebu").await.is_empty());
    assert_eq!(index_tasks(&server).await, 1);
    // A name that reads the content another way (markup as plain text) reads it again.
    let rename = json!({"uri": my("ocelot.htm"), "new_name": "ocelot.txt"});
    send(&server, &a, Method::POST, "/file/rename", rename).await;
    indexed(&server, 2).await;
    assert_eq!(found(&server, &a, "zebu").await, [my("ocelot.txt")]);
}

/// The index tasks queued so far.
async fn index_tasks(server: &TestServer) -> usize {
    task::Entity::find()
        .filter(task::Column::Type.eq("full_text_index"))
        .all(&server.state.db)
        .await
        .unwrap()
        .len()
}

#[tokio::test]
async fn a_file_restored_from_the_trash_is_indexed_if_it_never_was() {
    let (server, a) = setup().await;
    server
        .state
        .settings
        .set(&[("fts_enabled", "0")])
        .await
        .unwrap();
    folder(&server, &a, &my("Old")).await;
    upload(&server, &a, &my("Old/kept.txt"), b"a forgotten narwhal").await;
    let delete = json!({"uris": [my("Old")]});
    send(&server, &a, Method::DELETE, "/file", delete).await;
    server
        .state
        .settings
        .set(&[("fts_enabled", "1")])
        .await
        .unwrap();

    let trash = server
        .get_as("/file?uri=cloudreve%3A%2F%2Ftrash", &a.access_token)
        .await;
    let path = trash["data"]["files"][0]["path"].clone();
    assert!(path.is_string(), "{trash}");
    let restore = json!({"uris": [path]});
    send(&server, &a, Method::POST, "/file/restore", restore).await;
    indexed(&server, 1).await;
    assert_eq!(found(&server, &a, "narwhal").await, [my("Old/kept.txt")]);
}

#[tokio::test]
async fn a_snapshot_restored_into_another_folder_is_found_there() {
    let (server, a) = setup().await;
    folder(&server, &a, &my("Docs")).await;
    upload(&server, &a, &my("Docs/a.md"), b"the quokka smiles").await;
    indexed(&server, 1).await;
    let snap = json!({"uri": my("Docs"), "name": "s1", "description": "test"});
    let snapshot = send(&server, &a, Method::PUT, "/snapshot", snap).await;

    let id = snapshot["id"].as_str().unwrap();
    let body = json!({"mode": "copy", "dst": my("Restored")});
    let queued = send(
        &server,
        &a,
        Method::POST,
        &format!("/snapshot/{id}/restore"),
        body,
    )
    .await;
    let task_id = server
        .state
        .ids
        .decode(queued["id"].as_str().unwrap(), IdKind::Task)
        .unwrap();
    let row = crate::workflow::wait_task(&server, task_id, "ended", |t| {
        t.status == task::status::COMPLETED || t.status == task::status::ERROR
    })
    .await;
    assert_eq!(row.status, task::status::COMPLETED, "{row:?}");
    indexed(&server, 2).await;
    let hits = found(&server, &a, "quokka").await;
    assert_eq!(hits.len(), 2, "{hits:?}");
    assert_eq!(hits[0], my("Docs/a.md"));
    assert!(hits[1].starts_with(&my("Restored/")), "{hits:?}");
}

#[tokio::test]
async fn a_rebuild_counts_the_files_it_will_read() {
    let (server, a) = setup().await;
    server
        .state
        .settings
        .set(&[("fts_enabled", "0")])
        .await
        .unwrap();
    upload(&server, &a, &my("a.TXT"), b"one").await;
    upload(&server, &a, &my("b.docx"), b"not a zip").await;
    upload(&server, &a, &my("c.bin"), b"binary").await;
    upload(&server, &a, &my("txt"), b"no extension").await;
    server
        .state
        .settings
        .set(&[("fts_enabled", "1")])
        .await
        .unwrap();
    let admin = crate::admin::admin(&server, "root@example.com").await;
    send(
        &server,
        &admin,
        Method::POST,
        "/workflow/rebuildFtsIndex",
        json!({}),
    )
    .await;
    let row = task::Entity::find()
        .filter(task::Column::Type.eq("full_text_rebuild"))
        .one(&server.state.db)
        .await
        .unwrap()
        .unwrap();
    let row = crate::workflow::wait_task(&server, row.id, "completed", |t| {
        t.status == task::status::COMPLETED
    })
    .await;
    let st: Value = serde_json::from_str(&row.private_state).unwrap();
    assert_eq!(st["total"], 2, "{st}");
    assert_eq!(st["done"], 2, "{st}");
    assert_eq!(st["failed"], 1, "{st}");
}
