//! `POST /user` (registration), `GET /user/activate/:id` (e-mail activation) and
//! `POST /user/reset` + `PATCH /user/reset/:id` (password reset), with mail delivered to a
//! test SMTP receiver.

use std::time::Duration;

use reqwest::Method;
use sea_orm::{ColumnTrait, EntityTrait, PaginatorTrait, QueryFilter};
use serde_json::{Value, json};
use stratus_entity::event;
use stratus_server::{auth::sign, events, ids::IdKind, users};
use stratus_tests::{
    TestServer, envelope,
    smtp::{SmtpServer, unused_port},
};

const MAIL_WAIT: Duration = Duration::from_secs(30);

async fn register(server: &TestServer, body: Value) -> Value {
    server
        .send_api(Method::POST, "/user", &body.to_string())
        .await
        .1
}

async fn register_plain(server: &TestServer, email: &str, password: &str) -> Value {
    register(server, json!({"email": email, "password": password})).await
}

async fn set(server: &TestServer, values: &[(&str, &str)]) {
    server.state.settings.set(values).await.unwrap();
}

/// Points the server's mail settings at `smtp`.
pub(crate) async fn use_smtp(server: &TestServer, smtp: &SmtpServer) {
    let values = smtp.settings();
    let pairs: Vec<(&str, &str)> = values.iter().map(|(k, v)| (*k, v.as_str())).collect();
    set(server, &pairs).await;
}

/// A server with e-mail activation on, mailing to a fresh SMTP receiver.
async fn server_with_mail() -> (TestServer, SmtpServer) {
    let server = TestServer::start().await;
    let smtp = SmtpServer::start().await;
    use_smtp(&server, &smtp).await;
    set(
        &server,
        &[
            ("email_active", "1"),
            ("siteURL", "https://drive.example/, https://other.example"),
            ("siteName", "Test & Drive"),
        ],
    )
    .await;
    (server, smtp)
}

pub(crate) fn query_param(url: &str, name: &str) -> String {
    reqwest::Url::parse(url)
        .unwrap()
        .query_pairs()
        .find(|(k, _)| k == name)
        .map(|(_, v)| v.into_owned())
        .unwrap_or_else(|| panic!("{url} has no {name}"))
}

async fn activate(server: &TestServer, id: &str, sign: &str) -> Value {
    let resp = server
        .client
        .get(server.api(&format!("/user/activate/{id}")))
        .query(&[("sign", sign)])
        .send()
        .await
        .unwrap();
    envelope(resp).await
}

pub(crate) async fn request_reset(server: &TestServer, email: &str) -> Value {
    server
        .send_api(
            Method::POST,
            "/user/reset",
            &json!({ "email": email }).to_string(),
        )
        .await
        .1
}

pub(crate) async fn reset(
    server: &TestServer,
    id: &str,
    secret: &str,
    password: &str,
) -> (u16, Value) {
    server
        .send_api(
            Method::PATCH,
            &format!("/user/reset/{id}"),
            &json!({ "password": password, "secret": secret }).to_string(),
        )
        .await
}

async fn count_events(server: &TestServer, kind: i32, user_id: i64) -> u64 {
    event::Entity::find()
        .filter(event::Column::Type.eq(kind))
        .filter(event::Column::UserId.eq(user_id))
        .count(&server.state.db)
        .await
        .unwrap()
}

async fn user_id(server: &TestServer, email: &str) -> Option<i64> {
    users::find_by_email(&server.state.db, email)
        .await
        .unwrap()
        .map(|u| u.id)
}

#[tokio::test]
async fn the_first_registered_user_is_admin_and_later_ones_join_the_default_group() {
    let server = TestServer::start().await;
    let first = register_plain(&server, "Alice@Example.com", "alice-password").await;
    assert_eq!(first["code"], 0, "{first}");
    let data = &first["data"];
    assert_eq!(data["email"], "alice@example.com");
    assert_eq!(data["nickname"], "alice");
    assert_eq!(data["status"], "active");
    assert_eq!(data["group"]["name"], "Admin");

    let alice = server.login("alice@example.com", "alice-password").await;
    let me = server.get_as("/user/me", &alice.access_token).await;
    assert_eq!(me["data"]["group"]["name"], "Admin");

    let second = register(
        &server,
        json!({"email": "bob@example.com", "password": "bob-password", "language": "zh-CN"}),
    )
    .await;
    assert_eq!(second["code"], 0, "{second}");
    assert_eq!(second["data"]["group"]["name"], "User");
    assert_eq!(second["data"]["language"], "zh-CN");
    let bob = server.login("bob@example.com", "bob-password").await;
    assert_eq!(bob.user["group"]["name"], "User");

    let alice_id = user_id(&server, "alice@example.com").await.unwrap();
    assert_eq!(
        count_events(&server, events::kind::USER_SIGNUP, alice_id).await,
        1
    );
}

#[tokio::test]
async fn the_default_group_setting_is_used() {
    let server = TestServer::start().await;
    server
        .create_user("existing@example.com", "password1")
        .await;
    set(&server, &[("default_group", "1")]).await;
    let body = register_plain(&server, "carl@example.com", "carl-password").await;
    assert_eq!(body["code"], 0, "{body}");
    assert_eq!(body["data"]["group"]["name"], "Admin");
}

#[tokio::test]
async fn registration_can_be_switched_off() {
    let server = TestServer::start().await;
    set(&server, &[("register_enabled", "0")]).await;
    let body = register_plain(&server, "alice@example.com", "alice-password").await;
    assert_eq!(body["code"], 40019, "{body}");
    assert_eq!(user_id(&server, "alice@example.com").await, None);
}

#[tokio::test]
async fn duplicate_and_malformed_registrations_are_refused() {
    let server = TestServer::start().await;
    assert_eq!(
        register_plain(&server, "alice@example.com", "alice-password").await["code"],
        0
    );
    let again = register_plain(&server, "ALICE@example.com ", "other-password").await;
    assert_eq!(again["code"], 40032, "{again}");

    for body in [
        json!({"email": "not-an-email", "password": "long-enough"}),
        json!({"email": "a b@example.com", "password": "long-enough"}),
        json!({"email": "dan@example.com", "password": "12345"}),
        json!({"email": "dan@example.com", "password": "x".repeat(129)}),
        json!({"email": "dan@example.com"}),
        json!({"password": "long-enough"}),
    ] {
        let resp = register(&server, body.clone()).await;
        assert_eq!(resp["code"], 40001, "{body} → {resp}");
    }
    assert_eq!(user_id(&server, "dan@example.com").await, None);
}

async fn captcha(server: &TestServer) -> (String, String) {
    let body = server.get_api("/site/captcha").await;
    let ticket = body["data"]["ticket"].as_str().unwrap().to_owned();
    let answer = stratus_server::kv::get(&server.state.db, &format!("captcha_{ticket}"))
        .await
        .unwrap()
        .expect("answer stored under the ticket");
    (ticket, answer)
}

#[tokio::test]
async fn registration_captcha_is_checked_when_enabled() {
    let server = TestServer::start().await;
    set(&server, &[("reg_captcha", "1")]).await;
    let missing = register_plain(&server, "alice@example.com", "alice-password").await;
    assert_eq!(missing["code"], 40026, "{missing}");

    let (ticket, _) = captcha(&server).await;
    let wrong = register(
        &server,
        json!({"email": "alice@example.com", "password": "alice-password",
               "ticket": ticket, "captcha": "definitely wrong"}),
    )
    .await;
    assert_eq!(wrong["code"], 40026);

    let (ticket, answer) = captcha(&server).await;
    let right = register(
        &server,
        json!({"email": "alice@example.com", "password": "alice-password",
               "ticket": ticket, "captcha": answer}),
    )
    .await;
    assert_eq!(right["code"], 0, "{right}");
    // The ticket was spent.
    let reused = register(
        &server,
        json!({"email": "bob@example.com", "password": "bob-password",
               "ticket": ticket, "captcha": answer}),
    )
    .await;
    assert_eq!(reused["code"], 40026);
}

#[tokio::test]
async fn email_activation_flow() {
    let (server, smtp) = server_with_mail().await;
    let body = register(
        &server,
        json!({"email": "carol@example.com", "password": "carol-password", "language": "en-US"}),
    )
    .await;
    assert_eq!(body["code"], 203, "{body}");
    assert!(body.get("data").is_none(), "{body}");

    let login = server
        .login_envelope("carol@example.com", "carol-password")
        .await;
    assert_eq!(login["code"], 40018, "{login}");

    let mail = smtp.wait_for_mail_to("carol@example.com", MAIL_WAIT).await;
    assert_eq!(mail.from, "drive@stratus.test");
    assert_eq!(mail.subject(), "Activate your account");
    let message_id = mail.header("message-id").expect("Message-ID");
    assert!(message_id.ends_with("@stratus.test>"), "{message_id}");
    assert!(mail.text().contains("Test &amp; Drive"), "{}", mail.text());
    let link = mail.link("/session/activate?").expect("activation link");
    assert!(
        link.starts_with("https://drive.example/session/activate?id="),
        "{link}"
    );
    let id = query_param(&link, "id");
    let sign_value = query_param(&link, "sign");
    let carol_id = user_id(&server, "carol@example.com").await.unwrap();
    assert_eq!(id, server.state.ids.encode(carol_id, IdKind::User));

    // Registering again before activating sends the link again (at most once a minute).
    let again = register_plain(&server, "carol@example.com", "carol-password").await;
    assert_eq!(again["code"], 40033, "{again}");
    assert_eq!(smtp.received(), 1);

    // Bad signatures are refused with 40020 and the reason.
    let (mac, expires) = sign_value.rsplit_once(':').unwrap();
    let first = if mac.starts_with('A') { "B" } else { "A" };
    let tampered = format!("{first}{}:{expires}", &mac[1..]);
    let body = activate(&server, &id, &tampered).await;
    assert_eq!(body["code"], 40020, "{body}");
    assert_eq!(body["msg"], "invalid signature");

    let key = server.state.settings.get("secret_key").await.unwrap();
    let path = format!("/api/v4/user/activate/{id}");
    let expired = sign::sign(key.as_bytes(), &path, chrono::Utc::now().timestamp() - 10);
    let body = activate(&server, &id, &expired).await;
    assert_eq!(body["code"], 40020, "{body}");
    assert_eq!(body["msg"], "signature expired");

    let missing = envelope(
        server
            .client
            .get(server.api(&format!("/user/activate/{id}")))
            .send()
            .await
            .unwrap(),
    )
    .await;
    assert_eq!(missing["code"], 40020, "{missing}");

    // A signature for another account's path does not fit this one.
    let other = server.state.ids.encode(carol_id + 1, IdKind::User);
    let body = activate(&server, &other, &sign_value).await;
    assert_eq!(body["code"], 40020, "{body}");

    let body = activate(&server, &id, &sign_value).await;
    assert_eq!(body["code"], 0, "{body}");
    assert_eq!(body["data"]["status"], "active");
    assert_eq!(body["data"]["email"], "carol@example.com");
    // The very first account is the administrator, activation or not.
    assert_eq!(body["data"]["group"]["name"], "Admin");
    server.login("carol@example.com", "carol-password").await;

    let reused = activate(&server, &id, &sign_value).await;
    assert_eq!(reused["code"], 40034, "{reused}");
    assert_eq!(
        count_events(&server, events::kind::USER_ACTIVATED, carol_id).await,
        1
    );

    // Once active, the address is simply taken.
    let taken = register_plain(&server, "carol@example.com", "carol-password").await;
    assert_eq!(taken["code"], 40032);
}

#[tokio::test]
async fn a_failed_activation_mail_leaves_no_account_behind() {
    let (server, smtp) = server_with_mail().await;
    // Nothing listens on this port.
    let port = unused_port().await.to_string();
    set(&server, &[("smtpPort", port.as_str())]).await;
    let body = register_plain(&server, "dave@example.com", "dave-password").await;
    assert_eq!(body["code"], 40028, "{body}");
    assert_eq!(user_id(&server, "dave@example.com").await, None);
    assert_eq!(users::count(&server.state.db).await.unwrap(), 0);

    // No SMTP host at all: the same, with a message that says so.
    set(&server, &[("smtpHost", "")]).await;
    let body = register_plain(&server, "dave@example.com", "dave-password").await;
    assert_eq!(body["code"], 40028, "{body}");
    assert!(
        body["msg"].as_str().unwrap().contains("not configured"),
        "{body}"
    );
    assert_eq!(user_id(&server, "dave@example.com").await, None);

    // With mail working again the address is free, and the first account is still admin.
    use_smtp(&server, &smtp).await;
    let body = register_plain(&server, "dave@example.com", "dave-password").await;
    assert_eq!(body["code"], 203, "{body}");
    let link = smtp
        .wait_for_mail_to("dave@example.com", MAIL_WAIT)
        .await
        .link("/session/activate?")
        .unwrap();
    let body = activate(
        &server,
        &query_param(&link, "id"),
        &query_param(&link, "sign"),
    )
    .await;
    assert_eq!(body["code"], 0, "{body}");
    assert_eq!(body["data"]["group"]["name"], "Admin");
}

#[tokio::test]
async fn password_reset_flow() {
    let server = TestServer::start().await;
    let smtp = SmtpServer::start().await;
    use_smtp(&server, &smtp).await;
    set(&server, &[("siteURL", "http://127.0.0.1:5212/")]).await;
    let erin = server.create_user("erin@example.com", "old-password").await;
    let session = server.login("erin@example.com", "old-password").await;

    // Unknown addresses get the same answer, and no mail.
    let unknown = request_reset(&server, "nobody@example.com").await;
    assert_eq!(unknown["code"], 0, "{unknown}");
    assert!(unknown.get("data").is_none());

    let known = request_reset(&server, "Erin@Example.com").await;
    assert_eq!(known, unknown);
    let mail = smtp.wait_for_mail_to("erin@example.com", MAIL_WAIT).await;
    assert_eq!(mail.subject(), "Reset your password");
    assert_eq!(smtp.received(), 1, "only the known address gets a mail");
    let link = mail.link("/session/reset?").expect("reset link");
    assert!(
        link.starts_with("http://127.0.0.1:5212/session/reset?id="),
        "{link}"
    );
    let id = query_param(&link, "id");
    let secret = query_param(&link, "secret");
    assert_eq!(id, server.state.ids.encode(erin.id, IdKind::User));
    assert_eq!(secret.len(), 32);
    assert_eq!(
        count_events(&server, events::kind::USER_RESET_REQUEST, erin.id).await,
        1
    );

    let (_, wrong) = reset(&server, &id, "not-the-secret", "new-password").await;
    assert_eq!(wrong["code"], 40029, "{wrong}");
    let (_, short) = reset(&server, &id, &secret, "12345").await;
    assert_eq!(short["code"], 40001, "{short}");

    let (_, done) = reset(&server, &id, &secret, "new-password").await;
    assert_eq!(done["code"], 0, "{done}");
    assert_eq!(done["data"]["email"], "erin@example.com");

    let old = server
        .login_envelope("erin@example.com", "old-password")
        .await;
    assert_eq!(old["code"], 40080, "{old}");
    server.login("erin@example.com", "new-password").await;

    // Refresh tokens issued before the reset are dead.
    let (_, refreshed) = server
        .send_api(
            Method::POST,
            "/session/token/refresh",
            &json!({ "refresh_token": session.refresh_token }).to_string(),
        )
        .await;
    assert_eq!(refreshed["code"], 40020, "{refreshed}");

    // The secret works once.
    let (_, again) = reset(&server, &id, &secret, "third-password").await;
    assert_eq!(again["code"], 40029, "{again}");
    server.login("erin@example.com", "new-password").await;
    assert_eq!(
        count_events(&server, events::kind::USER_CHANGE_PASSWORD, erin.id).await,
        1
    );
}

#[tokio::test]
async fn a_reset_secret_only_works_for_its_own_account() {
    let server = TestServer::start().await;
    let smtp = SmtpServer::start().await;
    use_smtp(&server, &smtp).await;
    let a = server.create_user("a@example.com", "a-password").await;
    let b = server.create_user("b@example.com", "b-password").await;
    assert_eq!(request_reset(&server, "a@example.com").await["code"], 0);
    assert_eq!(request_reset(&server, "b@example.com").await["code"], 0);
    let link_a = smtp
        .wait_for_mail_to("a@example.com", MAIL_WAIT)
        .await
        .link("/session/reset?")
        .unwrap();
    let link_b = smtp
        .wait_for_mail_to("b@example.com", MAIL_WAIT)
        .await
        .link("/session/reset?")
        .unwrap();
    let a_id = server.state.ids.encode(a.id, IdKind::User);
    let b_id = server.state.ids.encode(b.id, IdKind::User);
    assert_eq!(query_param(&link_a, "id"), a_id);
    assert_eq!(query_param(&link_b, "id"), b_id);
    let secret_a = query_param(&link_a, "secret");
    let secret_b = query_param(&link_b, "secret");
    assert_ne!(secret_a, secret_b);

    // B's secret does not open A's account.
    let (_, body) = reset(&server, &a_id, &secret_b, "taken-over").await;
    assert_eq!(body["code"], 40029, "{body}");
    let failed = server.login_envelope("a@example.com", "taken-over").await;
    assert_eq!(failed["code"], 40080);

    // Neither secret was spent by the failed attempt.
    let (_, body) = reset(&server, &a_id, &secret_a, "a-new-password").await;
    assert_eq!(body["code"], 0, "{body}");
    let (_, body) = reset(&server, &b_id, &secret_b, "b-new-password").await;
    assert_eq!(body["code"], 0, "{body}");
    server.login("a@example.com", "a-new-password").await;
    server.login("b@example.com", "b-new-password").await;
}

#[tokio::test]
async fn reset_requests_need_mail_and_the_captcha() {
    let server = TestServer::start().await;
    server.create_user("f@example.com", "f-password").await;
    // No SMTP host: known and unknown addresses alike get 40028.
    let known = request_reset(&server, "f@example.com").await;
    let unknown = request_reset(&server, "nobody@example.com").await;
    assert_eq!(known["code"], 40028, "{known}");
    assert_eq!(unknown["code"], 40028, "{unknown}");
    assert_eq!(known["msg"], unknown["msg"]);

    let malformed = request_reset(&server, "not-an-email").await;
    assert_eq!(malformed["code"], 40001, "{malformed}");

    let smtp = SmtpServer::start().await;
    use_smtp(&server, &smtp).await;
    set(&server, &[("forget_captcha", "1")]).await;
    let body = request_reset(&server, "f@example.com").await;
    assert_eq!(body["code"], 40026, "{body}");
    let (ticket, answer) = captcha(&server).await;
    let (_, body) = server
        .send_api(
            Method::POST,
            "/user/reset",
            &json!({"email": "f@example.com", "ticket": ticket, "captcha": answer}).to_string(),
        )
        .await;
    assert_eq!(body["code"], 0, "{body}");
    smtp.wait_for_mail_to("f@example.com", MAIL_WAIT).await;
}

#[tokio::test]
async fn guessing_reset_secrets_is_throttled() {
    let server = TestServer::start().await;
    let smtp = SmtpServer::start().await;
    use_smtp(&server, &smtp).await;
    let g = server.create_user("g@example.com", "g-password").await;
    request_reset(&server, "g@example.com").await;
    let link = smtp
        .wait_for_mail_to("g@example.com", MAIL_WAIT)
        .await
        .link("/session/reset?")
        .unwrap();
    let id = server.state.ids.encode(g.id, IdKind::User);
    for i in 0..10 {
        let (_, body) = reset(&server, &id, &format!("guess-{i}"), "guessed-pw").await;
        assert_eq!(body["code"], 40029, "{body}");
    }
    // Now even the right secret waits.
    let (status, body) = reset(&server, &id, &query_param(&link, "secret"), "new-pw-1").await;
    assert_eq!(status, 429, "{body}");
    assert_eq!(body["code"], 429);
}

#[tokio::test]
async fn reset_links_with_bad_ids_are_invalid() {
    let server = TestServer::start().await;
    let (_, body) = reset(&server, "not-a-hashid", "secret", "password").await;
    assert_eq!(body["code"], 40029, "{body}");
    // A well-formed id of an account that has no pending reset.
    let h = server.create_user("h@example.com", "h-password").await;
    let id = server.state.ids.encode(h.id, IdKind::User);
    let (_, body) = reset(&server, &id, "secret", "password").await;
    assert_eq!(body["code"], 40029, "{body}");
}

#[tokio::test]
async fn concurrent_registrations_make_one_admin_and_one_owner_per_address() {
    let server = TestServer::start().await;
    let emails: Vec<String> = (0..6).map(|i| format!("u{i}@example.com")).collect();
    let bodies = futures_util::future::join_all(
        emails
            .iter()
            .map(|email| register_plain(&server, email, "password-1")),
    )
    .await;
    let mut admins = 0;
    for body in &bodies {
        assert_eq!(body["code"], 0, "{body}");
        if body["data"]["group"]["name"] == "Admin" {
            admins += 1;
        }
    }
    assert_eq!(admins, 1, "{bodies:?}");

    let same = futures_util::future::join_all(
        (0..6).map(|_| register_plain(&server, "same@example.com", "password-1")),
    )
    .await;
    let created = same.iter().filter(|b| b["code"] == 0).count();
    let taken = same.iter().filter(|b| b["code"] == 40032).count();
    assert_eq!((created, taken), (1, 5), "{same:?}");
}
