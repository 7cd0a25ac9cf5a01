//! `POST /file/version/current`, `DELETE /file/version` and the version cap.

use reqwest::Method;
use serde_json::json;

use super::*;

const URI: &str = "cloudreve://my/doc.txt";

/// Uploads v1 and edits v2, v3; returns their hashids.
async fn three_versions(server: &TestServer, s: &Session) -> [String; 3] {
    upload(server, s, URI, b"one", false).await;
    let v1 = primary(server, s, URI).await;
    let r = put_content(server, s, URI, Some(&v1), b"two!").await;
    assert_eq!(r["code"], 0, "{r}");
    let v2 = primary(server, s, URI).await;
    let r = put_content(server, s, URI, Some(&v2), b"three").await;
    assert_eq!(r["code"], 0, "{r}");
    let v3 = primary(server, s, URI).await;
    [v1, v2, v3]
}

#[tokio::test]
async fn switching_and_deleting_versions() {
    let (server, ann) = setup().await;
    let [v1, v2, v3] = three_versions(&server, &ann).await;
    assert_eq!(storage(&server, &ann).await, 3 + 4 + 5);

    // Back to v1: its bytes are served and the size follows.
    let r = version_call(&server, &ann, Method::POST, URI, &v1).await;
    assert_eq!(r, json!({"code": 0, "msg": ""}));
    assert_eq!(primary(&server, &ann, URI).await, v1);
    assert_eq!(info(&server, &ann, URI).await["data"]["size"], 3);
    assert_eq!(download(&server, &ann, URI, None).await, b"one");
    // Choosing the current one again is fine.
    let r = version_call(&server, &ann, Method::POST, URI, &v1).await;
    assert_eq!(r["code"], 0, "{r}");
    // An edit based on v1 now applies; one based on v3 is stale.
    assert_eq!(
        put_content(&server, &ann, URI, Some(&v3), b"x").await["code"],
        40076
    );

    // Deleting a kept version releases its bytes and its listing.
    let r = version_call(&server, &ann, Method::DELETE, URI, &v2).await;
    assert_eq!(r, json!({"code": 0, "msg": ""}));
    assert_eq!(storage(&server, &ann).await, 3 + 5);
    let ids = entity_ids(&server, &ann, URI).await;
    assert_eq!(ids.len(), 2);
    assert!(!ids.contains(&v2));
    // Its entity is stale now, awaiting recycling.
    assert_eq!(entity_row(&server, &v2).await.unwrap().reference_count, 0);
    // Gone: 40077 for both operations.
    let r = version_call(&server, &ann, Method::DELETE, URI, &v2).await;
    assert_eq!(r["code"], 40077, "{r}");
    let r = version_call(&server, &ann, Method::POST, URI, &v2).await;
    assert_eq!(r["code"], 40077, "{r}");
    // The current version cannot be deleted.
    let r = version_call(&server, &ann, Method::DELETE, URI, &v1).await;
    assert_eq!(r["code"], 403, "{r}");
    assert_eq!(download(&server, &ann, URI, None).await, b"one");
    assert_eq!(storage(&server, &ann).await, 3 + 5);

    // A version of another file is not one of this file's.
    upload(&server, &ann, "cloudreve://my/other.txt", b"other", false).await;
    let other = primary(&server, &ann, "cloudreve://my/other.txt").await;
    let r = version_call(&server, &ann, Method::POST, URI, &other).await;
    assert_eq!(r["code"], 40077, "{r}");
    let r = version_call(&server, &ann, Method::DELETE, URI, &other).await;
    assert_eq!(r["code"], 40077, "{r}");
    assert_eq!(primary(&server, &ann, URI).await, v1);
}

#[tokio::test]
async fn version_requests_are_checked() {
    let (server, ann) = setup().await;
    let bob = second_user(&server).await;
    let [v1, _v2, v3] = three_versions(&server, &ann).await;

    for method in [Method::POST, Method::DELETE] {
        // Malformed: bad version id, missing field, bad URI.
        let r = version_call(&server, &ann, method.clone(), URI, "???").await;
        assert_eq!(r["code"], 40001, "{r}");
        let path = if method == Method::POST {
            "/file/version/current"
        } else {
            "/file/version"
        };
        let r = server
            .send_as(
                method.clone(),
                path,
                &ann.access_token,
                &json!({"uri": URI}),
            )
            .await;
        assert_eq!(r["code"], 40001, "{r}");
        let r = version_call(&server, &ann, method.clone(), "nope", &v1).await;
        assert_eq!(r["code"], 40001, "{r}");
        // Missing file; a folder.
        let r = version_call(&server, &ann, method.clone(), "cloudreve://my/x", &v1).await;
        assert_eq!(r["code"], 404, "{r}");
        let r = version_call(&server, &ann, method.clone(), "cloudreve://my", &v1).await;
        assert_eq!(r["code"], 403, "{r}");
        // Not signed in.
        let (_, r) = server
            .send_api(
                method.clone(),
                path,
                &json!({"uri": URI, "version": v1}).to_string(),
            )
            .await;
        assert_eq!(r["code"], 401, "{r}");
        // Bob, on Ann's file by her URI (404) or with Ann's version on his own file (40077).
        let anns = format!(
            "cloudreve://{}@my/doc.txt",
            ann.user["id"].as_str().unwrap()
        );
        let r = version_call(&server, &bob, method.clone(), &anns, &v1).await;
        assert_eq!(r["code"], 404, "{r}");
    }
    upload(&server, &bob, URI, b"bob", false).await;
    let r = version_call(&server, &bob, Method::POST, URI, &v1).await;
    assert_eq!(r["code"], 40077, "{r}");
    let r = version_call(&server, &bob, Method::DELETE, URI, &v1).await;
    assert_eq!(r["code"], 40077, "{r}");
    // Nothing of Ann's changed.
    assert_eq!(primary(&server, &ann, URI).await, v3);
    assert_eq!(entity_ids(&server, &ann, URI).await.len(), 3);

    // A pending upload of a new version locks the file: 40073 for both.
    let created = server
        .send_as(
            Method::PUT,
            "/file/upload",
            &ann.access_token,
            &json!({"uri": URI, "size": 3, "entity_type": "version",
                "policy_id": server.state.ids.encode(1, IdKind::Policy)}),
        )
        .await;
    assert_eq!(created["code"], 0, "{created}");
    let r = version_call(&server, &ann, Method::POST, URI, &v1).await;
    assert_eq!(r["code"], 40073, "{r}");
    let r = version_call(&server, &ann, Method::DELETE, URI, &v1).await;
    assert_eq!(r["code"], 40073, "{r}");
    assert_eq!(primary(&server, &ann, URI).await, v3);
    assert_eq!(entity_ids(&server, &ann, URI).await.len(), 3);
}

#[tokio::test]
async fn the_version_cap_drops_the_oldest() {
    let (server, ann) = setup().await;
    set_retention(&server, &ann, json!({"version_retention_max": 2})).await;
    let [v1, v2, v3] = three_versions(&server, &ann).await;
    // v1 was dropped when v3 came; its bytes are released.
    let ids = entity_ids(&server, &ann, URI).await;
    assert_eq!(ids.len(), 2, "{ids:?}");
    assert!(ids.contains(&v2) && ids.contains(&v3));
    assert_eq!(storage(&server, &ann).await, 4 + 5);
    assert_eq!(entity_row(&server, &v1).await.unwrap().reference_count, 0);

    // The newest versions stay, whichever one was current before the edit.
    let r = version_call(&server, &ann, Method::POST, URI, &v2).await;
    assert_eq!(r["code"], 0, "{r}");
    let r = put_content(&server, &ann, URI, None, b"four").await;
    assert_eq!(r["code"], 0, "{r}");
    let v4 = primary(&server, &ann, URI).await;
    let ids = entity_ids(&server, &ann, URI).await;
    assert_eq!(ids.len(), 2, "{ids:?}");
    assert!(ids.contains(&v4) && ids.contains(&v3), "{ids:?}");

    // Upload sessions for a new version are capped the same way.
    upload(&server, &ann, URI, b"fifth", true).await;
    let v5 = primary(&server, &ann, URI).await;
    let ids = entity_ids(&server, &ann, URI).await;
    assert_eq!(ids.len(), 2, "{ids:?}");
    assert!(ids.contains(&v5) && ids.contains(&v4), "{ids:?}");
    assert_eq!(storage(&server, &ann).await, 4 + 5);

    // Retention off: only the current version is kept.
    set_retention(&server, &ann, json!({"version_retention_enabled": false})).await;
    let r = put_content(&server, &ann, URI, None, b"six").await;
    assert_eq!(r["code"], 0, "{r}");
    assert_eq!(entity_ids(&server, &ann, URI).await.len(), 1);
    assert_eq!(storage(&server, &ann).await, 3);

    // Retention limited to other extensions: this file keeps one version too.
    set_retention(
        &server,
        &ann,
        json!({"version_retention_enabled": true, "version_retention_max": 0,
            "version_retention_ext": ["md"]}),
    )
    .await;
    upload(&server, &ann, URI, b"seven", true).await;
    assert_eq!(entity_ids(&server, &ann, URI).await.len(), 1);
    // An `.md` file keeps every version (max 0 = unlimited).
    upload(&server, &ann, "cloudreve://my/n.md", b"1", false).await;
    for body in [b"2", b"3", b"4"] {
        let r = put_content(&server, &ann, "cloudreve://my/n.md", None, body).await;
        assert_eq!(r["code"], 0, "{r}");
    }
    assert_eq!(
        entity_ids(&server, &ann, "cloudreve://my/n.md").await.len(),
        4
    );
}
