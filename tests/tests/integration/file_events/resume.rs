//! Durable subscriptions: a client that comes back after a disconnect and a restart gets
//! `resumed` and exactly what it missed; one whose missed changes were pruned gets
//! `reconnect-required`, then a new subscription.

use chrono::Utc;
use sea_orm::{ColumnTrait, EntityTrait, PaginatorTrait, QueryFilter, sea_query::Expr};
use stratus_entity::{fs_change, fs_subscription};
use uuid::Uuid;

use super::{Events, create, docs_with_a_seen_renamed, payload, rename, setup};
use stratus_server::fs_events::retention;

#[tokio::test]
async fn a_client_back_after_a_restart_gets_exactly_the_missed_events_in_order() {
    let (mut server, ann, _bob) = setup().await;
    let me = Uuid::new_v4();
    let (a, b, events) = docs_with_a_seen_renamed(&server, &server, &ann, me).await;
    let (a, b) = (a.as_str(), b.as_str());
    // The client goes away and the server restarts; then come the changes it misses: b,
    // then a again.
    drop(events);
    server.restart().await;
    rename(&server, &ann, "cloudreve://my/Docs/b.txt", "b1.txt", None).await;
    rename(&server, &ann, "cloudreve://my/Docs/a1.txt", "a2.txt", None).await;

    let mut events = Events::open(&server, &ann, "cloudreve://my/Docs", me).await;
    events.expect("resumed").await;
    assert_eq!(
        events.event().await,
        payload("rename", b, "/b.txt", "/b1.txt")
    );
    assert_eq!(
        events.event().await,
        payload("rename", a, "/a1.txt", "/a2.txt")
    );
    // Nothing more: the next message is the next change.
    rename(&server, &ann, "cloudreve://my/Docs/b1.txt", "b2.txt", None).await;
    assert_eq!(
        events.event().await,
        payload("rename", b, "/b1.txt", "/b2.txt")
    );
    drop(events);
    server.restart().await;

    // Once delivered, nothing is sent again.
    let mut events = Events::open(&server, &ann, "cloudreve://my/Docs", me).await;
    events.expect("resumed").await;
    rename(&server, &ann, "cloudreve://my/Docs/a2.txt", "a3.txt", None).await;
    assert_eq!(
        events.event().await,
        payload("rename", a, "/a2.txt", "/a3.txt")
    );
}

#[tokio::test]
async fn a_new_connection_with_the_same_client_id_replaces_the_old_one() {
    let (server, ann, _bob) = setup().await;
    let me = Uuid::new_v4();
    let mut first = Events::open(&server, &ann, "cloudreve://my", me).await;
    first.expect("subscribed").await;
    let mut second = Events::open(&server, &ann, "cloudreve://my", me).await;
    second.expect("resumed").await;
    // The first stream was closed.
    assert_eq!(first.next().await, None);
}

#[tokio::test]
async fn a_client_whose_missed_changes_were_pruned_must_reconnect() {
    let (mut server, ann, _bob) = setup().await;
    create(&server, &ann, "cloudreve://my/a.txt", "file").await;
    let me = Uuid::new_v4();
    let mut events = Events::open(&server, &ann, "cloudreve://my", me).await;
    events.expect("subscribed").await;
    drop(events);
    server.restart().await;
    rename(&server, &ann, "cloudreve://my/a.txt", "b.txt", None).await;

    // The change it missed grows older than the retention window and is pruned; the
    // subscription, seen recently, is kept.
    fs_change::Entity::update_many()
        .col_expr(
            fs_change::Column::CreatedAt,
            Expr::value(Utc::now() - chrono::Duration::days(30)),
        )
        .filter(fs_change::Column::Id.gt(0))
        .exec(&server.state.db)
        .await
        .unwrap();
    // Both journal rows: the create of a.txt and its rename.
    assert_eq!(retention::prune(&server.state).await.unwrap(), 2);
    assert_eq!(
        fs_subscription::Entity::find()
            .count(&server.state.db)
            .await
            .unwrap(),
        1
    );

    let mut events = Events::open(&server, &ann, "cloudreve://my", me).await;
    events.expect("reconnect-required").await;
    assert_eq!(events.next().await, None);
    let mut events = Events::open(&server, &ann, "cloudreve://my", me).await;
    events.expect("subscribed").await;
}

#[tokio::test]
async fn retention_drops_subscriptions_not_seen_within_the_window() {
    let (mut server, ann, _bob) = setup().await;
    let me = Uuid::new_v4();
    let mut events = Events::open(&server, &ann, "cloudreve://my", me).await;
    events.expect("subscribed").await;
    drop(events);
    server.restart().await;
    fs_subscription::Entity::update_many()
        .col_expr(
            fs_subscription::Column::LastSeenAt,
            Expr::value(Utc::now() - chrono::Duration::days(30)),
        )
        .filter(fs_subscription::Column::Id.gt(0))
        .exec(&server.state.db)
        .await
        .unwrap();
    assert_eq!(retention::prune(&server.state).await.unwrap(), 1);
    let mut events = Events::open(&server, &ann, "cloudreve://my", me).await;
    events.expect("subscribed").await;
}
