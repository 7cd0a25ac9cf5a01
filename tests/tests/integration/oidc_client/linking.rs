//! Linking: by a verified e-mail only where the provider allows it; a signed-in user links
//! and unlinks a provider, never another user's link, and never the last way into an
//! account; an administrator cannot give a provider's account a password.

use reqwest::Method;
use serde_json::json;
use stratus_tests::Session;

use super::{PROVIDER, Pair, Started, consent, follow, pair, param, sign_in};
use crate::admin::{admin, call, member, ok};

#[tokio::test]
async fn an_email_of_a_local_account_links_only_where_the_provider_allows() {
    let closed = pair(json!({})).await;
    let local = member(&closed.app, "alice@idp.test").await;
    let refused = super::round_trip(&closed, &closed.alice, "").await;
    let error = param(&refused, "error").unwrap();
    assert!(error.contains("exists already"), "{error}");

    let open = pair(json!({"link_by_verified_email": true})).await;
    let local_open = member(&open.app, "alice@idp.test").await;
    let signed = sign_in(&open, &open.alice).await;
    assert_eq!(signed["code"], 0, "{signed}");
    assert_eq!(signed["data"]["user"]["id"], local_open.user["id"]);
    assert_ne!(local.user["id"], serde_json::Value::Null);

    // Without sign-up a stranger gets no account.
    let no_signup = pair(json!({"allow_signup": false})).await;
    let landing = super::round_trip(&no_signup, &no_signup.alice, "").await;
    assert!(
        param(&landing, "error").unwrap().contains("cannot be made"),
        "{landing}"
    );
}

/// Links the provider to `who`'s account at the client, the provider's `user` consenting.
async fn link(pair: &Pair, who: &Session, user: &Session) -> String {
    let start = ok(
        &pair.app,
        who,
        Method::POST,
        &format!("/user/linked/{PROVIDER}"),
        json!({"redirect": "/settings"}),
    )
    .await;
    let url = start["url"].as_str().unwrap();
    assert!(url.starts_with(&format!("/api/v4/session/oidc/{PROVIDER}/authorize?link=")));
    let r = follow(&pair.app, url, None).await;
    let started = Started {
        authorize: r.location,
        cookie: r.cookie,
    };
    let nonce = param(&started.authorize, "nonce").unwrap();
    let code = consent(pair, user, &started, &nonce).await;
    let state = param(&started.authorize, "state").unwrap();
    super::callback(pair, &code, &state, &started.cookie).await
}

#[tokio::test]
async fn a_user_links_and_unlinks_and_nobody_else_can() {
    let pair = pair(json!({})).await;
    let bob = member(&pair.app, "bob@app.test").await;
    let carol = member(&pair.app, "carol@app.test").await;
    let landing = link(&pair, &bob, &pair.alice).await;
    assert_eq!(param(&landing, "linked").unwrap(), PROVIDER, "{landing}");
    assert_eq!(param(&landing, "redirect").unwrap(), "/settings");

    let list = ok(&pair.app, &bob, Method::GET, "/user/linked", json!(null)).await;
    assert_eq!(list["has_password"], true);
    assert_eq!(list["providers"][0]["id"], PROVIDER);
    assert_eq!(list["providers"][0]["linked"], true);
    // The provider's user now signs in to Bob's account.
    let signed = sign_in(&pair, &pair.alice).await;
    assert_eq!(signed["data"]["user"]["id"], bob.user["id"], "{signed}");

    // Linked to Bob, the provider's user cannot be linked to Carol too.
    let again = link(&pair, &carol, &pair.alice).await;
    assert!(param(&again, "error").unwrap().contains("another account"));

    // Carol cannot unlink Bob's link: she has none to unlink.
    let theirs = call(
        &pair.app,
        Some(&carol),
        Method::DELETE,
        &format!("/user/linked/{PROVIDER}"),
        None,
    )
    .await;
    assert_eq!(theirs["code"], 404, "{theirs}");
    let anonymous = call(
        &pair.app,
        None,
        Method::DELETE,
        &format!("/user/linked/{PROVIDER}"),
        None,
    )
    .await;
    assert_eq!(anonymous["code"], 401, "{anonymous}");
    let still = ok(&pair.app, &bob, Method::GET, "/user/linked", json!(null)).await;
    assert_eq!(still["providers"][0]["linked"], true);

    ok(
        &pair.app,
        &bob,
        Method::DELETE,
        &format!("/user/linked/{PROVIDER}"),
        json!(null),
    )
    .await;
    let gone = ok(&pair.app, &bob, Method::GET, "/user/linked", json!(null)).await;
    assert_eq!(gone["providers"][0]["linked"], false);
    let unknown = call(
        &pair.app,
        Some(&bob),
        Method::POST,
        "/user/linked/nobody",
        Some(json!({})),
    )
    .await;
    assert_eq!(unknown["code"], 404, "{unknown}");

    // A used or unknown link ticket is refused.
    let r = follow(
        &pair.app,
        &format!("/api/v4/session/oidc/{PROVIDER}/authorize?link=stale"),
        None,
    )
    .await;
    assert!(
        param(&r.location, "error")
            .unwrap()
            .contains("link request expired")
    );
}

#[tokio::test]
async fn the_last_way_into_an_account_stays_and_an_admin_cannot_give_it_a_password() {
    let pair = pair(json!({})).await;
    let made = sign_in(&pair, &pair.alice).await;
    assert_eq!(made["code"], 0, "{made}");
    let token = made["data"]["token"]["access_token"].as_str().unwrap();
    let refused = pair
        .app
        .send_as(
            Method::DELETE,
            &format!("/user/linked/{PROVIDER}"),
            token,
            &json!(null),
        )
        .await;
    assert_eq!(refused["code"], 403, "{refused}");
    assert!(
        refused["msg"].as_str().unwrap().contains("only way"),
        "{refused}"
    );

    let root = admin(&pair.app, "root@app.test").await;
    let id = stratus_server::users::find_by_email(&pair.app.state.db, "alice@idp.test")
        .await
        .unwrap()
        .unwrap()
        .id;
    let edit = call(
        &pair.app,
        Some(&root),
        Method::PUT,
        &format!("/admin/user/{id}"),
        Some(
            json!({"user": {"id": id, "email": "alice@idp.test", "nick": "Alice",
            "group_id": 2}, "password": "a-password-set-by-the-admin"}),
        ),
    )
    .await;
    assert_eq!(edit["code"], 40001, "{edit}");
    assert!(
        edit["msg"].as_str().unwrap().contains("OpenID Connect"),
        "{edit}"
    );
    let env = pair
        .app
        .login_envelope("alice@idp.test", "a-password-set-by-the-admin")
        .await;
    assert_ne!(env["code"], 0);
}
