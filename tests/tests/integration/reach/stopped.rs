//! A stopped credential may read, not write, and making or changing a share link is a write:
//! refused by the file system whichever edge asks, with the edge's answer for a guard refusal
//! (403 through OCS, 40090 through the API).

use reqwest::Method;
use sea_orm::{EntityTrait, PaginatorTrait};
use serde_json::json;
use stratus_entity::share;
use stratus_tests::{Session, TestServer};

use super::{limit, ocs, setup, stopped_device};
use crate::oauth::{App, authorize};

/// The share links on the site.
async fn links(server: &TestServer) -> u64 {
    share::Entity::find().count(&server.state.db).await.unwrap()
}

#[tokio::test]
async fn a_stopped_device_makes_no_public_link_through_ocs_but_lists_them() {
    let (server, ann) = setup().await;
    let pw = stopped_device(&server, &ann).await;
    let form = [("path", "/keep/in.txt"), ("shareType", "3")];
    let (status, body) = ocs(&server, Method::POST, &pw, &form).await;
    assert_eq!(status, 403, "{body}");
    assert_eq!(links(&server).await, 0);
    let (status, body) = ocs(&server, Method::GET, &pw, &[]).await;
    assert_eq!(status, 200, "{body}");
    // Her web session, which the guard did not stop, still shares.
    let made = server
        .send_as(
            Method::PUT,
            "/share",
            &ann.access_token,
            &json!({"uri": "cloudreve://my/keep/in.txt"}),
        )
        .await;
    assert_eq!(made["code"], 0, "{made}");
    assert_eq!(links(&server).await, 1);
}

const SCOPES: &[&str] = &[
    "openid",
    "Files.Read",
    "Files.Write",
    "Shares.Read",
    "Shares.Write",
];

/// Ann's app, stopped after deleting files of her drive root; answers its token.
async fn stopped_app(server: &TestServer, ann: &Session, app: &App) -> String {
    let reply = authorize(server, ann, app, &SCOPES.join(" ")).await;
    let token = reply["access_token"].as_str().unwrap().to_owned();
    let mut codes = Vec::new();
    for i in 0..4 {
        let uri = format!("cloudreve://my/{i}.txt");
        let made = server
            .send_as(
                Method::POST,
                "/file/create",
                &token,
                &json!({"uri": uri, "type": "file"}),
            )
            .await;
        assert_eq!(made["code"], 0, "{made}");
        let deleted = server
            .send_as(Method::DELETE, "/file", &token, &json!({"uris": [uri]}))
            .await;
        codes.push(deleted["code"].as_i64().unwrap());
    }
    assert_eq!(codes, [0, 0, 0, 40090]);
    token
}

#[tokio::test]
async fn a_stopped_app_neither_makes_nor_changes_a_share_link_through_the_api() {
    let (server, _admin, ann, app) = crate::oauth::setup(SCOPES).await;
    limit(&server, 3).await;
    server
        .upload(&ann, "cloudreve://my/keep/in.txt", b"in", json!({}))
        .await;
    let (link, _) = server.share(&ann, "cloudreve://my/keep", json!({})).await;
    let token = stopped_app(&server, &ann, &app).await;

    let refused = server
        .send_as(
            Method::PUT,
            "/share",
            &token,
            &json!({"uri": "cloudreve://my/keep/in.txt"}),
        )
        .await;
    assert_eq!(refused["code"], 40090, "{refused}");
    let refused = server
        .send_as(
            Method::POST,
            &format!("/share/{link}"),
            &token,
            &json!({"uri": "cloudreve://my/keep", "expire": 60}),
        )
        .await;
    assert_eq!(refused["code"], 40090, "{refused}");
    assert_eq!(links(&server).await, 1);
    // Reading its links is still allowed.
    let listed = server.get_as("/share?page_size=10", &token).await;
    assert_eq!(listed["code"], 0, "{listed}");
}
