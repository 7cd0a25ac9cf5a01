//! Limits and permissions: names, folders only, the per-folder cap, the group bit, and other
//! users' snapshots answering like missing ones.

use reqwest::Method;
use sea_orm::{ActiveModelTrait, ActiveValue::Set, EntityTrait, IntoActiveModel, PaginatorTrait};
use serde_json::json;
use stratus_entity::{group, snapshot};
use stratus_server::boolset::{Boolset, group_perm};
use stratus_tests::query_escape;

use super::{PW, create, setup, snap, snap_ok};

#[tokio::test]
async fn a_name_may_hold_spaces_and_is_trimmed() {
    let (server, ann) = setup().await;
    create(&server, &ann, "cloudreve://my/docs", "folder").await;
    let made = snap_ok(&server, &ann, "cloudreve://my/docs", "  before the move ").await;
    assert_eq!(made["name"], "before the move", "{made}");
}

#[tokio::test]
async fn bad_requests_are_refused_and_change_nothing() {
    let (server, ann) = setup().await;
    create(&server, &ann, "cloudreve://my/docs/a.txt", "file").await;
    for (uri, name) in [
        ("cloudreve://my/docs", "tab\there"),
        ("cloudreve://my/docs", ""),
        ("cloudreve://my/docs", "   "),
        ("cloudreve://my/docs", &"x".repeat(65)),
        ("cloudreve://my/docs", "dot.ted"),
        ("cloudreve://my/docs/a.txt", "file"),
        ("cloudreve://trash", "trash"),
        ("not a uri", "bad"),
    ] {
        let body = snap(&server, &ann, uri, name).await;
        assert_eq!(body["code"], 40001, "{uri} {name}: {body}");
        assert!(!body["msg"].as_str().unwrap().is_empty());
    }
    let missing = snap(&server, &ann, "cloudreve://my/nowhere", "ok").await;
    assert_ne!(missing["code"], 0, "{missing}");
    let count = snapshot::Entity::find()
        .count(&server.state.db)
        .await
        .unwrap();
    assert_eq!(count, 0);
    snap_ok(&server, &ann, "cloudreve://my/docs", "good-name_1").await;
}

#[tokio::test]
async fn a_folder_has_at_most_five_manual_snapshots_and_the_group_needs_the_bit() {
    let (server, ann) = setup().await;
    create(&server, &ann, "cloudreve://my/docs", "folder").await;
    create(&server, &ann, "cloudreve://my/else", "folder").await;
    for i in 0..5 {
        snap_ok(&server, &ann, "cloudreve://my/docs", &format!("s{i}")).await;
    }
    let sixth = snap(&server, &ann, "cloudreve://my/docs", "s5").await;
    assert_eq!(sixth["code"], 40007, "{sixth}");
    assert!(
        sixth["msg"].as_str().unwrap().contains("at most 5"),
        "{sixth}"
    );
    // Another folder has its own count.
    snap_ok(&server, &ann, "cloudreve://my/else", "s0").await;

    // The group's setting changes the cap.
    let g = group::Entity::find_by_id(2)
        .one(&server.state.db)
        .await
        .unwrap()
        .unwrap();
    let mut settings = g.settings.clone();
    settings["snapshot_max_per_folder"] = json!(6);
    let mut active = g.clone().into_active_model();
    active.settings = Set(settings);
    active.update(&server.state.db).await.unwrap();
    snap_ok(&server, &ann, "cloudreve://my/docs", "s5").await;

    // Without the permission bit: refused with the permission code.
    let mut active = g.into_active_model();
    active.permissions = Set(Boolset::from_flags(&[group_perm::SHARE]).into_bytes());
    active.update(&server.state.db).await.unwrap();
    let refused = snap(&server, &ann, "cloudreve://my/else", "s1").await;
    assert_eq!(refused["code"], 403, "{refused}");
    let schedule = server
        .send_as(
            Method::PUT,
            "/snapshot/schedule",
            &ann.access_token,
            &json!({"uri": "cloudreve://my/else", "every": "@daily", "keep": 2}),
        )
        .await;
    assert_eq!(schedule["code"], 403, "{schedule}");
}

#[tokio::test]
async fn another_users_snapshots_answer_like_missing_ones() {
    let (server, ann) = setup().await;
    server.create_user("bob@example.com", PW).await;
    let bob = server.login("bob@example.com", PW).await;
    create(&server, &ann, "cloudreve://my/docs/a.txt", "file").await;
    let made = snap_ok(&server, &ann, "cloudreve://my/docs", "mine").await;
    let path = format!("/snapshot/{}", made["id"].as_str().unwrap());

    let read = server.get_as(&path, &bob.access_token).await;
    assert_eq!(read["code"], 404, "{read}");
    let deleted = server
        .send_as(Method::DELETE, &path, &bob.access_token, &json!({}))
        .await;
    assert_eq!(deleted["code"], 404, "{deleted}");
    let garbage = server
        .get_as("/snapshot/not-an-id", &bob.access_token)
        .await;
    assert_eq!(garbage["code"], 404, "{garbage}");

    // Ann's URIs, plain or with her id, list nothing of hers for Bob.
    let ann_id = ann.user["id"].as_str().unwrap();
    for uri in [
        "cloudreve://my/docs".to_owned(),
        format!("cloudreve://{ann_id}@my/docs"),
    ] {
        let listed = server
            .get_as(
                &format!("/snapshot?uri={}", query_escape(&uri)),
                &bob.access_token,
            )
            .await;
        let none = listed["code"] == 0 && listed["data"]["snapshots"] == json!([]);
        assert!(none || listed["code"] == 404, "{uri}: {listed}");
        // Nor can Bob snapshot her folder.
        let taken = snap(&server, &bob, &uri, "theirs").await;
        assert_ne!(taken["code"], 0, "{uri}: {taken}");
    }
    let all = server.get_as("/snapshot", &bob.access_token).await;
    assert_eq!(all["data"]["snapshots"], json!([]), "{all}");
    // Still Ann's, whole.
    let read = server.get_as(&path, &ann.access_token).await;
    assert_eq!(read["data"]["name"], "mine", "{read}");

    // A signed-out caller.
    let anon = server.get_api(&path).await;
    assert_eq!(anon["code"], 401, "{anon}");
}
