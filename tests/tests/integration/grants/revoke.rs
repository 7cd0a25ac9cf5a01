//! Taking access back: removing a grant or trashing the folder ends the recipient's access at
//! once, on every route and on an open event stream.

use std::time::Duration;

use reqwest::Method;
use serde_json::json;
use uuid::Uuid;

use super::{People, list, send, set_grants, setup, url_of};
use crate::file_events::{Events, debounce_one_second};

/// The stream ends within a few seconds, with nothing more than keep-alives.
pub(super) async fn ends_soon(events: &mut Events) {
    let next = tokio::time::timeout(Duration::from_secs(5), events.next())
        .await
        .expect("the stream did not end within 5 s");
    assert_eq!(next, None, "a message after access ended");
}

/// Bob's open stream on Ann's `Team`, shown to work by one event.
pub(super) async fn bob_watches_team(p: &People) -> Events {
    let mut events = Events::open(&p.server, &p.bob, &p.anns("Team"), Uuid::new_v4()).await;
    events.expect("subscribed").await;
    let made = send(
        &p.server,
        &p.ann,
        Method::POST,
        "/file/create",
        json!({"uri": "cloudreve://my/Team/first.txt", "type": "file"}),
    )
    .await;
    assert_eq!(made["code"], 0, "{made}");
    assert_eq!(events.event().await["from"], "/first.txt");
    events
}

/// Every read route refuses Bob now, as for a missing file.
pub(super) async fn bob_sees_nothing(p: &People) {
    let s = &p.server;
    for path in ["Team", "Team/Sub"] {
        assert_eq!(list(s, &p.bob, &p.anns(path)).await["code"], 404, "{path}");
    }
    assert_ne!(url_of(s, &p.bob, &p.anns("Team/a.txt")).await["code"], 0);
    let shared = list(s, &p.bob, "cloudreve://shared_with_me").await;
    assert_eq!(
        shared["data"]["files"].as_array().unwrap().len(),
        0,
        "{shared}"
    );
    let again = Events::connect(s, &p.bob, &p.anns("Team"), &Uuid::new_v4().to_string()).await;
    assert!(again.is_err(), "a stream after access ended");
}

#[tokio::test]
async fn removing_a_grant_ends_access_and_streams_at_once() {
    let p = setup().await;
    debounce_one_second(&p.server).await;
    super::ann_grants(&p, "Team", &p.bob, "read").await;
    let mut events = bob_watches_team(&p).await;
    // Ann's own stream on the folder goes on.
    let mut own = Events::open(&p.server, &p.ann, "cloudreve://my/Team", Uuid::new_v4()).await;
    own.expect("subscribed").await;
    // A download URL Bob was handed works until the grant goes.
    let url = url_of(&p.server, &p.bob, &p.anns("Team/a.txt")).await;
    let url = url["data"]["urls"][0]["url"].as_str().unwrap().to_owned();
    let client = reqwest::Client::new();
    let got = client.get(&url).send().await.unwrap();
    assert_eq!(got.status(), 200);
    assert_eq!(got.bytes().await.unwrap().as_ref(), super::A);
    let removed = set_grants(
        &p.server,
        &p.ann,
        "cloudreve://my/Team",
        json!({ People::id(&p.bob): "none" }),
        json!({}),
    )
    .await;
    assert_eq!(removed["code"], 0, "{removed}");
    assert!(removed["data"]["entries"].as_array().unwrap().is_empty());
    ends_soon(&mut events).await;
    bob_sees_nothing(&p).await;
    let gone = client.get(&url).send().await.unwrap();
    assert_eq!(
        gone.status(),
        404,
        "a URL handed out through a grant taken back"
    );
    let made = send(
        &p.server,
        &p.ann,
        Method::POST,
        "/file/create",
        json!({"uri": "cloudreve://my/Team/second.txt", "type": "file"}),
    )
    .await;
    assert_eq!(made["code"], 0, "{made}");
    assert_eq!(own.event().await["from"], "/second.txt");
}

#[tokio::test]
async fn trashing_the_folder_ends_access_and_streams_at_once() {
    let p = setup().await;
    debounce_one_second(&p.server).await;
    super::ann_grants(&p, "Team", &p.bob, "write").await;
    let mut events = bob_watches_team(&p).await;
    let trashed = send(
        &p.server,
        &p.ann,
        Method::DELETE,
        "/file",
        json!({"uris": ["cloudreve://my/Team"]}),
    )
    .await;
    assert_eq!(trashed["code"], 0, "{trashed}");
    ends_soon(&mut events).await;
    bob_sees_nothing(&p).await;
    // Nor through the trash.
    let trash = list(&p.server, &p.bob, "cloudreve://trash").await;
    assert_eq!(
        trash["data"]["files"].as_array().unwrap().len(),
        0,
        "{trash}"
    );
}

#[tokio::test]
async fn lowering_write_to_read_stops_writes_at_once() {
    let p = setup().await;
    super::ann_grants(&p, "Team", &p.bob, "write").await;
    let made = send(
        &p.server,
        &p.bob,
        Method::POST,
        "/file/create",
        json!({"uri": p.anns("Team/one"), "type": "folder"}),
    )
    .await;
    assert_eq!(made["code"], 0, "{made}");
    super::ann_grants(&p, "Team", &p.bob, "read").await;
    let refused = send(
        &p.server,
        &p.bob,
        Method::POST,
        "/file/create",
        json!({"uri": p.anns("Team/two"), "type": "folder"}),
    )
    .await;
    assert_ne!(refused["code"], 0, "{refused}");
    assert_eq!(list(&p.server, &p.bob, &p.anns("Team")).await["code"], 0);
}
