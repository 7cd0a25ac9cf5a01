//! Periodic jobs as scheduled tasks: of two instances on one database, one queues each job's
//! period and one worker runs it; the next period gets a task of its own.

use std::time::Duration;

use chrono::{TimeZone, Utc};
use sea_orm::{ColumnTrait, EntityTrait, QueryFilter};
use stratus_entity::{kv, task};
use stratus_server::{
    jobs::{periodic::JOBS, schedule},
    settings::period::{self, Schedule},
};
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
    let Schedule::Every(len) = schedule::schedule_of(&a.state, recycle).await.unwrap() else {
        panic!("the default schedule is a period");
    };
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

/// The key of the recycling job's task that a tick at `now` queues.
async fn recycle_key_at(server: &TestServer, now: chrono::DateTime<Utc>) -> String {
    let queued = schedule::tick(&server.state, now).await.unwrap();
    let recycle = queued
        .iter()
        .find(|t| t.r#type == JOBS[0].name)
        .unwrap_or_else(|| panic!("no recycling task: {queued:?}"));
    recycle.schedule_key.clone().unwrap()
}

#[tokio::test]
async fn a_cron_line_or_a_go_duration_sets_the_period() {
    let server = TestServer::start().await;
    assert_eq!(JOBS[0].setting, Some("cron_entity_collect"));
    let at = |h, m, s| Utc.with_ymd_and_hms(2026, 3, 2, h, m, s).unwrap();

    // Every seventh minute: a tick at 10:20:30 belongs to the run that fired at 10:14.
    server
        .state
        .settings
        .set(&[("cron_entity_collect", "*/7 * * * *")])
        .await
        .unwrap();
    let key = recycle_key_at(&server, at(10, 20, 30)).await;
    assert_eq!(
        key,
        format!("entity_recycle_routine@{}", at(10, 14, 0).timestamp())
    );

    // Six fields, seconds first: on the hour and at half past.
    server
        .state
        .settings
        .set(&[("cron_entity_collect", "0 0,30 * * * *")])
        .await
        .unwrap();
    let key = recycle_key_at(&server, at(11, 29, 59)).await;
    assert_eq!(
        key,
        format!("entity_recycle_routine@{}", at(11, 0, 0).timestamp())
    );

    // A Go duration of two units: 90-minute periods aligned on the epoch.
    server
        .state
        .settings
        .set(&[("cron_entity_collect", "@every 1h30m")])
        .await
        .unwrap();
    let now = at(13, 0, 0);
    let key = recycle_key_at(&server, now).await;
    let start = now.timestamp().div_euclid(5400) * 5400;
    assert_eq!(key, format!("entity_recycle_routine@{start}"));
}
