//! The OCS share API's public links (list, create, delete) and `/index.php/core/preview`.

use reqwest::Method;
use sea_orm::{ColumnTrait, EntityTrait, QueryFilter};
use serde_json::{Value, json};
use stratus_entity::file;

use super::{PW, setup, sign_in_device, site};

const SHARES: &str = "/ocs/v2.php/apps/files_sharing/api/v1/shares";

/// An OCS request with Basic credentials, JSON answers.
fn ocs(
    server: &stratus_tests::TestServer,
    method: Method,
    path: &str,
    login: &str,
    pw: &str,
) -> reqwest::RequestBuilder {
    site(server, method, path)
        .header("OCS-APIRequest", "true")
        .header("Accept", "application/json")
        .basic_auth(login, Some(pw))
}

async fn answer(resp: reqwest::Response) -> (u16, Value) {
    let status = resp.status().as_u16();
    (status, resp.json().await.unwrap())
}

#[tokio::test]
async fn public_links_are_made_listed_and_deleted_by_path() {
    let (server, ann) = setup().await;
    server.create_user("bob@example.com", PW).await;
    let bob = server.login("bob@example.com", PW).await;
    server
        .upload(&ann, "cloudreve://my/Docs/report.txt", b"hello", json!({}))
        .await;
    let pw = sign_in_device(&server, &ann, "Nextcloud-android").await["appPassword"]
        .as_str()
        .unwrap()
        .to_owned();
    let bob_pw = sign_in_device(&server, &bob, "Nextcloud-android").await["appPassword"]
        .as_str()
        .unwrap()
        .to_owned();
    let ann_login = "ann@example.com";

    let (status, body) = answer(
        ocs(&server, Method::POST, SHARES, ann_login, &pw)
            .form(&[("path", "/Docs/report.txt"), ("shareType", "3")])
            .send()
            .await
            .unwrap(),
    )
    .await;
    assert_eq!(status, 200, "{body}");
    let data = &body["ocs"]["data"];
    assert_eq!(data["path"], "/Docs/report.txt");
    assert_eq!(data["item_type"], "file");
    assert_eq!(data["share_type"], 3);
    let token = data["token"].as_str().unwrap();
    assert_eq!(data["url"], server.url(&format!("/s/{token}")));
    let id = data["id"].as_str().unwrap().to_owned();
    // It is a Stratus share link like any other.
    let info = server.get_api(&format!("/share/info/{token}")).await;
    assert_eq!(info["code"], 0, "{info}");
    // A folder, with JSON in the body.
    let (status, body) = answer(
        ocs(&server, Method::POST, SHARES, ann_login, &pw)
            .json(&json!({"path": "/Docs", "shareType": 3}))
            .send()
            .await
            .unwrap(),
    )
    .await;
    assert_eq!(status, 200, "{body}");
    assert_eq!(body["ocs"]["data"]["item_type"], "folder");

    // Listed, all or by path.
    let (_, all) = answer(
        ocs(&server, Method::GET, SHARES, ann_login, &pw)
            .send()
            .await
            .unwrap(),
    )
    .await;
    assert_eq!(all["ocs"]["data"].as_array().unwrap().len(), 2);
    let (_, one) = answer(
        ocs(
            &server,
            Method::GET,
            &format!("{SHARES}?path=/Docs/report.txt"),
            ann_login,
            &pw,
        )
        .send()
        .await
        .unwrap(),
    )
    .await;
    assert_eq!(one["ocs"]["data"].as_array().unwrap().len(), 1);
    assert_eq!(one["ocs"]["data"][0]["id"], id.as_str());
    // Bob sees none of them and cannot delete them.
    let (_, bobs) = answer(
        ocs(&server, Method::GET, SHARES, "bob@example.com", &bob_pw)
            .send()
            .await
            .unwrap(),
    )
    .await;
    assert_eq!(bobs["ocs"]["data"], json!([]));
    let (status, _) = answer(
        ocs(
            &server,
            Method::DELETE,
            &format!("{SHARES}/{id}"),
            "bob@example.com",
            &bob_pw,
        )
        .send()
        .await
        .unwrap(),
    )
    .await;
    assert_eq!(status, 404);
    // Bob cannot share Ann's path: it is looked up in his own drive.
    let (status, _) = answer(
        ocs(&server, Method::POST, SHARES, "bob@example.com", &bob_pw)
            .form(&[("path", "/Docs/report.txt"), ("shareType", "3")])
            .send()
            .await
            .unwrap(),
    )
    .await;
    assert_eq!(status, 404);

    // Ann deletes hers; then it is gone.
    let (status, body) = answer(
        ocs(
            &server,
            Method::DELETE,
            &format!("{SHARES}/{id}"),
            ann_login,
            &pw,
        )
        .send()
        .await
        .unwrap(),
    )
    .await;
    assert_eq!(status, 200, "{body}");
    let (status, _) = answer(
        ocs(
            &server,
            Method::DELETE,
            &format!("{SHARES}/{id}"),
            ann_login,
            &pw,
        )
        .send()
        .await
        .unwrap(),
    )
    .await;
    assert_eq!(status, 404);
    let (_, all) = answer(
        ocs(&server, Method::GET, SHARES, ann_login, &pw)
            .send()
            .await
            .unwrap(),
    )
    .await;
    assert_eq!(all["ocs"]["data"].as_array().unwrap().len(), 1);
}

#[tokio::test]
async fn bad_share_requests_get_their_ocs_status() {
    let (server, ann) = setup().await;
    let pw = sign_in_device(&server, &ann, "Nextcloud-android").await["appPassword"]
        .as_str()
        .unwrap()
        .to_owned();
    let login = "ann@example.com";
    // No credentials: 401 (v2) / 997 with HTTP 401 (v1).
    let resp = site(&server, Method::GET, SHARES).send().await.unwrap();
    assert_eq!(resp.status(), 401);
    for (form, status) in [
        (vec![("path", "/nope.txt"), ("shareType", "3")], 404),
        (vec![("path", "/x"), ("shareType", "0")], 400),
        (vec![("shareType", "3")], 404),
        (vec![("path", "/"), ("shareType", "3")], 400),
        (vec![("path", "/../etc"), ("shareType", "3")], 404),
    ] {
        let (got, body) = answer(
            ocs(&server, Method::POST, SHARES, login, &pw)
                .form(&form)
                .send()
                .await
                .unwrap(),
        )
        .await;
        assert_eq!(got, status, "{form:?}: {body}");
        assert_eq!(body["ocs"]["meta"]["statuscode"], status);
    }
    server
        .upload(&ann, "cloudreve://my/a.txt", b"a", json!({}))
        .await;
    let (got, _) = answer(
        ocs(&server, Method::POST, SHARES, login, &pw)
            .form(&[
                ("path", "/a.txt"),
                ("shareType", "3"),
                ("expireDate", "2001-01-01"),
            ])
            .send()
            .await
            .unwrap(),
    )
    .await;
    assert_eq!(got, 400);
    let (got, _) = answer(
        ocs(
            &server,
            Method::DELETE,
            &format!("{SHARES}/not-a-number"),
            login,
            &pw,
        )
        .send()
        .await
        .unwrap(),
    )
    .await;
    assert_eq!(got, 404);
    // v1: HTTP 200 with the failure in the envelope.
    let resp = ocs(
        &server,
        Method::POST,
        "/ocs/v1.php/apps/files_sharing/api/v1/shares",
        login,
        &pw,
    )
    .form(&[("path", "/nope.txt"), ("shareType", "3")])
    .send()
    .await
    .unwrap();
    let (status, body) = answer(resp).await;
    assert_eq!(status, 200);
    assert_eq!(body["ocs"]["meta"]["statuscode"], 998);
}

#[tokio::test]
async fn previews_are_the_callers_own_thumbnails() {
    let (server, ann) = setup().await;
    server.create_user("bob@example.com", PW).await;
    let bob = server.login("bob@example.com", PW).await;
    server
        .upload(
            &ann,
            "cloudreve://my/pic.png",
            &crate::thumb::png(300, 200),
            json!({}),
        )
        .await;
    server
        .upload(&ann, "cloudreve://my/notes.txt", b"words", json!({}))
        .await;
    let id_of = |name: &'static str| {
        let db = server.state.db.clone();
        async move {
            file::Entity::find()
                .filter(file::Column::Name.eq(name))
                .one(&db)
                .await
                .unwrap()
                .unwrap()
                .id
        }
    };
    let pic = id_of("pic.png").await;
    let notes = id_of("notes.txt").await;
    let ann_pw = sign_in_device(&server, &ann, "Nextcloud-android").await["appPassword"]
        .as_str()
        .unwrap()
        .to_owned();
    let bob_pw = sign_in_device(&server, &bob, "Nextcloud-android").await["appPassword"]
        .as_str()
        .unwrap()
        .to_owned();
    let preview = |path: String, login: &'static str, pw: String| {
        let req = site(&server, Method::GET, &path).basic_auth(login, Some(pw));
        async move { req.send().await.unwrap() }
    };
    // A redirect to the thumbnail: a picture within the thumbnail box.
    for path in ["/index.php/core/preview", "/index.php/core/preview.png"] {
        let resp = preview(
            format!("{path}?fileId={pic}&x=64&y=64&a=1"),
            "ann@example.com",
            ann_pw.clone(),
        )
        .await;
        assert_eq!(resp.status(), 302, "{path}");
        let location = resp.headers()["location"].to_str().unwrap().to_owned();
        let resp = server.client.get(&location).send().await.unwrap();
        assert_eq!(resp.status(), 200, "{location}");
        let img = image::load_from_memory(&resp.bytes().await.unwrap()).unwrap();
        assert!(img.width() <= 400 && img.height() <= 300);
    }
    // Bob asking for Ann's file, a file without a thumbnail, a missing id: 404.
    let resp = preview(
        format!("/index.php/core/preview?fileId={pic}"),
        "bob@example.com",
        bob_pw,
    )
    .await;
    assert_eq!(resp.status(), 404);
    for query in [format!("fileId={notes}"), "fileId=999999".to_owned()] {
        let resp = preview(
            format!("/index.php/core/preview?{query}"),
            "ann@example.com",
            ann_pw.clone(),
        )
        .await;
        assert_eq!(resp.status(), 404, "{query}");
    }
    let resp = preview(
        "/index.php/core/preview?fileId=abc".into(),
        "ann@example.com",
        ann_pw.clone(),
    )
    .await;
    assert_eq!(resp.status(), 400);
    // Signed out: 401.
    let resp = site(
        &server,
        Method::GET,
        &format!("/index.php/core/preview?fileId={pic}"),
    )
    .send()
    .await
    .unwrap();
    assert_eq!(resp.status(), 401);
}
