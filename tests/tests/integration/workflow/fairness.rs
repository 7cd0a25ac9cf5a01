//! One user cannot hold the queues: a user's running tasks per queue are capped, so another
//! user's task starts while the first user's pile waits, and a user's queued and running
//! tasks are capped at submit (group setting `max_queued_tasks`).

use std::sync::Arc;

use futures_util::{FutureExt, future::BoxFuture};
use reqwest::Method;
use sea_orm::{ColumnTrait, EntityTrait, PaginatorTrait, QueryFilter};
use serde_json::json;
use stratus_entity::task::{self, status};
use stratus_server::{
    boolset::Boolset,
    queue::{self, Registry, TaskCtx, TaskError, TaskKind, store},
};
use stratus_tests::TestServer;
use tokio::sync::Notify;

use super::wait_task;
use crate::{admin::PW, archive::update_group};

/// Runs until the test ends: a slow download that holds its worker.
struct Slow(&'static str, &'static str, Arc<Notify>);

impl TaskKind for Slow {
    fn name(&self) -> &'static str {
        self.0
    }
    fn queue(&self) -> &'static str {
        self.1
    }
    fn run<'a>(&'a self, _ctx: &'a TaskCtx) -> BoxFuture<'a, Result<(), TaskError>> {
        async move {
            self.2.notified().await;
            Ok(())
        }
        .boxed()
    }
}

async fn count(server: &TestServer, owner: i64, st: &str) -> u64 {
    task::Entity::find()
        .filter(task::Column::UserId.eq(owner))
        .filter(task::Column::Status.eq(st))
        .count(&server.state.db)
        .await
        .unwrap()
}

#[tokio::test]
async fn another_users_task_starts_while_one_users_flood_waits() {
    let server = TestServer::start().await;
    let kind = Slow("test_slow", queue::REMOTE_DOWNLOAD, Arc::new(Notify::new()));
    let kind = Arc::new(kind);
    Registry::of(&server.state).register(kind.clone());
    let a = server.create_user("a@example.com", PW).await.id;
    let b = server.create_user("b@example.com", PW).await.id;
    let submit = |owner: i64| {
        store::submit(
            &server.state,
            kind.as_ref(),
            Some(owner),
            String::new(),
            json!({}),
            None,
        )
    };
    // The queue has 5 workers; A queues 20 slow tasks first.
    for _ in 0..20 {
        submit(a).await.unwrap();
    }
    let b_task = submit(b).await.unwrap();
    wait_task(&server, b_task.id, "started", |t| {
        t.status == status::PROCESSING
    })
    .await;
    assert!(count(&server, a, status::QUEUED).await >= 15);
    assert!(count(&server, a, status::PROCESSING).await <= 4);
}

#[tokio::test]
async fn a_user_cannot_queue_tasks_past_the_groups_cap() {
    let server = TestServer::start().await;
    // Archives that never end, so every one submitted stays queued or running.
    let release = Arc::new(Notify::new());
    Registry::of(&server.state).register(Arc::new(Slow(
        "create_archive",
        queue::IO_INTENSE,
        release.clone(),
    )));
    update_group(&server, |g| {
        let mut bits = Boolset::from_bytes(g.permissions.clone());
        bits.set_to(5, true);
        g.permissions = bits.into_bytes();
        g.settings["max_queued_tasks"] = json!(3);
    })
    .await;
    server.create_user("a@example.com", PW).await;
    server.create_user("b@example.com", PW).await;
    let a = server.login("a@example.com", PW).await;
    let b = server.login("b@example.com", PW).await;
    let owner = server
        .state
        .ids
        .decode(
            a.user["id"].as_str().unwrap(),
            stratus_server::ids::IdKind::User,
        )
        .unwrap();
    // Tasks the server queued after the user's uploads (picture metadata) do not count.
    let meta = Slow("media_meta", queue::MEDIA_META, release.clone());
    Registry::of(&server.state).register(Arc::new(Slow(
        "media_meta",
        queue::MEDIA_META,
        release.clone(),
    )));
    for _ in 0..5 {
        store::submit(
            &server.state,
            &meta,
            Some(owner),
            String::new(),
            json!({}),
            None,
        )
        .await
        .unwrap();
    }
    crate::download::put_file(&server, &a, "x", b"x").await;
    crate::download::put_file(&server, &b, "x", b"x").await;
    let body = json!({"src": ["cloudreve://my/x"], "dst": "cloudreve://my/x.zip"});
    for _ in 0..3 {
        let made = server
            .send_as(Method::POST, "/workflow/archive", &a.access_token, &body)
            .await;
        assert_eq!(made["code"], 0, "{made}");
    }
    let refused = server
        .send_as(Method::POST, "/workflow/archive", &a.access_token, &body)
        .await;
    assert_eq!(refused["code"], 40048, "{refused}");
    assert!(
        refused["msg"].as_str().unwrap().contains("at most 3"),
        "{refused}"
    );
    let live = task::Entity::find()
        .filter(task::Column::UserId.eq(owner))
        .filter(task::Column::Queue.eq(queue::IO_INTENSE))
        .count(&server.state.db)
        .await
        .unwrap();
    assert_eq!(live, 3);
    // Another user has a budget of their own.
    let theirs = server
        .send_as(Method::POST, "/workflow/archive", &b.access_token, &body)
        .await;
    assert_eq!(theirs["code"], 0, "{theirs}");
}
