//! `/api/v4/user/setting` (GET, PATCH) and `/user/setting/2fa`: preferences, password
//! change, two-factor authentication; always the caller's own account.

use std::{time::Duration, time::SystemTime, time::UNIX_EPOCH};

use chrono::Utc;
use reqwest::Method;
use sea_orm::{ActiveModelTrait, ActiveValue::Set, ColumnTrait, EntityTrait, QueryFilter};
use serde_json::{Value, json};
use stratus_entity::{event, passkey, user};
use stratus_server::events::kind;
use stratus_tests::TestServer;
use totp_rs::{Builder, Secret, Totp};

mod recovery_codes;
mod two_factor;

const PASSWORD: &str = "correct horse";

async fn patch(server: &TestServer, token: &str, body: Value) -> Value {
    server
        .send_as(Method::PATCH, "/user/setting", token, &body)
        .await
}

async fn settings(server: &TestServer, token: &str) -> Value {
    let body = server.get_as("/user/setting", token).await;
    assert_eq!(body["code"], 0, "{body}");
    body["data"].clone()
}

async fn me(server: &TestServer, token: &str) -> Value {
    let body = server.get_as("/user/me", token).await;
    assert_eq!(body["code"], 0, "{body}");
    body["data"].clone()
}

async fn row(server: &TestServer, id: i64) -> user::Model {
    user::Entity::find_by_id(id)
        .one(&server.state.db)
        .await
        .unwrap()
        .unwrap()
}

async fn events_of(server: &TestServer, user_id: i64, kind: i32) -> Vec<event::Model> {
    event::Entity::find()
        .filter(event::Column::UserId.eq(user_id))
        .filter(event::Column::Type.eq(kind))
        .all(&server.state.db)
        .await
        .unwrap()
}

#[tokio::test]
async fn settings_start_with_the_defaults() {
    let server = TestServer::start().await;
    server.create_user("ann@example.com", PASSWORD).await;
    let session = server.login("ann@example.com", PASSWORD).await;
    let data = settings(&server, &session.access_token).await;
    assert_eq!(
        data,
        json!({
            "version_retention_enabled": true,
            "version_retention_max": 10,
            "passwordless": false,
            "two_fa_enabled": false,
            "disable_view_sync": false,
            "share_links_in_profile": "",
        })
    );
    let anon = server.get_api("/user/setting").await;
    assert_eq!(anon["code"], 401);
}

#[tokio::test]
async fn every_setting_round_trips() {
    let server = TestServer::start().await;
    let ann = server.create_user("ann@example.com", PASSWORD).await;
    let token = server.login("ann@example.com", PASSWORD).await.access_token;

    let body = patch(
        &server,
        &token,
        json!({
            "nick": "  Ann Example  ",
            "language": "zh-CN",
            "preferred_theme": "#3f51b5",
            "version_retention_enabled": false,
            "version_retention_ext": [".TXT", "md", "txt"],
            "version_retention_max": 3,
            "disable_view_sync": true,
            "share_links_in_profile": "all_share",
            "some_future_field": {"ignored": true},
        }),
    )
    .await;
    assert_eq!(body, json!({"code": 0, "msg": ""}));
    let data = settings(&server, &token).await;
    assert_eq!(data["version_retention_enabled"], false);
    assert_eq!(data["version_retention_ext"], json!(["txt", "md"]));
    assert_eq!(data["version_retention_max"], 3);
    assert_eq!(data["disable_view_sync"], true);
    assert_eq!(data["share_links_in_profile"], "all_share");
    let me_now = me(&server, &token).await;
    assert_eq!(me_now["nickname"], "Ann Example");
    assert_eq!(me_now["language"], "zh-CN");
    assert_eq!(me_now["preferred_theme"], "#3f51b5");
    assert_eq!(me_now["disable_view_sync"], true);

    // One field at a time leaves the others alone.
    for (field, value) in [
        ("preferred_theme", json!("rgb(25, 118, 210)")),
        ("language", json!("en-US")),
        ("version_retention_enabled", json!(true)),
        ("version_retention_max", json!(0)),
        ("version_retention_ext", json!([])),
        ("disable_view_sync", json!(false)),
        ("share_links_in_profile", json!("")),
        ("nick", json!("Ann")),
    ] {
        let body = patch(&server, &token, json!({ field: value })).await;
        assert_eq!(body["code"], 0, "{field}: {body}");
    }
    let data = settings(&server, &token).await;
    assert_eq!(
        data,
        json!({
            "version_retention_enabled": true,
            "passwordless": false,
            "two_fa_enabled": false,
            "disable_view_sync": false,
            "share_links_in_profile": "",
        })
    );
    let me_now = me(&server, &token).await;
    assert_eq!(me_now["nickname"], "Ann");
    assert_eq!(me_now["language"], "en-US");
    assert_eq!(me_now["preferred_theme"], "rgb(25, 118, 210)");
    let stored = row(&server, ann.id).await;
    assert_eq!(stored.settings["version_retention_max"], 0);
    assert_eq!(stored.settings["version_retention_ext"], json!([]));

    // Empty strings clear the theme and the language.
    let body = patch(
        &server,
        &token,
        json!({"preferred_theme": "", "language": ""}),
    )
    .await;
    assert_eq!(body["code"], 0);
    let me_now = me(&server, &token).await;
    assert!(me_now.get("preferred_theme").is_none(), "{me_now}");
    assert!(me_now.get("language").is_none(), "{me_now}");
    // An empty object changes nothing.
    assert_eq!(patch(&server, &token, json!({})).await["code"], 0);
    assert_eq!(me(&server, &token).await["nickname"], "Ann");
}

#[tokio::test]
async fn bad_values_are_refused_naming_the_field_and_nothing_is_saved() {
    let server = TestServer::start().await;
    let ann = server.create_user("ann@example.com", PASSWORD).await;
    let token = server.login("ann@example.com", PASSWORD).await.access_token;
    let before = row(&server, ann.id).await;

    let cases = [
        (json!({"nick": "   "}), "nick"),
        (json!({"nick": "x".repeat(101)}), "nick"),
        (json!({"nick": ["not", "a", "string"]}), "nick"),
        (json!({"language": "en US"}), "language"),
        (json!({"preferred_theme": "blue"}), "preferred_theme"),
        (json!({"preferred_theme": "#12345"}), "preferred_theme"),
        (
            json!({"version_retention_enabled": "yes"}),
            "version_retention_enabled",
        ),
        (
            json!({"version_retention_ext": ["ok", "a/b"]}),
            "version_retention_ext",
        ),
        (
            json!({"version_retention_ext": "txt"}),
            "version_retention_ext",
        ),
        (
            json!({"version_retention_max": -1}),
            "version_retention_max",
        ),
        (
            json!({"version_retention_max": 1.5}),
            "version_retention_max",
        ),
        (json!({"disable_view_sync": 1}), "disable_view_sync"),
        (
            json!({"new_password": "short", "current_password": PASSWORD}),
            "new_password",
        ),
        (
            json!({"new_password": "x".repeat(129), "current_password": PASSWORD}),
            "new_password",
        ),
        (json!({"new_password": "long enough"}), "current_password"),
        (json!({"current_password": PASSWORD}), "new_password"),
        (json!({"two_fa_enabled": true}), "two_fa_code"),
        (
            json!({"two_fa_enabled": false, "two_fa_code": "123456"}),
            "two_fa_enabled",
        ),
        // A valid field next to a bad one is not saved either.
        (
            json!({"nick": "Saved?", "preferred_theme": "nope"}),
            "preferred_theme",
        ),
    ];
    for (body, field) in cases {
        let answer = patch(&server, &token, body.clone()).await;
        assert_eq!(answer["code"], 40001, "{body}: {answer}");
        let msg = answer["msg"].as_str().unwrap();
        assert!(
            msg.contains(field),
            "{body}: message {msg:?} does not name {field}"
        );
    }
    let malformed = server
        .request_as(Method::PATCH, "/user/setting", &token)
        .header("content-type", "application/json")
        .body("{not json")
        .send()
        .await
        .unwrap();
    assert_eq!(stratus_tests::envelope(malformed).await["code"], 40001);

    let after = row(&server, ann.id).await;
    assert_eq!(after.nick, before.nick);
    assert_eq!(after.settings, before.settings);
    assert_eq!(after.password, before.password);

    let anon = server
        .send_api(Method::PATCH, "/user/setting", r#"{"nick":"x"}"#)
        .await;
    assert_eq!(anon.1["code"], 401);
}

#[tokio::test]
async fn changing_the_password_ends_every_refresh_chain() {
    let server = TestServer::start().await;
    let ann = server.create_user("ann@example.com", PASSWORD).await;
    let session = server.login("ann@example.com", PASSWORD).await;
    let other_device = server.login("ann@example.com", PASSWORD).await;
    let refresh = |token: &str| {
        let body = json!({ "refresh_token": token }).to_string();
        let server = &server;
        async move {
            server
                .send_api(Method::POST, "/session/token/refresh", &body)
                .await
                .1
        }
    };

    let wrong = patch(
        &server,
        &session.access_token,
        json!({"current_password": "not the password", "new_password": "new secret 1"}),
    )
    .await;
    assert_eq!(wrong["code"], 40069, "{wrong}");
    // Nothing changed, and the failure counts towards the sign-in throttle.
    assert_eq!(refresh(&session.refresh_token).await["code"], 0);
    assert_eq!(
        events_of(&server, ann.id, kind::USER_LOGIN_FAILED)
            .await
            .len(),
        1
    );

    let right = patch(
        &server,
        &session.access_token,
        json!({"current_password": PASSWORD, "new_password": "new secret 1"}),
    )
    .await;
    assert_eq!(right, json!({"code": 0, "msg": ""}));
    assert!(
        row(&server, ann.id)
            .await
            .password
            .unwrap()
            .starts_with("$argon2id$")
    );
    assert_eq!(refresh(&session.refresh_token).await["code"], 40020);
    assert_eq!(refresh(&other_device.refresh_token).await["code"], 40020);
    assert_eq!(
        server.login_envelope("ann@example.com", PASSWORD).await["code"],
        40080
    );
    let fresh = server.login("ann@example.com", "new secret 1").await;
    assert_eq!(refresh(&fresh.refresh_token).await["code"], 0);
    assert_eq!(
        events_of(&server, ann.id, kind::USER_CHANGE_PASSWORD)
            .await
            .len(),
        1
    );
}

#[tokio::test]
async fn passwordless_accounts_set_a_password_without_a_current_one() {
    let server = TestServer::start().await;
    let ann = server.create_user("ann@example.com", PASSWORD).await;
    let token = server.login("ann@example.com", PASSWORD).await.access_token;
    let mut active: user::ActiveModel = row(&server, ann.id).await.into();
    active.password = Set(None);
    active.update(&server.state.db).await.unwrap();

    assert_eq!(settings(&server, &token).await["passwordless"], true);
    let body = patch(&server, &token, json!({"new_password": "first password"})).await;
    assert_eq!(body["code"], 0, "{body}");
    assert_eq!(settings(&server, &token).await["passwordless"], false);
    server.login("ann@example.com", "first password").await;
}

/// Codes for explicit steps, each step used once, always inside the server's ±1 window.
struct Codes {
    totp: Totp,
    last: Option<u64>,
}

impl Codes {
    fn new(secret: &str) -> Self {
        let secret = Secret::try_from_base32(secret).expect("a base32 secret");
        Self {
            totp: Builder::new().with_secret(secret).build_noncompliant(),
            last: None,
        }
    }

    fn now() -> u64 {
        SystemTime::now()
            .duration_since(UNIX_EPOCH)
            .unwrap()
            .as_secs()
    }

    /// A code of a step not used yet. The previous step is only used with 5 s left in the
    /// current one, so it cannot fall out of the window before the server checks it.
    async fn next(&mut self) -> String {
        loop {
            let now = Self::now();
            let current = now / 30;
            let left = 30 - now % 30;
            let lowest = if left >= 5 { current - 1 } else { current };
            let step = self.last.map_or(lowest, |last| (last + 1).max(lowest));
            if step <= current + 1 {
                self.last = Some(step);
                return self.totp.generate(step * 30).to_string();
            }
            tokio::time::sleep(Duration::from_millis(left * 1000 + 200)).await;
        }
    }

    /// A code that matches none of the steps near now.
    fn wrong(&self) -> String {
        let current = Self::now() / 30;
        let near: Vec<String> = (current - 2..=current + 2)
            .map(|s| self.totp.generate(s * 30).to_string())
            .collect();
        (0..1_000_000u32)
            .map(|n| format!("{:06}", (n * 7919 + 123_457) % 1_000_000))
            .find(|c| !near.contains(c))
            .unwrap()
    }
}

async fn get_secret(server: &TestServer, token: &str) -> String {
    let body = server.get_as("/user/setting/2fa", token).await;
    assert_eq!(body["code"], 0, "{body}");
    let secret = body["data"].as_str().unwrap().to_owned();
    assert!(Secret::try_from_base32(&secret).is_ok(), "{secret}");
    secret
}

#[tokio::test]
async fn another_user_can_neither_read_nor_change_an_account() {
    let server = TestServer::start().await;
    let ann = server.create_user("ann@example.com", PASSWORD).await;
    server.create_user("bob@example.com", PASSWORD).await;
    let ann_token = server.login("ann@example.com", PASSWORD).await.access_token;
    let bob_token = server.login("bob@example.com", PASSWORD).await.access_token;
    let ann_before = row(&server, ann.id).await;

    // Bob changes everything he can; only Bob's account changes.
    let body = patch(
        &server,
        &bob_token,
        json!({
            "nick": "Bob",
            "preferred_theme": "#000000",
            "version_retention_enabled": false,
            "disable_view_sync": true,
            "current_password": PASSWORD,
            "new_password": "bob's new password",
            // Fields naming other accounts are not part of the API and are ignored.
            "id": ann_before.id,
            "user_id": server.state.ids.encode(ann.id, stratus_server::ids::IdKind::User),
        }),
    )
    .await;
    assert_eq!(body["code"], 0, "{body}");
    let bob_secret = get_secret(&server, &bob_token).await;

    let ann_after = row(&server, ann.id).await;
    assert_eq!(ann_after.nick, ann_before.nick);
    assert_eq!(ann_after.settings, ann_before.settings);
    assert_eq!(ann_after.password, ann_before.password);
    assert_eq!(ann_after.two_factor_secret, None);
    server.login("ann@example.com", PASSWORD).await;
    assert_eq!(me(&server, &bob_token).await["nickname"], "Bob");

    // Ann sees her own settings, not Bob's, and cannot confirm Bob's pending secret.
    let data = settings(&server, &ann_token).await;
    assert_eq!(data["version_retention_enabled"], true);
    assert_eq!(data["disable_view_sync"], false);
    let body = patch(
        &server,
        &ann_token,
        json!({"two_fa_enabled": true, "two_fa_code": Codes::new(&bob_secret).next().await}),
    )
    .await;
    assert_eq!(body["code"], 40001, "{body}");

    // Bob's avatar is Bob's.
    let body = server
        .request_as(Method::PUT, "/user/setting/avatar", &bob_token)
        .send()
        .await
        .unwrap();
    assert_eq!(stratus_tests::envelope(body).await["code"], 0);
    assert_eq!(row(&server, ann.id).await.avatar, None);
}

#[tokio::test]
async fn passkeys_are_listed_in_the_settings() {
    let server = TestServer::start().await;
    let ann = server.create_user("ann@example.com", PASSWORD).await;
    let bob = server.create_user("bob@example.com", PASSWORD).await;
    let token = server.login("ann@example.com", PASSWORD).await.access_token;
    let now = Utc::now();
    for (owner, credential_id, name) in [
        (ann.id, "Y3JlZC1h", "Ann's laptop"),
        (bob.id, "Y3JlZC1i", "Bob's phone"),
    ] {
        passkey::ActiveModel {
            created_at: Set(now),
            updated_at: Set(now),
            user_id: Set(owner),
            credential_id: Set(credential_id.to_owned()),
            name: Set(name.to_owned()),
            credential: Set("{}".to_owned()),
            used_at: Set(None),
            ..Default::default()
        }
        .insert(&server.state.db)
        .await
        .unwrap();
    }
    let data = settings(&server, &token).await;
    let passkeys = data["passkeys"].as_array().unwrap();
    assert_eq!(passkeys.len(), 1, "{data}");
    assert_eq!(passkeys[0]["id"], "Y3JlZC1h");
    assert_eq!(passkeys[0]["name"], "Ann's laptop");
    assert!(passkeys[0]["created_at"].is_string());
    assert!(passkeys[0].get("used_at").is_none());
}
