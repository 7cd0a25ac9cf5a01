//! One instance: events, echo suppression, users kept apart.

use uuid::Uuid;

use super::{Events, create, payload, rename, setup};

#[tokio::test]
async fn a_rename_below_the_folder_is_one_event_with_relative_paths() {
    let (server, ann, _bob) = setup().await;
    create(&server, &ann, "cloudreve://my/Docs", "folder").await;
    let file = create(&server, &ann, "cloudreve://my/Docs/Sub/a.txt", "file").await;
    let id = file["id"].as_str().unwrap().to_owned();

    let me = Uuid::new_v4();
    let mut events = Events::open(&server, &ann, "cloudreve://my/Docs", me).await;
    events.expect("subscribed").await;
    rename(
        &server,
        &ann,
        "cloudreve://my/Docs/Sub/a.txt",
        "b.txt",
        None,
    )
    .await;
    assert_eq!(
        events.event().await,
        payload("rename", &id, "/Sub/a.txt", "/Sub/b.txt")
    );
    // Renaming the subscribed folder itself is not reported; what follows is, below its new
    // path.
    rename(&server, &ann, "cloudreve://my/Docs", "Papers", None).await;
    rename(
        &server,
        &ann,
        "cloudreve://my/Papers/Sub/b.txt",
        "c.txt",
        None,
    )
    .await;
    assert_eq!(
        events.event().await,
        payload("rename", &id, "/Sub/b.txt", "/Sub/c.txt")
    );
}

#[tokio::test]
async fn a_clients_own_changes_and_other_users_changes_do_not_arrive() {
    let (server, ann, bob) = setup().await;
    let one = create(&server, &ann, "cloudreve://my/one.txt", "file").await;
    create(&server, &ann, "cloudreve://my/two.txt", "file").await;
    create(&server, &bob, "cloudreve://my/one.txt", "file").await;
    let one = one["id"].as_str().unwrap().to_owned();

    let me = Uuid::new_v4();
    let mut events = Events::open(&server, &ann, "cloudreve://my", me).await;
    events.expect("subscribed").await;
    // Ann's own client renames two.txt; Bob renames his one.txt; then another client of
    // Ann's renames one.txt: only that last change arrives.
    rename(&server, &ann, "cloudreve://my/two.txt", "2.txt", Some(me)).await;
    rename(&server, &bob, "cloudreve://my/one.txt", "b1.txt", None).await;
    rename(
        &server,
        &ann,
        "cloudreve://my/one.txt",
        "1.txt",
        Some(Uuid::new_v4()),
    )
    .await;
    assert_eq!(
        events.event().await,
        payload("rename", &one, "/one.txt", "/1.txt")
    );
    // Nothing else was pending: the next change is the next message.
    rename(&server, &ann, "cloudreve://my/1.txt", "one.txt", None).await;
    assert_eq!(
        events.event().await,
        payload("rename", &one, "/1.txt", "/one.txt")
    );
}

#[tokio::test]
async fn renames_within_one_window_merge_into_one_event() {
    let (server, ann, _bob) = setup().await;
    let file = create(&server, &ann, "cloudreve://my/a.txt", "file").await;
    let other = create(&server, &ann, "cloudreve://my/x.txt", "file").await;
    let mut events = Events::open(&server, &ann, "cloudreve://my", Uuid::new_v4()).await;
    events.expect("subscribed").await;
    // Each change restarts the 1 s window, so the three arrive together, merged per file in
    // order of first appearance.
    rename(&server, &ann, "cloudreve://my/a.txt", "b.txt", None).await;
    rename(&server, &ann, "cloudreve://my/x.txt", "y.txt", None).await;
    rename(&server, &ann, "cloudreve://my/b.txt", "c.txt", None).await;
    let first = events.event().await;
    let second = events.event().await;
    let (a, x) = (file["id"].as_str().unwrap(), other["id"].as_str().unwrap());
    // Two windows are possible if the server was slow between the requests; either way the
    // final paths are right and a.txt comes first.
    if first["to"] == "/c.txt" {
        assert_eq!(first, payload("rename", a, "/a.txt", "/c.txt"));
        assert_eq!(second, payload("rename", x, "/x.txt", "/y.txt"));
    } else {
        assert_eq!(first, payload("rename", a, "/a.txt", "/b.txt"));
        assert_eq!(second, payload("rename", x, "/x.txt", "/y.txt"));
        assert_eq!(
            events.event().await,
            payload("rename", a, "/b.txt", "/c.txt")
        );
    }
}

#[tokio::test]
async fn a_folder_share_streams_the_owners_changes_relative_to_the_shared_folder() {
    let (server, ann, bob) = setup().await;
    let file = create(&server, &ann, "cloudreve://my/Team/Sub/a.txt", "file").await;
    create(&server, &ann, "cloudreve://my/solo.txt", "file").await;
    let (folder_share, _) = server
        .share(&ann, "cloudreve://my/Team", serde_json::json!({}))
        .await;
    let (file_share, _) = server
        .share(&ann, "cloudreve://my/solo.txt", serde_json::json!({}))
        .await;

    // A single-file share is no view to subscribe to.
    let resp = stratus_tests::envelope(
        super::events_request(
            &server,
            &bob,
            &format!("cloudreve://{file_share}@share"),
            &Uuid::new_v4().to_string(),
        )
        .send()
        .await
        .unwrap(),
    )
    .await;
    assert_eq!(resp["code"], 403, "{resp}");
    assert_eq!(
        resp["msg"],
        "Event subscriptions are not supported on this view"
    );

    let uri = format!("cloudreve://{folder_share}@share");
    let mut events = Events::open(&server, &bob, &uri, Uuid::new_v4()).await;
    events.expect("subscribed").await;
    rename(
        &server,
        &ann,
        "cloudreve://my/Team/Sub/a.txt",
        "b.txt",
        None,
    )
    .await;
    assert_eq!(
        events.event().await,
        payload(
            "rename",
            file["id"].as_str().unwrap(),
            "/Sub/a.txt",
            "/Sub/b.txt"
        )
    );
}
