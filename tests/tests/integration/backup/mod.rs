//! Backups (`/admin/backup/*`): targets, tasks, runs to a local folder, incremental runs,
//! retention, the live log, and a run whose process was killed.

mod failing;
mod killed;
mod log_stream;
mod record_restore;
mod retention;
mod routes;
pub(crate) mod runs;
mod targets;

use std::{
    io::{BufRead, BufReader},
    path::{Path, PathBuf},
    time::Duration,
};

use reqwest::Method;
use serde_json::{Value, json};
use stratus_tests::{Session, TestServer};

use crate::admin::{call, ok};

/// A local target's create body.
pub fn local_target(name: &str, path: &Path) -> Value {
    json!({"name": name, "type": "local", "settings": {"path": path.to_str().unwrap()}})
}

/// Creates a local target writing to `path`; answers its id.
pub async fn target(server: &TestServer, s: &Session, path: &Path) -> i64 {
    let made = ok(
        server,
        s,
        Method::PUT,
        "/admin/backup/target",
        local_target("disk", path),
    )
    .await;
    made["id"].as_i64().unwrap()
}

/// Creates a task; answers its id.
pub async fn task(server: &TestServer, s: &Session, body: Value) -> i64 {
    let made = ok(server, s, Method::PUT, "/admin/backup/task", body).await;
    made["id"].as_i64().unwrap()
}

/// A folder task of `user_id`'s `uri` to `target`.
/// A target in `dir` and a manual folder task backing up `cloudreve://my/docs` of `user_id`:
/// (target id, task id).
pub async fn docs_task(server: &TestServer, s: &Session, dir: &Path, user_id: i64) -> (i64, i64) {
    let t = target(server, s, dir).await;
    let id = task(
        server,
        s,
        folder_task(t, user_id, "cloudreve://my/docs", json!({})),
    )
    .await;
    (t, id)
}

pub fn folder_task(target: i64, user_id: i64, uri: &str, extra: Value) -> Value {
    let mut body = json!({
        "name": "docs", "kind": "folder", "target_id": target,
        "source": {"user_id": user_id, "uri": uri},
    });
    for (k, v) in extra.as_object().unwrap() {
        body[k] = v.clone();
    }
    body
}

/// The record `id` once its run ended.
pub async fn ended(server: &TestServer, s: &Session, id: i64) -> Value {
    let deadline = tokio::time::Instant::now() + Duration::from_secs(90);
    loop {
        let r = call(
            server,
            Some(s),
            Method::GET,
            &format!("/admin/backup/record/{id}"),
            None,
        )
        .await;
        assert_eq!(r["code"], 0, "{r}");
        let status = r["data"]["status"].as_str().unwrap().to_owned();
        if status == "completed" || status == "failed" {
            return r["data"].clone();
        }
        assert!(
            tokio::time::Instant::now() < deadline,
            "record {id} never ended: {r}"
        );
        tokio::time::sleep(Duration::from_millis(50)).await;
    }
}

/// Runs task `id` now and waits for its record to end.
pub async fn run(server: &TestServer, s: &Session, id: i64) -> Value {
    let record = ok(
        server,
        s,
        Method::POST,
        &format!("/admin/backup/task/{id}/run"),
        json!({}),
    )
    .await;
    assert_eq!(record["status"], "queued", "{record}");
    assert_eq!(record["trigger"], "manual");
    ended(server, s, record["id"].as_i64().unwrap()).await
}

/// The blob files under a local target.
pub fn blobs(root: &Path) -> Vec<PathBuf> {
    let mut out = Vec::new();
    let dir = root.join("stratus-backup/blobs");
    let Ok(subdirs) = std::fs::read_dir(&dir) else {
        return out;
    };
    for sub in subdirs.flatten() {
        for f in std::fs::read_dir(sub.path()).unwrap().flatten() {
            let name = f.file_name().to_string_lossy().into_owned();
            if name.len() == 64 && f.path().is_file() {
                out.push(f.path());
            }
        }
    }
    out.sort();
    out
}

/// The record folders under a local target that hold a manifest.
pub fn manifests(root: &Path) -> Vec<String> {
    let mut out: Vec<String> = std::fs::read_dir(root.join("stratus-backup/records"))
        .map(|d| {
            d.flatten()
                .filter(|e| e.path().join("manifest.jsonl.gz").exists())
                .map(|e| e.file_name().to_string_lossy().into_owned())
                .collect()
        })
        .unwrap_or_default();
    out.sort();
    out
}

/// The lines of a record's manifest.
pub fn manifest(root: &Path, record: &str) -> Vec<Value> {
    let path = root.join(format!("stratus-backup/records/{record}/manifest.jsonl.gz"));
    let file = std::fs::File::open(&path).unwrap();
    BufReader::new(flate2::read::GzDecoder::new(file))
        .lines()
        .map(|l| serde_json::from_str(&l.unwrap()).unwrap())
        .collect()
}
