//! Session tokens: HS256 JWTs keyed with the site's `secret_key` (spec §5.1–5.2).
//!
//! Both kinds name the user and the `root_token_id` shared by every token of one sign-in (its
//! chain, kept by `session`); a refresh token also carries the `state_hash` of the account (so
//! a password change invalidates it) and its own id (`jti`), which the chain accepts once.

use base64::{Engine, engine::general_purpose::STANDARD};
use chrono::{DateTime, Duration, Utc};
use jsonwebtoken::{Algorithm, DecodingKey, EncodingKey, Header, Validation, decode, encode};
use serde::{Deserialize, Serialize};
use sha2::{Digest, Sha256};
use uuid::Uuid;

use crate::caller::OAuthToken;

pub const ACCESS: &str = "access";
pub const REFRESH: &str = "refresh";

/// Claims of both token kinds; refresh-only fields are absent from access tokens. Tokens
/// issued before chains were kept lack `root_token_id` (and `jti`) and are refused.
#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct Claims {
    pub token_type: String,
    /// User hashid.
    pub sub: String,
    pub nbf: i64,
    pub exp: i64,
    /// Base64 of SHA-256("<email>/<password digest>/<siteID>").
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub state_hash: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub root_token_id: Option<Uuid>,
    /// The refresh token's own id.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub jti: Option<Uuid>,
    /// Scopes of a token issued through OAuth (spec 4.18 §2.2).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub scopes: Option<Vec<String>>,
    /// The OAuth client's GUID; scopes limit only tokens that carry it.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub client_id: Option<String>,
}

impl Claims {
    /// The client and scopes of an OAuth-issued token; `None` for every other token, which
    /// scopes do not limit (a token with scopes but no client is unrestricted, as upstream).
    pub fn oauth(&self) -> Option<OAuthToken> {
        let client_id = self.client_id.clone().filter(|c| !c.is_empty())?;
        Some(OAuthToken {
            client_id,
            scopes: self.scopes.clone().unwrap_or_default(),
        })
    }
}

/// A freshly issued pair.
#[derive(Debug, Clone)]
pub struct TokenPair {
    pub access_token: String,
    pub refresh_token: String,
    pub access_expires: DateTime<Utc>,
    pub refresh_expires: DateTime<Utc>,
}

/// Why a token was refused.
#[derive(Debug, thiserror::Error)]
pub enum TokenError {
    /// Bad signature, wrong algorithm, malformed, expired or not yet valid.
    #[error("invalid token: {0}")]
    Invalid(String),
}

/// Base64 state hash binding refresh tokens to the account's current password and the site.
pub fn state_hash(email: &str, password_digest: &str, site_id: &str) -> String {
    let digest = Sha256::digest(format!("{email}/{password_digest}/{site_id}").as_bytes());
    STANDARD.encode(digest)
}

/// Issues an access and a refresh token (with the id `refresh_id`) for `user_hashid` in the
/// chain `root_token_id`; both carry `oauth`'s client and scopes when given.
#[allow(clippy::too_many_arguments)]
pub fn issue(
    secret: &str,
    user_hashid: &str,
    state_hash: String,
    root_token_id: Uuid,
    refresh_id: Uuid,
    access_ttl: Duration,
    refresh_ttl: Duration,
    oauth: Option<&OAuthToken>,
) -> Result<TokenPair, TokenError> {
    let scopes = oauth.map(|t| t.scopes.clone());
    let client_id = oauth.map(|t| t.client_id.clone());
    let now = Utc::now();
    let access_expires = now + access_ttl;
    let refresh_expires = now + refresh_ttl;
    let key = EncodingKey::from_secret(secret.as_bytes());
    let header = Header::new(Algorithm::HS256);
    let sign = |claims: &Claims| {
        encode(&header, claims, &key).map_err(|e| TokenError::Invalid(e.to_string()))
    };
    let access_token = sign(&Claims {
        token_type: ACCESS.into(),
        sub: user_hashid.into(),
        nbf: now.timestamp(),
        exp: access_expires.timestamp(),
        state_hash: None,
        root_token_id: Some(root_token_id),
        jti: None,
        scopes: scopes.clone(),
        client_id: client_id.clone(),
    })?;
    let refresh_token = sign(&Claims {
        token_type: REFRESH.into(),
        sub: user_hashid.into(),
        nbf: now.timestamp(),
        exp: refresh_expires.timestamp(),
        state_hash: Some(state_hash),
        root_token_id: Some(root_token_id),
        jti: Some(refresh_id),
        scopes,
        client_id,
    })?;
    Ok(TokenPair {
        access_token,
        refresh_token,
        access_expires,
        refresh_expires,
    })
}

/// Verifies signature, algorithm (HS256 only, so `alg: none` fails), `exp` and `nbf`.
pub fn verify(secret: &str, token: &str) -> Result<Claims, TokenError> {
    let mut validation = Validation::new(Algorithm::HS256);
    validation.validate_nbf = true;
    validation.leeway = 5;
    validation.required_spec_claims = ["exp", "nbf", "sub"]
        .into_iter()
        .map(String::from)
        .collect();
    decode::<Claims>(
        token,
        &DecodingKey::from_secret(secret.as_bytes()),
        &validation,
    )
    .map(|data| data.claims)
    .map_err(|e| TokenError::Invalid(e.to_string()))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn pair() -> TokenPair {
        issue(
            "k".repeat(64).as_str(),
            "w8Sx",
            state_hash("a@b.c", "digest", "site"),
            Uuid::new_v4(),
            Uuid::new_v4(),
            Duration::seconds(3600),
            Duration::seconds(7200),
            None,
        )
        .unwrap()
    }

    #[test]
    fn issued_tokens_verify_with_their_kind() {
        let p = pair();
        let secret = "k".repeat(64);
        let access = verify(&secret, &p.access_token).unwrap();
        assert_eq!(access.token_type, ACCESS);
        assert_eq!(access.sub, "w8Sx");
        assert!(access.state_hash.is_none() && access.jti.is_none());
        let refresh = verify(&secret, &p.refresh_token).unwrap();
        assert_eq!(refresh.token_type, REFRESH);
        assert!(refresh.state_hash.is_some() && refresh.jti.is_some());
        assert_eq!(access.root_token_id, refresh.root_token_id);
        assert!(p.refresh_expires > p.access_expires);
    }

    #[test]
    fn wrong_key_tampering_and_alg_none_are_refused() {
        let p = pair();
        let secret = "k".repeat(64);
        assert!(verify("other", &p.access_token).is_err());
        let mut parts: Vec<String> = p.access_token.split('.').map(String::from).collect();
        // alg: none with the same claims and no signature.
        let none = base64::engine::general_purpose::URL_SAFE_NO_PAD
            .encode(r#"{"alg":"none","typ":"JWT"}"#);
        assert!(verify(&secret, &format!("{none}.{}.", parts[1])).is_err());
        parts[2] = parts[2].chars().rev().collect();
        assert!(verify(&secret, &parts.join(".")).is_err());
        assert!(verify(&secret, "garbage").is_err());
    }

    #[test]
    fn expired_tokens_are_refused() {
        let secret = "k".repeat(64);
        let p = issue(
            &secret,
            "x",
            String::new(),
            Uuid::new_v4(),
            Uuid::new_v4(),
            Duration::seconds(-60),
            Duration::seconds(-60),
            None,
        )
        .unwrap();
        assert!(verify(&secret, &p.access_token).is_err());
    }

    #[test]
    fn state_hash_changes_with_the_password() {
        assert_ne!(state_hash("a", "d1", "s"), state_hash("a", "d2", "s"));
    }
}
