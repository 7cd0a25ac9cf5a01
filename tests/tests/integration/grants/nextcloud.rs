//! Grants over the Nextcloud clients' protocol: "Shared with me" at the files root with the
//! `oc:permissions` that keep a read grant read only in the clients (no W, C, K, D, N, V),
//! what a write grant allows, and a chunked upload (the clients' way for large files) into
//! a granted folder.

use reqwest::{RequestBuilder, StatusCode};
use sea_orm::{ColumnTrait, EntityTrait, QueryFilter};
use serde_json::json;
use stratus_entity::file;
use stratus_server::boolset::group_perm;

use super::{People, setup};
use crate::{download::uid, nextcloud_dav::responses};

const BOB: &str = "bob@example.com";

/// The three users with WebDAV on, and Bob's password of an account on his whole drive.
async fn with_dav() -> (People, String) {
    let p = setup().await;
    crate::dav::set_group_bits(&p.server, 2, &[(group_perm::WEBDAV, true)]).await;
    let pw = crate::dav::password(&p.server, &p.bob, "cloudreve://my").await;
    (p, pw)
}

/// `method` on `path` (below the server) as Bob.
fn bob(p: &People, method: &str, path: &str, pw: &str) -> RequestBuilder {
    p.server
        .client
        .request(
            reqwest::Method::from_bytes(method.as_bytes()).unwrap(),
            p.server.url(path),
        )
        .basic_auth(BOB, Some(pw))
}

/// `oc:permissions` of each entry of a `Depth: 1` PROPFIND of Bob's files at `path`, by
/// decoded href below his files root.
async fn permissions(p: &People, path: &str, pw: &str) -> Vec<(String, String)> {
    let body = r#"<?xml version="1.0"?><d:propfind xmlns:d="DAV:" xmlns:oc="http://owncloud.org/ns"><d:prop><oc:permissions/><oc:fileid/><d:getetag/></d:prop></d:propfind>"#;
    let resp = bob(
        p,
        "PROPFIND",
        &format!("/remote.php/dav/files/{BOB}{path}"),
        pw,
    )
    .header("Depth", "1")
    .body(body)
    .send()
    .await
    .unwrap();
    assert_eq!(resp.status(), StatusCode::MULTI_STATUS, "{path}");
    let text = resp.text().await.unwrap();
    let prefix = format!("/remote.php/dav/files/{BOB}");
    responses(&text)
        .into_iter()
        .map(|(href, block)| {
            let perms = crate::nextcloud_dav::value(&block, "permissions").unwrap_or_default();
            (href.trim_start_matches(&prefix).to_owned(), perms)
        })
        .collect()
}

/// The ETags of "Shared with me", the granted folder and a folder in it, as Bob sees them.
async fn etags(p: &People, pw: &str) -> Vec<String> {
    let mut out = Vec::new();
    for path in ["/", "/Team/", "/Team/Sub/"] {
        let path = format!("/remote.php/dav/files/{BOB}/Shared%20with%20me{path}");
        let resp = bob(p, "PROPFIND", &path, pw)
            .header("Depth", "0")
            .send()
            .await
            .unwrap();
        let text = resp.text().await.unwrap();
        out.push(crate::nextcloud_dav::value(&text, "getetag").expect(&text));
    }
    out
}

/// The permissions listed for `href` in `listed`.
fn of<'a>(listed: &'a [(String, String)], href: &str) -> &'a str {
    listed
        .iter()
        .find(|(h, _)| h == href)
        .map(|(_, p)| p.as_str())
        .unwrap_or_else(|| panic!("{href} not in {listed:?}"))
}

#[tokio::test]
async fn the_files_root_shows_the_folder_and_permissions_follow_the_grant() {
    let (p, pw) = with_dav().await;
    super::ann_grants(&p, "Team", &p.bob, "read").await;
    let root = permissions(&p, "/", &pw).await;
    assert_eq!(of(&root, "/Shared with me/"), "G");
    let folder = permissions(&p, "/Shared%20with%20me/", &pw).await;
    assert_eq!(of(&folder, "/Shared with me/Team/"), "SMG");
    let team = permissions(&p, "/Shared%20with%20me/Team/", &pw).await;
    for href in [
        "/Shared with me/Team/",
        "/Shared with me/Team/a.txt",
        "/Shared with me/Team/Sub/",
    ] {
        assert_eq!(of(&team, href), "SMG", "{href}: read only");
    }

    let before = etags(&p, &pw).await;

    // Raised to write: creating in the granted folder, and everything inside it, but never
    // renaming, moving or deleting the granted folder itself. The folders' ETags change, so
    // that sync clients list them again and learn it.
    super::ann_grants(&p, "Team", &p.bob, "write").await;
    let after = etags(&p, &pw).await;
    for (b, a) in before.iter().zip(&after) {
        assert_ne!(b, a);
    }
    let team = permissions(&p, "/Shared%20with%20me/Team/", &pw).await;
    assert_eq!(of(&team, "/Shared with me/Team/"), "SMGCK");
    assert_eq!(of(&team, "/Shared with me/Team/a.txt"), "SMGDNVW");
    assert_eq!(of(&team, "/Shared with me/Team/Sub/"), "SMGDNVCK");
    // The same through dav-server's own answer (a lock below makes it answer).
    let lock = r#"<?xml version="1.0"?><D:lockinfo xmlns:D="DAV:"><D:lockscope><D:exclusive/></D:lockscope><D:locktype><D:write/></D:locktype></D:lockinfo>"#;
    let a = format!("/remote.php/dav/files/{BOB}/Shared%20with%20me/Team/a.txt");
    let locked = bob(&p, "LOCK", &a, &pw).body(lock).send().await.unwrap();
    assert_eq!(locked.status(), 200);
    let team = permissions(&p, "/Shared%20with%20me/Team/", &pw).await;
    assert_eq!(of(&team, "/Shared with me/Team/"), "SMGCK");
    assert_eq!(of(&team, "/Shared with me/Team/a.txt"), "SMGDNVW");

    // A read-only account reads, whatever the grant.
    let ro = crate::dav::account(
        &p.server,
        &p.bob,
        json!({"uri": "cloudreve://my", "name": "ro", "readonly": true}),
    )
    .await;
    let ro = ro["password"].as_str().unwrap();
    let team = permissions(&p, "/Shared%20with%20me/Team/", ro).await;
    assert_eq!(of(&team, "/Shared with me/Team/Sub/"), "SMG");
}

/// Stages `bytes` as transfer `t` of Bob's and joins it at `dest` (below his files root);
/// the status of the join.
async fn chunked(p: &People, pw: &str, t: &str, bytes: &[u8], dest: &str) -> StatusCode {
    let up = format!("/remote.php/dav/uploads/{BOB}/{t}");
    let made = bob(p, "MKCOL", &up, pw)
        .header("OC-Total-Length", bytes.len())
        .send()
        .await
        .unwrap();
    assert_eq!(made.status(), 201);
    for (i, part) in bytes.chunks(bytes.len().div_ceil(2)).enumerate() {
        let put = bob(p, "PUT", &format!("{up}/{:05}", i + 1), pw)
            .body(part.to_vec())
            .send()
            .await
            .unwrap();
        assert_eq!(put.status(), 201);
    }
    let dest = p.server.url(&format!("/remote.php/dav/files/{BOB}{dest}"));
    bob(p, "MOVE", &format!("{up}/.file"), pw)
        .header("Destination", dest)
        .header("OC-Total-Length", bytes.len())
        .send()
        .await
        .unwrap()
        .status()
}

#[tokio::test]
async fn a_chunked_upload_lands_in_a_write_grant_and_not_in_a_read_grant() {
    let (p, pw) = with_dav().await;
    super::ann_grants(&p, "Team", &p.bob, "read").await;
    let bytes: Vec<u8> = (0..200_000u32).map(|i| (i % 251) as u8).collect();
    let dest = "/Shared%20with%20me/Team/big.bin";
    assert_eq!(chunked(&p, &pw, "t-1", &bytes, dest).await, 403);
    let dest_folder = "/Shared%20with%20me/big.bin";
    assert_eq!(chunked(&p, &pw, "t-2", &bytes, dest_folder).await, 403);
    super::ann_grants(&p, "Team", &p.bob, "write").await;
    assert_eq!(chunked(&p, &pw, "t-3", &bytes, dest).await, 201);
    let row = file::Entity::find()
        .filter(file::Column::Name.eq("big.bin"))
        .one(&p.server.state.db)
        .await
        .unwrap()
        .unwrap();
    assert_eq!(row.owner_id, uid(&p.server, &p.ann), "the owner's file");
    assert_eq!(row.size, bytes.len() as i64);
    let got = bob(
        &p,
        "GET",
        &format!("/remote.php/dav/files/{BOB}{dest}"),
        &pw,
    )
    .send()
    .await
    .unwrap();
    assert_eq!(got.bytes().await.unwrap().as_ref(), bytes.as_slice());
}
