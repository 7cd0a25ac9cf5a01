//! Saved shares: symbolic entries in `shared_with_me` that follow their share.

use reqwest::Method;
use serde_json::json;

use super::{info, list, make_tree, names, send, setup};

fn save_body(name: &str, target: &str, owner: &str) -> serde_json::Value {
    json!({"uri": format!("cloudreve://my/{name}"), "type": "file",
           "metadata": {"sys:shared_redirect": target, "sys:shared_owner": owner}})
}

#[tokio::test]
async fn a_saved_share_follows_its_share() {
    let (server, ann, bob) = setup().await;
    make_tree(&server, &ann).await;
    let (id, _) = server.share(&ann, "cloudreve://my/Docs", json!({})).await;
    let ann_hash = ann.user["id"].as_str().unwrap();
    let target = format!("cloudreve://{id}@share");

    let saved = send(
        &server,
        &bob,
        Method::POST,
        "/file/create",
        save_body("Anns docs", &target, ann_hash),
    )
    .await;
    assert_eq!(saved["code"], 0, "{saved}");
    let entry = saved["data"]["id"].as_str().unwrap().to_owned();
    let listed = list(&server, Some(&bob), "cloudreve://shared_with_me").await;
    assert_eq!(names(&listed), ["Anns docs"], "{listed}");
    let entry_uri = format!("cloudreve://shared_with_me/{entry}");
    assert_eq!(listed["data"]["files"][0]["path"], entry_uri);
    assert_eq!(
        listed["data"]["files"][0]["metadata"]["sys:shared_redirect"],
        target
    );
    // Opening it follows the share URI it holds.
    let opened = list(&server, Some(&bob), &target).await;
    assert_eq!(names(&opened), ["Sub", "a.txt"]);

    // Saving one's own share, or a share that does not work, is refused.
    let own = send(
        &server,
        &ann,
        Method::POST,
        "/file/create",
        save_body("Mine", &target, ann_hash),
    )
    .await;
    assert_eq!(own["code"], 40059, "{own}");
    let bogus = send(
        &server,
        &bob,
        Method::POST,
        "/file/create",
        save_body("Bogus", "cloudreve://zzzz@share", ann_hash),
    )
    .await;
    assert_eq!(bogus["code"], 40058, "{bogus}");

    // Once the share is gone, the entry is neither listed nor opened.
    let gone = send(
        &server,
        &ann,
        Method::DELETE,
        &format!("/share/{id}"),
        json!({}),
    )
    .await;
    assert_eq!(gone["code"], 0, "{gone}");
    assert_eq!(info(&server, None, &id, &[]).await["code"], 40058);
    let listed = list(&server, Some(&bob), "cloudreve://shared_with_me").await;
    assert_eq!(listed["code"], 0, "{listed}");
    assert!(names(&listed).is_empty(), "{listed}");
    let opened = super::get_q(&server, Some(&bob), "/file/info", &[("uri", &entry_uri)]).await;
    assert_eq!(opened["code"], 40058, "{opened}");
    assert_eq!(list(&server, Some(&bob), &target).await["code"], 40058);
}

#[tokio::test]
async fn saving_a_locked_share_needs_its_password() {
    let (server, ann, bob) = setup().await;
    make_tree(&server, &ann).await;
    let (id, link) = server
        .share(&ann, "cloudreve://my/Docs", json!({"is_private": true}))
        .await;
    let pw = link.rsplit('/').next().unwrap();
    let ann_hash = ann.user["id"].as_str().unwrap();
    let wrong = send(
        &server,
        &bob,
        Method::POST,
        "/file/create",
        save_body("S", &format!("cloudreve://{id}:wrongpw1@share"), ann_hash),
    )
    .await;
    assert_eq!(wrong["code"], 40069, "{wrong}");
    let right = send(
        &server,
        &bob,
        Method::POST,
        "/file/create",
        save_body("S", &format!("cloudreve://{id}:{pw}@share"), ann_hash),
    )
    .await;
    assert_eq!(right["code"], 0, "{right}");
}

#[tokio::test]
async fn a_saved_file_share_shows_the_files_size_and_opens_through_its_share() {
    let (server, ann, bob) = setup().await;
    make_tree(&server, &ann).await;
    let (id, _) = server
        .share(&ann, "cloudreve://my/Docs/a.txt", json!({}))
        .await;
    let ann_hash = ann.user["id"].as_str().unwrap();
    let target = format!("cloudreve://{id}@share");
    let saved = send(
        &server,
        &bob,
        Method::POST,
        "/file/create",
        save_body("a.txt", &target, ann_hash),
    )
    .await;
    assert_eq!(saved["code"], 0, "{saved}");

    // The entry is listed with the shared file's size, not the 0 bytes of the symbolic row.
    let listed = list(&server, Some(&bob), "cloudreve://shared_with_me").await;
    let entry = &listed["data"]["files"][0];
    assert_eq!(entry["size"], super::A.len(), "{listed}");
    assert_eq!(entry["metadata"]["sys:shared_redirect"], target);
    // So is its info.
    let entry_id = entry["id"].as_str().unwrap();
    let shown = super::get_q(&server, Some(&bob), "/file/info", &[("id", entry_id)]).await;
    assert_eq!(shown["data"]["size"], super::A.len(), "{shown}");

    // Following the share: its root shows the one file, which downloads through the share.
    let opened = list(&server, Some(&bob), &target).await;
    assert_eq!(opened["data"]["single_file_view"], true, "{opened}");
    let file = &opened["data"]["files"][0];
    assert_eq!(file["size"], super::A.len());
    let path = file["path"].as_str().unwrap();
    assert_eq!(server.download(&bob, path).await, super::A);
}
