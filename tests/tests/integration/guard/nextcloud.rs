//! A real sync client emptying a synced folder: nextcloudcmd deletes on the server until the
//! guard stops it, one undo brings every file back on the server, and the next sync brings
//! them back to the local folder.

use std::path::PathBuf;

use super::{incidents, limit, undo};
use crate::nextcloud_dav::{
    ann,
    clients::{NEXTCLOUD, tail, tree},
    nc,
};

/// Files in the synced folder; the threshold is a third of them.
const FILES: usize = 60;
const BURST: u32 = 20;

#[tokio::test]
async fn a_sync_client_emptying_a_folder_is_stopped_and_undo_brings_the_files_back() {
    if !NEXTCLOUD.installed() {
        eprintln!("skipped: nextcloudcmd is not installed (.ci/run installs it)");
        return;
    }
    let (server, ann_s, pw) = ann().await;
    limit(&server, BURST).await;
    let made = nc(&server, "MKCOL", "/keep/", &pw).send().await.unwrap();
    assert_eq!(made.status(), 201);
    for i in 0..FILES {
        let put = nc(&server, "PUT", &format!("/keep/{i}.txt"), &pw)
            .body(format!("file {i}"))
            .send()
            .await
            .unwrap();
        assert!(put.status().is_success(), "{}", put.status());
    }
    let url = server.url("/");
    let dir = tempfile::tempdir().unwrap();
    let local: PathBuf = dir.path().join("local");
    std::fs::create_dir_all(&local).unwrap();
    NEXTCLOUD.sync(&local, &url, &pw, dir.path()).await;
    assert_eq!(tree(&local).len(), FILES);

    // Emptied locally: the client's deletes stop at the threshold.
    for entry in std::fs::read_dir(local.join("keep")).unwrap() {
        std::fs::remove_file(entry.unwrap().path()).unwrap();
    }
    let (_, log) = NEXTCLOUD.sync_status(&local, &url, &pw, dir.path()).await;
    let left = server.names_in(&ann_s, "cloudreve://my/keep").await.len();
    // The client deletes several at once: a few in flight as it trips may pass too.
    let deleted = FILES - left;
    assert!(
        (BURST as usize..=BURST as usize + 10).contains(&deleted),
        "{deleted} files deleted on the server\n{}",
        tail(&log)
    );
    let found = incidents(&server, &ann_s).await;
    assert_eq!(found.len(), 1, "{found:?}");
    assert_eq!(found[0]["state"], "open");

    // One undo: every file is back on the server, then in the local folder.
    let id = found[0]["id"].as_i64().unwrap();
    undo(&server, &ann_s, id).await;
    assert_eq!(
        server.names_in(&ann_s, "cloudreve://my/keep").await.len(),
        FILES
    );
    let (ok, log) = NEXTCLOUD.sync_status(&local, &url, &pw, dir.path()).await;
    let back = tree(&local);
    assert_eq!(back.len(), FILES, "ok: {ok}\n{}", tail(&log));
    assert_eq!(back["keep/7.txt"], b"file 7");
    let after = server.names_in(&ann_s, "cloudreve://my/keep").await;
    assert_eq!(
        after.len(),
        FILES,
        "the next sync deleted again: {after:?}\nincidents: {:?}\n{}",
        incidents(&server, &ann_s).await,
        removals(&log)
    );
}

/// The lines of a client's log about removing on the server, where a failure's cause shows.
fn removals(log: &str) -> String {
    let lines: Vec<&str> = log
        .lines()
        .filter(|l| {
            !l.contains("SQL") && (l.contains("INSTRUCTION_REMOVE") || l.contains("DeleteJob"))
        })
        .collect();
    lines[lines.len().saturating_sub(60)..].join("\n")
}
