//! Upload-only shares (deviations §5): visitors drop files into the shared folder through
//! `PUT /share/upload/:id`; the files land in the owner's folder, charged to the owner, never
//! replacing a file; the share cannot be listed or downloaded; its cap and the per-address
//! limit hold; a share that takes no uploads refuses them.

use chrono::Utc;
use reqwest::Method;
use sea_orm::{ActiveValue::Set, EntityTrait};
use serde_json::{Value, json};
use stratus_entity::{event, share, user};
use stratus_server::events::kind;
use stratus_tests::{Session, TestServer, envelope};

use super::{A, PW, download, file_url, info, list, make_tree, names, setup, share_db_id};

/// `PUT /share/upload/:id?name=` with `bytes`, as `s` or anonymously, from `ip` when given.
async fn drop_file(
    server: &TestServer,
    s: Option<&Session>,
    id: &str,
    name: &str,
    bytes: &[u8],
    ip: Option<&str>,
) -> (u16, Value) {
    let path = format!("/share/upload/{id}");
    let mut req = match s {
        None => server.client.put(server.api(&path)),
        Some(s) => server.request_as(Method::PUT, &path, &s.access_token),
    };
    if let Some(ip) = ip {
        req = req.header("x-forwarded-for", ip);
    }
    let resp = req
        .query(&[("name", name)])
        .body(bytes.to_vec())
        .send()
        .await
        .unwrap();
    let status = resp.status().as_u16();
    (status, envelope(resp).await)
}

/// Ann's upload-only share of `Docs`, with `extra` options; its id.
async fn upload_share(server: &TestServer, ann: &Session, extra: Value) -> String {
    let mut body = json!({"upload_only": true});
    body.as_object_mut()
        .unwrap()
        .extend(extra.as_object().unwrap().clone());
    server.share(ann, "cloudreve://my/Docs", body).await.0
}

async fn storage(server: &TestServer, email: &str) -> i64 {
    user::Entity::find()
        .all(&server.state.db)
        .await
        .unwrap()
        .into_iter()
        .find(|u| u.email == email)
        .unwrap()
        .storage
}

async fn uploaded(server: &TestServer, id: &str) -> i64 {
    share::Entity::find_by_id(share_db_id(server, id))
        .one(&server.state.db)
        .await
        .unwrap()
        .unwrap()
        .uploaded
}

#[tokio::test]
async fn a_visitor_upload_lands_in_the_owners_folder_without_replacing() {
    let (server, ann, _) = setup().await;
    make_tree(&server, &ann).await;
    let id = upload_share(&server, &ann, json!({})).await;
    let before = storage(&server, "ann@example.com").await;

    let (status, body) = drop_file(&server, None, &id, "drop.txt", b"hello", None).await;
    assert_eq!((status, body["code"].clone()), (200, json!(0)), "{body}");
    assert_eq!(body["data"], json!({"name": "drop.txt", "size": 5}));
    // Taken names get a number: neither the owner's file nor the first drop is replaced.
    let (_, again) = drop_file(&server, None, &id, "drop.txt", b"second", None).await;
    assert_eq!(again["data"]["name"], "drop (1).txt", "{again}");
    let (_, clash) = drop_file(&server, None, &id, "a.txt", b"not alpha", None).await;
    assert_eq!(clash["data"]["name"], "a (1).txt", "{clash}");

    let mine = list(&server, Some(&ann), "cloudreve://my/Docs").await;
    assert_eq!(
        names(&mine),
        ["Sub", "a (1).txt", "a.txt", "drop (1).txt", "drop.txt"]
    );
    assert_eq!(
        download(&server, Some(&ann), "cloudreve://my/Docs/a.txt").await,
        A
    );
    assert_eq!(
        download(&server, Some(&ann), "cloudreve://my/Docs/drop.txt").await,
        b"hello"
    );
    // Charged to the sharer, and counted on the share.
    assert_eq!(
        storage(&server, "ann@example.com").await,
        before + 5 + 6 + 9
    );
    assert_eq!(uploaded(&server, &id).await, 20);
    let shown = info(&server, None, &id, &[]).await;
    assert_eq!(shown["data"]["upload_only"], true, "{shown}");
}

#[tokio::test]
async fn an_upload_only_share_cannot_be_listed_or_downloaded() {
    let (server, ann, bob) = setup().await;
    make_tree(&server, &ann).await;
    let id = upload_share(&server, &ann, json!({})).await;
    let root = format!("cloudreve://{id}@share");
    for s in [None, Some(&bob)] {
        let listed = list(&server, s, &root).await;
        assert_eq!(listed["code"], 403, "{listed}");
        assert!(
            listed["msg"]
                .as_str()
                .unwrap()
                .contains("only accepts uploads"),
            "{listed}"
        );
        let url = file_url(&server, s, &[&format!("{root}/a.txt")]).await;
        assert_eq!(url["code"], 403, "{url}");
    }
    // Only a folder takes uploads.
    let made = super::create_share(
        &server,
        &ann,
        json!({"uri": "cloudreve://my/top.txt", "upload_only": true}),
    )
    .await;
    assert_eq!(made["code"], 40001, "{made}");
}

#[tokio::test]
async fn the_share_cap_is_enforced() {
    let (server, ann, _) = setup().await;
    make_tree(&server, &ann).await;
    let id = upload_share(&server, &ann, json!({"upload_limit": 10})).await;
    let (_, first) = drop_file(&server, None, &id, "one.bin", &[1; 8], None).await;
    assert_eq!(first["code"], 0, "{first}");
    let before = storage(&server, "ann@example.com").await;
    let (_, over) = drop_file(&server, None, &id, "two.bin", &[2; 5], None).await;
    assert_eq!(over["code"], 40051, "{over}");
    assert_eq!(uploaded(&server, &id).await, 8);
    assert_eq!(storage(&server, "ann@example.com").await, before);
    let mine = list(&server, Some(&ann), "cloudreve://my/Docs").await;
    assert!(!names(&mine).contains(&"two.bin".to_owned()));
    // What is left still fits.
    let (_, last) = drop_file(&server, None, &id, "three.bin", &[3; 2], None).await;
    assert_eq!(last["code"], 0, "{last}");
    let shown = info(&server, Some(&ann), &id, &[]).await;
    assert_eq!(
        (
            shown["data"]["upload_limit"].clone(),
            shown["data"]["uploaded"].clone()
        ),
        (json!(10), json!(10)),
        "{shown}"
    );
}

#[tokio::test]
async fn names_that_leave_the_folder_are_refused() {
    let (server, ann, _) = setup().await;
    make_tree(&server, &ann).await;
    let id = upload_share(&server, &ann, json!({})).await;
    for name in ["..", "../escape.txt", "Sub/b.txt", "", "."] {
        let (_, body) = drop_file(&server, None, &id, name, b"x", None).await;
        assert_ne!(body["code"], 0, "{name:?}: {body}");
    }
    assert_eq!(uploaded(&server, &id).await, 0);
    let mine = list(&server, Some(&ann), "cloudreve://my").await;
    assert_eq!(names(&mine), ["Docs", "top.txt"]);
    let docs = list(&server, Some(&ann), "cloudreve://my/Docs").await;
    assert_eq!(names(&docs), ["Sub", "a.txt"]);
}

#[tokio::test]
async fn a_share_that_takes_no_uploads_refuses_them() {
    let (server, ann, bob) = setup().await;
    make_tree(&server, &ann).await;
    let (id, _) = server.share(&ann, "cloudreve://my/Docs", json!({})).await;
    for s in [None, Some(&bob)] {
        let (_, body) = drop_file(&server, s, &id, "evil.txt", b"x", None).await;
        assert_eq!(body["code"], 403, "{body}");
    }
    // An upload-only share edited back to a normal one stops taking uploads.
    let up = upload_share(&server, &ann, json!({})).await;
    let edited = super::send(
        &server,
        &ann,
        Method::POST,
        &format!("/share/{up}"),
        json!({"uri": ""}),
    )
    .await;
    assert_eq!(edited["code"], 0, "{edited}");
    let (_, body) = drop_file(&server, Some(&bob), &up, "evil.txt", b"x", None).await;
    assert_eq!(body["code"], 403, "{body}");
    let docs = list(&server, Some(&ann), "cloudreve://my/Docs").await;
    assert_eq!(names(&docs), ["Sub", "a.txt"]);
}

#[tokio::test]
async fn uploads_are_limited_per_address() {
    let server = TestServer::start_with(|c| c.proxy_header = Some("X-Forwarded-For".into())).await;
    server.create_user("ann@example.com", PW).await;
    let ann = server.login("ann@example.com", PW).await;
    make_tree(&server, &ann).await;
    let id = upload_share(&server, &ann, json!({})).await;
    // The limit's worth of recent uploads from one address, as rows of the audit log.
    let rows =
        (0..stratus_server::share::upload::MAX_UPLOADS_PER_ADDRESS).map(|_| event::ActiveModel {
            r#type: Set(kind::SHARE_UPLOAD),
            ip: Set(Some("203.0.113.9".into())),
            content: Set(Some(json!({"share_id": 0, "size": 1}))),
            created_at: Set(Utc::now()),
            ..Default::default()
        });
    event::Entity::insert_many(rows)
        .exec(&server.state.db)
        .await
        .unwrap();
    let (status, body) = drop_file(&server, None, &id, "more.txt", b"x", Some("203.0.113.9")).await;
    assert_eq!((status, body["code"].clone()), (429, json!(429)), "{body}");
    let (_, other) = drop_file(&server, None, &id, "more.txt", b"x", Some("198.51.100.4")).await;
    assert_eq!(other["code"], 0, "{other}");
}
