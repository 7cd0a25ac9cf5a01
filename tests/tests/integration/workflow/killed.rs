//! An instance killed with SIGKILL in the middle of a task: another instance on the same
//! database takes the task up once the lease has run out and finishes it from the state the
//! dead one stored. The dead instance is a real second process (this test binary started again
//! with [`INSTANCE_ENV`]), not a task aborted inside this one.

use std::{
    process::{Command, Stdio},
    sync::Arc,
    time::Duration,
};

use futures_util::{FutureExt, future::BoxFuture};
use sea_orm::EntityTrait;
use serde_json::json;
use stratus_entity::task::{self, status};
use stratus_server::queue::{self, Registry, TaskCtx, TaskError, TaskKind, store};
use stratus_tests::TestServer;

use super::wait_task;

/// Set to the database URL for the child process running [`instance_to_kill`].
const INSTANCE_ENV: &str = "STRATUS_QUEUE_INSTANCE_TO_KILL";
const STEPS: u64 = 10;

/// Ten slow steps; the state stores how many are done, and each step's log line names the
/// process that ran it.
struct SlowSteps;

impl TaskKind for SlowSteps {
    fn name(&self) -> &'static str {
        "test_slow_steps"
    }
    fn queue(&self) -> &'static str {
        queue::IO_INTENSE
    }
    fn run<'a>(&'a self, ctx: &'a TaskCtx) -> BoxFuture<'a, Result<(), TaskError>> {
        async move {
            let done = ctx
                .stored_state::<serde_json::Value>()?
                .and_then(|s| s["done"].as_u64())
                .unwrap_or(0);
            for step in done..STEPS {
                tokio::time::sleep(Duration::from_millis(300)).await;
                // The line and the state are stored in one write, so a step is either both
                // logged and counted, or neither.
                ctx.log(format!("step {step} in {}", std::process::id()));
                ctx.save_state(&json!({"done": step + 1})).await?;
            }
            Ok(())
        }
        .boxed()
    }
}

#[tokio::test]
async fn a_task_of_a_killed_instance_is_finished_by_another() {
    let server = TestServer::start().await;
    // Only the child runs this type until it is killed.
    let row = store::submit(
        &server.state,
        &SlowSteps,
        None,
        String::new(),
        json!({}),
        None,
    )
    .await
    .unwrap();
    let mut child = Command::new(std::env::current_exe().unwrap())
        .args([
            "workflow::killed::instance_to_kill",
            "--exact",
            "--nocapture",
        ])
        .env(INSTANCE_ENV, &server.database_url)
        .stdout(Stdio::null())
        .stderr(Stdio::null())
        .spawn()
        .unwrap();
    let running = wait_task(&server, row.id, "ran two steps in the child", |t| {
        t.private_state.contains("\"done\":2")
    })
    .await;
    child.kill().unwrap(); // SIGKILL
    child.wait().unwrap();
    let dead = running.claimed_by.clone().expect("held by the child");
    let at_kill = task::Entity::find_by_id(row.id)
        .one(&server.state.db)
        .await
        .unwrap()
        .unwrap();
    assert_eq!(at_kill.status, status::PROCESSING);
    assert_eq!(at_kill.claimed_by.as_deref(), Some(dead.as_str()));

    Registry::of(&server.state).register(Arc::new(SlowSteps));
    let done = wait_task(&server, row.id, "completed here", |t| {
        t.status == status::COMPLETED
    })
    .await;
    assert_eq!(done.private_state, format!("{{\"done\":{STEPS}}}"));
    let lines: Vec<(u64, String)> = done
        .log
        .lines()
        .map(|l| {
            let (step, by) = l
                .strip_prefix("step ")
                .and_then(|r| r.split_once(" in "))
                .unwrap_or_else(|| panic!("unexpected log line {l:?}"));
            (step.parse().unwrap(), by.to_owned())
        })
        .collect();
    let steps: Vec<u64> = lines.iter().map(|(s, _)| *s).collect();
    assert_eq!(
        steps,
        (0..STEPS).collect::<Vec<_>>(),
        "each step ran once: {}",
        done.log
    );
    let here = std::process::id().to_string();
    let first_here = lines.iter().position(|(_, by)| *by == here).unwrap();
    assert!(
        first_here >= 2,
        "the steps done before the kill were not redone"
    );
    assert!(
        lines[..first_here]
            .iter()
            .all(|(_, by)| *by == child.id().to_string()),
        "{}",
        done.log
    );
    assert!(lines[first_here..].iter().all(|(_, by)| *by == here));
    assert_ne!(Registry::of(&server.state).instance(), dead);
    assert_eq!(done.claimed_by, None);
}

/// The instance that is killed: joins the database and runs [`SlowSteps`] until the parent
/// kills it. Does nothing unless started by [`a_task_of_a_killed_instance_is_finished_by_another`].
#[tokio::test]
async fn instance_to_kill() {
    let Ok(database_url) = std::env::var(INSTANCE_ENV) else {
        return;
    };
    let server = TestServer::join(database_url).await;
    Registry::of(&server.state).register(Arc::new(SlowSteps));
    tokio::time::sleep(Duration::from_secs(120)).await;
    panic!("not killed within 120 s");
}
