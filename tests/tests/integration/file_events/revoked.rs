//! A stream ends once its subscriber may no longer see the folder: the share it was opened
//! through deleted, given a password, or expired (found at the next flush); one's own drive
//! after a sign-out or a ban. And one user's open streams are capped.

use std::time::Duration;

use reqwest::Method;
use sea_orm::ActiveValue::Set;
use serde_json::json;
use stratus_server::ids::IdKind;
use stratus_tests::{Session, TestServer};
use uuid::Uuid;

use super::{Events, create, setup, users};

/// Ann's folder `Docs` shared without password; Bob's stream on the share, past `subscribed`,
/// shown to work by one event. The share's id and the stream.
async fn bob_watches_anns_share(
    server: &TestServer,
    ann: &Session,
    bob: &Session,
) -> (String, Events) {
    create(server, ann, "cloudreve://my/Docs", "folder").await;
    let (id, _) = server.share(ann, "cloudreve://my/Docs", json!({})).await;
    let mut events = Events::open(
        server,
        bob,
        &format!("cloudreve://{id}@share"),
        Uuid::new_v4(),
    )
    .await;
    events.expect("subscribed").await;
    create(server, ann, "cloudreve://my/Docs/first.txt", "file").await;
    assert_eq!(events.event().await["from"], "/first.txt");
    (id, events)
}

/// The stream ends within a few seconds, sending nothing more than keep-alives.
async fn ends_soon(events: &mut Events) {
    let next = tokio::time::timeout(Duration::from_secs(5), events.next())
        .await
        .expect("the stream did not end within 5 s");
    assert_eq!(next, None, "a message after access ended");
}

#[tokio::test]
async fn a_deleted_share_ends_its_streams_at_once() {
    let (server, ann, bob) = setup().await;
    let (id, mut events) = bob_watches_anns_share(&server, &ann, &bob).await;
    let deleted = server
        .send_as(
            Method::DELETE,
            &format!("/share/{id}"),
            &ann.access_token,
            &json!(null),
        )
        .await;
    assert_eq!(deleted["code"], 0, "{deleted}");
    ends_soon(&mut events).await;
    // Reconnecting is refused before any stream.
    let again = Events::connect(
        &server,
        &bob,
        &format!("cloudreve://{id}@share"),
        &Uuid::new_v4().to_string(),
    )
    .await;
    assert!(again.is_err(), "a stream on a deleted share");
}

#[tokio::test]
async fn a_share_given_a_password_ends_the_streams_opened_without() {
    let (server, ann, bob) = setup().await;
    let (id, mut events) = bob_watches_anns_share(&server, &ann, &bob).await;
    // Ann's own stream on her folder goes on.
    let mut own = Events::open(&server, &ann, "cloudreve://my/Docs", Uuid::new_v4()).await;
    own.expect("subscribed").await;
    let edited = server
        .send_as(
            Method::POST,
            &format!("/share/{id}"),
            &ann.access_token,
            &json!({"uri": "cloudreve://my/Docs", "is_private": true}),
        )
        .await;
    assert_eq!(edited["code"], 0, "{edited}");
    ends_soon(&mut events).await;
    create(&server, &ann, "cloudreve://my/Docs/second.txt", "file").await;
    assert_eq!(own.event().await["from"], "/second.txt");
}

#[tokio::test]
async fn an_expired_share_delivers_nothing_more() {
    let (server, ann, bob) = setup().await;
    let (id, mut events) = bob_watches_anns_share(&server, &ann, &bob).await;
    // Expiry by date is noticed by nobody: the next flush checks it.
    server
        .edit_share(&id, |s| {
            s.expires = Set(Some(chrono::Utc::now() - chrono::Duration::seconds(1)))
        })
        .await;
    create(&server, &ann, "cloudreve://my/Docs/late.txt", "file").await;
    ends_soon(&mut events).await;
}

#[tokio::test]
async fn a_folder_moved_out_of_the_share_is_not_followed() {
    let (server, ann, bob) = setup().await;
    create(&server, &ann, "cloudreve://my/Docs/Sub", "folder").await;
    let (id, _) = server.share(&ann, "cloudreve://my/Docs", json!({})).await;
    let mut events = Events::open(
        &server,
        &bob,
        &format!("cloudreve://{id}@share/Sub"),
        Uuid::new_v4(),
    )
    .await;
    events.expect("subscribed").await;
    let moved = server
        .send_as(
            Method::POST,
            "/file/move",
            &ann.access_token,
            &json!({"uris": ["cloudreve://my/Docs/Sub"], "dst": "cloudreve://my"}),
        )
        .await;
    assert_eq!(moved["code"], 0, "{moved}");
    create(&server, &ann, "cloudreve://my/Sub/private.txt", "file").await;
    ends_soon(&mut events).await;
}

#[tokio::test]
async fn sign_out_ends_ones_own_streams() {
    let (server, ann, _bob) = setup().await;
    create(&server, &ann, "cloudreve://my/Docs", "folder").await;
    let mut events = Events::open(&server, &ann, "cloudreve://my/Docs", Uuid::new_v4()).await;
    events.expect("subscribed").await;
    // Another sign-in of Ann's goes on.
    let other = server.login("ann@example.com", crate::admin::PW).await;
    let mut kept = Events::open(&server, &other, "cloudreve://my/Docs", Uuid::new_v4()).await;
    kept.expect("subscribed").await;
    let out = crate::session::sign_out(&server, &ann.refresh_token).await;
    assert_eq!(out["code"], 0, "{out}");
    ends_soon(&mut events).await;
    create(&server, &other, "cloudreve://my/Docs/a.txt", "file").await;
    assert_eq!(kept.event().await["from"], "/a.txt");
}

#[tokio::test]
async fn a_ban_ends_the_accounts_streams() {
    let (server, ann, bob) = setup().await;
    let (_, mut bobs) = bob_watches_anns_share(&server, &ann, &bob).await;
    let mut anns = Events::open(&server, &ann, "cloudreve://my/Docs", Uuid::new_v4()).await;
    anns.expect("subscribed").await;
    let boss = server.login("boss@example.com", crate::admin::PW).await;
    let bob_id = server
        .state
        .ids
        .decode(bob.user["id"].as_str().unwrap(), IdKind::User)
        .unwrap();
    let banned = server
        .send_as(
            Method::PUT,
            &format!("/admin/user/{bob_id}"),
            &boss.access_token,
            &json!({"user": {"email": "bob@example.com", "status": "manual_banned"}}),
        )
        .await;
    assert_eq!(banned["code"], 0, "{banned}");
    ends_soon(&mut bobs).await;
    // Ann, the share's owner, is not concerned.
    create(&server, &ann, "cloudreve://my/Docs/b.txt", "file").await;
    assert_eq!(anns.event().await["from"], "/b.txt");
}

#[tokio::test]
async fn one_user_cannot_open_unbounded_event_streams() {
    let server = TestServer::start_with(|c| c.max_event_streams_per_user = 2).await;
    super::debounce_one_second(&server).await;
    let (ann, bob) = users(&server).await;
    create(&server, &ann, "cloudreve://my/Docs", "folder").await;
    let mut open = Vec::new();
    for _ in 0..2 {
        let mut events = Events::open(&server, &ann, "cloudreve://my/Docs", Uuid::new_v4()).await;
        events.expect("subscribed").await;
        open.push(events);
    }
    let subscribe = |s: &Session| {
        server
            .request_as(
                Method::GET,
                &format!(
                    "/file/events?uri={}",
                    stratus_tests::query_escape("cloudreve://my/Docs")
                ),
                &s.access_token,
            )
            .header("X-Cr-Client-Id", Uuid::new_v4().to_string())
            .send()
    };
    let refused = subscribe(&ann).await.unwrap();
    assert_eq!(refused.status(), 429);
    let body: serde_json::Value = refused.json().await.unwrap();
    assert_eq!(body["code"], 429, "{body}");
    assert_eq!(
        body["msg"], "At most 2 file event streams may be open at once",
        "{body}"
    );
    // Another user is not affected.
    let mut bobs = Events::open(&server, &bob, "cloudreve://my", Uuid::new_v4()).await;
    bobs.expect("subscribed").await;
    // A closed stream gives its place back, once the server finds the client gone: when it
    // next writes to it (a change below the folder, poked here, or a keep-alive).
    open.pop();
    let deadline = tokio::time::Instant::now() + Duration::from_secs(30);
    for poke in 0.. {
        let resp = subscribe(&ann).await.unwrap();
        if resp.status() == 200 {
            break;
        }
        assert_eq!(resp.status(), 429);
        assert!(
            tokio::time::Instant::now() < deadline,
            "the place never came back"
        );
        create(
            &server,
            &ann,
            &format!("cloudreve://my/Docs/poke{poke}.txt"),
            "file",
        )
        .await;
        // Past the debounce (1 s), which each new change would put off.
        tokio::time::sleep(Duration::from_millis(1500)).await;
    }
}
