//! The live log of a run (`text/event-stream`): lines arrive while the run is still going,
//! and the stream ends with the record's status once the run ended.

use futures_util::StreamExt;
use reqwest::Method;
use serde_json::{Value, json};
use stratus_tests::TestServer;

use super::runs::member_with_docs;
use super::{folder_task, target, task};
use crate::admin::{admin, call, ok};

#[tokio::test]
async fn the_log_streams_while_the_run_goes() {
    let server = TestServer::start().await;
    let boss = admin(&server, "boss@example.com").await;
    let (_alice, uid) = member_with_docs(&server, "alice@example.com", 150).await;
    let dir = tempfile::tempdir().unwrap();
    let t = target(&server, &boss, dir.path()).await;
    let id = task(
        &server,
        &boss,
        folder_task(t, uid, "cloudreve://my/docs", json!({})),
    )
    .await;
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
    let mut live_when_first_line = None;
    while let Some(piece) = body.next().await {
        text.push_str(&String::from_utf8_lossy(&piece.unwrap()));
        if live_when_first_line.is_none() && text.contains("event: log") {
            let now = call(
                &server,
                Some(&boss),
                Method::GET,
                &format!("/admin/backup/record/{rid}"),
                None,
            )
            .await;
            live_when_first_line = Some(now["data"]["status"].as_str().unwrap().to_owned());
        }
    }
    // The stream ended by itself, with the record.
    assert!(text.contains("event: status"), "{text}");
    let status_data: Value = text
        .split("event: status")
        .nth(1)
        .and_then(|rest| rest.lines().find_map(|l| l.strip_prefix("data: ")))
        .map(|d| serde_json::from_str(d).unwrap())
        .unwrap();
    assert_eq!(status_data["status"], "completed", "{status_data}");
    assert!(text.contains("backing up docs"), "{text}");
    assert!(text.contains("copied "), "{text}");
    let first = live_when_first_line.expect("a log line");
    assert!(
        first == "running" || first == "queued",
        "the first line came after the run ended: {first}"
    );
}
