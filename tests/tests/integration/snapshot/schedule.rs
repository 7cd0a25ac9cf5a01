//! Schedules: routes, the per-user cap, and the periodic run driven through the scheduler's
//! tick: one snapshot per schedule and period, pruned to `keep`, across two instances.

use chrono::{DateTime, Duration, Utc};
use reqwest::Method;
use sea_orm::{ColumnTrait, EntityTrait, QueryFilter, QueryOrder};
use serde_json::{Value, json};
use stratus_entity::snapshot;
use stratus_server::jobs::schedule;
use stratus_tests::{Session, TestServer};

use super::{create, setup, snap_ok};
use crate::workflow::wait_task;

async fn make_schedule(server: &TestServer, s: &Session, body: Value) -> Value {
    server
        .send_as(Method::PUT, "/snapshot/schedule", &s.access_token, &body)
        .await
}

/// Runs the scheduler's tick on each server at `now` (at once), and waits for every task
/// it queued to complete; returns how many were queued.
async fn tick_all(servers: &[&TestServer], now: DateTime<Utc>) -> usize {
    let ticks =
        futures_util::future::join_all(servers.iter().map(|s| schedule::tick(&s.state, now))).await;
    let mut queued = 0;
    for tasks in ticks {
        for t in tasks.unwrap() {
            if t.r#type == "snapshot_schedule" {
                queued += 1;
            }
            wait_task(servers[0], t.id, "completed", |t| t.status == "completed").await;
        }
    }
    queued
}

async fn scheduled(server: &TestServer) -> Vec<snapshot::Model> {
    snapshot::Entity::find()
        .filter(snapshot::Column::ScheduleId.is_not_null())
        .order_by_asc(snapshot::Column::Id)
        .all(&server.state.db)
        .await
        .unwrap()
}

#[tokio::test]
async fn schedules_are_made_listed_capped_and_deleted() {
    let (server, ann) = setup().await;
    create(&server, &ann, "cloudreve://my/docs", "folder").await;
    for bad in [
        json!({"uri": "cloudreve://my/docs", "every": "@minutely", "keep": 2}),
        json!({"uri": "cloudreve://my/docs", "every": "@daily", "keep": 0}),
        json!({"uri": "cloudreve://my/nowhere", "every": "@daily", "keep": 2}),
    ] {
        let body = make_schedule(&server, &ann, bad.clone()).await;
        assert_ne!(body["code"], 0, "{bad}: {body}");
    }
    let mut ids = Vec::new();
    for _ in 0..5 {
        let made = make_schedule(
            &server,
            &ann,
            json!({"uri": "cloudreve://my/docs", "every": "@hourly", "keep": 2}),
        )
        .await;
        assert_eq!(made["code"], 0, "{made}");
        assert_eq!(made["data"]["every"], "@hourly");
        ids.push(made["data"]["id"].as_str().unwrap().to_owned());
    }
    let sixth = make_schedule(
        &server,
        &ann,
        json!({"uri": "cloudreve://my/docs", "every": "@daily", "keep": 2}),
    )
    .await;
    assert_eq!(sixth["code"], 40007, "{sixth}");
    let listed = server.get_as("/snapshot/schedule", &ann.access_token).await;
    assert_eq!(listed["data"].as_array().unwrap().len(), 5, "{listed}");

    server.create_user("bob@example.com", super::PW).await;
    let bob = server.login("bob@example.com", super::PW).await;
    let path = format!("/snapshot/schedule/{}", ids[0]);
    let theirs = server
        .send_as(Method::DELETE, &path, &bob.access_token, &json!({}))
        .await;
    assert_eq!(theirs["code"], 404, "{theirs}");
    let bobs = server.get_as("/snapshot/schedule", &bob.access_token).await;
    assert_eq!(bobs["data"], json!([]), "{bobs}");
    let gone = server
        .send_as(Method::DELETE, &path, &ann.access_token, &json!({}))
        .await;
    assert_eq!(gone["code"], 0, "{gone}");
    let listed = server.get_as("/snapshot/schedule", &ann.access_token).await;
    assert_eq!(listed["data"].as_array().unwrap().len(), 4, "{listed}");
}

/// Three periods with `keep: 2` leave the two newest scheduled snapshots; manual ones stay.
/// Two instances ticking together take one snapshot per period between them.
#[tokio::test]
async fn each_period_takes_one_snapshot_and_keeps_the_newest() {
    let (a, ann) = setup().await;
    let b = a.sibling().await;
    create(&a, &ann, "cloudreve://my/docs/a.txt", "file").await;
    let manual = snap_ok(&a, &ann, "cloudreve://my/docs", "manual").await;
    let made = make_schedule(
        &a,
        &ann,
        json!({"uri": "cloudreve://my/docs", "every": "@hourly", "keep": 2}),
    )
    .await;
    assert_eq!(made["code"], 0, "{made}");

    let start = DateTime::from_timestamp(Utc::now().timestamp() / 3600 * 3600, 0).unwrap();
    let mut names = Vec::new();
    for period in 0..3 {
        let now = start + Duration::hours(period) + Duration::minutes(7);
        // Twice per period on both instances: one task, one snapshot.
        assert_eq!(tick_all(&[&a, &b], now).await, 1, "period {period}");
        assert_eq!(tick_all(&[&b, &a], now).await, 0, "period {period} again");
        names.push(format!(
            "auto-{}",
            (start + Duration::hours(period)).format("%Y%m%d-%H%M")
        ));
    }
    let left = scheduled(&a).await;
    let left_names: Vec<&str> = left.iter().map(|s| s.name.as_str()).collect();
    assert_eq!(left_names, [names[1].as_str(), names[2].as_str()]);
    assert!(left.iter().all(|s| s.status == "completed" && s.files == 1));
    // The manual snapshot is never pruned.
    let path = format!("/snapshot/{}", manual["id"].as_str().unwrap());
    assert_eq!(a.get_as(&path, &ann.access_token).await["code"], 0);
    let listed = a.get_as("/snapshot/schedule", &ann.access_token).await;
    assert!(listed["data"][0]["last_taken_at"].is_string(), "{listed}");
}
