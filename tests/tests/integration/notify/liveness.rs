//! Nodes' liveness: the periodic check (run here through the scheduler's `tick`, one period
//! after another) finds a running slave alive, counts failures once it is stopped, reports it
//! down after the second failed check with one `node_down` webhook, and `node_up` when it
//! answers again.

use chrono::{DateTime, Utc};
use reqwest::Method;
use sea_orm::{ActiveModelTrait, ActiveValue::NotSet, IntoActiveModel, Set};
use serde_json::{Value, json};
use stratus_entity::{node, task};
use stratus_server::jobs::schedule;
use stratus_tests::{Session, TestServer, slave::SlaveNode};

use super::{Hook, allow, assert_signed, webhook};
use crate::{
    admin::{admin, ok},
    workflow::wait_task,
};

/// Runs the node check of the period holding `now` and waits for it to end.
async fn check_at(server: &TestServer, now: DateTime<Utc>) -> task::Model {
    let queued = schedule::tick(&server.state, now).await.unwrap();
    let job = queued
        .into_iter()
        .find(|t| t.r#type == "node_health_check")
        .expect("the node check was queued");
    wait_task(server, job.id, "completed", |t| t.status == "completed").await
}

/// Node `id` as the node list shows it.
async fn listed(server: &TestServer, boss: &Session, id: i64) -> Value {
    let page = ok(
        server,
        boss,
        Method::POST,
        "/admin/node",
        crate::admin::list(100, json!({})),
    )
    .await;
    page["nodes"]
        .as_array()
        .unwrap()
        .iter()
        .find(|n| n["id"] == id)
        .cloned()
        .expect("the node is listed")
}

async fn add_node(server: &TestServer, slave: &SlaveNode) -> node::Model {
    let now = Utc::now();
    let row = node::Model {
        id: 0,
        created_at: now,
        updated_at: now,
        deleted_at: None,
        status: node::status::ACTIVE.into(),
        name: "node one".into(),
        r#type: node::kind::SLAVE.into(),
        server: slave.base.clone(),
        slave_key: slave.secret.clone(),
        capabilities: Vec::new(),
        settings: json!({}),
        weight: 1,
    };
    node::ActiveModel {
        id: NotSet,
        ..row.into_active_model()
    }
    .insert(&server.state.db)
    .await
    .unwrap()
}

#[tokio::test]
async fn a_stopped_node_is_reported_down_once_and_up_again() {
    let server = TestServer::start().await;
    let boss = admin(&server, "boss@example.com").await;
    let hook = Hook::start().await;
    allow(&server, &boss, "127.0.0.1/32").await;
    webhook(
        &server,
        &boss,
        &hook.url,
        "hook-secret",
        json!(["node_down", "node_up"]),
    )
    .await;
    let mut slave = SlaveNode::start().await;
    let row = add_node(&server, &slave).await;

    // Before any check: alive, never seen.
    let fresh = listed(&server, &boss, row.id).await;
    assert_eq!(fresh["alive"], true, "{fresh}");
    assert!(fresh["last_seen_at"].is_null(), "{fresh}");

    let minute = chrono::Duration::seconds(60);
    let t0 = Utc::now();
    check_at(&server, t0).await;
    let seen = listed(&server, &boss, row.id).await;
    assert_eq!(seen["alive"], true, "{seen}");
    assert!(seen["last_seen_at"].is_string(), "{seen}");
    assert!(seen["last_error"].is_null(), "{seen}");

    // Stopped: the first failed check only notes the error.
    slave.stop().await;
    check_at(&server, t0 + minute).await;
    let once = listed(&server, &boss, row.id).await;
    assert_eq!(once["alive"], true, "{once}");
    assert!(once["last_error"].is_string(), "{once}");
    assert_eq!(once["last_seen_at"], seen["last_seen_at"]);
    assert!(hook.received().is_empty());

    // The second: down, one node_down delivered, signed.
    check_at(&server, t0 + minute * 2).await;
    let down = ok(
        &server,
        &boss,
        Method::GET,
        &format!("/admin/node/{}", row.id),
        json!({}),
    )
    .await;
    assert_eq!(down["alive"], false, "{down}");
    let delivered = hook.wait_for("node_down").await;
    assert_signed(&delivered, "hook-secret");
    assert_eq!(delivered.json()["details"]["node_id"], row.id);
    let health = ok(&server, &boss, Method::GET, "/admin/health", json!({})).await;
    let node = health["nodes"]
        .as_array()
        .unwrap()
        .iter()
        .find(|n| n["id"] == row.id)
        .cloned()
        .unwrap();
    assert_eq!(node["alive"], false, "{health}");
    assert!(node["last_error"].is_string(), "{health}");
    let master = health["nodes"]
        .as_array()
        .unwrap()
        .iter()
        .find(|n| n["id"] != row.id);
    assert_eq!(master.unwrap()["alive"], true, "{health}");
    let policies = health["policies"].as_array().unwrap();
    assert!(!policies.is_empty(), "{health}");
    assert!(policies.iter().all(|p| p["ok"] == true), "{health}");

    // A third failed check raises nothing more.
    check_at(&server, t0 + minute * 3).await;
    let downs = |hook: &Hook| {
        hook.received()
            .iter()
            .filter(|r| r.header("X-Stratus-Event").as_deref() == Some("node_down"))
            .count()
    };
    assert_eq!(downs(&hook), 1);

    // The node answers again (restarted elsewhere): node_up at the next check.
    let back = SlaveNode::start().await;
    let mut moved = row.clone().into_active_model();
    moved.server = Set(back.base.clone());
    moved.slave_key = Set(back.secret.clone());
    moved.update(&server.state.db).await.unwrap();
    check_at(&server, t0 + minute * 4).await;
    let up = hook.wait_for("node_up").await;
    assert_signed(&up, "hook-secret");
    let alive = listed(&server, &boss, row.id).await;
    assert_eq!(alive["alive"], true, "{alive}");
    assert!(alive["last_error"].is_null(), "{alive}");
    assert_eq!(downs(&hook), 1);

    // Both changes are on the timeline, newest first.
    let timeline = ok(
        &server,
        &boss,
        Method::GET,
        "/admin/timeline?limit=10",
        json!({}),
    )
    .await;
    let kinds: Vec<&str> = timeline["entries"]
        .as_array()
        .unwrap()
        .iter()
        .filter_map(|e| e["kind"].as_str())
        .filter(|k| k.starts_with("node_"))
        .collect();
    assert_eq!(kinds, ["node_up", "node_down"], "{timeline}");
}
