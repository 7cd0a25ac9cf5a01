//! `PUT /share`, `POST /share/:id`, `DELETE /share/:id`, `GET /share`, `GET /share/info/:id`
//! and `GET /user/shares/:id`: who may do what, and malformed requests.

use reqwest::Method;
use sea_orm::{ActiveModelTrait, ActiveValue::Set, EntityTrait, IntoActiveModel};
use serde_json::{Value, json};
use stratus_entity::group;
use stratus_server::{
    boolset::{Boolset, group_perm},
    ids::IdKind,
};

use super::{PW, create_share, get_q, info, list, make_tree, send, setup};
use crate::download::uid;

#[tokio::test]
async fn creating_a_share_checks_the_object_and_the_caller() {
    let (server, ann, bob) = setup().await;
    make_tree(&server, &ann).await;
    let ann_hash = ann.user["id"].as_str().unwrap();
    let cases: Vec<(Value, i64)> = vec![
        (
            json!({"uri": "cloudreve://my/Docs", "is_private": true, "password": "a-b"}),
            40001,
        ),
        (
            json!({"uri": "cloudreve://my/Docs", "password": "x".repeat(33)}),
            40001,
        ),
        (
            json!({"uri": "cloudreve://my/Docs", "downloads": -1}),
            40001,
        ),
        (json!({"uri": "cloudreve://my/Docs", "expire": -5}), 40001),
        (
            json!({"uri": "cloudreve://my/Docs", "downloads": "many"}),
            40001,
        ),
        (json!({"is_private": true}), 40001),
        (json!({"uri": "not a uri"}), 40001),
        (json!({"uri": "cloudreve://my"}), 40053),
        (json!({"uri": "cloudreve://my/Nope"}), 404),
        (json!({"uri": "cloudreve://trash"}), 403),
    ];
    for (body, code) in cases {
        let answer = create_share(&server, &ann, body.clone()).await;
        assert_eq!(answer["code"], code, "{body}: {answer}");
    }
    // Another user's object, and no session.
    let theirs = create_share(
        &server,
        &bob,
        json!({"uri": format!("cloudreve://{ann_hash}@my/Docs")}),
    )
    .await;
    // Without a grant, as if nothing were there.
    assert_eq!(theirs["code"], 404, "{theirs}");
    let (status, anon) = server
        .send_api(Method::PUT, "/share", r#"{"uri":"cloudreve://my/Docs"}"#)
        .await;
    assert_eq!((status, anon["code"].clone()), (200, json!(401)), "{anon}");
    // Nothing was created.
    let mine = get_q(&server, Some(&ann), "/share", &[("page_size", "10")]).await;
    assert_eq!(mine["data"]["shares"], json!([]), "{mine}");

    // A group without the share permission.
    let g = group::Entity::find_by_id(2)
        .one(&server.state.db)
        .await
        .unwrap()
        .unwrap();
    let mut active = g.into_active_model();
    active.permissions = Set(Boolset::from_flags(&[group_perm::SHARE_DOWNLOAD]).into_bytes());
    active.update(&server.state.db).await.unwrap();
    let refused = create_share(&server, &ann, json!({"uri": "cloudreve://my/Docs"})).await;
    assert_eq!(refused["code"], 40007, "{refused}");
}

#[tokio::test]
async fn owner_edits_and_others_cannot() {
    let (server, ann, bob) = setup().await;
    make_tree(&server, &ann).await;
    let (id, link) = server
        .share(&ann, "cloudreve://my/Docs", json!({"is_private": true}))
        .await;
    let pw = link.rsplit('/').next().unwrap().to_owned();
    let edit = json!({"uri": "cloudreve://my/Docs", "downloads": 3, "expire": 3600,
                      "share_view": true, "is_private": true, "password": "ignored1"});
    let edited = send(
        &server,
        &ann,
        Method::POST,
        &format!("/share/{id}"),
        edit.clone(),
    )
    .await;
    assert_eq!(edited["code"], 0, "{edited}");
    assert_eq!(edited["data"].as_str().unwrap(), link, "the password stays");
    let shown = info(&server, Some(&ann), &id, &[("owner_extended", "true")]).await;
    assert_eq!(shown["data"]["remain_downloads"], 3, "{shown}");
    assert!(shown["data"]["expires"].is_string());
    assert_eq!(shown["data"]["share_view"], true);
    assert_eq!(shown["data"]["is_private"], true);
    assert_eq!(shown["data"]["password"], pw);
    assert_eq!(shown["data"]["source_uri"], "cloudreve://my/Docs");
    // As Cloudreve: a shared file's source is its folder; clients append the name.
    let (file_share, _) = server
        .share(&ann, "cloudreve://my/Docs/a.txt", json!({}))
        .await;
    let shown = info(
        &server,
        Some(&ann),
        &file_share,
        &[("owner_extended", "true")],
    )
    .await;
    assert_eq!(
        shown["data"]["source_uri"], "cloudreve://my/Docs",
        "{shown}"
    );

    // Limits go back to none with 0.
    let reset = json!({"uri": "cloudreve://my/Docs", "downloads": 0, "expire": 0});
    let edited = send(
        &server,
        &ann,
        Method::POST,
        &format!("/share/{id}"),
        reset.clone(),
    )
    .await;
    assert_eq!(edited["code"], 0, "{edited}");
    let shown = info(&server, Some(&ann), &id, &[]).await;
    assert!(shown["data"].get("remain_downloads").is_none(), "{shown}");
    assert!(shown["data"].get("expires").is_none(), "{shown}");

    let bad = json!({"uri": "cloudreve://my/Docs", "expire": -1});
    let malformed = send(&server, &ann, Method::POST, &format!("/share/{id}"), bad).await;
    assert_eq!(malformed["code"], 40001, "{malformed}");
    let theirs = send(
        &server,
        &bob,
        Method::POST,
        &format!("/share/{id}"),
        edit.clone(),
    )
    .await;
    assert_eq!(theirs["code"], 404, "{theirs}");
    let unknown = send(&server, &ann, Method::POST, "/share/zzzz", edit.clone()).await;
    assert_eq!(unknown["code"], 404, "{unknown}");
    let (_, anon) = server
        .send_api(Method::POST, &format!("/share/{id}"), &edit.to_string())
        .await;
    assert_eq!(anon["code"], 401, "{anon}");
    // Bob changed nothing.
    let shown = info(&server, Some(&ann), &id, &[]).await;
    assert!(shown["data"].get("remain_downloads").is_none(), "{shown}");
}

#[tokio::test]
async fn show_readme_is_kept_by_create_and_edit() {
    let (server, ann, _bob) = setup().await;
    make_tree(&server, &ann).await;
    let (id, link) = server
        .share(
            &ann,
            "cloudreve://my/Docs",
            json!({"show_readme": true, "is_private": true}),
        )
        .await;
    let pw = link.rsplit('/').next().unwrap().to_owned();
    let shown = info(&server, Some(&ann), &id, &[]).await;
    assert_eq!(shown["data"]["show_readme"], true, "{shown}");
    // Only once unlocked.
    let locked = info(&server, None, &id, &[]).await;
    assert!(locked["data"].get("show_readme").is_none(), "{locked}");
    let unlocked = info(&server, None, &id, &[("password", &pw)]).await;
    assert_eq!(unlocked["data"]["show_readme"], true, "{unlocked}");

    let edit = json!({"uri": "cloudreve://my/Docs", "show_readme": false, "is_private": true});
    let edited = send(&server, &ann, Method::POST, &format!("/share/{id}"), edit).await;
    assert_eq!(edited["code"], 0, "{edited}");
    let shown = info(&server, Some(&ann), &id, &[]).await;
    assert!(shown["data"].get("show_readme").is_none(), "{shown}");
    let edit = json!({"uri": "cloudreve://my/Docs", "show_readme": true, "is_private": true});
    let edited = send(&server, &ann, Method::POST, &format!("/share/{id}"), edit).await;
    assert_eq!(edited["code"], 0, "{edited}");
    let shown = info(&server, Some(&ann), &id, &[]).await;
    assert_eq!(shown["data"]["show_readme"], true, "{shown}");
}

/// A password sent without `is_private` protects the share: it is never made public while
/// the caller sent a password. An edit that asks for a password gives one to a public share.
#[tokio::test]
async fn a_password_without_is_private_protects_the_share() {
    let (server, ann, _bob) = setup().await;
    make_tree(&server, &ann).await;
    let locked = |id: String| {
        let server = &server;
        async move {
            let shown = info(server, None, &id, &[]).await;
            assert_eq!(shown["code"], 0, "{shown}");
            let listed = list(server, None, &format!("cloudreve://{id}@share")).await;
            (shown["data"]["unlocked"] == false, listed["code"] == 40069)
        }
    };

    let (id, link) = server
        .share(&ann, "cloudreve://my/Docs", json!({"password": "Secret1"}))
        .await;
    assert!(link.ends_with(&format!("/s/{id}/Secret1")), "{link}");
    assert_eq!(locked(id.clone()).await, (true, true));
    let listed = list(&server, None, &format!("cloudreve://{id}:Secret1@share")).await;
    assert_eq!(listed["code"], 0, "{listed}");

    // Edits: a public share gets the password it is sent, or a generated one for
    // `is_private`; one sent neither stays public.
    let edit = |id: String, extra: Value| {
        let (server, ann) = (&server, &ann);
        async move {
            let mut body = json!({"uri": "cloudreve://my/Docs"});
            body.as_object_mut()
                .unwrap()
                .extend(extra.as_object().unwrap().clone());
            let edited = send(server, ann, Method::POST, &format!("/share/{id}"), body).await;
            assert_eq!(edited["code"], 0, "{edited}");
            edited["data"].as_str().unwrap().to_owned()
        }
    };
    let (public, _) = server.share(&ann, "cloudreve://my/Docs", json!({})).await;
    let link = edit(public.clone(), json!({"downloads": 2})).await;
    assert!(link.ends_with(&format!("/s/{public}")), "{link}");
    assert_eq!(locked(public.clone()).await, (false, false));
    let link = edit(public.clone(), json!({"password": "Later2"})).await;
    assert!(link.ends_with(&format!("/s/{public}/Later2")), "{link}");
    assert_eq!(locked(public.clone()).await, (true, true));

    let (public, _) = server.share(&ann, "cloudreve://my/Docs", json!({})).await;
    let link = edit(public.clone(), json!({"is_private": true})).await;
    let pw = link.rsplit_once(&format!("/s/{public}/")).unwrap().1;
    assert_eq!(pw.len(), 8, "{link}");
    assert_eq!(locked(public).await, (true, true));
}

#[tokio::test]
async fn owner_or_admin_deletes_and_others_cannot() {
    let (server, ann, bob) = setup().await;
    make_tree(&server, &ann).await;
    let (id, _) = server.share(&ann, "cloudreve://my/Docs", json!({})).await;
    let path = format!("/share/{id}");
    let theirs = send(&server, &bob, Method::DELETE, &path, json!({})).await;
    assert_eq!(theirs["code"], 404, "{theirs}");
    let (_, anon) = server.send_api(Method::DELETE, &path, "").await;
    assert_eq!(anon["code"], 401, "{anon}");
    let malformed = send(&server, &ann, Method::DELETE, "/share/!!", json!({})).await;
    assert_eq!(malformed["code"], 404, "{malformed}");
    assert_eq!(info(&server, None, &id, &[]).await["code"], 0);

    let gone = send(&server, &ann, Method::DELETE, &path, json!({})).await;
    assert_eq!(gone, json!({"code": 0, "msg": ""}));
    assert_eq!(info(&server, None, &id, &[]).await["code"], 40058);
    let again = send(&server, &ann, Method::DELETE, &path, json!({})).await;
    assert_eq!(again["code"], 404, "{again}");

    // An administrator may delete anyone's share.
    let (id, _) = server
        .share(&ann, "cloudreve://my/Docs/a.txt", json!({}))
        .await;
    stratus_server::users::create(&server.state.db, "root@example.com", PW, 1)
        .await
        .unwrap();
    let admin = server.login("root@example.com", PW).await;
    let removed = send(
        &server,
        &admin,
        Method::DELETE,
        &format!("/share/{id}"),
        json!({}),
    )
    .await;
    assert_eq!(removed["code"], 0, "{removed}");
    assert_eq!(info(&server, None, &id, &[]).await["code"], 40058);
}

#[tokio::test]
async fn listing_my_shares_pages_by_cursor() {
    let (server, ann, bob) = setup().await;
    make_tree(&server, &ann).await;
    for _ in 0..12 {
        server
            .share(&ann, "cloudreve://my/Docs/a.txt", json!({}))
            .await;
    }
    let first = get_q(&server, Some(&ann), "/share", &[("page_size", "10")]).await;
    assert_eq!(first["code"], 0, "{first}");
    let shares = first["data"]["shares"].as_array().unwrap();
    assert_eq!(shares.len(), 10);
    assert_eq!(shares[0]["name"], "a.txt");
    assert_eq!(shares[0]["is_private"], false);
    let token = first["data"]["pagination"]["next_token"].as_str().unwrap();
    let second = get_q(
        &server,
        Some(&ann),
        "/share",
        &[("page_size", "10"), ("next_page_token", token)],
    )
    .await;
    let rest = second["data"]["shares"].as_array().unwrap();
    assert_eq!(rest.len(), 2, "{second}");
    assert!(second["data"]["pagination"].get("next_token").is_none());
    let mut all: Vec<&Value> = shares.iter().chain(rest).map(|s| &s["id"]).collect();
    all.dedup();
    assert_eq!(all.len(), 12);

    for bad in [
        vec![("page_size", "5")],
        vec![("page_size", "101")],
        vec![],
        vec![("page_size", "10"), ("order_by", "nonsense")],
        vec![("page_size", "10"), ("order_direction", "up")],
        vec![("page_size", "10"), ("next_page_token", "garbage")],
    ] {
        let answer = get_q(&server, Some(&ann), "/share", &bad).await;
        assert_eq!(answer["code"], 40001, "{bad:?}: {answer}");
    }
    let anon = get_q(&server, None, "/share", &[("page_size", "10")]).await;
    assert_eq!(anon["code"], 401);
    let others = get_q(&server, Some(&bob), "/share", &[("page_size", "10")]).await;
    assert_eq!(others["data"]["shares"], json!([]), "{others}");
}

#[tokio::test]
async fn a_users_public_shares() {
    let (server, ann, bob) = setup().await;
    make_tree(&server, &ann).await;
    let (public, _) = server.share(&ann, "cloudreve://my/Docs", json!({})).await;
    server
        .share(
            &ann,
            "cloudreve://my/Docs/a.txt",
            json!({"is_private": true}),
        )
        .await;
    let ann_hash = ann.user["id"].as_str().unwrap();
    let path = format!("/user/shares/{ann_hash}");
    for who in [None, Some(&bob)] {
        let listed = get_q(&server, who, &path, &[("page_size", "10")]).await;
        assert_eq!(listed["code"], 0, "{listed}");
        let ids: Vec<&str> = listed["data"]["shares"]
            .as_array()
            .unwrap()
            .iter()
            .map(|s| s["id"].as_str().unwrap())
            .collect();
        assert_eq!(ids, [public.as_str()]);
    }
    let malformed = get_q(&server, None, "/user/shares/%21%21", &[("page_size", "10")]).await;
    assert_eq!(malformed["code"], 40001, "{malformed}");
    let no_size = get_q(&server, None, &path, &[]).await;
    assert_eq!(no_size["code"], 40001, "{no_size}");
    let nobody = server
        .state
        .ids
        .encode(uid(&server, &bob) + 100, IdKind::User);
    let missing = get_q(
        &server,
        None,
        &format!("/user/shares/{nobody}"),
        &[("page_size", "10")],
    )
    .await;
    assert_eq!(missing["code"], 40021, "{missing}");
}

#[tokio::test]
async fn share_info_of_unknown_shares() {
    let (server, _ann, _bob) = setup().await;
    assert_eq!(info(&server, None, "!!", &[]).await["code"], 40058);
    let unknown = server.state.ids.encode(999, IdKind::Share);
    assert_eq!(info(&server, None, &unknown, &[]).await["code"], 40058);
}
