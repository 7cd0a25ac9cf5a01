//! Login flow v2 (start, approve in the web UI's API, poll once) and v1 (the `nc://`
//! redirect), and every way a flow is not there: unknown, spent, cancelled, expired tokens.

use reqwest::Method;
use sea_orm::{ColumnTrait, EntityTrait, QueryFilter, sea_query::Expr};
use serde_json::{Value, json};
use stratus_entity::kv;

use super::{cloud_user, poll, setup, site};

const DESKTOP: &str =
    "Mozilla/5.0 (Linux) mirall/3.7.3 (Nextcloud, debian-6.1.0 ClientArchitecture: x86_64)";

/// Starts a v2 flow as the desktop client; the answer.
async fn start(server: &stratus_tests::TestServer) -> Value {
    let resp = site(server, Method::POST, "/index.php/login/v2")
        .header("User-Agent", DESKTOP)
        .send()
        .await
        .unwrap();
    assert_eq!(resp.status(), 200);
    resp.json().await.unwrap()
}

fn login_token(started: &Value) -> String {
    let login = started["login"].as_str().unwrap();
    login.rsplit('/').next().unwrap().to_owned()
}

#[tokio::test]
async fn v2_hands_the_app_password_to_the_poller_once() {
    let (server, ann) = setup().await;
    let t = &ann.access_token;
    let started = start(&server).await;
    let poll_token = started["poll"]["token"].as_str().unwrap();
    assert_eq!(poll_token.len(), 64);
    assert_eq!(
        started["poll"]["endpoint"],
        server.url("/index.php/login/v2/poll")
    );
    let token = login_token(&started);
    assert_eq!(
        started["login"],
        server.url(&format!("/session/device/{token}"))
    );
    assert_ne!(token, poll_token);

    // Before the approval: 404, as many times as it is asked.
    for _ in 0..2 {
        assert_eq!(poll(&server, poll_token).await.status(), 404);
    }
    // The page shows the device.
    let info = server
        .get_as(&format!("/devices/login_flow/{token}"), t)
        .await;
    assert_eq!(info["code"], 0, "{info}");
    assert_eq!(info["data"]["device"], "Nextcloud desktop (Linux)");
    assert_eq!(info["data"]["version"], "v2");
    // Signed out, the page gets nothing.
    let anon = server
        .get_api(&format!("/devices/login_flow/{token}"))
        .await;
    assert_eq!(anon["code"], 401, "{anon}");

    let approved = server
        .send_as(
            Method::POST,
            &format!("/devices/login_flow/{token}"),
            t,
            &json!({}),
        )
        .await;
    assert_eq!(approved["code"], 0, "{approved}");
    assert_eq!(
        approved["data"]["app_password"]["name"],
        "Nextcloud desktop (Linux)"
    );
    assert!(approved["data"]["redirect"].is_null());
    // The page cannot be approved twice.
    let again = server
        .send_as(
            Method::POST,
            &format!("/devices/login_flow/{token}"),
            t,
            &json!({}),
        )
        .await;
    assert_eq!(again["code"], 404, "{again}");

    let resp = poll(&server, poll_token).await;
    assert_eq!(resp.status(), 200);
    let creds: Value = resp.json().await.unwrap();
    assert_eq!(creds["server"], server.base.as_str());
    assert_eq!(creds["loginName"], "ann@example.com");
    let app_pw = creds["appPassword"].as_str().unwrap();
    assert_eq!(app_pw.len(), 64);
    // Once only.
    assert_eq!(poll(&server, poll_token).await.status(), 404);
    // The secret is not kept anywhere in the clear.
    let rows = kv::Entity::find().all(&server.state.db).await.unwrap();
    assert!(
        rows.iter()
            .all(|r| !r.value.contains(app_pw) && !r.key.contains(poll_token))
    );

    let (status, body) = cloud_user(&server, "ann@example.com", app_pw).await;
    assert_eq!(status, 200, "{body}");
    let list = server.get_as("/devices/app_passwords", t).await;
    assert_eq!(list["data"][0]["name"], "Nextcloud desktop (Linux)");
}

#[tokio::test]
async fn bad_spent_cancelled_and_expired_tokens_are_404() {
    let (server, ann) = setup().await;
    let t = &ann.access_token;
    // Unknown, empty, missing and oversized tokens.
    assert_eq!(poll(&server, "nope").await.status(), 404);
    assert_eq!(poll(&server, "").await.status(), 404);
    let resp = site(&server, Method::POST, "/index.php/login/v2/poll")
        .send()
        .await
        .unwrap();
    assert_eq!(resp.status(), 404);
    assert_eq!(poll(&server, &"a".repeat(10_000)).await.status(), 404);
    let missing = server.get_as("/devices/login_flow/nope", t).await;
    assert_eq!(missing["code"], 404, "{missing}");
    let missing = server
        .send_as(Method::POST, "/devices/login_flow/nope", t, &json!({}))
        .await;
    assert_eq!(missing["code"], 404, "{missing}");

    // A poll token is not a login token, nor the reverse.
    let started = start(&server).await;
    let poll_token = started["poll"]["token"].as_str().unwrap();
    let token = login_token(&started);
    let wrong = server
        .send_as(
            Method::POST,
            &format!("/devices/login_flow/{poll_token}"),
            t,
            &json!({}),
        )
        .await;
    assert_eq!(wrong["code"], 404);
    assert_eq!(poll(&server, &token).await.status(), 404);

    // Cancelled: the page and the poll are gone.
    let cancelled = server
        .send_as(
            Method::DELETE,
            &format!("/devices/login_flow/{token}"),
            t,
            &json!({}),
        )
        .await;
    assert_eq!(cancelled["code"], 0, "{cancelled}");
    let gone = server
        .send_as(
            Method::POST,
            &format!("/devices/login_flow/{token}"),
            t,
            &json!({}),
        )
        .await;
    assert_eq!(gone["code"], 404);
    assert_eq!(poll(&server, poll_token).await.status(), 404);

    // Expired (past its 20 minutes): approving and polling find nothing.
    let started = start(&server).await;
    let poll_token = started["poll"]["token"].as_str().unwrap();
    let token = login_token(&started);
    kv::Entity::update_many()
        .col_expr(
            kv::Column::ExpiresAt,
            Expr::value(chrono::Utc::now() - chrono::Duration::seconds(1)),
        )
        .filter(kv::Column::Key.starts_with("ncflow:"))
        .exec(&server.state.db)
        .await
        .unwrap();
    let expired = server
        .send_as(
            Method::POST,
            &format!("/devices/login_flow/{token}"),
            t,
            &json!({}),
        )
        .await;
    assert_eq!(expired["code"], 404, "{expired}");
    assert_eq!(poll(&server, poll_token).await.status(), 404);
    let list = server.get_as("/devices/app_passwords", t).await;
    assert_eq!(list["data"], json!([]), "no app password was made");
}

#[tokio::test]
async fn approving_needs_the_webdav_permission() {
    let (server, ann) = setup().await;
    crate::dav::set_group_bits(
        &server,
        2,
        &[(stratus_server::boolset::group_perm::WEBDAV, false)],
    )
    .await;
    let started = start(&server).await;
    let token = login_token(&started);
    let refused = server
        .send_as(
            Method::POST,
            &format!("/devices/login_flow/{token}"),
            &ann.access_token,
            &json!({}),
        )
        .await;
    assert_eq!(refused["code"], 40007, "{refused}");
}

#[tokio::test]
async fn v1_redirects_to_the_page_and_then_to_the_app() {
    let (server, ann) = setup().await;
    let client = reqwest::Client::builder()
        .redirect(reqwest::redirect::Policy::none())
        .build()
        .unwrap();
    let resp = client
        .get(server.url("/index.php/login/flow"))
        .header("OCS-APIRequest", "true")
        .header(
            "User-Agent",
            "Mozilla/5.0 (Android) Nextcloud-android/3.26.0",
        )
        .send()
        .await
        .unwrap();
    assert_eq!(resp.status(), 302);
    let location = resp.headers()["location"].to_str().unwrap().to_owned();
    // A path on the host asked, while no site address is configured.
    let prefix = "/session/device/";
    assert!(location.starts_with(prefix), "{location}");
    let token = &location[prefix.len()..];
    let info = server
        .get_as(&format!("/devices/login_flow/{token}"), &ann.access_token)
        .await;
    assert_eq!(info["data"]["version"], "v1");
    assert_eq!(info["data"]["device"], "Nextcloud Android");
    let approved = server
        .send_as(
            Method::POST,
            &format!("/devices/login_flow/{token}"),
            &ann.access_token,
            &json!({}),
        )
        .await;
    assert_eq!(approved["code"], 0, "{approved}");
    let redirect = approved["data"]["redirect"].as_str().unwrap();
    let prefix = format!(
        "nc://login/server:{}&user:ann%40example.com&password:",
        server.base
    );
    assert!(redirect.starts_with(&prefix), "{redirect}");
    let app_pw = &redirect[prefix.len()..];
    assert_eq!(cloud_user(&server, "ann@example.com", app_pw).await.0, 200);
}
