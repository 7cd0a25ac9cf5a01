//! An OAuth app is a credential of each user who signed in to it: one user's burst stops that
//! user's app only, and a stopped app cannot let itself go (undo and release need a web
//! session).

use reqwest::Method;
use serde_json::json;
use stratus_tests::{Session, TestServer};

use super::{incidents, limit};
use crate::{
    admin::member,
    oauth::{App, authorize, setup},
};

/// An access token of `app` for `s`, allowed to read and write files.
async fn app_token(server: &TestServer, s: &Session, app: &App) -> String {
    let reply = authorize(server, s, app, "openid Files.Read Files.Write").await;
    reply["access_token"].as_str().unwrap().to_owned()
}

/// Makes `names` in the drive root as `token`.
async fn create(server: &TestServer, token: &str, names: &[String]) {
    for name in names {
        let made = server
            .send_as(
                Method::POST,
                "/file/create",
                token,
                &json!({"uri": format!("cloudreve://my/{name}"), "type": "file"}),
            )
            .await;
        assert_eq!(made["code"], 0, "{made}");
    }
}

/// Deletes each of `names` (in the drive root) as `token`, one request each: the codes.
async fn delete(server: &TestServer, token: &str, names: &[String]) -> Vec<i64> {
    let mut codes = Vec::new();
    for name in names {
        let deleted = server
            .send_as(
                Method::DELETE,
                "/file",
                token,
                &json!({"uris": [format!("cloudreve://my/{name}")]}),
            )
            .await;
        codes.push(deleted["code"].as_i64().unwrap());
    }
    codes
}

fn names(who: &str, n: usize) -> Vec<String> {
    (0..n).map(|i| format!("{who}-{i}.txt")).collect()
}

/// Ann's and Bob's tokens of one app, each with five files; the guard's threshold is 3.
async fn two_users_of_one_app() -> (TestServer, Session, String, Session, String) {
    let (server, _admin, ann, app) = setup(&["openid", "Files.Read", "Files.Write"]).await;
    limit(&server, 3).await;
    let bob = member(&server, "bob@oauth.test").await;
    let ann_token = app_token(&server, &ann, &app).await;
    let bob_token = app_token(&server, &bob, &app).await;
    create(&server, &ann_token, &names("ann", 5)).await;
    create(&server, &bob_token, &names("bob", 5)).await;
    (server, ann, ann_token, bob, bob_token)
}

#[tokio::test]
async fn an_app_of_one_user_does_not_stop_another_users_app() {
    let (server, ann, ann_token, bob, bob_token) = two_users_of_one_app().await;
    let bob_files = names("bob", 5);
    let ann_files = names("ann", 5);
    // Bob's app deletes two files, then Ann's deletes until it is stopped: her own three.
    assert_eq!(delete(&server, &bob_token, &bob_files[..2]).await, [0, 0]);
    assert_eq!(
        delete(&server, &ann_token, &ann_files[..4]).await,
        [0, 0, 0, 40090]
    );
    // Bob's app goes on: it is his credential, not hers.
    assert_eq!(delete(&server, &bob_token, &bob_files[2..3]).await, [0]);
    assert!(incidents(&server, &bob).await.is_empty());
    // Her incident holds her changes only, and shows none of his paths.
    let found = incidents(&server, &ann).await;
    assert_eq!(found.len(), 1, "{found:?}");
    assert_eq!(found[0]["counts"]["deleted"], 3, "{}", found[0]);
    let paths = found[0]["paths"].as_array().unwrap();
    assert_eq!(paths.len(), 3, "{paths:?}");
    assert!(
        paths.iter().all(|p| p.as_str().unwrap().contains("/ann-")),
        "{paths:?}"
    );
}

#[tokio::test]
async fn a_stopped_app_cannot_release_or_undo_its_own_incident() {
    let (server, ann, ann_token, _bob, _) = two_users_of_one_app().await;
    let codes = delete(&server, &ann_token, &names("ann", 4)).await;
    assert_eq!(codes, [0, 0, 0, 40090]);
    let id = incidents(&server, &ann).await[0]["id"].as_i64().unwrap();
    for action in ["release", "undo"] {
        let refused = server
            .send_as(
                Method::POST,
                &format!("/guard/incident/{id}/{action}"),
                &ann_token,
                &json!({}),
            )
            .await;
        assert_eq!(refused["code"], 403, "{action}: {refused}");
    }
    // Still stopped, still open.
    assert_eq!(
        delete(&server, &ann_token, &names("ann", 5)[4..]).await,
        [40090]
    );
    assert_eq!(incidents(&server, &ann).await[0]["state"], "open");
    // Her web session lets it go.
    let released = server
        .send_as(
            Method::POST,
            &format!("/guard/incident/{id}/release"),
            &ann.access_token,
            &json!({}),
        )
        .await;
    assert_eq!(released["code"], 0, "{released}");
    assert_eq!(released["data"]["state"], "released");
}
