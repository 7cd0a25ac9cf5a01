//! A task's log lines carry their message key and arguments besides the English text: in the
//! console's task details (`log_lines` beside `log`) and in the owner's progress stream (a
//! `log_line` event after each `log` event), so the web UI can word them in its reader's
//! language.

use reqwest::Method;
use serde_json::{Value, json};
use stratus_entity::task::status;
use stratus_server::{boolset::Boolset, ids::IdKind};
use stratus_tests::{Session, TestServer};

use super::{routes::read_events, wait_task};
use crate::{
    admin::{PW, admin},
    archive::{pattern, update_group, upload},
};

const ARCHIVE_TASK_BIT: usize = 5;

/// Starts a task at `path` with `body` and waits for it to complete; its hashid and row id.
async fn run(server: &TestServer, s: &Session, path: &str, body: Value) -> (String, i64) {
    let created = server
        .send_as(Method::POST, path, &s.access_token, &body)
        .await;
    assert_eq!(created["code"], 0, "{created}");
    let hash = created["data"]["id"].as_str().unwrap().to_owned();
    let id = server.state.ids.decode(&hash, IdKind::Task).unwrap();
    let done = wait_task(server, id, "ended", |t| {
        t.status == status::COMPLETED || t.status == status::ERROR
    })
    .await;
    assert_eq!(done.status, status::COMPLETED, "{:?}", done.public_state);
    (hash, id)
}

#[tokio::test]
async fn archive_and_extract_log_lines_carry_keys_and_arguments() {
    let server = TestServer::start().await;
    let root = admin(&server, "root@example.com").await;
    server.create_user("a@example.com", PW).await;
    let a = server.login("a@example.com", PW).await;
    update_group(&server, |g| {
        let mut bits = Boolset::from_bytes(g.permissions.clone());
        bits.set_to(ARCHIVE_TASK_BIT, true);
        g.permissions = bits.into_bytes();
    })
    .await;
    let bytes = pattern(5_000, 3);
    upload(&server, &a, "cloudreve://my/one.bin", &bytes).await;

    // An archive task, read by the admin: the English text as before, and each line keyed.
    let body = json!({"src": ["cloudreve://my/one.bin"], "dst": "cloudreve://my/out/all.zip"});
    let (_, id) = run(&server, &a, "/workflow/archive", body).await;
    let detail = server
        .get_as(&format!("/admin/queue/{id}"), &root.access_token)
        .await;
    let data = &detail["data"];
    let lines = data["log_lines"].as_array().expect("log_lines");
    assert_eq!(lines.len(), 2, "{detail}");
    assert_eq!(lines[0]["key"], "archive.start", "{detail}");
    assert_eq!(
        lines[0]["args"],
        json!({"count": 1, "dst": "cloudreve://my/out/all.zip"})
    );
    assert_eq!(
        lines[0]["text"],
        "compressing 1 item(s) into cloudreve://my/out/all.zip"
    );
    assert_eq!(lines[1]["key"], "archive.done", "{detail}");
    let zip_size = lines[1]["args"]["bytes"].as_i64().expect("bytes");
    assert!(zip_size > 0, "{detail}");
    assert_eq!(
        data["log"],
        format!("compressing 1 item(s) into cloudreve://my/out/all.zip\nwrote {zip_size} bytes\n")
    );

    // An extract task, read by its owner through the stream: each `log` event (the text) is
    // followed by a `log_line` event with the key and the arguments.
    let body = json!({"src": ["cloudreve://my/out/all.zip"], "dst": "cloudreve://my/out"});
    let (hash, _) = run(&server, &a, "/workflow/extract", body).await;
    let resp = server
        .request_as(
            Method::GET,
            &format!("/workflow/progress/{hash}/stream"),
            &a.access_token,
        )
        .send()
        .await
        .unwrap();
    let events = read_events(resp).await;
    let keyed: Vec<&Value> = events
        .iter()
        .filter(|(e, _)| e == "log_line")
        .map(|(_, d)| d)
        .collect();
    let texts: Vec<&Value> = events
        .iter()
        .filter(|(e, _)| e == "log")
        .map(|(_, d)| d)
        .collect();
    assert_eq!(keyed.len(), 2, "{events:?}");
    assert_eq!(keyed[0]["key"], "extract.start");
    assert_eq!(
        keyed[0]["args"],
        json!({"src": "cloudreve://my/out/all.zip", "dst": "cloudreve://my/out"})
    );
    assert_eq!(keyed[1]["key"], "extract.done");
    assert_eq!(keyed[1]["args"], json!({"files": 1, "bytes": bytes.len()}));
    assert_eq!(
        texts,
        keyed.iter().map(|k| &k["text"]).collect::<Vec<_>>(),
        "{events:?}"
    );
    assert_eq!(
        keyed[1]["text"],
        format!("extracted 1 file(s), {} bytes", bytes.len())
    );
}
