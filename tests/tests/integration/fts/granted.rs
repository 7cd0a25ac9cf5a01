//! Search through grants: B finds the files below a folder A granted them, under
//! `cloudreve://<A>@my/…` with what the grant allows, and nothing of A's outside it; a grant
//! to B's group counts the same; taken back or trashed, nothing is found.

use reqwest::Method;
use serde_json::{Value, json};
use stratus_tests::{Session, TestServer};

use super::{indexed, my, search_raw, setup, upload};
use crate::admin::PW;

/// `PUT /file/permission` of A's `uri`: `users` and `groups` as the route takes them.
async fn grant(server: &TestServer, a: &Session, uri: &str, users: Value, groups: Value) {
    let body = server
        .send_as(
            Method::PUT,
            "/file/permission",
            &a.access_token,
            &json!({"uri": uri, "users": users, "groups": groups}),
        )
        .await;
    assert_eq!(body["code"], 0, "{body}");
}

/// The hits for `query` as `s`: (path, capability), sorted.
async fn hits(server: &TestServer, s: &Session, query: &str) -> Vec<(String, String)> {
    let body = search_raw(server, s, query, "").await;
    assert_eq!(body["code"], 0, "{body}");
    let mut out: Vec<(String, String)> = body["data"]["hits"]
        .as_array()
        .unwrap()
        .iter()
        .map(|h| {
            let file = &h["file"];
            (
                file["path"].as_str().unwrap().to_owned(),
                file["capability"].as_str().unwrap_or_default().to_owned(),
            )
        })
        .collect();
    out.sort();
    out
}

#[tokio::test]
async fn a_grant_lets_its_recipient_find_what_is_below_it_and_nothing_else() {
    let (server, a) = setup().await;
    upload(&server, &a, &my("Team/deep/okapi.txt"), b"a striped okapi").await;
    upload(&server, &a, &my("Private/okapi.txt"), b"a private okapi").await;
    indexed(&server, 2).await;
    server.create_user("b@example.com", PW).await;
    let b = server.login("b@example.com", PW).await;
    let b_id = b.user["id"].as_str().unwrap().to_owned();
    assert!(hits(&server, &b, "okapi").await.is_empty());

    grant(
        &server,
        &a,
        &my("Team"),
        json!({ &b_id: "read" }),
        json!({}),
    )
    .await;
    let owner = a.user["id"].as_str().unwrap();
    let path = format!("cloudreve://{owner}@my/Team/deep/okapi.txt");
    let read = hits(&server, &b, "okapi").await;
    assert_eq!(read.len(), 1, "{read:?}");
    assert_eq!(read[0].0, path);
    // The hit says what the grant allows: more with write.
    grant(
        &server,
        &a,
        &my("Team"),
        json!({ &b_id: "write" }),
        json!({}),
    )
    .await;
    let write = hits(&server, &b, "okapi").await;
    assert_eq!(write[0].0, path);
    assert_ne!(
        write[0].1, read[0].1,
        "read and write grants allow the same"
    );
    // A still finds both of her own.
    assert_eq!(hits(&server, &a, "okapi").await.len(), 2);

    // Taken back: nothing. Given to B's group instead: found again.
    grant(
        &server,
        &a,
        &my("Team"),
        json!({ &b_id: "none" }),
        json!({}),
    )
    .await;
    assert!(hits(&server, &b, "okapi").await.is_empty());
    let group = b.user["group"]["id"].as_str().unwrap().to_owned();
    grant(
        &server,
        &a,
        &my("Team"),
        json!({}),
        json!({ &group: "read" }),
    )
    .await;
    assert_eq!(hits(&server, &b, "okapi").await.len(), 1);

    // The folder in A's trash: nothing.
    crate::archive::trash(&server, &a, &[&my("Team")]).await;
    assert!(hits(&server, &b, "okapi").await.is_empty());
}
