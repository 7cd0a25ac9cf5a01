//! The admin API (`/api/v4/admin`): the guard in front of every route, then each route group
//! end to end through the real server.

mod files;
mod groups;
mod guard;
mod later;
mod policies;
mod settings;
mod settings_later;
mod summary;
mod user_folders;
mod user_uploads;
mod users;

use reqwest::Method;
use serde_json::{Value, json};
use stratus_tests::{Session, TestServer};

pub const PW: &str = "password123";

/// Signs in a new account of the admin group (1).
pub async fn admin(server: &TestServer, email: &str) -> Session {
    stratus_server::users::create(&server.state.db, email, PW, 1)
        .await
        .expect("create admin");
    server.login(email, PW).await
}

/// Signs in a new account of the User group (2).
pub async fn member(server: &TestServer, email: &str) -> Session {
    server.create_user(email, PW).await;
    server.login(email, PW).await
}

/// Sends `body` to an API path as `s` (signed out when `None`); returns the envelope.
pub async fn call(
    server: &TestServer,
    s: Option<&Session>,
    method: Method,
    path: &str,
    body: Option<Value>,
) -> Value {
    let mut req = server.client.request(method, server.api(path));
    if let Some(s) = s {
        req = req.bearer_auth(&s.access_token);
    }
    if let Some(body) = body {
        req = req.json(&body);
    }
    stratus_tests::envelope(req.send().await.unwrap()).await
}

/// Like [`call`] as `s`, asserting code 0; returns `data`.
pub async fn ok(
    server: &TestServer,
    s: &Session,
    method: Method,
    path: &str,
    body: Value,
) -> Value {
    let body = (method != Method::GET && method != Method::DELETE).then_some(body);
    let resp = call(server, Some(s), method.clone(), path, body).await;
    assert_eq!(resp["code"], 0, "{method} {path}: {resp}");
    resp["data"].clone()
}

/// An AdminList request for the first page of `page_size` rows with `conditions`.
pub fn list(page_size: i64, conditions: Value) -> Value {
    json!({
        "page": 1, "page_size": page_size, "order_by": "id", "order_direction": "asc",
        "conditions": conditions, "searches": {},
    })
}

/// The audit events of administrator changes (type 60) about `target`, oldest first.
pub async fn admin_events(server: &TestServer, s: &Session, target: &str) -> Vec<Value> {
    let data = ok(
        server,
        s,
        Method::POST,
        "/admin/event",
        list(2000, json!({"event_type": "60"})),
    )
    .await;
    data["logs"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|e| e["content"]["target"] == target)
        .cloned()
        .collect()
}
