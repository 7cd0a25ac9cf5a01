//! A provider that is not Stratus, made for what Stratus would never do: it publishes one
//! P-256 key and signs the ID token of its next exchange with the key the test chooses.

use std::sync::{Arc, Mutex};

use aws_lc_rs::{
    rand::SystemRandom,
    signature::{ECDSA_P256_SHA256_FIXED_SIGNING, EcdsaKeyPair, KeyPair},
};
use base64::{Engine, engine::general_purpose::URL_SAFE_NO_PAD};
use jsonwebtoken::{Algorithm, EncodingKey, Header, encode};
use poem::{EndpointExt, Route, get, handler, post, web::Data, web::Json};
use serde_json::{Value, json};
use stratus_tests::TestServer;

use super::{PROVIDER, follow, param, use_providers};

const KID: &str = "published-key";

/// A P-256 key: its PKCS#8 for signing and its public JWK.
struct Key {
    pkcs8: Vec<u8>,
    jwk: Value,
}

fn new_key() -> Key {
    let alg = &ECDSA_P256_SHA256_FIXED_SIGNING;
    let doc = EcdsaKeyPair::generate_pkcs8(alg, &SystemRandom::new()).unwrap();
    let pair = EcdsaKeyPair::from_pkcs8(alg, doc.as_ref()).unwrap();
    let public = pair.public_key().as_ref();
    // Uncompressed point: 0x04 || x || y.
    let jwk = json!({
        "kty": "EC", "crv": "P-256", "use": "sig", "alg": "ES256", "kid": KID,
        "x": URL_SAFE_NO_PAD.encode(&public[1..33]),
        "y": URL_SAFE_NO_PAD.encode(&public[33..65]),
    });
    Key {
        pkcs8: doc.as_ref().to_vec(),
        jwk,
    }
}

#[derive(Clone)]
struct Fake {
    issuer: String,
    jwk: Value,
    next_token: Arc<Mutex<String>>,
}

#[handler]
fn discovery(fake: Data<&Fake>) -> Json<Value> {
    let i = &fake.issuer;
    Json(json!({
        "issuer": i, "authorization_endpoint": format!("{i}/authorize"),
        "token_endpoint": format!("{i}/token"), "jwks_uri": format!("{i}/jwks"),
        "token_endpoint_auth_methods_supported": ["client_secret_basic"],
    }))
}

#[handler]
fn jwks(fake: Data<&Fake>) -> Json<Value> {
    Json(json!({ "keys": [fake.jwk] }))
}

#[handler]
fn token(fake: Data<&Fake>) -> Json<Value> {
    let id_token = fake.next_token.lock().unwrap().clone();
    Json(json!({"access_token": "at", "token_type": "Bearer", "id_token": id_token}))
}

/// Starts a sign-in at `app` with the fake provider, which answers the exchange with an ID
/// token signed by `signer`; where the callback lands.
async fn sign_in_signed_by(app: &TestServer, fake: &Fake, signer: &Key) -> String {
    let r = follow(
        app,
        &format!("/api/v4/session/oidc/{PROVIDER}/authorize"),
        None,
    )
    .await;
    let nonce = param(&r.location, "nonce").unwrap();
    let state = param(&r.location, "state").unwrap();
    let now = chrono::Utc::now().timestamp();
    let claims = json!({
        "iss": fake.issuer, "aud": "drive", "sub": "u-1", "iat": now, "exp": now + 300,
        "nonce": nonce, "email": "eve@fake.test", "email_verified": true,
    });
    let mut header = Header::new(Algorithm::ES256);
    header.kid = Some(KID.into());
    let key = EncodingKey::from_ec_der(&signer.pkcs8);
    *fake.next_token.lock().unwrap() = encode(&header, &claims, &key).unwrap();
    let path = format!("/api/v4/session/oidc/{PROVIDER}/callback?code=c&state={state}");
    follow(app, &path, Some(&r.cookie)).await.location
}

#[tokio::test]
async fn an_id_token_signed_by_a_key_the_provider_does_not_publish_is_refused() {
    let published = new_key();
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    let issuer = format!("http://{}", listener.local_addr().unwrap());
    let fake = Fake {
        issuer: issuer.clone(),
        jwk: published.jwk.clone(),
        next_token: Arc::default(),
    };
    let routes = Route::new()
        .at("/.well-known/openid-configuration", get(discovery))
        .at("/jwks", get(jwks))
        .at("/token", post(token))
        .data(fake.clone());
    let acceptor =
        stratus_server::net::GuardedAcceptor::new(listener, Default::default(), Default::default())
            .unwrap();
    tokio::spawn(poem::Server::new_with_acceptor(acceptor).run(routes));

    let app = TestServer::start().await;
    let entry = json!({"id": PROVIDER, "name": "Fake", "issuer": issuer, "client_id": "drive",
        "client_secret": "s", "scopes": "openid email", "allow_signup": true});
    use_providers(&app, json!([entry]), "127.0.0.1/32").await;

    // Signed with the published key, the token is good (so the refusal below is the key's).
    let good = sign_in_signed_by(&app, &fake, &published).await;
    assert!(param(&good, "code").is_some(), "{good}");

    let forged = sign_in_signed_by(&app, &fake, &new_key()).await;
    let error = param(&forged, "error").unwrap_or_else(|| panic!("{forged}"));
    assert!(error.contains("ID token is refused"), "{error}");
    assert!(error.to_lowercase().contains("signature"), "{error}");
}
