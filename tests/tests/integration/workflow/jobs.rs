//! Periodic jobs as scheduled tasks: of two instances on one database, one queues each job's
//! period and one worker runs it; the next period gets a task of its own.

use std::time::Duration;

use chrono::Utc;
use sea_orm::{ColumnTrait, EntityTrait, QueryFilter};
use stratus_entity::{kv, task};
use stratus_server::jobs::{period, periodic::JOBS, schedule};
use stratus_tests::TestServer;

use super::wait_task;

async fn tasks_of(server: &TestServer, job: &str) -> Vec<task::Model> {
    task::Entity::find()
        .filter(task::Column::Type.eq(job))
        .all(&server.state.db)
        .await
        .unwrap()
}

#[tokio::test]
async fn two_instances_run_each_job_once_per_period() {
    let a = TestServer::start().await;
    let b = a.sibling().await;
    // An expired row the garbage job must remove.
    stratus_server::kv::put(&a.state.db, "test", "stale", "x", Some(Duration::ZERO))
        .await
        .unwrap();
    let now = Utc::now();
    let mut queued = Vec::new();
    for _ in 0..3 {
        let (on_a, on_b) =
            tokio::join!(schedule::tick(&a.state, now), schedule::tick(&b.state, now));
        queued.extend(on_a.unwrap());
        queued.extend(on_b.unwrap());
    }
    assert_eq!(queued.len(), JOBS.len(), "one task per job: {queued:?}");
    for row in &queued {
        let done = wait_task(&a, row.id, "completed", |t| t.status == "completed").await;
        assert!(done.log.contains("row(s)"), "{}", done.log);
        assert!(done.user_id.is_none());
    }
    for job in JOBS {
        assert_eq!(tasks_of(&a, job.name).await.len(), 1, "{}", job.name);
    }
    let stale = kv::Entity::find()
        .filter(kv::Column::Key.eq("stale"))
        .one(&a.state.db)
        .await
        .unwrap();
    assert!(stale.is_none(), "the garbage job ran");

    // The next period of the recycling job: one more task, from whichever instance.
    let recycle = &JOBS[0];
    let len = schedule::period_of(&a.state, recycle).await.unwrap();
    let next = now + chrono::Duration::from_std(len).unwrap();
    let (on_a, on_b) = tokio::join!(
        schedule::tick(&a.state, next),
        schedule::tick(&b.state, next)
    );
    let later: Vec<_> = on_a
        .unwrap()
        .into_iter()
        .chain(on_b.unwrap())
        .filter(|t| t.r#type == recycle.name)
        .collect();
    assert_eq!(later.len(), 1, "{later:?}");
    wait_task(&b, later[0].id, "completed", |t| t.status == "completed").await;
    let keys: Vec<_> = tasks_of(&a, recycle.name)
        .await
        .into_iter()
        .map(|t| t.schedule_key.unwrap())
        .collect();
    assert_eq!(
        keys,
        vec![
            format!("{}@{}", recycle.name, period::start_of(now, len)),
            format!("{}@{}", recycle.name, period::start_of(next, len)),
        ]
    );
}
