//! Writes through the REST API.

use reqwest::Method;
use serde_json::json;
use stratus_tests::query_escape;

use super::{
    CREATE, DELETE, Journal, MODIFY, RENAME, call, create, file_id, open_upload, row, send_chunk,
    setup, shapes,
};

#[tokio::test]
async fn tree_writes_record_one_change_per_named_item() {
    let (server, ann, owner) = setup().await;
    let mut journal = Journal::of(&server, owner).await;

    // Intermediate folders are announced too, each with its own path.
    assert_eq!(
        create(&server, &ann, "cloudreve://my/A/B", "folder").await["code"],
        0
    );
    let seen = journal.take(&server).await;
    assert_eq!(
        shapes(&seen),
        [
            row(CREATE, "/A", None, true),
            row(CREATE, "/A/B", None, true)
        ]
    );
    assert_eq!(
        seen[1].file_id,
        file_id(&server, &ann, "cloudreve://my/A/B").await
    );

    assert_eq!(
        create(&server, &ann, "cloudreve://my/A/B/n.txt", "file").await["code"],
        0
    );
    assert_eq!(
        create(&server, &ann, "cloudreve://my/A/B/o.txt", "file").await["code"],
        0
    );
    let seen = journal.take(&server).await;
    assert_eq!(
        shapes(&seen),
        [
            row(CREATE, "/A/B/n.txt", None, false),
            row(CREATE, "/A/B/o.txt", None, false)
        ]
    );
    let n = seen[0].file_id;

    let rename = |uri: &'static str, name: &'static str| {
        call(
            &server,
            &ann,
            Method::POST,
            "/file/rename",
            json!({"uri": uri, "new_name": name}),
        )
    };
    assert_eq!(rename("cloudreve://my/A/B/n.txt", "m.txt").await["code"], 0);
    let seen = journal.take(&server).await;
    assert_eq!(
        shapes(&seen),
        [row(RENAME, "/A/B/n.txt", Some("/A/B/m.txt"), false)]
    );
    assert_eq!(seen[0].file_id, n);

    // Refused: a name taken, a creation over a file. Nothing recorded.
    assert_eq!(
        rename("cloudreve://my/A/B/o.txt", "m.txt").await["code"],
        40004
    );
    assert_ne!(
        create(&server, &ann, "cloudreve://my/A/B/o.txt", "file").await["code"],
        0
    );
    assert_eq!(journal.take(&server).await, []);

    // A move is a rename with the new path; a copy announces its top item only.
    let mv = |uris: &[&str], dst: &str, copy: bool| {
        call(
            &server,
            &ann,
            Method::POST,
            "/file/move",
            json!({"uris": uris, "dst": dst, "copy": copy}),
        )
    };
    assert_eq!(
        mv(&["cloudreve://my/A/B/m.txt"], "cloudreve://my/A", false).await["code"],
        0
    );
    let seen = journal.take(&server).await;
    assert_eq!(
        shapes(&seen),
        [row(RENAME, "/A/B/m.txt", Some("/A/m.txt"), false)]
    );
    assert_eq!(seen[0].file_id, n);
    assert_eq!(
        mv(&["cloudreve://my/A/B"], "cloudreve://my", true).await["code"],
        0
    );
    let seen = journal.take(&server).await;
    assert_eq!(shapes(&seen), [row(CREATE, "/B", None, true)]);
    assert_eq!(
        seen[0].file_id,
        file_id(&server, &ann, "cloudreve://my/B").await
    );
    // Moving onto a taken name changes nothing.
    assert_eq!(
        create(&server, &ann, "cloudreve://my/m.txt", "file").await["code"],
        0
    );
    journal.take(&server).await;
    assert_ne!(
        mv(&["cloudreve://my/A/m.txt"], "cloudreve://my", false).await["code"],
        0
    );
    assert_eq!(journal.take(&server).await, []);

    // Trash: one delete for the folder, none for what is inside it.
    let a = file_id(&server, &ann, "cloudreve://my/A").await;
    let r = call(
        &server,
        &ann,
        Method::DELETE,
        "/file",
        json!({"uris": ["cloudreve://my/A"]}),
    )
    .await;
    assert_eq!(r["code"], 0, "{r}");
    let seen = journal.take(&server).await;
    assert_eq!(shapes(&seen), [row(DELETE, "/A", None, true)]);
    assert_eq!(seen[0].file_id, a);

    // Restore: a create where it comes back.
    let trashed = server
        .get_as(
            &format!("/file?uri={}", query_escape("cloudreve://trash")),
            &ann.access_token,
        )
        .await;
    let trash_uri = trashed["data"]["files"][0]["path"]
        .as_str()
        .unwrap()
        .to_owned();
    let r = call(
        &server,
        &ann,
        Method::POST,
        "/file/restore",
        json!({"uris": [trash_uri]}),
    )
    .await;
    assert_eq!(r["code"], 0, "{r}");
    let seen = journal.take(&server).await;
    assert_eq!(shapes(&seen), [row(CREATE, "/A", None, true)]);
    assert_eq!(seen[0].file_id, a);

    // A permanent delete is one delete; purging an item already in the trash announces nothing.
    let r = call(
        &server,
        &ann,
        Method::DELETE,
        "/file",
        json!({"uris": ["cloudreve://my/B"], "skip_soft_delete": true}),
    )
    .await;
    assert_eq!(r["code"], 0, "{r}");
    assert_eq!(
        shapes(&journal.take(&server).await),
        [row(DELETE, "/B", None, true)]
    );
    let r = call(
        &server,
        &ann,
        Method::DELETE,
        "/file",
        json!({"uris": ["cloudreve://my/A"]}),
    )
    .await;
    assert_eq!(r["code"], 0, "{r}");
    journal.take(&server).await;
    let r = call(&server, &ann, Method::DELETE, "/file/trash", json!({})).await;
    assert_eq!(r["code"], 0, "{r}");
    assert_eq!(journal.take(&server).await, []);

    // Metadata is no change of the tree.
    let r = call(
        &server,
        &ann,
        Method::PATCH,
        "/file/metadata",
        json!({"uris": ["cloudreve://my/m.txt"], "patches": [{"key": "tag:x", "value": "#f00"}]}),
    )
    .await;
    assert_eq!(r["code"], 0, "{r}");
    assert_eq!(journal.take(&server).await, []);
}

#[tokio::test]
async fn uploads_edits_and_versions_record_creates_and_modifies() {
    let (server, ann, owner) = setup().await;
    let r = call(
        &server,
        &ann,
        Method::PATCH,
        "/user/setting",
        json!({"version_retention_enabled": true, "version_retention_max": 5}),
    )
    .await;
    assert_eq!(r["code"], 0, "{r}");
    let mut journal = Journal::of(&server, owner).await;

    // The session's placeholder (and the folder made for it), then the completion.
    let sid = open_upload(&server, &ann, "cloudreve://my/up/new.bin", 3, false).await;
    let seen = journal.take(&server).await;
    assert_eq!(
        shapes(&seen),
        [
            row(CREATE, "/up", None, true),
            row(CREATE, "/up/new.bin", None, false)
        ]
    );
    let id = seen[1].file_id;
    send_chunk(&server, &ann, &sid, b"one").await;
    let seen = journal.take(&server).await;
    assert_eq!(shapes(&seen), [row(MODIFY, "/up/new.bin", None, false)]);
    assert_eq!(seen[0].file_id, id);

    // A new version by upload, and by `PUT /file/content`.
    let sid = open_upload(&server, &ann, "cloudreve://my/up/new.bin", 3, true).await;
    assert_eq!(journal.take(&server).await, []);
    send_chunk(&server, &ann, &sid, b"two").await;
    assert_eq!(
        shapes(&journal.take(&server).await),
        [row(MODIFY, "/up/new.bin", None, false)]
    );
    let path = format!(
        "/file/content?uri={}",
        query_escape("cloudreve://my/up/new.bin")
    );
    let resp = server
        .request_as(Method::PUT, &path, &ann.access_token)
        .body(b"three".to_vec())
        .send()
        .await
        .unwrap();
    assert_eq!(stratus_tests::envelope(resp).await["code"], 0);
    let seen = journal.take(&server).await;
    assert_eq!(shapes(&seen), [row(MODIFY, "/up/new.bin", None, false)]);
    assert_eq!(seen[0].file_id, id);

    // Switching and deleting versions modify the file.
    let info = server
        .get_as(
            &format!(
                "/file/info?uri={}&extended=true",
                query_escape("cloudreve://my/up/new.bin")
            ),
            &ann.access_token,
        )
        .await;
    let current = info["data"]["primary_entity"].as_str().unwrap().to_owned();
    let others: Vec<String> = info["data"]["extended_info"]["entities"]
        .as_array()
        .unwrap()
        .iter()
        .map(|e| e["id"].as_str().unwrap().to_owned())
        .filter(|e| *e != current)
        .collect();
    assert_eq!(others.len(), 2, "{info}");
    let version = |method: Method, v: &str| {
        let path = if method == Method::POST {
            "/file/version/current"
        } else {
            "/file/version"
        };
        call(
            &server,
            &ann,
            method,
            path,
            json!({"uri": "cloudreve://my/up/new.bin", "version": v}),
        )
    };
    assert_eq!(version(Method::POST, &others[0]).await["code"], 0);
    assert_eq!(version(Method::DELETE, &others[1]).await["code"], 0);
    assert_eq!(
        shapes(&journal.take(&server).await),
        [
            row(MODIFY, "/up/new.bin", None, false),
            row(MODIFY, "/up/new.bin", None, false)
        ]
    );
    // The current version cannot be deleted: nothing recorded.
    assert_ne!(version(Method::DELETE, &others[0]).await["code"], 0);
    assert_eq!(journal.take(&server).await, []);

    // A canceled session takes its placeholder away again.
    let sid = open_upload(&server, &ann, "cloudreve://my/up/gone.bin", 3, false).await;
    assert_eq!(
        shapes(&journal.take(&server).await),
        [row(CREATE, "/up/gone.bin", None, false)]
    );
    let r = call(
        &server,
        &ann,
        Method::DELETE,
        "/file/upload",
        json!({"id": sid, "uri": "cloudreve://my/up/gone.bin"}),
    )
    .await;
    assert_eq!(r["code"], 0, "{r}");
    assert_eq!(
        shapes(&journal.take(&server).await),
        [row(DELETE, "/up/gone.bin", None, false)]
    );
}
