//! A link to one file gives nothing of the folder it sits in, through any door: the API's
//! zip download of the share's root (the file's folder, in which only the file shows) holds
//! the file alone, a WebDAV mount of the share (`/dav`, `/remote.php/dav`) lists and serves
//! only the file and tells nothing of the folder's size, and no S3 key opens a share.

use reqwest::Method;
use serde_json::json;
use stratus_server::boolset::group_perm;

use super::{make_tree, send, setup};
use crate::{archive::fetch_entries, dav::set_group_bits};

#[tokio::test]
async fn a_single_file_share_gives_no_sibling_through_any_door() {
    let (server, ann, bob) = setup().await;
    make_tree(&server, &ann).await;
    crate::archive::allow_archives(&server, true).await;
    set_group_bits(
        &server,
        2,
        &[(group_perm::WEBDAV, true), (group_perm::S3, true)],
    )
    .await;
    let (id, _) = server
        .share(&ann, "cloudreve://my/Docs/a.txt", json!({}))
        .await;
    let root = format!("cloudreve://{id}@share");

    // The zip of the share's root holds the file alone; its siblings are not there.
    let zip = send(
        &server,
        &bob,
        Method::POST,
        "/file/url",
        json!({"uris": [&root], "archive": true}),
    )
    .await;
    assert_eq!(zip["code"], 0, "{zip}");
    let entries = fetch_entries(&server, zip["data"]["urls"][0]["url"].as_str().unwrap()).await;
    assert_eq!(entries.keys().collect::<Vec<_>>(), ["a.txt"], "{entries:?}");
    for sibling in ["Sub", "Sub/b.txt"] {
        let uri = format!("{root}/{sibling}");
        let zip = send(
            &server,
            &bob,
            Method::POST,
            "/file/url",
            json!({"uris": [&uri], "archive": true}),
        )
        .await;
        assert_ne!(zip["code"], 0, "{uri}: {zip}");
    }

    // Copied into one's own drive: the file at most, never the folder with its siblings.
    let copied = send(
        &server,
        &bob,
        Method::POST,
        "/file/move",
        json!({"uris": [&root], "dst": "cloudreve://my", "copy": true}),
    )
    .await;
    let mine = server.names_in(&bob, "cloudreve://my").await;
    assert!(
        !mine.iter().any(|n| n == "Docs" || n == "Sub"),
        "{copied} {mine:?}"
    );

    // Mounted over WebDAV: the file alone, under either path.
    let pw = crate::dav::password(&server, &bob, &root).await;
    let bob_mail = "bob@example.com";
    let base = format!("/remote.php/dav/files/{bob_mail}");
    for prefix in ["/dav", "/remote.php/webdav", base.as_str()] {
        let at = |m: &str, path: &str| {
            server
                .client
                .request(
                    Method::from_bytes(m.as_bytes()).unwrap(),
                    server.url(&format!("{prefix}{path}")),
                )
                .basic_auth(bob_mail, Some(&pw))
        };
        let listed = at("PROPFIND", "/")
            .header("Depth", "1")
            .send()
            .await
            .unwrap();
        assert_eq!(listed.status(), 207, "{prefix}");
        let body = listed.text().await.unwrap();
        assert_eq!(
            body.matches(":response>").count() / 2,
            2,
            "{prefix}: {body}"
        );
        assert!(
            body.contains("a.txt") && !body.contains("Sub"),
            "{prefix}: {body}"
        );
        for path in ["/Sub", "/Sub/b.txt", "/a.txt/x"] {
            let r = at("GET", path).send().await.unwrap();
            assert_eq!(r.status(), 404, "{prefix}{path}");
            let r = at("PROPFIND", path)
                .header("Depth", "0")
                .send()
                .await
                .unwrap();
            assert_eq!(r.status(), 404, "{prefix}{path}");
        }
        // Nothing below the root but the file, however deep the listing asks.
        let deep = at("PROPFIND", "/")
            .header("Depth", "infinity")
            .send()
            .await
            .unwrap();
        let body = deep.text().await.unwrap();
        assert!(
            !body.contains("b.txt") && !body.contains("Sub"),
            "{prefix}: {body}"
        );
        assert_eq!(
            at("GET", "/a.txt")
                .send()
                .await
                .unwrap()
                .text()
                .await
                .unwrap(),
            "alpha bytes of a.txt"
        );
    }
    // The root's size is the file's, not the folder's with its siblings.
    let props = r#"<?xml version="1.0"?><d:propfind xmlns:d="DAV:" xmlns:oc="http://owncloud.org/ns"><d:prop><oc:size/></d:prop></d:propfind>"#;
    let r = server
        .client
        .request(
            Method::from_bytes(b"PROPFIND").unwrap(),
            server.url(&format!("{base}/")),
        )
        .basic_auth(bob_mail, Some(&pw))
        .header("Depth", "0")
        .body(props)
        .send()
        .await
        .unwrap();
    let body = r.text().await.unwrap();
    let all = (b"alpha bytes of a.txt".len() + b"bravo bytes of b.txt".len()).to_string();
    assert!(!body.contains(&format!(">{all}<")), "{body}");

    // An S3 key opens a folder of its owner's own drive, never a share.
    let key = send(
        &server,
        &bob,
        Method::PUT,
        "/devices/s3",
        json!({"uri": &root, "name": "k", "readonly": true}),
    )
    .await;
    assert_ne!(key["code"], 0, "{key}");
}
