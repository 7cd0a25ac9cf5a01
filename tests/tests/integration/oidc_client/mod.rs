//! Sign-in with an OpenID Connect provider: a second Stratus is the provider (its admin API
//! registers the client), the test plays the browser between the two. A small fake provider
//! (`fake.rs`) signs ID tokens with a key it does not publish.

mod fake;
mod linking;
mod refusals;
mod round_trip;
mod settings;

use reqwest::{Method, Url, header};
use serde_json::{Value, json};
use stratus_tests::{Session, TestServer};

use crate::{
    admin::{admin, member, ok},
    oauth::App,
};

pub const PROVIDER: &str = "idp";

/// A provider Stratus, a client Stratus pointed at it, and a user of the provider.
pub struct Pair {
    pub idp: TestServer,
    pub app: TestServer,
    pub client: App,
    /// Signed in at the provider.
    pub alice: Session,
}

/// The client's settings entry for the provider, with `extra` fields.
pub fn provider_entry(idp: &TestServer, client: &App, extra: Value) -> Value {
    let mut p = json!({
        "id": PROVIDER, "name": "Home IdP", "issuer": idp.base,
        "client_id": client.guid, "client_secret": client.secret,
        "scopes": ["openid", "profile", "email"], "allow_signup": true,
    });
    p.as_object_mut()
        .unwrap()
        .extend(extra.as_object().unwrap().clone());
    p
}

/// Saves `providers` and the loopback allowance in the client's settings.
pub async fn use_providers(app: &TestServer, providers: Value, cidrs: &str) {
    app.state
        .settings
        .set(&[
            ("oidc_providers", &providers.to_string()),
            ("oidc_allowed_cidrs", cidrs),
        ])
        .await
        .unwrap();
}

/// Starts both servers; `extra` goes into the provider's entry.
pub async fn pair(extra: Value) -> Pair {
    let idp = TestServer::start().await;
    let app = TestServer::start().await;
    for s in [&idp, &app] {
        s.state.settings.set(&[("siteURL", &s.base)]).await.unwrap();
    }
    let root = admin(&idp, "root@idp.test").await;
    let callback = app.api(&format!("/session/oidc/{PROVIDER}/callback"));
    let made = ok(
        &idp,
        &root,
        Method::PUT,
        "/admin/oauthClient",
        json!({"client": {
            "name": "Drive", "secret": "drive-secret-0123456789abcdef0123456789",
            "redirect_uris": [callback], "scopes": ["openid", "profile", "email"],
            "is_enabled": true,
        }}),
    )
    .await;
    let client = App {
        guid: made["guid"].as_str().unwrap().to_owned(),
        secret: "drive-secret-0123456789abcdef0123456789".into(),
        id: made["id"].as_i64().unwrap(),
    };
    let alice = member(&idp, "alice@idp.test").await;
    use_providers(
        &app,
        json!([provider_entry(&idp, &client, extra)]),
        "127.0.0.0/8",
    )
    .await;
    Pair {
        idp,
        app,
        client,
        alice,
    }
}

/// A 302 answer: its `Location` and the state cookie it sets (empty when cleared).
pub struct Redirect {
    pub location: String,
    pub cookie: String,
}

/// `GET` a path of `server` (with a cookie), expecting a redirect.
pub async fn follow(server: &TestServer, path: &str, cookie: Option<&str>) -> Redirect {
    let mut req = server.client.get(server.url(path));
    if let Some(c) = cookie {
        req = req.header(header::COOKIE, format!("stratus_oidc_state={c}"));
    }
    let resp = req.send().await.unwrap();
    assert_eq!(resp.status().as_u16(), 302, "{path}");
    let location = resp.headers()[header::LOCATION]
        .to_str()
        .unwrap()
        .to_owned();
    let set = resp.headers()[header::SET_COOKIE].to_str().unwrap();
    let cookie = set
        .split(';')
        .next()
        .unwrap()
        .trim_start_matches("stratus_oidc_state=")
        .to_owned();
    Redirect { location, cookie }
}

/// The value of query parameter `name` of a URL (absolute or a path).
pub fn param(url: &str, name: &str) -> Option<String> {
    let url = Url::parse("http://x.invalid").unwrap().join(url).unwrap();
    url.query_pairs()
        .find(|(k, _)| k == name)
        .map(|(_, v)| v.into_owned())
}

/// A sign-in started at the client: the provider's authorization URL and the cookie.
pub struct Started {
    pub authorize: String,
    pub cookie: String,
}

/// Starts a sign-in (`query` after `?`, e.g. `redirect=/home`).
pub async fn start(pair: &Pair, query: &str) -> Started {
    let r = follow(
        &pair.app,
        &format!("/api/v4/session/oidc/{PROVIDER}/authorize?{query}"),
        None,
    )
    .await;
    assert!(
        r.location
            .starts_with(&format!("{}/session/authorize?", pair.idp.base)),
        "{}",
        r.location
    );
    assert!(!r.cookie.is_empty());
    Started {
        authorize: r.location,
        cookie: r.cookie,
    }
}

/// The provider's user consents (as its web page would), with `nonce`; the code.
pub async fn consent(pair: &Pair, user: &Session, started: &Started, nonce: &str) -> String {
    let p = |n: &str| param(&started.authorize, n).unwrap();
    assert_eq!(p("code_challenge_method"), "S256");
    let body = json!({
        "client_id": p("client_id"), "response_type": p("response_type"),
        "redirect_uri": p("redirect_uri"), "state": p("state"), "scope": p("scope"),
        "code_challenge": p("code_challenge"), "code_challenge_method": "S256",
        "nonce": nonce,
    });
    let c = pair
        .idp
        .send_as(
            Method::POST,
            "/session/oauth/consent",
            &user.access_token,
            &body,
        )
        .await;
    assert_eq!(c["code"], 0, "{c}");
    c["data"]["code"].as_str().unwrap().to_owned()
}

/// The provider sends the browser back to the client's callback; where that lands.
pub async fn callback(pair: &Pair, code: &str, state: &str, cookie: &str) -> String {
    let path = format!("/api/v4/session/oidc/{PROVIDER}/callback?code={code}&state={state}");
    let r = follow(&pair.app, &path, Some(cookie)).await;
    assert!(r.location.starts_with("/session/oidc?"), "{}", r.location);
    r.location
}

/// The whole browser round trip as `user`; the landing URL.
pub async fn round_trip(pair: &Pair, user: &Session, query: &str) -> String {
    let started = start(pair, query).await;
    let nonce = param(&started.authorize, "nonce").unwrap();
    let code = consent(pair, user, &started, &nonce).await;
    let state = param(&started.authorize, "state").unwrap();
    callback(pair, &code, &state, &started.cookie).await
}

/// `POST /session/oidc/finish`; the envelope.
pub async fn finish(app: &TestServer, code: &str) -> Value {
    app.send_api(
        Method::POST,
        "/session/oidc/finish",
        &json!({ "code": code }).to_string(),
    )
    .await
    .1
}

/// Signs in at the client through the provider as `user`; the sign-in envelope.
pub async fn sign_in(pair: &Pair, user: &Session) -> Value {
    let landing = round_trip(pair, user, "redirect=/home").await;
    let code = param(&landing, "code").unwrap_or_else(|| panic!("{landing}"));
    finish(&pair.app, &code).await
}
