//! The Nextcloud client protocol besides WebDAV: `/status.php`, the OCS capabilities and
//! user, the login flows and the app passwords they hand out, avatars, OCS links and previews,
//! and what a WebDAV account confined to a folder reaches through them.

use reqwest::{Method, RequestBuilder};
use serde_json::Value;
use stratus_server::boolset::group_perm;
use stratus_tests::{Session, TestServer};

use crate::dav::set_group_bits;

mod app_password;
mod login_flow;
mod reach;
mod shares;
mod status;

const PW: &str = "password123";

/// A server whose User group may use WebDAV, and a signed-in user `ann`.
async fn setup() -> (TestServer, Session) {
    let server = TestServer::start().await;
    set_group_bits(&server, 2, &[(group_perm::WEBDAV, true)]).await;
    server.create_user("ann@example.com", PW).await;
    let ann = server.login("ann@example.com", PW).await;
    (server, ann)
}

/// A request to a path of the site (not below `/api/v4`).
fn site(server: &TestServer, method: Method, path: &str) -> RequestBuilder {
    server.client.request(method, server.url(path))
}

/// `s` approves a device through a v2 login flow started with `agent`; returns the poll's
/// credentials (`server`, `loginName`, `appPassword`).
async fn sign_in_device(server: &TestServer, s: &Session, agent: &str) -> Value {
    let started: Value = site(server, Method::POST, "/index.php/login/v2")
        .header("User-Agent", agent)
        .send()
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    let login = started["login"].as_str().unwrap();
    let token = login.rsplit('/').next().unwrap();
    let approved = server
        .send_as(
            Method::POST,
            &format!("/devices/login_flow/{token}"),
            &s.access_token,
            &serde_json::json!({}),
        )
        .await;
    assert_eq!(approved["code"], 0, "{approved}");
    let resp = poll(server, started["poll"]["token"].as_str().unwrap()).await;
    assert_eq!(resp.status(), 200);
    resp.json().await.unwrap()
}

/// `POST /index.php/login/v2/poll` with `token`.
async fn poll(server: &TestServer, token: &str) -> reqwest::Response {
    site(server, Method::POST, "/index.php/login/v2/poll")
        .form(&[("token", token)])
        .send()
        .await
        .unwrap()
}

/// `GET /ocs/v2.php/cloud/user?format=json` with Basic credentials; the status and body.
async fn cloud_user(server: &TestServer, login: &str, pw: &str) -> (u16, Value) {
    let resp = site(server, Method::GET, "/ocs/v2.php/cloud/user?format=json")
        .header("OCS-APIRequest", "true")
        .basic_auth(login, Some(pw))
        .send()
        .await
        .unwrap();
    let status = resp.status().as_u16();
    (status, resp.json().await.unwrap_or(Value::Null))
}
