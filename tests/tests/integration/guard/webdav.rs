//! A WebDAV client deleting or encrypting a whole folder is stopped, and undo brings it back.

use reqwest::Method;
use serde_json::json;

use super::{ANN, PARALLEL, each, incidents, password, put_all, setup, undo};
use crate::dav::dav;

fn text_of(i: usize) -> Vec<u8> {
    format!("Notes number {i}: the quick brown fox jumps over the lazy dog.\n")
        .repeat(30)
        .into_bytes()
}

/// Bytes that look like an encrypted file's.
fn noise(seed: u32, len: usize) -> Vec<u8> {
    let mut x = seed.wrapping_mul(2_654_435_761).max(1);
    (0..len)
        .map(|_| {
            x ^= x << 13;
            x ^= x >> 17;
            x ^= x << 5;
            (x >> 24) as u8
        })
        .collect()
}

#[tokio::test]
async fn a_burst_of_deletions_is_stopped_and_undone() {
    let (server, ann) = setup(50).await;
    let pw = password(&server, &ann, "cloudreve://my").await;
    assert_eq!(
        dav(&server, "MKCOL", "/d", ANN, &pw)
            .send()
            .await
            .unwrap()
            .status(),
        201
    );
    let paths: Vec<String> = (0..300).map(|i| format!("/d/f{i:03}.txt")).collect();
    let files = paths
        .iter()
        .enumerate()
        .map(|(i, p)| (p.clone(), text_of(i)))
        .collect();
    // 300 new files trip nothing.
    put_all(&server, &pw, files, &[201]).await;

    let answers = each(&server, &pw, "DELETE", &paths).await;
    let deleted = answers.iter().filter(|(s, _)| *s == 204).count();
    assert!((50..=80).contains(&deleted), "{deleted} deleted");
    let refused: Vec<&(u16, String)> = answers.iter().filter(|(s, _)| *s != 204).collect();
    assert_eq!(refused.len(), 300 - deleted);
    for (status, body) in &refused {
        assert_eq!(*status, 423, "{body}");
        assert!(body.contains("guard against mass deletion"), "{body}");
        assert!(body.contains("(Settings > Security incidents)"), "{body}");
    }
    // Reads go on; so does the user's web session.
    let listed = dav(&server, "PROPFIND", "/d", ANN, &pw)
        .header("Depth", "1")
        .send()
        .await
        .unwrap();
    assert_eq!(listed.status(), 207);
    server
        .upload(
            &ann,
            "cloudreve://my/from-web.txt",
            b"still writing",
            json!({}),
        )
        .await;
    // A new file through the stopped account is refused too.
    let put = dav(&server, "PUT", "/d/new.txt", ANN, &pw)
        .body("x")
        .send()
        .await
        .unwrap();
    assert_eq!(put.status(), 423);

    let found = incidents(&server, &ann).await;
    assert_eq!(found.len(), 1, "{found:?}");
    let incident = &found[0];
    assert_eq!(incident["state"], "open");
    assert_eq!(incident["credential"]["kind"], "webdav");
    assert_eq!(incident["credential"]["name"], "test");
    assert_eq!(incident["counts"]["deleted"], deleted as i64);
    assert_eq!(incident["counts"]["overwritten"], 0);
    assert_eq!(incident["paths"].as_array().unwrap().len(), 20);
    assert_eq!(incident["first"]["path"], "cloudreve://my/d/f000.txt");
    assert_eq!(incident["first"]["action"], "delete");

    let id = incident["id"].as_i64().unwrap();
    let done = undo(&server, &ann, id).await;
    assert_eq!(
        done["result"]["restored"].as_array().unwrap().len(),
        deleted
    );
    assert!(
        done["result"]["skipped"].as_array().unwrap().is_empty(),
        "{done}"
    );
    let names = server.names_in(&ann, "cloudreve://my/d").await;
    assert_eq!(names.len(), 300, "{names:?}");
    assert_eq!(
        server.download(&ann, "cloudreve://my/d/f000.txt").await,
        text_of(0)
    );
    // Undone: the account writes again.
    let again = dav(&server, "DELETE", "/d/f299.txt", ANN, &pw)
        .send()
        .await
        .unwrap();
    assert_eq!(again.status(), 204);
    // A second undo is refused.
    let twice = server
        .send_as(
            Method::POST,
            &format!("/guard/incident/{id}/undo"),
            &ann.access_token,
            &json!({}),
        )
        .await;
    assert_ne!(twice["code"], 0, "{twice}");
}

#[tokio::test]
async fn files_overwritten_with_noise_go_back_to_their_versions_but_not_those_changed_since() {
    let (server, ann) = setup(50).await;
    let pw = password(&server, &ann, "cloudreve://my").await;
    assert_eq!(
        dav(&server, "MKCOL", "/t", ANN, &pw)
            .send()
            .await
            .unwrap()
            .status(),
        201
    );
    let paths: Vec<String> = (0..120).map(|i| format!("/t/n{i:03}.txt")).collect();
    let files = paths
        .iter()
        .enumerate()
        .map(|(i, p)| (p.clone(), text_of(i)))
        .collect();
    put_all(&server, &pw, files, &[201]).await;

    let mut overwritten = Vec::new();
    let mut refused = 0;
    for (i, path) in paths.iter().enumerate() {
        let resp = dav(&server, "PUT", path, ANN, &pw)
            .body(noise(i as u32 + 1, 8192))
            .send()
            .await
            .unwrap();
        match resp.status().as_u16() {
            204 | 201 => overwritten.push(i),
            status => {
                assert_eq!(status, 423);
                let body = resp.text().await.unwrap();
                assert!(body.contains("guard against mass deletion"), "{body}");
                refused += 1;
            }
        }
    }
    // Noise over text counts three times: stopped well before 50 files.
    assert!(
        !overwritten.is_empty() && overwritten.len() < 50,
        "{}",
        overwritten.len()
    );
    assert_eq!(refused, 120 - overwritten.len());
    // The web session changes one of them after the burst: undo leaves it alone.
    let changed = overwritten[0];
    let changed_uri = format!("cloudreve://my/t/n{changed:03}.txt");
    server
        .upload(
            &ann,
            &changed_uri,
            b"edited in the browser",
            json!({"entity_type": "version"}),
        )
        .await;

    let found = incidents(&server, &ann).await;
    assert_eq!(found[0]["counts"]["overwritten"], overwritten.len() as i64);
    let done = undo(&server, &ann, found[0]["id"].as_i64().unwrap()).await;
    let skipped = done["result"]["skipped"].as_array().unwrap();
    assert_eq!(skipped.len(), 1, "{done}");
    assert_eq!(skipped[0]["path"], changed_uri);
    assert!(
        skipped[0]["reason"]
            .as_str()
            .unwrap()
            .contains("changed since")
    );
    for i in &overwritten[1..] {
        let got = server
            .download(&ann, &format!("cloudreve://my/t/n{i:03}.txt"))
            .await;
        assert_eq!(got, text_of(*i), "file {i}");
    }
    assert_eq!(
        server.download(&ann, &changed_uri).await,
        b"edited in the browser"
    );
}

#[tokio::test]
async fn a_normal_sync_of_many_new_files_trips_nothing() {
    // The default threshold.
    let (server, ann) = setup(200).await;
    let pw = password(&server, &ann, "cloudreve://my").await;
    assert_eq!(
        dav(&server, "MKCOL", "/sync", ANN, &pw)
            .send()
            .await
            .unwrap()
            .status(),
        201
    );
    let files = (0..1000)
        .map(|i| {
            (
                format!("/sync/s{i:04}.txt"),
                format!("file {i}").into_bytes(),
            )
        })
        .collect();
    put_all(&server, &pw, files, &[201]).await;
    // A second pass writes them all again (same content, a sync's re-upload) and a user
    // deletes a dozen by hand: still nothing.
    let again = (0..100)
        .map(|i| {
            (
                format!("/sync/s{i:04}.txt"),
                format!("file {i}").into_bytes(),
            )
        })
        .collect();
    put_all(&server, &pw, again, &[201, 204]).await;
    let by_hand: Vec<String> = (0..12).map(|i| format!("/sync/s{i:04}.txt")).collect();
    assert!(
        each(&server, &pw, "DELETE", &by_hand)
            .await
            .iter()
            .all(|(s, _)| *s == 204)
    );
    assert!(incidents(&server, &ann).await.is_empty());
    let _ = PARALLEL;
}
