//! Abuse resistance: the wrong-password throttle (per share and per address), events, and
//! the race for the last download.

use sea_orm::{ColumnTrait, EntityTrait, QueryFilter};
use serde_json::{Value, json};
use stratus_entity::event;
use stratus_server::events::kind;
use stratus_tests::{Session, TestServer, envelope};

use super::{PW, file_url, make_tree};

/// `GET /share/info/:id?password=` from address `ip`; returns the HTTP status and envelope.
async fn try_password(server: &TestServer, id: &str, pw: &str, ip: &str) -> (u16, Value) {
    let resp = server
        .client
        .get(server.api(&format!("/share/info/{id}")))
        .query(&[("password", pw)])
        .header("x-forwarded-for", ip)
        .send()
        .await
        .unwrap();
    let status = resp.status().as_u16();
    (status, envelope(resp).await)
}

/// Lists a share root from address `ip`.
async fn list_from(server: &TestServer, uri: &str, ip: &str) -> (u16, Value) {
    let resp = server
        .client
        .get(server.api("/file"))
        .query(&[("uri", uri)])
        .header("x-forwarded-for", ip)
        .send()
        .await
        .unwrap();
    let status = resp.status().as_u16();
    (status, envelope(resp).await)
}

async fn setup_proxied() -> (TestServer, Session) {
    let server = TestServer::start_with(|c| c.proxy_header = Some("X-Forwarded-For".into())).await;
    server.create_user("ann@example.com", PW).await;
    let ann = server.login("ann@example.com", PW).await;
    make_tree(&server, &ann).await;
    (server, ann)
}

async fn private_share(server: &TestServer, ann: &Session, uri: &str) -> (String, String) {
    let (id, link) = server.share(ann, uri, json!({"is_private": true})).await;
    let pw = link.rsplit('/').next().unwrap().to_owned();
    (id, pw)
}

#[tokio::test]
async fn wrong_passwords_are_throttled_per_address() {
    let (server, ann) = setup_proxied().await;
    let (one, pw_one) = private_share(&server, &ann, "cloudreve://my/Docs").await;
    let (two, pw_two) = private_share(&server, &ann, "cloudreve://my/Docs/a.txt").await;
    for _ in 0..10 {
        // As Cloudreve: a wrong password describes the share as locked.
        let (status, body) = try_password(&server, &one, "guess123", "203.0.113.7").await;
        assert_eq!(
            (
                status,
                body["code"].clone(),
                body["data"]["unlocked"].clone()
            ),
            (200, json!(0), json!(false)),
            "{body}"
        );
    }
    // The eleventh try is refused even with the right password, on any share, from there.
    let (status, body) = try_password(&server, &one, &pw_one, "203.0.113.7").await;
    assert_eq!(
        (status, body["code"].clone()),
        (429, json!(40069)),
        "{body}"
    );
    let (status, _) = try_password(&server, &two, &pw_two, "203.0.113.7").await;
    assert_eq!(status, 429);
    let (status, body) = list_from(
        &server,
        &format!("cloudreve://{two}:{pw_two}@share"),
        "203.0.113.7",
    )
    .await;
    assert_eq!(
        (status, body["code"].clone()),
        (429, json!(40069)),
        "{body}"
    );
    // Another address is not affected on the other share.
    let (status, body) = try_password(&server, &two, &pw_two, "198.51.100.1").await;
    assert_eq!(
        (status, body["data"]["unlocked"].clone()),
        (200, json!(true)),
        "{body}"
    );

    // The failures are in the audit log, without the password.
    let failures = event::Entity::find()
        .filter(event::Column::Type.eq(kind::SHARE_PASSWORD_FAILED))
        .all(&server.state.db)
        .await
        .unwrap();
    assert_eq!(failures.len(), 10);
    for row in &failures {
        let text = serde_json::to_string(&row.content).unwrap();
        assert!(!text.contains("guess123"), "{text}");
        assert_eq!(row.ip.as_deref(), Some("203.0.113.7"));
    }
}

#[tokio::test]
async fn wrong_passwords_are_throttled_per_share() {
    let (server, ann) = setup_proxied().await;
    let (id, pw) = private_share(&server, &ann, "cloudreve://my/Docs").await;
    for n in 0..10 {
        let ip = format!("192.0.2.{}", n + 1);
        let (_, body) = try_password(&server, &id, "guess123", &ip).await;
        assert_eq!(body["data"]["unlocked"], false, "{body}");
    }
    let (status, body) = try_password(&server, &id, &pw, "192.0.2.200").await;
    assert_eq!(
        (status, body["code"].clone()),
        (429, json!(40069)),
        "{body}"
    );
    assert!(body["msg"].as_str().unwrap().contains("minutes"), "{body}");
    // The owner is never locked out of their own share.
    let own = server
        .get_as(&format!("/share/info/{id}"), &ann.access_token)
        .await;
    assert_eq!(own["data"]["unlocked"], true, "{own}");
}

#[tokio::test]
async fn share_visits_are_recorded() {
    let (server, ann) = setup_proxied().await;
    let (id, _) = server.share(&ann, "cloudreve://my/Docs", json!({})).await;
    let shown = server
        .client
        .get(server.api(&format!("/share/info/{id}")))
        .query(&[("count_views", "true")])
        .send()
        .await
        .unwrap();
    assert_eq!(envelope(shown).await["code"], 0);
    let uri = format!("cloudreve://{id}@share/a.txt");
    assert_eq!(file_url(&server, None, &[&uri]).await["code"], 0);
    let kinds: Vec<i32> = event::Entity::find()
        .filter(event::Column::Type.is_in([kind::SHARE, kind::SHARE_ACCESS]))
        .all(&server.state.db)
        .await
        .unwrap()
        .iter()
        .map(|e| e.r#type)
        .collect();
    assert_eq!(kinds, [kind::SHARE, kind::SHARE_ACCESS, kind::SHARE_ACCESS]);
}

#[tokio::test]
async fn only_one_of_two_racing_downloads_gets_the_last_one() {
    let (server, ann) = setup_proxied().await;
    for round in 0..3 {
        let (id, _) = server
            .share(&ann, "cloudreve://my/Docs/a.txt", json!({"downloads": 1}))
            .await;
        let uri = format!("cloudreve://{id}@share/a.txt");
        let uris = [uri.as_str()];
        let (a, b) = tokio::join!(
            file_url(&server, None, &uris),
            file_url(&server, None, &uris)
        );
        let mut codes = vec![a["code"].as_i64().unwrap(), b["code"].as_i64().unwrap()];
        codes.sort();
        assert_eq!(codes, [0, 40058], "round {round}: {a} {b}");
        let own = server
            .get_as(&format!("/share/info/{id}"), &ann.access_token)
            .await;
        assert_eq!(own["data"]["downloaded"], 1, "{own}");
        assert_eq!(own["data"]["remain_downloads"], 0, "{own}");
    }
}

/// One account cannot make shares without end: the group's `max_shares` caps them, with a
/// clear refusal; a deleted share gives its place back.
#[tokio::test]
async fn shares_per_user_are_capped_by_the_group() {
    let (server, ann, bob) = super::setup().await;
    make_tree(&server, &ann).await;
    make_tree(&server, &bob).await;
    crate::archive::update_group(&server, |g| g.settings["max_shares"] = json!(2)).await;
    async fn share(server: &TestServer, s: &Session) -> Value {
        super::create_share(server, s, json!({"uri": "cloudreve://my/Docs"})).await
    }
    let first = share(&server, &ann).await;
    assert_eq!(first["code"], 0, "{first}");
    assert_eq!(share(&server, &ann).await["code"], 0);
    let refused = share(&server, &ann).await;
    assert_eq!(refused["code"], 40007, "{refused}");
    assert!(
        refused["msg"].as_str().unwrap().contains("at most 2"),
        "{refused}"
    );
    assert_eq!(share(&server, &bob).await["code"], 0);
    let id = first["data"].as_str().unwrap().split("/s/").nth(1).unwrap();
    let id = id.split('/').next().unwrap();
    let deleted = server
        .send_as(
            reqwest::Method::DELETE,
            &format!("/share/{id}"),
            &ann.access_token,
            &json!({}),
        )
        .await;
    assert_eq!(deleted["code"], 0, "{deleted}");
    assert_eq!(share(&server, &ann).await["code"], 0);
}
