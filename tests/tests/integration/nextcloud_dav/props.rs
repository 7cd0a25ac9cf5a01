//! The `oc:`/`nc:` properties, as the Android app asks for them on its first listing, from
//! both writers of a PROPFIND answer (the fast one and dav-server's, which answers for
//! entries with a lock).

use reqwest::Method;
use serde_json::json;

use super::{ANN, ann, api, nc, propfind, responses, row, value};
use crate::dav::dav;

/// What the Android app asks for in its Depth 1 listings.
const ANDROID: &str = "<d:resourcetype/><d:getlastmodified/><d:getcontentlength/>\
    <d:getcontenttype/><d:getetag/><oc:id/><oc:fileid/><oc:permissions/><oc:size/>\
    <nc:has-preview/><oc:share-types/>";

#[tokio::test]
async fn the_android_apps_first_listing() {
    let (server, s, pw) = ann().await;
    for folder in ["/Photos", "/Photos/deep"] {
        let made = nc(&server, "MKCOL", folder, &pw).send().await.unwrap();
        assert_eq!(made.status(), 201, "{folder}");
    }
    for (path, body) in [
        ("/Photos/a.jpg", "x".repeat(10)),
        ("/Photos/deep/b.txt", "y".repeat(32)),
        ("/n.txt", "z".repeat(5)),
    ] {
        let put = nc(&server, "PUT", path, &pw)
            .body(body)
            .send()
            .await
            .unwrap();
        assert!(put.status().is_success(), "{path}");
    }
    server.share(&s, "cloudreve://my/n.txt", json!({})).await;
    // Its first request: the root, Depth 0.
    let (status, body) = propfind(&server, "/", &pw, "0", ANDROID).await;
    assert_eq!(status, 207, "{body}");
    assert!(
        body.contains(r#"xmlns:oc="http://owncloud.org/ns""#),
        "{body}"
    );
    assert_eq!(value(&body, "permissions").unwrap(), "RGDNVCK");
    assert_eq!(
        value(&body, "size").unwrap(),
        "47",
        "everything below: {body}"
    );

    let (status, body) = propfind(&server, "/", &pw, "1", ANDROID).await;
    assert_eq!(status, 207, "{body}");
    let entries = responses(&body);
    let root = format!("/remote.php/dav/files/{ANN}/");
    let names: Vec<&str> = entries.iter().map(|(h, _)| h.as_str()).collect();
    assert_eq!(
        names,
        [
            root.clone(),
            format!("{root}Photos/"),
            format!("{root}n.txt")
        ],
        "{body}"
    );
    let photos = &entries[1].1;
    let id = row(&server, "Photos").await.id;
    assert_eq!(value(photos, "fileid").unwrap(), id.to_string());
    assert_eq!(value(photos, "id").unwrap(), format!("{id:08}ocstratus"));
    assert_eq!(value(photos, "permissions").unwrap(), "RGDNVCK");
    assert_eq!(value(photos, "size").unwrap(), "42");
    assert_eq!(value(photos, "has-preview").unwrap(), "false");
    assert_eq!(value(photos, "share-types").unwrap(), "");
    assert!(value(photos, "getetag").unwrap().starts_with('"'));
    assert!(photos.contains("collection"), "{photos}");
    let n = &entries[2].1;
    assert_eq!(value(n, "permissions").unwrap(), "RGDNVW");
    assert_eq!(value(n, "size").unwrap(), "5");
    assert_eq!(value(n, "getcontentlength").unwrap(), "5");
    assert_eq!(value(n, "share-type").unwrap(), "3", "a link: {n}");
    // Nothing the app asked for is missing but a folder's length, as in Nextcloud.
    assert_eq!(
        body.matches("404 Not Found").count(),
        body.matches("<D:prop><D:getcontentlength/></D:prop>")
            .count(),
        "{body}"
    );
    assert_eq!(body.matches("404 Not Found").count(), 2, "{body}");

    // A picture has a preview.
    let (_, body) = propfind(&server, "/Photos/a.jpg", &pw, "0", ANDROID).await;
    assert_eq!(value(&body, "has-preview").unwrap(), "true");
}

#[tokio::test]
async fn dav_server_answers_carry_them_too() {
    let (server, _s, pw) = ann().await;
    let put = nc(&server, "PUT", "/l.txt", &pw)
        .body("abc")
        .send()
        .await
        .unwrap();
    assert_eq!(put.status(), 201);
    // A lock on the entry: its listing is dav-server's to write.
    let lock = nc(&server, "LOCK", "/l.txt", &pw)
        .header("Timeout", "Second-60")
        .body(
            r#"<?xml version="1.0"?><d:lockinfo xmlns:d="DAV:"><d:lockscope><d:exclusive/></d:lockscope><d:locktype><d:write/></d:locktype></d:lockinfo>"#,
        )
        .send()
        .await
        .unwrap();
    assert_eq!(lock.status(), 200);
    let (status, body) = propfind(&server, "/l.txt", &pw, "0", ANDROID).await;
    assert_eq!(status, 207, "{body}");
    let id = row(&server, "l.txt").await.id;
    assert_eq!(value(&body, "fileid").unwrap(), id.to_string(), "{body}");
    assert_eq!(value(&body, "id").unwrap(), format!("{id:08}ocstratus"));
    assert_eq!(value(&body, "permissions").unwrap(), "RGDNVW");
    assert_eq!(value(&body, "size").unwrap(), "3");
    // allprop on a client's mount lists them; on /dav it does not.
    let all = nc(&server, "PROPFIND", "/l.txt", &pw)
        .header("Depth", "0")
        .send()
        .await
        .unwrap()
        .text()
        .await
        .unwrap();
    assert_eq!(value(&all, "fileid").unwrap(), id.to_string(), "{all}");
    let plain = dav(&server, "PROPFIND", "/l.txt", ANN, &pw)
        .header("Depth", "0")
        .send()
        .await
        .unwrap()
        .text()
        .await
        .unwrap();
    assert!(!plain.contains("fileid"), "{plain}");
}

#[tokio::test]
async fn a_read_only_account_may_only_read() {
    let (server, s, _pw) = ann().await;
    api(
        &server,
        &s,
        Method::POST,
        "/file/create",
        json!({"uri": "cloudreve://my/r.txt", "type": "file"}),
    )
    .await;
    let body = json!({"uri": "cloudreve://my", "name": "ro", "readonly": true});
    let made = server
        .send_as(Method::PUT, "/devices/dav", &s.access_token, &body)
        .await;
    assert_eq!(made["code"], 0, "{made}");
    let pw = made["data"]["password"].as_str().unwrap().to_owned();
    let (_, listing) = propfind(&server, "/", &pw, "1", ANDROID).await;
    let entries = responses(&listing);
    assert_eq!(value(&entries[0].1, "permissions").unwrap(), "RG");
    assert_eq!(value(&entries[1].1, "permissions").unwrap(), "RG");
}
