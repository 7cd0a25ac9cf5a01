//! `/api/v4/site/*`: ping, configuration sections and captcha.

use base64::Engine;
use sea_orm::{ColumnTrait, EntityTrait, PaginatorTrait, QueryFilter};
use serde_json::Value;
use stratus_entity::kv;
use stratus_server::captcha_ticket;
use stratus_tests::{TestServer, envelope};

#[tokio::test]
async fn ping_answers_the_compatible_version() {
    let server = TestServer::start().await;
    let resp = server
        .client
        .get(server.api("/site/ping"))
        .send()
        .await
        .unwrap();
    assert_eq!(resp.status(), 200);
    assert_eq!(
        resp.headers()["cache-control"].to_str().unwrap(),
        "private, no-cache"
    );
    let body: Value = resp.json().await.unwrap();
    assert_eq!(
        body,
        serde_json::json!({"code": 0, "data": "4.18.0", "msg": ""})
    );
}

#[tokio::test]
async fn basic_config_describes_the_site_and_an_anonymous_caller() {
    let server = TestServer::start().await;
    let body = server.get_api("/site/config/basic").await;
    assert_eq!(body["code"], 0);
    let data = &body["data"];
    assert_eq!(data["title"], "Stratus");
    assert!(uuid::Uuid::parse_str(data["instance_id"].as_str().unwrap()).is_ok());
    assert_eq!(data["captcha_type"], "normal");
    assert_eq!(data["default_theme"], "#1976d2");
    let themes: Value = serde_json::from_str(data["themes"].as_str().unwrap()).unwrap();
    assert!(themes.get("#1976d2").is_some());
    let user = &data["user"];
    assert_eq!(user["anonymous"], true);
    assert_eq!(user["group"]["name"], "Anonymous");
    assert_eq!(user["group"]["permission"], "gg==");
    // Fields of other sections are absent, not null.
    assert!(data.get("login_captcha").is_none());
    assert!(data.get("emoji_preset").is_none());
}

#[tokio::test]
async fn unknown_sections_fall_back_to_basic() {
    let server = TestServer::start().await;
    // `thumb` is a section since Cloudreve 4.9; Pro's `vas` is not one here.
    let unknown = server.get_api("/site/config/vas").await;
    let basic = server.get_api("/site/config/basic").await;
    assert_eq!(unknown["data"]["title"], basic["data"]["title"]);
    assert_eq!(unknown["data"]["instance_id"], basic["data"]["instance_id"]);
}

#[tokio::test]
async fn login_explorer_emojis_and_app_sections() {
    let server = TestServer::start().await;
    let login = server.get_api("/site/config/login").await["data"].clone();
    assert_eq!(login["login_captcha"], false);
    assert_eq!(login["register_enabled"], true);
    assert_eq!(login["authn"], true);
    assert!(login.get("title").is_none());

    let explorer = server.get_api("/site/config/explorer").await["data"].clone();
    assert_eq!(explorer["max_batch_size"], 3000);
    assert_eq!(explorer["thumbnail_width"], 400);
    assert_eq!(explorer["thumbnail_height"], 300);
    let viewers = explorer["file_viewers"].as_array().unwrap();
    assert!(viewers[0]["viewers"].as_array().unwrap().len() > 3);
    let icons: Value = serde_json::from_str(explorer["icons"].as_str().unwrap()).unwrap();
    assert!(icons.is_array());

    let emojis = server.get_api("/site/config/emojis").await["data"].clone();
    let preset: Value = serde_json::from_str(emojis["emoji_preset"].as_str().unwrap()).unwrap();
    assert!(preset.is_object());

    let app = server.get_api("/site/config/app").await["data"].clone();
    assert_eq!(app["app_promotion"], false);
}

#[tokio::test]
async fn settings_changes_show_up_in_the_config() {
    let server = TestServer::start().await;
    server
        .state
        .settings
        .set(&[("siteName", "My Drive"), ("login_captcha", "1")])
        .await
        .unwrap();
    assert_eq!(
        server.get_api("/site/config/basic").await["data"]["title"],
        "My Drive"
    );
    assert_eq!(
        server.get_api("/site/config/login").await["data"]["login_captcha"],
        true
    );
}

async fn captcha_answer(server: &TestServer, ticket: &str) -> String {
    stratus_server::kv::get(&server.state.db, &format!("captcha_{ticket}"))
        .await
        .unwrap()
        .expect("answer stored under the ticket")
}

#[tokio::test]
async fn captcha_is_a_png_with_a_single_use_ticket() {
    let server = TestServer::start().await;
    let body = server.get_api("/site/captcha").await;
    assert_eq!(body["code"], 0);
    let image = body["data"]["image"].as_str().unwrap();
    let png = base64::engine::general_purpose::STANDARD
        .decode(
            image
                .strip_prefix("data:image/png;base64,")
                .expect("data URL"),
        )
        .unwrap();
    assert_eq!(&png[..8], b"\x89PNG\r\n\x1a\n");
    let ticket = body["data"]["ticket"].as_str().unwrap().to_owned();

    let answer = captcha_answer(&server, &ticket).await;
    assert_eq!(answer.len(), 6);
    let db = &server.state.db;
    assert!(
        captcha_ticket::verify(db, &ticket, &answer.to_lowercase())
            .await
            .unwrap()
    );
    // Used once: the same right answer no longer passes.
    assert!(!captcha_ticket::verify(db, &ticket, &answer).await.unwrap());

    // A wrong answer burns the ticket too, so it cannot be guessed at.
    let second = server.get_api("/site/captcha").await;
    let ticket = second["data"]["ticket"].as_str().unwrap().to_owned();
    let answer = captcha_answer(&server, &ticket).await;
    assert!(!captcha_ticket::verify(db, &ticket, "nope").await.unwrap());
    assert!(!captcha_ticket::verify(db, &ticket, &answer).await.unwrap());
    assert!(
        !captcha_ticket::verify(db, "unknown-ticket", "x")
            .await
            .unwrap()
    );
    assert!(!captcha_ticket::verify(db, "", "").await.unwrap());
}

#[tokio::test]
async fn captcha_tickets_differ_and_expire() {
    let server = TestServer::start().await;
    let a = server.get_api("/site/captcha").await["data"]["ticket"].clone();
    let b = server.get_api("/site/captcha").await["data"]["ticket"].clone();
    assert_ne!(a, b);
    // An expired ticket is refused even with the right answer.
    let db = &server.state.db;
    stratus_server::kv::put(
        db,
        "captcha",
        "captcha_old",
        "ABCDEF",
        Some(std::time::Duration::ZERO),
    )
    .await
    .unwrap();
    assert!(!captcha_ticket::verify(db, "old", "ABCDEF").await.unwrap());
}

async fn stored_tickets(server: &TestServer) -> u64 {
    kv::Entity::find()
        .filter(kv::Column::Kind.eq("captcha"))
        .count(&server.state.db)
        .await
        .unwrap()
}

#[tokio::test]
async fn captcha_requests_are_throttled_per_client_address() {
    let server = TestServer::start_with(|c| {
        c.captcha_per_minute = 3;
        c.proxy_header = Some("X-Forwarded-For".into());
    })
    .await;
    let from = |ip: Option<&str>| {
        let req = server.client.get(server.api("/site/captcha"));
        match ip {
            Some(ip) => req.header("X-Forwarded-For", ip),
            None => req,
        }
        .send()
    };
    for _ in 0..3 {
        let resp = from(Some("198.51.100.7")).await.unwrap();
        assert_eq!(envelope(resp).await["code"], 0);
    }
    let refused = from(Some("10.0.0.1, 198.51.100.7")).await.unwrap();
    assert_eq!(refused.status(), 429);
    assert!(refused.headers().contains_key("retry-after"));
    assert_eq!(envelope(refused).await["code"], 429);
    // Other addresses, the proxy's own among them, have budgets of their own.
    for ip in [Some("198.51.100.8"), None] {
        assert_eq!(envelope(from(ip).await.unwrap()).await["code"], 0);
    }
    // The refused request stored nothing.
    assert_eq!(stored_tickets(&server).await, 5);
}

#[tokio::test]
async fn stored_captcha_tickets_are_capped_oldest_first() {
    let server = TestServer::start_with(|c| c.captcha_max_tickets = 3).await;
    let mut tickets = Vec::new();
    for _ in 0..6 {
        let body = server.get_api("/site/captcha").await;
        assert_eq!(body["code"], 0, "{body}");
        tickets.push(body["data"]["ticket"].as_str().unwrap().to_owned());
    }
    assert_eq!(stored_tickets(&server).await, 3);
    let db = &server.state.db;
    for (i, ticket) in tickets.iter().enumerate() {
        let kept = stratus_server::kv::get(db, &format!("captcha_{ticket}"))
            .await
            .unwrap()
            .is_some();
        assert_eq!(kept, i >= 3, "ticket {i}");
    }
}

/// The client writes `X-Forwarded-For` itself: only the entries the trusted proxies added
/// count, so a made-up left-most entry dodges no per-address limit, and a peer that is no
/// trusted proxy is counted by its own address whatever header it sends.
#[tokio::test]
async fn spoofed_forwarded_entries_dodge_no_limit() {
    let server = TestServer::start_with(|c| {
        c.captcha_per_minute = 3;
        c.proxy_header = Some("X-Forwarded-For".into());
    })
    .await;
    let captcha = |server: &TestServer, xff: String| {
        server
            .client
            .get(server.api("/site/captcha"))
            .header("X-Forwarded-For", xff)
            .send()
    };
    for i in 0..3 {
        // The client's own entries first, then what the proxy on 127.0.0.1 appended.
        let xff = format!("203.0.113.{i}, 198.51.100.7");
        assert_eq!(
            envelope(captcha(&server, xff).await.unwrap()).await["code"],
            0
        );
    }
    let spoofed = captcha(&server, "203.0.113.99, 198.51.100.7".into())
        .await
        .unwrap();
    assert_eq!(spoofed.status(), 429);
    // A chain of trusted proxies is skipped from the right.
    let chained = captcha(&server, "203.0.113.98, 198.51.100.7, 127.0.0.5".into())
        .await
        .unwrap();
    assert_eq!(chained.status(), 429);

    // With no trusted proxy, the header names nobody: every request counts for the peer.
    let direct = TestServer::start_with(|c| {
        c.captcha_per_minute = 3;
        c.proxy_header = Some("X-Forwarded-For".into());
        c.trusted_proxies = Default::default();
    })
    .await;
    for i in 0..3 {
        let resp = captcha(&direct, format!("203.0.113.{i}")).await.unwrap();
        assert_eq!(envelope(resp).await["code"], 0);
    }
    let refused = captcha(&direct, "203.0.113.50".into()).await.unwrap();
    assert_eq!(refused.status(), 429);
}

/// Full-text search is not in Stratus yet: `GET /file/search` answers "not enabled" (40019),
/// as Cloudreve does while `fts_enabled` is off, once its parameters are checked; the
/// explorer section says so.
#[tokio::test]
async fn full_text_search_answers_not_enabled() {
    let server = TestServer::start().await;
    server.create_user("ann@example.com", "password123").await;
    let ann = server.login("ann@example.com", "password123").await;
    let config = server.get_api("/site/config/explorer").await;
    assert_eq!(config["data"]["full_text_search"], false, "{config}");
    for (path, code) in [
        ("/file/search?query=annual%20report", 40019),
        ("/file/search?query=report&offset=5", 40019),
        ("/file/search", 40001),
        ("/file/search?query=x&offset=-1", 40001),
        ("/file/search?query=x&offset=many", 40001),
    ] {
        let answer = server.get_as(path, &ann.access_token).await;
        assert_eq!(answer["code"], code, "{path}: {answer}");
    }
    let anon = server.get_api("/file/search?query=x").await;
    assert_eq!(anon["code"], 401, "{anon}");
}
