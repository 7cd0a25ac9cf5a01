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

/// Ann's files with `Docs` shared with a limit of `downloads`, and Bob's WebDAV password for a
/// mount of that share: `(server, ann, share id, password)`.
async fn docs_mounted_by_bob(downloads: u32) -> (TestServer, Session, String, String) {
    let (server, ann) = setup().await;
    ann_files(&server, &ann).await;
    let (id, _) = share(
        &server,
        &ann,
        "cloudreve://my/Docs",
        json!({"downloads": downloads}),
    )
    .await;
    let bob = bob(&server).await;
    let pw = password(&server, &bob, &format!("cloudreve://{id}@share")).await;
    (server, ann, id, pw)
}

#[tokio::test]
async fn a_shared_folder_mounts_read_only_and_counts_downloads() {
    let (server, ann, id, pw) = docs_mounted_by_bob(2).await;

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

const PROPPATCH: &str = r#"<?xml version="1.0"?><D:propertyupdate xmlns:D="DAV:"><D:set><D:prop><x xmlns="urn:x">1</x></D:prop></D:set></D:propertyupdate>"#;

/// Saves the share `target` into bob's own files as `name` (a symbolic entry).
async fn save(server: &TestServer, ann: &Session, bob: &Session, name: &str, target: &str) {
    let body = json!({
        "uri": format!("cloudreve://my/{name}"),
        "type": "file",
        "metadata": {
            "sys:shared_redirect": target,
            "sys:shared_owner": ann.user["id"].as_str().unwrap(),
        },
    });
    let saved = server
        .send_as(Method::POST, "/file/create", &bob.access_token, &body)
        .await;
    assert_eq!(saved["code"], 0, "{saved}");
}

/// A saved share inside bob's own mount opens as the share, read-only, while the entry itself
/// stays bob's to delete; a share that stops working closes it.
#[tokio::test]
async fn a_saved_share_in_a_my_mount_leads_into_the_share() {
    let (server, ann) = setup().await;
    ann_files(&server, &ann).await;
    let (docs, _) = share(&server, &ann, "cloudreve://my/Docs", json!({})).await;
    let (solo, _) = share(&server, &ann, "cloudreve://my/solo.txt", json!({})).await;
    let bob = bob(&server).await;
    save(
        &server,
        &ann,
        &bob,
        "Anns docs",
        &format!("cloudreve://{docs}@share"),
    )
    .await;
    save(
        &server,
        &ann,
        &bob,
        "Anns solo",
        &format!("cloudreve://{solo}@share"),
    )
    .await;
    let pw = password(&server, &bob, "cloudreve://my").await;

    // Listed as what they lead to: collections, as the share URIs show them (a file share
    // holds its one file).
    let (status, body) = propfind(&server, "/", BOB, &pw).await;
    assert_eq!(status, 207, "{body}");
    let entry = |name: &str| {
        let start = body.find(&format!("<D:href>/dav/{name}")).expect(name);
        let end = body[start..].find("</D:response>").unwrap();
        body[start..start + end].to_owned()
    };
    assert!(entry("Anns%20docs/").contains("<D:collection/>"), "{body}");
    assert!(entry("Anns%20solo/").contains("<D:collection/>"), "{body}");
    let (status, inside) = propfind(&server, "/Anns%20docs/", BOB, &pw).await;
    assert_eq!(status, 207, "{inside}");
    assert!(inside.contains("/dav/Anns%20docs/a.txt"), "{inside}");
    assert!(inside.contains("/dav/Anns%20docs/sub/"), "{inside}");
    let (status, solo_dir) = propfind(&server, "/Anns%20solo/", BOB, &pw).await;
    assert_eq!(status, 207, "{solo_dir}");
    assert_eq!(solo_dir.matches("<D:response>").count(), 2, "{solo_dir}");
    assert!(solo_dir.contains("/dav/Anns%20solo/solo.txt"), "{solo_dir}");
    assert_eq!(
        get(&server, "/Anns%20docs/a.txt", &pw).await,
        (200, "alpha".into())
    );
    assert_eq!(
        get(&server, "/Anns%20docs/sub/b.txt", &pw).await,
        (200, "beta".into())
    );
    assert_eq!(
        get(&server, "/Anns%20solo/solo.txt", &pw).await,
        (200, "solo".into())
    );
    // Nothing of ann's beyond what each share holds.
    assert_eq!(get(&server, "/Anns%20solo/Docs/a.txt", &pw).await.0, 404);
    assert_eq!(get(&server, "/Anns%20docs/missing.txt", &pw).await.0, 404);

    // Nothing inside can be changed.
    for (m, path) in [
        ("PUT", "/Anns%20docs/new.txt"),
        ("PUT", "/Anns%20docs/a.txt"),
        ("PUT", "/Anns%20docs/sub/b.txt"),
        ("MKCOL", "/Anns%20docs/dir"),
        ("DELETE", "/Anns%20docs/a.txt"),
        ("DELETE", "/Anns%20docs/sub"),
        ("MOVE", "/Anns%20docs/a.txt"),
        ("PROPPATCH", "/Anns%20docs/a.txt"),
    ] {
        let body = match m {
            "PUT" => "x",
            "PROPPATCH" => PROPPATCH,
            _ => "",
        };
        let resp = dav(&server, m, path, BOB, &pw)
            .header("Destination", server.url("/dav/mine.txt"))
            .body(body)
            .send()
            .await
            .unwrap();
        assert_eq!(resp.status(), 403, "{m} {path}");
    }
    let own = password(&server, &ann, "cloudreve://my").await;
    let (_, anns) = propfind(&server, "/Docs/", ANN, &own).await;
    assert_eq!(anns.matches("<D:response>").count(), 3, "{anns}");
    let resp = dav(&server, "GET", "/Docs/a.txt", ANN, &own)
        .send()
        .await
        .unwrap();
    assert_eq!(resp.text().await.unwrap(), "alpha");

    // The entry itself is bob's: deleting it removes the link, not ann's folder.
    let resp = dav(&server, "DELETE", "/Anns%20docs", BOB, &pw)
        .send()
        .await
        .unwrap();
    assert_eq!(resp.status(), 204);
    assert_eq!(get(&server, "/Anns%20docs/a.txt", &pw).await.0, 404);
    let (_, anns) = propfind(&server, "/Docs/", ANN, &own).await;
    assert_eq!(anns.matches("<D:response>").count(), 3, "{anns}");

    // A deleted share leaves an entry that leads nowhere.
    let resp = server
        .send_as(
            Method::DELETE,
            &format!("/share/{solo}"),
            &ann.access_token,
            &json!({}),
        )
        .await;
    assert_eq!(resp["code"], 0, "{resp}");
    assert_eq!(get(&server, "/Anns%20solo/solo.txt", &pw).await.0, 404);
}

#[tokio::test]
async fn a_range_that_starts_at_the_first_byte_is_a_download() {
    let (server, ann, id, pw) = docs_mounted_by_bob(1).await;

    // A suffix range as long as the file asks for all of it: the one download.
    let whole = dav(&server, "GET", "/a.txt", BOB, &pw)
        .header("Range", "bytes=-5")
        .send()
        .await
        .unwrap();
    assert_eq!(whole.status(), 206);
    assert_eq!(whole.text().await.unwrap(), "alpha");
    let shown = server
        .get_as(&format!("/share/info/{id}"), &ann.access_token)
        .await;
    assert_eq!(shown["data"]["downloaded"], 1, "{shown}");
    assert_ne!(get(&server, "/a.txt", &pw).await.0, 200);
}
