//! The authorization-code flow (spec 4.18 §2.6–2.9): consent, the code exchange with PKCE and the
//! secret compared in constant time, the re-check of an OAuth refresh, and the claims about
//! the user that `userinfo` and the `id_token` share.

use base64::{Engine, engine::general_purpose::URL_SAFE_NO_PAD};
use chrono::Utc;
use sea_orm::EntityTrait;
use serde_json::{Map, Value, json};
use sha2::{Digest, Sha256};
use stratus_entity::{oauth_client, user};
use subtle::ConstantTimeEq;

use super::{
    OAuthError, clients,
    codes::{self, CodeRecord},
    grants, oidc,
    scopes::{self, EMAIL, OFFLINE_ACCESS, OPENID, PROFILE},
};
use crate::{
    auth::{
        jwt::TokenPair,
        session::{self, OAuthChain},
    },
    caller::{OAuthToken, SignedIn},
    ids::IdKind,
    state::AppState,
};

/// `POST /session/oauth/consent`
#[derive(Debug, Clone)]
pub struct Consent {
    pub client_id: String,
    pub response_type: String,
    pub redirect_uri: String,
    pub state: Option<String>,
    pub scope: String,
    pub code_challenge: Option<String>,
    pub code_challenge_method: Option<String>,
    pub nonce: Option<String>,
}

/// Records the caller's consent (the grant replaced by exactly the requested scopes) and
/// answers a fresh code. Only a session signed in to this site may consent: an
/// application's token could otherwise widen its own access through another client.
pub async fn consent(state: &AppState, me: &SignedIn, req: Consent) -> Result<String, OAuthError> {
    if me.oauth.is_some() {
        return Err(OAuthError::ConsentFromOAuthSession);
    }
    let client = clients::find_enabled(&state.db, &req.client_id).await?;
    if req.response_type != "code" {
        return Err(OAuthError::UnsupportedResponseType);
    }
    if !clients::redirect_allowed(&client, &req.redirect_uri) {
        return Err(OAuthError::InvalidRedirectUri);
    }
    if req.state.as_ref().is_some_and(|s| s.len() > 4096) {
        return Err(OAuthError::InvalidField(
            "state: at most 4096 characters".into(),
        ));
    }
    if req.nonce.as_ref().is_some_and(|s| s.len() > 4096) {
        return Err(OAuthError::InvalidField(
            "nonce: at most 4096 characters".into(),
        ));
    }
    let wanted = scopes::parse(&req.scope);
    if wanted.is_empty() || !scopes::subset(&wanted, &clients::strings(&client.scopes)) {
        return Err(OAuthError::InvalidScope);
    }
    if !wanted.iter().any(|s| s == OPENID) {
        return Err(OAuthError::OpenidRequired);
    }
    let challenge = req.code_challenge.filter(|c| !c.is_empty());
    if challenge.as_ref().is_some_and(|c| c.len() > 255) {
        return Err(OAuthError::InvalidField(
            "code_challenge: at most 255 characters".into(),
        ));
    }
    match req.code_challenge_method.as_deref() {
        None | Some("") | Some("S256") => {}
        Some(_) => return Err(OAuthError::UnsupportedChallengeMethod),
    }
    grants::replace(state, me.user.id, client.id, &wanted).await?;
    let record = CodeRecord {
        client_id: client.guid,
        user_id: me.user.id,
        scopes: wanted,
        redirect_uri: req.redirect_uri,
        code_challenge: challenge,
        nonce: req.nonce.filter(|n| !n.is_empty()),
        auth_time: Utc::now().timestamp(),
    };
    Ok(codes::issue(state, &record).await?)
}

/// `POST /session/oauth/token`, once bound.
#[derive(Debug, Clone)]
pub struct Exchange {
    pub client_id: String,
    pub client_secret: String,
    pub code: String,
    pub code_verifier: Option<String>,
    /// Where the exchange comes from: the session it starts shows this device.
    pub from: crate::events::Client,
}

/// What a successful exchange gives.
pub struct Exchanged {
    pub pair: TokenPair,
    pub scopes: Vec<String>,
    /// Whether the refresh token is handed out (`offline_access`).
    pub with_refresh: bool,
    pub refresh_expires_in: i64,
    pub id_token: Option<String>,
}

/// Exchanges a code for tokens, in upstream's order: the code is spent before anything else
/// is checked, so a failed exchange cannot be retried with the same code.
pub async fn exchange(state: &AppState, req: Exchange) -> Result<Exchanged, OAuthError> {
    let record = codes::take(state, &req.code)
        .await?
        .ok_or(OAuthError::InvalidCode)?;
    if !bool::from(record.client_id.as_bytes().ct_eq(req.client_id.as_bytes())) {
        return Err(OAuthError::InvalidCode);
    }
    if let Some(challenge) = &record.code_challenge
        && !verifier_matches(challenge, req.code_verifier.as_deref().unwrap_or_default())
    {
        return Err(OAuthError::InvalidVerifier);
    }
    let client = clients::find_enabled(&state.db, &record.client_id).await?;
    if !bool::from(client.secret.as_bytes().ct_eq(req.client_secret.as_bytes())) {
        return Err(OAuthError::InvalidSecret);
    }
    if !scopes::subset(&record.scopes, &clients::strings(&client.scopes)) {
        return Err(OAuthError::ScopesNoLongerAllowed);
    }
    let user = user::Entity::find_by_id(record.user_id)
        .one(&state.db)
        .await?
        .filter(|u| u.deleted_at.is_none() && u.status == user::status::ACTIVE)
        .ok_or(OAuthError::UserInactive)?;
    let chain = chain_of(
        &client,
        OAuthToken {
            client_id: client.guid.clone(),
            scopes: record.scopes.clone(),
        },
    );
    let pair = session::start_with(state, &user, Some(&chain), &req.from).await?;
    let refresh_expires_in = match chain.refresh_ttl {
        0 => state.settings.int("refresh_token_ttl", 1_209_600).await?,
        ttl => ttl,
    };
    let id_token = if record.scopes.iter().any(|s| s == OPENID) {
        Some(id_token(state, &user, &record, &client.guid, &pair).await?)
    } else {
        None
    };
    grants::touch(state, user.id, client.id).await?;
    Ok(Exchanged {
        with_refresh: record.scopes.iter().any(|s| s == OFFLINE_ACCESS),
        pair,
        scopes: record.scopes,
        refresh_expires_in,
        id_token,
    })
}

/// The re-check of an OAuth refresh (spec 4.18 §2.8): the client is still enabled, the user still
/// has a grant for it, and the token's scopes are within the grant's. Answers the chain's
/// next shape (the client's current refresh lifetime) and marks the grant used.
pub async fn check_refresh(
    state: &AppState,
    uid: i64,
    token: &OAuthToken,
) -> Result<OAuthChain, OAuthError> {
    let client = clients::find_enabled(&state.db, &token.client_id)
        .await
        .map_err(|_| OAuthError::GrantRevoked)?;
    let grant = grants::find(state, uid, client.id)
        .await?
        .ok_or(OAuthError::GrantRevoked)?;
    if !scopes::subset(&token.scopes, &clients::strings(&grant.scopes)) {
        return Err(OAuthError::GrantRevoked);
    }
    grants::touch(state, uid, client.id).await?;
    Ok(chain_of(&client, token.clone()))
}

/// The chain the tokens of `client` carry: an exchange starts it, each refresh renews it
/// with the client's refresh lifetime as it is now.
fn chain_of(client: &oauth_client::Model, token: OAuthToken) -> OAuthChain {
    OAuthChain {
        token,
        client_row: client.id,
        refresh_ttl: clients::refresh_ttl(client),
    }
}

/// The signed OpenID `id_token` of an exchange (`openid` scope): the user's claims, for the
/// client `audience`, expiring with the access token.
async fn id_token(
    state: &AppState,
    user: &user::Model,
    record: &CodeRecord,
    audience: &str,
    pair: &TokenPair,
) -> Result<String, OAuthError> {
    let mut claims = user_claims(state, user, &record.scopes).await?;
    claims.insert("iss".into(), json!(issuer(state).await?));
    claims.insert("aud".into(), json!(audience));
    claims.insert("iat".into(), json!(Utc::now().timestamp()));
    claims.insert("exp".into(), json!(pair.access_expires.timestamp()));
    claims.insert("auth_time".into(), json!(record.auth_time));
    if let Some(nonce) = &record.nonce {
        claims.insert("nonce".into(), json!(nonce));
    }
    oidc::key(state).await?.sign(&Value::Object(claims))
}

/// The site's issuer: the primary site URL (first entry of `siteURL`), never taken from a
/// request's `Host`.
pub async fn issuer(state: &AppState) -> Result<String, OAuthError> {
    let setting = state.settings.get("siteURL").await?;
    let primary = setting
        .split(',')
        .map(str::trim)
        .find(|s| !s.is_empty())
        .unwrap_or("http://localhost:5212")
        .trim_end_matches('/');
    Ok(primary.to_owned())
}

/// The claims about `user` that `scopes` allow (spec 4.18 §2.9): `sub` always; `profile` adds the
/// name, picture and last update; `email` the address.
pub async fn user_claims(
    state: &AppState,
    user: &user::Model,
    scopes: &[String],
) -> Result<Map<String, Value>, OAuthError> {
    let hashid = state.ids.encode(user.id, IdKind::User);
    let mut claims = Map::new();
    claims.insert("sub".into(), json!(hashid));
    if scopes.iter().any(|s| s == PROFILE) {
        let site = issuer(state).await?;
        claims.insert("name".into(), json!(user.nick));
        claims.insert("preferred_username".into(), json!(user.nick));
        claims.insert(
            "picture".into(),
            json!(format!("{site}/api/v4/user/avatar/{hashid}")),
        );
        claims.insert("updated_at".into(), json!(user.updated_at.timestamp()));
    }
    if scopes.iter().any(|s| s == EMAIL) {
        claims.insert("email".into(), json!(user.email));
        claims.insert("email_verified".into(), json!(true));
    }
    Ok(claims)
}

/// Whether a PKCE `verifier` answers the stored S256 `challenge`
/// (`BASE64URL-NOPAD(SHA-256(verifier)) == challenge`, RFC 7636 §4.6), in constant time. An
/// empty verifier never does.
pub fn verifier_matches(challenge: &str, verifier: &str) -> bool {
    let computed = URL_SAFE_NO_PAD.encode(Sha256::digest(verifier.as_bytes()));
    !verifier.is_empty() && bool::from(computed.as_bytes().ct_eq(challenge.as_bytes()))
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    proptest! {
        #[test]
        fn only_the_verifier_of_a_challenge_answers_it(verifier in ".{0,130}", other in ".{0,130}") {
            let challenge = URL_SAFE_NO_PAD.encode(Sha256::digest(verifier.as_bytes()));
            prop_assert_eq!(verifier_matches(&challenge, &verifier), !verifier.is_empty());
            if other != verifier {
                prop_assert!(!verifier_matches(&challenge, &other));
            }
            // A `plain`-method client sending its challenge as the verifier is refused.
            prop_assert!(!verifier_matches(&verifier, &verifier));
        }
    }
}
