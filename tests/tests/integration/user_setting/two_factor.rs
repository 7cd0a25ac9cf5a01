//! Two-factor authentication through the settings: enabling it, signing in with a code, and
//! the enabling code refused as a sign-in replay.

use reqwest::Method;
use serde_json::{Value, json};
use stratus_server::events::kind;
use stratus_tests::TestServer;

use super::{Codes, PASSWORD, events_of, get_secret, patch, row, settings};

async fn password_login(server: &TestServer, password: &str) -> Value {
    server.login_envelope("ann@example.com", password).await
}

async fn two_fa_login(server: &TestServer, session_id: &str, otp: &str) -> Value {
    let body = json!({ "session_id": session_id, "otp": otp }).to_string();
    server
        .send_api(Method::POST, "/session/token/2fa", &body)
        .await
        .1
}

#[tokio::test]
async fn two_factor_authentication_from_start_to_finish() {
    let server = TestServer::start().await;
    let ann = server.create_user("ann@example.com", PASSWORD).await;
    let token = server.login("ann@example.com", PASSWORD).await.access_token;

    // Enabling needs a pending secret first.
    let body = patch(
        &server,
        &token,
        json!({"two_fa_enabled": true, "two_fa_code": "123456"}),
    )
    .await;
    assert_eq!(body["code"], 40001, "{body}");

    let first = get_secret(&server, &token).await;
    let secret = get_secret(&server, &token).await;
    assert_ne!(first, secret, "each call makes a new secret");
    let mut codes = Codes::new(&secret);
    // A code of the replaced secret, then a wrong one, are refused.
    let stale = Codes::new(&first).totp.generate_current().to_string();
    let body = patch(
        &server,
        &token,
        json!({"two_fa_enabled": true, "two_fa_code": stale}),
    )
    .await;
    assert_eq!(body["code"], 40022, "{body}");
    let body = patch(
        &server,
        &token,
        json!({"two_fa_enabled": true, "two_fa_code": codes.wrong()}),
    )
    .await;
    assert_eq!(body["code"], 40022, "{body}");
    assert_eq!(settings(&server, &token).await["two_fa_enabled"], false);

    let body = patch(
        &server,
        &token,
        json!({"two_fa_enabled": true, "two_fa_code": codes.next().await}),
    )
    .await;
    assert_eq!(body["code"], 0, "{body}");
    assert_eq!(body["data"]["recovery_codes"].as_array().unwrap().len(), 10);
    assert_eq!(settings(&server, &token).await["two_fa_enabled"], true);
    assert_eq!(
        row(&server, ann.id).await.two_factor_secret.as_deref(),
        Some(secret.as_str())
    );
    // The pending secret is spent.
    let kv_key = format!("2fa_init_{}", ann.id);
    assert!(
        stratus_server::kv::get(&server.state.db, &kv_key)
            .await
            .unwrap()
            .is_none()
    );

    // Enabling again is refused, though a new pending secret may be fetched.
    get_secret(&server, &token).await;
    let body = patch(
        &server,
        &token,
        json!({"two_fa_enabled": true, "two_fa_code": codes.wrong()}),
    )
    .await;
    assert_eq!(body["code"], 40001, "{body}");

    // Password sign-in now stops at 203 with a session id.
    let login = password_login(&server, PASSWORD).await;
    assert_eq!(login["code"], 203, "{login}");
    let session_id = login["data"].as_str().unwrap().to_owned();
    let body = two_fa_login(&server, &session_id, &codes.wrong()).await;
    assert_eq!(body["code"], 40022, "{body}");
    let body = two_fa_login(&server, &session_id, &codes.next().await).await;
    assert_eq!(body["code"], 0, "{body}");
    assert!(body["data"]["token"]["access_token"].is_string());

    // Disabling needs a code for the current secret.
    let body = patch(
        &server,
        &token,
        json!({"two_fa_enabled": false, "two_fa_code": codes.wrong()}),
    )
    .await;
    assert_eq!(body["code"], 40022, "{body}");
    assert_eq!(settings(&server, &token).await["two_fa_enabled"], true);
    let body = patch(
        &server,
        &token,
        json!({"two_fa_enabled": false, "two_fa_code": codes.next().await}),
    )
    .await;
    assert_eq!(body["code"], 0, "{body}");
    assert_eq!(settings(&server, &token).await["two_fa_enabled"], false);
    assert!(row(&server, ann.id).await.two_factor_secret.is_none());
    let login = password_login(&server, PASSWORD).await;
    assert_eq!(login["code"], 0, "{login}");

    let changes = events_of(&server, ann.id, kind::USER_CHANGE_2FA).await;
    let flags: Vec<_> = changes
        .iter()
        .map(|e| e.content.as_ref().unwrap()["enabled"].clone())
        .collect();
    assert_eq!(flags, [json!(true), json!(false)]);
}

#[tokio::test]
async fn the_code_that_enabled_2fa_cannot_be_replayed_to_sign_in() {
    let server = TestServer::start().await;
    server.create_user("ann@example.com", PASSWORD).await;
    let token = server.login("ann@example.com", PASSWORD).await.access_token;
    let secret = get_secret(&server, &token).await;
    let mut codes = Codes::new(&secret);
    let code = codes.next().await;
    let body = patch(
        &server,
        &token,
        json!({"two_fa_enabled": true, "two_fa_code": code}),
    )
    .await;
    assert_eq!(body["code"], 0, "{body}");
    let login = password_login(&server, PASSWORD).await;
    let session_id = login["data"].as_str().unwrap().to_owned();
    let body = two_fa_login(&server, &session_id, &code).await;
    assert_eq!(body["code"], 40022, "{body}");
}
