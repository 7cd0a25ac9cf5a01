//! What Stratus asks of a provider, every request through the outbound guard with
//! `oidc_allowed_cidrs`: its discovery document and its JWKS (both cached for an hour per
//! instance; the JWKS read again once when a token names a key it does not have, which is how
//! a provider rotates keys), the code exchange, and the userinfo when the ID token has no
//! e-mail. [`verify_id_token`] checks the signature and `iss`, `aud`, `exp` and `nonce`.

use std::{sync::Arc, time::Duration};

use jsonwebtoken::{
    Algorithm, DecodingKey, Validation, decode, decode_header,
    jwk::{Jwk, JwkSet},
};
use moka::future::Cache;
use reqwest::header::{ACCEPT, CONTENT_TYPE};
use serde::Deserialize;
use serde_json::{Map, Value};
use subtle::ConstantTimeEq;
use url::Url;

use super::{OidcError, providers::Provider};
use crate::{
    net::guard::{Guard, error_chain},
    state::AppState,
};

/// How long a discovery document and a key set are trusted before they are read again.
const CACHE_TTL: Duration = Duration::from_secs(3600);
/// The most one request to a provider may take.
const REQUEST_TIMEOUT: Duration = Duration::from_secs(15);
/// The largest answer read from a provider.
const MAX_BODY: usize = 1 << 20;
/// Clock difference tolerated on `exp`.
const LEEWAY_SECONDS: u64 = 60;

/// The parts of a discovery document Stratus uses.
#[derive(Debug, Clone, Deserialize)]
pub struct Metadata {
    pub issuer: String,
    pub authorization_endpoint: String,
    pub token_endpoint: String,
    pub jwks_uri: String,
    #[serde(default)]
    pub userinfo_endpoint: Option<String>,
    #[serde(default)]
    pub token_endpoint_auth_methods_supported: Option<Vec<String>>,
}

/// This instance's caches of discovery documents (by issuer) and key sets (by URL).
struct Caches {
    metadata: Cache<String, Arc<Metadata>>,
    keys: Cache<String, Arc<JwkSet>>,
}

fn caches(state: &AppState) -> Arc<Caches> {
    state.part(|_| Caches {
        metadata: Cache::builder()
            .max_capacity(64)
            .time_to_live(CACHE_TTL)
            .build(),
        keys: Cache::builder()
            .max_capacity(64)
            .time_to_live(CACHE_TTL)
            .build(),
    })
}

/// The issuer as written, without a trailing slash, for comparing.
fn trimmed(issuer: &str) -> &str {
    issuer.trim().trim_end_matches('/')
}

/// The provider's discovery document, from the cache or read now. Its `issuer` must be the
/// configured one (OpenID Connect Discovery §4.3).
pub async fn metadata(
    state: &AppState,
    guard: &Guard,
    provider: &Provider,
) -> Result<Arc<Metadata>, OidcError> {
    let issuer = trimmed(&provider.issuer).to_owned();
    if let Some(found) = caches(state).metadata.get(&issuer).await {
        return Ok(found);
    }
    fresh_metadata(state, guard, provider).await
}

/// The provider's discovery document read now, and kept in the cache.
pub async fn fresh_metadata(
    state: &AppState,
    guard: &Guard,
    provider: &Provider,
) -> Result<Arc<Metadata>, OidcError> {
    let issuer = trimmed(&provider.issuer).to_owned();
    let cache = caches(state);
    let url = parse_url(&format!("{issuer}/.well-known/openid-configuration"))?;
    let body = get_json(guard, &url, None).await?;
    let meta: Metadata = serde_json::from_value(body)
        .map_err(|e| OidcError::Provider(format!("its discovery document is malformed: {e}")))?;
    if trimmed(&meta.issuer) != issuer {
        return Err(OidcError::Provider(format!(
            "its discovery document names the issuer {}, not {issuer}",
            meta.issuer
        )));
    }
    let meta = Arc::new(meta);
    cache.metadata.insert(issuer, meta.clone()).await;
    Ok(meta)
}

/// What the token endpoint answers.
#[derive(Debug, Deserialize)]
pub struct Tokens {
    pub id_token: Option<String>,
    pub access_token: Option<String>,
}

/// Exchanges `code` (with its PKCE verifier) at the token endpoint.
pub async fn exchange(
    guard: &Guard,
    meta: &Metadata,
    provider: &Provider,
    code: &str,
    redirect_uri: &str,
    verifier: &str,
) -> Result<Tokens, OidcError> {
    let url = parse_url(&meta.token_endpoint)?;
    let checked = guard.check(&url).await.map_err(OidcError::refused)?;
    let client = checked.client().map_err(|e| unreachable(&url, &e))?;
    let mut form = vec![
        ("grant_type", "authorization_code"),
        ("code", code),
        ("redirect_uri", redirect_uri),
        ("code_verifier", verifier),
        ("client_id", provider.client_id.as_str()),
    ];
    // `client_secret_basic` is the default of the standard; a provider that lists only
    // `client_secret_post` (Stratus itself) gets the secret in the form.
    let post_only = meta
        .token_endpoint_auth_methods_supported
        .as_ref()
        .is_some_and(|m| {
            m.iter().any(|x| x == "client_secret_post")
                && !m.iter().any(|x| x == "client_secret_basic")
        });
    let mut request = client.post(url.clone()).header(ACCEPT, "application/json");
    if post_only {
        form.push(("client_secret", provider.client_secret.as_str()));
    } else {
        let enc = |s: &str| url::form_urlencoded::byte_serialize(s.as_bytes()).collect::<String>();
        request = request.basic_auth(enc(&provider.client_id), Some(enc(&provider.client_secret)));
    }
    let body = url::form_urlencoded::Serializer::new(String::new())
        .extend_pairs(&form)
        .finish();
    let request = request
        .header(CONTENT_TYPE, "application/x-www-form-urlencoded")
        .body(body);
    let resp = tokio::time::timeout(REQUEST_TIMEOUT, request.send())
        .await
        .map_err(|_| OidcError::Provider("its token endpoint did not answer in time".into()))?
        .map_err(|e| unreachable(&url, &e))?;
    let status = resp.status();
    let body = read_json(resp).await?;
    if !status.is_success() {
        let why = body
            .get("error_description")
            .or_else(|| body.get("error"))
            .and_then(Value::as_str)
            .unwrap_or("no reason given")
            .to_owned();
        return Err(OidcError::Provider(format!(
            "it refused the code ({status}): {why}"
        )));
    }
    serde_json::from_value(body)
        .map_err(|e| OidcError::Provider(format!("its token answer is malformed: {e}")))
}

/// The claims of an ID token whose signature a key of the provider's JWKS proves, issued by
/// the provider for this client, unexpired, and carrying the `nonce` of this sign-in.
pub async fn verify_id_token(
    state: &AppState,
    guard: &Guard,
    meta: &Metadata,
    provider: &Provider,
    token: &str,
    nonce: &str,
) -> Result<Map<String, Value>, OidcError> {
    let header = decode_header(token)
        .map_err(|e| OidcError::IdToken(format!("its header is malformed: {e}")))?;
    // A symmetric algorithm would let anyone holding the client secret sign; `none` never parses.
    if matches!(
        header.alg,
        Algorithm::HS256 | Algorithm::HS384 | Algorithm::HS512
    ) {
        return Err(OidcError::IdToken(format!(
            "{:?} signatures are not accepted",
            header.alg
        )));
    }
    let jwk = key_for(state, guard, meta, header.kid.as_deref()).await?;
    let key = DecodingKey::from_jwk(&jwk)
        .map_err(|e| OidcError::IdToken(format!("the provider's key is unusable: {e}")))?;
    let mut validation = Validation::new(header.alg);
    validation.set_issuer(&[meta.issuer.as_str()]);
    validation.set_audience(&[provider.client_id.as_str()]);
    validation.set_required_spec_claims(&["exp", "iss", "aud", "sub"]);
    validation.leeway = LEEWAY_SECONDS;
    let claims = decode::<Map<String, Value>>(token, &key, &validation)
        .map_err(|e| OidcError::IdToken(e.to_string()))?
        .claims;
    let got = claims
        .get("nonce")
        .and_then(Value::as_str)
        .unwrap_or_default();
    if got.is_empty() || !bool::from(got.as_bytes().ct_eq(nonce.as_bytes())) {
        return Err(OidcError::IdToken(
            "its nonce is not the one of this sign-in".into(),
        ));
    }
    Ok(claims)
}

/// The key `kid` names (the only key when the token names none); the set is read again once
/// when the cached one does not have it.
async fn key_for(
    state: &AppState,
    guard: &Guard,
    meta: &Metadata,
    kid: Option<&str>,
) -> Result<Jwk, OidcError> {
    let cache = caches(state);
    let pick = |set: &JwkSet| match kid {
        Some(kid) => set.find(kid).cloned(),
        None if set.keys.len() == 1 => set.keys.first().cloned(),
        None => None,
    };
    if let Some(set) = cache.keys.get(&meta.jwks_uri).await
        && let Some(key) = pick(&set)
    {
        return Ok(key);
    }
    let url = parse_url(&meta.jwks_uri)?;
    let body = get_json(guard, &url, None).await?;
    let set: JwkSet = serde_json::from_value(body)
        .map_err(|e| OidcError::Provider(format!("its key set is malformed: {e}")))?;
    let set = Arc::new(set);
    cache.keys.insert(meta.jwks_uri.clone(), set.clone()).await;
    pick(&set).ok_or_else(|| {
        OidcError::IdToken(format!(
            "it is signed with a key the provider does not publish ({})",
            kid.unwrap_or("no kid")
        ))
    })
}

/// The userinfo claims, read with the access token.
pub async fn userinfo(
    guard: &Guard,
    meta: &Metadata,
    access_token: &str,
) -> Result<Map<String, Value>, OidcError> {
    let Some(endpoint) = &meta.userinfo_endpoint else {
        return Ok(Map::new());
    };
    let url = parse_url(endpoint)?;
    match get_json(guard, &url, Some(access_token)).await? {
        Value::Object(map) => Ok(map),
        _ => Err(OidcError::Provider("its userinfo is not an object".into())),
    }
}

fn parse_url(text: &str) -> Result<Url, OidcError> {
    Url::parse(text.trim()).map_err(|_| OidcError::Provider(format!("{text:?} is not a URL")))
}

fn unreachable(url: &Url, e: &reqwest::Error) -> OidcError {
    OidcError::Provider(format!(
        "{} cannot be reached: {}",
        url.host_str().unwrap_or_default(),
        error_chain(e)
    ))
}

/// GETs `url` (with a bearer token) through the guard; the JSON of a successful answer.
async fn get_json(guard: &Guard, url: &Url, bearer: Option<&str>) -> Result<Value, OidcError> {
    let fetch = guard.get(url, |r| {
        let r = r
            .header(ACCEPT, "application/json")
            .timeout(REQUEST_TIMEOUT);
        match bearer {
            Some(token) => r.bearer_auth(token),
            None => r,
        }
    });
    let (_, resp) = tokio::time::timeout(REQUEST_TIMEOUT, fetch)
        .await
        .map_err(|_| OidcError::Provider(format!("{url} did not answer in time")))?
        .map_err(OidcError::refused)?;
    if !resp.status().is_success() {
        return Err(OidcError::Provider(format!(
            "{url} answered {}",
            resp.status()
        )));
    }
    read_json(resp).await
}

/// The JSON body of `resp`, at most [`MAX_BODY`] bytes.
async fn read_json(mut resp: reqwest::Response) -> Result<Value, OidcError> {
    let mut body = Vec::new();
    let too_big = || OidcError::Provider("its answer is too large".into());
    while let Some(chunk) = tokio::time::timeout(REQUEST_TIMEOUT, resp.chunk())
        .await
        .map_err(|_| OidcError::Provider("its answer stalled".into()))?
        .map_err(|e| OidcError::Provider(error_chain(&e)))?
    {
        if body.len() + chunk.len() > MAX_BODY {
            return Err(too_big());
        }
        body.extend_from_slice(&chunk);
    }
    serde_json::from_slice(&body)
        .map_err(|e| OidcError::Provider(format!("its answer is not JSON: {e}")))
}
