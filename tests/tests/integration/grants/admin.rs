//! The admin console's view of a user's grants, given and received (through their group
//! too), and taking one back: the recipient loses access at once, an open event stream
//! included. Only administrators see or change any of it.

use reqwest::Method;
use sea_orm::{ColumnTrait, EntityTrait, QueryFilter};
use serde_json::{Value, json};
use stratus_entity::user;

use super::{
    People,
    revoke::{bob_sees_nothing, bob_watches_team, ends_soon},
    send, set_grants, setup,
};
use crate::{admin::admin, file_events::debounce_one_second};

async fn db_id(p: &People, email: &str) -> i64 {
    user::Entity::find()
        .filter(user::Column::Email.eq(email))
        .one(&p.server.state.db)
        .await
        .unwrap()
        .unwrap()
        .id
}

/// `(path, access, recipient)` of a list of grants, recipient by e-mail or group name.
fn rows(list: &Value) -> Vec<(String, String, String)> {
    let mut out: Vec<(String, String, String)> = list
        .as_array()
        .unwrap()
        .iter()
        .map(|g| {
            let to = g["user"]["email"]
                .as_str()
                .or(g["group"]["name"].as_str())
                .unwrap()
                .to_owned();
            (
                g["path"].as_str().unwrap().to_owned(),
                g["access"].as_str().unwrap().to_owned(),
                to,
            )
        })
        .collect();
    out.sort();
    out
}

#[tokio::test]
async fn an_admin_sees_a_users_grants_both_ways_and_takes_one_back() {
    let p = setup().await;
    debounce_one_second(&p.server).await;
    super::ann_grants(&p, "Team", &p.bob, "read").await;
    let group = p.ann.user["group"]["id"].as_str().unwrap().to_owned();
    let body = set_grants(
        &p.server,
        &p.ann,
        "cloudreve://my/Private",
        json!({}),
        json!({ &group: "write" }),
    )
    .await;
    assert_eq!(body["code"], 0, "{body}");
    let root = admin(&p.server, "root@example.com").await;
    let (ann, bob) = (
        db_id(&p, "ann@example.com").await,
        db_id(&p, "bob@example.com").await,
    );

    let anns = p
        .server
        .get_as(&format!("/admin/user/{ann}/grants"), &root.access_token)
        .await;
    assert_eq!(anns["code"], 0, "{anns}");
    assert_eq!(
        rows(&anns["data"]["given"]),
        [
            (
                "cloudreve://my/Private".into(),
                "write".into(),
                "User".into()
            ),
            (
                "cloudreve://my/Team".into(),
                "read".into(),
                "bob@example.com".into()
            ),
        ]
    );
    assert_eq!(anns["data"]["received"], json!([]), "{anns}");
    let bobs = p
        .server
        .get_as(&format!("/admin/user/{bob}/grants"), &root.access_token)
        .await;
    assert_eq!(bobs["data"]["given"], json!([]), "{bobs}");
    let received = bobs["data"]["received"].as_array().unwrap();
    assert_eq!(received.len(), 2, "{bobs}");
    assert!(
        received
            .iter()
            .all(|g| g["owner"]["email"] == "ann@example.com"),
        "{bobs}"
    );

    // Neither Bob nor a stranger may look or act.
    let refused = p
        .server
        .get_as(&format!("/admin/user/{ann}/grants"), &p.bob.access_token)
        .await;
    assert_ne!(refused["code"], 0, "{refused}");
    let team = anns["data"]["given"]
        .as_array()
        .unwrap()
        .iter()
        .find(|g| g["path"] == "cloudreve://my/Team")
        .unwrap()["id"]
        .as_i64()
        .unwrap();
    let path = format!("/admin/grant/{team}");
    let refused = send(&p.server, &p.bob, Method::DELETE, &path, json!({})).await;
    assert_ne!(refused["code"], 0, "{refused}");

    // Taken back by the admin: Bob's access to Team, and his open stream, end at once.
    let mut events = bob_watches_team(&p).await;
    let deleted = send(&p.server, &root, Method::DELETE, &path, json!({})).await;
    assert_eq!(deleted["code"], 0, "{deleted}");
    ends_soon(&mut events).await;
    let team_now = super::list(&p.server, &p.bob, &p.anns("Team")).await;
    assert_eq!(team_now["code"], 404, "{team_now}");
    let again = send(&p.server, &root, Method::DELETE, &path, json!({})).await;
    assert_eq!(again["code"], 404, "{again}");
    let nobody = p
        .server
        .get_as("/admin/user/999999/grants", &root.access_token)
        .await;
    assert_ne!(nobody["code"], 0, "{nobody}");
    // Removing the group's grant too leaves Bob nothing at all.
    let private = anns["data"]["given"]
        .as_array()
        .unwrap()
        .iter()
        .find(|g| g["path"] == "cloudreve://my/Private")
        .unwrap()["id"]
        .as_i64()
        .unwrap();
    let gone = send(
        &p.server,
        &root,
        Method::DELETE,
        &format!("/admin/grant/{private}"),
        json!({}),
    )
    .await;
    assert_eq!(gone["code"], 0, "{gone}");
    bob_sees_nothing(&p).await;
}
