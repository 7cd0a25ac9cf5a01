//! Who sees and acts on an incident, release, and the count shared by two instances on one
//! database.

use reqwest::Method;
use serde_json::json;

use super::{ANN, PW, each, incidents, limit, password, put_all, setup};
use crate::dav::dav;

const BOB: &str = "bob@example.com";

/// Ann's WebDAV account stopped after deleting files of `/x`; answers its password and the
/// incident's id.
pub(super) async fn stopped(
    server: &stratus_tests::TestServer,
    ann: &stratus_tests::Session,
) -> (String, i64) {
    let pw = password(server, ann, "cloudreve://my").await;
    stopped_with(server, ann, pw).await
}

/// [`stopped`] with the WebDAV account of password `pw`.
pub(super) async fn stopped_with(
    server: &stratus_tests::TestServer,
    ann: &stratus_tests::Session,
    pw: String,
) -> (String, i64) {
    assert_eq!(
        dav(server, "MKCOL", "/x", ANN, &pw)
            .send()
            .await
            .unwrap()
            .status(),
        201
    );
    let paths: Vec<String> = (0..8).map(|i| format!("/x/{i}.txt")).collect();
    let files = paths
        .iter()
        .map(|p| (p.clone(), b"hello".to_vec()))
        .collect();
    put_all(server, &pw, files, &[201]).await;
    let answers = each(server, &pw, "DELETE", &paths).await;
    assert_eq!(answers.iter().filter(|(s, _)| *s == 204).count(), 5);
    let found = incidents(server, ann).await;
    (pw, found[0]["id"].as_i64().unwrap())
}

#[tokio::test]
async fn release_lets_the_credential_write_again_and_others_cannot_touch_it() {
    let (server, ann) = setup(5).await;
    let (pw, id) = stopped(&server, &ann).await;
    server.create_user(BOB, PW).await;
    let bob = server.login(BOB, PW).await;
    // Bob sees none of it, and cannot act on it.
    assert!(incidents(&server, &bob).await.is_empty());
    let got = server
        .get_as(&format!("/guard/incident/{id}"), &bob.access_token)
        .await;
    assert_eq!(got["code"], 404, "{got}");
    for action in ["undo", "release"] {
        let resp = server
            .send_as(
                Method::POST,
                &format!("/guard/incident/{id}/{action}"),
                &bob.access_token,
                &json!({}),
            )
            .await;
        assert_eq!(resp["code"], 404, "{action}: {resp}");
    }
    // Nor the admin routes.
    let admin = server
        .get_as("/admin/guard/incident", &bob.access_token)
        .await;
    assert_ne!(admin["code"], 0, "{admin}");
    // Malformed and signed-out requests.
    let bad = server
        .get_as("/guard/incident/abc", &ann.access_token)
        .await;
    assert_ne!(bad["code"], 0, "{bad}");
    let anonymous = server
        .client
        .get(server.api("/guard/incident"))
        .send()
        .await
        .unwrap();
    let anonymous: serde_json::Value = anonymous.json().await.unwrap();
    assert_eq!(anonymous["code"], 401, "{anonymous}");

    // Still stopped, then released by its owner.
    let refused = dav(&server, "DELETE", "/x/7.txt", ANN, &pw)
        .send()
        .await
        .unwrap();
    assert_eq!(refused.status(), 423);
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
    let deleted = dav(&server, "DELETE", "/x/7.txt", ANN, &pw)
        .send()
        .await
        .unwrap();
    assert_eq!(deleted.status(), 204);
    // Releasing twice is refused.
    let twice = server
        .send_as(
            Method::POST,
            &format!("/guard/incident/{id}/release"),
            &ann.access_token,
            &json!({}),
        )
        .await;
    assert_ne!(twice["code"], 0, "{twice}");
}

#[tokio::test]
async fn two_instances_on_one_database_share_the_count() {
    let (a, ann) = setup(10).await;
    let b = a.sibling().await;
    limit(&b, 10).await;
    let pw = password(&a, &ann, "cloudreve://my").await;
    assert_eq!(
        dav(&a, "MKCOL", "/y", ANN, &pw)
            .send()
            .await
            .unwrap()
            .status(),
        201
    );
    let paths: Vec<String> = (0..20).map(|i| format!("/y/{i}.txt")).collect();
    let files = paths
        .iter()
        .map(|p| (p.clone(), b"hello".to_vec()))
        .collect();
    put_all(&a, &pw, files, &[201]).await;
    // Half through each instance, alternating.
    let mut deleted = 0;
    for (i, path) in paths.iter().enumerate() {
        let server = if i % 2 == 0 { &a } else { &b };
        if each(server, &pw, "DELETE", std::slice::from_ref(path)).await[0].0 == 204 {
            deleted += 1;
        }
    }
    assert_eq!(deleted, 10);
    assert_eq!(incidents(&b, &ann).await.len(), 1);
}

/// `POST /file/create` of `uri` as `token`: the answer's code.
async fn create_code(server: &stratus_tests::TestServer, token: &str, uri: &str) -> i64 {
    let created = server
        .send_as(
            Method::POST,
            "/file/create",
            token,
            &json!({"uri": uri, "type": "file"}),
        )
        .await;
    created["code"].as_i64().unwrap()
}

#[tokio::test]
async fn a_stopped_web_session_writes_nothing_through_the_api_and_another_one_still_does() {
    let (server, ann) = setup(3).await;
    server
        .state
        .settings
        .set(&[("guard_web_sessions", "1")])
        .await
        .unwrap();
    for i in 0..5 {
        let uri = format!("cloudreve://my/{i}.txt");
        assert_eq!(create_code(&server, &ann.access_token, &uri).await, 0);
    }
    let mut codes = Vec::new();
    for i in 0..5 {
        let deleted = server
            .send_as(
                Method::DELETE,
                "/file",
                &ann.access_token,
                &json!({"uris": [format!("cloudreve://my/{i}.txt")]}),
            )
            .await;
        codes.push(deleted["code"].as_i64().unwrap());
    }
    assert_eq!(codes, [0, 0, 0, 40090, 40090]);

    // Not only destructive changes: new files, uploads and moves are refused too.
    let new = create_code(&server, &ann.access_token, "cloudreve://my/new.txt").await;
    assert_eq!(new, 40090);
    let upload = server
        .send_as(
            Method::PUT,
            "/file/upload",
            &ann.access_token,
            &json!({"uri": "cloudreve://my/up.txt", "size": 5}),
        )
        .await;
    assert_eq!(upload["code"], 40090, "{upload}");
    assert!(
        upload["msg"].as_str().unwrap().contains("web session"),
        "{upload}"
    );
    // Reads go on.
    let listed = server
        .get_as("/file?uri=cloudreve%3A%2F%2Fmy", &ann.access_token)
        .await;
    assert_eq!(listed["code"], 0, "{listed}");

    // Another session of hers writes; released, the first one writes again.
    let other = server.login(ANN, PW).await;
    let elsewhere = create_code(&server, &other.access_token, "cloudreve://my/b.txt").await;
    assert_eq!(elsewhere, 0);
    let id = incidents(&server, &other).await[0]["id"].as_i64().unwrap();
    let released = server
        .send_as(
            Method::POST,
            &format!("/guard/incident/{id}/release"),
            &other.access_token,
            &json!({}),
        )
        .await;
    assert_eq!(released["code"], 0, "{released}");
    // The edge remembers an answer for a second.
    tokio::time::sleep(std::time::Duration::from_millis(1100)).await;
    let again = create_code(&server, &ann.access_token, "cloudreve://my/new.txt").await;
    assert_eq!(again, 0);
}

/// An edit through the API (`PUT /file/content`, the web editor's and apps' save) is an
/// overwrite the guard counts: past the threshold the next one is refused and changes nothing,
/// and undo puts back the version before the first.
#[tokio::test]
async fn edits_through_the_api_count_as_overwrites() {
    let (server, ann) = setup(3).await;
    server
        .state
        .settings
        .set(&[("guard_web_sessions", "1")])
        .await
        .unwrap();
    let uri = "cloudreve://my/notes.txt";
    server.upload(&ann, uri, b"original", json!({})).await;
    let mut codes = Vec::new();
    for i in 0..5 {
        let resp = server
            .request_as(
                Method::PUT,
                &format!("/file/content?uri={}", stratus_tests::query_escape(uri)),
                &ann.access_token,
            )
            .body(format!("edit {i}"))
            .send()
            .await
            .unwrap();
        codes.push(
            stratus_tests::envelope(resp).await["code"]
                .as_i64()
                .unwrap(),
        );
    }
    assert_eq!(codes, [0, 0, 0, 40090, 40090]);
    assert_eq!(server.download(&ann, uri).await, b"edit 2");
}
