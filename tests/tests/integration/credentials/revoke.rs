//! Revoking through the one route cuts each kind at its next request on its own edge; a
//! password reset and a ban cut the app passwords and S3 keys as well.

use serde_json::{Value, json};

use super::{
    PW, app_password, dav_status, list, me_code, nextcloud_status, of_kind, revoke, start, user,
};
use crate::oauth::{ALL_APP_SCOPES, authorize, register};
use crate::registration::{query_param, request_reset, reset, use_smtp};
use crate::s3_endpoint::{boto3, creds, endpoint, key, mkdir};

/// The listed credential of `kind` whose `field` is `value`.
fn named<'a>(listed: &'a [Value], kind: &str, field: &str, value: &Value) -> &'a Value {
    listed
        .iter()
        .find(|c| c["kind"] == kind && &c[field] == value)
        .unwrap_or_else(|| panic!("no {kind} with {field} {value} in {listed:?}"))
}

/// Revokes the listed credential `c` as `token` and expects it gone.
async fn revoke_listed(server: &stratus_tests::TestServer, token: &str, c: &Value) {
    let (kind, id) = (c["kind"].as_str().unwrap(), c["id"].as_str().unwrap());
    let done = revoke(server, token, kind, id).await;
    assert_eq!(done["code"], 0, "revoking {c}: {done}");
    let again = revoke(server, token, kind, id).await;
    assert_eq!(again["code"], 404, "revoking {kind} twice: {again}");
}

#[tokio::test]
async fn a_revoked_credential_fails_at_its_next_request_on_its_edge() {
    let server = start().await;
    let ann = user(&server, "ann@example.com").await;
    let boss = crate::admin::admin(&server, "boss@example.com").await;
    let t = &ann.access_token;

    // A second web session: the API takes it, then not.
    let phone = server.login("ann@example.com", PW).await;
    assert_eq!(me_code(&server, &phone.access_token).await, 0);
    let listed = list(&server, t).await;
    let other = named(&listed, "session", "current", &json!(false));
    revoke_listed(&server, t, other).await;
    assert_eq!(me_code(&server, &phone.access_token).await, 401);
    assert_eq!(me_code(&server, t).await, 0);

    // An app password: Nextcloud and WebDAV take it, then refuse it.
    let pw = app_password(&server, &ann, "Nextcloud-android").await;
    assert_eq!(nextcloud_status(&server, "ann@example.com", &pw).await, 200);
    assert_eq!(dav_status(&server, "ann@example.com", &pw).await, 207);
    revoke_listed(&server, t, of_kind(&list(&server, t).await, "app_password")).await;
    assert_eq!(nextcloud_status(&server, "ann@example.com", &pw).await, 401);
    assert_eq!(dav_status(&server, "ann@example.com", &pw).await, 401);

    // A WebDAV account.
    let body = json!({"uri": "cloudreve://my", "name": "laptop"});
    let account = crate::dav::account(&server, &ann, body).await;
    let dav_pw = account["password"].as_str().unwrap();
    assert_eq!(dav_status(&server, "ann@example.com", dav_pw).await, 207);
    revoke_listed(&server, t, of_kind(&list(&server, t).await, "webdav")).await;
    assert_eq!(dav_status(&server, "ann@example.com", dav_pw).await, 401);

    // An S3 key.
    mkdir(&server, &ann, "cloudreve://my/s3/bkt1").await;
    let made = key(&server, &ann, "cloudreve://my/s3", false).await;
    let (url, k) = (endpoint(&server), creds(&made));
    boto3(&url, &k, "buckets_are", &["bkt1"]).await;
    revoke_listed(&server, t, of_kind(&list(&server, t).await, "s3_key")).await;
    boto3(&url, &k, "refused", &[]).await;

    // An OAuth app: its access token stops with its grant.
    let app = register(&server, &boss, ALL_APP_SCOPES).await;
    let reply = authorize(&server, &ann, &app, "openid UserInfo.Write").await;
    let token = reply["access_token"].as_str().unwrap();
    assert_eq!(me_code(&server, token).await, 0);
    revoke_listed(&server, t, of_kind(&list(&server, t).await, "oauth")).await;
    assert_eq!(me_code(&server, token).await, 401);
    assert!(!list(&server, t).await.iter().any(|c| c["kind"] == "oauth"));
}

/// Whoever knew the old password could have made a device's password or a key with it: a
/// reset by e-mail cuts both at the next request, and so does a ban.
#[tokio::test]
async fn a_password_reset_and_a_ban_cut_app_passwords_and_s3_keys() {
    let server = start().await;
    let ann = user(&server, "ann@example.com").await;
    let boss = crate::admin::admin(&server, "boss@example.com").await;
    mkdir(&server, &ann, "cloudreve://my/s3/bkt1").await;
    let url = endpoint(&server);
    let devices = |s: stratus_tests::Session| {
        let server = &server;
        async move {
            let pw = app_password(server, &s, "Nextcloud-android").await;
            let k = creds(&key(server, &s, "cloudreve://my/s3", false).await);
            assert_eq!(nextcloud_status(server, "ann@example.com", &pw).await, 200);
            (pw, k)
        }
    };
    let (pw, k) = devices(ann.clone()).await;
    boto3(&url, &k, "buckets_are", &["bkt1"]).await;

    let smtp = stratus_tests::smtp::SmtpServer::start().await;
    use_smtp(&server, &smtp).await;
    let asked = request_reset(&server, "ann@example.com").await;
    assert_eq!(asked["code"], 0, "{asked}");
    let mail = smtp
        .wait_for_mail_to("ann@example.com", std::time::Duration::from_secs(10))
        .await;
    let link = mail.link("/session/reset?").expect("reset link");
    let (id, secret) = (query_param(&link, "id"), query_param(&link, "secret"));
    let (_, done) = reset(&server, &id, &secret, "reset-password").await;
    assert_eq!(done["code"], 0, "{done}");
    assert_eq!(nextcloud_status(&server, "ann@example.com", &pw).await, 401);
    boto3(&url, &k, "refused", &[]).await;

    // A ban, through the administration.
    let ann = server.login("ann@example.com", "reset-password").await;
    let (pw, k) = devices(ann).await;
    boto3(&url, &k, "buckets_are", &["bkt1"]).await;
    let uid = stratus_server::users::find_by_email(&server.state.db, "ann@example.com")
        .await
        .unwrap()
        .unwrap()
        .id;
    let user = json!({"email": "ann@example.com", "status": "manual_banned"});
    let banned = crate::admin::call(
        &server,
        Some(&boss),
        reqwest::Method::PUT,
        &format!("/admin/user/{uid}"),
        Some(json!({ "user": user })),
    )
    .await;
    assert_eq!(banned["code"], 0, "{banned}");
    assert_eq!(nextcloud_status(&server, "ann@example.com", &pw).await, 401);
    boto3(&url, &k, "refused", &[]).await;
}
