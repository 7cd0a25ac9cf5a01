//! Retention: scheduled runs queued by the scheduler (`backup::schedule::tick` at chosen
//! times); with `keep_last: 2`, three runs leave two records, and the blobs only the expired
//! record named are gone. A due time is queued once, and not while a run is live.

use std::collections::BTreeSet;

use chrono::{Duration, Utc};
use reqwest::Method;
use serde_json::json;
use stratus_server::backup::schedule;
use stratus_tests::TestServer;

use super::runs::{member_with_docs, upload};
use super::{blobs, ended, folder_task, manifest, manifests, target, task};
use crate::admin::{admin, list, ok};

#[tokio::test]
async fn keep_last_two_leaves_two_records_and_no_orphan_blob() {
    let server = TestServer::start().await;
    let boss = admin(&server, "boss@example.com").await;
    let (alice, uid) = member_with_docs(&server, "alice@example.com", 3).await;
    let dir = tempfile::tempdir().unwrap();
    let t = target(&server, &boss, dir.path()).await;
    let id = task(
        &server,
        &boss,
        folder_task(
            t,
            uid,
            "cloudreve://my/docs",
            json!({"schedule": "@hourly", "keep_last": 2}),
        ),
    )
    .await;
    let start = Utc::now();

    let mut names = Vec::new();
    for hour in 1..=3 {
        let now = start + Duration::hours(hour) + Duration::seconds(1);
        let queued = schedule::tick(&server.state, now).await.unwrap();
        assert_eq!(queued.len(), 1, "hour {hour}");
        assert_eq!(queued[0].trigger, "schedule");
        // The same due time is not queued twice.
        assert!(schedule::tick(&server.state, now).await.unwrap().is_empty());
        let record = ended(&server, &boss, queued[0].id).await;
        assert_eq!(record["status"], "completed", "{record}");
        names.push(record["name"].as_str().unwrap().to_owned());
        // Each run leaves a file the next one no longer holds.
        let file = format!("cloudreve://my/docs/hour{hour}.txt");
        upload(
            &server,
            &alice,
            &file,
            format!("only in hour {hour}").as_bytes(),
            false,
        )
        .await;
        if hour == 1 {
            let gone = server
                .send_as(
                    Method::DELETE,
                    "/file",
                    &alice.access_token,
                    &json!({"uris": ["cloudreve://my/docs/f0000.txt"]}),
                )
                .await;
            assert_eq!(gone["code"], 0, "{gone}");
        }
    }

    let page = ok(
        &server,
        &boss,
        Method::POST,
        "/admin/backup/record",
        list(10, json!({"task_id": id.to_string()})),
    )
    .await;
    let left: Vec<&str> = page["records"]
        .as_array()
        .unwrap()
        .iter()
        .map(|r| r["name"].as_str().unwrap())
        .collect();
    assert_eq!(left, vec![names[1].as_str(), names[2].as_str()], "{page}");
    assert_eq!(
        manifests(dir.path()),
        vec![names[1].clone(), names[2].clone()]
    );
    // The blobs on the target are exactly those the two manifests name.
    let mut named = BTreeSet::new();
    for name in &names[1..] {
        for line in manifest(dir.path(), name) {
            if line["type"] == "blob" {
                named.insert(line["blob"].as_str().unwrap().to_owned());
            }
        }
    }
    let stored: BTreeSet<String> = blobs(dir.path())
        .iter()
        .map(|p| p.file_name().unwrap().to_string_lossy().into_owned())
        .collect();
    assert_eq!(stored, named);
    // f0000.txt, deleted after the first run, was only in the expired record.
    assert_eq!(
        named.len(),
        3 + 1 + 1,
        "f0001, f0002, deep, hour1, hour2: {named:?}"
    );

    // The task tells when it last ran and runs next.
    let row = ok(
        &server,
        &boss,
        Method::GET,
        &format!("/admin/backup/task/{id}"),
        json!({}),
    )
    .await;
    assert!(row["last_run_at"].is_string(), "{row}");
    assert!(row["next_run_at"].is_string(), "{row}");
    // Disabled, it is not queued.
    let off = ok(
        &server,
        &boss,
        Method::PUT,
        &format!("/admin/backup/task/{id}/toggle"),
        json!({"enabled": false}),
    )
    .await;
    assert_eq!(off["enabled"], false);
    assert!(off["next_run_at"].is_null());
    let later = start + Duration::hours(5);
    assert!(
        schedule::tick(&server.state, later)
            .await
            .unwrap()
            .is_empty()
    );
}
