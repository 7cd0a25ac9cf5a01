//! Visiting shares through `GET /file`, `/file/info` and `/file/url`, anonymously and signed
//! in, and what makes a share stop working.

use reqwest::Method;
use sea_orm::{ActiveModelTrait, ActiveValue::Set, EntityTrait, IntoActiveModel};
use serde_json::json;
use stratus_entity::{group, user};
use stratus_server::{
    boolset::{Boolset, group_perm},
    users,
};

use super::{A, B, anon_get, download, file_url, info, list, make_tree, names, send, setup};

#[tokio::test]
async fn anonymous_visitor_browses_a_folder_share_and_downloads() {
    let (server, ann, _bob) = setup().await;
    make_tree(&server, &ann).await;
    let (id, link) = server.share(&ann, "cloudreve://my/Docs", json!({})).await;
    assert!(link.ends_with(&format!("/s/{id}")), "{link}");
    let root = format!("cloudreve://{id}@share");

    let listing = list(&server, None, &root).await;
    assert_eq!(listing["code"], 0, "{listing}");
    assert_eq!(names(&listing), ["Sub", "a.txt"]);
    assert_eq!(listing["data"]["props"]["capability"], "gIaYAQ==");
    let a = &listing["data"]["files"]
        .as_array()
        .unwrap()
        .iter()
        .find(|f| f["name"] == "a.txt")
        .unwrap()
        .clone();
    assert_eq!(a["path"], format!("{root}/a.txt"));
    assert_eq!(a["owned"], false);
    assert_eq!(listing["data"]["storage_policy"], serde_json::Value::Null);

    let sub = list(&server, None, &format!("{root}/Sub")).await;
    assert_eq!(names(&sub), ["b.txt"]);

    assert_eq!(download(&server, None, &format!("{root}/a.txt")).await, A);
    assert_eq!(
        download(&server, None, &format!("{root}/Sub/b.txt")).await,
        B
    );

    let described = anon_get(&server, "/file/info", &[("uri", &format!("{root}/a.txt"))]).await;
    assert_eq!(described["code"], 0, "{described}");
    assert_eq!(described["data"]["name"], "a.txt");
    assert_eq!(described["data"]["size"], A.len());

    // Nothing beside the shared folder can be named.
    let outside = list(&server, None, &format!("{root}/top.txt")).await;
    assert_eq!(outside["code"], 404, "{outside}");

    // Every file downloaded from a folder share counts.
    let shown = info(&server, None, &id, &[("count_views", "true")]).await;
    assert_eq!(shown["code"], 0, "{shown}");
    assert_eq!(shown["data"]["downloaded"], 2);
    assert_eq!(shown["data"]["visited"], 1);
    assert_eq!(shown["data"]["unlocked"], true);
    assert_eq!(shown["data"]["name"], "Docs");
    assert_eq!(shown["data"]["source_type"], 1);
    assert_eq!(shown["data"]["expired"], false);
    assert!(shown["data"].get("is_private").is_none(), "{shown}");
    assert!(shown["data"]["owner"].get("email").is_none(), "{shown}");
}

#[tokio::test]
async fn single_file_share_shows_the_file_only() {
    let (server, ann, bob) = setup().await;
    make_tree(&server, &ann).await;
    let (id, _) = server
        .share(&ann, "cloudreve://my/Docs/a.txt", json!({}))
        .await;
    let root = format!("cloudreve://{id}@share");

    let listing = list(&server, Some(&bob), &root).await;
    assert_eq!(listing["code"], 0, "{listing}");
    assert_eq!(names(&listing), ["a.txt"]);
    assert_eq!(listing["data"]["single_file_view"], true);
    // The file's siblings stay hidden.
    let sibling = list(&server, Some(&bob), &format!("{root}/Sub")).await;
    assert_eq!(sibling["code"], 404, "{sibling}");
    let sibling = file_url(&server, None, &[&format!("{root}/top.txt")]).await;
    assert_eq!(sibling["code"], 404, "{sibling}");

    // The folder around the file is not summed up for visitors.
    let described = super::get_q(
        &server,
        Some(&bob),
        "/file/info",
        &[("uri", &root), ("folder_summary", "true")],
    )
    .await;
    assert_eq!(described["code"], 40082, "{described}");

    assert_eq!(
        download(&server, Some(&bob), &format!("{root}/a.txt")).await,
        A
    );
    let shown = info(&server, Some(&bob), &id, &[]).await;
    assert_eq!(shown["data"]["source_type"], 0);
    assert_eq!(shown["data"]["downloaded"], 1);
    // Signed-in visitors see the owner's e-mail, as with /user/info.
    assert_eq!(shown["data"]["owner"]["email"], "ann@example.com");

    // The owner's own downloads are not counted.
    assert_eq!(
        download(&server, Some(&ann), &format!("{root}/a.txt")).await,
        A
    );
    let shown = info(&server, Some(&ann), &id, &[]).await;
    assert_eq!(shown["data"]["downloaded"], 1);
}

#[tokio::test]
async fn folder_totals_are_the_owners_only() {
    let (server, ann, bob) = setup().await;
    make_tree(&server, &ann).await;
    let (id, _) = server.share(&ann, "cloudreve://my/Docs", json!({})).await;
    let root = format!("cloudreve://{id}@share");
    let summary = |s: Option<&'static str>, uri: String| {
        let (server, who) = (&server, s.map(|w| if w == "ann" { &ann } else { &bob }));
        async move {
            super::get_q(
                server,
                who,
                "/file/info",
                &[("uri", &uri), ("folder_summary", "true")],
            )
            .await
        }
    };
    // A visitor, signed in or not, at the share's root or below: 40082, as Cloudreve.
    for (who, uri) in [
        (Some("bob"), root.clone()),
        (None, root.clone()),
        (Some("bob"), format!("{root}/Sub")),
    ] {
        let refused = summary(who, uri).await;
        assert_eq!(refused["code"], 40082, "{refused}");
        assert_eq!(refused["msg"], "Only the owner can do this", "{refused}");
    }
    // The same info without the totals still answers the visitor.
    let plain = super::get_q(&server, Some(&bob), "/file/info", &[("uri", &root)]).await;
    assert_eq!(plain["code"], 0, "{plain}");
    // The owner gets the totals through the share and through her drive.
    for uri in [root.clone(), "cloudreve://my/Docs".to_owned()] {
        let own = summary(Some("ann"), uri).await;
        assert_eq!(own["code"], 0, "{own}");
        let totals = &own["data"]["folder_summary"];
        assert_eq!(totals["files"], 2, "{own}");
        assert_eq!(totals["folders"], 1, "{own}");
        assert_eq!(totals["size"], A.len() + B.len(), "{own}");
    }
}

#[tokio::test]
async fn escapes_inside_a_share_uri_are_refused() {
    let (server, ann, _bob) = setup().await;
    make_tree(&server, &ann).await;
    let (id, _) = server
        .share(&ann, "cloudreve://my/Docs/Sub", json!({}))
        .await;
    for path in [
        "..",
        "../a.txt",
        "%2e%2e",
        "%2E%2E/a.txt",
        "..%2Fa.txt",
        "%2e%2e%2f..%2ftop.txt",
        "..%5Ca.txt",
        "b.txt/../../a.txt",
        ".",
        "%00",
    ] {
        let uri = format!("cloudreve://{id}@share/{path}");
        let listed = list(&server, None, &uri).await;
        assert_eq!(listed["code"], 40052, "{uri}: {listed}");
        let signed = file_url(&server, None, &[&uri]).await;
        assert_eq!(signed["code"], 40052, "{uri}: {signed}");
    }
    // A share id that is not one.
    let bad = list(&server, None, "cloudreve://nope@share").await;
    assert_eq!(bad["code"], 40058, "{bad}");
    let missing = list(&server, None, "cloudreve://share").await;
    assert_eq!(missing["code"], 40001, "{missing}");
}

#[tokio::test]
async fn password_share_is_locked_until_unlocked() {
    let (server, ann, bob) = setup().await;
    make_tree(&server, &ann).await;
    let (id, link) = server
        .share(
            &ann,
            "cloudreve://my/Docs",
            json!({"is_private": true, "downloads": 5, "expire": 3600}),
        )
        .await;
    let pw = link.rsplit('/').next().unwrap().to_owned();
    assert_eq!(pw.len(), 8, "{link}");
    assert!(
        pw.bytes()
            .all(|b| b.is_ascii_lowercase() || b.is_ascii_digit())
    );

    let locked = info(&server, None, &id, &[]).await;
    assert_eq!(locked["code"], 0, "{locked}");
    assert_eq!(locked["data"]["unlocked"], false);
    for hidden in ["password", "expires", "remain_downloads", "downloaded"] {
        assert!(locked["data"].get(hidden).is_none(), "{hidden}: {locked}");
    }
    assert!(!locked["data"]["url"].as_str().unwrap().contains(&pw));
    let wrong = info(&server, None, &id, &[("password", "wrongpass")]).await;
    assert_eq!(wrong["code"], 0, "{wrong}");
    assert_eq!(wrong["data"]["unlocked"], false, "{wrong}");
    assert!(wrong["data"].get("password").is_none(), "{wrong}");
    let unlocked = info(&server, None, &id, &[("password", &pw)]).await;
    assert_eq!(unlocked["data"]["unlocked"], true, "{unlocked}");
    assert_eq!(unlocked["data"]["password"], pw);
    assert_eq!(unlocked["data"]["remain_downloads"], 5);
    assert!(unlocked["data"]["expires"].is_string());

    for who in [None, Some(&bob)] {
        let no_pw = list(&server, who, &format!("cloudreve://{id}@share")).await;
        assert_eq!(no_pw["code"], 40069, "{no_pw}");
        let bad = list(&server, who, &format!("cloudreve://{id}:nothere1@share")).await;
        assert_eq!(bad["code"], 40069, "{bad}");
        let good = list(&server, who, &format!("cloudreve://{id}:{pw}@share")).await;
        assert_eq!(good["code"], 0, "{good}");
        let got = download(&server, who, &format!("cloudreve://{id}:{pw}@share/a.txt")).await;
        assert_eq!(got, A);
    }
    // The owner needs no password.
    let own = list(&server, Some(&ann), &format!("cloudreve://{id}@share")).await;
    assert_eq!(own["code"], 0, "{own}");
    assert_eq!(own["data"]["files"][0]["owned"], true);

    // A chosen password is kept as given.
    let (_, link) = server
        .share(
            &ann,
            "cloudreve://my/Docs/a.txt",
            json!({"is_private": true, "password": "Secret42"}),
        )
        .await;
    assert!(link.ends_with("/Secret42"), "{link}");
}

#[tokio::test]
async fn expired_share_stops_working() {
    let (server, ann, _bob) = setup().await;
    make_tree(&server, &ann).await;
    let (id, _) = server
        .share(&ann, "cloudreve://my/Docs", json!({"expire": 3600}))
        .await;
    let root = format!("cloudreve://{id}@share");
    assert_eq!(list(&server, None, &root).await["code"], 0);
    server
        .edit_share(&id, |s| {
            s.expires = Set(Some(chrono::Utc::now() - chrono::Duration::seconds(1)))
        })
        .await;
    assert_eq!(list(&server, None, &root).await["code"], 40058);
    assert_eq!(
        file_url(&server, None, &[&format!("{root}/a.txt")]).await["code"],
        40058
    );
    assert_eq!(info(&server, None, &id, &[]).await["code"], 40058);
    // Its owner still sees it, marked expired.
    let own = info(&server, Some(&ann), &id, &[]).await;
    assert_eq!(own["code"], 0, "{own}");
    assert_eq!(own["data"]["expired"], true);
}

#[tokio::test]
async fn exhausted_downloads_stop_the_share() {
    let (server, ann, bob) = setup().await;
    make_tree(&server, &ann).await;
    let (id, _) = server
        .share(&ann, "cloudreve://my/Docs/a.txt", json!({"downloads": 1}))
        .await;
    let file = format!("cloudreve://{id}@share/a.txt");
    assert_eq!(download(&server, Some(&bob), &file).await, A);
    assert_eq!(file_url(&server, Some(&bob), &[&file]).await["code"], 40058);
    assert_eq!(
        list(&server, None, &format!("cloudreve://{id}@share")).await["code"],
        40058
    );
    let own = info(&server, Some(&ann), &id, &[]).await;
    assert_eq!(own["data"]["remain_downloads"], 0, "{own}");
    assert_eq!(own["data"]["downloaded"], 1);
    assert_eq!(own["data"]["expired"], true);
}

#[tokio::test]
async fn trashing_the_file_stops_the_share() {
    let (server, ann, _bob) = setup().await;
    make_tree(&server, &ann).await;
    let (id, _) = server
        .share(&ann, "cloudreve://my/Docs/Sub", json!({}))
        .await;
    let root = format!("cloudreve://{id}@share");
    assert_eq!(list(&server, None, &root).await["code"], 0);
    // Trashing a folder above the shared one is enough.
    let trashed = send(
        &server,
        &ann,
        Method::DELETE,
        "/file",
        json!({"uris": ["cloudreve://my/Docs"]}),
    )
    .await;
    assert_eq!(trashed["code"], 0, "{trashed}");
    assert_eq!(list(&server, None, &root).await["code"], 40058);
    assert_eq!(info(&server, None, &id, &[]).await["code"], 40058);
}

#[tokio::test]
async fn banning_the_owner_stops_the_share() {
    let (server, ann, bob) = setup().await;
    make_tree(&server, &ann).await;
    let (id, _) = server.share(&ann, "cloudreve://my/Docs", json!({})).await;
    let root = format!("cloudreve://{id}@share");
    assert_eq!(list(&server, Some(&bob), &root).await["code"], 0);
    let owner = users::find_by_email(&server.state.db, "ann@example.com")
        .await
        .unwrap()
        .unwrap();
    let mut active: user::ActiveModel = owner.into();
    active.status = Set(user::status::MANUAL_BANNED.to_owned());
    active.update(&server.state.db).await.unwrap();
    assert_eq!(list(&server, Some(&bob), &root).await["code"], 40058);
    assert_eq!(list(&server, None, &root).await["code"], 40058);
}

#[tokio::test]
async fn visitors_need_the_share_permission_of_their_group() {
    let (server, ann, bob) = setup().await;
    make_tree(&server, &ann).await;
    let (id, _) = server.share(&ann, "cloudreve://my/Docs", json!({})).await;
    let root = format!("cloudreve://{id}@share");
    for (gid, keep) in [
        (3, vec![group_perm::IS_ANONYMOUS]),
        (2, vec![group_perm::SHARE]),
    ] {
        let g = group::Entity::find_by_id(gid)
            .one(&server.state.db)
            .await
            .unwrap()
            .unwrap();
        let mut active = g.into_active_model();
        active.permissions = Set(Boolset::from_flags(&keep).into_bytes());
        active.update(&server.state.db).await.unwrap();
    }
    // Cloudreve 4.6: an anonymous visitor is told sign-in may help (40088), not 401.
    let anon = list(&server, None, &root).await;
    assert_eq!(anon["code"], 40088, "{anon}");
    assert_eq!(list(&server, Some(&bob), &root).await["code"], 403);
}

#[tokio::test]
async fn short_links_redirect_to_the_explorer() {
    let (server, _ann, _bob) = setup().await;
    for (path, location) in [
        ("/s/AbC1", "/home?path=cloudreve%3A%2F%2FAbC1%40share"),
        (
            "/s/AbC1/pw12",
            "/home?path=cloudreve%3A%2F%2FAbC1%3Apw12%40share",
        ),
    ] {
        let resp = server.client.get(server.url(path)).send().await.unwrap();
        assert_eq!(resp.status(), 302, "{path}");
        assert_eq!(resp.headers()["location"], location, "{path}");
    }
}

#[tokio::test]
async fn the_owners_view_is_shown_only_with_share_view() {
    let (server, ann, _bob) = setup().await;
    make_tree(&server, &ann).await;
    let view = json!({"uri": "cloudreve://my/Docs", "view": {"page_size": 60, "view": "list"}});
    let stored = send(&server, &ann, Method::PATCH, "/file/view", view).await;
    assert_eq!(stored["code"], 0, "{stored}");
    let (id, _) = server.share(&ann, "cloudreve://my/Docs", json!({})).await;
    let root = format!("cloudreve://{id}@share");
    let listing = list(&server, None, &root).await;
    assert_eq!(listing["data"]["view"]["page_size"], 100, "{listing}");
    let edit = json!({"uri": "cloudreve://my/Docs", "share_view": true});
    let edited = send(&server, &ann, Method::POST, &format!("/share/{id}"), edit).await;
    assert_eq!(edited["code"], 0, "{edited}");
    let listing = list(&server, None, &root).await;
    assert_eq!(listing["data"]["view"]["page_size"], 60, "{listing}");
    assert_eq!(listing["data"]["view"]["view"], "list");
    // Only a folder's own view is shown: Sub has none.
    let sub = list(&server, None, &format!("{root}/Sub")).await;
    assert_eq!(sub["data"]["view"]["page_size"], 100, "{sub}");
}

/// A content URL handed out through a share is bound to it: it stops as soon as the share is
/// deleted, and cannot be unbound by dropping the share from the URL.
#[tokio::test]
async fn content_urls_of_a_share_stop_with_the_share() {
    let (server, ann, _bob) = setup().await;
    make_tree(&server, &ann).await;
    let (id, _) = server.share(&ann, "cloudreve://my/Docs", json!({})).await;
    let answer = file_url(&server, None, &[&format!("cloudreve://{id}@share/a.txt")]).await;
    assert_eq!(answer["code"], 0, "{answer}");
    let url = answer["data"]["urls"][0]["url"]
        .as_str()
        .unwrap()
        .to_owned();
    assert!(url.contains(&format!("share={id}")), "{url}");
    let fetched = server.client.get(&url).send().await.unwrap();
    assert_eq!(fetched.status(), 200);
    assert_eq!(fetched.bytes().await.unwrap().as_ref(), A);

    let unbound = url.replace(&format!("share={id}&"), "");
    assert_ne!(unbound, url);
    let stripped = server.client.get(&unbound).send().await.unwrap();
    assert_eq!(stripped.status(), 403);

    let deleted = send(
        &server,
        &ann,
        Method::DELETE,
        &format!("/share/{id}"),
        json!({}),
    )
    .await;
    assert_eq!(deleted["code"], 0, "{deleted}");
    let after = server.client.get(&url).send().await.unwrap();
    assert_eq!(after.status(), 404);
    let body = stratus_tests::envelope(after).await;
    assert_eq!(body["code"], 40058, "{body}");
}
