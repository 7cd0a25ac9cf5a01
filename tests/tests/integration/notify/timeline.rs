//! The timeline: administrator changes and failed sign-ins, newest first, paged with the
//! cursor each page answers (no entry skipped or repeated, also among entries of one
//! instant), or from an RFC 3339 time.

use reqwest::Method;
use sea_orm::{ActiveModelTrait, ActiveValue::Set};
use serde_json::{Value, json};
use stratus_entity::event;
use stratus_tests::TestServer;

use crate::admin::{admin, call, ok};

#[tokio::test]
async fn the_timeline_pages_through_recent_activity_newest_first() {
    let server = TestServer::start().await;
    let boss = admin(&server, "boss@example.com").await;
    // A failed sign-in and three administrator changes.
    let failed = server
        .login_envelope("boss@example.com", "wrong-password")
        .await;
    assert_ne!(failed["code"], 0);
    for name in ["a", "b", "c"] {
        ok(
            &server,
            &boss,
            Method::PATCH,
            "/admin/settings",
            json!({"settings": {"siteName": name}}),
        )
        .await;
    }
    // Three node events of one instant, as several sources may record at once.
    let at = chrono::Utc::now() - chrono::Duration::hours(1);
    for id in 1..=3 {
        event::ActiveModel {
            r#type: Set(stratus_server::events::kind::NODE_DOWN),
            content: Set(Some(json!({"node_id": id}))),
            created_at: Set(at),
            ..Default::default()
        }
        .insert(&server.state.db)
        .await
        .unwrap();
    }

    let all = ok(
        &server,
        &boss,
        Method::GET,
        "/admin/timeline?limit=50",
        json!({}),
    )
    .await;
    let entries = all["entries"].as_array().unwrap().clone();
    let kinds: Vec<&str> = entries
        .iter()
        .map(|e| e["kind"].as_str().unwrap())
        .collect();
    assert_eq!(
        kinds,
        [
            "admin_change",
            "admin_change",
            "admin_change",
            "sign_in_failed",
            "node_down",
            "node_down",
            "node_down"
        ],
        "{all}"
    );
    assert!(all["next"].is_null(), "{all}");
    assert_eq!(entries[0]["details"]["target"], "setting");
    assert_eq!(entries[0]["user_email"], "boss@example.com");
    // Sign-ins that succeeded are not activity worth a timeline.
    assert!(!kinds.contains(&"sign_in"));

    // Two at a time: the same entries, in the same order, each once.
    let mut paged: Vec<Value> = Vec::new();
    let mut before = String::new();
    for _ in 0..10 {
        let page = ok(
            &server,
            &boss,
            Method::GET,
            &format!("/admin/timeline?limit=2&before={before}"),
            json!({}),
        )
        .await;
        paged.extend(page["entries"].as_array().unwrap().iter().cloned());
        match page["next"].as_str() {
            Some(next) => before = next.to_owned(),
            None => break,
        }
    }
    let ids = |list: &[Value]| list.iter().map(|e| e["id"].clone()).collect::<Vec<_>>();
    assert_eq!(ids(&paged), ids(&entries));

    // From a time: only older entries.
    let since = (at + chrono::Duration::seconds(1)).to_rfc3339();
    let older = ok(
        &server,
        &boss,
        Method::GET,
        &format!("/admin/timeline?before={}", since.replace('+', "%2B")),
        json!({}),
    )
    .await;
    assert_eq!(older["entries"].as_array().unwrap().len(), 3, "{older}");

    for bad in ["limit=0", "limit=201", "before=yesterday"] {
        let resp = call(
            &server,
            Some(&boss),
            Method::GET,
            &format!("/admin/timeline?{bad}"),
            None,
        )
        .await;
        assert_eq!(resp["code"], 40001, "{bad}: {resp}");
    }
}

/// Fields with nothing to say are left out rather than sent as null, which the document
/// does not allow (it declares them as strings, times and numbers): a timeline entry
/// nobody acted in, the master's health and its node row.
#[tokio::test]
async fn admin_answers_leave_absent_fields_out() {
    let server = TestServer::start().await;
    let boss = admin(&server, "boss@example.com").await;
    event::ActiveModel {
        r#type: Set(stratus_server::events::kind::NODE_DOWN),
        content: Set(Some(json!({"node_id": 1}))),
        created_at: Set(chrono::Utc::now()),
        ..Default::default()
    }
    .insert(&server.state.db)
    .await
    .unwrap();
    let get = |path: &'static str| ok(&server, &boss, Method::GET, path, json!({}));
    let timeline = get("/admin/timeline").await;
    let health = get("/admin/health").await;
    let nodes = ok(
        &server,
        &boss,
        Method::POST,
        "/admin/node",
        json!({"page": 1, "page_size": 10}),
    )
    .await;
    assert!(
        !timeline["entries"].as_array().unwrap().is_empty(),
        "{timeline}"
    );
    for (what, body) in [("timeline", timeline), ("health", health), ("nodes", nodes)] {
        let mut found = Vec::new();
        nulls(&body, what, &mut found);
        assert!(found.is_empty(), "null at {found:?}: {body}");
    }
}

/// Where `v` holds a null, outside the free-form `details` and `settings` objects.
fn nulls(v: &Value, at: &str, found: &mut Vec<String>) {
    match v {
        Value::Null => found.push(at.to_owned()),
        Value::Object(fields) => {
            for (k, x) in fields
                .iter()
                .filter(|(k, _)| *k != "details" && *k != "settings")
            {
                nulls(x, &format!("{at}.{k}"), found);
            }
        }
        Value::Array(items) => {
            for (i, x) in items.iter().enumerate() {
                nulls(x, &format!("{at}[{i}]"), found);
            }
        }
        _ => {}
    }
}
