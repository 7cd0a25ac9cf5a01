//! Turning search on indexes what was stored while it was off, as a task with progress,
//! without the administrator starting a rebuild.

use std::time::Duration;

use reqwest::Method;
use sea_orm::{ColumnTrait, EntityTrait, PaginatorTrait, QueryFilter};
use serde_json::json;
use stratus_entity::task;
use stratus_tests::TestServer;

use super::{found, my, search_raw, upload};
use crate::admin::{PW, admin, call};

#[tokio::test]
async fn files_stored_while_search_was_off_are_found_once_it_is_turned_on() {
    let server = TestServer::start().await;
    server.create_user("a@example.com", PW).await;
    let a = server.login("a@example.com", PW).await;
    upload(
        &server,
        &a,
        &my("notes/old.txt"),
        b"a quokka sat on the fence",
    )
    .await;
    upload(
        &server,
        &a,
        &my("notes/plan.md"),
        b"# Plan\n\nfeed the quokka",
    )
    .await;
    let off = search_raw(&server, &a, "quokka", "").await;
    assert_ne!(off["code"], 0, "search is off: {off}");

    let boss = admin(&server, "boss@example.com").await;
    let saved = call(
        &server,
        Some(&boss),
        Method::PATCH,
        "/admin/settings",
        Some(json!({"settings": {"fts_enabled": "1"}})),
    )
    .await;
    assert_eq!(saved["code"], 0, "{saved}");

    // One rebuild was queued by the change, with its progress; nobody called the rebuild route.
    let deadline = tokio::time::Instant::now() + Duration::from_secs(60);
    loop {
        let hits = found(&server, &a, "quokka").await;
        if hits.len() == 2 {
            assert_eq!(hits, [my("notes/old.txt"), my("notes/plan.md")]);
            break;
        }
        assert!(
            tokio::time::Instant::now() < deadline,
            "never found: {hits:?}"
        );
        tokio::time::sleep(Duration::from_millis(100)).await;
    }
    let rebuilds = task::Entity::find()
        .filter(task::Column::Type.eq("full_text_rebuild"))
        .all(&server.state.db)
        .await
        .unwrap();
    assert_eq!(rebuilds.len(), 1, "{rebuilds:?}");
    let shown = call(&server, Some(&boss), Method::GET, "/admin/fts", None).await;
    assert_eq!(shown["data"]["indexed"], 2, "{shown}");

    // Saved again while on, or off and on while nothing changed: no second rebuild runs at
    // the same time, and turning it off queues nothing.
    for value in ["1", "0"] {
        let saved = call(
            &server,
            Some(&boss),
            Method::PATCH,
            "/admin/settings",
            Some(json!({"settings": {"fts_enabled": value}})),
        )
        .await;
        assert_eq!(saved["code"], 0, "{saved}");
    }
    let rebuilds = task::Entity::find()
        .filter(task::Column::Type.eq("full_text_rebuild"))
        .count(&server.state.db)
        .await
        .unwrap();
    assert_eq!(rebuilds, 1);
}
