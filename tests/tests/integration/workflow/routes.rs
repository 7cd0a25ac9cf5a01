//! `/workflow` and `/admin/queue`: users see and cancel only their own tasks; progress, the
//! live stream and the admin views.

use std::{sync::Arc, time::Duration};

use futures_util::{FutureExt, future::BoxFuture};
use reqwest::Method;
use serde_json::{Value, json};
use stratus_entity::task::status;
use stratus_server::{
    ids::IdKind,
    queue::{self, Registry, TaskCtx, TaskError, TaskKind, store},
};
use stratus_tests::{Session, TestServer};
use tokio::sync::Notify;

use super::wait_task;
use crate::admin::{PW, admin};

/// Reports progress and a log line, then finishes once the test says so.
struct Held(Arc<Notify>);

impl TaskKind for Held {
    fn name(&self) -> &'static str {
        "extract_archive"
    }
    fn queue(&self) -> &'static str {
        queue::IO_INTENSE
    }
    fn run<'a>(&'a self, ctx: &'a TaskCtx) -> BoxFuture<'a, Result<(), TaskError>> {
        async move {
            ctx.progress("extract_count", 1, 3, "a.txt");
            ctx.log("extracting a.txt");
            self.0.notified().await;
            ctx.progress("extract_count", 3, 3, "");
            ctx.log("done");
            Ok(())
        }
        .boxed()
    }
}

async fn setup() -> (TestServer, Session, Session, Arc<Notify>) {
    setup_with(|_| {}).await
}

async fn setup_with(
    configure: impl FnOnce(&mut stratus_server::config::Config),
) -> (TestServer, Session, Session, Arc<Notify>) {
    let server = TestServer::start_with(configure).await;
    let release = Arc::new(Notify::new());
    Registry::of(&server.state).register(Arc::new(Held(release.clone())));
    server.create_user("a@example.com", PW).await;
    server.create_user("b@example.com", PW).await;
    let a = server.login("a@example.com", PW).await;
    let b = server.login("b@example.com", PW).await;
    (server, a, b, release)
}

async fn submit(server: &TestServer, owner: i64) -> (i64, String) {
    let row = store::submit(
        &server.state,
        &Held(Arc::new(Notify::new())),
        Some(owner),
        String::new(),
        json!({"phase": "", "props": {"src": "cloudreve://my/a.zip"}}),
        None,
    )
    .await
    .unwrap();
    (row.id, server.state.ids.encode(row.id, IdKind::Task))
}

async fn owner_of(server: &TestServer, email: &str) -> i64 {
    use sea_orm::{ColumnTrait, EntityTrait, QueryFilter};
    stratus_entity::user::Entity::find()
        .filter(stratus_entity::user::Column::Email.eq(email))
        .one(&server.state.db)
        .await
        .unwrap()
        .unwrap()
        .id
}

/// Reads an event stream until it ends; returns `(event, data)` pairs.
pub(super) async fn read_events(resp: reqwest::Response) -> Vec<(String, Value)> {
    let mut resp = resp;
    let mut text = String::new();
    let deadline = tokio::time::Instant::now() + Duration::from_secs(60);
    loop {
        let left = deadline - tokio::time::Instant::now();
        match tokio::time::timeout(left, resp.chunk()).await {
            Ok(Ok(Some(chunk))) => text.push_str(&String::from_utf8_lossy(&chunk)),
            Ok(Ok(None)) => break,
            Ok(Err(e)) => panic!("stream failed: {e}"),
            Err(_) => panic!("the stream never ended: {text}"),
        }
    }
    text.split("\n\n")
        .filter_map(|block| {
            let mut event = None;
            let mut data = None;
            for line in block.lines() {
                if let Some(e) = line.strip_prefix("event: ") {
                    event = Some(e.to_owned());
                } else if let Some(d) = line.strip_prefix("data: ") {
                    data = serde_json::from_str(d).ok();
                }
            }
            Some((event?, data?))
        })
        .collect()
}

#[tokio::test]
async fn users_see_progress_of_and_cancel_only_their_own_tasks() {
    let (server, a, b, release) = setup().await;
    let owner = owner_of(&server, "a@example.com").await;
    let (id, hash) = submit(&server, owner).await;
    wait_task(&server, id, "reported progress", |t| {
        t.status == status::PROCESSING && !t.progress.is_empty()
    })
    .await;

    // A lists, reads and streams the task.
    let list = server
        .get_as("/workflow?category=general", &a.access_token)
        .await;
    assert_eq!(list["code"], 0, "{list}");
    let tasks = list["data"]["tasks"].as_array().unwrap();
    assert_eq!(tasks.len(), 1);
    assert_eq!(tasks[0]["id"], hash);
    assert_eq!(tasks[0]["type"], "extract_archive");
    assert_eq!(tasks[0]["status"], "processing");
    assert_eq!(tasks[0]["summary"]["props"]["src"], "cloudreve://my/a.zip");
    let progress = server
        .get_as(&format!("/workflow/progress/{hash}"), &a.access_token)
        .await;
    assert_eq!(
        progress["data"]["extract_count"]["current"], 1,
        "{progress}"
    );
    assert_eq!(progress["data"]["extract_count"]["identifier"], "a.txt");

    // B gets nothing of A's: an empty list, an empty progress map, 404 on the stream and
    // on cancel.
    let list = server
        .get_as("/workflow?category=general", &b.access_token)
        .await;
    assert_eq!(list["data"]["tasks"], json!([]));
    let progress = server
        .get_as(&format!("/workflow/progress/{hash}"), &b.access_token)
        .await;
    assert_eq!(progress["data"], json!({}));
    let stream = server
        .get_as(
            &format!("/workflow/progress/{hash}/stream"),
            &b.access_token,
        )
        .await;
    assert_eq!(stream["code"], 404, "{stream}");
    let cancel = server
        .send_as(
            Method::DELETE,
            &format!("/workflow/download/{hash}"),
            &b.access_token,
            &json!({}),
        )
        .await;
    assert_eq!(cancel["code"], 404, "{cancel}");

    // A's stream: progress, the log, the status, then the task ends and so does the stream.
    let resp = server
        .request_as(
            Method::GET,
            &format!("/workflow/progress/{hash}/stream"),
            &a.access_token,
        )
        .send()
        .await
        .unwrap();
    assert_eq!(resp.status(), 200);
    assert!(
        resp.headers()["content-type"]
            .to_str()
            .unwrap()
            .starts_with("text/event-stream")
    );
    release.notify_one();
    let events = read_events(resp).await;
    let kinds: Vec<&str> = events.iter().map(|(e, _)| e.as_str()).collect();
    assert_eq!(kinds.first(), Some(&"progress"), "{events:?}");
    assert!(
        events
            .iter()
            .any(|(e, d)| e == "log" && d == "extracting a.txt"),
        "{events:?}"
    );
    assert!(
        events.iter().any(|(e, d)| e == "log" && d == "done"),
        "{events:?}"
    );
    let (last, data) = events.last().unwrap();
    assert_eq!(last, "status");
    assert_eq!(data["status"], "completed", "{events:?}");
    assert_eq!(data["id"], hash);

    // Cancel: A cancels a task of A's; canceling it again says it ended.
    let (id2, hash2) = submit(&server, owner).await;
    wait_task(&server, id2, "started", |t| t.status == status::PROCESSING).await;
    let cancel = server
        .send_as(
            Method::DELETE,
            &format!("/workflow/download/{hash2}"),
            &a.access_token,
            &json!({}),
        )
        .await;
    assert_eq!(cancel["code"], 0, "{cancel}");
    wait_task(&server, id2, "canceled", |t| t.status == status::CANCELED).await;
    let again = server
        .send_as(
            Method::DELETE,
            &format!("/workflow/download/{hash2}"),
            &a.access_token,
            &json!({}),
        )
        .await;
    assert_eq!(again["code"], 40001, "{again}");
    let list = server
        .get_as("/workflow?category=downloading", &a.access_token)
        .await;
    assert_eq!(list["data"]["tasks"], json!([]));
    let bad = server
        .get_as("/workflow?category=nope", &a.access_token)
        .await;
    assert_eq!(bad["code"], 40001);
}

#[tokio::test]
async fn admins_see_count_delete_and_clean_up_every_task() {
    let (server, _a, _b, release) = setup().await;
    let root = admin(&server, "root@example.com").await;
    let owner = owner_of(&server, "a@example.com").await;
    let (id, _) = submit(&server, owner).await;
    wait_task(&server, id, "started", |t| t.status == status::PROCESSING).await;
    release.notify_one();
    wait_task(&server, id, "completed", |t| t.status == status::COMPLETED).await;
    let (id2, _) = submit(&server, owner).await;
    wait_task(&server, id2, "started", |t| t.status == status::PROCESSING).await;

    let metrics = server
        .get_as("/admin/queue/metrics", &root.access_token)
        .await;
    let io = metrics["data"]
        .as_array()
        .unwrap()
        .iter()
        .find(|m| m["name"] == "io_intense")
        .unwrap()
        .clone();
    assert_eq!(io["success_tasks"], 1, "{metrics}");
    assert_eq!(io["busy_workers"], 1, "{metrics}");
    assert_eq!(io["submitted_tasks"], 2, "{metrics}");

    let list = server
        .send_as(
            Method::POST,
            "/admin/queue",
            &root.access_token,
            &json!({"page": 1, "page_size": 10, "conditions": {"task_status": "completed"}}),
        )
        .await;
    assert_eq!(list["data"]["pagination"]["total_items"], 1, "{list}");
    assert_eq!(list["data"]["tasks"][0]["id"], id);
    assert!(list["data"]["tasks"][0]["log"].is_null(), "{list}");
    let ended = server
        .get_as(&format!("/admin/queue/{id}"), &root.access_token)
        .await;
    assert!(ended["data"]["log"].is_string(), "{ended}");
    let one = server
        .get_as(&format!("/admin/queue/{id2}"), &root.access_token)
        .await;
    assert_eq!(one["data"]["status"], "processing", "{one}");
    let missing = server
        .get_as("/admin/queue/999999", &root.access_token)
        .await;
    assert_eq!(missing["code"], 404);

    // Cleanup takes ended tasks only; batch delete takes the running one too.
    let cleanup = server
        .send_as(
            Method::POST,
            "/admin/queue/cleanup",
            &root.access_token,
            &json!({"not_after": chrono::Utc::now() + chrono::Duration::seconds(5)}),
        )
        .await;
    assert_eq!(cleanup["code"], 0, "{cleanup}");
    assert!(store::find(&server.state.db, id, None).await.is_err());
    assert!(store::find(&server.state.db, id2, None).await.is_ok());
    let delete = server
        .send_as(
            Method::POST,
            "/admin/queue/batch/delete",
            &root.access_token,
            &json!({"ids": [id2]}),
        )
        .await;
    assert_eq!(delete["code"], 0, "{delete}");
    assert!(store::find(&server.state.db, id2, None).await.is_err());
    let deadline = tokio::time::Instant::now() + Duration::from_secs(30);
    while Registry::of(&server.state).busy() > 0 {
        assert!(
            tokio::time::Instant::now() < deadline,
            "the deleted task still runs"
        );
        tokio::time::sleep(Duration::from_millis(20)).await;
    }

    // Not for members.
    let member = server.login("a@example.com", PW).await;
    let refused = server
        .get_as("/admin/queue/metrics", &member.access_token)
        .await;
    assert_eq!(refused["code"], 403);
}

/// Each open stream polls the database: one user's open streams are capped, with a clear
/// refusal, while other users keep theirs.
#[tokio::test]
async fn one_user_cannot_open_unbounded_progress_streams() {
    let (server, a, b, _release) = setup_with(|c| c.max_event_streams_per_user = 2).await;
    let (_, a_task) = submit(&server, owner_of(&server, "a@example.com").await).await;
    let (_, b_task) = submit(&server, owner_of(&server, "b@example.com").await).await;
    let open = |s: &Session, hash: &str| {
        server
            .request_as(
                Method::GET,
                &format!("/workflow/progress/{hash}/stream"),
                &s.access_token,
            )
            .send()
    };
    let mut streams = Vec::new();
    for _ in 0..2 {
        let resp = open(&a, &a_task).await.unwrap();
        assert_eq!(resp.status(), 200);
        streams.push(resp);
    }
    let refused = open(&a, &a_task).await.unwrap();
    assert_eq!(refused.status(), 429);
    let body: Value = refused.json().await.unwrap();
    assert_eq!(body["code"], 429, "{body}");
    // Another user is not affected.
    let theirs = open(&b, &b_task).await.unwrap();
    assert_eq!(theirs.status(), 200);
    // A closed stream gives its place back.
    streams.pop();
    let deadline = tokio::time::Instant::now() + Duration::from_secs(30);
    loop {
        let resp = open(&a, &a_task).await.unwrap();
        if resp.status() == 200 {
            break;
        }
        assert!(
            tokio::time::Instant::now() < deadline,
            "the place never came back"
        );
        tokio::time::sleep(Duration::from_millis(50)).await;
    }
}
