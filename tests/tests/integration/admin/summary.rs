//! `GET /admin/summary`: counts made on demand and kept in the database, so every instance
//! answers the same.

use reqwest::Method;
use serde_json::json;
use stratus_tests::TestServer;

use super::{admin, member, ok};
use crate::archive::{my, upload};

#[tokio::test]
async fn the_summary_is_generated_on_demand_and_shared_by_instances() {
    let server = TestServer::start().await;
    let sibling = server.sibling().await;
    let boss = admin(&server, "boss@example.com").await;
    let ann = member(&server, "ann@example.com").await;
    upload(&server, &ann, &my("a.txt"), b"abc").await;
    server.share(&ann, &my("a.txt"), json!({})).await;

    let before = ok(&server, &boss, Method::GET, "/admin/summary", json!(null)).await;
    assert!(before.get("metrics_summary").is_none(), "{before}");
    assert_eq!(before["site_urls"], json!(["http://localhost:5212"]));
    assert_eq!(before["version"]["pro"], false);
    assert_eq!(before["version"]["version"], env!("CARGO_PKG_VERSION"));

    let made = ok(
        &server,
        &boss,
        Method::GET,
        "/admin/summary?generate=true",
        json!(null),
    )
    .await;
    let m = &made["metrics_summary"];
    assert_eq!(m["user_total"], 2);
    assert_eq!(m["share_total"], 1);
    assert_eq!(m["entities_total"], 1);
    // Roots of both users, and the file.
    assert!(m["file_total"].as_i64().unwrap() >= 2, "{m}");
    assert_eq!(m["dates"].as_array().unwrap().len(), 12);
    assert_eq!(m["users"].as_array().unwrap().last().unwrap(), 2);
    assert_eq!(m["shares"].as_array().unwrap().last().unwrap(), 1);
    assert_eq!(
        m["users"].as_array().unwrap()[..11]
            .iter()
            .filter(|n| **n != 0)
            .count(),
        0
    );

    // The sibling answers the kept counts without counting again.
    let there = ok(&sibling, &boss, Method::GET, "/admin/summary", json!(null)).await;
    assert_eq!(there["metrics_summary"], *m);
    let bad = super::call(
        &server,
        Some(&boss),
        Method::GET,
        "/admin/summary?generate=yes",
        None,
    )
    .await;
    assert_eq!(bad["code"], 40001, "{bad}");
}

#[tokio::test]
async fn a_kept_summary_older_than_its_max_age_is_counted_again() {
    let server = TestServer::start().await;
    let boss = admin(&server, "boss@example.com").await;
    let ann = member(&server, "ann@example.com").await;
    let first = ok(
        &server,
        &boss,
        Method::GET,
        "/admin/summary?generate=true",
        json!(null),
    )
    .await;
    assert_eq!(first["metrics_summary"]["entities_total"], 0, "{first}");

    // A blob is stored since; the kept counts, still fresh, say 0.
    upload(&server, &ann, &my("a.txt"), b"abc").await;
    let kept = ok(&server, &boss, Method::GET, "/admin/summary", json!(null)).await;
    assert_eq!(kept["metrics_summary"]["entities_total"], 0, "{kept}");

    // Aged past the limit, the next read counts again.
    let mut old = kept["metrics_summary"].clone();
    let long_ago = chrono::Utc::now() - stratus_server::admin::summary::MAX_AGE * 2;
    old["generated_at"] = json!(long_ago);
    use stratus_server::admin::summary::{KV_KEY, KV_KIND};
    stratus_server::kv::put(&server.state.db, KV_KIND, KV_KEY, &old.to_string(), None)
        .await
        .unwrap();
    let fresh = ok(&server, &boss, Method::GET, "/admin/summary", json!(null)).await;
    assert_eq!(fresh["metrics_summary"]["entities_total"], 1, "{fresh}");
}
