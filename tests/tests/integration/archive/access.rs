//! Whose files an archive may hold: the requester's, as they are when it is fetched. Other
//! users' URIs are refused, trashed files are left out, and a failure midway breaks the
//! download instead of ending it as a valid but incomplete zip.

use reqwest::StatusCode;
use sea_orm::{ColumnTrait, EntityTrait, QueryFilter};
use serde_json::json;
use stratus_entity::file;
use stratus_server::ids::IdKind;

use super::{
    PW, allow_archives, archive_answer, archive_url, blob_of, fetch_entries, my, setup,
    stored_session, trash, upload,
};

#[tokio::test]
async fn other_users_uris_are_refused_and_the_session_names_the_requester() {
    let (server, ann) = setup().await;
    allow_archives(&server, true).await;
    server.create_user("bob@example.com", PW).await;
    let bob = server.login("bob@example.com", PW).await;
    upload(&server, &ann, &my("mine.txt"), b"ann").await;
    upload(&server, &bob, &my("secret.txt"), b"bob").await;
    let bob_id = bob.user["id"].as_str().unwrap();
    let bobs = format!("cloudreve://{bob_id}@my/secret.txt");

    let answer = archive_answer(&server, &ann, json!({"uris": [bobs], "archive": true})).await;
    assert_eq!(answer["code"], 404, "{answer}");
    let answer = archive_answer(
        &server,
        &ann,
        json!({"uris": [my("mine.txt"), bobs], "archive": true}),
    )
    .await;
    assert_eq!(answer["code"], 40081, "{answer}");
    assert_eq!(answer["aggregated_error"][&bobs]["code"], 404, "{answer}");

    // With skip_error the foreign URI is left out of the session.
    let answer = archive_answer(
        &server,
        &ann,
        json!({"uris": [my("mine.txt"), bobs], "archive": true, "skip_error": true}),
    )
    .await;
    assert_eq!(answer["code"], 0, "{answer}");
    let url = answer["data"]["urls"][0]["url"].as_str().unwrap();
    let session = stored_session(&server, url).await;
    let ann_id = server
        .state
        .ids
        .decode(ann.user["id"].as_str().unwrap(), IdKind::User)
        .unwrap();
    assert_eq!(session["requester_id"], ann_id);
    assert_eq!(session["uris"], json!([my("mine.txt")]));
    let entries = fetch_entries(&server, url).await;
    assert_eq!(entries.keys().collect::<Vec<_>>(), ["mine.txt"]);

    // Nothing left at all: the request fails.
    let answer = archive_answer(
        &server,
        &ann,
        json!({"uris": [bobs], "archive": true, "skip_error": true}),
    )
    .await;
    assert_eq!(answer["code"], 404, "{answer}");
}

#[tokio::test]
async fn what_was_trashed_after_the_session_was_made_is_left_out() {
    let (server, ann) = setup().await;
    allow_archives(&server, true).await;
    upload(&server, &ann, &my("d/keep.txt"), b"keep").await;
    upload(&server, &ann, &my("d/drop.txt"), b"drop").await;
    upload(&server, &ann, &my("gone.txt"), b"gone").await;
    let url = archive_url(&server, &ann, &[&my("d"), &my("gone.txt")]).await;
    let gone = row_named(&server, "gone.txt").await;
    trash(&server, &ann, &[&my("d/drop.txt"), &my("gone.txt")]).await;
    let entries = fetch_entries(&server, &url).await;
    assert_eq!(entries.keys().collect::<Vec<_>>(), ["d/", "d/keep.txt"]);

    // Trash URIs cannot be zipped at all.
    let trashed = file::Entity::find_by_id(gone.id)
        .one(&server.state.db)
        .await
        .unwrap()
        .unwrap();
    assert_eq!(trashed.parent_id, None, "in the trash");
    let trash_uri = format!("cloudreve://trash/{}", trashed.name);
    let answer = archive_answer(&server, &ann, json!({"uris": [trash_uri], "archive": true})).await;
    assert_eq!(answer["code"], 403, "{answer}");
}

#[tokio::test]
async fn a_failure_midway_breaks_the_download() {
    let (server, ann) = setup().await;
    allow_archives(&server, true).await;
    upload(&server, &ann, &my("d/a-first.bin"), &vec![7u8; 200_000]).await;
    upload(
        &server,
        &ann,
        &my("d/b-broken.bin"),
        b"this blob will vanish",
    )
    .await;
    let url = archive_url(&server, &ann, &[&my("d")]).await;
    let broken = row_named(&server, "b-broken.bin").await;
    let blob = blob_of(&server, broken.id).await;
    let driver = server
        .state
        .storage
        .driver(blob.storage_policy_id)
        .await
        .unwrap();
    driver
        .delete(std::slice::from_ref(&blob.source))
        .await
        .unwrap();

    let fetched = async {
        let resp = server.client.get(&url).send().await?;
        assert_eq!(resp.status(), StatusCode::OK);
        resp.bytes().await
    }
    .await;
    assert!(fetched.is_err(), "the body must end with an error");
}

async fn row_named(server: &stratus_tests::TestServer, name: &str) -> file::Model {
    file::Entity::find()
        .filter(file::Column::Name.eq(name))
        .one(&server.state.db)
        .await
        .unwrap()
        .unwrap()
}
