//! A grant of one file gives nothing of the folder it sits in, through any door: the zip
//! download holds the file alone and refuses its folder and siblings, "Shared with me" over
//! WebDAV (`/dav`, `/remote.php/dav`) lists and serves the file only, and no S3 key opens the
//! owner's folder.

use reqwest::Method;
use serde_json::json;
use stratus_server::boolset::group_perm;

use super::{ann_grants, send, setup};
use crate::{archive::fetch_entries, dav::set_group_bits};

#[tokio::test]
async fn a_grant_of_one_file_gives_no_sibling_through_any_door() {
    let p = setup().await;
    ann_grants(&p, "Team/a.txt", &p.bob, "read").await;
    let server = &p.server;
    crate::archive::allow_archives(server, true).await;
    set_group_bits(
        server,
        2,
        &[(group_perm::WEBDAV, true), (group_perm::S3, true)],
    )
    .await;

    let zip = |uri: String| {
        send(
            server,
            &p.bob,
            Method::POST,
            "/file/url",
            json!({"uris": [uri], "archive": true}),
        )
    };
    let made = zip(p.anns("Team/a.txt")).await;
    assert_eq!(made["code"], 0, "{made}");
    let entries = fetch_entries(server, made["data"]["urls"][0]["url"].as_str().unwrap()).await;
    assert_eq!(entries.keys().collect::<Vec<_>>(), ["a.txt"]);
    for path in ["Team", "Team/Sub", "Team/Sub/b.txt", "Private/p.txt", ""] {
        let refused = zip(p.anns(path)).await;
        assert_ne!(refused["code"], 0, "{path}: {refused}");
    }

    // Over WebDAV, "Shared with me" holds the file alone.
    let pw = crate::dav::password(server, &p.bob, "cloudreve://my").await;
    let bob = "bob@example.com";
    let files = format!("/remote.php/dav/files/{bob}");
    for prefix in ["/dav", files.as_str()] {
        let at = |m: &str, path: &str| {
            server
                .client
                .request(
                    Method::from_bytes(m.as_bytes()).unwrap(),
                    server.url(&format!("{prefix}/Shared%20with%20me{path}")),
                )
                .basic_auth(bob, Some(&pw))
        };
        for depth in ["1", "infinity"] {
            let listed = at("PROPFIND", "/")
                .header("Depth", depth)
                .send()
                .await
                .unwrap();
            let body = listed.text().await.unwrap();
            // Depth infinity may be refused (`propfind-finite-depth`); never answered wider.
            assert!(
                body.contains("a.txt") || body.contains("propfind-finite-depth"),
                "{prefix} {depth}: {body}"
            );
            assert!(
                !body.contains("b.txt") && !body.contains("Sub"),
                "{prefix}: {body}"
            );
        }
        for path in ["/Sub", "/Sub/b.txt", "/Team", "/a.txt/x", "/p.txt"] {
            assert_eq!(
                at("GET", path).send().await.unwrap().status(),
                404,
                "{prefix}{path}"
            );
        }
        let got = at("GET", "/a.txt").send().await.unwrap();
        assert_eq!(got.bytes().await.unwrap(), super::A);
    }

    // An S3 key opens a folder of its owner's own drive only.
    for uri in [p.anns("Team"), "cloudreve://shared_with_me".to_owned()] {
        let key = send(
            server,
            &p.bob,
            Method::PUT,
            "/devices/s3",
            json!({"uri": uri, "name": "k", "readonly": true}),
        )
        .await;
        assert_ne!(key["code"], 0, "{uri}: {key}");
    }
}
