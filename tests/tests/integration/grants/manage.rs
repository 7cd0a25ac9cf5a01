//! `PUT` / `GET /file/permission`: who may change a file's grants, and what they answer; user
//! search never lists everyone.

use reqwest::Method;
use serde_json::json;
use stratus_server::{
    boolset::{Boolset, group_perm},
    ids::IdKind,
};

use super::{People, set_grants, setup};

#[tokio::test]
async fn the_owner_lists_merges_and_removes_grants() {
    let p = setup().await;
    let s = &p.server;
    let (bob, carol) = (People::id(&p.bob), People::id(&p.carol));
    let body = set_grants(
        s,
        &p.ann,
        "cloudreve://my/Team",
        json!({ bob.clone(): "read" }),
        json!({}),
    )
    .await;
    assert_eq!(body["code"], 0, "{body}");
    // Entries merge: Carol joins, Bob stays.
    let body = set_grants(
        s,
        &p.ann,
        "cloudreve://my/Team",
        json!({ carol.clone(): "write" }),
        json!({}),
    )
    .await;
    assert_eq!(body["code"], 0, "{body}");
    let listed = s
        .get_as(
            "/file/permission?uri=cloudreve%3A%2F%2Fmy%2FTeam",
            &p.ann.access_token,
        )
        .await;
    assert_eq!(listed["code"], 0, "{listed}");
    let entries = listed["data"]["entries"].as_array().unwrap();
    assert_eq!(entries.len(), 2, "{listed}");
    assert_eq!(entries[0]["id"], bob);
    assert_eq!(entries[0]["kind"], "user");
    assert_eq!(entries[0]["access"], "read");
    assert_eq!(entries[0]["name"], p.bob.user["nickname"]);
    assert_eq!(entries[0]["avatar"], format!("/api/v4/user/avatar/{bob}"));
    assert_eq!(entries[1]["id"], carol);
    assert_eq!(entries[1]["access"], "write");
    // `none` removes one.
    let body = set_grants(
        s,
        &p.ann,
        "cloudreve://my/Team",
        json!({ bob.clone(): "none" }),
        json!({}),
    )
    .await;
    assert_eq!(
        body["data"]["entries"].as_array().unwrap().len(),
        1,
        "{body}"
    );
    assert_eq!(body["data"]["entries"][0]["id"], carol);
}

#[tokio::test]
async fn only_the_owner_of_a_real_item_gives_grants_and_bad_entries_are_refused() {
    let p = setup().await;
    let s = &p.server;
    let (bob, carol) = (People::id(&p.bob), People::id(&p.carol));
    super::ann_grants(&p, "Team", &p.bob, "write").await;
    // Bob cannot share on what he received, nor read who else has it.
    let reshare = set_grants(
        s,
        &p.bob,
        &p.anns("Team"),
        json!({ carol.clone(): "read" }),
        json!({}),
    )
    .await;
    assert_eq!(reshare["code"], 403, "{reshare}");
    let peek = s
        .get_as(
            &format!(
                "/file/permission?uri={}",
                stratus_tests::query_escape(&p.anns("Team"))
            ),
            &p.bob.access_token,
        )
        .await;
    assert_ne!(peek["code"], 0, "{peek}");
    // Carol, who holds nothing, gets what a missing file gets.
    let carols = set_grants(s, &p.carol, &p.anns("Team"), json!({}), json!({})).await;
    assert_eq!(carols["code"], 404, "{carols}");
    for (uri, users, code) in [
        ("cloudreve://my", json!({ bob.clone(): "read" }), 40053),
        ("cloudreve://my/None", json!({ bob.clone(): "read" }), 404),
        (
            "cloudreve://my/Team",
            json!({ People::id(&p.ann): "read" }),
            40001,
        ),
        ("cloudreve://my/Team", json!({ "nonsense": "read" }), 40001),
        (
            "cloudreve://my/Team",
            json!({ bob.clone(): "admin" }),
            40001,
        ),
        ("cloudreve://trash", json!({ bob.clone(): "read" }), 403),
    ] {
        let body = set_grants(s, &p.ann, uri, users.clone(), json!({})).await;
        assert_eq!(body["code"], code, "{uri} {users}: {body}");
    }
    let anon = s
        .send_api(
            Method::PUT,
            "/file/permission",
            &json!({"uri": "cloudreve://my/Team", "users": {}}).to_string(),
        )
        .await;
    assert_eq!(anon.1["code"], 401, "{anon:?}");
}

#[tokio::test]
async fn a_group_without_the_permission_cannot_share_with_people() {
    let p = setup().await;
    let s = &p.server;
    use sea_orm::{ActiveModelTrait, ActiveValue::Set, EntityTrait, IntoActiveModel};
    let db = &s.state.db;
    let users = stratus_entity::group::Entity::find_by_id(2)
        .one(db)
        .await
        .unwrap()
        .unwrap();
    let mut perms = Boolset::from_bytes(users.permissions.clone());
    assert!(perms.enabled(group_perm::SHARE_PEOPLE));
    perms.clear(group_perm::SHARE_PEOPLE);
    let mut active = users.into_active_model();
    active.permissions = Set(perms.as_bytes().to_vec());
    active.update(db).await.unwrap();
    let body = set_grants(
        s,
        &p.ann,
        "cloudreve://my/Team",
        json!({ People::id(&p.bob): "read" }),
        json!({}),
    )
    .await;
    assert_eq!(body["code"], 40007, "{body}");
    let _ = s.state.ids.encode(1, IdKind::Group);
}

#[tokio::test]
async fn user_search_never_lists_by_a_short_or_empty_keyword() {
    let p = setup().await;
    let s = &p.server;
    for keyword in ["", "%20", "a", "ex", "%25", "%25%25", "__"] {
        let body = s
            .get_as(
                &format!("/user/search?keyword={keyword}"),
                &p.ann.access_token,
            )
            .await;
        assert_eq!(body["code"], 40001, "{keyword:?}: {body}");
    }
    // Part of an address finds nobody; the whole address finds its owner.
    let part = s
        .get_as("/user/search?keyword=example.com", &p.ann.access_token)
        .await;
    assert_eq!(part["data"].as_array().unwrap().len(), 0, "{part}");
    let whole = s
        .get_as(
            "/user/search?keyword=BOB%40example.com",
            &p.ann.access_token,
        )
        .await;
    assert_eq!(whole["data"][0]["id"], People::id(&p.bob), "{whole}");
}
