//! A WebDAV account confined to a folder, read-write or read-only, through the Nextcloud
//! routes that find files otherwise than by a path below its root: OCS links (paths relative
//! to its folder; links outside are neither made, listed nor deleted, and a read-only account
//! makes and deletes none), previews by file id, and earlier versions by file id.

use reqwest::Method;
use sea_orm::{ColumnTrait, EntityTrait, QueryFilter};
use serde_json::{Value, json};
use stratus_entity::{file, share};
use stratus_tests::{Session, TestServer};

use super::{setup, site};
use crate::dav::{account, password};

const SHARES: &str = "/ocs/v2.php/apps/files_sharing/api/v1/shares";
const ANN: &str = "ann@example.com";

/// An OCS request as ann with `pw`; the HTTP status and the JSON body.
async fn ocs(
    server: &TestServer,
    method: Method,
    path: &str,
    pw: &str,
    form: &[(&str, &str)],
) -> (u16, Value) {
    let mut req = site(server, method, path)
        .header("OCS-APIRequest", "true")
        .header("Accept", "application/json")
        .basic_auth(ANN, Some(pw));
    if !form.is_empty() {
        req = req.form(form);
    }
    let resp = req.send().await.unwrap();
    (resp.status().as_u16(), resp.json().await.unwrap())
}

/// Ann with `/Public/in.txt` and `/Private/secret.txt`.
async fn two_folders() -> (TestServer, Session) {
    let (server, ann) = setup().await;
    for (uri, body) in [
        ("cloudreve://my/Public/in.txt", &b"in"[..]),
        ("cloudreve://my/Private/secret.txt", &b"secret"[..]),
    ] {
        server.upload(&ann, uri, body, json!({})).await;
    }
    (server, ann)
}

/// The password of an account of ann's rooted at `/Public`.
async fn public_account(server: &TestServer, ann: &Session, readonly: bool) -> String {
    let body = json!({"uri": "cloudreve://my/Public", "name": "public", "readonly": readonly});
    account(server, ann, body).await["password"]
        .as_str()
        .unwrap()
        .to_owned()
}

/// The row id of ann's `name` (unique in the test).
async fn id_of(server: &TestServer, name: &str) -> i64 {
    file::Entity::find()
        .filter(file::Column::Name.eq(name))
        .one(&server.state.db)
        .await
        .unwrap()
        .unwrap_or_else(|| panic!("no row {name}"))
        .id
}

/// The live links of the file named `name`.
async fn links_of(server: &TestServer, name: &str) -> usize {
    let id = id_of(server, name).await;
    share::Entity::find()
        .filter(share::Column::FileId.eq(id))
        .filter(share::Column::DeletedAt.is_null())
        .all(&server.state.db)
        .await
        .unwrap()
        .len()
}

#[tokio::test]
async fn a_confined_account_links_only_what_is_inside_its_folder() {
    let (server, ann) = two_folders().await;
    let whole = password(&server, &ann, "cloudreve://my").await;
    let (status, made) = ocs(
        &server,
        Method::POST,
        SHARES,
        &whole,
        &[("path", "/Private"), ("shareType", "3")],
    )
    .await;
    assert_eq!(status, 200, "{made}");
    let private_link = made["ocs"]["data"]["id"].as_str().unwrap().to_owned();
    let rw = public_account(&server, &ann, false).await;

    // Paths are the account's own: `/Private` is not the drive's, and `..` leads nowhere.
    for path in ["/Private", "/../Private", "/Private/secret.txt"] {
        let (status, body) = ocs(
            &server,
            Method::POST,
            SHARES,
            &rw,
            &[("path", path), ("shareType", "3")],
        )
        .await;
        assert_eq!(status, 404, "{path}: {body}");
    }
    assert_eq!(links_of(&server, "Private").await, 1);
    assert_eq!(links_of(&server, "secret.txt").await, 0);
    let (status, body) = ocs(
        &server,
        Method::POST,
        SHARES,
        &rw,
        &[("path", "/in.txt"), ("shareType", "3")],
    )
    .await;
    assert_eq!(status, 200, "{body}");
    assert_eq!(body["ocs"]["data"]["path"], "/in.txt");
    let inside_link = body["ocs"]["data"]["id"].as_str().unwrap().to_owned();

    // Listed: only the link inside, by its path in the account.
    let (_, listed) = ocs(&server, Method::GET, SHARES, &rw, &[]).await;
    let ids: Vec<&str> = listed["ocs"]["data"]
        .as_array()
        .unwrap()
        .iter()
        .map(|s| s["id"].as_str().unwrap())
        .collect();
    assert_eq!(ids, [inside_link.as_str()], "{listed}");
    // The link outside cannot be deleted through it.
    let outside = format!("{SHARES}/{private_link}");
    let (status, _) = ocs(&server, Method::DELETE, &outside, &rw, &[]).await;
    assert_eq!(status, 404);
    assert_eq!(links_of(&server, "Private").await, 1);
    // The whole drive's account still sees both.
    let (_, all) = ocs(&server, Method::GET, SHARES, &whole, &[]).await;
    assert_eq!(all["ocs"]["data"].as_array().unwrap().len(), 2, "{all}");
}

#[tokio::test]
async fn a_read_only_account_lists_links_but_neither_makes_nor_deletes_them() {
    let (server, ann) = two_folders().await;
    let whole = password(&server, &ann, "cloudreve://my").await;
    let (_, made) = ocs(
        &server,
        Method::POST,
        SHARES,
        &whole,
        &[("path", "/Public/in.txt"), ("shareType", "3")],
    )
    .await;
    let link = made["ocs"]["data"]["id"].as_str().unwrap().to_owned();
    let ro = public_account(&server, &ann, true).await;

    let (_, listed) = ocs(&server, Method::GET, SHARES, &ro, &[]).await;
    assert_eq!(listed["ocs"]["data"][0]["path"], "/in.txt", "{listed}");
    let (status, body) = ocs(
        &server,
        Method::POST,
        SHARES,
        &ro,
        &[("path", "/"), ("shareType", "3")],
    )
    .await;
    assert_eq!(status, 403, "{body}");
    assert_eq!(body["ocs"]["meta"]["statuscode"], 403);
    let (status, _) = ocs(
        &server,
        Method::DELETE,
        &format!("{SHARES}/{link}"),
        &ro,
        &[],
    )
    .await;
    assert_eq!(status, 403);
    // OCS v1 answers HTTP 200 with the refusal in the envelope.
    let v1 = format!("/ocs/v1.php/apps/files_sharing/api/v1/shares/{link}");
    let (status, body) = ocs(&server, Method::DELETE, &v1, &ro, &[]).await;
    assert_eq!(
        (status, &body["ocs"]["meta"]["statuscode"]),
        (200, &json!(403))
    );
    assert_eq!(links_of(&server, "in.txt").await, 1);
    assert_eq!(links_of(&server, "Public").await, 0);
}

#[tokio::test]
async fn a_confined_account_gets_previews_of_its_folder_only() {
    let (server, ann) = setup().await;
    let png = crate::thumb::png(300, 200);
    for uri in [
        "cloudreve://my/Public/in.png",
        "cloudreve://my/Private/out.png",
    ] {
        server.upload(&ann, uri, &png, json!({})).await;
    }
    let ro = public_account(&server, &ann, true).await;
    let preview = |id: i64| {
        site(
            &server,
            Method::GET,
            &format!("/index.php/core/preview?fileId={id}&x=64&y=64"),
        )
        .basic_auth(ANN, Some(ro.clone()))
        .send()
    };
    let inside = preview(id_of(&server, "in.png").await).await.unwrap();
    assert_eq!(inside.status(), 302);
    let outside = preview(id_of(&server, "out.png").await).await.unwrap();
    assert_eq!(outside.status(), 404);
}

#[tokio::test]
async fn a_confined_account_reaches_versions_of_its_folder_only_and_restores_none_read_only() {
    let (server, ann) = two_folders().await;
    let whole = password(&server, &ann, "cloudreve://my").await;
    for path in ["/Public/in.txt", "/Private/secret.txt"] {
        let r = site(
            &server,
            Method::PUT,
            &format!("/remote.php/dav/files/{ANN}{path}"),
        )
        .basic_auth(ANN, Some(&whole))
        .body("again")
        .send()
        .await
        .unwrap();
        assert!(r.status().is_success(), "{path}: {}", r.status());
    }
    let versions = |id: i64| format!("/remote.php/dav/versions/{ANN}/versions/{id}");
    let at = |m: &str, path: &str, pw: &str| {
        site(&server, Method::from_bytes(m.as_bytes()).unwrap(), path)
            .basic_auth(ANN, Some(pw.to_owned()))
            .header("Depth", "1")
    };
    let (inside, outside) = (
        id_of(&server, "in.txt").await,
        id_of(&server, "secret.txt").await,
    );
    let rw = public_account(&server, &ann, false).await;
    let r = at("PROPFIND", &versions(inside), &rw).send().await.unwrap();
    assert_eq!(r.status(), 207);
    let listed = r.text().await.unwrap();
    let r = at("PROPFIND", &versions(outside), &rw)
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), 404);

    // Read-only: listed, never made current.
    let ro = public_account(&server, &ann, true).await;
    let r = at("PROPFIND", &versions(inside), &ro).send().await.unwrap();
    assert_eq!(r.status(), 207);
    let earlier = crate::nextcloud_dav::responses(&listed)[1].0.clone();
    let target = server.url(&format!("/remote.php/dav/versions/{ANN}/restore/target"));
    let r = at("COPY", &earlier, &ro)
        .header("Destination", &target)
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), 403);
}
