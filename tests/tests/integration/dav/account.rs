//! `/devices/dav`: WebDAV accounts.

use std::collections::HashSet;

use reqwest::Method;
use serde_json::json;
use stratus_server::boolset::group_perm;

use super::{PW, account, set_group_bits, setup};

#[tokio::test]
async fn accounts_are_created_listed_changed_and_deleted() {
    let (server, ann) = setup().await;
    let t = &ann.access_token;
    let a = account(
        &server,
        &ann,
        json!({"uri": "cloudreve://my/Docs", "name": "laptop"}),
    )
    .await;
    let pw = a["password"].as_str().unwrap();
    assert_eq!(pw.len(), 32);
    assert!(pw.bytes().all(|c| c.is_ascii_lowercase()), "{pw}");
    assert_eq!(a["uri"], "cloudreve://my/Docs");
    assert_eq!(a["options"], "");
    let id = a["id"].as_str().unwrap();

    let list = server.get_as("/devices/dav", t).await;
    assert_eq!(list["code"], 0);
    assert_eq!(list["data"]["accounts"][0]["id"], id);
    assert_eq!(list["data"]["accounts"][0]["password"], pw);

    // Read-only is bit 0; proxy is dropped without group bit 6, kept with it.
    let body = json!({"uri": "cloudreve://my", "name": "phone", "readonly": true, "proxy": true});
    let changed = server
        .send_as(Method::PATCH, &format!("/devices/dav/{id}"), t, &body)
        .await;
    assert_eq!(changed["code"], 0, "{changed}");
    assert_eq!(changed["data"]["name"], "phone");
    assert_eq!(changed["data"]["options"], "AQ==");
    assert_eq!(changed["data"]["password"], pw);
    set_group_bits(&server, 2, &[(group_perm::WEBDAV_PROXY, true)]).await;
    let changed = server
        .send_as(Method::PATCH, &format!("/devices/dav/{id}"), t, &body)
        .await;
    assert_eq!(changed["data"]["options"], "Aw==");
    let junk = json!({"uri": "cloudreve://my", "name": "mac", "disable_sys_files": true});
    let changed = server
        .send_as(Method::PATCH, &format!("/devices/dav/{id}"), t, &junk)
        .await;
    assert_eq!(changed["data"]["options"], "BA==");

    let deleted = server
        .send_as(Method::DELETE, &format!("/devices/dav/{id}"), t, &json!({}))
        .await;
    assert_eq!(deleted["code"], 0, "{deleted}");
    let list = server.get_as("/devices/dav", t).await;
    assert_eq!(list["data"]["accounts"], json!([]));
}

#[tokio::test]
async fn passwords_are_unique_and_listing_pages() {
    let (server, ann) = setup().await;
    let mut seen = HashSet::new();
    for i in 0..12 {
        let a = account(
            &server,
            &ann,
            json!({"uri": "cloudreve://my", "name": format!("a{i}")}),
        )
        .await;
        assert!(seen.insert(a["password"].as_str().unwrap().to_owned()));
    }
    let first = server
        .get_as("/devices/dav?page_size=10", &ann.access_token)
        .await;
    assert_eq!(first["data"]["accounts"].as_array().unwrap().len(), 10);
    let token = first["data"]["pagination"]["next_token"].as_str().unwrap();
    let second = server
        .get_as(
            &format!("/devices/dav?page_size=10&next_page_token={token}"),
            &ann.access_token,
        )
        .await;
    assert_eq!(second["data"]["accounts"].as_array().unwrap().len(), 2);
    assert!(second["data"]["pagination"]["next_token"].is_null());
}

#[tokio::test]
async fn the_group_needs_the_webdav_permission() {
    let server = stratus_tests::TestServer::start().await;
    set_group_bits(&server, 2, &[(group_perm::WEBDAV, false)]).await;
    server.create_user("bob@example.com", PW).await;
    let bob = server.login("bob@example.com", PW).await;
    let body = json!({"uri": "cloudreve://my", "name": "x"});
    let resp = server
        .send_as(Method::PUT, "/devices/dav", &bob.access_token, &body)
        .await;
    assert_eq!(resp["code"], 40007, "{resp}");
    assert_eq!(
        server.get_as("/devices/dav", &bob.access_token).await["code"],
        40007
    );
}

#[tokio::test]
async fn bad_requests_are_refused_and_change_nothing() {
    let (server, ann) = setup().await;
    let t = &ann.access_token;
    for body in [
        json!({"uri": "cloudreve://trash", "name": "x"}),
        json!({"uri": "cloudreve://my?name=*.jpg", "name": "x"}),
        json!({"uri": "not a uri", "name": "x"}),
        json!({"uri": "cloudreve://my", "name": ""}),
        json!({"uri": "cloudreve://my", "name": "x".repeat(256)}),
        json!({"name": "x"}),
    ] {
        let resp = server.send_as(Method::PUT, "/devices/dav", t, &body).await;
        assert_eq!(resp["code"], 40001, "{body} → {resp}");
    }
    assert_eq!(
        server.get_as("/devices/dav?page_size=5", t).await["code"],
        40001
    );
    assert_eq!(
        server.get_as("/devices/dav?next_page_token=zz", t).await["code"],
        40001
    );
    assert_eq!(
        server.get_as("/devices/dav", t).await["data"]["accounts"],
        json!([])
    );
    // Signed out.
    let (status, resp) = server
        .send_api(
            Method::PUT,
            "/devices/dav",
            r#"{"uri":"cloudreve://my","name":"x"}"#,
        )
        .await;
    assert_eq!((status, resp["code"].as_i64()), (200, Some(401)), "{resp}");
    assert_eq!(server.get_api("/devices/dav").await["code"], 401);
}

#[tokio::test]
async fn another_users_account_is_not_found() {
    let (server, ann) = setup().await;
    let a = account(&server, &ann, json!({"uri": "cloudreve://my", "name": "x"})).await;
    let id = a["id"].as_str().unwrap();
    server.create_user("bob@example.com", PW).await;
    let bob = server.login("bob@example.com", PW).await;
    let body = json!({"uri": "cloudreve://my", "name": "mine now"});
    let t = &bob.access_token;
    let patched = server
        .send_as(Method::PATCH, &format!("/devices/dav/{id}"), t, &body)
        .await;
    assert_eq!(patched["code"], 404, "{patched}");
    let deleted = server
        .send_as(Method::DELETE, &format!("/devices/dav/{id}"), t, &json!({}))
        .await;
    assert_eq!(deleted["code"], 404);
    assert_eq!(
        server.get_as("/devices/dav", t).await["data"]["accounts"],
        json!([])
    );
    // Another user's `my` cannot be a root either.
    let ann_id = ann.user["id"].as_str().unwrap();
    let body = json!({"uri": format!("cloudreve://{ann_id}@my"), "name": "x"});
    let resp = server.send_as(Method::PUT, "/devices/dav", t, &body).await;
    assert_eq!(resp["code"], 403, "{resp}");
    let still = server.get_as("/devices/dav", &ann.access_token).await;
    assert_eq!(still["data"]["accounts"][0]["name"], "x");
}

#[tokio::test]
async fn accounts_per_user_are_capped_by_the_group() {
    let (server, ann) = setup().await;
    crate::archive::update_group(&server, |g| g.settings["max_dav_accounts"] = json!(2)).await;
    let body = json!({"uri": "cloudreve://my", "name": "laptop"});
    for _ in 0..2 {
        account(&server, &ann, body.clone()).await;
    }
    let refused = server
        .send_as(Method::PUT, "/devices/dav", &ann.access_token, &body)
        .await;
    assert_eq!(refused["code"], 40007, "{refused}");
    assert!(
        refused["msg"].as_str().unwrap().contains("at most 2"),
        "{refused}"
    );
}
