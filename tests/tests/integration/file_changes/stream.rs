//! End to end: a change made through WebDAV reaches a client subscribed to the event stream.

use std::time::Duration;

use futures_util::StreamExt;
use stratus_server::boolset::group_perm;
use stratus_tests::query_escape;

use super::setup;
use crate::dav::{dav, password, set_group_bits};

#[tokio::test]
async fn a_dav_put_arrives_on_a_subscribed_stream() {
    let (server, ann, _) = setup().await;
    set_group_bits(&server, 2, &[(group_perm::WEBDAV, true)]).await;
    server
        .state
        .settings
        .set(&[("fs_event_push_debounce", "1")])
        .await
        .unwrap();
    let pw = password(&server, &ann, "cloudreve://my").await;
    let resp = server
        .request_as(
            reqwest::Method::GET,
            &format!("/file/events?uri={}", query_escape("cloudreve://my")),
            &ann.access_token,
        )
        .header("X-Cr-Client-Id", "2f1b0c4e-6c55-4a44-9a51-1d3c2c7f0a11")
        .header("Accept", "text/event-stream")
        .send()
        .await
        .unwrap();
    assert_eq!(
        resp.headers()["content-type"].to_str().unwrap(),
        "text/event-stream"
    );
    let mut body = resp.bytes_stream();
    let mut text = String::new();
    // Subscribed first; the write comes after, so the stream cannot have missed it.
    let wait_for = |needle: &'static str| needle;
    let subscribed = wait_for("event:subscribed");
    let read = async {
        while !text.contains(subscribed) {
            text.push_str(&String::from_utf8_lossy(
                &body.next().await.unwrap().unwrap(),
            ));
        }
        let put = dav(&server, "PUT", "/pushed.txt", "ann@example.com", &pw)
            .body("hello")
            .send()
            .await
            .unwrap();
        assert_eq!(put.status(), 201);
        while !text.contains("\"from\":\"/pushed.txt\"") {
            text.push_str(&String::from_utf8_lossy(
                &body.next().await.unwrap().unwrap(),
            ));
        }
    };
    // A bound on the test, not a timing assertion.
    tokio::time::timeout(Duration::from_secs(60), read)
        .await
        .unwrap_or_else(|_| panic!("no event for the PUT in time"));
    let event = text
        .split("\n\n")
        .find(|m| m.contains("/pushed.txt"))
        .unwrap();
    assert!(event.starts_with("event:event\ndata:"), "{event}");
    let data: serde_json::Value =
        serde_json::from_str(event.trim_start_matches("event:event\ndata:").trim()).unwrap();
    assert_eq!(data["type"], "create", "{data}");
    assert_eq!(data["to"], "", "{data}");
}
