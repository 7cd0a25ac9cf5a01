//! `PUT /file/content`.

use futures_util::stream;
use reqwest::Method;
use serde_json::json;

use super::*;

const URI: &str = "cloudreve://my/notes/a.txt";

#[tokio::test]
async fn an_edit_becomes_the_current_version() {
    let (server, ann) = setup().await;
    upload(&server, &ann, URI, b"first draft", false).await;
    let v1 = primary(&server, &ann, URI).await;
    assert_eq!(storage(&server, &ann).await, 11);

    let second = b"second draft, longer".to_vec();
    let r = put_content(&server, &ann, URI, Some(&v1), &second).await;
    assert_eq!(r["code"], 0, "{r}");
    assert_eq!(r["data"]["name"], "a.txt");
    assert_eq!(r["data"]["size"], second.len());
    let v2 = r["data"]["primary_entity"].as_str().unwrap().to_owned();
    assert_ne!(v2, v1);
    assert_eq!(primary(&server, &ann, URI).await, v2);
    assert_eq!(sha(&download(&server, &ann, URI, None).await), sha(&second));
    // The old version is kept and listed, and both are charged.
    let ids = entity_ids(&server, &ann, URI).await;
    assert_eq!(ids.len(), 2);
    assert!(ids.contains(&v1) && ids.contains(&v2));
    assert_eq!(storage(&server, &ann).await, 11 + second.len() as i64);
    assert_eq!(
        download(&server, &ann, URI, Some(&v1)).await,
        b"first draft"
    );

    // Based on an old version: 40076, nothing changes.
    let stale = put_content(&server, &ann, URI, Some(&v1), b"lost").await;
    assert_eq!(stale["code"], 40076, "{stale}");
    let garbage = put_content(&server, &ann, URI, Some("nope"), b"lost").await;
    assert_eq!(garbage["code"], 40076, "{garbage}");
    assert_eq!(primary(&server, &ann, URI).await, v2);
    assert_eq!(entity_ids(&server, &ann, URI).await.len(), 2);
    assert_eq!(storage(&server, &ann).await, 11 + second.len() as i64);

    // Without `previous` the edit applies to whatever is current; an empty body is an
    // empty version.
    let r = put_content(&server, &ann, URI, None, b"").await;
    assert_eq!(r["code"], 0, "{r}");
    assert_eq!(r["data"]["size"], 0);
    assert!(download(&server, &ann, URI, None).await.is_empty());

    // A file made with /file/create starts with an empty version, the base of its first edit.
    let created = server
        .send_as(
            Method::POST,
            "/file/create",
            &ann.access_token,
            &json!({"uri": "cloudreve://my/new.md", "type": "file"}),
        )
        .await;
    assert_eq!(created["code"], 0, "{created}");
    let i = info(&server, &ann, "cloudreve://my/new.md").await;
    let empty = i["data"]["primary_entity"].as_str().unwrap().to_owned();
    assert_eq!(created["data"]["primary_entity"], empty, "{created}");
    let r = put_content(
        &server,
        &ann,
        "cloudreve://my/new.md",
        Some(&empty),
        b"# hi",
    )
    .await;
    assert_eq!(r["code"], 0, "{r}");
    assert_eq!(
        download(&server, &ann, "cloudreve://my/new.md", None).await,
        b"# hi"
    );
}

#[tokio::test]
async fn size_limit_and_quota_are_enforced_while_streaming() {
    let (server, ann) = setup().await;
    upload(&server, &ann, URI, b"keep me", false).await;
    let v1 = primary(&server, &ann, URI).await;
    server
        .state
        .settings
        .set(&[("maxEditSize", "16")])
        .await
        .unwrap();
    let blobs_before = count_blobs(&server);

    // Declared too large: refused before anything is stored.
    let r = put_content(&server, &ann, URI, Some(&v1), &[b'x'; 17]).await;
    assert_eq!(r["code"], 40049, "{r}");
    // Sent without a length (chunked): cut off once past the limit.
    let pieces: Vec<Result<Vec<u8>, std::io::Error>> = (0..8).map(|_| Ok(vec![b'y'; 4])).collect();
    let resp = server
        .request_as(
            Method::PUT,
            &format!("/file/content?uri={}", query_escape(URI)),
            &ann.access_token,
        )
        .body(reqwest::Body::wrap_stream(stream::iter(pieces)))
        .send()
        .await
        .unwrap();
    let r = envelope(resp).await;
    assert_eq!(r["code"], 40049, "{r}");
    // Exactly the limit is fine when chunked too.
    let pieces: Vec<Result<Vec<u8>, std::io::Error>> = (0..4).map(|_| Ok(vec![b'z'; 4])).collect();
    let resp = server
        .request_as(
            Method::PUT,
            &format!("/file/content?uri={}", query_escape(URI)),
            &ann.access_token,
        )
        .body(reqwest::Body::wrap_stream(stream::iter(pieces)))
        .send()
        .await
        .unwrap();
    let r = envelope(resp).await;
    assert_eq!(r["code"], 0, "{r}");
    assert_eq!(download(&server, &ann, URI, None).await, vec![b'z'; 16]);
    let v2 = primary(&server, &ann, URI).await;
    // The refused edits left no blob behind: only the accepted one was added.
    assert_eq!(count_blobs(&server), blobs_before + 1);

    // Over the quota: 40051, nothing changes.
    update_group(&server, |g| set_max_storage(g, 7 + 16 + 10)).await;
    let r = put_content(&server, &ann, URI, Some(&v2), &[b'q'; 11]).await;
    assert_eq!(r["code"], 40051, "{r}");
    let pieces: Vec<Result<Vec<u8>, std::io::Error>> = (0..3).map(|_| Ok(vec![b'q'; 4])).collect();
    let resp = server
        .request_as(
            Method::PUT,
            &format!(
                "/file/content?uri={}&previous={}",
                query_escape(URI),
                query_escape(&v2)
            ),
            &ann.access_token,
        )
        .body(reqwest::Body::wrap_stream(stream::iter(pieces)))
        .send()
        .await
        .unwrap();
    assert_eq!(envelope(resp).await["code"], 40051);
    assert_eq!(primary(&server, &ann, URI).await, v2);
    assert_eq!(storage(&server, &ann).await, 7 + 16);
    assert_eq!(count_blobs(&server), blobs_before + 1);
    let r = put_content(&server, &ann, URI, Some(&v2), &[b'q'; 10]).await;
    assert_eq!(r["code"], 0, "{r}");
}

#[tokio::test]
async fn targets_must_be_own_existing_unlocked_files() {
    let (server, ann) = setup().await;
    let bob = second_user(&server).await;
    upload(&server, &ann, URI, b"ann's", false).await;

    // Missing file: not found, and nothing is created.
    let r = put_content(&server, &ann, "cloudreve://my/ghost.txt", None, b"x").await;
    assert_eq!(r["code"], 404, "{r}");
    assert_eq!(
        info(&server, &ann, "cloudreve://my/ghost.txt").await["code"],
        404
    );
    // A folder is not a file.
    let r = put_content(&server, &ann, "cloudreve://my/notes", None, b"x").await;
    assert_eq!(r["code"], 40004, "{r}");
    // Malformed: no uri, or a bad one.
    let resp = server
        .request_as(Method::PUT, "/file/content", &ann.access_token)
        .body("x")
        .send()
        .await
        .unwrap();
    assert_eq!(envelope(resp).await["code"], 40001);
    let r = put_content(&server, &ann, "not-a-uri", None, b"x").await;
    assert_eq!(r["code"], 40001, "{r}");
    // Not signed in.
    let resp = server
        .client
        .put(server.api(&format!("/file/content?uri={}", query_escape(URI))))
        .body("x")
        .send()
        .await
        .unwrap();
    assert_eq!(envelope(resp).await["code"], 401);
    // Another user's file, by its owner-qualified URI, is as missing as Bob's own path.
    let anns = format!(
        "cloudreve://{}@my/notes/a.txt",
        ann.user["id"].as_str().unwrap()
    );
    let r = put_content(&server, &bob, &anns, None, b"x").await;
    assert_eq!(r["code"], 404, "{r}");
    assert_eq!(
        put_content(&server, &bob, URI, None, b"x").await["code"],
        404
    );
    assert_eq!(download(&server, &ann, URI, None).await, b"ann's");

    // A pending upload holds a lock on the path: 40073.
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
    let r = put_content(&server, &ann, URI, None, b"x").await;
    assert_eq!(r["code"], 40073, "{r}");
    assert_eq!(download(&server, &ann, URI, None).await, b"ann's");
}

/// Blob files under `<data_dir>/uploads`.
pub(super) fn count_blobs(server: &TestServer) -> usize {
    fn walk(dir: &std::path::Path) -> usize {
        let Ok(entries) = std::fs::read_dir(dir) else {
            return 0;
        };
        entries
            .flatten()
            .map(|e| {
                let p = e.path();
                if p.is_dir() { walk(&p) } else { 1 }
            })
            .sum()
    }
    walk(&server.data_dir.join("uploads"))
}
