//! WebDAV: the account API (`/devices/dav`), the `/dav` mount, and real clients (litmus,
//! rclone) against it.

use reqwest::{Method, RequestBuilder};
use sea_orm::{ActiveModelTrait, ActiveValue::Set, EntityTrait, IntoActiveModel};
use serde_json::{Value, json};
use stratus_entity::group;
use stratus_server::boolset::{Boolset, group_perm};
use stratus_tests::{Session, TestServer};

mod access;
mod account;
mod batches;
pub(crate) mod bucket;
mod clients;
mod confined;
mod content;
pub(crate) mod crash;
mod lockout;
mod locks;
mod push;
mod share_root;
mod small_reads;
mod timeouts;

const PW: &str = "password123";

/// Sets or clears permission bits of group `id`.
pub(crate) async fn set_group_bits(server: &TestServer, id: i64, bits: &[(usize, bool)]) {
    let g = group::Entity::find_by_id(id)
        .one(&server.state.db)
        .await
        .unwrap()
        .unwrap();
    let mut perms = Boolset::from_bytes(g.permissions.clone());
    for (bit, on) in bits {
        perms.set_to(*bit, *on);
    }
    let mut active = g.into_active_model();
    active.permissions = Set(perms.into_bytes());
    active.update(&server.state.db).await.unwrap();
    // As a change through the admin console does: remembered sign-ins are dropped.
    stratus_server::auth::dav_cache::rows(&server.state).forget_all();
}

/// A server whose User group may use WebDAV, and a signed-in user `ann`.
pub(crate) async fn setup() -> (TestServer, Session) {
    let server = TestServer::start().await;
    set_group_bits(&server, 2, &[(group_perm::WEBDAV, true)]).await;
    server.create_user("ann@example.com", PW).await;
    let ann = server.login("ann@example.com", PW).await;
    (server, ann)
}

/// Creates a DAV account; returns its `data`.
pub(crate) async fn account(server: &TestServer, s: &Session, body: Value) -> Value {
    let resp = server
        .send_as(Method::PUT, "/devices/dav", &s.access_token, &body)
        .await;
    assert_eq!(resp["code"], 0, "{resp}");
    resp["data"].clone()
}

/// An account rooted at `uri` for `s`; returns the Basic password.
pub(crate) async fn password(server: &TestServer, s: &Session, uri: &str) -> String {
    account(server, s, json!({"uri": uri, "name": "test"})).await["password"]
        .as_str()
        .unwrap()
        .to_owned()
}

/// An account with the proxy option (the group is given bit 6 first); returns its password.
async fn proxy_password(server: &TestServer, s: &Session, name: &str) -> String {
    set_group_bits(server, 2, &[(group_perm::WEBDAV_PROXY, true)]).await;
    account(
        server,
        s,
        json!({"uri": "cloudreve://my", "name": name, "proxy": true}),
    )
    .await["password"]
        .as_str()
        .unwrap()
        .to_owned()
}

fn method(name: &str) -> Method {
    Method::from_bytes(name.as_bytes()).unwrap()
}

/// A WebDAV request to `/dav<path>` with Basic credentials.
pub(crate) fn dav(
    server: &TestServer,
    name: &str,
    path: &str,
    email: &str,
    pw: &str,
) -> RequestBuilder {
    server
        .client
        .request(method(name), server.url(&format!("/dav{path}")))
        .basic_auth(email, Some(pw))
}

/// `PROPFIND` with `Depth: 1`; returns the status and the body.
async fn propfind(server: &TestServer, path: &str, email: &str, pw: &str) -> (u16, String) {
    let resp = dav(server, "PROPFIND", path, email, pw)
        .header("Depth", "1")
        .send()
        .await
        .unwrap();
    (resp.status().as_u16(), resp.text().await.unwrap())
}
