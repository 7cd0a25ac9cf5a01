//! A folder's ETag changes when anything below it changes, through every door (the API,
//! `/dav`, `/remote.php`), and never on a read: a sync client that sees the root's ETag
//! unchanged skips the whole tree.

use reqwest::Method;
use serde_json::json;

use super::{ANN, ann, api, etag, mkdir, nc, propfind};
use crate::dav::dav;

#[tokio::test]
async fn the_root_etag_follows_writes_three_levels_down_and_not_reads() {
    let (server, s, pw) = ann().await;
    mkdir(&server, &s, "cloudreve://my/a/b/c").await;
    mkdir(&server, &s, "cloudreve://my/other").await;
    let put = nc(&server, "PUT", "/a/b/c/f.txt", &pw)
        .body("one")
        .send()
        .await
        .unwrap();
    assert_eq!(put.status(), 201);

    let root = etag(&server, "/", &pw).await;
    let a = etag(&server, "/a", &pw).await;
    let other = etag(&server, "/other", &pw).await;
    // Reads change nothing.
    let got = nc(&server, "GET", "/a/b/c/f.txt", &pw)
        .send()
        .await
        .unwrap();
    assert_eq!(got.text().await.unwrap(), "one");
    let (status, _) = propfind(&server, "/a/b/c", &pw, "1", "<d:getetag/>").await;
    assert_eq!(status, 207);
    server.download(&s, "cloudreve://my/a/b/c/f.txt").await;
    assert_eq!(etag(&server, "/", &pw).await, root);
    assert_eq!(etag(&server, "/a", &pw).await, a);

    // Each write below moves every folder above it, and nothing beside it.
    let mut last = root;
    let mut changed = |now: String, what: &str| {
        assert_ne!(now, last, "{what}");
        last = now;
    };
    // WebDAV overwrite through /remote.php.
    let put = nc(&server, "PUT", "/a/b/c/f.txt", &pw)
        .body("two")
        .send()
        .await
        .unwrap();
    assert_eq!(put.status(), 204);
    changed(etag(&server, "/", &pw).await, "overwrite");
    assert_ne!(etag(&server, "/a", &pw).await, a);
    assert_eq!(etag(&server, "/other", &pw).await, other);
    // An upload through the API.
    server
        .upload(&s, "cloudreve://my/a/b/c/g.txt", b"api", json!({}))
        .await;
    changed(etag(&server, "/", &pw).await, "API upload");
    // A folder made through /dav.
    let made = dav(&server, "MKCOL", "/a/b/c/d", ANN, &pw)
        .send()
        .await
        .unwrap();
    assert_eq!(made.status(), 201);
    changed(etag(&server, "/", &pw).await, "MKCOL");
    // A rename through the API.
    api(
        &server,
        &s,
        Method::POST,
        "/file/rename",
        json!({"uri": "cloudreve://my/a/b/c/g.txt", "new_name": "h.txt"}),
    )
    .await;
    changed(etag(&server, "/", &pw).await, "rename");
    // A move out of the tree: both sides change.
    let other_before = etag(&server, "/other", &pw).await;
    let c_before = etag(&server, "/a/b/c", &pw).await;
    api(
        &server,
        &s,
        Method::POST,
        "/file/move",
        json!({"uris": ["cloudreve://my/a/b/c/h.txt"], "dst": "cloudreve://my/other"}),
    )
    .await;
    assert_ne!(etag(&server, "/other", &pw).await, other_before);
    assert_ne!(etag(&server, "/a/b/c", &pw).await, c_before);
    changed(etag(&server, "/", &pw).await, "move");
    // A delete (to the trash) and a restore.
    api(
        &server,
        &s,
        Method::DELETE,
        "/file",
        json!({"uris": ["cloudreve://my/a/b/c/f.txt"]}),
    )
    .await;
    let c_deleted = etag(&server, "/a/b/c", &pw).await;
    assert_ne!(c_deleted, c_before);
    changed(etag(&server, "/", &pw).await, "delete");
    let trash = server
        .get_as("/file?uri=cloudreve%3A%2F%2Ftrash", &s.access_token)
        .await;
    let binned = trash["data"]["files"][0]["path"]
        .as_str()
        .unwrap()
        .to_owned();
    api(
        &server,
        &s,
        Method::POST,
        "/file/restore",
        json!({"uris": [binned]}),
    )
    .await;
    assert_ne!(etag(&server, "/a/b/c", &pw).await, c_deleted);
    changed(etag(&server, "/", &pw).await, "restore");
    // A WebDAV delete.
    let gone = nc(&server, "DELETE", "/a/b/c/d", &pw).send().await.unwrap();
    assert_eq!(gone.status(), 204);
    changed(etag(&server, "/", &pw).await, "DELETE");
}
