//! Every backup route is for administrators: 403 for a member, 401 signed out, and a schedule
//! Stratus cannot read is a 40001 naming what is wrong.

use reqwest::Method;
use serde_json::json;
use stratus_tests::TestServer;

use super::{folder_task, target};
use crate::admin::{admin, call, list, member};

const ROUTES: &[(&str, &str)] = &[
    ("POST", "/admin/backup/target"),
    ("PUT", "/admin/backup/target"),
    ("POST", "/admin/backup/target/test"),
    ("GET", "/admin/backup/target/1"),
    ("PUT", "/admin/backup/target/1"),
    ("DELETE", "/admin/backup/target/1"),
    ("POST", "/admin/backup/target/1/test"),
    ("PUT", "/admin/backup/target/1/star"),
    ("GET", "/admin/backup/target/1/usage"),
    ("POST", "/admin/backup/task"),
    ("PUT", "/admin/backup/task"),
    ("GET", "/admin/backup/task/1"),
    ("PUT", "/admin/backup/task/1"),
    ("DELETE", "/admin/backup/task/1"),
    ("PUT", "/admin/backup/task/1/toggle"),
    ("POST", "/admin/backup/task/1/run"),
    ("POST", "/admin/backup/record"),
    ("GET", "/admin/backup/record/1"),
    ("DELETE", "/admin/backup/record/1"),
    ("POST", "/admin/backup/record/batch/delete"),
    ("GET", "/admin/backup/record/1/log/stream"),
    ("POST", "/admin/backup/record/1/restore"),
];

#[tokio::test]
async fn every_backup_route_is_for_administrators() {
    let server = TestServer::start().await;
    let someone = member(&server, "member@example.com").await;
    for (method, path) in ROUTES {
        let method = Method::from_bytes(method.as_bytes()).unwrap();
        let body = (method != Method::GET && method != Method::DELETE).then(|| list(10, json!({})));
        let signed_out = call(&server, None, method.clone(), path, body.clone()).await;
        assert_eq!(signed_out["code"], 401, "{method} {path}: {signed_out}");
        let refused = call(&server, Some(&someone), method.clone(), path, body).await;
        assert_eq!(refused["code"], 403, "{method} {path}: {refused}");
    }
    assert_eq!(
        stratus_entity::backup_target::Entity::find()
            .all(&server.state.db)
            .await
            .unwrap()
            .len(),
        0
    );
}

use sea_orm::EntityTrait;

#[tokio::test]
async fn schedules_are_checked_on_save() {
    let server = TestServer::start().await;
    let boss = admin(&server, "boss@example.com").await;
    let dir = tempfile::tempdir().unwrap();
    let t = target(&server, &boss, dir.path()).await;
    let uid = boss.user["id"].clone();
    let uid = stratus_entity::user::Entity::find()
        .all(&server.state.db)
        .await
        .unwrap()
        .into_iter()
        .find(|u| u.email == "boss@example.com")
        .map(|u| u.id)
        .unwrap_or_else(|| panic!("{uid}"));
    for (schedule, says) in [
        ("@every 10s", "shortest"),
        ("@yearly", "@hourly"),
        ("* * * *", "five fields"),
        ("0 25 * * *", "0 25 * * *"),
    ] {
        let body = folder_task(t, uid, "cloudreve://my", json!({"schedule": schedule}));
        let r = call(
            &server,
            Some(&boss),
            Method::PUT,
            "/admin/backup/task",
            Some(body),
        )
        .await;
        assert_eq!(r["code"], 40001, "{schedule}: {r}");
        let msg = r["msg"].as_str().unwrap();
        assert!(
            msg.starts_with("schedule:") && msg.contains(says),
            "{schedule}: {msg}"
        );
    }
    for schedule in ["", "@daily", "@every 1h30m", "15 3 * * 1-5"] {
        let body = folder_task(t, uid, "cloudreve://my", json!({"schedule": schedule}));
        let r = call(
            &server,
            Some(&boss),
            Method::PUT,
            "/admin/backup/task",
            Some(body),
        )
        .await;
        assert_eq!(r["code"], 0, "{schedule}: {r}");
        assert_eq!(
            r["data"]["next_run_at"].is_null(),
            schedule.is_empty(),
            "{r}"
        );
    }
}
