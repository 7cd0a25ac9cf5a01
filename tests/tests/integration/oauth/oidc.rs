//! OpenID Connect: discovery, JWKS, and an `id_token` that a standard JWT library verifies
//! with the key the JWKS names.

use jsonwebtoken::{Algorithm, DecodingKey, Validation, decode, decode_header, jwk::JwkSet};
use serde_json::{Value, json};

use super::{ALL_APP_SCOPES, consent, consent_body, pkce, setup, token};

#[tokio::test]
async fn the_id_token_verifies_against_the_jwks() {
    let (server, _adm, ann, app) = setup(ALL_APP_SCOPES).await;
    let discovery: Value = server
        .client
        .get(server.url("/.well-known/openid-configuration"))
        .send()
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    let issuer = discovery["issuer"].as_str().unwrap().to_owned();
    assert!(issuer.starts_with("http"), "{discovery}");
    assert_eq!(
        discovery["authorization_endpoint"],
        format!("{issuer}/session/authorize")
    );
    assert_eq!(
        discovery["token_endpoint"],
        format!("{issuer}/api/v4/session/oauth/token")
    );
    assert_eq!(
        discovery["id_token_signing_alg_values_supported"],
        json!(["RS256"])
    );
    assert_eq!(
        discovery["code_challenge_methods_supported"],
        json!(["S256"])
    );
    assert_eq!(discovery["response_types_supported"], json!(["code"]));
    assert_eq!(
        discovery["token_endpoint_auth_methods_supported"],
        json!(["client_secret_post"])
    );
    assert!(
        discovery["scopes_supported"]
            .as_array()
            .unwrap()
            .contains(&json!("openid"))
    );

    let jwks: JwkSet = server
        .client
        .get(server.url("/.well-known/jwks.json"))
        .send()
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    assert_eq!(jwks.keys.len(), 1);
    // The same set under the API.
    let api_jwks: JwkSet = server
        .client
        .get(server.api("/session/oauth/jwks"))
        .send()
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    assert_eq!(api_jwks.keys[0].common.key_id, jwks.keys[0].common.key_id);

    let (verifier, challenge) = pkce();
    let c = consent(
        &server,
        &ann,
        consent_body(
            &app,
            "openid email profile",
            &challenge,
            json!({"nonce": "n-0S6_WzA2Mj"}),
        ),
    )
    .await;
    let (status, reply) = token(
        &server,
        &[
            ("client_id", &app.guid),
            ("client_secret", &app.secret),
            ("grant_type", "authorization_code"),
            ("code", c["data"]["code"].as_str().unwrap()),
            ("code_verifier", &verifier),
        ],
    )
    .await;
    assert_eq!(status, 200, "{reply}");
    let id_token = reply["id_token"].as_str().expect("id_token");
    let header = decode_header(id_token).unwrap();
    assert_eq!(header.alg, Algorithm::RS256);
    let kid = header.kid.expect("kid");
    let jwk = jwks.find(&kid).expect("the JWKS names the kid");
    let mut validation = Validation::new(Algorithm::RS256);
    validation.set_audience(&[&app.guid]);
    validation.set_issuer(&[&issuer]);
    let claims = decode::<Value>(id_token, &DecodingKey::from_jwk(jwk).unwrap(), &validation)
        .expect("id_token verifies")
        .claims;
    assert_eq!(claims["sub"], ann.user["id"]);
    assert_eq!(claims["nonce"], "n-0S6_WzA2Mj");
    assert_eq!(claims["email"], "ann@oauth.test");
    assert_eq!(claims["name"], ann.user["nickname"]);
    assert!(claims["auth_time"].as_i64().unwrap() <= claims["iat"].as_i64().unwrap());

    // A forged signature fails; another client is not the audience.
    let mut forged = id_token.to_owned();
    forged.pop();
    forged.push(if id_token.ends_with('A') { 'B' } else { 'A' });
    assert!(decode::<Value>(&forged, &DecodingKey::from_jwk(jwk).unwrap(), &validation).is_err());
    let mut other = Validation::new(Algorithm::RS256);
    other.set_audience(&["someone-else"]);
    assert!(decode::<Value>(id_token, &DecodingKey::from_jwk(jwk).unwrap(), &other).is_err());

    // Without openid there is no consent, so every token endpoint answer holds an id_token;
    // a token without email scope carries no email.
    let (verifier, challenge) = pkce();
    let c = consent(
        &server,
        &ann,
        consent_body(&app, "openid", &challenge, json!({})),
    )
    .await;
    let (_, reply) = token(
        &server,
        &[
            ("client_id", &app.guid),
            ("client_secret", &app.secret),
            ("grant_type", "authorization_code"),
            ("code", c["data"]["code"].as_str().unwrap()),
            ("code_verifier", &verifier),
        ],
    )
    .await;
    let claims = decode::<Value>(
        reply["id_token"].as_str().unwrap(),
        &DecodingKey::from_jwk(jwk).unwrap(),
        &validation,
    )
    .unwrap()
    .claims;
    assert!(
        claims.get("email").is_none() && claims.get("nonce").is_none(),
        "{claims}"
    );
}
