//! `expose_user_email` (Cloudreve 4.17): other people's e-mail addresses in every redacted
//! user — `/user/info/:id`, `/user/search`, a share's owner — only to signed-in viewers while
//! the setting is on; a viewer's own address stays visible to them.

use reqwest::Method;
use serde_json::{Value, json};
use stratus_tests::{Session, TestServer};

const PW: &str = "password123";

struct Views {
    info: Value,
    search: Value,
    share_owner: Value,
}

/// What `viewer` (or an anonymous caller) sees of Ann through each route.
async fn views(server: &TestServer, viewer: Option<&Session>, ann: &Session, share: &str) -> Views {
    let ann_id = ann.user["id"].as_str().unwrap();
    let get = |path: String| async move {
        let req = match viewer {
            Some(s) => server.request_as(Method::GET, &path, &s.access_token),
            None => server.client.get(server.api(&path)),
        };
        stratus_tests::envelope(req.send().await.unwrap()).await
    };
    let info = get(format!("/user/info/{ann_id}")).await;
    let search = get("/user/search?keyword=ann".to_owned()).await;
    let shared = get(format!("/share/info/{share}")).await;
    Views {
        info: info["data"].clone(),
        search: search["data"][0].clone(),
        share_owner: shared["data"]["owner"].clone(),
    }
}

fn emails(v: &Views) -> [Option<&str>; 3] {
    [&v.info, &v.search, &v.share_owner].map(|u| u.get("email").and_then(Value::as_str))
}

#[tokio::test]
async fn addresses_follow_expose_user_email_everywhere() {
    let server = TestServer::start().await;
    stratus_server::users::create(&server.state.db, "boss@example.com", PW, 1)
        .await
        .unwrap();
    server.create_user("ann@example.com", PW).await;
    server.create_user("bob@example.com", PW).await;
    let boss = server.login("boss@example.com", PW).await;
    let ann = server.login("ann@example.com", PW).await;
    let bob = server.login("bob@example.com", PW).await;
    let made = server
        .send_as(
            Method::POST,
            "/file/create",
            &ann.access_token,
            &json!({"uri": "cloudreve://my/Docs", "type": "folder"}),
        )
        .await;
    assert_eq!(made["code"], 0, "{made}");
    let (share, _) = server.share(&ann, "cloudreve://my/Docs", json!({})).await;
    let ann_mail = Some("ann@example.com");

    // Default on: signed-in viewers see it, anonymous ones never.
    let seen = views(&server, Some(&bob), &ann, &share).await;
    assert_eq!(emails(&seen), [ann_mail; 3], "{:?}", seen.info);
    let anon = views(&server, None, &ann, &share).await;
    assert_eq!(emails(&anon)[0], None);
    assert_eq!(emails(&anon)[2], None);
    assert!(anon.share_owner["nickname"].is_string());

    let off = server
        .send_as(
            Method::PATCH,
            "/admin/settings",
            &boss.access_token,
            &json!({"settings": {"expose_user_email": "0"}}),
        )
        .await;
    assert_eq!(off["code"], 0, "{off}");
    let seen = views(&server, Some(&bob), &ann, &share).await;
    assert_eq!(emails(&seen), [None; 3], "{:?}", seen.search);
    // The rest of the user is still there.
    assert_eq!(seen.search["nickname"], ann.user["nickname"]);
    assert_eq!(seen.share_owner["id"], ann.user["id"]);
    // Ann still sees her own address.
    let own = views(&server, Some(&ann), &ann, &share).await;
    assert_eq!(emails(&own), [ann_mail; 3]);
    let anon = views(&server, None, &ann, &share).await;
    assert_eq!(emails(&anon)[0], None);
}
