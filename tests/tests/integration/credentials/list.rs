//! The list: every kind with its last use, folder and read-only flag; only the caller's own.

use serde_json::json;

use super::{app_password, list, nextcloud_status, of_kind, revoke, start, user};
use crate::oauth::{ALL_APP_SCOPES, authorize, register};
use crate::s3_endpoint::{boto3, creds, endpoint, key, mkdir};

#[tokio::test]
async fn every_kind_is_listed_with_its_last_use() {
    let server = start().await;
    let ann = user(&server, "ann@example.com").await;
    let boss = crate::admin::admin(&server, "boss@example.com").await;

    let pw = app_password(&server, &ann, "Nextcloud-android").await;
    assert_eq!(nextcloud_status(&server, "ann@example.com", &pw).await, 200);
    let body = json!({"uri": "cloudreve://my/Docs", "name": "laptop", "readonly": true});
    crate::dav::account(&server, &ann, body).await;
    mkdir(&server, &ann, "cloudreve://my/s3/bkt1").await;
    let made = key(&server, &ann, "cloudreve://my/s3", true).await;
    boto3(&endpoint(&server), &creds(&made), "buckets_are", &["bkt1"]).await;
    let app = register(&server, &boss, ALL_APP_SCOPES).await;
    authorize(&server, &ann, &app, "openid Files.Read").await;

    let listed = list(&server, &ann.access_token).await;
    let kinds: Vec<&str> = listed.iter().map(|c| c["kind"].as_str().unwrap()).collect();
    for kind in ["session", "app_password", "webdav", "s3_key", "oauth"] {
        assert!(kinds.contains(&kind), "{kind} missing from {listed:?}");
    }
    // The session asking, with the address and client of its sign-in.
    let session = listed
        .iter()
        .find(|c| c["kind"] == "session" && c["current"] == true)
        .unwrap_or_else(|| panic!("no current session in {listed:?}"));
    assert_eq!(session["last_ip"], "127.0.0.1", "{session}");
    assert!(session["last_used_at"].is_string(), "{session}");
    // The device that signed in with its app password, and when.
    let device = of_kind(&listed, "app_password");
    assert!(device["last_used_at"].is_string(), "{device}");
    assert_eq!(device["root"], serde_json::Value::Null, "{device}");
    // The WebDAV account and the S3 key: their folders, read-only.
    let dav = of_kind(&listed, "webdav");
    assert_eq!(dav["name"], "laptop");
    assert_eq!(dav["root"], "cloudreve://my/Docs");
    assert_eq!(dav["read_only"], true);
    let s3 = of_kind(&listed, "s3_key");
    assert_eq!(s3["id"], made["id"]);
    assert_eq!(s3["root"], "cloudreve://my/s3");
    assert_eq!(s3["read_only"], true);
    let oauth = of_kind(&listed, "oauth");
    assert_eq!(oauth["id"], app.guid.as_str());
    assert_eq!(oauth["name"], "Notes");
    assert!(oauth["last_used_at"].is_string(), "{oauth}");
    for c in &listed {
        assert_eq!(c["stopped"], false, "{c}");
    }
}

#[tokio::test]
async fn another_users_credentials_are_neither_listed_nor_revoked() {
    let server = start().await;
    let ann = user(&server, "ann@example.com").await;
    let bob = user(&server, "bob@example.com").await;
    let pw = app_password(&server, &ann, "Nextcloud-android").await;
    let body = json!({"uri": "cloudreve://my", "name": "ann's laptop"});
    crate::dav::account(&server, &ann, body).await;
    key(&server, &ann, "cloudreve://my", false).await;

    let anns = list(&server, &ann.access_token).await;
    let bobs = list(&server, &bob.access_token).await;
    assert_eq!(bobs.len(), 1, "only his own session: {bobs:?}");
    assert_eq!(bobs[0]["kind"], "session");
    for c in &anns {
        assert!(
            !bobs.iter().any(|b| b["id"] == c["id"]),
            "{c} listed to bob"
        );
        let (kind, id) = (c["kind"].as_str().unwrap(), c["id"].as_str().unwrap());
        let refused = revoke(&server, &bob.access_token, kind, id).await;
        assert_eq!(refused["code"], 404, "bob revoking ann's {kind}: {refused}");
    }
    // Nothing of Ann's went.
    assert_eq!(list(&server, &ann.access_token).await.len(), anns.len());
    assert_eq!(nextcloud_status(&server, "ann@example.com", &pw).await, 200);
    let unknown = revoke(&server, &ann.access_token, "ssh_key", "1").await;
    assert_eq!(unknown["code"], 404, "{unknown}");
}
