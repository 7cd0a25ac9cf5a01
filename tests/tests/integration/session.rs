//! `/session`: password sign-in, token checks, refresh chains, sign-out and throttling.

use reqwest::Method;
use sea_orm::{
    ActiveModelTrait, ActiveValue::Set, ColumnTrait, EntityTrait, IntoActiveModel, PaginatorTrait,
    QueryFilter,
};
use serde_json::{Value, json};
use stratus_entity::{event, user};
use stratus_server::{auth::jwt, events, ids::IdKind, users};
use stratus_tests::{TestServer, envelope};

const PW: &str = "correct-horse";

async fn set_status(server: &TestServer, email: &str, status: &str) {
    let u = users::find_by_email(&server.state.db, email)
        .await
        .unwrap()
        .unwrap();
    let mut active = u.into_active_model();
    active.status = Set(status.to_owned());
    active.update(&server.state.db).await.unwrap();
}

async fn secret(server: &TestServer) -> String {
    server.state.settings.get("secret_key").await.unwrap()
}

#[tokio::test]
async fn password_sign_in_answers_user_and_tokens() {
    let server = TestServer::start().await;
    let ann = server.create_user("ann@example.com", PW).await;
    let body = server.login_envelope("ANN@example.com", PW).await;
    assert_eq!(body["code"], 0, "{body}");
    let data = &body["data"];
    assert_eq!(data["user"]["email"], "ann@example.com");
    assert_eq!(
        data["user"]["id"],
        server.state.ids.encode(ann.id, IdKind::User)
    );
    assert_eq!(data["user"]["group"]["name"], "User");
    assert_eq!(data["user"]["group"]["permission"], "jAhw");
    for key in [
        "access_token",
        "refresh_token",
        "access_expires",
        "refresh_expires",
    ] {
        assert!(data["token"][key].is_string(), "{key}");
    }
    let access = data["token"]["access_token"].as_str().unwrap();
    let claims = jwt::verify(&secret(&server).await, access).unwrap();
    assert_eq!(claims.token_type, "access");
    assert!(claims.exp - claims.nbf <= 3600);

    let me = server.get_as("/user/me", access).await;
    assert_eq!(me["code"], 0);
    assert_eq!(me["data"]["email"], "ann@example.com");
    let config = server.get_as("/site/config/basic", access).await;
    assert_eq!(config["data"]["user"]["email"], "ann@example.com");
    assert!(config["data"]["user"].get("anonymous").is_none());

    let logins = event::Entity::find()
        .filter(event::Column::Type.eq(events::kind::USER_LOGIN))
        .filter(event::Column::UserId.eq(ann.id))
        .all(&server.state.db)
        .await
        .unwrap();
    assert_eq!(logins.len(), 1);
    assert_eq!(logins[0].ip.as_deref(), Some("127.0.0.1"));
    assert!(logins[0].correlation_id.is_some());
}

#[tokio::test]
async fn wrong_credentials_answer_40080_and_are_recorded() {
    let server = TestServer::start().await;
    server.create_user("ann@example.com", PW).await;
    assert_eq!(
        server.login_envelope("ann@example.com", "wrong-pass").await["code"],
        40080
    );
    assert_eq!(
        server.login_envelope("nobody@example.com", PW).await["code"],
        40080
    );
    let failures = event::Entity::find()
        .filter(event::Column::Type.eq(events::kind::USER_LOGIN_FAILED))
        .count(&server.state.db)
        .await
        .unwrap();
    assert_eq!(failures, 2);
}

#[tokio::test]
async fn malformed_sign_in_bodies_answer_40001() {
    let server = TestServer::start().await;
    let (_, missing) = server
        .send_api(Method::POST, "/session/token", r#"{"email":"a@b.c"}"#)
        .await;
    assert_eq!(missing["code"], 40001);
    assert!(
        missing["msg"].as_str().unwrap().contains("password"),
        "{missing}"
    );
    let (_, short) = server
        .send_api(
            Method::POST,
            "/session/token",
            r#"{"email":"a@b.c","password":"abc"}"#,
        )
        .await;
    assert_eq!(short["code"], 40001);
    let (_, broken) = server.send_api(Method::POST, "/session/token", "{").await;
    assert_eq!(broken["code"], 40001);
}

#[tokio::test]
async fn banned_and_inactive_accounts_are_refused_at_once() {
    let server = TestServer::start().await;
    server.create_user("ann@example.com", PW).await;
    server.create_user("bob@example.com", PW).await;
    let ann = server.login("ann@example.com", PW).await;
    let bob = server.login("bob@example.com", PW).await;

    set_status(&server, "ann@example.com", "manual_banned").await;
    assert_eq!(
        server.login_envelope("ann@example.com", PW).await["code"],
        40017
    );
    // The token issued before the ban stops working now, not at expiry.
    assert_eq!(
        server.get_as("/user/me", &ann.access_token).await["code"],
        40017
    );
    assert_eq!(
        server.get_as("/site/config/basic", &ann.access_token).await["code"],
        40017
    );

    set_status(&server, "bob@example.com", "inactive").await;
    assert_eq!(
        server.login_envelope("bob@example.com", PW).await["code"],
        40018
    );
    assert_eq!(
        server.get_as("/user/me", &bob.access_token).await["code"],
        40018
    );
    // A wrong password is reported as such before the status.
    assert_eq!(
        server.login_envelope("bob@example.com", "wrong-pass").await["code"],
        40080
    );
}

#[tokio::test]
async fn bad_tokens_mean_anonymous_on_open_routes_and_401_on_login_routes() {
    let server = TestServer::start().await;
    let ann = server.create_user("ann@example.com", PW).await;
    let session = server.login("ann@example.com", PW).await;
    let sub = server.state.ids.encode(ann.id, IdKind::User);
    let key = secret(&server).await;

    let expired = jwt::issue(
        &key,
        &sub,
        String::new(),
        uuid::Uuid::new_v4(),
        uuid::Uuid::new_v4(),
        chrono::Duration::seconds(-120),
        chrono::Duration::seconds(-120),
        None,
    )
    .unwrap()
    .access_token;
    let forged = jwt::issue(
        "not-the-secret",
        &sub,
        String::new(),
        uuid::Uuid::new_v4(),
        uuid::Uuid::new_v4(),
        chrono::Duration::seconds(600),
        chrono::Duration::seconds(600),
        None,
    )
    .unwrap()
    .access_token;
    let mut parts: Vec<&str> = session.access_token.split('.').collect();
    let none_header = base64_url(r#"{"alg":"none","typ":"JWT"}"#);
    parts[0] = &none_header;
    let alg_none = format!("{}.{}.", parts[0], parts[1]);
    let tampered = {
        let claims = base64_url(&format!(
            r#"{{"token_type":"access","sub":"{}","nbf":0,"exp":9999999999}}"#,
            server.state.ids.encode(1, IdKind::User)
        ));
        let sig = session.access_token.rsplit('.').next().unwrap();
        format!(
            "{}.{claims}.{sig}",
            session.access_token.split('.').next().unwrap()
        )
    };

    for token in [
        &expired,
        &forged,
        &alg_none,
        &tampered,
        &"garbage".to_owned(),
    ] {
        let me = server.get_as("/user/me", token).await;
        assert_eq!(me["code"], 401, "{token}: {me}");
        let config = server.get_as("/site/config/basic", token).await;
        assert_eq!(config["code"], 0);
        assert_eq!(config["data"]["user"]["anonymous"], true, "{token}");
    }
    // No token at all.
    assert_eq!(server.get_api("/user/me").await["code"], 401);
    assert_eq!(server.get_api("/user/capacity").await["code"], 401);

    // A refresh token is not an access token.
    let me = server.get_as("/user/me", &session.refresh_token).await;
    assert_eq!(me["code"], 40020);
}

fn base64_url(s: &str) -> String {
    use base64::Engine;
    base64::engine::general_purpose::URL_SAFE_NO_PAD.encode(s)
}

pub(crate) async fn refresh(server: &TestServer, token: &str) -> Value {
    let body = json!({"refresh_token": token}).to_string();
    server
        .send_api(Method::POST, "/session/token/refresh", &body)
        .await
        .1
}

pub(crate) async fn sign_out(server: &TestServer, token: &str) -> Value {
    let body = json!({"refresh_token": token}).to_string();
    server
        .send_api(Method::DELETE, "/session/token", &body)
        .await
        .1
}

#[tokio::test]
async fn refresh_gives_a_new_pair_in_the_same_chain() {
    let server = TestServer::start().await;
    server.create_user("ann@example.com", PW).await;
    let session = server.login("ann@example.com", PW).await;
    let key = secret(&server).await;

    let first = refresh(&server, &session.refresh_token).await;
    assert_eq!(first["code"], 0, "{first}");
    let new_access = first["data"]["access_token"].as_str().unwrap();
    let new_refresh = first["data"]["refresh_token"].as_str().unwrap();
    assert_eq!(server.get_as("/user/me", new_access).await["code"], 0);
    let root = |t: &str| jwt::verify(&key, t).unwrap().root_token_id.unwrap();
    assert_eq!(root(new_refresh), root(&session.refresh_token));

    // An access token cannot refresh; garbage neither.
    assert_eq!(refresh(&server, &session.access_token).await["code"], 40020);
    assert_eq!(refresh(&server, "garbage").await["code"], 40020);
}

#[tokio::test]
async fn sign_out_revokes_the_whole_chain() {
    let server = TestServer::start().await;
    server.create_user("ann@example.com", PW).await;
    let session = server.login("ann@example.com", PW).await;
    let other = server.login("ann@example.com", PW).await;
    let next = refresh(&server, &session.refresh_token).await["data"]["refresh_token"]
        .as_str()
        .unwrap()
        .to_owned();

    let out = sign_out(&server, &session.refresh_token).await;
    assert_eq!(out["code"], 0);
    assert_eq!(out["data"], "");
    assert_eq!(
        refresh(&server, &session.refresh_token).await["code"],
        40020
    );
    assert_eq!(
        refresh(&server, &next).await["code"],
        40020,
        "later tokens of the chain too"
    );
    // Another sign-in of the same account is another chain.
    assert_eq!(refresh(&server, &other.refresh_token).await["code"], 0);
    // The chain ended in the database: a second instance on it refuses the token too.
    let second = server.sibling().await;
    assert_eq!(refresh(&second, &next).await["code"], 40020);
    // Signing out again is refused: there is no session left to end.
    assert_eq!(sign_out(&server, &next).await["code"], 40020);
}

#[tokio::test]
async fn password_change_invalidates_refresh_tokens() {
    let server = TestServer::start().await;
    server.create_user("ann@example.com", PW).await;
    let session = server.login("ann@example.com", PW).await;
    users::reset(&server.state.db, "ann@example.com", "another-pass", None)
        .await
        .unwrap();
    assert_eq!(
        refresh(&server, &session.refresh_token).await["code"],
        40020
    );
    assert_eq!(
        server.login_envelope("ann@example.com", PW).await["code"],
        40080
    );
    server.login("ann@example.com", "another-pass").await;
}

#[tokio::test]
async fn legacy_cloudreve_passwords_sign_in_and_are_rehashed() {
    use sha2::Digest;
    let server = TestServer::start().await;
    let ann = server.create_user("ann@example.com", PW).await;
    let salt = "0123456789abcdef";
    let digest = hex::encode(sha2::Sha256::digest(format!("{PW}{salt}").as_bytes()));
    let mut active = ann.into_active_model();
    active.password = Set(Some(format!("{salt}:{digest}")));
    active.update(&server.state.db).await.unwrap();

    server.login("ann@example.com", PW).await;
    let stored = users::find_by_email(&server.state.db, "ann@example.com")
        .await
        .unwrap()
        .unwrap();
    assert!(stored.password.unwrap().starts_with("$argon2id$"));
    server.login("ann@example.com", PW).await;
}

#[tokio::test]
async fn captcha_is_required_when_enabled() {
    let server = TestServer::start().await;
    server.create_user("ann@example.com", PW).await;
    server
        .state
        .settings
        .set(&[("login_captcha", "1")])
        .await
        .unwrap();
    assert_eq!(
        server.login_envelope("ann@example.com", PW).await["code"],
        40026
    );

    let captcha = server.get_api("/site/captcha").await;
    let ticket = captcha["data"]["ticket"].as_str().unwrap();
    let answer = stratus_server::kv::get(&server.state.db, &format!("captcha_{ticket}"))
        .await
        .unwrap()
        .unwrap();
    let wrong =
        json!({"email": "ann@example.com", "password": PW, "ticket": ticket, "captcha": "zzzzzz"});
    let (_, body) = server
        .send_api(Method::POST, "/session/token", &wrong.to_string())
        .await;
    assert_eq!(body["code"], 40026);
    // The ticket was burnt by the wrong answer.
    let right =
        json!({"email": "ann@example.com", "password": PW, "ticket": ticket, "captcha": answer});
    let (_, body) = server
        .send_api(Method::POST, "/session/token", &right.to_string())
        .await;
    assert_eq!(body["code"], 40026);

    let captcha = server.get_api("/site/captcha").await;
    let ticket = captcha["data"]["ticket"].as_str().unwrap();
    let answer = stratus_server::kv::get(&server.state.db, &format!("captcha_{ticket}"))
        .await
        .unwrap()
        .unwrap();
    let right =
        json!({"email": "ann@example.com", "password": PW, "ticket": ticket, "captcha": answer});
    let (_, body) = server
        .send_api(Method::POST, "/session/token", &right.to_string())
        .await;
    assert_eq!(body["code"], 0, "{body}");
}

async fn login_from(server: &TestServer, ip: &str, email: &str, password: &str) -> (u16, Value) {
    let resp = server
        .client
        .post(server.api("/session/token"))
        .header("X-Forwarded-For", ip)
        .json(&json!({"email": email, "password": password}))
        .send()
        .await
        .unwrap();
    let status = resp.status().as_u16();
    if status == 429 {
        assert!(resp.headers().get("retry-after").is_some());
    }
    (status, envelope(resp).await)
}

#[tokio::test]
async fn repeated_failures_are_throttled_per_account_and_per_address() {
    let server = TestServer::start_with(|c| c.proxy_header = Some("X-Forwarded-For".into())).await;
    server.create_user("ann@example.com", PW).await;
    server.create_user("bob@example.com", PW).await;

    // Per account: ten failures from ten addresses lock the account, even for the right
    // password, while other accounts are unaffected.
    for i in 0..10 {
        let (status, body) = login_from(
            &server,
            &format!("10.0.0.{i}"),
            "ann@example.com",
            "wrong-pass",
        )
        .await;
        assert_eq!((status, body["code"].as_i64()), (200, Some(40080)));
    }
    let (status, body) = login_from(&server, "10.0.1.1", "ann@example.com", PW).await;
    assert_eq!(status, 429);
    assert_eq!(body["code"], 429);
    let (status, _) = login_from(&server, "10.0.1.1", "bob@example.com", PW).await;
    assert_eq!(status, 200);

    // Per address: failures against different accounts from one address block it.
    for i in 0..stratus_server::auth::sign_in_throttle::ADDRESS_LIMIT {
        let (status, _) = login_from(
            &server,
            "10.9.9.9",
            &format!("ghost{i}@example.com"),
            "wrong-pass",
        )
        .await;
        assert_eq!(status, 200);
    }
    let (status, _) = login_from(&server, "10.9.9.9", "bob@example.com", PW).await;
    assert_eq!(status, 429);
    let (status, body) = login_from(&server, "10.9.9.10", "bob@example.com", PW).await;
    assert_eq!((status, body["code"].as_i64()), (200, Some(0)));
}

/// The account-wide lock refuses the password only from addresses the account never signed in
/// from, before the password is checked (so its answer tells nothing); the user sees it.
#[tokio::test]
async fn a_locked_account_still_lets_in_the_addresses_it_signed_in_from() {
    let server = TestServer::start_with(|c| c.proxy_header = Some("X-Forwarded-For".into())).await;
    server.create_user("ann@example.com", PW).await;
    let (status, _) = login_from(&server, "10.0.2.2", "ann@example.com", PW).await;
    assert_eq!(status, 200);
    for i in 0..10 {
        let ip = format!("10.0.0.{i}");
        let (_, body) = login_from(&server, &ip, "ann@example.com", "wrong-pass").await;
        assert_eq!(body["code"], 40080);
    }
    let (status, body) = login_from(&server, "10.0.2.2", "ann@example.com", PW).await;
    assert_eq!((status, body["code"].as_i64()), (200, Some(0)), "{body}");
    let token = body["data"]["token"]["access_token"]
        .as_str()
        .unwrap()
        .to_owned();
    for password in [PW, "wrong-pass"] {
        let (status, body) = login_from(&server, "10.0.3.3", "ann@example.com", password).await;
        assert_eq!((status, body["code"].as_i64()), (429, Some(429)));
    }

    let locks = server.get_as("/user/setting", &token).await["data"]["sign_in_locks"].clone();
    assert_eq!(locks.as_array().map(Vec::len), Some(1), "{locks}");
    assert_eq!(locks[0]["scope"], "account");
    let until: chrono::DateTime<chrono::Utc> = locks[0]["until"].as_str().unwrap().parse().unwrap();
    let left = until - chrono::Utc::now();
    assert!(left > chrono::Duration::seconds(500) && left <= chrono::Duration::seconds(600));
    let started = event::Entity::find()
        .filter(event::Column::Type.eq(events::kind::SIGN_IN_LOCKED))
        .all(&server.state.db)
        .await
        .unwrap();
    assert_eq!(started.len(), 1, "{started:?}");
    assert_eq!(started[0].content.as_ref().unwrap()["scope"], "account");
}

#[tokio::test]
async fn two_factor_session_ids_must_exist() {
    let server = TestServer::start().await;
    let body = json!({"otp": "123456", "session_id": uuid::Uuid::new_v4().to_string()});
    let (_, resp) = server
        .send_api(Method::POST, "/session/token/2fa", &body.to_string())
        .await;
    assert_eq!(resp["code"], 40023);
}

#[tokio::test]
async fn prepare_reports_sign_in_methods() {
    let server = TestServer::start().await;
    server.create_user("ann@example.com", PW).await;
    let body = server
        .get_api("/session/prepare?email=ann%40example.com")
        .await;
    assert_eq!(body["code"], 0);
    assert_eq!(body["data"]["password_enabled"], true);
    assert_eq!(body["data"]["webauthn_enabled"], false);
    assert_eq!(
        server
            .get_api("/session/prepare?email=nobody%40example.com")
            .await["code"],
        404
    );
    assert_eq!(server.get_api("/session/prepare").await["code"], 40001);
}

#[tokio::test]
async fn each_user_sees_only_their_own_account() {
    let server = TestServer::start().await;
    server.create_user("ann@example.com", PW).await;
    let bob = server.create_user("bob@example.com", PW).await;
    let mut active = bob.into_active_model();
    active.storage = Set(12345);
    active.update(&server.state.db).await.unwrap();
    let a = server.login("ann@example.com", PW).await;
    let b = server.login("bob@example.com", PW).await;

    let me_a = server.get_as("/user/me", &a.access_token).await;
    let me_b = server.get_as("/user/me", &b.access_token).await;
    assert_eq!(me_a["data"]["email"], "ann@example.com");
    assert_eq!(me_b["data"]["email"], "bob@example.com");
    let cap_a = server.get_as("/user/capacity", &a.access_token).await;
    let cap_b = server.get_as("/user/capacity", &b.access_token).await;
    assert_eq!(cap_a["data"], json!({"total": 1073741824, "used": 0}));
    assert_eq!(cap_b["data"], json!({"total": 1073741824, "used": 12345}));
    // B cannot sign A out: A's refresh token is A's alone, and B's sign-out leaves it alone.
    assert_eq!(sign_out(&server, &b.refresh_token).await["code"], 0);
    assert_eq!(refresh(&server, &a.refresh_token).await["code"], 0);
    let _ = user::Entity::find().count(&server.state.db).await.unwrap();
}
