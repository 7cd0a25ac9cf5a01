//! App passwords: each user's open only their own data, revoking one refuses it at the next
//! request, a password reset revokes them all, the list and revoke routes, the record of the
//! last use.

use reqwest::Method;
use sea_orm::{ActiveModelTrait, ActiveValue::Set, EntityTrait, IntoActiveModel};
use serde_json::json;
use stratus_entity::app_password;
use stratus_tests::Session;

use super::{PW, cloud_user, setup, sign_in_device};
use crate::dav::dav;
use crate::registration::{query_param, request_reset, reset, use_smtp};

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

/// Whoever knew the old password may have approved a device with it: a reset by e-mail and a
/// password an administrator sets revoke every app password at once; a change the user makes
/// with the current password keeps their devices.
#[tokio::test]
async fn a_password_reset_revokes_every_app_password_a_change_keeps_them() {
    let (server, ann) = setup().await;
    let device = |s: &Session, agent: &'static str| {
        let (server, s) = (&server, s.clone());
        async move {
            sign_in_device(server, &s, agent).await["appPassword"]
                .as_str()
                .unwrap()
                .to_owned()
        }
    };
    let works = |pw: String| {
        let server = &server;
        async move { cloud_user(server, "ann@example.com", &pw).await.0 }
    };
    let phone = device(&ann, "Nextcloud-android").await;
    let laptop = device(&ann, "Nextcloud desktop").await;
    assert_eq!(works(phone.clone()).await, 200);
    assert_eq!(works(laptop.clone()).await, 200);

    // A change with the current password: the devices keep syncing.
    let changed = server
        .send_as(
            Method::PATCH,
            "/user/setting",
            &ann.access_token,
            &json!({"current_password": PW, "new_password": "changed-password"}),
        )
        .await;
    assert_eq!(changed["code"], 0, "{changed}");
    assert_eq!(works(phone.clone()).await, 200);
    assert_eq!(works(laptop.clone()).await, 200);

    // A reset by e-mail: both stop at the very next request, and the list is empty.
    let smtp = stratus_tests::smtp::SmtpServer::start().await;
    use_smtp(&server, &smtp).await;
    let asked = request_reset(&server, "ann@example.com").await;
    assert_eq!(asked["code"], 0, "{asked}");
    let mail = smtp
        .wait_for_mail_to("ann@example.com", std::time::Duration::from_secs(10))
        .await;
    let link = mail.link("/session/reset?").expect("reset link");
    let (_, done) = reset(
        &server,
        &query_param(&link, "id"),
        &query_param(&link, "secret"),
        "reset-password",
    )
    .await;
    assert_eq!(done["code"], 0, "{done}");
    assert_eq!(works(phone).await, 401);
    assert_eq!(works(laptop).await, 401);
    let ann = server.login("ann@example.com", "reset-password").await;
    let list = server
        .get_as("/devices/app_passwords", &ann.access_token)
        .await;
    assert_eq!(list["data"], json!([]), "{list}");

    // A password an administrator sets: the same.
    let tablet = device(&ann, "Nextcloud-iOS").await;
    assert_eq!(works(tablet.clone()).await, 200);
    stratus_server::users::create(&server.state.db, "boss@example.com", PW, 1)
        .await
        .unwrap();
    let boss = server.login("boss@example.com", PW).await;
    let uid = server.get_as("/user/me", &ann.access_token).await["data"]["id"]
        .as_str()
        .unwrap()
        .to_owned();
    let id = server
        .state
        .ids
        .decode(&uid, stratus_server::ids::IdKind::User)
        .unwrap();
    let set = server
        .send_as(
            Method::PUT,
            &format!("/admin/user/{id}"),
            &boss.access_token,
            &json!({"user": {"id": id, "email": "ann@example.com"}, "password": "admin-set-password"}),
        )
        .await;
    assert_eq!(set["code"], 0, "{set}");
    assert_eq!(works(tablet).await, 401);
}
