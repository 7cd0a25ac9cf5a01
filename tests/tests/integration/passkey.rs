//! Passkeys: registration (`/user/authn`), username-less sign-in (`/session/authn`), removal,
//! and the bad cases, with a software authenticator playing browser and key.
//!
//! WebAuthn needs a domain name as RP id, so `siteURL` is `http://localhost:<port>` (the test
//! server's port; requests still go to 127.0.0.1, only the origin the "browser" reports and
//! the RP id matter).

use reqwest::Method;
use sea_orm::{
    ActiveModelTrait, ActiveValue::Set, ColumnTrait, EntityTrait, IntoActiveModel, QueryFilter,
};
use serde_json::{Value, json};
use stratus_entity::{event, passkey, user};
use stratus_server::{auth::passkey as ceremony, events};
use stratus_tests::{TestServer, envelope, softkey::SoftAuthenticator};

const PW: &str = "correct-horse";
const UA: &str = "Mozilla/5.0 (X11; Linux x86_64) AppleWebKit/537.36 (KHTML, like Gecko) \
                  Chrome/126.0 Safari/537.36";

/// A server whose `siteURL` is `http://localhost:<its port>`, and that origin.
async fn start() -> (TestServer, String) {
    let server = TestServer::start().await;
    let port = server.base.rsplit(':').next().unwrap().to_owned();
    let origin = format!("http://localhost:{port}");
    server
        .state
        .settings
        .set(&[("siteURL", origin.as_str())])
        .await
        .unwrap();
    (server, origin)
}

async fn set_setting(server: &TestServer, name: &str, value: &str) {
    server.state.settings.set(&[(name, value)]).await.unwrap();
}

/// `PUT /user/authn` as `token`.
async fn registration_options(server: &TestServer, token: &str) -> Value {
    let resp = server
        .request_as(Method::PUT, "/user/authn", token)
        .send()
        .await
        .unwrap();
    envelope(resp).await
}

/// The whole registration; returns the `Passkey` answered.
async fn register(server: &TestServer, token: &str, key: &mut SoftAuthenticator) -> Value {
    let options = registration_options(server, token).await;
    assert_eq!(options["code"], 0, "{options}");
    let credential = key.create(&options["data"]).unwrap();
    let body = json!({
        "response": credential.to_string(),
        "name": "{browser} on {os}",
        "ua": UA,
    });
    let answer = server
        .send_as(Method::POST, "/user/authn", token, &body)
        .await;
    assert_eq!(answer["code"], 0, "{answer}");
    answer["data"].clone()
}

/// `PUT /session/authn`: `(options, session_id)`.
async fn login_options(server: &TestServer) -> (Value, String) {
    let (_, body) = server.send_api(Method::PUT, "/session/authn", "").await;
    assert_eq!(body["code"], 0, "{body}");
    (
        body["data"]["options"].clone(),
        body["data"]["session_id"].as_str().unwrap().to_owned(),
    )
}

/// `POST /session/authn` with `assertion`; the envelope.
async fn finish_login(server: &TestServer, session_id: &str, assertion: &Value) -> Value {
    let body = json!({"session_id": session_id, "response": assertion.to_string()});
    server
        .send_api(Method::POST, "/session/authn", &body.to_string())
        .await
        .1
}

/// A whole username-less sign-in with the newest credential of `key`; the envelope.
async fn passkey_login(server: &TestServer, key: &mut SoftAuthenticator) -> Value {
    let (options, session_id) = login_options(server).await;
    let assertion = key.get(&options).unwrap();
    finish_login(server, &session_id, &assertion).await
}

async fn prepare(server: &TestServer, email: &str) -> Value {
    server
        .get_api(&format!("/session/prepare?email={email}"))
        .await
}

async fn passkey_rows(server: &TestServer, user_id: i64) -> Vec<passkey::Model> {
    passkey::Entity::find()
        .filter(passkey::Column::UserId.eq(user_id))
        .all(&server.state.db)
        .await
        .unwrap()
}

fn delete_path(id: &str) -> String {
    let encoded: String = id
        .bytes()
        .map(|b| match b {
            b'A'..=b'Z' | b'a'..=b'z' | b'0'..=b'9' => (b as char).to_string(),
            _ => format!("%{b:02X}"),
        })
        .collect();
    format!("/user/authn?id={encoded}")
}

async fn delete_passkey(server: &TestServer, token: &str, id: &str) -> Value {
    let resp = server
        .request_as(Method::DELETE, &delete_path(id), token)
        .send()
        .await
        .unwrap();
    envelope(resp).await
}

#[tokio::test]
async fn register_then_sign_in_without_a_username() {
    let (server, origin) = start().await;
    let ann = server.create_user("ann@example.com", PW).await;
    let session = server.login("ann@example.com", PW).await;
    let token = session.access_token.as_str();
    let mut key = SoftAuthenticator::new(&origin);

    let before = prepare(&server, "ann@example.com").await;
    assert_eq!(before["data"]["webauthn_enabled"], false, "{before}");

    // The creation options are what a browser wants.
    let options = registration_options(&server, token).await;
    assert_eq!(options["code"], 0, "{options}");
    let pk = &options["data"]["publicKey"];
    assert_eq!(pk["rp"]["id"], "localhost");
    assert_eq!(pk["rp"]["name"], "Stratus");
    assert_eq!(pk["user"]["name"], "ann@example.com");
    assert_eq!(pk["authenticatorSelection"]["residentKey"], "required");
    assert_eq!(pk["authenticatorSelection"]["requireResidentKey"], true);
    assert!(pk["challenge"].is_string());
    assert!(pk.get("excludeCredentials").is_none_or(Value::is_null));

    let created = register(&server, token, &mut key).await;
    let cred = key.credentials[0].clone();
    assert_eq!(created["id"], cred.stored_id());
    assert_eq!(created["name"], "Chrome on Linux");
    assert!(created["created_at"].is_string());
    assert!(created.get("used_at").is_none(), "{created}");

    let rows = passkey_rows(&server, ann.id).await;
    assert_eq!(rows.len(), 1);
    assert_eq!(rows[0].credential_id, cred.stored_id());
    let listed = ceremony::list_for_user(&server.state.db, ann.id)
        .await
        .unwrap();
    assert_eq!(listed.len(), 1);
    assert_eq!(listed[0].id, cred.stored_id());
    let changes = event::Entity::find()
        .filter(event::Column::Type.eq(events::kind::USER_CHANGE_PASSKEY))
        .filter(event::Column::UserId.eq(ann.id))
        .all(&server.state.db)
        .await
        .unwrap();
    assert_eq!(changes.len(), 1);

    let after = prepare(&server, "ann@example.com").await;
    assert_eq!(after["data"]["webauthn_enabled"], true, "{after}");

    // Options for the next registration exclude the existing credential.
    let again = registration_options(&server, token).await;
    let excluded = again["data"]["publicKey"]["excludeCredentials"]
        .as_array()
        .unwrap();
    assert_eq!(excluded.len(), 1);
    assert!(key.create(&again["data"]).is_err(), "excluded credential");

    // Username-less sign-in.
    let (options, session_id) = login_options(&server).await;
    assert_eq!(options["publicKey"]["rpId"], "localhost");
    assert!(options["publicKey"]["challenge"].is_string());
    assert!(options["publicKey"]["timeout"].is_number());
    assert!(
        options["publicKey"]["allowCredentials"]
            .as_array()
            .is_none_or(Vec::is_empty)
    );
    let assertion = key.get(&options).unwrap();
    let login = finish_login(&server, &session_id, &assertion).await;
    assert_eq!(login["code"], 0, "{login}");
    assert_eq!(login["data"]["user"]["email"], "ann@example.com");
    let access = login["data"]["token"]["access_token"].as_str().unwrap();
    assert!(login["data"]["token"]["refresh_token"].is_string());
    let me = server.get_as("/user/me", access).await;
    assert_eq!(me["code"], 0, "{me}");
    assert_eq!(me["data"]["email"], "ann@example.com");

    let row = &passkey_rows(&server, ann.id).await[0];
    assert!(row.used_at.is_some());
    assert!(
        row.credential.contains("\"counter\":1"),
        "{}",
        row.credential
    );
    let logins = event::Entity::find()
        .filter(event::Column::Type.eq(events::kind::USER_LOGIN))
        .filter(event::Column::UserId.eq(ann.id))
        .all(&server.state.db)
        .await
        .unwrap();
    assert!(
        logins
            .iter()
            .any(|e| e.content.as_ref().is_some_and(|c| c["method"] == "passkey"))
    );

    // Signing in again works (the counter moves on).
    let second = passkey_login(&server, &mut key).await;
    assert_eq!(second["code"], 0, "{second}");
    assert!(
        passkey_rows(&server, ann.id).await[0]
            .credential
            .contains("\"counter\":2")
    );

    // Removing it: gone from the list, from prepare, and it no longer signs in.
    let deleted = delete_passkey(&server, token, &cred.stored_id()).await;
    assert_eq!(deleted["code"], 0, "{deleted}");
    assert!(passkey_rows(&server, ann.id).await.is_empty());
    let gone = prepare(&server, "ann@example.com").await;
    assert_eq!(gone["data"]["webauthn_enabled"], false);
    let refused = passkey_login(&server, &mut key).await;
    assert_eq!(refused["code"], 40025, "{refused}");
    let again = delete_passkey(&server, token, &cred.stored_id()).await;
    assert_eq!(again["code"], 404, "{again}");
}

#[tokio::test]
async fn a_login_session_is_used_once() {
    let (server, origin) = start().await;
    server.create_user("bob@example.com", PW).await;
    let session = server.login("bob@example.com", PW).await;
    let mut key = SoftAuthenticator::new(&origin);
    register(&server, &session.access_token, &mut key).await;

    let (options, session_id) = login_options(&server).await;
    let first = finish_login(&server, &session_id, &key.get(&options).unwrap()).await;
    assert_eq!(first["code"], 0, "{first}");
    // A fresh, valid assertion for the same challenge: the session is spent.
    let reuse = finish_login(&server, &session_id, &key.get(&options).unwrap()).await;
    assert_eq!(reuse["code"], 40023, "{reuse}");

    let unknown = finish_login(
        &server,
        &uuid::Uuid::new_v4().to_string(),
        &key.get(&options).unwrap(),
    )
    .await;
    assert_eq!(unknown["code"], 40023, "{unknown}");

    // A failed attempt spends the session too.
    let (options, session_id) = login_options(&server).await;
    let bad = finish_login(&server, &session_id, &json!({"id": "x"})).await;
    assert_eq!(bad["code"], 40025, "{bad}");
    let retry = finish_login(&server, &session_id, &key.get(&options).unwrap()).await;
    assert_eq!(retry["code"], 40023, "{retry}");

    // Registration needs its own pending ceremony.
    let body = json!({"response": "{}", "name": "x", "ua": UA});
    let none = server
        .send_as(Method::POST, "/user/authn", &session.access_token, &body)
        .await;
    assert_eq!(none["code"], 40023, "{none}");
    let missing = server
        .send_as(
            Method::POST,
            "/user/authn",
            &session.access_token,
            &json!({}),
        )
        .await;
    assert_eq!(missing["code"], 40001, "{missing}");
}

#[tokio::test]
async fn tampered_or_foreign_assertions_are_refused() {
    let (server, origin) = start().await;
    let cat = server.create_user("cat@example.com", PW).await;
    let session = server.login("cat@example.com", PW).await;
    let mut key = SoftAuthenticator::new(&origin);
    register(&server, &session.access_token, &mut key).await;

    // One flipped byte in the signature.
    let (options, session_id) = login_options(&server).await;
    let mut assertion = key.get(&options).unwrap();
    let sig = assertion["response"]["signature"]
        .as_str()
        .unwrap()
        .to_owned();
    let mut bytes = base64_url_decode(&sig);
    let last = bytes.len() - 1;
    bytes[last] ^= 0x01;
    assertion["response"]["signature"] = Value::String(base64_url_encode(&bytes));
    let tampered = finish_login(&server, &session_id, &assertion).await;
    assert_eq!(tampered["code"], 40025, "{tampered}");
    assert!(tampered.get("data").is_none_or(Value::is_null));
    let failures = event::Entity::find()
        .filter(event::Column::Type.eq(events::kind::USER_LOGIN_FAILED))
        .filter(event::Column::UserId.eq(cat.id))
        .all(&server.state.db)
        .await
        .unwrap();
    assert_eq!(failures.len(), 1);
    assert_eq!(failures[0].content.as_ref().unwrap()["method"], "passkey");

    // Signed for another origin (a phishing site).
    let mut phished = SoftAuthenticator::new("http://evil.localhost:1");
    phished.credentials = key.credentials.clone();
    let (options, session_id) = login_options(&server).await;
    let foreign = finish_login(&server, &session_id, &phished.get(&options).unwrap()).await;
    assert_eq!(foreign["code"], 40025, "{foreign}");

    // A user handle that is not the credential owner's.
    let (options, session_id) = login_options(&server).await;
    let mut other = key.get(&options).unwrap();
    other["response"]["userHandle"] = Value::String(base64_url_encode(&[7u8; 16]));
    let mismatch = finish_login(&server, &session_id, &other).await;
    assert_eq!(mismatch["code"], 40025, "{mismatch}");

    // An attestation that does not verify (wrong origin) is refused at registration.
    let mut bad_origin = SoftAuthenticator::new("http://localhost:1");
    let options = registration_options(&server, &session.access_token).await;
    let credential = bad_origin.create(&options["data"]).unwrap();
    let body = json!({"response": credential.to_string(), "name": "k", "ua": UA});
    let refused = server
        .send_as(Method::POST, "/user/authn", &session.access_token, &body)
        .await;
    assert_eq!(refused["code"], 40025, "{refused}");
    assert_eq!(passkey_rows(&server, cat.id).await.len(), 1);

    // The real key still works afterwards.
    let fine = passkey_login(&server, &mut key).await;
    assert_eq!(fine["code"], 0, "{fine}");
}

#[tokio::test]
async fn passkeys_follow_the_authn_enabled_setting() {
    let (server, origin) = start().await;
    server.create_user("dan@example.com", PW).await;
    let session = server.login("dan@example.com", PW).await;
    let token = session.access_token.as_str();
    let mut key = SoftAuthenticator::new(&origin);
    register(&server, token, &mut key).await;
    let stored = key.credentials[0].stored_id();

    // Anonymous callers cannot register.
    let (_, anon) = server.send_api(Method::PUT, "/user/authn", "").await;
    assert_eq!(anon["code"], 401, "{anon}");

    set_setting(&server, "authn_enabled", "0").await;
    let off = registration_options(&server, token).await;
    assert_eq!(off["code"], 40019, "{off}");
    let body = json!({"response": "{}", "name": "x"});
    let finish = server
        .send_as(Method::POST, "/user/authn", token, &body)
        .await;
    assert_eq!(finish["code"], 40019, "{finish}");
    let (_, start_login) = server.send_api(Method::PUT, "/session/authn", "").await;
    assert_eq!(start_login["code"], 40019, "{start_login}");
    let body = json!({"session_id": "x", "response": "{}"}).to_string();
    let (_, finish_login) = server.send_api(Method::POST, "/session/authn", &body).await;
    assert_eq!(finish_login["code"], 40019, "{finish_login}");
    let delete = delete_passkey(&server, token, &stored).await;
    assert_eq!(delete["code"], 40019, "{delete}");
    let prepared = prepare(&server, "dan@example.com").await;
    assert_eq!(prepared["data"]["webauthn_enabled"], false);

    set_setting(&server, "authn_enabled", "1").await;
    let back = passkey_login(&server, &mut key).await;
    assert_eq!(back["code"], 0, "{back}");

    // An IP address cannot be a WebAuthn RP id.
    set_setting(&server, "siteURL", &server.base).await;
    let (_, ip) = server.send_api(Method::PUT, "/session/authn", "").await;
    assert_eq!(ip["code"], 40024, "{ip}");
    let ip = registration_options(&server, token).await;
    assert_eq!(ip["code"], 40024, "{ip}");
}

#[tokio::test]
async fn nobody_deletes_another_users_passkey() {
    let (server, origin) = start().await;
    let ann_user = server.create_user("ann@example.com", PW).await;
    server.create_user("bea@example.com", PW).await;
    let ann = server.login("ann@example.com", PW).await;
    let bea = server.login("bea@example.com", PW).await;
    let mut key = SoftAuthenticator::new(&origin);
    register(&server, &ann.access_token, &mut key).await;
    let id = key.credentials[0].stored_id();

    let theft = delete_passkey(&server, &bea.access_token, &id).await;
    assert_eq!(theft["code"], 404, "{theft}");
    let unknown = delete_passkey(&server, &bea.access_token, "AAAA").await;
    assert_eq!(unknown["code"], 404, "{unknown}");
    let resp = server
        .request_as(Method::DELETE, "/user/authn", &bea.access_token)
        .send()
        .await
        .unwrap();
    assert_eq!(envelope(resp).await["code"], 40001);
    let resp = server
        .client
        .delete(server.api(&delete_path(&id)))
        .send()
        .await
        .unwrap();
    assert_eq!(envelope(resp).await["code"], 401);

    assert_eq!(passkey_rows(&server, ann_user.id).await.len(), 1);
    let still = passkey_login(&server, &mut key).await;
    assert_eq!(still["code"], 0, "{still}");
    assert_eq!(still["data"]["user"]["email"], "ann@example.com");
    let changes = event::Entity::find()
        .filter(event::Column::Type.eq(events::kind::USER_CHANGE_PASSKEY))
        .all(&server.state.db)
        .await
        .unwrap();
    assert_eq!(changes.len(), 1, "only the registration");
}

#[tokio::test]
async fn a_banned_account_cannot_sign_in_with_its_passkey() {
    let (server, origin) = start().await;
    let fay = server.create_user("fay@example.com", PW).await;
    let session = server.login("fay@example.com", PW).await;
    let mut key = SoftAuthenticator::new(&origin);
    register(&server, &session.access_token, &mut key).await;

    let mut active = user::Entity::find_by_id(fay.id)
        .one(&server.state.db)
        .await
        .unwrap()
        .unwrap()
        .into_active_model();
    active.status = Set(user::status::MANUAL_BANNED.to_owned());
    active.update(&server.state.db).await.unwrap();

    let banned = passkey_login(&server, &mut key).await;
    assert_eq!(banned["code"], 40017, "{banned}");
    assert!(banned.get("data").is_none_or(Value::is_null));
    assert!(passkey_rows(&server, fay.id).await[0].used_at.is_none());

    let mut active = user::Entity::find_by_id(fay.id)
        .one(&server.state.db)
        .await
        .unwrap()
        .unwrap()
        .into_active_model();
    active.status = Set(user::status::INACTIVE.to_owned());
    active.update(&server.state.db).await.unwrap();
    let inactive = passkey_login(&server, &mut key).await;
    assert_eq!(inactive["code"], 40018, "{inactive}");
}

fn base64_url_decode(s: &str) -> Vec<u8> {
    use base64::Engine;
    base64::engine::general_purpose::URL_SAFE_NO_PAD
        .decode(s)
        .unwrap()
}

fn base64_url_encode(b: &[u8]) -> String {
    use base64::Engine;
    base64::engine::general_purpose::URL_SAFE_NO_PAD.encode(b)
}
