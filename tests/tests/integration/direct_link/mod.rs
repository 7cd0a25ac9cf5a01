//! Direct links: `PUT /file/source`, `GET /f/:id/:name` and `GET /f/d/:id/:name`.

use reqwest::{Method, StatusCode, Url};
use sea_orm::{ActiveModelTrait, ActiveValue::Set, EntityTrait, IntoActiveModel};
use serde_json::{Value, json};
use stratus_entity::{direct_link, user};
use stratus_server::ids::IdKind;
use stratus_tests::{Session, TestServer};

use crate::archive::{PW, create, my, pattern, setup, sha, trash, update_group, upload};

mod manage;

async fn source(server: &TestServer, s: &Session, uris: &[String]) -> Value {
    server
        .send_as(
            Method::PUT,
            "/file/source",
            &s.access_token,
            &json!({ "uris": uris }),
        )
        .await
}

/// The one link made for `uri`.
async fn link_of(server: &TestServer, s: &Session, uri: &str) -> String {
    let answer = source(server, s, &[uri.to_owned()]).await;
    assert_eq!(answer["code"], 0, "{answer}");
    assert_eq!(answer["data"][0]["file_url"], uri, "{answer}");
    answer["data"][0]["link"].as_str().unwrap().to_owned()
}

async fn downloads(server: &TestServer, link: &str) -> i64 {
    let id = Url::parse(link)
        .unwrap()
        .path_segments()
        .unwrap()
        .nth(1)
        .unwrap()
        .to_owned();
    let id = server.state.ids.decode(&id, IdKind::SourceLink).unwrap();
    direct_link::Entity::find_by_id(id)
        .one(&server.state.db)
        .await
        .unwrap()
        .unwrap()
        .downloads
}

/// Asserts a 404 with the envelope.
async fn assert_gone(server: &TestServer, url: &str) {
    let resp = server.client.get(url).send().await.unwrap();
    assert_eq!(resp.status(), StatusCode::NOT_FOUND, "{url}");
    let body: Value = resp.json().await.unwrap();
    assert_eq!(body["code"], 404, "{url}: {body}");
}

#[tokio::test]
async fn a_direct_link_redirects_to_the_bytes_and_counts_downloads() {
    let (server, ann) = setup().await;
    let data = pattern(50_000, 9);
    let uri = my("my photo é.jpg");
    upload(&server, &ann, &uri, &data).await;
    let link = link_of(&server, &ann, &uri).await;
    let prefix = format!("{}/f/", server.base);
    assert!(link.starts_with(&prefix), "{link}");
    assert!(link.ends_with("/my%20photo%20%C3%A9.jpg"), "{link}");
    // Asking again gives the same link.
    assert_eq!(link_of(&server, &ann, &uri).await, link);
    assert_eq!(downloads(&server, &link).await, 0);

    for round in 1..=2 {
        let resp = server.client.get(&link).send().await.unwrap();
        assert_eq!(resp.status(), StatusCode::FOUND);
        let cache = resp.headers()["cache-control"].to_str().unwrap();
        assert_eq!(cache, "private, max-age=3600");
        // No site URL is configured: the redirect is a path on the host that was asked.
        let location = resp.headers()["location"].to_str().unwrap().to_owned();
        assert!(location.starts_with("/api/v4/file/content/"), "{location}");
        assert!(!location.contains("download=true"), "{location}");
        let content = server
            .client
            .get(server.url(&location))
            .send()
            .await
            .unwrap();
        assert_eq!(content.status(), StatusCode::OK);
        assert_eq!(sha(&content.bytes().await.unwrap()), sha(&data));
        assert_eq!(downloads(&server, &link).await, round);
    }

    // The forced-download variant.
    let forced = link.replacen("/f/", "/f/d/", 1);
    let resp = server.client.get(&forced).send().await.unwrap();
    assert_eq!(resp.status(), StatusCode::FOUND);
    let location = resp.headers()["location"].to_str().unwrap().to_owned();
    assert!(location.contains("download=true"), "{location}");
    let content = server
        .client
        .get(server.url(&location))
        .send()
        .await
        .unwrap();
    let disposition = content.headers()["content-disposition"].to_str().unwrap();
    assert!(disposition.starts_with("attachment"), "{disposition}");
    assert_eq!(downloads(&server, &link).await, 3);
}

#[tokio::test]
async fn redirects_take_no_host_from_the_request_and_are_cached_privately() {
    let (server, ann) = setup().await;
    upload(&server, &ann, &my("a.txt"), b"bytes").await;
    let link = link_of(&server, &ann, &my("a.txt")).await;
    let follow = |host: &'static str| {
        let (server, link) = (&server, link.clone());
        async move {
            let resp = server
                .client
                .get(&link)
                .header("Host", host)
                .send()
                .await
                .unwrap();
            assert_eq!(resp.status(), StatusCode::FOUND);
            let header = |name: &str| resp.headers()[name].to_str().unwrap().to_owned();
            (header("location"), header("cache-control"))
        }
    };
    let by_url = |host: &'static str| {
        let server = &server;
        let token = ann.access_token.clone();
        async move {
            let resp = server
                .request_as(Method::POST, "/file/url", &token)
                .header("Host", host)
                .json(&json!({"uris": [my("a.txt")], "redirect": true}))
                .send()
                .await
                .unwrap();
            assert_eq!(resp.status(), StatusCode::FOUND);
            resp.headers()["location"].to_str().unwrap().to_owned()
        }
    };

    // While `siteURL` is the install default, a redirect is a path on the host asked.
    let (location, cache) = follow("evil.example").await;
    assert!(location.starts_with("/api/v4/file/content/"), "{location}");
    assert_eq!(cache, "private, max-age=3600");
    let location = by_url("evil.example").await;
    assert!(location.starts_with("/api/v4/file/content/"), "{location}");
    let resp = server
        .client
        .get(server.url(&location))
        .send()
        .await
        .unwrap();
    assert_eq!(resp.bytes().await.unwrap().as_ref(), b"bytes");

    // A configured site URL is used whatever the request says.
    server
        .state
        .settings
        .set(&[("siteURL", "https://drive.example/")])
        .await
        .unwrap();
    let (location, _) = follow("evil.example").await;
    assert!(
        location.starts_with("https://drive.example/api/v4/file/content/"),
        "{location}"
    );
    let location = by_url("evil.example").await;
    assert!(
        location.starts_with("https://drive.example/api/v4/file/content/"),
        "{location}"
    );
}

#[tokio::test]
async fn broken_direct_links_answer_404_with_the_envelope() {
    let (server, ann) = setup().await;
    upload(&server, &ann, &my("a.txt"), b"a").await;
    upload(&server, &ann, &my("b.txt"), b"b").await;
    let a = link_of(&server, &ann, &my("a.txt")).await;
    let b = link_of(&server, &ann, &my("b.txt")).await;
    let (a_base, _) = a.rsplit_once('/').unwrap();
    assert_gone(&server, &format!("{a_base}/b.txt")).await;
    assert_gone(&server, &format!("{}/f/nothing/a.txt", server.base)).await;
    // A file hashid is not a link hashid.
    let file_hashid = server.state.ids.encode(1, IdKind::File);
    assert_gone(&server, &format!("{}/f/{file_hashid}/a.txt", server.base)).await;

    trash(&server, &ann, &[&my("a.txt")]).await;
    assert_gone(&server, &a).await;

    // The owner was banned.
    assert_eq!(
        server.client.get(&b).send().await.unwrap().status(),
        StatusCode::FOUND
    );
    let id = server
        .state
        .ids
        .decode(ann.user["id"].as_str().unwrap(), IdKind::User)
        .unwrap();
    let mut row = user::Entity::find_by_id(id)
        .one(&server.state.db)
        .await
        .unwrap()
        .unwrap()
        .into_active_model();
    row.status = Set(user::status::MANUAL_BANNED.to_owned());
    row.update(&server.state.db).await.unwrap();
    assert_gone(&server, &b).await;
    assert_eq!(downloads(&server, &b).await, 1);
}

#[tokio::test]
async fn source_links_follow_the_group_settings_and_ownership() {
    let (server, ann) = setup().await;
    server.create_user("bob@example.com", PW).await;
    let bob = server.login("bob@example.com", PW).await;
    upload(&server, &ann, &my("a.txt"), b"a").await;
    upload(&server, &bob, &my("b.txt"), b"b").await;
    create(&server, &ann, &my("folder"), "folder").await;

    // Unauthenticated, malformed, folders, missing and other users' files.
    let body = json!({"uris": [my("a.txt")]}).to_string();
    let (_, anon) = server.send_api(Method::PUT, "/file/source", &body).await;
    assert_eq!(anon["code"], 401, "{anon}");
    let (_, bad) = server
        .send_api(Method::PUT, "/file/source", r#"{"uris": 5}"#)
        .await;
    assert_ne!(bad["code"], 0, "{bad}");
    let bad = server
        .send_as(
            Method::PUT,
            "/file/source",
            &ann.access_token,
            &json!({"uris": []}),
        )
        .await;
    assert_eq!(bad["code"], 40001, "{bad}");
    assert_eq!(source(&server, &ann, &[my("folder")]).await["code"], 40077);
    assert_eq!(
        source(&server, &ann, &[my("missing.txt")]).await["code"],
        404
    );
    let bob_id = bob.user["id"].as_str().unwrap();
    let bobs = format!("cloudreve://{bob_id}@my/b.txt");
    assert_eq!(
        source(&server, &ann, std::slice::from_ref(&bobs)).await["code"],
        // Another user's tree without a grant: as if nothing were there.
        404
    );

    // Partial failure: 40081, the failures by URI, and the links that were made.
    let answer = source(&server, &ann, &[my("a.txt"), bobs.clone()]).await;
    assert_eq!(answer["code"], 40081, "{answer}");
    assert_eq!(answer["aggregated_error"][&bobs]["code"], 404, "{answer}");
    let made = answer["data"].as_array().unwrap();
    assert_eq!(made.len(), 1, "{answer}");
    assert_eq!(made[0]["file_url"], my("a.txt"));
    assert!(made[0]["link"].as_str().unwrap().contains("/f/"));

    // `source_batch`: more URIs than it → 40014; 0 → 40007.
    let eleven: Vec<String> = (0..11).map(|_| my("a.txt")).collect();
    assert_eq!(source(&server, &ann, &eleven).await["code"], 40014);
    update_group(&server, |g| g.settings["source_batch"] = json!(0)).await;
    assert_eq!(source(&server, &ann, &[my("a.txt")]).await["code"], 40007);
}

#[tokio::test]
async fn without_redirected_source_the_link_is_a_signed_url_that_never_expires() {
    let (server, ann) = setup().await;
    update_group(&server, |g| g.settings["redirected_source"] = json!(false)).await;
    let data = pattern(1234, 4);
    upload(&server, &ann, &my("raw.bin"), &data).await;
    let link = link_of(&server, &ann, &my("raw.bin")).await;
    assert!(
        link.starts_with(&format!("{}/api/v4/file/content/", server.base)),
        "{link}"
    );
    let sign = Url::parse(&link)
        .unwrap()
        .query_pairs()
        .find(|(k, _)| k == "sign")
        .unwrap()
        .1
        .into_owned();
    assert!(sign.ends_with(":0"), "{sign}");
    let resp = server.client.get(&link).send().await.unwrap();
    assert_eq!(resp.status(), StatusCode::OK);
    assert_eq!(sha(&resp.bytes().await.unwrap()), sha(&data));
    let rows = direct_link::Entity::find()
        .all(&server.state.db)
        .await
        .unwrap();
    assert!(rows.is_empty());
}
