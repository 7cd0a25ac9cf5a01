//! Full-text search (issue 37): documents of each kind found by a word of their body, Chinese
//! words inside sentences, edits, access (another user, saved shares, the trash, deletes),
//! files the extractor refuses, two instances on one database, and the writers besides uploads
//! (copies, restores, renames); the extraction's own process and its limits (`bomb.rs`).

mod access;
mod bomb;
mod copied;
pub mod docs;
mod found;
mod granted;
mod saved;
mod switched_on;
mod writers;

use reqwest::Method;
use sea_orm::{ColumnTrait, EntityTrait, QueryFilter};
use serde_json::Value;
use stratus_entity::task::{self, status};
use stratus_tests::{Session, TestServer, query_escape};

use crate::admin::PW;
pub use crate::archive::{my, upload};

/// A server with search on, and user A.
pub async fn setup() -> (TestServer, Session) {
    let server = TestServer::start().await;
    server
        .state
        .settings
        .set(&[("fts_enabled", "1"), ("fts_meilisearch_page_size", "50")])
        .await
        .unwrap();
    server.create_user("a@example.com", PW).await;
    let a = server.login("a@example.com", PW).await;
    (server, a)
}

/// Waits until at least `n` index tasks exist and none is queued or running.
pub async fn indexed(server: &TestServer, n: usize) {
    let deadline = tokio::time::Instant::now() + std::time::Duration::from_secs(60);
    loop {
        let all = task::Entity::find()
            .filter(task::Column::Type.eq("full_text_index"))
            .all(&server.state.db)
            .await
            .unwrap();
        let open = all
            .iter()
            .any(|t| t.status == status::QUEUED || t.status == status::PROCESSING);
        if all.len() >= n && !open {
            for t in &all {
                assert_eq!(t.status, status::COMPLETED, "{t:?}");
            }
            return;
        }
        assert!(
            tokio::time::Instant::now() < deadline,
            "index tasks never done: {all:?}"
        );
        tokio::time::sleep(std::time::Duration::from_millis(50)).await;
    }
}

/// `GET /file/search?query=…[&extra]` as `s`: the envelope.
pub async fn search_raw(server: &TestServer, s: &Session, query: &str, extra: &str) -> Value {
    server
        .get_as(
            &format!("/file/search?query={}{extra}", query_escape(query)),
            &s.access_token,
        )
        .await
}

/// The paths of the hits for `query`, sorted.
pub async fn found(server: &TestServer, s: &Session, query: &str) -> Vec<String> {
    let body = search_raw(server, s, query, "").await;
    assert_eq!(body["code"], 0, "{body}");
    let mut paths: Vec<String> = body["data"]["hits"]
        .as_array()
        .unwrap()
        .iter()
        .map(|h| h["file"]["path"].as_str().unwrap().to_owned())
        .collect();
    paths.sort();
    paths
}

/// A new version of `uri` with `bytes` (`PUT /file/content`).
pub async fn edit(server: &TestServer, s: &Session, uri: &str, bytes: &[u8]) {
    let resp = server
        .request_as(
            Method::PUT,
            &format!("/file/content?uri={}", query_escape(uri)),
            &s.access_token,
        )
        .body(bytes.to_vec())
        .send()
        .await
        .unwrap();
    let body: Value = stratus_tests::envelope(resp).await;
    assert_eq!(body["code"], 0, "{body}");
}
