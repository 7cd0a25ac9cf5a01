//! Several saved shares at once: B finds the files of every share of A that B saved and that
//! still opens for B (a folder, a folder behind a password, a single file), and nothing else
//! of A's: not A's other files, not a share B did not save, not a saved share that expired,
//! not one saved with a password A changed since, not one with a download limit.

use reqwest::Method;
use sea_orm::ActiveValue::Set;
use serde_json::json;
use stratus_tests::{Session, TestServer};

use super::{found, indexed, my, setup, upload};
use crate::admin::PW;

/// Saves the share `link` (`cloudreve://<id>[:<password>]@share`) as `name` in `s`'s root.
async fn save(server: &TestServer, s: &Session, owner: &Session, link: &str, name: &str) {
    let saved = server
        .send_as(
            Method::POST,
            "/file/create",
            &s.access_token,
            &json!({"uri": my(name), "type": "file",
                    "metadata": {"sys:shared_redirect": link,
                                 "sys:shared_owner": owner.user["id"]}}),
        )
        .await;
    assert_eq!(saved["code"], 0, "{saved}");
}

#[tokio::test]
async fn three_saved_shares_are_searched_and_nothing_else() {
    let (server, a) = setup().await;
    server.create_user("b@example.com", PW).await;
    let b = server.login("b@example.com", PW).await;
    for (path, body) in [
        ("Zoo/open/w1.txt", "a wombat in the open"),
        ("Zoo/locked/deep/w2.txt", "a wombat behind a lock"),
        ("solo.txt", "a wombat alone"),
        ("Zoo/unsaved/w3.txt", "a wombat nobody saved"),
        ("Zoo/old/w4.txt", "a wombat long gone"),
        ("Zoo/changed/w5.txt", "a wombat under a new password"),
        ("private.txt", "a private wombat"),
    ] {
        upload(&server, &a, &my(path), body.as_bytes()).await;
    }
    upload(&server, &b, &my("mine.txt"), b"my own wombat").await;
    indexed(&server, 8).await;

    let (open, _) = server.share(&a, &my("Zoo/open"), json!({})).await;
    let (locked, _) = server
        .share(&a, &my("Zoo/locked"), json!({"password": "Secret42"}))
        .await;
    let (solo, _) = server.share(&a, &my("solo.txt"), json!({})).await;
    server.share(&a, &my("Zoo/unsaved"), json!({})).await;
    let (old, _) = server
        .share(&a, &my("Zoo/old"), json!({"expire": 3600}))
        .await;
    let (changed, _) = server
        .share(&a, &my("Zoo/changed"), json!({"password": "Before1"}))
        .await;
    save(
        &server,
        &b,
        &a,
        &format!("cloudreve://{open}@share"),
        "Open",
    )
    .await;
    let locked_root = format!("cloudreve://{locked}:Secret42@share");
    save(&server, &b, &a, &locked_root, "Locked").await;
    save(
        &server,
        &b,
        &a,
        &format!("cloudreve://{solo}@share"),
        "Solo",
    )
    .await;
    save(&server, &b, &a, &format!("cloudreve://{old}@share"), "Old").await;
    let changed_root = format!("cloudreve://{changed}:Before1@share");
    save(&server, &b, &a, &changed_root, "Changed").await;

    let everything = [
        format!("cloudreve://{locked}:Secret42@share/deep/w2.txt"),
        format!("cloudreve://{old}@share/w4.txt"),
        format!("cloudreve://{open}@share/w1.txt"),
        format!("cloudreve://{solo}@share/solo.txt"),
        format!("{changed_root}/w5.txt"),
        my("mine.txt"),
    ];
    let mut expected = everything.to_vec();
    expected.sort();
    assert_eq!(found(&server, &b, "wombat").await, expected);

    // The expired share and the one whose password changed give nothing any more.
    server
        .edit_share(&old, |s| {
            s.expires = Set(Some(chrono::Utc::now() - chrono::Duration::seconds(1)))
        })
        .await;
    server
        .edit_share(&changed, |s| s.password = Set(Some("After2".into())))
        .await;
    let mut expected: Vec<String> = everything
        .iter()
        .filter(|p| !p.contains(&old) && !p.contains(&changed))
        .cloned()
        .collect();
    expected.sort();
    assert_eq!(found(&server, &b, "wombat").await, expected);
    // A finds all of A's own, and none of B's.
    assert_eq!(found(&server, &a, "wombat").await.len(), 7);
}

#[tokio::test]
async fn a_saved_share_with_a_download_limit_is_not_searched() {
    let (server, a) = setup().await;
    server.create_user("b@example.com", PW).await;
    let b = server.login("b@example.com", PW).await;
    upload(&server, &a, &my("Free/q1.txt"), b"a quokka for all").await;
    upload(&server, &a, &my("Counted/q2.txt"), b"a quokka counted").await;
    indexed(&server, 2).await;
    let (free, _) = server.share(&a, &my("Free"), json!({})).await;
    let (counted, _) = server
        .share(&a, &my("Counted"), json!({"downloads": 2}))
        .await;
    save(
        &server,
        &b,
        &a,
        &format!("cloudreve://{free}@share"),
        "Free",
    )
    .await;
    save(
        &server,
        &b,
        &a,
        &format!("cloudreve://{counted}@share"),
        "Counted",
    )
    .await;
    let downloads = |server: &TestServer| {
        let id = server
            .state
            .ids
            .decode(&counted, stratus_server::ids::IdKind::Share);
        let db = server.state.db.clone();
        async move {
            use sea_orm::EntityTrait;
            let row = stratus_entity::share::Entity::find_by_id(id.unwrap())
                .one(&db)
                .await
                .unwrap()
                .unwrap();
            (row.downloads, row.remain_downloads)
        }
    };
    let before = downloads(&server).await;
    assert_eq!(before.1, Some(2), "{before:?}");

    // Only the unlimited share's file is found, with its snippet; nothing of the other.
    let body = super::search_raw(&server, &b, "quokka", "").await;
    assert_eq!(body["code"], 0, "{body}");
    let hits = body["data"]["hits"].as_array().unwrap();
    assert_eq!(hits.len(), 1, "{body}");
    assert_eq!(
        hits[0]["file"]["path"],
        format!("cloudreve://{free}@share/q1.txt")
    );
    assert!(
        hits[0]["content"].as_str().unwrap().contains("quokka"),
        "{body}"
    );
    assert!(!body.to_string().contains("counted"), "{body}");
    // Not even below the share itself.
    let within = super::search_raw(
        &server,
        &b,
        "quokka",
        &format!(
            "&uri={}",
            stratus_tests::query_escape(&format!("cloudreve://{counted}@share"))
        ),
    )
    .await;
    assert_eq!(within["code"], 0, "{within}");
    assert_eq!(within["data"]["hits"], json!([]), "{within}");
    // Searching counted no download, and the owner still finds her own file.
    assert_eq!(downloads(&server).await, before);
    assert_eq!(found(&server, &a, "quokka").await.len(), 2);

    // Once the limit is lifted, the share is searched like any other.
    server
        .edit_share(&counted, |s| s.remain_downloads = Set(None))
        .await;
    assert_eq!(found(&server, &b, "quokka").await.len(), 2);
}
