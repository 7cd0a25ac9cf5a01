//! `GET /share` and `GET /user/shares/:id` over a page of many shares in every state: each
//! listed share is exactly what `GET /share/info/:id` shows its owner for that share alone,
//! whether the page is read whole, by cursor or in ascending order.

use reqwest::Method;
use sea_orm::{
    ActiveModelTrait, ActiveValue::Set, ColumnTrait, EntityTrait, IntoActiveModel, QueryFilter,
};
use serde_json::{Value, json};
use stratus_entity::file;

use super::{get_q, info, send, setup};
use crate::archive::{my, trash, upload};

/// What each share of the fixture is, to check the fields that depend on it.
#[derive(Debug, Clone, Copy, PartialEq)]
enum Kind {
    File,
    Folder,
    Password,
    Expired,
    Trashed,
    Deleted,
    Exhausted,
}

/// A share as a visitor sees it before unlocking it: what a profile lists, without a password
/// asked for.
fn locked(mut shown: Value) -> Value {
    let fields = shown.as_object_mut().unwrap();
    for hidden in [
        "remain_downloads",
        "downloaded",
        "expires",
        "password",
        "show_readme",
        "upload_limit",
        "uploaded",
    ] {
        fields.remove(hidden);
    }
    fields.insert("unlocked".into(), json!(false));
    fields.insert("size".into(), json!(0));
    shown
}

fn shares(listed: &Value) -> Vec<Value> {
    assert_eq!(listed["code"], 0, "{listed}");
    listed["data"]["shares"]
        .as_array()
        .unwrap_or_else(|| panic!("no shares: {listed}"))
        .clone()
}

#[tokio::test]
async fn a_page_of_thirty_shares_in_every_state() {
    let (server, ann, bob) = setup().await;
    let mut made: Vec<(String, Kind, &str)> = Vec::new();
    // Twelve file shares and twelve folder shares, with options that show in the listing.
    for i in 0..12 {
        let file = format!("Files/f{i:02}.txt");
        upload(&server, &ann, &my(&file), &vec![b'x'; i + 1]).await;
        let opts = match i % 3 {
            0 => json!({}),
            1 => json!({"downloads": 5, "expire": 3600}),
            _ => json!({"share_view": true}),
        };
        let (id, _) = server.share(&ann, &my(&file), opts).await;
        made.push((id, Kind::File, "file"));
    }
    for i in 0..12 {
        let folder = format!("Dirs/D{i:02}");
        upload(&server, &ann, &my(&format!("{folder}/in.txt")), b"inside").await;
        let opts = match i % 4 {
            0 => json!({}),
            1 => json!({"share_view": true, "show_readme": true}),
            2 => json!({"upload_only": true, "upload_limit": 4096}),
            _ => json!({"downloads": 2}),
        };
        let (id, _) = server.share(&ann, &my(&folder), opts).await;
        made.push((id, Kind::Folder, "folder"));
    }
    upload(&server, &ann, &my("secret.txt"), b"secret").await;
    let (id, _) = server
        .share(&ann, &my("secret.txt"), json!({"password": "Secret42"}))
        .await;
    made.push((id, Kind::Password, "secret"));
    upload(&server, &ann, &my("old.txt"), b"old").await;
    let (id, _) = server
        .share(&ann, &my("old.txt"), json!({"expire": 3600}))
        .await;
    server
        .edit_share(&id, |s| {
            s.expires = Set(Some(chrono::Utc::now() - chrono::Duration::seconds(1)))
        })
        .await;
    made.push((id, Kind::Expired, "expired"));
    upload(&server, &ann, &my("Bin/t.txt"), b"trashed").await;
    let (id, _) = server.share(&ann, &my("Bin/t.txt"), json!({})).await;
    trash(&server, &ann, &[&my("Bin")]).await;
    made.push((id, Kind::Trashed, "trashed"));
    // A file deleted for good takes its shares with it; one whose row is marked deleted (its
    // blobs not yet purged) leaves its share listed, expired.
    upload(&server, &ann, &my("purged.txt"), b"purged").await;
    server.share(&ann, &my("purged.txt"), json!({})).await;
    let purged = send(
        &server,
        &ann,
        Method::DELETE,
        "/file",
        json!({"uris": [my("purged.txt")], "skip_soft_delete": true}),
    )
    .await;
    assert_eq!(purged["code"], 0, "{purged}");
    upload(&server, &ann, &my("gone.txt"), b"gone").await;
    let (id, _) = server.share(&ann, &my("gone.txt"), json!({})).await;
    let row = file::Entity::find()
        .filter(file::Column::Name.eq("gone.txt"))
        .one(&server.state.db)
        .await
        .unwrap()
        .unwrap();
    let mut gone = row.into_active_model();
    gone.deleted_at = Set(Some(chrono::Utc::now()));
    gone.update(&server.state.db).await.unwrap();
    made.push((id, Kind::Deleted, "deleted"));
    upload(&server, &ann, &my("used.txt"), b"used up").await;
    let (id, _) = server
        .share(&ann, &my("used.txt"), json!({"downloads": 1}))
        .await;
    server
        .edit_share(&id, |s| {
            s.remain_downloads = Set(Some(0));
            s.downloads = Set(1);
        })
        .await;
    made.push((id, Kind::Exhausted, "exhausted"));
    upload(&server, &ann, &my("private.txt"), b"private").await;
    let (id, _) = server
        .share(&ann, &my("private.txt"), json!({"is_private": true}))
        .await;
    made.push((id, Kind::Password, "generated"));
    assert_eq!(made.len(), 30);
    // Some visits, so the counters differ between shares.
    for (id, _, _) in made.iter().step_by(4) {
        let q = [("count_views", "true"), ("password", "Secret42")];
        let seen = info(&server, Some(&bob), id, &q).await;
        assert!(seen["code"] == 0 || seen["code"] == 40058, "{seen}");
    }

    let whole = shares(&get_q(&server, Some(&ann), "/share", &[("page_size", "30")]).await);
    assert_eq!(whole.len(), 30);
    // Newest first: the reverse of the order they were made in.
    let listed_ids: Vec<&str> = whole.iter().map(|s| s["id"].as_str().unwrap()).collect();
    let made_ids: Vec<&str> = made.iter().rev().map(|(id, _, _)| id.as_str()).collect();
    assert_eq!(listed_ids, made_ids);

    let ann_id = ann.user["id"].as_str().unwrap();
    for (listed, (id, kind, what)) in whole.iter().zip(made.iter().rev()) {
        // Every field as the owner's view of that share alone shows it.
        let alone = info(&server, Some(&ann), id, &[("owner_extended", "true")]).await;
        assert_eq!(alone["code"], 0, "{what}: {alone}");
        assert_eq!(listed, &alone["data"], "{what}");

        assert_eq!(listed["owner"]["id"], ann_id, "{what}");
        assert_eq!(listed["unlocked"], true, "{what}");
        assert_eq!(listed["is_private"], *kind == Kind::Password, "{what}");
        let works = matches!(kind, Kind::File | Kind::Folder | Kind::Password);
        assert_eq!(listed["expired"], !works, "{what}: {listed}");
        match kind {
            Kind::Folder => {
                assert_eq!(listed["source_type"], 1, "{what}");
                assert_eq!(listed["size"], 0, "{what}");
                let name = listed["name"].as_str().unwrap();
                assert_eq!(listed["source_uri"], my(&format!("Dirs/{name}")), "{what}");
            }
            Kind::Trashed => {
                assert_eq!(listed["name"], "t.txt", "{what}");
                let source = listed["source_uri"].as_str().unwrap();
                assert!(source.starts_with("cloudreve://trash"), "{what}: {source}");
            }
            Kind::File | Kind::Password | Kind::Expired | Kind::Exhausted | Kind::Deleted => {
                assert_eq!(listed["source_type"], 0, "{what}");
                let name = listed["name"].as_str().unwrap();
                let folder = if name.starts_with('f') {
                    my("Files")
                } else {
                    "cloudreve://my".to_owned()
                };
                assert_eq!(listed["source_uri"], folder, "{what}");
                assert!(listed["size"].as_i64().unwrap() > 0, "{what}");
            }
        }
        if *kind == Kind::Password {
            let pw = listed["password"].as_str().unwrap();
            assert!(listed["url"].as_str().unwrap().ends_with(&format!("/{pw}")));
            assert_eq!(listed["password_protected"], true);
        } else {
            assert!(listed.get("password").is_none(), "{what}: {listed}");
        }
    }
    let exhausted = &whole[1];
    assert_eq!(exhausted["remain_downloads"], 0, "{exhausted}");
    assert_eq!(exhausted["downloaded"], 1, "{exhausted}");

    // By cursor, ten at a time, and in ascending order: the same shares, the same fields.
    let mut paged = Vec::new();
    let mut token: Option<String> = None;
    for _ in 0..3 {
        let mut q = vec![("page_size", "10".to_owned())];
        if let Some(t) = &token {
            q.push(("next_page_token", t.clone()));
        }
        let q: Vec<(&str, &str)> = q.iter().map(|(k, v)| (*k, v.as_str())).collect();
        let page = get_q(&server, Some(&ann), "/share", &q).await;
        paged.extend(shares(&page));
        token = page["data"]["pagination"]["next_token"]
            .as_str()
            .map(str::to_owned);
    }
    assert_eq!(paged, whole);
    let q = [("page_size", "30"), ("order_direction", "asc")];
    let mut ascending = shares(&get_q(&server, Some(&ann), "/share", &q).await);
    ascending.reverse();
    assert_eq!(ascending, whole);

    // A profile lists the working shares only: without a password by default, all of them
    // with `all_share`; each as the visitor's view of that share alone shows it.
    let path = format!("/user/shares/{ann_id}");
    for (setting, with_password) in [("", false), ("all_share", true)] {
        if !setting.is_empty() {
            let set = send(
                &server,
                &ann,
                Method::PATCH,
                "/user/setting",
                json!({"share_links_in_profile": setting}),
            )
            .await;
            assert_eq!(set["code"], 0, "{set}");
        }
        let profile = shares(&get_q(&server, Some(&bob), &path, &[("page_size", "30")]).await);
        let expected: Vec<&str> = made
            .iter()
            .rev()
            .filter(|(_, kind, _)| match kind {
                Kind::File | Kind::Folder => true,
                Kind::Password => with_password,
                _ => false,
            })
            .map(|(id, _, _)| id.as_str())
            .collect();
        let ids: Vec<&str> = profile.iter().map(|s| s["id"].as_str().unwrap()).collect();
        assert_eq!(ids, expected, "{setting:?}");
        for listed in &profile {
            let id = listed["id"].as_str().unwrap();
            let alone = info(&server, Some(&bob), id, &[]).await;
            assert_eq!(listed, &locked(alone["data"].clone()), "{setting:?}");
        }
    }
}
