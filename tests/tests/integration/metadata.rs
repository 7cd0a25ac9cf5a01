//! `PATCH /file/metadata`: the client namespaces, refused keys, removal and private keys.

use std::time::Duration;

use reqwest::Method;
use sea_orm::{ColumnTrait, EntityTrait, QueryFilter};
use serde_json::{Value, json};
use stratus_entity::metadata;
use stratus_server::{
    fs::lock::{self, Depth, LockPath, LockRequest, Scope},
    ids::IdKind,
};
use stratus_tests::{Session, TestServer};

const PW: &str = "password123";
const F: &str = "cloudreve://my/f.txt";

async fn setup() -> (TestServer, Session) {
    let server = TestServer::start().await;
    server.create_user("ann@example.com", PW).await;
    let ann = server.login("ann@example.com", PW).await;
    let created = server
        .send_as(
            Method::POST,
            "/file/create",
            &ann.access_token,
            &json!({"uri": F, "type": "file"}),
        )
        .await;
    assert_eq!(created["code"], 0, "{created}");
    (server, ann)
}

async fn patch(server: &TestServer, s: &Session, uris: &[&str], patches: Value) -> Value {
    server
        .send_as(
            Method::PATCH,
            "/file/metadata",
            &s.access_token,
            &json!({"uris": uris, "patches": patches}),
        )
        .await
}

/// The public metadata of `uri` as `GET /file/info` shows it.
async fn shown(server: &TestServer, s: &Session, uri: &str) -> Value {
    let q = format!(
        "/file/info?uri={}",
        uri.replace(':', "%3A").replace('/', "%2F")
    );
    let body = server.get_as(&q, &s.access_token).await;
    assert_eq!(body["code"], 0, "{body}");
    body["data"]["metadata"].clone()
}

async fn rows(server: &TestServer, s: &Session, uri: &str) -> Vec<metadata::Model> {
    let q = format!(
        "/file/info?uri={}",
        uri.replace(':', "%3A").replace('/', "%2F")
    );
    let body = server.get_as(&q, &s.access_token).await;
    let id = server
        .state
        .ids
        .decode(body["data"]["id"].as_str().unwrap(), IdKind::File)
        .unwrap();
    metadata::Entity::find()
        .filter(metadata::Column::FileId.eq(id))
        .all(&server.state.db)
        .await
        .unwrap()
}

#[tokio::test]
async fn clients_write_their_namespaces() {
    let (server, ann) = setup().await;
    let owner = ann.user["id"].as_str().unwrap();
    let share = server.state.ids.encode(1, IdKind::Share);
    let redirect = format!("cloudreve://{share}@share/folder");
    let body = patch(
        &server,
        &ann,
        &[F],
        json!([
            {"key": "customize:icon_color", "value": "#ff0000"},
            {"key": "customize:emoji", "value": "😀"},
            {"key": "tag:work"},
            {"key": "tag:urgent", "value": "#f00"},
            {"key": "dav:{DAV:}displayname", "value": "<x>y</x>"},
            {"key": "sys:shared_redirect", "value": redirect},
            {"key": "sys:shared_owner", "value": owner},
        ]),
    )
    .await;
    assert_eq!(body, json!({"code": 0, "msg": ""}));
    assert_eq!(
        shown(&server, &ann, F).await,
        json!({
            "customize:icon_color": "#ff0000",
            "customize:emoji": "😀",
            "tag:work": "",
            "tag:urgent": "#f00",
            "dav:{DAV:}displayname": "<x>y</x>",
            "sys:shared_redirect": redirect,
            "sys:shared_owner": owner,
        })
    );

    // Patching again replaces the value (one row per key).
    let body = patch(
        &server,
        &ann,
        &[F],
        json!([{"key": "customize:icon_color", "value": "#00ff00"}]),
    )
    .await;
    assert_eq!(body["code"], 0);
    assert_eq!(
        shown(&server, &ann, F).await["customize:icon_color"],
        "#00ff00"
    );
    assert_eq!(rows(&server, &ann, F).await.len(), 7);

    // WebDAV dead properties may be large.
    let big = "v".repeat(64 * 1024);
    let body = patch(
        &server,
        &ann,
        &[F],
        json!([{"key": "dav:big", "value": big}]),
    )
    .await;
    assert_eq!(body["code"], 0, "{}", body["msg"]);
    // Folders (and the root) take metadata too.
    let body = patch(
        &server,
        &ann,
        &["cloudreve://my"],
        json!([{"key": "customize:emoji", "value": "📁"}]),
    )
    .await;
    assert_eq!(body["code"], 0, "{body}");
}

#[tokio::test]
async fn clients_keep_their_own_customize_keys() {
    let (server, ann) = setup().await;
    // The official SDK stores the content digest it computed under its own customize key.
    let digest = "9f86d081884c7d659a2feaa0c55ad015a3bf4f1b2b0b822cd15d6c15b0f00a08";
    let body = patch(
        &server,
        &ann,
        &[F],
        json!([{"key": "customize:client_sha256", "value": digest}]),
    )
    .await;
    assert_eq!(body["code"], 0, "{body}");
    assert_eq!(
        shown(&server, &ann, F).await["customize:client_sha256"],
        digest
    );
    let body = patch(
        &server,
        &ann,
        &[F],
        json!([{"key": "customize:client_sha256", "remove": true}]),
    )
    .await;
    assert_eq!(body["code"], 0, "{body}");
    assert!(
        shown(&server, &ann, F)
            .await
            .get("customize:client_sha256")
            .is_none()
    );
}

#[tokio::test]
async fn other_keys_and_bad_values_are_refused() {
    let (server, ann) = setup().await;
    let long_key = format!("tag:{}", "k".repeat(252));
    let too_big = "v".repeat(64 * 1024 + 1);
    let cases = [
        json!({"key": "sys:restore_uri", "value": "cloudreve://my/x"}),
        json!({"key": "sys:expected_collect_time", "value": "0"}),
        json!({"key": "sys:upload_session_id", "value": "x"}),
        json!({"key": "thumb:width", "value": "1"}),
        json!({"key": "exif:camera", "value": "x"}),
        json!({"key": "music:title", "value": "x"}),
        json!({"key": "customize:", "value": "x"}),
        json!({"key": "plain", "value": "x"}),
        json!({"key": "tag:", "value": ""}),
        json!({"key": long_key, "value": ""}),
        json!({"key": "customize:icon_color", "value": "red"}),
        json!({"key": "customize:icon_color"}),
        json!({"key": "customize:emoji", "value": "abc"}),
        json!({"key": "customize:emoji", "value": "🦄"}),
        json!({"key": "tag:x", "value": "green"}),
        json!({"key": "dav:x", "value": too_big}),
        json!({"key": "sys:shared_redirect", "value": "cloudreve://my/x"}),
        json!({"key": "sys:shared_owner", "value": "not an id"}),
        json!({"key": "sys:restore_uri", "remove": true}),
        // `thumb:disabled` is the clients' since Cloudreve 4.x; other thumbnail keys are not.
        json!({"key": "thumb:other", "remove": true}),
    ];
    for case in cases {
        let key = case["key"].as_str().unwrap().to_owned();
        // A valid patch alongside is not applied either.
        let body = patch(
            &server,
            &ann,
            &[F],
            json!([{"key": "tag:ok", "value": ""}, case]),
        )
        .await;
        assert_eq!(body["code"], 40001, "{key}: {body}");
        if key.len() <= 255 {
            assert!(
                body["msg"].as_str().unwrap().contains(&key),
                "{key}: {body}"
            );
        }
    }
    assert!(rows(&server, &ann, F).await.is_empty());
}

#[tokio::test]
async fn remove_and_private_keys() {
    let (server, ann) = setup().await;
    let body = patch(
        &server,
        &ann,
        &[F],
        json!([
            {"key": "tag:a", "value": ""},
            {"key": "tag:b", "value": "#123456"},
            {"key": "dav:secret", "value": "hidden", "private": true},
        ]),
    )
    .await;
    assert_eq!(body["code"], 0, "{body}");
    assert_eq!(
        shown(&server, &ann, F).await,
        json!({"tag:a": "", "tag:b": "#123456"})
    );
    let private = rows(&server, &ann, F)
        .await
        .into_iter()
        .find(|m| m.name == "dav:secret")
        .unwrap();
    assert!(!private.is_public);
    assert_eq!(private.value, "hidden");

    let body = patch(
        &server,
        &ann,
        &[F],
        json!([{"key": "tag:a", "remove": true}, {"key": "tag:never-set", "remove": true}]),
    )
    .await;
    assert_eq!(body["code"], 0, "{body}");
    assert_eq!(shown(&server, &ann, F).await, json!({"tag:b": "#123456"}));

    // Making a private key public shows it.
    let body = patch(
        &server,
        &ann,
        &[F],
        json!([{"key": "dav:secret", "value": "visible", "private": false}]),
    )
    .await;
    assert_eq!(body["code"], 0);
    assert_eq!(
        shown(&server, &ann, F).await,
        json!({"tag:b": "#123456", "dav:secret": "visible"})
    );
}

#[tokio::test]
async fn batches_and_other_users() {
    let (server, ann) = setup().await;
    server.create_user("bob@example.com", PW).await;
    let bob = server.login("bob@example.com", PW).await;
    let tag = json!([{"key": "tag:x", "value": ""}]);

    let body = patch(&server, &ann, &[F, "cloudreve://my/ghost"], tag.clone()).await;
    assert_eq!(body["code"], 40081, "{body}");
    let agg = body["aggregated_error"].as_object().unwrap();
    assert_eq!(agg.len(), 1);
    assert_eq!(agg["cloudreve://my/ghost"]["code"], 404);
    assert_eq!(shown(&server, &ann, F).await, json!({"tag:x": ""}));

    // Bob reaches only his own tree.
    let ann_id = ann.user["id"].as_str().unwrap();
    let foreign = format!("cloudreve://{ann_id}@my/f.txt");
    let bobs_tag = json!([{"key": "tag:bob", "value": ""}]);
    assert_eq!(
        patch(&server, &bob, &[&foreign], bobs_tag.clone()).await["code"],
        404
    );
    assert_eq!(patch(&server, &bob, &[F], bobs_tag).await["code"], 404);
    assert_eq!(shown(&server, &ann, F).await, json!({"tag:x": ""}));

    // Trashed objects cannot be annotated.
    let trashed = server
        .send_as(
            Method::DELETE,
            "/file",
            &ann.access_token,
            &json!({"uris": [F]}),
        )
        .await;
    assert_eq!(trashed["code"], 0);
    let trash = server
        .get_as("/file?uri=cloudreve%3A%2F%2Ftrash", &ann.access_token)
        .await;
    let path = trash["data"]["files"][0]["path"]
        .as_str()
        .unwrap()
        .to_owned();
    assert_eq!(
        patch(&server, &ann, &[&path], tag.clone()).await["code"],
        403
    );

    server
        .state
        .settings
        .set(&[("max_batched_file", "1")])
        .await
        .unwrap();
    let two = ["cloudreve://my/a", "cloudreve://my/b"];
    assert_eq!(patch(&server, &ann, &two, tag.clone()).await["code"], 40074);
    assert_eq!(patch(&server, &ann, &[], tag.clone()).await["code"], 40001);
    let malformed = server
        .send_as(
            Method::PATCH,
            "/file/metadata",
            &ann.access_token,
            &json!({"uris": ["cloudreve://my"], "patches": [{"value": "x"}]}),
        )
        .await;
    assert_eq!(malformed["code"], 40001);
    let anonymous = server
        .send_api(
            Method::PATCH,
            "/file/metadata",
            &json!({"uris": ["cloudreve://my"], "patches": tag}).to_string(),
        )
        .await;
    assert_eq!(anonymous.1["code"], 401);
}

#[tokio::test]
async fn locked_objects_keep_their_metadata() {
    let (server, ann) = setup().await;
    let uid = server
        .state
        .ids
        .decode(ann.user["id"].as_str().unwrap(), IdKind::User)
        .unwrap();
    lock::acquire(
        &server.state.db,
        LockRequest {
            owner_id: uid,
            path: LockPath::parse("/f.txt").unwrap(),
            scope: Scope::Exclusive,
            depth: Depth::Zero,
            timeout: Duration::from_secs(600),
            owner_info: None,
            file_id: None,
        },
    )
    .await
    .unwrap();
    let body = patch(&server, &ann, &[F], json!([{"key": "tag:x", "value": ""}])).await;
    assert_eq!(body["code"], 40073, "{body}");
    assert!(rows(&server, &ann, F).await.is_empty());
}
