//! `/status.php`, the capabilities in XML and JSON on both OCS versions, `/index.php/204`,
//! the OCS user with each kind of credential, and avatars.

use reqwest::Method;
use serde_json::{Value, json};

use super::{PW, cloud_user, setup, sign_in_device, site};
use crate::dav::password;

#[tokio::test]
async fn status_php_names_a_nextcloud_28_server() {
    let (server, _) = setup().await;
    let resp = site(&server, Method::GET, "/status.php")
        .send()
        .await
        .unwrap();
    assert_eq!(resp.status(), 200);
    let body: Value = resp.json().await.unwrap();
    assert_eq!(
        body,
        json!({
            "installed": true, "maintenance": false, "needsDbUpgrade": false,
            "version": "28.0.0.0", "versionstring": "28.0.0", "edition": "",
            "productname": "Stratus", "extendedSupport": false,
        })
    );
    let resp = site(&server, Method::GET, "/index.php/204")
        .send()
        .await
        .unwrap();
    assert_eq!(resp.status(), 204);
    assert!(resp.bytes().await.unwrap().is_empty());
}

#[tokio::test]
async fn capabilities_come_as_json_or_xml_in_both_versions() {
    let (server, _) = setup().await;
    // JSON by query parameter and by Accept.
    for (path, accept, code) in [
        ("/ocs/v1.php/cloud/capabilities?format=json", "*/*", 100),
        ("/ocs/v2.php/cloud/capabilities?format=json", "*/*", 200),
        ("/ocs/v2.php/cloud/capabilities", "application/json", 200),
    ] {
        let resp = site(&server, Method::GET, path)
            .header("Accept", accept)
            .header("OCS-APIRequest", "true")
            .send()
            .await
            .unwrap();
        assert_eq!(resp.status(), 200, "{path}");
        assert!(
            resp.headers()["content-type"]
                .to_str()
                .unwrap()
                .starts_with("application/json")
        );
        let body: Value = resp.json().await.unwrap();
        let meta = &body["ocs"]["meta"];
        assert_eq!(meta["status"], "ok", "{path}");
        assert_eq!(meta["statuscode"], code, "{path}");
        assert_eq!(meta["message"], "OK");
        let caps = &body["ocs"]["data"]["capabilities"];
        assert_eq!(caps["core"]["webdav-root"], "remote.php/webdav");
        assert_eq!(caps["core"]["pollinterval"], 60);
        assert_eq!(caps["dav"]["chunking"], "1.0");
        assert_eq!(caps["checksums"]["supportedTypes"], json!(["SHA1", "MD5"]));
        assert_eq!(caps["checksums"]["preferredUploadType"], "SHA1");
        assert_eq!(caps["files"]["bigfilechunking"], true);
        assert_eq!(caps["files"]["undelete"], true);
        assert_eq!(caps["files"]["versioning"], true);
        assert_eq!(caps["notify_push"]["type"], json!(["files"]));
        let ws = caps["notify_push"]["endpoints"]["websocket"]
            .as_str()
            .unwrap();
        assert!(ws.starts_with("ws://") && ws.ends_with("/push/ws"), "{ws}");
        assert_eq!(caps["files_sharing"]["api_enabled"], true);
        assert_eq!(caps["files_sharing"]["public"]["enabled"], true);
        assert_eq!(body["ocs"]["data"]["version"]["string"], "28.0.0");
    }
    // XML without either.
    for (path, code) in [
        ("/ocs/v1.php/cloud/capabilities", "100"),
        ("/ocs/v2.php/cloud/capabilities", "200"),
    ] {
        let resp = site(&server, Method::GET, path).send().await.unwrap();
        assert_eq!(resp.status(), 200);
        assert!(
            resp.headers()["content-type"]
                .to_str()
                .unwrap()
                .starts_with("text/xml")
        );
        let text = resp.text().await.unwrap();
        assert_well_formed(&text);
        for part in [
            format!("<meta><status>ok</status><statuscode>{code}</statuscode>"),
            "<webdav-root>remote.php/webdav</webdav-root>".into(),
            "<dav><chunking>1.0</chunking></dav>".into(),
            "<bigfilechunking>1</bigfilechunking>".into(),
            "<supportedTypes><element>SHA1</element><element>MD5</element></supportedTypes>".into(),
            "<preferredUploadType>SHA1</preferredUploadType>".into(),
            "<api_enabled>1</api_enabled>".into(),
        ] {
            assert!(text.contains(&part), "{part} in {text}");
        }
    }
}

/// Reads `text` through as XML; panics at the first error.
fn assert_well_formed(text: &str) {
    let mut reader = quick_xml::Reader::from_str(text);
    loop {
        match reader.read_event() {
            Ok(quick_xml::events::Event::Eof) => break,
            Ok(_) => {}
            Err(e) => panic!("{e}: {text}"),
        }
    }
}

#[tokio::test]
async fn the_ocs_user_needs_a_credential_of_the_caller() {
    let (server, ann) = setup().await;
    let ann_id = ann.user["id"].as_str().unwrap().to_owned();
    // Without credentials: 401 with a challenge; v2 says 401 in the envelope, v1 997.
    for (path, code) in [
        ("/ocs/v2.php/cloud/user?format=json", 401),
        ("/ocs/v1.php/cloud/user?format=json", 997),
    ] {
        let resp = site(&server, Method::GET, path).send().await.unwrap();
        assert_eq!(resp.status(), 401, "{path}");
        assert!(resp.headers().contains_key("www-authenticate"));
        let body: Value = resp.json().await.unwrap();
        assert_eq!(body["ocs"]["meta"]["statuscode"], code);
        assert_eq!(body["ocs"]["meta"]["status"], "failure");
    }
    // The account password is not a Basic credential; a wrong one neither.
    assert_eq!(cloud_user(&server, "ann@example.com", PW).await.0, 401);
    assert_eq!(cloud_user(&server, "ann@example.com", "nope").await.0, 401);

    // A WebDAV account's password, an app password, and the web UI's bearer token.
    let dav_pw = password(&server, &ann, "cloudreve://my").await;
    let (status, body) = cloud_user(&server, "ann@example.com", &dav_pw).await;
    assert_eq!(status, 200, "{body}");
    let data = &body["ocs"]["data"];
    assert_eq!(data["id"], ann_id.as_str());
    assert_eq!(data["email"], "ann@example.com");
    assert!(data["display-name"].is_string());
    let quota = &data["quota"];
    for key in ["free", "used", "total", "relative"] {
        assert!(quota[key].is_number(), "{key}: {quota}");
    }
    let creds = sign_in_device(
        &server,
        &ann,
        "Mozilla/5.0 (Linux) mirall/3.7.3 (Nextcloud)",
    )
    .await;
    let app_pw = creds["appPassword"].as_str().unwrap();
    let (status, body) = cloud_user(&server, "ann@example.com", app_pw).await;
    assert_eq!(status, 200);
    assert_eq!(body["ocs"]["data"]["id"], ann_id.as_str());
    // The address is matched however it is written.
    assert_eq!(cloud_user(&server, "Ann@Example.com", app_pw).await.0, 200);
    let resp = site(&server, Method::GET, "/ocs/v1.php/cloud/user")
        .bearer_auth(&ann.access_token)
        .send()
        .await
        .unwrap();
    assert_eq!(resp.status(), 200);
    let text = resp.text().await.unwrap();
    assert!(text.contains(&format!("<id>{ann_id}</id>")), "{text}");
    assert!(text.contains("<statuscode>100</statuscode>"), "{text}");
    // A bad bearer token is no one.
    let resp = site(&server, Method::GET, "/ocs/v2.php/cloud/user")
        .bearer_auth("not-a-token")
        .send()
        .await
        .unwrap();
    assert_eq!(resp.status(), 401);
}

#[tokio::test]
async fn avatars_tell_nothing_about_other_addresses() {
    let (server, ann) = setup().await;
    server.create_user("bob@example.com", PW).await;
    let bob = server.login("bob@example.com", PW).await;
    let ann_pw = password(&server, &ann, "cloudreve://my").await;
    let ann_id = ann.user["id"].as_str().unwrap();
    let bob_id = bob.user["id"].as_str().unwrap();
    let get = |path: String, auth: bool| {
        let req = site(&server, Method::GET, &path);
        let req = if auth {
            req.basic_auth("ann@example.com", Some(&ann_pw))
        } else {
            req
        };
        async move {
            let resp = req.send().await.unwrap();
            let status = resp.status().as_u16();
            let ty = resp.headers()["content-type"].to_str().unwrap().to_owned();
            (status, ty, resp.bytes().await.unwrap().to_vec())
        }
    };
    // The caller's own, by id or e-mail: a PNG of the asked size (none uploaded).
    let (status, ty, own) = get(format!("/index.php/avatar/{ann_id}/64"), true).await;
    assert_eq!((status, ty.as_str()), (200, "image/png"));
    let img = image::load_from_memory(&own).unwrap();
    assert_eq!((img.width(), img.height()), (64, 64));
    let (_, _, by_mail) = get("/index.php/avatar/ann@example.com/64".into(), true).await;
    assert_eq!(by_mail, own);
    // Another account's e-mail and a missing one answer alike, signed in or not.
    let (_, _, bob_mail) = get("/index.php/avatar/bob@example.com/64".into(), true).await;
    let (_, _, nobody) = get("/index.php/avatar/nobody@example.com/64".into(), true).await;
    let (_, _, anon) = get("/index.php/avatar/bob@example.com/64".into(), false).await;
    assert_eq!(bob_mail, nobody);
    assert_eq!(anon, nobody);
    // By hash id, what `/api/v4/user/avatar/:id` shows anyone: Bob has none, so the same.
    let (status, _, bob_by_id) = get(format!("/index.php/avatar/{bob_id}/64"), false).await;
    assert_eq!(status, 200);
    assert_eq!(bob_by_id, nobody);
    // The size is bounded.
    let (_, _, huge) = get(format!("/index.php/avatar/{ann_id}/100000"), true).await;
    let img = image::load_from_memory(&huge).unwrap();
    assert_eq!(img.width(), 1024);
}
