//! Live photos: `entity_type: "live_photo"` attaches the motion part of a picture as an extra
//! entity (type 2) of the file, not a version; it downloads through `/file/url` with its
//! entity id, a new one replaces the old, the file's deletion takes it along, and only the
//! picture's owner can attach one.

use reqwest::Method;
use serde_json::{Value, json};
use stratus_server::ids::IdKind;
use stratus_tests::{Session, TestServer};

use super::{download, entity_row, info, primary, second_user, setup, storage, upload};

/// Opens a live photo session for `uri` and sends `bytes` in one chunk; the answer of the
/// session's creation when it is refused.
async fn attach(server: &TestServer, s: &Session, uri: &str, bytes: &[u8]) -> Value {
    let body = json!({
        "uri": uri,
        "size": bytes.len(),
        "policy_id": server.state.ids.encode(1, IdKind::Policy),
        "entity_type": "live_photo",
    });
    let created = server
        .send_as(Method::PUT, "/file/upload", &s.access_token, &body)
        .await;
    if created["code"] != 0 {
        return created;
    }
    let sid = created["data"]["session_id"].as_str().unwrap();
    server.send_chunk(s, sid, 0, bytes).await
}

/// The file's entities as `(hashid, type, size)`.
async fn entities(server: &TestServer, s: &Session, uri: &str) -> Vec<(String, i64, i64)> {
    let i = info(server, s, uri).await;
    assert_eq!(i["code"], 0, "{i}");
    i["data"]["extended_info"]["entities"]
        .as_array()
        .unwrap()
        .iter()
        .map(|e| {
            (
                e["id"].as_str().unwrap().to_owned(),
                e["type"].as_i64().unwrap(),
                e["size"].as_i64().unwrap(),
            )
        })
        .collect()
}

#[tokio::test]
async fn the_motion_part_is_an_extra_entity_of_the_picture() {
    let (server, ann) = setup().await;
    let uri = "cloudreve://my/IMG_0001.HEIC";
    upload(&server, &ann, uri, b"still picture", false).await;
    let still = primary(&server, &ann, uri).await;
    let before = storage(&server, &ann).await;

    let sent = attach(&server, &ann, uri, b"motion part, a short clip").await;
    assert_eq!(sent["code"], 0, "{sent}");
    // The picture is unchanged: same current version, same size.
    assert_eq!(primary(&server, &ann, uri).await, still);
    let i = info(&server, &ann, uri).await;
    assert_eq!(i["data"]["size"], 13, "{i}");
    let listed = entities(&server, &ann, uri).await;
    assert_eq!(listed.len(), 2, "{listed:?}");
    let live = listed
        .iter()
        .find(|e| e.1 == 2)
        .expect("a live photo entity");
    assert_eq!(live.2, 25);
    assert!(listed.iter().any(|e| e.0 == still && e.1 == 0));
    // Its bytes download back; the file itself still downloads the picture.
    assert_eq!(
        download(&server, &ann, uri, Some(&live.0)).await,
        b"motion part, a short clip"
    );
    assert_eq!(download(&server, &ann, uri, None).await, b"still picture");
    assert_eq!(storage(&server, &ann).await, before + 25);

    // A new live photo replaces the old one, whose bytes are released.
    let again = attach(&server, &ann, uri, b"another clip").await;
    assert_eq!(again["code"], 0, "{again}");
    let listed = entities(&server, &ann, uri).await;
    assert_eq!(listed.len(), 2, "{listed:?}");
    let newer = listed.iter().find(|e| e.1 == 2).unwrap();
    assert_ne!(newer.0, live.0);
    assert_eq!(storage(&server, &ann).await, before + 12);
    assert_eq!(
        entity_row(&server, &live.0).await.unwrap().reference_count,
        0
    );

    // Deleting the picture for good takes its live photo along.
    let deleted = server
        .send_as(
            Method::DELETE,
            "/file",
            &ann.access_token,
            &json!({"uris": [uri], "skip_soft_delete": true}),
        )
        .await;
    assert_eq!(deleted["code"], 0, "{deleted}");
    assert_eq!(
        entity_row(&server, &newer.0).await.unwrap().reference_count,
        0
    );
    assert_eq!(storage(&server, &ann).await, before - 13);
}

#[tokio::test]
async fn only_the_owner_of_an_existing_picture_can_attach_one() {
    let (server, ann) = setup().await;
    let bob = second_user(&server).await;
    let uri = "cloudreve://my/pic.jpg";
    upload(&server, &ann, uri, b"ann's picture", false).await;

    // Nothing at the target: not found, and nothing is created.
    let missing = attach(&server, &ann, "cloudreve://my/none.jpg", b"clip").await;
    assert_eq!(missing["code"], 40016, "{missing}");
    let none = info(&server, &ann, "cloudreve://my/none.jpg").await;
    assert_eq!(none["code"], 404, "{none}");
    // Bob cannot reach Ann's picture, by his own path or by hers.
    let own_path = attach(&server, &bob, uri, b"clip").await;
    assert_eq!(own_path["code"], 40016, "{own_path}");
    let ann_id = ann.user["id"].as_str().unwrap();
    let hers = attach(
        &server,
        &bob,
        &format!("cloudreve://{ann_id}@my/pic.jpg"),
        b"clip",
    )
    .await;
    assert_ne!(hers["code"], 0, "{hers}");
    assert_eq!(entities(&server, &ann, uri).await.len(), 1);
    // A folder takes none.
    let folder = server
        .send_as(
            Method::POST,
            "/file/create",
            &ann.access_token,
            &json!({"uri": "cloudreve://my/album", "type": "folder"}),
        )
        .await;
    assert_eq!(folder["code"], 0, "{folder}");
    let on_folder = attach(&server, &ann, "cloudreve://my/album", b"clip").await;
    assert_eq!(on_folder["code"], 40016, "{on_folder}");
    assert_eq!(storage(&server, &bob).await, 0);
}
