//! One view of a user's credentials (`/devices/credentials`): every kind listed with its last
//! use, each user seeing and revoking only their own, and a revoked credential refused at its
//! next request on the edge it signs in to.

mod list;
mod revoke;

use reqwest::Method;
use serde_json::{Value, json};
use stratus_server::boolset::group_perm;
use stratus_tests::{Session, TestServer};

use crate::dav::set_group_bits;

const PW: &str = "password123";

/// A server with the S3 endpoint on, whose User group may use WebDAV and S3.
async fn start() -> TestServer {
    let server = crate::s3_endpoint::start().await;
    set_group_bits(&server, 2, &[(group_perm::WEBDAV, true)]).await;
    server
}

/// A new user `email` of the User group, signed in.
async fn user(server: &TestServer, email: &str) -> Session {
    crate::s3_endpoint::user(server, email).await
}

/// The credentials `token` lists.
async fn list(server: &TestServer, token: &str) -> Vec<Value> {
    let body = server.get_as("/devices/credentials", token).await;
    assert_eq!(body["code"], 0, "{body}");
    body["data"].as_array().unwrap().clone()
}

/// The listed credential of `kind`, one of them.
fn of_kind<'a>(listed: &'a [Value], kind: &str) -> &'a Value {
    listed
        .iter()
        .find(|c| c["kind"] == kind)
        .unwrap_or_else(|| panic!("no {kind} in {listed:?}"))
}

/// `DELETE /devices/credentials/{kind}/{id}` as `token`; the envelope.
async fn revoke(server: &TestServer, token: &str, kind: &str, id: &str) -> Value {
    let path = format!("/devices/credentials/{kind}/{id}");
    server
        .send_as(Method::DELETE, &path, token, &json!({}))
        .await
}

/// An app password `s` approves through a v2 Nextcloud login flow started by `agent`.
async fn app_password(server: &TestServer, s: &Session, agent: &str) -> String {
    let started: Value = server
        .client
        .post(server.url("/index.php/login/v2"))
        .header("User-Agent", agent)
        .send()
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    let token = started["login"]
        .as_str()
        .unwrap()
        .rsplit('/')
        .next()
        .unwrap();
    let path = format!("/devices/login_flow/{token}");
    let approved = server
        .send_as(Method::POST, &path, &s.access_token, &json!({}))
        .await;
    assert_eq!(approved["code"], 0, "{approved}");
    let polled: Value = server
        .client
        .post(server.url("/index.php/login/v2/poll"))
        .form(&[("token", started["poll"]["token"].as_str().unwrap())])
        .send()
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    polled["appPassword"].as_str().unwrap().to_owned()
}

/// The status of a Nextcloud `cloud/user` request with Basic `login` and `pw`.
async fn nextcloud_status(server: &TestServer, login: &str, pw: &str) -> u16 {
    server
        .client
        .get(server.url("/ocs/v2.php/cloud/user?format=json"))
        .header("OCS-APIRequest", "true")
        .basic_auth(login, Some(pw))
        .send()
        .await
        .unwrap()
        .status()
        .as_u16()
}

/// The status of a WebDAV `PROPFIND /dav/` with Basic `login` and `pw`.
async fn dav_status(server: &TestServer, login: &str, pw: &str) -> u16 {
    crate::dav::dav(server, "PROPFIND", "/", login, pw)
        .header("Depth", "0")
        .send()
        .await
        .unwrap()
        .status()
        .as_u16()
}

/// The envelope code of `/user/me` with `token`.
async fn me_code(server: &TestServer, token: &str) -> i64 {
    server.get_as("/user/me", token).await["code"]
        .as_i64()
        .unwrap()
}
