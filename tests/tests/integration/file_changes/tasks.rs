//! Writes made by tasks: extraction, remote download, snapshot restore.

use std::collections::BTreeSet;

use reqwest::Method;
use serde_json::json;
use stratus_entity::task::status;
use stratus_server::{boolset::Boolset, ids::IdKind};

use super::{CREATE, DELETE, Journal, MODIFY, Seen, call, create, setup};
use crate::{
    archive::{update_group, upload},
    workflow::{origin::Origin, remote_download, wait_task},
};

const ARCHIVE_TASK_BIT: usize = 5;

fn set(seen: &[Seen]) -> BTreeSet<(i16, String, bool)> {
    seen.iter()
        .map(|s| {
            assert_eq!(s.to, None, "{s:?}");
            (s.kind, s.from.clone(), s.folder)
        })
        .collect()
}

fn of(rows: &[(i16, &str, bool)]) -> BTreeSet<(i16, String, bool)> {
    rows.iter()
        .map(|(k, p, f)| (*k, (*p).to_owned(), *f))
        .collect()
}

async fn ended(server: &stratus_tests::TestServer, hashid: &str) -> stratus_entity::task::Model {
    let id = server.state.ids.decode(hashid, IdKind::Task).unwrap();
    wait_task(server, id, "ended", |t| {
        [status::COMPLETED, status::ERROR, status::CANCELED].contains(&t.status.as_str())
    })
    .await
}

#[tokio::test]
async fn an_extraction_announces_the_items_it_places() {
    let (server, ann, owner) = setup().await;
    update_group(&server, |g| {
        let mut bits = Boolset::from_bytes(g.permissions.clone());
        bits.set_to(ARCHIVE_TASK_BIT, true);
        g.permissions = bits.into_bytes();
    })
    .await;
    let dir = tempfile::tempdir().unwrap();
    let script = "import zipfile\nwith zipfile.ZipFile('t.zip', 'w') as z:\n    \
                  z.writestr('top.txt', 'top')\n    z.writestr('dir/x.txt', 'x')\n    \
                  z.writestr('dir/deep/y.txt', 'y')\n";
    let out = std::process::Command::new("python3")
        .args(["-c", script])
        .current_dir(dir.path())
        .output()
        .unwrap();
    assert!(out.status.success(), "{out:?}");
    let zip = std::fs::read(dir.path().join("t.zip")).unwrap();
    upload(&server, &ann, "cloudreve://my/t.zip", &zip).await;
    assert_eq!(
        create(&server, &ann, "cloudreve://my/out", "folder").await["code"],
        0
    );
    let mut journal = Journal::of(&server, owner).await;

    let r = call(
        &server,
        &ann,
        Method::POST,
        "/workflow/extract",
        json!({"src": ["cloudreve://my/t.zip"], "dst": "cloudreve://my/out"}),
    )
    .await;
    assert_eq!(r["code"], 0, "{r}");
    let done = ended(&server, r["data"]["id"].as_str().unwrap()).await;
    assert_eq!(done.status, status::COMPLETED, "{:?}", done.public_state);
    // The staging folder and what was written into it are nobody's business.
    assert_eq!(
        set(&journal.take(&server).await),
        of(&[(CREATE, "/out/top.txt", false), (CREATE, "/out/dir", true)])
    );
}

#[tokio::test]
async fn a_remote_download_is_a_create() {
    let (server, a) = remote_download::setup().await;
    let owner = super::user_id(&server, &a);
    server
        .state
        .settings
        .set(&[("remote_download_allowed_cidrs", "127.0.0.1/32")])
        .await
        .unwrap();
    let origin = Origin::start("127.0.0.1").await;
    let mut journal = Journal::of(&server, owner).await;
    let created = remote_download::submit(
        &server,
        &a,
        json!({"src": [origin.url("/gen/1000/hello.bin")], "dst": "cloudreve://my/dl"}),
    )
    .await;
    assert_eq!(created["code"], 0, "{created}");
    let done = ended(&server, created["data"][0]["id"].as_str().unwrap()).await;
    assert_eq!(done.status, status::COMPLETED, "{:?}", done.public_state);
    assert_eq!(
        set(&journal.take(&server).await),
        of(&[(CREATE, "/dl", true), (CREATE, "/dl/hello.bin", false)])
    );
}

#[tokio::test]
async fn snapshot_restores_announce_what_they_put_back() {
    let (server, ann, owner) = setup().await;
    upload(&server, &ann, "cloudreve://my/s/x.txt", b"one").await;
    upload(&server, &ann, "cloudreve://my/s/sub/y.txt", b"why").await;
    let snap = call(
        &server,
        &ann,
        Method::PUT,
        "/snapshot",
        json!({"uri": "cloudreve://my/s", "name": "s1", "description": "test"}),
    )
    .await;
    assert_eq!(snap["code"], 0, "{snap}");
    let snapshot = snap["data"]["id"].as_str().unwrap().to_owned();
    upload(&server, &ann, "cloudreve://my/s/extra.txt", b"extra").await;
    let path = format!(
        "/file/content?uri={}",
        stratus_tests::query_escape("cloudreve://my/s/x.txt")
    );
    let resp = server
        .request_as(Method::PUT, &path, &ann.access_token)
        .body(b"two".to_vec())
        .send()
        .await
        .unwrap();
    assert_eq!(stratus_tests::envelope(resp).await["code"], 0);
    let r = call(
        &server,
        &ann,
        Method::DELETE,
        "/file",
        json!({"uris": ["cloudreve://my/s/sub"], "skip_soft_delete": true}),
    )
    .await;
    assert_eq!(r["code"], 0, "{r}");
    let mut journal = Journal::of(&server, owner).await;

    let restore = |body: serde_json::Value| {
        let snapshot = snapshot.clone();
        let server = &server;
        let ann = &ann;
        async move {
            let r = call(
                server,
                ann,
                Method::POST,
                &format!("/snapshot/{snapshot}/restore"),
                body,
            )
            .await;
            assert_eq!(r["code"], 0, "{r}");
            let done = ended(server, r["data"]["id"].as_str().unwrap()).await;
            assert_eq!(done.status, status::COMPLETED, "{:?}", done.public_state);
        }
    };
    // A replace: each change as it happens.
    restore(json!({"mode": "replace"})).await;
    assert_eq!(
        set(&journal.take(&server).await),
        of(&[
            (MODIFY, "/s/x.txt", false),
            (CREATE, "/s/sub", true),
            (CREATE, "/s/sub/y.txt", false),
            (DELETE, "/s/extra.txt", false),
        ])
    );
    // A copy: the folder it restores into, and what it adds there.
    restore(json!({"mode": "copy", "dst": "cloudreve://my/restored"})).await;
    assert_eq!(
        set(&journal.take(&server).await),
        of(&[
            (CREATE, "/restored", true),
            (CREATE, "/restored/x.txt", false),
            (CREATE, "/restored/sub", true),
        ])
    );
}
