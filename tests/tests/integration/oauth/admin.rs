//! `/admin/oauthClient*`: the seeded system clients, CRUD with a write-only secret, system
//! clients protected, and a disabled client's tokens ended.

use reqwest::Method;
use serde_json::{Value, json};

use super::{ALL_APP_SCOPES, authorize, consent, pkce, setup};
use crate::admin::{admin_events, call, list, ok};

const DESKTOP: &str = "393a1839-f52e-498e-9972-e77cc2241eee";
const IOS: &str = "220db97a-44a3-44f7-99b6-d767262b4daa";
const CLI: &str = "6326d2af-2fef-4a99-94da-1ee8ef0ca53f";

#[tokio::test]
async fn system_clients_are_seeded_exactly_and_cannot_be_deleted() {
    let (server, adm, ann, _app) = setup(ALL_APP_SCOPES).await;
    let data = ok(
        &server,
        &adm,
        Method::POST,
        "/admin/oauthClient",
        list(50, json!({})),
    )
    .await;
    let clients = data["clients"].as_array().unwrap();
    let find = |guid: &str| -> Value {
        clients
            .iter()
            .find(|c| c["guid"] == guid)
            .cloned()
            .unwrap_or_else(|| panic!("{guid} missing: {data}"))
    };
    let desktop = find(DESKTOP);
    assert_eq!(desktop["name"], "application:oauth.desktop");
    assert_eq!(desktop["redirect_uris"], json!(["/callback/desktop"]));
    assert_eq!(
        desktop["scopes"],
        json!([
            "profile",
            "email",
            "openid",
            "offline_access",
            "UserInfo.Write",
            "Workflow.Write",
            "Files.Write",
            "Shares.Write"
        ])
    );
    assert_eq!(desktop["props"]["refresh_token_ttl"], 7_776_000);
    assert_eq!(desktop["props"]["icon"], "/static/img/cloudreve.svg");
    assert_eq!(desktop["is_system"], true);
    assert_eq!(desktop["is_enabled"], true);
    assert!(desktop.get("secret").is_none());
    let ios = find(IOS);
    assert_eq!(ios["redirect_uris"], json!(["/callback/ios"]));
    assert!(
        ios["scopes"]
            .as_array()
            .unwrap()
            .contains(&json!("DavAccount.Write"))
    );
    let cli = find(CLI);
    assert_eq!(cli["redirect_uris"], json!(["http://127.0.0.1/callback"]));
    assert_eq!(data["pagination"]["total_items"], 4);

    // The desktop client's hard-coded secret works; the CLI's loopback takes any port.
    let (verifier, challenge) = pkce();
    let c = consent(
        &server,
        &ann,
        json!({"client_id": CLI, "response_type": "code",
               "redirect_uri": "http://127.0.0.1:53682/callback", "state": "s",
               "scope": "openid offline_access Files.Write", "code_challenge": challenge}),
    )
    .await;
    assert_eq!(c["code"], 0, "{c}");
    let (status, reply) = super::token(
        &server,
        &[
            ("client_id", CLI),
            ("client_secret", "yoFiNgbxvSCzK2Nm92T3TNaREh4qBjq4"),
            ("grant_type", "authorization_code"),
            ("code", c["data"]["code"].as_str().unwrap()),
            ("code_verifier", &verifier),
        ],
    )
    .await;
    assert_eq!(status, 200, "{reply}");
    assert!(reply["refresh_token"].is_string());

    let id = desktop["id"].as_i64().unwrap();
    let refused = call(
        &server,
        Some(&adm),
        Method::DELETE,
        &format!("/admin/oauthClient/{id}"),
        None,
    )
    .await;
    assert_eq!(refused["code"], 40040, "{refused}");
    let batch = ok(
        &server,
        &adm,
        Method::POST,
        "/admin/oauthClient/batch/delete",
        json!({"ids": [id, 99999]}),
    )
    .await;
    assert!(batch.is_null() || batch == json!(""), "{batch}");
    let still = ok(
        &server,
        &adm,
        Method::GET,
        &format!("/admin/oauthClient/{id}"),
        json!(null),
    )
    .await;
    assert_eq!(still["guid"], DESKTOP);
}

#[tokio::test]
async fn administrators_create_edit_and_delete_clients() {
    let (server, adm, ann, app) = setup(ALL_APP_SCOPES).await;
    // Not for members.
    let member = call(
        &server,
        Some(&ann),
        Method::POST,
        "/admin/oauthClient",
        Some(list(10, json!({}))),
    )
    .await;
    assert_eq!(member["code"], 403, "{member}");

    let path = format!("/admin/oauthClient/{}", app.id);
    let got = ok(&server, &adm, Method::GET, &path, json!(null)).await;
    assert_eq!(got["name"], "Notes");
    assert_eq!(got["is_system"], false);
    assert!(
        got.get("secret").is_none() && got.get("total_grants").is_none(),
        "{got}"
    );
    authorize(&server, &ann, &app, "openid").await;
    let got = ok(&server, &adm, Method::GET, &path, json!(null)).await;
    assert_eq!(got["total_grants"], 1);

    // The path's id is ignored; client.id names the row; the GUID never changes.
    let edited = ok(
        &server,
        &adm,
        Method::PUT,
        "/admin/oauthClient/0",
        json!({"client": {"id": app.id, "guid": "other", "name": "Notes 2",
               "redirect_uris": [super::REDIRECT], "scopes": ["openid"], "is_enabled": true}}),
    )
    .await;
    assert_eq!(edited["name"], "Notes 2");
    assert_eq!(edited["guid"], app.guid.as_str());
    // The secret was left out: the old one still works.
    let reply = authorize(&server, &ann, &app, "openid").await;
    assert!(reply["access_token"].is_string());
    let missing_id = call(
        &server,
        Some(&adm),
        Method::PUT,
        &path,
        Some(json!({"client": {"name": "x", "redirect_uris": ["/x"], "scopes": []}})),
    )
    .await;
    assert_eq!(missing_id["code"], 40001, "{missing_id}");
    let bad_scope = call(
        &server,
        Some(&adm),
        Method::PUT,
        "/admin/oauthClient",
        Some(json!({"client": {"name": "x", "redirect_uris": ["/x"], "scopes": ["root"]}})),
    )
    .await;
    assert_eq!(bad_scope["code"], 40001, "{bad_scope}");

    // Filters.
    let disabled = ok(
        &server,
        &adm,
        Method::POST,
        "/admin/oauthClient",
        list(10, json!({"is_enabled": "false"})),
    )
    .await;
    assert_eq!(disabled["clients"], json!([]));

    let deleted = call(&server, Some(&adm), Method::DELETE, &path, None).await;
    assert_eq!(deleted["code"], 0, "{deleted}");
    let gone = call(&server, Some(&adm), Method::GET, &path, None).await;
    assert_eq!(gone["code"], 404);
    assert_eq!(
        server
            .get_api(&format!("/session/oauth/app/{}", app.guid))
            .await["code"],
        404
    );
    let settings = server.get_as("/user/setting", &ann.access_token).await;
    assert!(settings["data"].get("oauth_grants").is_none(), "{settings}");

    let audit = admin_events(&server, &adm, "oauth_client").await;
    let actions: Vec<&str> = audit
        .iter()
        .map(|e| e["content"]["action"].as_str().unwrap_or_default())
        .collect();
    assert_eq!(actions, ["create", "update", "delete"], "{audit:?}");
    assert!(!serde_json::to_string(&audit).unwrap().contains(&app.secret));
}

#[tokio::test]
async fn a_disabled_client_ends_its_tokens_and_vanishes_from_users() {
    let (server, adm, ann, app) = setup(ALL_APP_SCOPES).await;
    let reply = authorize(&server, &ann, &app, "openid offline_access Files.Read").await;
    let access = reply["access_token"].as_str().unwrap();
    assert_eq!(
        server
            .get_as("/file?uri=cloudreve%3A%2F%2Fmy", access)
            .await["code"],
        0
    );
    ok(
        &server,
        &adm,
        Method::PUT,
        &format!("/admin/oauthClient/{}", app.id),
        json!({"client": {"id": app.id, "name": "Notes", "redirect_uris": [super::REDIRECT],
               "scopes": ALL_APP_SCOPES, "is_enabled": false}}),
    )
    .await;
    assert_eq!(
        server
            .get_as("/file?uri=cloudreve%3A%2F%2Fmy", access)
            .await["code"],
        401
    );
    let r = server
        .send_api(
            Method::POST,
            "/session/token/refresh",
            &json!({"refresh_token": reply["refresh_token"]}).to_string(),
        )
        .await
        .1;
    assert_eq!(r["code"], 40020, "{r}");
    let shown = server
        .get_api(&format!("/session/oauth/app/{}", app.guid))
        .await;
    assert_eq!(shown["code"], 404);
}
