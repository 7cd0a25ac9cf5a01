//! A copy and a version made current again get what a new version gets: the media metadata
//! task (a copy made while the original had none yet, a version whose keys were dropped when
//! another replaced it) besides the full-text index, and only their owner finds them.

use exif::Tag;
use reqwest::Method;
use sea_orm::{ColumnTrait, EntityTrait, QueryFilter};
use serde_json::{Value, json};
use stratus_entity::task::{self, status};
use stratus_tests::{
    Session, TestServer,
    jpeg::{ascii, field, jpeg_with},
    query_escape,
};

use super::{edit, found, indexed, my, setup, upload};
use crate::{admin::PW, workflow::media_meta::exif_of};

async fn send(server: &TestServer, s: &Session, method: Method, path: &str, body: Value) {
    let answer = server.send_as(method, path, &s.access_token, &body).await;
    assert_eq!(answer["code"], 0, "{path} {body}: {answer}");
}

/// Waits until `n` media metadata tasks exist and all completed.
async fn described(server: &TestServer, n: usize) {
    let deadline = tokio::time::Instant::now() + std::time::Duration::from_secs(60);
    loop {
        let all = task::Entity::find()
            .filter(task::Column::Type.eq("media_meta"))
            .all(&server.state.db)
            .await
            .unwrap();
        if all.len() >= n && all.iter().all(|t| t.status == status::COMPLETED) {
            assert_eq!(all.len(), n, "{all:?}");
            return;
        }
        assert!(
            tokio::time::Instant::now() < deadline,
            "media tasks never done: {all:?}"
        );
        tokio::time::sleep(std::time::Duration::from_millis(50)).await;
    }
}

fn made_by(make: &str) -> Vec<u8> {
    jpeg_with(64, 48, &[field(Tag::Make, ascii(make))])
}

async fn make_of(server: &TestServer, s: &Session, uri: &str) -> Option<String> {
    exif_of(server, s, uri)
        .await
        .into_iter()
        .find(|(k, _)| k == "exif:camera_make")
        .map(|(_, v)| v)
}

#[tokio::test]
async fn a_copy_gets_its_exif_and_index_and_only_its_owner_finds_it() {
    let (server, a) = setup().await;
    server.create_user("b@example.com", PW).await;
    let b = server.login("b@example.com", PW).await;
    // Uploaded while metadata is off: the original has none to copy.
    server
        .state
        .settings
        .set(&[("media_meta", "0")])
        .await
        .unwrap();
    upload(&server, &a, &my("photo.jpg"), &made_by("Stratus")).await;
    upload(&server, &a, &my("note.txt"), b"a wandering axolotl").await;
    indexed(&server, 1).await;
    server
        .state
        .settings
        .set(&[("media_meta", "1")])
        .await
        .unwrap();

    let body = json!({"uri": my("Copies"), "type": "folder"});
    send(&server, &a, Method::POST, "/file/create", body).await;
    let copy =
        json!({"uris": [my("photo.jpg"), my("note.txt")], "dst": my("Copies"), "copy": true});
    send(&server, &a, Method::POST, "/file/move", copy).await;
    described(&server, 1).await;
    indexed(&server, 2).await;
    assert_eq!(
        make_of(&server, &a, &my("Copies/photo.jpg"))
            .await
            .as_deref(),
        Some("Stratus")
    );
    assert_eq!(
        found(&server, &a, "axolotl").await,
        [my("Copies/note.txt"), my("note.txt")]
    );
    assert!(found(&server, &b, "axolotl").await.is_empty());
}

#[tokio::test]
async fn a_version_made_current_again_shows_its_own_exif() {
    let (server, a) = setup().await;
    let uri = my("photo.jpg");
    upload(&server, &a, &uri, &made_by("First")).await;
    described(&server, 1).await;
    let info = server
        .get_as(
            &format!("/file/info?uri={}", query_escape(&uri)),
            &a.access_token,
        )
        .await;
    let first = info["data"]["primary_entity"].as_str().unwrap().to_owned();
    edit(&server, &a, &uri, &made_by("Second")).await;
    described(&server, 2).await;
    assert_eq!(make_of(&server, &a, &uri).await.as_deref(), Some("Second"));

    let body = json!({"uri": uri, "version": first});
    send(&server, &a, Method::POST, "/file/version/current", body).await;
    described(&server, 3).await;
    assert_eq!(make_of(&server, &a, &uri).await.as_deref(), Some("First"));
}
