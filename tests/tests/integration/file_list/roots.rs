//! The trash and `shared_with_me` roots, and callers who list another user's files.

use reqwest::Method;
use sea_orm::{ActiveModelTrait, ActiveValue::Set, EntityTrait, IntoActiveModel};
use serde_json::json;
use stratus_entity::file;
use stratus_server::ids::IdKind;
use stratus_tests::TestServer;

use super::{create, list, list_raw, names, user};

#[tokio::test]
async fn trash_and_shared_with_me_roots() {
    let server = TestServer::start().await;
    let ann = user(&server, "ann@example.com").await;
    create(&server, &ann, "cloudreve://my/Docs/old.txt", "file").await;
    create(&server, &ann, "cloudreve://my/Docs/keep.txt", "file").await;
    create(&server, &ann, "cloudreve://my/Gone/inner.txt", "file").await;
    let body = server
        .send_as(
            Method::DELETE,
            "/file",
            &ann.token,
            &json!({"uris": ["cloudreve://my/Docs/old.txt", "cloudreve://my/Gone"]}),
        )
        .await;
    assert_eq!(body["code"], 0, "{body}");

    let data = list(&server, &ann, "cloudreve://trash", &[]).await;
    assert_eq!(names(&data), ["Gone", "old.txt"]);
    assert_eq!(data["props"]["capability"], "AMIK");
    assert_eq!(data["parent"]["path"], "cloudreve://trash");
    assert!(data.get("storage_policy").is_none());
    for f in data["files"].as_array().unwrap() {
        let path = f["path"].as_str().unwrap();
        // Stored under its name, a space and a UUID: the trash sorts by the names it shows.
        let stored = path.strip_prefix("cloudreve://trash/").unwrap();
        let (name, uuid) = stored.rsplit_once("%20").unwrap();
        assert_eq!(name, f["name"].as_str().unwrap(), "{path}");
        assert!(uuid::Uuid::parse_str(uuid).is_ok(), "{path}");
        assert!(f["metadata"]["sys:restore_uri"].is_string(), "{f}");
    }
    // Inside a trashed folder.
    let gone = data["files"][0]["path"].as_str().unwrap().to_owned();
    let inner = list(&server, &ann, &gone, &[]).await;
    assert_eq!(names(&inner), ["inner.txt"]);
    assert_eq!(inner["files"][0]["path"], format!("{gone}/inner.txt"));
    // The tree no longer shows them.
    let docs = list(&server, &ann, "cloudreve://my/Docs", &[]).await;
    assert_eq!(names(&docs), ["keep.txt"]);
    let root = list(&server, &ann, "cloudreve://my", &[]).await;
    assert_eq!(names(&root), ["Docs"]);

    // shared_with_me lists the symbolic rows.
    let saved = create(&server, &ann, "cloudreve://my/Saved share", "file").await;
    let id = server
        .state
        .ids
        .decode(saved["id"].as_str().unwrap(), IdKind::File)
        .unwrap();
    let row = file::Entity::find_by_id(id)
        .one(&server.state.db)
        .await
        .unwrap()
        .unwrap();
    let mut active = row.into_active_model();
    active.is_symbolic = Set(true);
    active.update(&server.state.db).await.unwrap();
    let data = list(&server, &ann, "cloudreve://shared_with_me", &[]).await;
    assert_eq!(names(&data), ["Saved share"]);
    assert_eq!(
        data["files"][0]["path"],
        format!(
            "cloudreve://shared_with_me/{}",
            saved["id"].as_str().unwrap()
        )
    );
    assert_eq!(data["props"]["capability"], "gAKA");
    // A symbolic entry cannot be listed into.
    let body = list_raw(
        &server,
        Some(&ann.token),
        data["files"][0]["path"].as_str().unwrap(),
        &[],
    )
    .await;
    assert_eq!(body["code"], 40001, "{body}");
    // An unknown share.
    let body = list_raw(&server, Some(&ann.token), "cloudreve://abc@share", &[]).await;
    assert_eq!(body["code"], 40058, "{body}");
}

#[tokio::test]
async fn callers_see_only_their_own_files() {
    let server = TestServer::start().await;
    let ann = user(&server, "ann@example.com").await;
    let bob = user(&server, "bob@example.com").await;
    create(&server, &ann, "cloudreve://my/Private/secret.txt", "file").await;
    create(&server, &bob, "cloudreve://my/Mine", "folder").await;

    let ann_hash = server.state.ids.encode(ann.id, IdKind::User);
    let body = list_raw(
        &server,
        Some(&bob.token),
        &format!("cloudreve://{ann_hash}@my"),
        &[],
    )
    .await;
    // Without a grant, as if nothing were there.
    assert_eq!(body["code"], 404, "{body}");
    let body = list_raw(
        &server,
        Some(&bob.token),
        &format!("cloudreve://{ann_hash}@my/Private"),
        &[],
    )
    .await;
    // Without a grant, as if nothing were there.
    assert_eq!(body["code"], 404, "{body}");
    let own = list(&server, &bob, "cloudreve://my", &[]).await;
    assert_eq!(names(&own), ["Mine"]);
    let found = list(&server, &bob, "cloudreve://my?name=secret", &[]).await;
    assert_eq!(found["files"], json!([]));
    let trash = list(&server, &bob, "cloudreve://trash", &[]).await;
    assert_eq!(trash["files"], json!([]));
    // Ann's own hashid is fine.
    let mine = list(&server, &ann, &format!("cloudreve://{ann_hash}@my"), &[]).await;
    assert_eq!(names(&mine), ["Private"]);

    // Anonymous callers must sign in.
    for uri in [
        "cloudreve://my",
        "cloudreve://trash",
        "cloudreve://shared_with_me",
    ] {
        let body = list_raw(&server, None, uri, &[]).await;
        assert_eq!(body["code"], 401, "{uri}: {body}");
    }
    let (_, body) = server
        .send_api(
            Method::PATCH,
            "/file/view",
            r#"{"uri":"cloudreve://my","view":null}"#,
        )
        .await;
    assert_eq!(body["code"], 401, "{body}");
}
