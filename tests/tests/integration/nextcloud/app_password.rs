//! App passwords: each user's open only their own data, revoking one refuses it at the next
//! request, the list and revoke routes, the record of the last use.

use reqwest::Method;
use sea_orm::{ActiveModelTrait, ActiveValue::Set, EntityTrait, IntoActiveModel};
use serde_json::json;
use stratus_entity::app_password;

use super::{PW, cloud_user, setup, sign_in_device};
use crate::dav::dav;

#[tokio::test]
async fn one_users_app_password_never_opens_anothers_data() {
    let (server, ann) = setup().await;
    server.create_user("bob@example.com", PW).await;
    let bob = server.login("bob@example.com", PW).await;
    server
        .upload(&ann, "cloudreve://my/ann-secret.txt", b"ann's", json!({}))
        .await;
    let bob_pw = sign_in_device(&server, &bob, "Nextcloud-iOS").await["appPassword"]
        .as_str()
        .unwrap()
        .to_owned();
    let ann_pw = sign_in_device(&server, &ann, "Nextcloud-iOS").await["appPassword"]
        .as_str()
        .unwrap()
        .to_owned();

    // Bob's password with Ann's address: refused everywhere.
    assert_eq!(cloud_user(&server, "ann@example.com", &bob_pw).await.0, 401);
    let resp = dav(&server, "PROPFIND", "/", "ann@example.com", &bob_pw)
        .header("Depth", "1")
        .send()
        .await
        .unwrap();
    assert_eq!(resp.status(), 401);
    let resp = dav(
        &server,
        "GET",
        "/ann-secret.txt",
        "ann@example.com",
        &bob_pw,
    )
    .send()
    .await
    .unwrap();
    assert_eq!(resp.status(), 401);
    // With his own address it opens his own drive, where Ann's file is not.
    let (status, body) = cloud_user(&server, "bob@example.com", &bob_pw).await;
    assert_eq!(status, 200);
    assert_eq!(body["ocs"]["data"]["id"], bob.user["id"]);
    let resp = dav(
        &server,
        "GET",
        "/ann-secret.txt",
        "bob@example.com",
        &bob_pw,
    )
    .send()
    .await
    .unwrap();
    assert_eq!(resp.status(), 404);
    // Ann's opens hers, read and write, over /dav.
    let resp = dav(
        &server,
        "GET",
        "/ann-secret.txt",
        "ann@example.com",
        &ann_pw,
    )
    .send()
    .await
    .unwrap();
    assert_eq!(resp.status(), 200);
    assert_eq!(resp.bytes().await.unwrap().as_ref(), b"ann's");
    let resp = dav(
        &server,
        "PUT",
        "/from-phone.txt",
        "ann@example.com",
        &ann_pw,
    )
    .body("hello")
    .send()
    .await
    .unwrap();
    assert!(resp.status().is_success(), "{}", resp.status());

    // Bob cannot list or revoke Ann's.
    let ann_list = server
        .get_as("/devices/app_passwords", &ann.access_token)
        .await;
    let ann_id = ann_list["data"][0]["id"].as_str().unwrap();
    let bob_list = server
        .get_as("/devices/app_passwords", &bob.access_token)
        .await;
    assert_eq!(bob_list["data"].as_array().unwrap().len(), 1);
    assert_ne!(bob_list["data"][0]["id"], ann_id);
    let refused = server
        .send_as(
            Method::DELETE,
            &format!("/devices/app_passwords/{ann_id}"),
            &bob.access_token,
            &json!({}),
        )
        .await;
    assert_eq!(refused["code"], 404, "{refused}");
    assert_eq!(cloud_user(&server, "ann@example.com", &ann_pw).await.0, 200);
}

#[tokio::test]
async fn a_revoked_app_password_is_refused_at_once() {
    let (server, ann) = setup().await;
    let t = &ann.access_token;
    let app_pw = sign_in_device(&server, &ann, "Nextcloud-android").await["appPassword"]
        .as_str()
        .unwrap()
        .to_owned();
    // Signed in (and remembered by the sign-in cache) on both routes.
    for _ in 0..2 {
        assert_eq!(cloud_user(&server, "ann@example.com", &app_pw).await.0, 200);
        let resp = dav(&server, "PROPFIND", "/", "ann@example.com", &app_pw)
            .header("Depth", "0")
            .send()
            .await
            .unwrap();
        assert_eq!(resp.status(), 207);
    }
    let list = server.get_as("/devices/app_passwords", t).await;
    let id = list["data"][0]["id"].as_str().unwrap().to_owned();
    let revoked = server
        .send_as(
            Method::DELETE,
            &format!("/devices/app_passwords/{id}"),
            t,
            &json!({}),
        )
        .await;
    assert_eq!(revoked["code"], 0, "{revoked}");
    // The very next request is refused.
    assert_eq!(cloud_user(&server, "ann@example.com", &app_pw).await.0, 401);
    let resp = dav(&server, "PROPFIND", "/", "ann@example.com", &app_pw)
        .header("Depth", "0")
        .send()
        .await
        .unwrap();
    assert_eq!(resp.status(), 401);
    let list = server.get_as("/devices/app_passwords", t).await;
    assert_eq!(list["data"], json!([]));
    // Revoking again, or an id that is not one: 404.
    for id in [id.as_str(), "nope"] {
        let again = server
            .send_as(
                Method::DELETE,
                &format!("/devices/app_passwords/{id}"),
                t,
                &json!({}),
            )
            .await;
        assert_eq!(again["code"], 404, "{again}");
    }
    // Signed out: 401.
    let anon = server.get_api("/devices/app_passwords").await;
    assert_eq!(anon["code"], 401);
}

#[tokio::test]
async fn the_last_use_is_recorded_at_most_once_a_minute() {
    let (server, ann) = setup().await;
    let app_pw = sign_in_device(&server, &ann, "Nextcloud-android").await["appPassword"]
        .as_str()
        .unwrap()
        .to_owned();
    let row = || async {
        app_password::Entity::find()
            .one(&server.state.db)
            .await
            .unwrap()
            .unwrap()
    };
    assert!(row().await.last_used_at.is_none());
    assert_eq!(cloud_user(&server, "ann@example.com", &app_pw).await.0, 200);
    let first = wait_for_use(&server).await;
    // A minute has not passed: a second use leaves it.
    assert_eq!(cloud_user(&server, "ann@example.com", &app_pw).await.0, 200);
    let list = server
        .get_as("/devices/app_passwords", &ann.access_token)
        .await;
    let shown: chrono::DateTime<chrono::Utc> =
        serde_json::from_value(list["data"][0]["last_used_at"].clone()).unwrap();
    assert_eq!(shown.timestamp(), first.timestamp());
    // Two minutes ago: the next use records itself again.
    let mut active = row().await.into_active_model();
    let old = first - chrono::Duration::minutes(2);
    active.last_used_at = Set(Some(old));
    active.update(&server.state.db).await.unwrap();
    stratus_server::auth::dav_cache::rows(&server.state).forget_all();
    assert_eq!(cloud_user(&server, "ann@example.com", &app_pw).await.0, 200);
    let deadline = std::time::Instant::now() + std::time::Duration::from_secs(10);
    loop {
        let at = row().await.last_used_at.unwrap();
        if at > old + chrono::Duration::minutes(1) {
            break;
        }
        assert!(std::time::Instant::now() < deadline, "not recorded again");
        tokio::time::sleep(std::time::Duration::from_millis(20)).await;
    }
}

/// Polls (10 s at most) until the app password's use is recorded; the time recorded.
async fn wait_for_use(server: &stratus_tests::TestServer) -> chrono::DateTime<chrono::Utc> {
    let deadline = std::time::Instant::now() + std::time::Duration::from_secs(10);
    loop {
        let at = app_password::Entity::find()
            .one(&server.state.db)
            .await
            .unwrap()
            .and_then(|r| r.last_used_at);
        if let Some(at) = at {
            return at;
        }
        assert!(std::time::Instant::now() < deadline, "use not recorded");
        tokio::time::sleep(std::time::Duration::from_millis(20)).await;
    }
}
