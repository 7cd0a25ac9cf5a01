//! Uploads by a recipient: with write access, an upload session into the granted folder stores
//! the file in the owner's tree, charged to the owner; with read access or none it is refused;
//! taken back while the session is open, its next chunk is refused.

use reqwest::Method;
use serde_json::json;

use super::{People, ann_grants, list, send, set_grants, setup};
use crate::download::uid;

#[tokio::test]
async fn a_writer_uploads_into_the_folder_and_the_owner_is_charged() {
    let p = setup().await;
    let s = &p.server;
    ann_grants(&p, "Team", &p.bob, "write").await;
    let (ann_id, bob_id) = (uid(s, &p.ann), uid(s, &p.bob));
    let (ann_before, bob_before) = (s.storage_of(ann_id).await, s.storage_of(bob_id).await);
    let bytes: Vec<u8> = (0..200_000u32).map(|i| (i % 251) as u8).collect();
    s.upload(&p.bob, &p.anns("Team/up.bin"), &bytes, json!({}))
        .await;
    assert_eq!(
        s.download(&p.ann, "cloudreve://my/Team/up.bin").await,
        bytes
    );
    assert_eq!(s.download(&p.bob, &p.anns("Team/up.bin")).await, bytes);
    assert_eq!(s.storage_of(ann_id).await, ann_before + bytes.len() as i64);
    assert_eq!(s.storage_of(bob_id).await, bob_before);
    // The version names who made it, for the owner too.
    let info = s
        .get_as(
            &format!(
                "/file/info?uri={}&extended=true",
                stratus_tests::query_escape("cloudreve://my/Team/up.bin")
            ),
            &p.ann.access_token,
        )
        .await;
    let made_by = &info["data"]["extended_info"]["entities"][0]["created_by"];
    assert_eq!(made_by["id"], People::id(&p.bob), "{info}");
    assert!(made_by.get("email").is_none(), "{made_by}");
    // The session answers in the caller's terms.
    let created = session(&p, &p.anns("Team/second.bin"), 5).await;
    assert_eq!(created["code"], 0, "{created}");
    assert_eq!(created["data"]["uri"], p.anns("Team/second.bin"));
}

#[tokio::test]
async fn reading_or_nothing_cannot_upload_and_taking_back_stops_an_open_session() {
    let p = setup().await;
    let s = &p.server;
    ann_grants(&p, "Team", &p.bob, "read").await;
    let refused = session(&p, &p.anns("Team/up.bin"), 5).await;
    assert_ne!(refused["code"], 0, "a reader uploads: {refused}");
    let carol = send(
        s,
        &p.carol,
        Method::PUT,
        "/file/upload",
        json!({"uri": p.anns("Team/up.bin"), "size": 5}),
    )
    .await;
    assert_ne!(carol["code"], 0, "no grant: {carol}");

    ann_grants(&p, "Team", &p.bob, "write").await;
    let created = session(&p, &p.anns("Team/up.bin"), 5).await;
    assert_eq!(created["code"], 0, "{created}");
    let sid = created["data"]["session_id"].as_str().unwrap().to_owned();
    // Nobody else drives the session.
    let stolen = s.send_chunk(&p.carol, &sid, 0, b"hello").await;
    assert_ne!(stolen["code"], 0, "{stolen}");
    let taken = set_grants(
        s,
        &p.ann,
        "cloudreve://my/Team",
        json!({ People::id(&p.bob): "none" }),
        json!({}),
    )
    .await;
    assert_eq!(taken["code"], 0, "{taken}");
    let chunk = s.send_chunk(&p.bob, &sid, 0, b"hello").await;
    assert_ne!(
        chunk["code"], 0,
        "a chunk after the grant was taken back: {chunk}"
    );
    // Nothing was stored: at most the session's empty placeholder is there.
    let listed = list(s, &p.ann, "cloudreve://my/Team").await;
    let row = listed["data"]["files"]
        .as_array()
        .unwrap()
        .iter()
        .find(|f| f["name"] == "up.bin")
        .cloned();
    assert!(row.as_ref().is_none_or(|r| r["size"] == 0), "{row:?}");
}

/// `PUT /file/upload` as Bob for `size` bytes at `uri`; the envelope.
async fn session(p: &People, uri: &str, size: usize) -> serde_json::Value {
    send(
        &p.server,
        &p.bob,
        Method::PUT,
        "/file/upload",
        json!({"uri": uri, "size": size}),
    )
    .await
}
