//! OpenID Connect signing: one RS256 key per site, made with aws-lc-rs when first needed and
//! kept in `kv` (PKCS#8, never expiring) so every instance signs with the same key; its `kid`
//! is derived from the public key. `id_token`s are signed here directly with that key.

use std::sync::Arc;

use aws_lc_rs::{
    encoding::AsDer,
    rand::SystemRandom,
    rsa::KeySize,
    signature::{KeyPair, RSA_PKCS1_SHA256, RsaKeyPair},
};
use base64::{Engine, engine::general_purpose::STANDARD, engine::general_purpose::URL_SAFE_NO_PAD};
use serde_json::{Value, json};
use sha2::{Digest, Sha256};
use tokio::sync::OnceCell;

use super::OAuthError;
use crate::{kv, state::AppState};

const KEY: &str = "oidc_signing_key";

/// The site's signing key.
pub struct SigningKey {
    pub kid: String,
    pair: RsaKeyPair,
}

impl SigningKey {
    fn from_pkcs8(der: &[u8]) -> Result<Self, OAuthError> {
        let pair = RsaKeyPair::from_pkcs8(der).map_err(|e| OAuthError::Signing(e.to_string()))?;
        let public = pair.public_key().as_ref();
        let kid = URL_SAFE_NO_PAD.encode(&Sha256::digest(public)[..12]);
        Ok(Self { kid, pair })
    }

    /// The public key as a JWK Set (`/.well-known/jwks.json`).
    pub fn jwks(&self) -> Value {
        let public = self.pair.public_key();
        json!({ "keys": [{
            "kty": "RSA",
            "use": "sig",
            "alg": "RS256",
            "kid": self.kid,
            "n": URL_SAFE_NO_PAD.encode(public.modulus().big_endian_without_leading_zero()),
            "e": URL_SAFE_NO_PAD.encode(public.exponent().big_endian_without_leading_zero()),
        }]})
    }

    /// A compact JWS (RS256, with `kid`) of `claims`.
    pub fn sign(&self, claims: &Value) -> Result<String, OAuthError> {
        let header = json!({ "alg": "RS256", "typ": "JWT", "kid": self.kid });
        let input = format!(
            "{}.{}",
            URL_SAFE_NO_PAD.encode(header.to_string()),
            URL_SAFE_NO_PAD.encode(claims.to_string())
        );
        let mut sig = vec![0u8; self.pair.public_modulus_len()];
        self.pair
            .sign(
                &RSA_PKCS1_SHA256,
                &SystemRandom::new(),
                input.as_bytes(),
                &mut sig,
            )
            .map_err(|e| OAuthError::Signing(e.to_string()))?;
        Ok(format!("{input}.{}", URL_SAFE_NO_PAD.encode(sig)))
    }
}

/// This instance's copy of the key, read or made once.
#[derive(Default)]
struct Cached(OnceCell<Arc<SigningKey>>);

/// The site's signing key: read from `kv`, or made and stored there by the first instance
/// that needs it (racing instances all keep the one stored first).
pub async fn key(state: &AppState) -> Result<Arc<SigningKey>, OAuthError> {
    let cached = state.part(|_| Cached::default());
    cached
        .0
        .get_or_try_init(|| async {
            if let Some(stored) = kv::get(&state.db, KEY).await? {
                return load(&stored);
            }
            let fresh = tokio::task::spawn_blocking(|| {
                let pair = RsaKeyPair::generate(KeySize::Rsa2048)
                    .map_err(|e| OAuthError::Signing(e.to_string()))?;
                let der = pair
                    .as_der()
                    .map_err(|e| OAuthError::Signing(e.to_string()))?;
                Ok::<_, OAuthError>(STANDARD.encode(der.as_ref()))
            })
            .await
            .map_err(|e| OAuthError::Signing(e.to_string()))??;
            let stored = kv::put_if_absent(&state.db, "oidc", KEY, &fresh).await?;
            load(&stored)
        })
        .await
        .cloned()
}

fn load(stored: &str) -> Result<Arc<SigningKey>, OAuthError> {
    let der = STANDARD
        .decode(stored.trim())
        .map_err(|e| OAuthError::Signing(e.to_string()))?;
    Ok(Arc::new(SigningKey::from_pkcs8(&der)?))
}
