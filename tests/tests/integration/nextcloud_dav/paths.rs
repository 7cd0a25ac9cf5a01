//! `/remote.php/webdav/…` and `/remote.php/dav/files/<user>/…` serve the tree `/dav` serves,
//! with hrefs under the request's own prefix, for the caller only.

use super::{ANN, ann, at, nc, propfind, responses};
use crate::dav::dav;

#[tokio::test]
async fn every_prefix_serves_the_same_tree_with_its_own_hrefs() {
    let (server, s, pw) = ann().await;
    let put = nc(&server, "PUT", "/a%20b.txt", &pw)
        .body("hello")
        .send()
        .await
        .unwrap();
    assert_eq!(put.status(), 201);
    let hash = s.user["id"].as_str().unwrap().to_owned();
    let upper = ANN.to_uppercase();
    for prefix in [
        format!("/remote.php/dav/files/{ANN}"),
        format!("/remote.php/dav/files/{hash}"),
        format!("/remote.php/dav/files/{upper}"),
        "/remote.php/webdav".to_owned(),
        "/dav".to_owned(),
    ] {
        let resp = at(&server, "PROPFIND", &format!("{prefix}/"), &pw)
            .header("Depth", "1")
            .send()
            .await
            .unwrap();
        assert_eq!(resp.status(), 207, "{prefix}");
        let body = resp.text().await.unwrap();
        let hrefs: Vec<String> = responses(&body).into_iter().map(|(h, _)| h).collect();
        assert_eq!(
            hrefs,
            [format!("{prefix}/"), format!("{prefix}/a b.txt")],
            "{body}"
        );
        let got = at(&server, "GET", &format!("{prefix}/a%20b.txt"), &pw)
            .send()
            .await
            .unwrap();
        assert_eq!(got.text().await.unwrap(), "hello", "{prefix}");
    }
    // A MOVE names its destination under the same prefix.
    let moved = at(&server, "MOVE", "/remote.php/webdav/a%20b.txt", &pw)
        .header("Destination", server.url("/remote.php/webdav/c.txt"))
        .send()
        .await
        .unwrap();
    assert_eq!(moved.status(), 201);
    let got = dav(&server, "GET", "/c.txt", ANN, &pw)
        .send()
        .await
        .unwrap();
    assert_eq!(got.text().await.unwrap(), "hello");
}

#[tokio::test]
async fn another_users_tree_and_bad_paths_are_not_found() {
    let (server, _s, pw) = ann().await;
    server.create_user("bob@example.com", "password123").await;
    let bob = server.login("bob@example.com", "password123").await;
    let bob_hash = bob.user["id"].as_str().unwrap().to_owned();
    for path in [
        "/remote.php/dav/files/bob@example.com/".to_owned(),
        format!("/remote.php/dav/files/{bob_hash}/"),
        "/remote.php/dav/files/".to_owned(),
        "/remote.php/dav/elsewhere/x".to_owned(),
    ] {
        let resp = at(&server, "PROPFIND", &path, &pw)
            .header("Depth", "0")
            .send()
            .await
            .unwrap();
        assert_eq!(resp.status(), 404, "{path}");
        let body = resp.text().await.unwrap();
        assert!(body.contains("Sabre\\DAV\\Exception\\NotFound"), "{body}");
    }
    // The /dav checks on the raw path hold here too.
    let resp = nc(&server, "GET", "/a/%2e%2e/x", &pw).send().await.unwrap();
    assert!(resp.status().is_client_error(), "{}", resp.status());
    // Without credentials: the Basic challenge.
    let resp = server
        .client
        .request(
            reqwest::Method::from_bytes(b"PROPFIND").unwrap(),
            server.url("/remote.php/webdav/"),
        )
        .send()
        .await
        .unwrap();
    assert_eq!(resp.status(), 401);
    // A wrong password is refused like at /dav.
    let (status, _) = propfind(&server, "/", "nope", "0", "<d:getetag/>").await;
    assert_eq!(status, 401);
}

/// A page or a picture a browser would run, read through the sync clients' paths, comes from
/// the drive's origin like `/dav`'s: as an attachment, sandboxed, with its type not sniffed.
#[tokio::test]
async fn a_users_html_is_never_rendered_on_the_drives_origin() {
    let (server, _s, pw) = ann().await;
    for name in ["page.html", "image.svg"] {
        let put = nc(&server, "PUT", &format!("/{name}"), &pw)
            .body("<script>alert(1)</script>")
            .send()
            .await
            .unwrap();
        assert_eq!(put.status(), 201, "{name}");
        for prefix in [
            format!("/remote.php/dav/files/{ANN}"),
            "/remote.php/webdav".into(),
        ] {
            let got = at(&server, "GET", &format!("{prefix}/{name}"), &pw)
                .send()
                .await
                .unwrap();
            assert_eq!(got.status(), 200, "{prefix}/{name}");
            let h = got.headers();
            let disposition = h["content-disposition"].to_str().unwrap();
            assert!(disposition.starts_with("attachment"), "{disposition}");
            assert_eq!(h["x-content-type-options"], "nosniff");
            let csp = h["content-security-policy"].to_str().unwrap();
            assert!(csp.contains("sandbox"), "{csp}");
        }
    }
}
