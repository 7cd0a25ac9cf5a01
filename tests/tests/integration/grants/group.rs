//! A grant to a group: every member reads; a user shares only with their own group, an
//! administrator with any; nobody with the guests.

use reqwest::Method;
use serde_json::json;
use stratus_server::ids::IdKind;

use super::{A, People, names, set_grants, setup};
use crate::admin::admin;

#[tokio::test]
async fn every_member_of_the_group_reads() {
    let p = setup().await;
    let s = &p.server;
    let users = s.state.ids.encode(2, IdKind::Group);
    let body = set_grants(
        s,
        &p.ann,
        "cloudreve://my/Team",
        json!({}),
        json!({ users.clone(): "read" }),
    )
    .await;
    assert_eq!(body["code"], 0, "{body}");
    assert_eq!(body["data"]["entries"][0]["kind"], "group", "{body}");
    assert_eq!(body["data"]["entries"][0]["name"], "User", "{body}");
    for member in [&p.bob, &p.carol] {
        assert_eq!(names(s, member, &p.anns("Team")).await, ["Sub", "a.txt"]);
        assert_eq!(s.download(member, &p.anns("Team/a.txt")).await, A);
        let write = s
            .send_as(
                Method::POST,
                "/file/create",
                &member.access_token,
                &json!({"uri": p.anns("Team/x"), "type": "folder"}),
            )
            .await;
        assert_ne!(write["code"], 0, "{write}");
    }
    // A member moved to another group loses it.
    let boss = admin(s, "boss@example.com").await;
    let db = &s.state.db;
    use sea_orm::{ActiveModelTrait, ActiveValue::Set, EntityTrait, IntoActiveModel};
    let carol_id = crate::download::uid(s, &p.carol);
    let carol = stratus_entity::user::Entity::find_by_id(carol_id)
        .one(db)
        .await
        .unwrap()
        .unwrap();
    let mut moved = carol.into_active_model();
    moved.group_id = Set(1);
    moved.update(db).await.unwrap();
    let carol = s.login("carol@example.com", super::PW).await;
    let listed = super::list(s, &carol, &p.anns("Team")).await;
    assert_eq!(listed["code"], 404, "{listed}");

    // Ann may not share with the administrators' group, the administrator may; nobody with
    // the guests.
    let admins = s.state.ids.encode(1, IdKind::Group);
    let guests = s.state.ids.encode(3, IdKind::Group);
    let refused = set_grants(
        s,
        &p.ann,
        "cloudreve://my/Team",
        json!({}),
        json!({ admins.clone(): "read" }),
    )
    .await;
    assert_eq!(refused["code"], 403, "{refused}");
    let made = s
        .send_as(
            Method::POST,
            "/file/create",
            &boss.access_token,
            &json!({"uri": "cloudreve://my/Ops", "type": "folder"}),
        )
        .await;
    assert_eq!(made["code"], 0, "{made}");
    let users_group = s.state.ids.encode(2, IdKind::Group);
    let ok = set_grants(
        s,
        &boss,
        "cloudreve://my/Ops",
        json!({}),
        json!({ users_group: "read" }),
    )
    .await;
    assert_eq!(ok["code"], 0, "{ok}");
    let guests_refused = set_grants(
        s,
        &boss,
        "cloudreve://my/Ops",
        json!({}),
        json!({ guests: "read" }),
    )
    .await;
    assert_eq!(guests_refused["code"], 40001, "{guests_refused}");
    let _ = People::id(&p.ann);
}
