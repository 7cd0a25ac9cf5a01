//! 2FA recovery codes: ten shown when 2FA is turned on, each good once in place of a TOTP code
//! at sign-in, a regenerated set voiding the old one, and no code working for another account.

use reqwest::Method;
use serde_json::{Value, json};
use stratus_tests::TestServer;

use super::{Codes, PASSWORD, get_secret, patch, settings};

/// Turns 2FA on for `email`; answers its codes and the recovery codes shown.
async fn enable(server: &TestServer, email: &str) -> (Codes, Vec<String>, String) {
    server.create_user(email, PASSWORD).await;
    let token = server.login(email, PASSWORD).await.access_token;
    let mut codes = Codes::new(&get_secret(server, &token).await);
    let body = patch(
        server,
        &token,
        json!({"two_fa_enabled": true, "two_fa_code": codes.next().await}),
    )
    .await;
    assert_eq!(body["code"], 0, "{body}");
    let shown = recovery_codes(&body);
    assert_eq!(
        settings(server, &token).await["two_fa_recovery_codes_left"],
        10
    );
    (codes, shown, token)
}

fn recovery_codes(body: &Value) -> Vec<String> {
    let codes: Vec<String> = body["data"]["recovery_codes"]
        .as_array()
        .unwrap_or_else(|| panic!("no recovery codes in {body}"))
        .iter()
        .map(|c| c.as_str().unwrap().to_owned())
        .collect();
    assert_eq!(codes.len(), 10, "{body}");
    codes
}

/// Signs in as `email` with the password, then `otp` as the second factor; the envelope.
async fn sign_in(server: &TestServer, email: &str, otp: &str) -> Value {
    let login = server.login_envelope(email, PASSWORD).await;
    assert_eq!(login["code"], 203, "{login}");
    let body = json!({ "session_id": login["data"], "otp": otp }).to_string();
    server
        .send_api(Method::POST, "/session/token/2fa", &body)
        .await
        .1
}

#[tokio::test]
async fn a_recovery_code_signs_in_once() {
    let server = TestServer::start().await;
    let (_, shown, token) = enable(&server, "ann@example.com").await;
    let distinct: std::collections::HashSet<_> = shown.iter().collect();
    assert_eq!(distinct.len(), 10, "{shown:?}");

    let body = sign_in(&server, "ann@example.com", &shown[0]).await;
    assert_eq!(body["code"], 0, "{body}");
    assert!(body["data"]["token"]["access_token"].is_string());
    assert_eq!(
        settings(&server, &token).await["two_fa_recovery_codes_left"],
        9
    );
    // Typed again, in capitals and without dashes: spent.
    let again = shown[0].replace('-', "").to_uppercase();
    let body = sign_in(&server, "ann@example.com", &again).await;
    assert_eq!(body["code"], 40022, "{body}");
    // Another of the set still works, typed the same loose way.
    let body = sign_in(&server, "ann@example.com", &shown[1].to_uppercase()).await;
    assert_eq!(body["code"], 0, "{body}");
    assert_eq!(
        settings(&server, &token).await["two_fa_recovery_codes_left"],
        8
    );
    // A made-up code of the right shape is refused.
    let body = sign_in(&server, "ann@example.com", "0000-0000-0000").await;
    assert_eq!(body["code"], 40022, "{body}");
}

#[tokio::test]
async fn a_regenerated_set_voids_the_old_one() {
    let server = TestServer::start().await;
    let (mut codes, old, token) = enable(&server, "ann@example.com").await;
    let regenerate = |code: String| {
        let server = &server;
        let token = token.clone();
        async move {
            server
                .send_as(
                    Method::POST,
                    "/user/setting/2fa/recovery_codes",
                    &token,
                    &json!({ "two_fa_code": code }),
                )
                .await
        }
    };
    let body = regenerate(codes.wrong()).await;
    assert_eq!(body["code"], 40022, "{body}");
    let body = regenerate(codes.next().await).await;
    assert_eq!(body["code"], 0, "{body}");
    let new = recovery_codes(&body);
    assert!(old.iter().all(|c| !new.contains(c)));
    assert_eq!(
        settings(&server, &token).await["two_fa_recovery_codes_left"],
        10
    );

    let body = sign_in(&server, "ann@example.com", &old[2]).await;
    assert_eq!(body["code"], 40022, "{body}");
    let body = sign_in(&server, "ann@example.com", &new[2]).await;
    assert_eq!(body["code"], 0, "{body}");

    // Turning 2FA off drops the codes; without 2FA there is nothing to regenerate.
    let body = patch(
        &server,
        &token,
        json!({"two_fa_enabled": false, "two_fa_code": codes.next().await}),
    )
    .await;
    assert_eq!(body, json!({"code": 0, "msg": ""}));
    let data = settings(&server, &token).await;
    assert!(data.get("two_fa_recovery_codes_left").is_none(), "{data}");
    let body = regenerate(codes.wrong()).await;
    assert_eq!(body["code"], 40001, "{body}");
}

#[tokio::test]
async fn another_users_recovery_code_does_nothing() {
    let server = TestServer::start().await;
    let (_, ann_codes, _) = enable(&server, "ann@example.com").await;
    let (_, _, bob_token) = enable(&server, "bob@example.com").await;
    let body = sign_in(&server, "bob@example.com", &ann_codes[0]).await;
    assert_eq!(body["code"], 40022, "{body}");
    assert_eq!(
        settings(&server, &bob_token).await["two_fa_recovery_codes_left"],
        10
    );
    // Ann's code was not spent by the attempt.
    let body = sign_in(&server, "ann@example.com", &ann_codes[0]).await;
    assert_eq!(body["code"], 0, "{body}");
}
