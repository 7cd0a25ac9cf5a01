//! The guard in the admin console: every user's incidents, filtered by state, released by an
//! administrator; and the guard's settings, whose exempt groups must be groups. And a user's
//! own list, in pages.

use reqwest::Method;
use serde_json::{Value, json};

use super::{access::stopped, setup};
use crate::admin::{admin, call};

/// `GET /admin/guard/incident` with `query`, as `s`: the envelope.
async fn listed(
    server: &stratus_tests::TestServer,
    s: &stratus_tests::Session,
    query: &str,
) -> Value {
    server
        .get_as(&format!("/admin/guard/incident{query}"), &s.access_token)
        .await
}

#[tokio::test]
async fn administrators_list_every_incident_by_state_and_release_one() {
    let (server, ann) = setup(5).await;
    let (_, id) = stopped(&server, &ann).await;
    let boss = admin(&server, "boss@example.com").await;

    let all = listed(&server, &boss, "?page=1&page_size=10").await;
    assert_eq!(all["code"], 0, "{all}");
    assert_eq!(all["data"]["pagination"]["total_items"], 1, "{all}");
    let row = &all["data"]["incidents"][0];
    assert_eq!(row["id"], id);
    assert_eq!(row["user_email"], super::ANN, "{row}");
    assert!(row["user_id"].is_string(), "{row}");
    assert_eq!(row["counts"]["deleted"], 5, "{row}");

    let open = listed(&server, &boss, "?state=open").await;
    assert_eq!(
        open["data"]["incidents"].as_array().unwrap().len(),
        1,
        "{open}"
    );
    let released = listed(&server, &boss, "?state=released").await;
    assert_eq!(
        released["data"]["pagination"]["total_items"], 0,
        "{released}"
    );
    // An unknown state is refused, naming the ones there are.
    let bad = listed(&server, &boss, "?state=closed").await;
    assert_eq!(bad["code"], 40001, "{bad}");
    assert!(bad["msg"].as_str().unwrap().contains("released"), "{bad}");

    let done = call(
        &server,
        Some(&boss),
        Method::POST,
        &format!("/admin/guard/incident/{id}/release"),
        Some(json!({})),
    )
    .await;
    assert_eq!(done["code"], 0, "{done}");
    assert_eq!(done["data"]["state"], "released");
    let released = listed(&server, &boss, "?state=released").await;
    assert_eq!(released["data"]["incidents"][0]["id"], id, "{released}");
    assert_eq!(
        listed(&server, &boss, "?state=open").await["data"]["pagination"]["total_items"],
        0
    );
    // The owner sees it released too.
    assert_eq!(
        super::incidents(&server, &ann).await[0]["state"],
        "released"
    );
}

#[tokio::test]
async fn exempt_groups_must_be_groups() {
    let server = stratus_tests::TestServer::start().await;
    let boss = admin(&server, "boss@example.com").await;
    let patch = |value: &str| {
        call(
            &server,
            Some(&boss),
            Method::PATCH,
            "/admin/settings",
            Some(json!({"settings": {"guard_exempt_groups": value, "guard_burst_files": "50"}})),
        )
    };
    for bad in ["admins", "2;3", "0", "2, 99"] {
        let resp = patch(bad).await;
        assert_eq!(resp["code"], 40001, "{bad}: {resp}");
        let msg = resp["msg"].as_str().unwrap();
        assert!(msg.starts_with("guard_exempt_groups:"), "{bad}: {resp}");
    }
    // Nothing of a refused batch was saved.
    let read = || {
        call(
            &server,
            Some(&boss),
            Method::POST,
            "/admin/settings",
            Some(json!({"keys": ["guard_exempt_groups", "guard_burst_files"]})),
        )
    };
    assert_eq!(read().await["data"]["guard_burst_files"], "200");
    for good in ["1, 2", ""] {
        let resp = patch(good).await;
        assert_eq!(resp["code"], 0, "{good}: {resp}");
        assert_eq!(read().await["data"]["guard_exempt_groups"], good);
    }
    // The other numbers are checked as before.
    let zero = call(
        &server,
        Some(&boss),
        Method::PATCH,
        "/admin/settings",
        Some(json!({"settings": {"guard_burst_seconds": "0"}})),
    )
    .await;
    assert_eq!(zero["code"], 40001, "{zero}");
}

#[tokio::test]
async fn a_user_pages_through_their_own_incidents_and_sees_nobody_elses() {
    use sea_orm::{ActiveModelTrait, ActiveValue::Set};
    use stratus_entity::guard_incident;
    let (server, ann) = setup(5).await;
    let bob = crate::admin::member(&server, "bob@example.com").await;
    // Past incidents of Ann's: 120, more than the first page.
    let ann_id = crate::download::uid(&server, &ann);
    let now = chrono::Utc::now();
    for i in 0..120 {
        guard_incident::ActiveModel {
            created_at: Set(now),
            updated_at: Set(now),
            user_id: Set(ann_id),
            cred_kind: Set("webdav".into()),
            cred_id: Set(format!("old-{i}")),
            cred_name: Set(format!("device {i}")),
            started_at: Set(now),
            tripped_at: Set(now),
            last_at: Set(now),
            deleted: Set(1),
            overwritten: Set(0),
            renamed: Set(0),
            state: Set("released".into()),
            undo_task_id: Set(None),
            result: Set(None),
            ..Default::default()
        }
        .insert(&server.state.db)
        .await
        .unwrap();
    }
    let (_, open_id) = stopped(&server, &ann).await;
    let page = |s: &stratus_tests::Session, q: &str| {
        let path = format!("/guard/incident{q}");
        let token = s.access_token.clone();
        let server = &server;
        async move { server.get_as(&path, &token).await }
    };
    let first = page(&ann, "").await;
    assert_eq!(first["code"], 0, "{first}");
    assert_eq!(first["data"]["incidents"].as_array().unwrap().len(), 100);
    assert_eq!(first["data"]["pagination"]["total_items"], 121);
    // Newest first: the open one leads.
    assert_eq!(first["data"]["incidents"][0]["id"], open_id);
    let last = page(&ann, "?page=2").await;
    let rest = last["data"]["incidents"].as_array().unwrap();
    assert_eq!(rest.len(), 21, "{last}");
    assert_eq!(rest[20]["credential"]["name"], "device 0");
    let open = page(&ann, "?state=open&page_size=10").await;
    assert_eq!(open["data"]["pagination"]["total_items"], 1, "{open}");
    let bad = page(&ann, "?state=closed").await;
    assert_eq!(bad["code"], 40001, "{bad}");
    let none = page(&bob, "").await;
    assert_eq!(none["data"]["pagination"]["total_items"], 0, "{none}");
    assert!(none["data"]["incidents"].as_array().unwrap().is_empty());
}
