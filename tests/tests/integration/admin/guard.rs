//! The one guard of the admin API, proved on every `/admin` operation of the OpenAPI document
//! the code generates: a signed-out caller gets code 401, a member of a group without the
//! admin permission 403, and neither changes anything; an administrator gets through. A new
//! admin route is walked here without changing this file.

use reqwest::Method;
use sea_orm::EntityTrait;
use serde_json::{Value, json};
use stratus_entity::{
    dav_account, entity, event, file, group, notification_channel, setting, share, storage_policy,
    task, user,
};
use stratus_tests::TestServer;

use super::{admin, call, member};

/// One operation of the document, its path parameters filled with `1`.
struct Operation {
    method: Method,
    path: String,
}

fn admin_operations() -> Vec<Operation> {
    let spec: Value = serde_json::from_str(&stratus_server::api::spec_json()).unwrap();
    let mut found = Vec::new();
    for (template, item) in spec["paths"].as_object().unwrap() {
        if !template.starts_with("/admin") {
            continue;
        }
        let mut path = template.clone();
        while let Some(open) = path.find('{') {
            let close = path[open..].find('}').unwrap() + open;
            path.replace_range(open..=close, "1");
        }
        for method in item.as_object().unwrap().keys() {
            found.push(Operation {
                method: method.to_uppercase().parse().unwrap(),
                path: path.clone(),
            });
        }
    }
    found
}

/// Every row a refused request could have touched.
async fn snapshot(server: &TestServer) -> Value {
    let db = &server.state.db;
    json!({
        "settings": setting::Entity::find().all(db).await.unwrap(),
        "users": user::Entity::find().all(db).await.unwrap(),
        "groups": group::Entity::find().all(db).await.unwrap(),
        "policies": storage_policy::Entity::find().all(db).await.unwrap(),
        "files": file::Entity::find().all(db).await.unwrap(),
        "entities": entity::Entity::find().all(db).await.unwrap(),
        "shares": share::Entity::find().all(db).await.unwrap(),
        "events": event::Entity::find().all(db).await.unwrap(),
        "dav_accounts": dav_account::Entity::find().all(db).await.unwrap(),
        "tasks": task::Entity::find().all(db).await.unwrap(),
        "notification_channels": notification_channel::Entity::find().all(db).await.unwrap(),
    })
}

/// A body a handler would accept if it were reached: what a refused caller would try.
fn body_for(path: &str) -> Value {
    json!({
        "page": 1, "page_size": 10, "ids": [2, 3], "force": true,
        "keys": ["siteName"], "settings": {"siteName": "taken over"}, "to": "x@example.com",
        "group": {"name": "g", "permissions": "AQ=="},
        "user": {"email": "new@example.com", "group_users": 1}, "password": "password123",
        "policy": {"name": "p", "type": "local", "file_name_rule": "{uuid}"},
        "file": {"name": format!("renamed{}", path.len()), "owner_id": 1},
        "channel": {"name": "c", "type": "webhook",
                    "settings": {"url": "https://hooks.example.com/x", "secret": "s"}},
    })
}

#[tokio::test]
async fn every_admin_route_refuses_signed_out_callers_and_members_and_changes_nothing() {
    let server = TestServer::start().await;
    let boss = admin(&server, "boss@example.com").await;
    let ann = member(&server, "ann@example.com").await;
    let operations = admin_operations();
    assert!(
        operations.len() >= 30,
        "only {} admin operations",
        operations.len()
    );

    let before = snapshot(&server).await;
    for op in &operations {
        let body = Some(body_for(&op.path));
        let anonymous = call(&server, None, op.method.clone(), &op.path, body.clone()).await;
        assert_eq!(
            anonymous["code"], 401,
            "signed out {} {}: {anonymous}",
            op.method, op.path
        );
        let refused = call(&server, Some(&ann), op.method.clone(), &op.path, body).await;
        assert_eq!(
            refused["code"], 403,
            "member {} {}: {refused}",
            op.method, op.path
        );
    }
    // An escaped spelling of the prefix is no way around the guard.
    let escaped = call(
        &server,
        Some(&ann),
        Method::PATCH,
        "/%61dmin/settings",
        Some(json!({"settings": {"siteName": "taken over"}})),
    )
    .await;
    assert_ne!(escaped["code"], 0, "{escaped}");
    assert_eq!(
        snapshot(&server).await,
        before,
        "a refused request changed something"
    );

    // The administrator gets through the guard on every route (bodies the routes refuse).
    for op in &operations {
        let resp = call(
            &server,
            Some(&boss),
            op.method.clone(),
            &op.path,
            Some(json!({})),
        )
        .await;
        let code = resp["code"].as_i64().unwrap();
        assert!(
            ![401, 403, 50004].contains(&code),
            "admin {} {}: {resp}",
            op.method,
            op.path
        );
    }
}

#[tokio::test]
async fn a_member_promoted_or_demoted_is_judged_on_the_next_request() {
    let server = TestServer::start().await;
    let boss = admin(&server, "boss@example.com").await;
    let ann = member(&server, "ann@example.com").await;
    let ann_id = ann.user["id"].as_str().unwrap().to_owned();
    let id = server
        .state
        .ids
        .decode(&ann_id, stratus_server::ids::IdKind::User)
        .unwrap();
    let read = || call(&server, Some(&ann), Method::GET, "/admin/summary", None);
    assert_eq!(read().await["code"], 403);
    let body = json!({"user": {"email": "ann@example.com", "group_users": 1}});
    let promoted = call(
        &server,
        Some(&boss),
        Method::PUT,
        &format!("/admin/user/{id}"),
        Some(body),
    )
    .await;
    assert_eq!(promoted["code"], 0, "{promoted}");
    assert_eq!(read().await["code"], 0);
    let body = json!({"user": {"email": "ann@example.com", "group_users": 2}});
    let demoted = call(
        &server,
        Some(&boss),
        Method::PUT,
        &format!("/admin/user/{id}"),
        Some(body),
    )
    .await;
    assert_eq!(demoted["code"], 0, "{demoted}");
    assert_eq!(read().await["code"], 403);
}
