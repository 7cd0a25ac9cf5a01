//! `/devices/s3`: making, listing and deleting S3 keys, and who may.

use reqwest::Method;
use sea_orm::EntityTrait;
use serde_json::json;
use stratus_entity::s3_key;
use stratus_server::boolset::group_perm;

use super::{PW, endpoint, key, mkdir, start, user};
use crate::dav::set_group_bits;

#[tokio::test]
async fn keys_are_made_listed_and_deleted_by_their_owner_only() {
    let server = start().await;
    let ann = user(&server, "ann@example.com").await;
    let bob = user(&server, "bob@example.com").await;
    mkdir(&server, &ann, "cloudreve://my/backups").await;
    let made = key(&server, &ann, "cloudreve://my/backups", true).await;
    let access = made["access_key_id"].as_str().unwrap();
    let secret = made["secret_access_key"].as_str().unwrap();
    assert_eq!(access.len(), 20);
    assert!(
        access
            .bytes()
            .all(|b| b.is_ascii_uppercase() || b.is_ascii_digit())
    );
    assert_eq!(secret.len(), 40);
    assert_eq!(made["uri"], "cloudreve://my/backups");
    assert_eq!(made["readonly"], true);
    assert_eq!(made["name"], "test key");
    // The endpoint as clients reach it: the site's host with the endpoint's port.
    let port = endpoint(&server).rsplit(':').next().unwrap().to_owned();
    let shown = made["endpoint"].as_str().unwrap();
    assert!(
        shown.starts_with("http://") && shown.ends_with(&format!(":{port}")),
        "{shown}"
    );
    let id = made["id"].as_str().unwrap();

    // The secret is shown once and kept sealed.
    let listed = server.get_as("/devices/s3", &ann.access_token).await;
    assert_eq!(listed["code"], 0, "{listed}");
    assert_eq!(listed["data"][0]["id"], id);
    assert_eq!(listed["data"][0]["access_key_id"], access);
    assert!(
        listed["data"][0].get("secret_access_key").is_none(),
        "{listed}"
    );
    let rows = s3_key::Entity::find().all(&server.state.db).await.unwrap();
    assert_eq!(rows.len(), 1);
    assert!(!rows[0].secret_sealed.contains(secret));

    // Another user neither sees nor deletes it.
    let theirs = server.get_as("/devices/s3", &bob.access_token).await;
    assert_eq!(theirs["data"], json!([]));
    let path = format!("/devices/s3/{id}");
    let refused = server
        .send_as(Method::DELETE, &path, &bob.access_token, &json!({}))
        .await;
    assert_eq!(refused["code"], 404, "{refused}");

    let deleted = server
        .send_as(Method::DELETE, &path, &ann.access_token, &json!({}))
        .await;
    assert_eq!(deleted["code"], 0, "{deleted}");
    let listed = server.get_as("/devices/s3", &ann.access_token).await;
    assert_eq!(listed["data"], json!([]));
    let again = server
        .send_as(Method::DELETE, &path, &ann.access_token, &json!({}))
        .await;
    assert_eq!(again["code"], 404, "{again}");
}

#[tokio::test]
async fn a_key_sees_a_folder_of_its_owners_drive() {
    let server = start().await;
    let ann = user(&server, "ann@example.com").await;
    let bob = user(&server, "bob@example.com").await;
    mkdir(&server, &bob, "cloudreve://my/theirs").await;
    server
        .upload(&ann, "cloudreve://my/file.txt", b"x", json!({}))
        .await;
    let bob_id = bob.user["id"].as_str().unwrap();
    for uri in [
        format!("cloudreve://{bob_id}@my/theirs"),
        "cloudreve://my/missing".to_owned(),
        "cloudreve://my/file.txt".to_owned(),
        "cloudreve://trash".to_owned(),
        "not a uri".to_owned(),
    ] {
        let body = json!({"uri": uri, "name": "k"});
        let refused = server
            .send_as(Method::PUT, "/devices/s3", &ann.access_token, &body)
            .await;
        assert_ne!(refused["code"], 0, "{uri}: {refused}");
    }
    for name in ["", &"n".repeat(256)] {
        let body = json!({"uri": "cloudreve://my", "name": name});
        let refused = server
            .send_as(Method::PUT, "/devices/s3", &ann.access_token, &body)
            .await;
        assert_eq!(refused["code"], 40001, "{refused}");
    }
    // The whole drive is a folder too.
    let whole = key(&server, &ann, "cloudreve://my", false).await;
    assert_eq!(whole["uri"], "cloudreve://my");
}

#[tokio::test]
async fn a_group_without_the_permission_has_no_keys() {
    let server = start().await;
    set_group_bits(&server, 2, &[(group_perm::S3, false)]).await;
    server.create_user("ann@example.com", PW).await;
    let ann = server.login("ann@example.com", PW).await;
    let body = json!({"uri": "cloudreve://my", "name": "k"});
    let refused = server
        .send_as(Method::PUT, "/devices/s3", &ann.access_token, &body)
        .await;
    assert_eq!(refused["code"], 40007, "{refused}");
}
