//! Uploads by a recipient: with write access, an upload session into the granted folder stores
//! the file in the owner's tree, charged to the owner; with read access or none it is refused;
//! taken back while the session is open, its next chunk is refused. Edits (the web editor's
//! save, a WebDAV PUT over a file) are new versions naming the recipient.

use reqwest::Method;
use serde_json::{Value, json};
use stratus_server::boolset::group_perm;
use stratus_tests::{Session, TestServer, query_escape};

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

/// `PUT /file/content` of `uri` with `bytes` as `who`; the envelope.
async fn edit_as(server: &TestServer, who: &Session, uri: &str, bytes: &[u8]) -> Value {
    let resp = server
        .request_as(
            Method::PUT,
            &format!("/file/content?uri={}", query_escape(uri)),
            &who.access_token,
        )
        .body(bytes.to_vec())
        .send()
        .await
        .unwrap();
    stratus_tests::envelope(resp).await
}

/// The web editor's save and a WebDAV PUT over a file of the folder, by a writer: each a new
/// version of the owner's file, charged to the owner and naming the writer as its author. A
/// reader's save is refused, a stranger's answers as a missing file does.
#[tokio::test]
async fn a_writer_edits_a_file_as_a_new_version_that_names_them() {
    let p = setup().await;
    let s = &p.server;
    crate::dav::set_group_bits(s, 2, &[(group_perm::WEBDAV, true)]).await;
    let a = p.anns("Team/a.txt");
    ann_grants(&p, "Team", &p.bob, "read").await;
    let read_only = edit_as(s, &p.bob, &a, b"bob's edit").await;
    assert_ne!(read_only["code"], 0, "a reader edits: {read_only}");
    let stranger = edit_as(s, &p.carol, &a, b"carol's edit").await;
    let missing = edit_as(s, &p.carol, &p.anns("Team/none.txt"), b"x").await;
    assert_eq!(stranger["code"], missing["code"], "{stranger}");
    assert_ne!(stranger["code"], 0);
    assert_eq!(
        s.download(&p.ann, "cloudreve://my/Team/a.txt").await,
        super::A
    );

    ann_grants(&p, "Team", &p.bob, "write").await;
    let (ann_id, bob_id) = (uid(s, &p.ann), uid(s, &p.bob));
    let (ann_before, bob_before) = (s.storage_of(ann_id).await, s.storage_of(bob_id).await);
    let edit = b"bob's edit of alpha";
    let saved = edit_as(s, &p.bob, &a, edit).await;
    assert_eq!(saved["code"], 0, "{saved}");
    assert_eq!(s.download(&p.ann, "cloudreve://my/Team/a.txt").await, edit);
    assert_eq!(s.storage_of(ann_id).await, ann_before + edit.len() as i64);
    assert_eq!(s.storage_of(bob_id).await, bob_before);

    let pw = crate::dav::password(s, &p.bob, "cloudreve://my").await;
    let put = crate::dav::dav(
        s,
        "PUT",
        "/Shared%20with%20me/Team/a.txt",
        "bob@example.com",
        &pw,
    )
    .body(&b"bob over webdav"[..])
    .send()
    .await
    .unwrap();
    assert!(put.status().is_success(), "{}", put.status());
    assert_eq!(
        s.download(&p.ann, "cloudreve://my/Team/a.txt").await,
        b"bob over webdav"
    );

    // The owner sees three versions: hers, then the two by Bob.
    let info = s
        .get_as(
            &format!(
                "/file/info?uri={}&extended=true",
                query_escape("cloudreve://my/Team/a.txt")
            ),
            &p.ann.access_token,
        )
        .await;
    let mut authors: Vec<(i64, String)> = info["data"]["extended_info"]["entities"]
        .as_array()
        .unwrap()
        .iter()
        .map(|e| {
            let at = chrono::DateTime::parse_from_rfc3339(e["created_at"].as_str().unwrap())
                .unwrap()
                .timestamp_micros();
            (at, e["created_by"]["id"].as_str().unwrap().to_owned())
        })
        .collect();
    authors.sort();
    let names: Vec<String> = authors.into_iter().map(|(_, id)| id).collect();
    let (ann, bob) = (People::id(&p.ann), People::id(&p.bob));
    assert_eq!(names, [ann, bob.clone(), bob], "{info}");
}
