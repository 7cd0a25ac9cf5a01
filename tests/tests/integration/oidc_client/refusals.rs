//! What the callback refuses: a replayed callback, a forged state, a state from another
//! browser, a wrong nonce, a provider on a loopback address not allowed; each lands on the
//! sign-in page with a message that says why.

use serde_json::json;

use super::{
    PROVIDER, callback, consent, follow, pair, param, provider_entry, start, use_providers,
};

fn error_of(landing: &str) -> String {
    param(landing, "error").unwrap_or_else(|| panic!("no error in {landing}"))
}

#[tokio::test]
async fn a_replayed_callback_and_a_forged_state_are_refused() {
    let pair = pair(json!({})).await;
    let started = start(&pair, "").await;
    let nonce = param(&started.authorize, "nonce").unwrap();
    let state = param(&started.authorize, "state").unwrap();
    let code = consent(&pair, &pair.alice, &started, &nonce).await;
    let landing = callback(&pair, &code, &state, &started.cookie).await;
    assert!(param(&landing, "code").is_some(), "{landing}");

    let replay = callback(&pair, &code, &state, &started.cookie).await;
    assert!(error_of(&replay).contains("used already"), "{replay}");

    let forged = callback(&pair, &code, "forged-state", "forged-state").await;
    assert!(error_of(&forged).contains("used already"), "{forged}");
    let none = follow(
        &pair.app,
        &format!("/api/v4/session/oidc/{PROVIDER}/callback?code=x"),
        None,
    )
    .await;
    assert!(error_of(&none.location).contains("used already"));
    // Every callback clears the cookie.
    assert_eq!(none.cookie, "");
}

#[tokio::test]
async fn a_state_from_another_browser_is_refused() {
    let pair = pair(json!({})).await;
    let victim = start(&pair, "").await;
    let attacker = start(&pair, "").await;
    let nonce = param(&attacker.authorize, "nonce").unwrap();
    let code = consent(&pair, &pair.alice, &attacker, &nonce).await;
    // The attacker's callback opened in the victim's browser (which holds its own cookie).
    let state = param(&attacker.authorize, "state").unwrap();
    let landing = callback(&pair, &code, &state, &victim.cookie).await;
    assert!(error_of(&landing).contains("another browser"), "{landing}");
}

#[tokio::test]
async fn an_id_token_with_another_nonce_is_refused() {
    let pair = pair(json!({})).await;
    let started = start(&pair, "").await;
    let code = consent(
        &pair,
        &pair.alice,
        &started,
        "not-the-nonce-of-this-sign-in",
    )
    .await;
    let state = param(&started.authorize, "state").unwrap();
    let landing = callback(&pair, &code, &state, &started.cookie).await;
    assert!(error_of(&landing).contains("nonce"), "{landing}");
}

#[tokio::test]
async fn a_declined_sign_in_says_so() {
    let pair = pair(json!({})).await;
    let started = start(&pair, "").await;
    let state = param(&started.authorize, "state").unwrap();
    let path = format!(
        "/api/v4/session/oidc/{PROVIDER}/callback?state={state}&error=access_denied&error_description=The+user+said+no"
    );
    let r = follow(&pair.app, &path, Some(&started.cookie)).await;
    assert!(
        error_of(&r.location).contains("The user said no"),
        "{}",
        r.location
    );
}

#[tokio::test]
async fn a_provider_on_a_loopback_address_not_allowed_is_refused() {
    let pair = pair(json!({})).await;
    let entry = provider_entry(&pair.idp, &pair.client, json!({}));
    use_providers(&pair.app, json!([entry]), "").await;
    let r = follow(
        &pair.app,
        &format!("/api/v4/session/oidc/{PROVIDER}/authorize"),
        None,
    )
    .await;
    let error = error_of(&r.location);
    assert!(error.contains("oidc_allowed_cidrs"), "{error}");
    assert!(error.contains("127.0.0.1"), "{error}");

    let unknown = follow(&pair.app, "/api/v4/session/oidc/nobody/authorize", None).await;
    assert!(error_of(&unknown.location).contains("no such sign-in provider"));
}
