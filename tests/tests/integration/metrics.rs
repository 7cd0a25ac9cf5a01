//! `GET /metrics`: the gauges read at scrape time (queues, running tasks, upload sessions,
//! event streams, caches) hold what the server holds (`deviations §4`).

use std::{sync::Arc, time::Duration};

use chrono::Utc;
use futures_util::{FutureExt, future::BoxFuture};
use reqwest::Method;
use sea_orm::{ActiveModelTrait, EntityTrait, IntoActiveModel, Set};
use serde_json::json;
use stratus_entity::{task, upload_session};
use stratus_server::{
    ids::IdKind,
    queue::{self, Registry, TaskCtx, TaskError, TaskKind, store},
};
use stratus_tests::{Session, TestServer, query_escape};
use tokio::{
    io::{AsyncReadExt, AsyncWriteExt},
    net::TcpStream,
    sync::Notify,
};

use crate::{admin::PW, workflow::wait_task};

/// A task type that runs until the test releases it.
struct Held(Arc<Notify>);

impl TaskKind for Held {
    fn name(&self) -> &'static str {
        "metrics_held"
    }
    fn queue(&self) -> &'static str {
        queue::IO_INTENSE
    }
    fn run<'a>(&'a self, _ctx: &'a TaskCtx) -> BoxFuture<'a, Result<(), TaskError>> {
        async move {
            self.0.notified().await;
            Ok(())
        }
        .boxed()
    }
}

/// A task type no instance runs: its tasks stay queued.
struct Idle(&'static str);

impl TaskKind for Idle {
    fn name(&self) -> &'static str {
        "metrics_idle"
    }
    fn queue(&self) -> &'static str {
        self.0
    }
    fn run<'a>(&'a self, _ctx: &'a TaskCtx) -> BoxFuture<'a, Result<(), TaskError>> {
        async { Ok(()) }.boxed()
    }
}

async fn submit(server: &TestServer, kind: &dyn TaskKind, owner: Option<i64>) -> task::Model {
    let summary = json!({"phase": "", "props": {}});
    store::submit(&server.state, kind, owner, String::new(), summary, None)
        .await
        .unwrap()
}

/// Changes task `row` with `f`.
async fn edit_task(server: &TestServer, row: task::Model, f: impl FnOnce(&mut task::ActiveModel)) {
    let mut active = row.into_active_model();
    f(&mut active);
    active.update(&server.state.db).await.unwrap();
}

/// Opens an upload session of `size` bytes for `name` without sending a chunk; its id.
async fn open_upload(server: &TestServer, s: &Session, name: &str) -> String {
    let policy = server.state.ids.encode(1, IdKind::Policy);
    let body = json!({"uri": format!("cloudreve://my/{name}"), "size": 10, "policy_id": policy});
    let made = server
        .send_as(Method::PUT, "/file/upload", &s.access_token, &body)
        .await;
    assert_eq!(made["code"], 0, "{made}");
    made["data"]["session_id"].as_str().unwrap().to_owned()
}

/// Opens the event stream at API path `path` as `s` on a socket of its own (`headers` are
/// extra header lines), and reads the answer's head: dropping the socket closes the stream,
/// where an HTTP client would keep the connection.
async fn open_stream(server: &TestServer, path: &str, s: &Session, headers: &str) -> TcpStream {
    let addr = server.base.trim_start_matches("http://").to_owned();
    let mut socket = TcpStream::connect(&addr).await.unwrap();
    let head = format!(
        "GET /api/v4{path} HTTP/1.1\r\nHost: {addr}\r\nAuthorization: Bearer {}\r\n\
         Accept: text/event-stream\r\n{headers}\r\n",
        s.access_token
    );
    socket.write_all(head.as_bytes()).await.unwrap();
    let mut first = [0u8; 12];
    socket.read_exact(&mut first).await.unwrap();
    assert_eq!(&first, b"HTTP/1.1 200", "{path}");
    socket
}

async fn scrape(server: &TestServer) -> String {
    let resp = server
        .client
        .get(server.url("/metrics"))
        .send()
        .await
        .unwrap();
    assert_eq!(resp.status(), 200);
    resp.text().await.unwrap()
}

/// The value of the sample named exactly `sample` (name and labels).
fn value(text: &str, sample: &str) -> f64 {
    text.lines()
        .find_map(|l| l.strip_prefix(sample)?.strip_prefix(' '))
        .unwrap_or_else(|| panic!("no {sample} in:\n{text}"))
        .parse()
        .unwrap()
}

/// Polls the metrics until `sample` reads `want`.
async fn wait_value(server: &TestServer, sample: &str, want: f64) {
    let deadline = tokio::time::Instant::now() + Duration::from_secs(30);
    loop {
        let text = scrape(server).await;
        if value(&text, sample) == want {
            return;
        }
        assert!(
            tokio::time::Instant::now() < deadline,
            "{sample} never became {want}:\n{text}"
        );
        tokio::time::sleep(Duration::from_millis(50)).await;
    }
}

#[tokio::test]
async fn gauges_show_queues_uploads_streams_and_caches() {
    let server = TestServer::start().await;
    let release = Arc::new(Notify::new());
    Registry::of(&server.state).register(Arc::new(Held(release.clone())));
    let ann_id = server.create_user("ann@example.com", PW).await.id;
    let ann = server.login("ann@example.com", PW).await;

    // One task running, two queued on `thumb` (one waiting 100 s, one not due for an hour),
    // one on `media_meta` not due yet.
    let held = submit(&server, &Held(Arc::new(Notify::new())), Some(ann_id)).await;
    let running = wait_task(&server, held.id, "ran", |t| t.status == "processing").await;
    let waiting = submit(&server, &Idle(queue::THUMB), None).await;
    let created = Utc::now() - chrono::Duration::seconds(100);
    edit_task(&server, waiting, |t| t.created_at = Set(created)).await;
    let later = Some(Utc::now() + chrono::Duration::hours(1));
    let delayed = submit(&server, &Idle(queue::THUMB), None).await;
    edit_task(&server, delayed, |t| t.run_at = Set(later)).await;
    let delayed = submit(&server, &Idle(queue::MEDIA_META), None).await;
    edit_task(&server, delayed, |t| t.run_at = Set(later)).await;

    // Two upload sessions, one of them expired.
    open_upload(&server, &ann, "open.bin").await;
    let expired = open_upload(&server, &ann, "expired.bin").await;
    let row = upload_session::Entity::find()
        .all(&server.state.db)
        .await
        .unwrap()
        .into_iter()
        .find(|r| r.session_id == expired)
        .unwrap();
    let mut row = row.into_active_model();
    row.expires_at = Set(Utc::now() - chrono::Duration::seconds(1));
    row.update(&server.state.db).await.unwrap();

    // A file event stream and a task progress stream, held open.
    let events = open_stream(
        &server,
        &format!("/file/events?uri={}", query_escape("cloudreve://my")),
        &ann,
        &format!("X-Cr-Client-Id: {}\r\n", uuid::Uuid::new_v4()),
    )
    .await;
    let task_hash = server.state.ids.encode(running.id, IdKind::Task);
    let progress = open_stream(
        &server,
        &format!("/workflow/progress/{task_hash}/stream"),
        &ann,
        "",
    )
    .await;

    let text = scrape(&server).await;
    for metric in [
        "stratus_queue_tasks",
        "stratus_queue_oldest_task_age_seconds",
        "stratus_tasks_running",
        "stratus_upload_sessions_open",
        "stratus_file_event_subscribers",
        "stratus_task_event_streams",
        "stratus_cache_hit_ratio",
    ] {
        assert!(
            text.contains(&format!("# HELP {metric} ")),
            "no HELP of {metric}"
        );
        assert!(text.contains(&format!("# TYPE {metric} gauge")), "{metric}");
    }
    let q = |queue: &str, status: &str| {
        value(
            &text,
            &format!("stratus_queue_tasks{{queue=\"{queue}\",status=\"{status}\"}}"),
        )
    };
    assert_eq!(q("thumb", "queued"), 2.0);
    assert_eq!(q("media_meta", "queued"), 1.0);
    assert_eq!(q("io_intense", "processing"), 1.0);
    assert_eq!(q("io_intense", "queued"), 0.0);
    assert_eq!(q("notify", "suspending"), 0.0);
    let age = |queue: &str| {
        value(
            &text,
            &format!("stratus_queue_oldest_task_age_seconds{{queue=\"{queue}\"}}"),
        )
    };
    let thumb_age = age("thumb");
    assert!((100.0..160.0).contains(&thumb_age), "{thumb_age}");
    // Queued but not due: nothing waits.
    assert_eq!(age("media_meta"), 0.0);
    assert_eq!(age("io_intense"), 0.0);
    assert_eq!(value(&text, "stratus_tasks_running"), 1.0);
    assert_eq!(value(&text, "stratus_upload_sessions_open"), 1.0);
    assert_eq!(value(&text, "stratus_file_event_subscribers"), 1.0);
    assert_eq!(value(&text, "stratus_task_event_streams"), 1.0);

    // Every signed-in request asks whether its chain goes on: the first read is a miss,
    // the next ones are answered from memory.
    let cache =
        |name: &str, what: &str| value(&text, &format!("stratus_cache_{what}{{cache=\"{name}\"}}"));
    let (hits, misses) = (
        cache("session_chains", "hits_total"),
        cache("session_chains", "misses_total"),
    );
    assert!(hits >= 1.0 && misses >= 1.0, "{hits} {misses}");
    let ratio = cache("session_chains", "hit_ratio");
    assert!((ratio - hits / (hits + misses)).abs() < 1e-9, "{ratio}");
    assert!(cache("settings", "hits_total") >= 1.0);
    for name in [
        "storage_policies",
        "dav_logins",
        "dav_rows",
        "archive_listings",
    ] {
        cache(name, "misses_total");
    }

    // Streams that close and a task that ends leave the gauges.
    drop(events);
    drop(progress);
    wait_value(&server, "stratus_file_event_subscribers", 0.0).await;
    wait_value(&server, "stratus_task_event_streams", 0.0).await;
    release.notify_one();
    wait_value(&server, "stratus_tasks_running", 0.0).await;
}

/// A refused request (an error in the envelope) is counted under its route, not as a
/// request no route matched.
#[tokio::test]
async fn refusals_count_under_their_route() {
    let server = TestServer::start().await;
    assert_eq!(server.get_api("/user/me").await["code"], 401);
    let text = scrape(&server).await;
    assert_eq!(
        value(
            &text,
            "stratus_http_requests_total{route=\"get_me\",method=\"GET\",status=\"200\"}"
        ),
        1.0
    );
    assert!(!text.contains("route=\"api_unmatched\""), "{text}");
}
