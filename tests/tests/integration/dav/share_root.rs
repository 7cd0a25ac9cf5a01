//! Accounts rooted at a share URI: another user mounts what was shared with them, read-only,
//! confined to the shared item, with the share's password, expiry and download limit.

use reqwest::Method;
use serde_json::{Value, json};
use stratus_tests::{Session, TestServer};

use super::{PW, dav, password, propfind, setup};

const ANN: &str = "ann@example.com";
const BOB: &str = "bob@example.com";

/// Ann's files, written through her own mount: `Docs/a.txt`, `Docs/sub/b.txt`, `solo.txt`.
async fn ann_files(server: &TestServer, ann: &Session) {
    let pw = password(server, ann, "cloudreve://my").await;
    for (m, path, body) in [
        ("MKCOL", "/Docs", ""),
        ("MKCOL", "/Docs/sub", ""),
        ("PUT", "/Docs/a.txt", "alpha"),
        ("PUT", "/Docs/sub/b.txt", "beta"),
        ("PUT", "/solo.txt", "solo"),
    ] {
        let resp = dav(server, m, path, ANN, &pw)
            .body(body)
            .send()
            .await
            .unwrap();
        assert_eq!(resp.status(), 201, "{m} {path}");
    }
}

/// Shares `uri` as ann; returns `(share id, password)` (empty for a public share).
async fn share(server: &TestServer, ann: &Session, uri: &str, extra: Value) -> (String, String) {
    let (id, link) = server.share(ann, uri, extra).await;
    let secret = link.split("/s/").nth(1).unwrap().split('/').nth(1);
    (id, secret.unwrap_or_default().to_owned())
}

async fn get(server: &TestServer, path: &str, pw: &str) -> (u16, String) {
    let resp = dav(server, "GET", path, BOB, pw).send().await.unwrap();
    (resp.status().as_u16(), resp.text().await.unwrap())
}

async fn bob(server: &TestServer) -> Session {
    server.create_user(BOB, PW).await;
    server.login(BOB, PW).await
}

#[tokio::test]
async fn a_shared_folder_mounts_read_only_and_counts_downloads() {
    let (server, ann) = setup().await;
    ann_files(&server, &ann).await;
    let (id, _) = share(
        &server,
        &ann,
        "cloudreve://my/Docs",
        json!({"downloads": 2}),
    )
    .await;
    let bob = bob(&server).await;
    let pw = password(&server, &bob, &format!("cloudreve://{id}@share")).await;

    let (status, body) = propfind(&server, "/", BOB, &pw).await;
    assert_eq!(status, 207, "{body}");
    assert!(body.contains("/dav/a.txt"), "{body}");
    assert!(body.contains("/dav/sub/"), "{body}");
    assert!(!body.contains("solo.txt"), "{body}");

    // Nothing can be written, and nothing above the shared folder can be reached.
    for (m, path) in [
        ("PUT", "/new.txt"),
        ("PUT", "/a.txt"),
        ("MKCOL", "/dir"),
        ("DELETE", "/a.txt"),
        ("MOVE", "/a.txt"),
        ("LOCK", "/a.txt"),
        ("PROPPATCH", "/a.txt"),
    ] {
        let resp = dav(&server, m, path, BOB, &pw)
            .header("Destination", server.url("/dav/b.txt"))
            .body("x")
            .send()
            .await
            .unwrap();
        assert_eq!(resp.status(), 403, "{m} {path}");
    }
    assert_eq!(get(&server, "/..%2fsolo.txt", &pw).await.0, 400);
    assert_eq!(get(&server, "/solo.txt", &pw).await.0, 404);

    // A range from the middle is not a new download; two whole reads use the share up.
    let part = dav(&server, "GET", "/a.txt", BOB, &pw)
        .header("Range", "bytes=2-")
        .send()
        .await
        .unwrap();
    assert_eq!(part.status(), 206);
    assert_eq!(part.text().await.unwrap(), "pha");
    assert_eq!(get(&server, "/a.txt", &pw).await, (200, "alpha".into()));
    assert_eq!(get(&server, "/sub/b.txt", &pw).await, (200, "beta".into()));
    let shown = server
        .get_as(&format!("/share/info/{id}"), &ann.access_token)
        .await;
    assert_eq!(shown["data"]["downloaded"], 2, "{shown}");
    assert_ne!(get(&server, "/a.txt", &pw).await.0, 200);
    assert_ne!(propfind(&server, "/", BOB, &pw).await.0, 207);

    // Ann's files are untouched.
    let own = password(&server, &ann, "cloudreve://my/Docs").await;
    let resp = dav(&server, "GET", "/a.txt", ANN, &own)
        .send()
        .await
        .unwrap();
    assert_eq!(resp.text().await.unwrap(), "alpha");
}

#[tokio::test]
async fn a_private_single_file_share_shows_only_its_file() {
    let (server, ann) = setup().await;
    ann_files(&server, &ann).await;
    let (id, secret) = share(
        &server,
        &ann,
        "cloudreve://my/solo.txt",
        json!({"is_private": true}),
    )
    .await;
    assert!(!secret.is_empty());
    let bob = bob(&server).await;

    let pw = password(&server, &bob, &format!("cloudreve://{id}:{secret}@share")).await;
    let (status, body) = propfind(&server, "/", BOB, &pw).await;
    assert_eq!(status, 207, "{body}");
    assert!(body.contains("/dav/solo.txt"), "{body}");
    assert!(!body.contains("Docs"), "{body}");
    assert_eq!(get(&server, "/solo.txt", &pw).await, (200, "solo".into()));
    assert_eq!(get(&server, "/Docs/a.txt", &pw).await.0, 404);

    // Without the password, or with a wrong one, nothing is shown.
    for uri in [
        format!("cloudreve://{id}@share"),
        format!("cloudreve://{id}:wrong1@share"),
    ] {
        let pw = password(&server, &bob, &uri).await;
        assert_ne!(propfind(&server, "/", BOB, &pw).await.0, 207, "{uri}");
        assert_ne!(get(&server, "/solo.txt", &pw).await.0, 200, "{uri}");
    }

    // A deleted share closes the mount.
    let resp = server
        .send_as(
            Method::DELETE,
            &format!("/share/{id}"),
            &ann.access_token,
            &json!({}),
        )
        .await;
    assert_eq!(resp["code"], 0, "{resp}");
    assert_ne!(get(&server, "/solo.txt", &pw).await.0, 200);
}
