//! What Cloudreve added to shares up to 4.18: batch `DELETE /share`, the share object's
//! `password_protected`, `size` and password-less `url` while locked, `share_links_in_profile`
//! on `GET /user/shares/:id`, and `/s/:id?path=` for Cloudreve 3 links.

use reqwest::Method;
use serde_json::{Value, json};
use stratus_tests::{Session, TestServer};

use super::{A, info, make_tree, send, setup};

async fn profile(server: &TestServer, s: Option<&Session>, owner: &Session) -> Value {
    let id = owner.user["id"].as_str().unwrap();
    super::get_q(
        server,
        s,
        &format!("/user/shares/{id}"),
        &[("page_size", "10")],
    )
    .await
}

fn names(list: &Value) -> Vec<String> {
    let mut names: Vec<String> = list["data"]["shares"]
        .as_array()
        .unwrap_or_else(|| panic!("{list}"))
        .iter()
        .map(|s| s["name"].as_str().unwrap().to_owned())
        .collect();
    names.sort();
    names
}

#[tokio::test]
async fn batch_delete_removes_only_the_callers_shares() {
    let (server, ann, bob) = setup().await;
    make_tree(&server, &ann).await;
    make_tree(&server, &bob).await;
    let (a1, _) = server.share(&ann, "cloudreve://my/Docs", json!({})).await;
    let (a2, _) = server
        .share(&ann, "cloudreve://my/top.txt", json!({}))
        .await;
    let (b1, _) = server.share(&bob, "cloudreve://my/Docs", json!({})).await;
    // An undecodable id refuses the whole request.
    let bad = send(
        &server,
        &ann,
        Method::DELETE,
        "/share",
        json!({"ids": [a1, "!!"]}),
    )
    .await;
    assert_eq!(bad["code"], 40001, "{bad}");
    assert_eq!(info(&server, Some(&ann), &a1, &[]).await["code"], 0);
    let missing = send(&server, &ann, Method::DELETE, "/share", json!({})).await;
    assert_eq!(missing["code"], 40001, "{missing}");

    let done = send(
        &server,
        &ann,
        Method::DELETE,
        "/share",
        json!({"ids": [a1, a2, b1]}),
    )
    .await;
    assert_eq!(done, json!({"code": 0, "msg": ""}), "{done}");
    for id in [&a1, &a2] {
        let gone = info(&server, Some(&ann), id, &[]).await;
        assert_eq!(gone["code"], 40058, "{id}: {gone}");
    }
    // Bob's share is left alone.
    assert_eq!(info(&server, None, &b1, &[]).await["code"], 0);
    let (status, anon) = server
        .send_api(Method::DELETE, "/share", &json!({"ids": [b1]}).to_string())
        .await;
    assert_eq!((status, anon["code"].clone()), (200, json!(401)), "{anon}");
}

#[tokio::test]
async fn the_share_object_tells_a_password_without_showing_it() {
    let (server, ann, bob) = setup().await;
    make_tree(&server, &ann).await;
    let (id, link) = server
        .share(
            &ann,
            "cloudreve://my/Docs/a.txt",
            json!({"password": "Secret1"}),
        )
        .await;
    assert!(link.ends_with("/Secret1"), "{link}");
    let locked = info(&server, Some(&bob), &id, &[]).await;
    assert_eq!(locked["code"], 0, "{locked}");
    let d = &locked["data"];
    assert_eq!(d["password_protected"], true, "{locked}");
    assert_eq!(d["size"], 0, "{locked}");
    assert_eq!(d["unlocked"], false);
    assert!(
        d["url"].as_str().unwrap().ends_with(&format!("/s/{id}")),
        "{locked}"
    );
    assert!(d.get("password").is_none());

    let open = info(&server, Some(&bob), &id, &[("password", "Secret1")]).await;
    let d = &open["data"];
    assert_eq!(d["unlocked"], true, "{open}");
    assert_eq!(d["size"], A.len(), "{open}");
    assert!(d["url"].as_str().unwrap().ends_with("/Secret1"), "{open}");

    // A public folder share: no flag, size 0.
    let (folder, _) = server.share(&ann, "cloudreve://my/Docs", json!({})).await;
    let shown = info(&server, None, &folder, &[]).await;
    assert!(shown["data"].get("password_protected").is_none(), "{shown}");
    assert_eq!(shown["data"]["size"], 0, "{shown}");
}

#[tokio::test]
async fn a_profile_lists_shares_as_its_owner_chose() {
    let (server, ann, bob) = setup().await;
    make_tree(&server, &ann).await;
    server.share(&ann, "cloudreve://my/Docs", json!({})).await;
    server
        .share(
            &ann,
            "cloudreve://my/top.txt",
            json!({"password": "Secret1"}),
        )
        .await;
    let setting = |value: &str| json!({"share_links_in_profile": value});

    let listed = profile(&server, Some(&bob), &ann).await;
    assert_eq!(names(&listed), ["Docs"], "{listed}");

    let set = send(
        &server,
        &ann,
        Method::PATCH,
        "/user/setting",
        setting("all_share"),
    )
    .await;
    assert_eq!(set["code"], 0, "{set}");
    let mine = server.get_as("/user/setting", &ann.access_token).await;
    assert_eq!(mine["data"]["share_links_in_profile"], "all_share");
    let listed = profile(&server, None, &ann).await;
    assert_eq!(names(&listed), ["Docs", "top.txt"], "{listed}");
    let protected = listed["data"]["shares"]
        .as_array()
        .unwrap()
        .iter()
        .find(|s| s["name"] == "top.txt")
        .unwrap();
    assert_eq!(protected["password_protected"], true);
    assert!(
        !protected["url"].as_str().unwrap().contains("Secret1"),
        "{protected}"
    );
    assert!(protected.get("password").is_none());

    let set = send(
        &server,
        &ann,
        Method::PATCH,
        "/user/setting",
        setting("hide_share"),
    )
    .await;
    assert_eq!(set["code"], 0, "{set}");
    let hidden = profile(&server, Some(&bob), &ann).await;
    assert_eq!(hidden["code"], 40001, "{hidden}");
    assert_eq!(hidden["msg"], "User has disabled share links in profile");

    // Only the three values are kept.
    let bad = send(
        &server,
        &ann,
        Method::PATCH,
        "/user/setting",
        setting("everything"),
    )
    .await;
    assert_eq!(bad["code"], 40001, "{bad}");
    let mine = server.get_as("/user/setting", &ann.access_token).await;
    assert_eq!(mine["data"]["share_links_in_profile"], "hide_share");
    let me = server.get_as("/user/me", &ann.access_token).await;
    assert_eq!(me["data"]["share_links_in_profile"], "hide_share", "{me}");

    let set = send(&server, &ann, Method::PATCH, "/user/setting", setting("")).await;
    assert_eq!(set["code"], 0, "{set}");
    let listed = profile(&server, Some(&bob), &ann).await;
    assert_eq!(names(&listed), ["Docs"], "{listed}");
}

#[tokio::test]
async fn cloudreve_3_links_open_a_folder_inside_the_share() {
    let (server, _ann, _bob) = setup().await;
    for (path, location) in [
        (
            "/s/AbC1?path=/Sub/Deeper",
            "/home?path=cloudreve%3A%2F%2FAbC1%40share%2FSub%2FDeeper",
        ),
        (
            "/s/AbC1/pw12?path=%2FSub&lang=en",
            "/home?path=cloudreve%3A%2F%2FAbC1%3Apw12%40share%2FSub&lang=en",
        ),
        // A path no folder can have leaves the share's root.
        (
            "/s/AbC1?path=/../x",
            "/home?path=cloudreve%3A%2F%2FAbC1%40share",
        ),
    ] {
        let resp = server.client.get(server.url(path)).send().await.unwrap();
        assert_eq!(resp.status(), 302, "{path}");
        assert_eq!(resp.headers()["location"], location, "{path}");
    }
}

/// Cloudreve 4.12: every download through a share counts, files deep inside a shared folder
/// too, on shares with and without a limit.
#[tokio::test]
async fn downloads_of_files_inside_a_shared_folder_count() {
    let (server, ann, _bob) = setup().await;
    make_tree(&server, &ann).await;
    let (open, _) = server.share(&ann, "cloudreve://my/Docs", json!({})).await;
    let (limited, _) = server
        .share(&ann, "cloudreve://my/Docs", json!({"downloads": 5}))
        .await;
    for id in [&open, &limited] {
        for path in ["a.txt", "Sub/b.txt"] {
            super::url_of(&server, None, &format!("cloudreve://{id}@share/{path}")).await;
        }
        let shown = info(&server, Some(&ann), id, &[]).await;
        assert_eq!(shown["data"]["downloaded"], 2, "{shown}");
    }
    let shown = info(&server, Some(&ann), &limited, &[]).await;
    assert_eq!(shown["data"]["remain_downloads"], 3, "{shown}");
}
