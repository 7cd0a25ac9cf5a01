//! The live log of a run (`text/event-stream`): lines arrive while the run is still going,
//! and the stream ends with the record's status once the run ended. The run is held up
//! without timing: its target is an S3 server the test stops (SIGSTOP) before the run and
//! continues only after it has seen the first lines.

use futures_util::StreamExt;
use reqwest::Method;
use serde_json::{Value, json};
use stratus_tests::{
    TestServer,
    s3::{S3Server, SECRET_KEY},
};

use super::runs::member_with_docs;
use super::{folder_task, targets::s3_target, task};
use crate::admin::{admin, call, ok};

fn signal(pid: u32, sig: &str) {
    let sent = std::process::Command::new("kill")
        .args([sig, &pid.to_string()])
        .status()
        .unwrap();
    assert!(sent.success());
}

#[tokio::test]
async fn the_log_streams_while_the_run_goes() {
    let server = TestServer::start().await;
    let boss = admin(&server, "boss@example.com").await;
    let (_alice, uid) = member_with_docs(&server, "alice@example.com", 5).await;
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

    signal(s3.pid(), "-STOP");
    let record = ok(
        &server,
        &boss,
        Method::POST,
        &format!("/admin/backup/task/{id}/run"),
        json!({}),
    )
    .await;
    let rid = record["id"].as_i64().unwrap();
    let resp = server
        .request_as(
            Method::GET,
            &format!("/admin/backup/record/{rid}/log/stream"),
            &boss.access_token,
        )
        .send()
        .await
        .unwrap();
    assert_eq!(resp.headers()["content-type"], "text/event-stream");
    let mut body = resp.bytes_stream();
    let mut text = String::new();
    let mut continued = false;
    while let Some(piece) = body.next().await {
        text.push_str(&String::from_utf8_lossy(&piece.unwrap()));
        if !continued && text.contains("event: log") {
            // The run waits on the stopped target: it cannot have ended.
            let now = call(
                &server,
                Some(&boss),
                Method::GET,
                &format!("/admin/backup/record/{rid}"),
                None,
            )
            .await;
            assert_eq!(now["data"]["status"], "running", "{now}");
            assert!(!text.contains("event: status"), "{text}");
            signal(s3.pid(), "-CONT");
            continued = true;
        }
    }
    assert!(continued, "no log line before the end: {text}");
    // The stream ended by itself, with the record.
    let status_data: Value = text
        .split("event: status")
        .nth(1)
        .and_then(|rest| rest.lines().find_map(|l| l.strip_prefix("data: ")))
        .map(|d| serde_json::from_str(d).unwrap())
        .unwrap_or_else(|| panic!("no status event: {text}"));
    assert_eq!(status_data["status"], "completed", "{status_data}");
    assert_eq!(status_data["files"], 6, "{status_data}");
    assert!(text.contains("backing up docs"), "{text}");
    assert!(text.contains("copied "), "{text}");
}
