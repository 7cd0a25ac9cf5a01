//! The queue itself, with task types defined here: exactly once across instances, a lease that
//! ran out taken up again from the stored state, retries with back-off, cancel, progress.

use std::{
    collections::HashMap,
    sync::{Arc, Mutex},
    time::Duration,
};

use chrono::Utc;
use futures_util::{FutureExt, future::BoxFuture};
use sea_orm::{ActiveModelTrait, Set};
use serde_json::json;
use stratus_entity::task::{self, status};
use stratus_server::queue::{self, Registry, TaskCtx, TaskError, TaskKind, store};
use stratus_tests::TestServer;

use super::wait_task;

/// Counts its runs per task id.
struct Counting(Arc<Mutex<HashMap<i64, u32>>>);

impl TaskKind for Counting {
    fn name(&self) -> &'static str {
        "test_counting"
    }
    fn queue(&self) -> &'static str {
        queue::IO_INTENSE
    }
    fn run<'a>(&'a self, ctx: &'a TaskCtx) -> BoxFuture<'a, Result<(), TaskError>> {
        async move {
            *self.0.lock().unwrap().entry(ctx.task().id).or_default() += 1;
            tokio::task::yield_now().await;
            Ok(())
        }
        .boxed()
    }
}

#[tokio::test]
async fn fifty_tasks_on_two_instances_each_run_exactly_once() {
    let a = TestServer::start().await;
    let b = a.sibling().await;
    let runs = Arc::new(Mutex::new(HashMap::new()));
    let kind = Arc::new(Counting(runs.clone()));
    Registry::of(&a.state).register(kind.clone());
    Registry::of(&b.state).register(kind.clone());
    let mut ids = Vec::new();
    for i in 0..50 {
        let on = if i % 2 == 0 { &a } else { &b };
        let row = store::submit(
            &on.state,
            kind.as_ref(),
            None,
            String::new(),
            json!({}),
            None,
        )
        .await
        .unwrap();
        ids.push(row.id);
    }
    for id in &ids {
        wait_task(&a, *id, "completed", |t| t.status == status::COMPLETED).await;
    }
    let runs = runs.lock().unwrap();
    for id in &ids {
        assert_eq!(
            runs.get(id),
            Some(&1),
            "task {id} ran {:?} times",
            runs.get(id)
        );
    }
    assert_eq!(runs.len(), 50);
}

/// Five steps; the state stores how many are done, and each run records the steps it did.
struct Steps(Arc<Mutex<Vec<u32>>>);

impl TaskKind for Steps {
    fn name(&self) -> &'static str {
        "test_steps"
    }
    fn queue(&self) -> &'static str {
        queue::IO_INTENSE
    }
    fn run<'a>(&'a self, ctx: &'a TaskCtx) -> BoxFuture<'a, Result<(), TaskError>> {
        async move {
            let done: u32 = ctx
                .stored_state::<serde_json::Value>()?
                .and_then(|s| s["done"].as_u64())
                .unwrap_or(0) as u32;
            for step in done..5 {
                self.0.lock().unwrap().push(step);
                ctx.progress("steps", i64::from(step) + 1, 5, "");
                ctx.log(format!("step {step}"));
                ctx.save_state(&json!({"done": step + 1})).await?;
            }
            Ok(())
        }
        .boxed()
    }
}

#[tokio::test]
async fn a_task_whose_lease_ran_out_resumes_from_its_stored_state() {
    let server = TestServer::start().await;
    // A worker that is gone held the task, had done three steps, and its lease ran out.
    let now = Utc::now();
    let row = task::ActiveModel {
        created_at: Set(now),
        updated_at: Set(now),
        r#type: Set("test_steps".into()),
        status: Set(status::PROCESSING.into()),
        public_state: Set(json!({})),
        private_state: Set(r#"{"done":3}"#.into()),
        claimed_by: Set(Some("stratus-gone".into())),
        queue: Set(queue::IO_INTENSE.into()),
        lease_until: Set(Some(now - chrono::Duration::seconds(1))),
        progress: Set(String::new()),
        log: Set("step 0\nstep 1\nstep 2\n".into()),
        ..Default::default()
    }
    .insert(&server.state.db)
    .await
    .unwrap();
    let steps = Arc::new(Mutex::new(Vec::new()));
    Registry::of(&server.state).register(Arc::new(Steps(steps.clone())));
    let done = wait_task(&server, row.id, "completed", |t| {
        t.status == status::COMPLETED
    })
    .await;
    assert_eq!(
        *steps.lock().unwrap(),
        vec![3, 4],
        "only the steps not done ran"
    );
    assert_eq!(done.private_state, r#"{"done":5}"#);
    assert_eq!(done.claimed_by, None);
    assert_eq!(done.lease_until, None);
    let progress: serde_json::Value = serde_json::from_str(&done.progress).unwrap();
    assert_eq!(progress["steps"]["current"], 5);
    assert_eq!(progress["steps"]["total"], 5);
    assert_eq!(done.log, "step 0\nstep 1\nstep 2\nstep 3\nstep 4\n");
    assert!(done.public_state["executed_duration"].as_i64().unwrap() > 0);
}

/// Always fails, retryably.
struct Failing;

impl TaskKind for Failing {
    fn name(&self) -> &'static str {
        "test_failing"
    }
    fn queue(&self) -> &'static str {
        queue::IO_INTENSE
    }
    fn run<'a>(&'a self, _ctx: &'a TaskCtx) -> BoxFuture<'a, Result<(), TaskError>> {
        async move { Err(TaskError::Retry("the far side is down".into())) }.boxed()
    }
}

#[tokio::test]
async fn a_failing_task_is_retried_then_ends_in_error_with_its_history() {
    let server = TestServer::start().await;
    server
        .state
        .settings
        .set(&[
            ("queue_io_intense_max_retry", "2"),
            ("queue_io_intense_retry_delay", "0"),
        ])
        .await
        .unwrap();
    Registry::of(&server.state).register(Arc::new(Failing));
    let row = store::submit(
        &server.state,
        &Failing,
        None,
        String::new(),
        json!({}),
        None,
    )
    .await
    .unwrap();
    let done = wait_task(&server, row.id, "failed", |t| t.status == status::ERROR).await;
    assert_eq!(done.public_state["retry_count"], 2);
    assert_eq!(done.public_state["error"], "the far side is down");
    assert_eq!(
        done.public_state["error_history"].as_array().unwrap().len(),
        3,
        "{}",
        done.public_state
    );
    assert_eq!(done.claimed_by, None);
}

/// Reports progress, then waits until it is stopped.
struct Waiting;

impl TaskKind for Waiting {
    fn name(&self) -> &'static str {
        "test_waiting"
    }
    fn queue(&self) -> &'static str {
        queue::IO_INTENSE
    }
    fn run<'a>(&'a self, ctx: &'a TaskCtx) -> BoxFuture<'a, Result<(), TaskError>> {
        async move {
            ctx.progress("waiting", 1, 2, "");
            std::future::pending::<()>().await;
            Ok(())
        }
        .boxed()
    }
}

#[tokio::test]
async fn cancel_stops_a_running_task_and_its_progress_was_stored() {
    let server = TestServer::start().await;
    let registry = Registry::of(&server.state);
    registry.register(Arc::new(Waiting));
    let owner = server
        .create_user("owner@example.com", "password123")
        .await
        .id;
    let row = store::submit(
        &server.state,
        &Waiting,
        Some(owner),
        String::new(),
        json!({}),
        None,
    )
    .await
    .unwrap();
    let running = wait_task(&server, row.id, "reported progress", |t| {
        t.status == status::PROCESSING && !t.progress.is_empty()
    })
    .await;
    assert_eq!(running.claimed_by.as_deref(), Some(registry.instance()));
    let progress: serde_json::Value = serde_json::from_str(&running.progress).unwrap();
    assert_eq!(progress["waiting"]["current"], 1);
    // Another user's cancel finds nothing.
    assert!(matches!(
        store::cancel(&server.state, row.id, Some(owner + 1)).await,
        Err(queue::QueueError::NotFound)
    ));
    store::cancel(&server.state, row.id, Some(owner))
        .await
        .unwrap();
    let deadline = tokio::time::Instant::now() + Duration::from_secs(30);
    while registry.busy() > 0 {
        assert!(
            tokio::time::Instant::now() < deadline,
            "the run never stopped"
        );
        tokio::time::sleep(Duration::from_millis(20)).await;
    }
    let canceled = wait_task(&server, row.id, "canceled", |t| {
        t.status == status::CANCELED
    })
    .await;
    assert_eq!(canceled.claimed_by, None);
    // Canceling again: the task already ended.
    assert!(matches!(
        store::cancel(&server.state, row.id, Some(owner)).await,
        Err(queue::QueueError::Ended)
    ));
}
