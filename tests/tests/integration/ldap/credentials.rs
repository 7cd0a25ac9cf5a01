//! A directory account's credentials follow its entry: app passwords, WebDAV accounts, S3 keys
//! and sessions are cut when the entry is gone or disabled (by the periodic check, and at
//! once by a failed sign-in of the account), and outlive a password changed in the directory.

use reqwest::Method;
use sea_orm::{ColumnTrait, EntityTrait, PaginatorTrait, QueryFilter};
use serde_json::json;
use stratus_entity::{app_password, s3_key};
use stratus_server::{
    auth::{self, sign_in::directory_check},
    boolset::group_perm,
};
use stratus_tests::{Session, TestServer, slapd::Slapd};

use super::{sign_in, use_directory};
use crate::dav::set_group_bits;

const BOB: &str = "bob@example.org";
const BOB_DN: &str = "uid=bob,ou=people,dc=example,dc=org";

/// A server on `dir` where bob signed in, with an app password and an S3 key: the session,
/// bob's id and the app password.
async fn bob_with_credentials(dir: &Slapd) -> (TestServer, Session, i64, String) {
    let server =
        TestServer::start_with(|c| c.s3.listen = Some("127.0.0.1:0".parse().unwrap())).await;
    use_directory(&server, dir).await;
    set_group_bits(
        &server,
        2,
        &[(group_perm::WEBDAV, true), (group_perm::S3, true)],
    )
    .await;
    let signed = sign_in(&server, "bob", "can-we-fix-it").await;
    assert_eq!(signed["code"], 0, "{signed}");
    let token = &signed["data"]["token"];
    let bob = Session {
        access_token: token["access_token"].as_str().unwrap().to_owned(),
        refresh_token: token["refresh_token"].as_str().unwrap().to_owned(),
        user: signed["data"]["user"].clone(),
    };
    let id = stratus_server::users::find_by_email(&server.state.db, BOB)
        .await
        .unwrap()
        .unwrap()
        .id;
    let (_, pw) = auth::app_password::create(&server.state.db, id, "phone")
        .await
        .unwrap();
    crate::s3_endpoint::key(&server, &bob, "cloudreve://my", false).await;
    assert_eq!(propfind(&server, &pw).await, 207);
    (server, bob, id, pw)
}

async fn propfind(server: &TestServer, pw: &str) -> u16 {
    crate::dav::dav(server, "PROPFIND", "/", BOB, pw)
        .header("Depth", "0")
        .send()
        .await
        .unwrap()
        .status()
        .as_u16()
}

async fn counts(server: &TestServer, id: i64) -> (u64, u64) {
    let db = &server.state.db;
    let pws = app_password::Entity::find()
        .filter(app_password::Column::UserId.eq(id))
        .count(db)
        .await
        .unwrap();
    let keys = s3_key::Entity::find()
        .filter(s3_key::Column::UserId.eq(id))
        .count(db)
        .await
        .unwrap();
    (pws, keys)
}

async fn refresh(server: &TestServer, s: &Session) -> i64 {
    let body = json!({ "refresh_token": s.refresh_token }).to_string();
    let (_, answer) = server
        .send_api(Method::POST, "/session/token/refresh", &body)
        .await;
    answer["code"].as_i64().unwrap()
}

#[tokio::test]
async fn the_periodic_check_cuts_the_credentials_of_a_removed_entry_only() {
    let dir = Slapd::start().await;
    let (server, bob, id, pw) = bob_with_credentials(&dir).await;

    // A password changed in the directory leaves the app password working.
    dir.modify(
        "ldapmodify",
        &format!(
            "dn: {BOB_DN}\nchangetype: modify\nreplace: userPassword\nuserPassword: new-pass-1\n"
        ),
    )
    .await;
    assert_eq!(directory_check::check_all(&server.state).await, Ok(0));
    assert_eq!(propfind(&server, &pw).await, 207);
    assert_eq!(counts(&server, id).await, (1, 1));

    dir.modify("ldapdelete", &format!("{BOB_DN}\n")).await;
    let cut = directory_check::check_all(&server.state).await.unwrap();
    assert!(cut >= 3, "app password, key and session: {cut}");
    assert_eq!(propfind(&server, &pw).await, 401);
    assert_eq!(counts(&server, id).await, (0, 0));
    assert_ne!(refresh(&server, &bob).await, 0);
}

#[tokio::test]
async fn a_failed_sign_in_of_a_removed_entry_cuts_its_credentials_at_once() {
    let dir = Slapd::start().await;
    let (server, bob, id, pw) = bob_with_credentials(&dir).await;
    dir.modify("ldapdelete", &format!("{BOB_DN}\n")).await;
    let gone = sign_in(&server, BOB, "can-we-fix-it").await;
    assert_eq!(gone["code"], 40080, "{gone}");
    assert_eq!(propfind(&server, &pw).await, 401);
    assert_eq!(counts(&server, id).await, (0, 0));
    assert_ne!(refresh(&server, &bob).await, 0);
}

#[tokio::test]
async fn an_unreachable_directory_cuts_nothing() {
    let dir = Slapd::start().await;
    let (server, _bob, id, pw) = bob_with_credentials(&dir).await;
    dir.freeze();
    assert!(directory_check::check_all(&server.state).await.is_err());
    dir.thaw();
    assert_eq!(propfind(&server, &pw).await, 207);
    assert_eq!(counts(&server, id).await, (1, 1));
}
