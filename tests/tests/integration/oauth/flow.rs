//! The code flow: consent, exchange with PKCE, refresh, userinfo, revocation.

use base64::{Engine, engine::general_purpose::URL_SAFE_NO_PAD};
use reqwest::Method;
use serde_json::{Value, json};
use stratus_tests::TestServer;

use super::{ALL_APP_SCOPES, REDIRECT, authorize, consent, consent_body, pkce, setup, token};

/// The claims of a JWT, unverified.
pub fn claims(jwt: &str) -> Value {
    let payload = jwt.split('.').nth(1).unwrap();
    serde_json::from_slice(&URL_SAFE_NO_PAD.decode(payload).unwrap()).unwrap()
}

async fn refresh(server: &TestServer, refresh_token: &str) -> Value {
    server
        .send_api(
            Method::POST,
            "/session/token/refresh",
            &json!({ "refresh_token": refresh_token }).to_string(),
        )
        .await
        .1
}

#[tokio::test]
async fn code_flow_with_pkce_then_refresh_keeps_scopes_and_userinfo_follows_them() {
    let (server, _adm, ann, app) = setup(ALL_APP_SCOPES).await;
    let scope = "openid profile email offline_access Files.Write";
    let reply = authorize(&server, &ann, &app, scope).await;
    assert_eq!(reply["token_type"], "Bearer");
    assert_eq!(reply["scope"], scope);
    let expires_in = reply["expires_in"].as_i64().unwrap();
    assert!((3590..=3600).contains(&expires_in), "{reply}");
    assert_eq!(reply["refresh_token_expires_in"], 1_209_600);
    let access = reply["access_token"].as_str().unwrap();
    let c = claims(access);
    assert_eq!(c["client_id"], app.guid.as_str());
    assert_eq!(c["scopes"], json!(scope.split(' ').collect::<Vec<_>>()));

    // Refresh: a new pair with the same scopes and client.
    let refreshed = refresh(&server, reply["refresh_token"].as_str().unwrap()).await;
    assert_eq!(refreshed["code"], 0, "{refreshed}");
    let next = refreshed["data"]["access_token"].as_str().unwrap();
    assert_eq!(claims(next)["scopes"], c["scopes"]);
    assert_eq!(claims(next)["client_id"], c["client_id"]);
    let next_refresh = refreshed["data"]["refresh_token"].as_str().unwrap();
    assert_eq!(claims(next_refresh)["scopes"], c["scopes"]);

    // userinfo: bare JSON, claims per scope.
    let info: Value = server
        .request_as(Method::GET, "/session/oauth/userinfo", next)
        .send()
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    assert_eq!(info["sub"], ann.user["id"], "{info}");
    assert_eq!(info["email"], "ann@oauth.test");
    assert_eq!(info["email_verified"], true);
    assert_eq!(info["name"], ann.user["nickname"]);
    assert!(
        info["picture"]
            .as_str()
            .unwrap()
            .contains("/api/v4/user/avatar/")
    );
    assert!(info.get("code").is_none(), "no envelope: {info}");

    // The narrower token: userinfo has only `sub`.
    let narrow = authorize(&server, &ann, &app, "openid").await;
    assert!(narrow.get("refresh_token").is_none(), "{narrow}");
    let info: Value = server
        .request_as(
            Method::GET,
            "/session/oauth/userinfo",
            narrow["access_token"].as_str().unwrap(),
        )
        .send()
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    assert_eq!(info.as_object().unwrap().len(), 1, "{info}");

    // The grant holds the latest consent's scopes, listed in the settings and on the app.
    let settings = server.get_as("/user/setting", &ann.access_token).await;
    let grants = settings["data"]["oauth_grants"].as_array().unwrap().clone();
    assert_eq!(grants.len(), 1, "{settings}");
    assert_eq!(grants[0]["client_id"], app.guid.as_str());
    assert_eq!(grants[0]["client_name"], "Notes");
    assert_eq!(grants[0]["client_logo"], "https://notes.example/i.svg");
    assert_eq!(grants[0]["scopes"], json!(["openid"]));
    let shown = server
        .get_as(
            &format!("/session/oauth/app/{}", app.guid),
            &ann.access_token,
        )
        .await;
    assert_eq!(
        shown["data"]["consented_scopes"],
        json!(["openid"]),
        "{shown}"
    );
    assert_eq!(shown["data"]["description"], "Takes notes");
    // The older token's scopes exceed the replaced grant now: its refresh fails.
    let stale = refresh(&server, next_refresh).await;
    assert_eq!(stale["code"], 40020, "{stale}");
    let anon = server
        .get_api(&format!("/session/oauth/app/{}", app.guid))
        .await;
    assert_eq!(anon["data"]["name"], "Notes");
    assert!(anon["data"].get("consented_scopes").is_none());
}

#[tokio::test]
async fn wrong_verifier_burns_the_code_and_a_used_code_is_refused() {
    let (server, _adm, ann, app) = setup(ALL_APP_SCOPES).await;
    let (verifier, challenge) = pkce();
    let c = consent(
        &server,
        &ann,
        consent_body(&app, "openid", &challenge, json!({})),
    )
    .await;
    let code = c["data"]["code"].as_str().unwrap().to_owned();
    let wrong: Vec<(&str, &str)> = vec![
        ("client_id", &app.guid),
        ("client_secret", &app.secret),
        ("grant_type", "authorization_code"),
        ("code", &code),
        ("code_verifier", "not-the-verifier"),
    ];
    let (status, body) = token(&server, &wrong).await;
    assert_eq!(status, 400, "{body}");
    assert_eq!(body["error_codes"], json!([40020]));
    assert!(body["error"].as_str().unwrap().len() > 3);
    assert!(body["correlation_id"].is_string());
    // Burned: the right verifier no longer helps.
    let right: Vec<(&str, &str)> = vec![
        ("client_id", &app.guid),
        ("client_secret", &app.secret),
        ("grant_type", "authorization_code"),
        ("code", &code),
        ("code_verifier", &verifier),
    ];
    let (status, body) = token(&server, &right).await;
    assert_eq!(status, 400, "{body}");
    assert_eq!(body["error_codes"], json!([40020]));

    // A code works once.
    let c = consent(
        &server,
        &ann,
        consent_body(&app, "openid", &challenge, json!({})),
    )
    .await;
    let code = c["data"]["code"].as_str().unwrap().to_owned();
    let right: Vec<(&str, &str)> = vec![
        ("client_id", &app.guid),
        ("client_secret", &app.secret),
        ("grant_type", "authorization_code"),
        ("code", &code),
        ("code_verifier", &verifier),
    ];
    assert_eq!(token(&server, &right).await.0, 200);
    let (status, body) = token(&server, &right).await;
    assert_eq!(status, 400, "{body}");
    assert_eq!(body["error_codes"], json!([40020]));
}

#[tokio::test]
async fn bad_requests_get_the_codes_of_the_contract() {
    let (server, _adm, ann, app) = setup(&["openid", "Files.Read"]).await;
    let (_, challenge) = pkce();
    let cases = [
        (json!({"client_id": "no-such-client"}), 404),
        (json!({"redirect_uri": "https://evil.example/cb"}), 40001),
        (json!({"redirect_uri": format!("{REDIRECT}/")}), 40001),
        (json!({"scope": "openid Files.Write"}), 40001),
        (json!({"scope": "Files.Read"}), 40001),
        (json!({"response_type": "token"}), 40001),
        (json!({"code_challenge_method": "plain"}), 40001),
    ];
    for (extra, code) in cases {
        let body = consent_body(&app, "openid", &challenge, extra.clone());
        let c = consent(&server, &ann, body).await;
        assert_eq!(c["code"], code, "{extra}: {c}");
    }
    // Signed out: 401.
    let (_, c) = server
        .send_api(
            Method::POST,
            "/session/oauth/consent",
            &consent_body(&app, "openid", &challenge, json!({})).to_string(),
        )
        .await;
    assert_eq!(c["code"], 401);
    // Unknown app: 404.
    assert_eq!(server.get_api("/session/oauth/app/nope").await["code"], 404);

    // The token endpoint: binding errors are envelopes, refusals bare 400 objects.
    let (status, body) = token(&server, &[("client_id", &app.guid)]).await;
    assert_eq!(
        (status, body["code"].clone()),
        (200, json!(40001)),
        "{body}"
    );
    let (status, body) = token(
        &server,
        &[
            ("client_id", &app.guid),
            ("client_secret", &app.secret),
            ("grant_type", "client_credentials"),
            ("code", "x"),
        ],
    )
    .await;
    assert_eq!(
        (status, body["code"].clone()),
        (200, json!(40001)),
        "{body}"
    );
    let (status, body) = token(
        &server,
        &[
            ("client_id", &app.guid),
            ("client_secret", &app.secret),
            ("grant_type", "authorization_code"),
            ("code", "no-such-code"),
        ],
    )
    .await;
    assert_eq!(status, 400);
    assert_eq!(body["error_codes"], json!([40020]));

    // A wrong secret, with an otherwise good code (no PKCE this time).
    let mut body = consent_body(&app, "openid", "", json!({}));
    body.as_object_mut()
        .unwrap()
        .remove("code_challenge_method");
    let c = consent(&server, &ann, body).await;
    let code = c["data"]["code"].as_str().unwrap().to_owned();
    let (status, body) = token(
        &server,
        &[
            ("client_id", &app.guid),
            ("client_secret", "wrong"),
            ("grant_type", "authorization_code"),
            ("code", &code),
        ],
    )
    .await;
    assert_eq!(status, 400);
    assert_eq!(body["error_codes"], json!([40020]));
}

#[tokio::test]
async fn an_application_token_cannot_consent() {
    let (server, _adm, ann, app) = setup(ALL_APP_SCOPES).await;
    let reply = authorize(&server, &ann, &app, "openid Files.Read").await;
    let app_session = stratus_tests::Session {
        access_token: reply["access_token"].as_str().unwrap().to_owned(),
        refresh_token: String::new(),
        user: ann.user.clone(),
    };
    let (_, challenge) = pkce();
    // Not even for the same client, nor for the desktop client with broader scopes.
    let c = consent(
        &server,
        &app_session,
        consent_body(&app, "openid Files.Write", &challenge, json!({})),
    )
    .await;
    assert_eq!(c["code"], 40089, "{c}");
    let desktop = json!({
        "client_id": "393a1839-f52e-498e-9972-e77cc2241eee", "response_type": "code",
        "redirect_uri": "/callback/desktop", "scope": "openid Files.Write",
    });
    let c = consent(&server, &app_session, desktop).await;
    assert_eq!(c["code"], 40089, "{c}");
}

#[tokio::test]
async fn a_revoked_grant_ends_refresh_and_live_access_tokens() {
    let (server, _adm, ann, app) = setup(ALL_APP_SCOPES).await;
    let reply = authorize(&server, &ann, &app, "openid offline_access Files.Read").await;
    let access = reply["access_token"].as_str().unwrap();
    let listed = server
        .get_as("/file?uri=cloudreve%3A%2F%2Fmy", access)
        .await;
    assert_eq!(listed["code"], 0, "{listed}");

    // Revoking needs UserSecurityInfo.Write from an application: this one lacks it.
    let denied = server
        .send_as(
            Method::DELETE,
            &format!("/session/oauth/grant/{}", app.guid),
            access,
            &json!({}),
        )
        .await;
    assert_eq!(denied["code"], 40089, "{denied}");
    let revoked = server
        .send_as(
            Method::DELETE,
            &format!("/session/oauth/grant/{}", app.guid),
            &ann.access_token,
            &json!({}),
        )
        .await;
    assert_eq!(revoked["code"], 0, "{revoked}");
    // The live access token stops working at once, and the refresh token too.
    let listed = server
        .get_as("/file?uri=cloudreve%3A%2F%2Fmy", access)
        .await;
    assert_eq!(listed["code"], 401, "{listed}");
    let r = refresh(&server, reply["refresh_token"].as_str().unwrap()).await;
    assert_eq!(r["code"], 40020, "{r}");
    // The user's own session is untouched; revoking again is 404.
    let again = server
        .send_as(
            Method::DELETE,
            &format!("/session/oauth/grant/{}", app.guid),
            &ann.access_token,
            &json!({}),
        )
        .await;
    assert_eq!(again["code"], 404, "{again}");
}
