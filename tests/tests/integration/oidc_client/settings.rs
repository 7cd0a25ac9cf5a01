//! The providers' setting: secrets never read back and kept by a save that leaves them
//! blank, malformed lists refused, and the sign-in page's list of buttons.

use reqwest::Method;
use serde_json::{Value, json};
use stratus_tests::TestServer;

use super::PROVIDER;
use crate::admin::{admin, call, ok};

#[tokio::test]
async fn the_client_secret_is_write_only() {
    let server = TestServer::start().await;
    let boss = admin(&server, "boss@app.test").await;
    let entry = json!({"id": PROVIDER, "name": "Home IdP", "icon": "https://idp.example/i.svg",
        "issuer": "https://idp.example", "client_id": "drive", "client_secret": "very-secret",
        "scopes": "openid email"});
    let saved = ok(
        &server,
        &boss,
        Method::PATCH,
        "/admin/settings",
        json!({"settings": {"oidc_providers": json!([entry]).to_string()}}),
    )
    .await;
    assert!(!saved.to_string().contains("very-secret"), "{saved}");
    let data = ok(
        &server,
        &boss,
        Method::POST,
        "/admin/settings",
        json!({"keys": ["oidc_providers", "oidc_allowed_cidrs"]}),
    )
    .await;
    let list: Value = serde_json::from_str(data["oidc_providers"].as_str().unwrap()).unwrap();
    assert_eq!(list[0]["client_secret"], "", "{data}");
    assert_eq!(data["oidc_allowed_cidrs"], "");

    // Saved back as read (a new name, the secret blank), the secret stays.
    let mut edited = list.clone();
    edited[0]["name"] = json!("Renamed");
    ok(
        &server,
        &boss,
        Method::PATCH,
        "/admin/settings",
        json!({"settings": {"oidc_providers": edited.to_string()}}),
    )
    .await;
    let stored = server.state.settings.get("oidc_providers").await.unwrap();
    assert!(
        stored.contains("very-secret") && stored.contains("Renamed"),
        "{stored}"
    );

    let login = server.get_api("/site/config/login").await;
    assert_eq!(
        login["data"]["oidc_providers"],
        json!([{"id": PROVIDER, "name": "Renamed", "icon": "https://idp.example/i.svg"}])
    );
    assert!(!login.to_string().contains("very-secret"));

    for (bad, why) in [
        ("{}", "not a list"),
        (
            r#"[{"id":"a b","name":"x","issuer":"https://i","client_id":"c"}]"#,
            "id must be",
        ),
        (
            r#"[{"id":"a","name":"x","issuer":"file:///etc","client_id":"c"}]"#,
            "issuer",
        ),
    ] {
        let env = call(
            &server,
            Some(&boss),
            Method::PATCH,
            "/admin/settings",
            Some(json!({"settings": {"oidc_providers": bad}})),
        )
        .await;
        assert_eq!(env["code"], 40001, "{env}");
        assert!(env["msg"].as_str().unwrap().contains(why), "{env}");
    }
    let env = call(
        &server,
        Some(&boss),
        Method::PATCH,
        "/admin/settings",
        Some(json!({"settings": {"oidc_allowed_cidrs": "not-a-range"}})),
    )
    .await;
    assert_eq!(env["code"], 40001, "{env}");
}

#[tokio::test]
async fn an_administrator_tests_a_provider_and_sees_its_endpoints_or_why_not() {
    let p = super::pair(json!({})).await;
    let boss = admin(&p.app, "boss@app.test").await;
    let found = ok(
        &p.app,
        &boss,
        Method::POST,
        "/admin/oidc/test",
        json!({"id": PROVIDER}),
    )
    .await;
    assert_eq!(
        found["issuer"].as_str().unwrap().trim_end_matches('/'),
        p.idp.base.trim_end_matches('/'),
        "{found}"
    );
    assert!(found["jwks_uri"].as_str().unwrap().starts_with(&p.idp.base));
    assert_eq!(
        found["callback_url"],
        p.app.api(&format!("/session/oidc/{PROVIDER}/callback"))
    );
    // An unknown provider, and a provider whose address the outbound guard refuses, say so.
    let unknown = call(
        &p.app,
        Some(&boss),
        Method::POST,
        "/admin/oidc/test",
        Some(json!({"id": "nope"})),
    )
    .await;
    assert_ne!(unknown["code"], 0, "{unknown}");
    super::use_providers(
        &p.app,
        json!([super::provider_entry(&p.idp, &p.client, json!({}))]),
        "",
    )
    .await;
    let refused = call(
        &p.app,
        Some(&boss),
        Method::POST,
        "/admin/oidc/test",
        Some(json!({"id": PROVIDER})),
    )
    .await;
    assert_ne!(refused["code"], 0, "{refused}");
    assert!(
        refused["msg"]
            .as_str()
            .unwrap()
            .contains("oidc_allowed_cidrs"),
        "{refused}"
    );
    // Not for other users.
    let member = crate::admin::member(&p.app, "member@app.test").await;
    let denied = call(
        &p.app,
        Some(&member),
        Method::POST,
        "/admin/oidc/test",
        Some(json!({"id": PROVIDER})),
    )
    .await;
    assert_ne!(denied["code"], 0, "{denied}");
}
