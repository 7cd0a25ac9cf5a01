//! A run whose process is killed mid-copy (SIGKILL, a real second process on the same
//! database) is taken up by another instance once its lease ran out, and completes: the blobs
//! the dead one copied are found on the target, the rest are copied, the manifest written.
//! The kill lands mid-copy without timing: the target is an S3 server the test stops
//! (SIGSTOP) once the first blob is on it.

use std::{
    path::Path,
    process::{Command, Stdio},
    time::Duration,
};

use reqwest::Method;
use serde_json::json;
use stratus_tests::{
    TestServer,
    s3::{S3Server, SECRET_KEY},
};

use super::runs::{member_with_docs, upload};
use super::{ended, folder_task, targets::s3_target, task};
use crate::admin::{admin, ok};

/// Set to the database URL for the child process running [`backup_instance_to_kill`]...
const INSTANCE_ENV: &str = "STRATUS_BACKUP_INSTANCE_TO_KILL";
/// ...and to the data folder it shares with the parent, whose local blobs it backs up.
const DATA_ENV: &str = "STRATUS_BACKUP_INSTANCE_DATA";
const BIG: usize = 12;

fn signal(pid: u32, sig: &str) {
    let sent = Command::new("kill")
        .args([sig, &pid.to_string()])
        .status()
        .unwrap();
    assert!(sent.success());
}

/// Blob objects in the bucket's folder.
fn blob_count(bucket: &Path) -> usize {
    let mut n = 0;
    let mut stack = vec![bucket.join("stratus-backup/blobs")];
    while let Some(dir) = stack.pop() {
        let Ok(entries) = std::fs::read_dir(&dir) else {
            continue;
        };
        for e in entries.flatten() {
            if e.path().is_dir() {
                stack.push(e.path());
            } else if e.file_name().len() == 64 {
                n += 1;
            }
        }
    }
    n
}

#[tokio::test]
async fn a_run_killed_mid_copy_completes_in_another_instance() {
    let mut server = TestServer::start().await;
    let boss = admin(&server, "boss@example.com").await;
    let (alice, uid) = member_with_docs(&server, "alice@example.com", 0).await;
    for i in 0..BIG {
        let bytes: Vec<u8> = (0..200_000u32)
            .map(|b| (b as usize * 31 + i) as u8)
            .collect();
        upload(
            &server,
            &alice,
            &format!("cloudreve://my/docs/big{i}.bin"),
            &bytes,
            false,
        )
        .await;
    }
    let s3 = S3Server::start();
    let made = ok(
        &server,
        &boss,
        Method::PUT,
        "/admin/backup/target",
        s3_target(&s3, SECRET_KEY),
    )
    .await;
    let t = made["id"].as_i64().unwrap();
    let id = task(
        &server,
        &boss,
        folder_task(t, uid, "cloudreve://my/docs", json!({})),
    )
    .await;

    // Only the child runs tasks until it is killed.
    server.pause().await;
    let mut child = Command::new(std::env::current_exe().unwrap())
        .args([
            "backup::killed::backup_instance_to_kill",
            "--exact",
            "--nocapture",
        ])
        .env(INSTANCE_ENV, &server.database_url)
        .env(DATA_ENV, &server.data_dir)
        .stdout(Stdio::null())
        .stderr(Stdio::null())
        .spawn()
        .unwrap();
    let record = stratus_server::backup::run::run_now(&server.state, id)
        .await
        .unwrap();
    let deadline = tokio::time::Instant::now() + Duration::from_secs(60);
    while blob_count(&s3.bucket_dir) == 0 {
        assert!(
            tokio::time::Instant::now() < deadline,
            "the child copied nothing"
        );
        tokio::time::sleep(Duration::from_millis(10)).await;
    }
    signal(s3.pid(), "-STOP");
    child.kill().unwrap(); // SIGKILL
    child.wait().unwrap();
    signal(s3.pid(), "-CONT");
    let copied_by_the_dead = blob_count(&s3.bucket_dir);
    assert!(copied_by_the_dead < BIG + 1, "the kill came after the copy");
    let row = stratus_server::backup::records::find(&server.state.db, record.id)
        .await
        .unwrap();
    assert_eq!(row.status, "running");

    // Another instance takes the run up once the dead one's lease ran out.
    server.restart().await;
    let boss = server.login("boss@example.com", crate::admin::PW).await;
    let done = ended(&server, &boss, record.id).await;
    assert_eq!(done["status"], "completed", "{done}");
    assert_eq!(done["files"], BIG + 1);
    assert_eq!(blob_count(&s3.bucket_dir), BIG + 1);
    let detail = ok(
        &server,
        &boss,
        Method::GET,
        &format!("/admin/backup/record/{}", record.id),
        json!({}),
    )
    .await;
    let log = detail["log"].as_str().unwrap();
    assert!(log.contains("taken up again"), "{log}");
    assert!(log.contains("manifest written"), "{log}");
    // What the dead instance copied was not copied again.
    let total: i64 = 200_000 * BIG as i64 + 4;
    assert!(done["new_bytes"].as_i64().unwrap() < total, "{done}");
    assert!(
        s3.bucket_dir
            .join(format!(
                "stratus-backup/records/{}/manifest.jsonl.gz",
                row.name
            ))
            .exists()
    );
}

/// The instance that is killed: joins the database and runs tasks until the parent kills it.
/// Does nothing unless started by [`a_run_killed_mid_copy_completes_in_another_instance`].
#[tokio::test]
async fn backup_instance_to_kill() {
    let Ok(database_url) = std::env::var(INSTANCE_ENV) else {
        return;
    };
    let data_dir = std::env::var_os(DATA_ENV).expect("data dir").into();
    let _server = TestServer::join_sharing(database_url, data_dir).await;
    tokio::time::sleep(Duration::from_secs(120)).await;
    panic!("not killed within 120 s");
}
