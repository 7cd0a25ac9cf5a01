//! The OAuth 2 provider and its OpenID Connect layer: clients registered by an administrator,
//! the code flow with PKCE, refresh with the grant re-checked, scopes enforced on routes,
//! revocation ending live tokens, and `id_token`s verified against the JWKS.

mod admin;
mod flow;
mod oidc;
mod scopes;

use base64::{Engine, engine::general_purpose::URL_SAFE_NO_PAD};
use reqwest::Method;
use serde_json::{Value, json};
use sha2::{Digest, Sha256};
use stratus_tests::{Session, TestServer};

use crate::admin::{admin, member, ok};

pub const REDIRECT: &str = "https://notes.example/callback";

/// A client the administrator registered, with its secret.
pub struct App {
    pub guid: String,
    pub secret: String,
    pub id: i64,
}

/// Registers a client allowed `scopes`, as `admin`.
pub async fn register(server: &TestServer, admin: &Session, scopes: &[&str]) -> App {
    let secret = "s3cr3t-of-the-notes-app-0123456789".to_owned();
    let made = ok(
        server,
        admin,
        Method::PUT,
        "/admin/oauthClient",
        json!({"client": {
            "name": "Notes", "secret": secret, "homepage_url": "https://notes.example",
            "redirect_uris": [REDIRECT], "scopes": scopes,
            "props": {"description": "Takes notes", "icon": "https://notes.example/i.svg"},
            "is_enabled": true,
        }}),
    )
    .await;
    App {
        guid: made["guid"].as_str().unwrap().to_owned(),
        secret,
        id: made["id"].as_i64().unwrap(),
    }
}

/// A PKCE pair: (verifier, S256 challenge).
pub fn pkce() -> (String, String) {
    let verifier = format!("verifier-{}-{}", uuid::Uuid::new_v4(), uuid::Uuid::new_v4());
    let challenge = URL_SAFE_NO_PAD.encode(Sha256::digest(verifier.as_bytes()));
    (verifier, challenge)
}

/// `POST /session/oauth/consent` as `s`; the envelope.
pub async fn consent(server: &TestServer, s: &Session, body: Value) -> Value {
    server
        .send_as(
            Method::POST,
            "/session/oauth/consent",
            &s.access_token,
            &body,
        )
        .await
}

/// A consent body for `app` with `scope`, PKCE challenge and `extra` fields.
pub fn consent_body(app: &App, scope: &str, challenge: &str, extra: Value) -> Value {
    let mut body = json!({
        "client_id": app.guid, "response_type": "code", "redirect_uri": REDIRECT,
        "state": "st-1", "scope": scope, "code_challenge": challenge,
        "code_challenge_method": "S256",
    });
    body.as_object_mut()
        .unwrap()
        .extend(extra.as_object().unwrap().clone());
    body
}

/// `POST /session/oauth/token` with `form`; (HTTP status, bare JSON body).
pub async fn token(server: &TestServer, form: &[(&str, &str)]) -> (u16, Value) {
    let resp = server
        .client
        .post(server.api("/session/oauth/token"))
        .form(form)
        .send()
        .await
        .unwrap();
    let status = resp.status().as_u16();
    (status, resp.json().await.unwrap())
}

/// Consents as `s` to `scope` and exchanges the code; the token reply.
pub async fn authorize(server: &TestServer, s: &Session, app: &App, scope: &str) -> Value {
    let (verifier, challenge) = pkce();
    let c = consent(server, s, consent_body(app, scope, &challenge, json!({}))).await;
    assert_eq!(c["code"], 0, "{c}");
    assert_eq!(c["data"]["state"], "st-1");
    let code = c["data"]["code"].as_str().unwrap();
    assert_eq!(code.len(), 128);
    let (status, reply) = token(
        server,
        &[
            ("client_id", &app.guid),
            ("client_secret", &app.secret),
            ("grant_type", "authorization_code"),
            ("code", code),
            ("code_verifier", &verifier),
        ],
    )
    .await;
    assert_eq!(status, 200, "{reply}");
    reply
}

/// A server with an administrator, a member and a registered client.
pub async fn setup(scopes: &[&str]) -> (TestServer, Session, Session, App) {
    let server = TestServer::start().await;
    let adm = admin(&server, "root@oauth.test").await;
    let user = member(&server, "ann@oauth.test").await;
    let app = register(&server, &adm, scopes).await;
    (server, adm, user, app)
}

/// Every scope the test client may ask for.
pub const ALL_APP_SCOPES: &[&str] = &[
    "openid",
    "profile",
    "email",
    "offline_access",
    "Files.Read",
    "Files.Write",
    "Shares.Write",
    "UserInfo.Write",
];
