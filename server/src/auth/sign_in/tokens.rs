//! Keeping a session and ending it: a refresh token is good for one refresh, and one used
//! again ends its chain (`auth::session`); signing out ends the chain of the token presented.

use subtle::ConstantTimeEq;

use super::SignInError;
use crate::{
    auth::{
        jwt::{self, TokenPair},
        oauth,
        session::{self, Refresh, rows},
    },
    caller::OAuthToken,
    events::{self, Client},
    ids::IdKind,
    state::AppState,
};

/// What a signed refresh token says.
struct RefreshClaims {
    user_id: i64,
    root: uuid::Uuid,
    jti: uuid::Uuid,
    state_hash: String,
    oauth: Option<OAuthToken>,
}

/// Exchanges a refresh token for a new pair in the same chain. A token used again (a copy,
/// or a replay) ends its whole chain, and is refused like every other token of it from then on.
pub async fn refresh(
    state: &AppState,
    client: &Client,
    refresh_token: &str,
) -> Result<TokenPair, SignInError> {
    let token = verify_refresh(state, refresh_token).await?;
    let user = rows::refreshable(&state.db, token.user_id)
        .await?
        .ok_or(SignInError::InvalidRefresh)?;
    let expected = session::state_hash(state, &user).await?;
    if !bool::from(expected.as_bytes().ct_eq(token.state_hash.as_bytes())) {
        return Err(SignInError::InvalidRefresh);
    }
    // An OAuth chain goes on only while its client and the user's grant still allow it.
    let chain = match &token.oauth {
        Some(t) => Some(oauth::flow::check_refresh(state, user.id, t).await?),
        None => None,
    };
    let chain_and_token = (token.root, token.jti);
    match session::refresh(state, &user, chain_and_token, chain.as_ref(), client).await? {
        Refresh::Rotated(pair) => Ok(pair),
        Refresh::Reused => {
            events::record(
                &state.db,
                events::kind::USER_LOGOUT,
                Some(user.id),
                client,
                Some(serde_json::json!({ "reason": "refresh_token_reused" })),
            )
            .await;
            Err(SignInError::InvalidRefresh)
        }
        Refresh::Ended => Err(SignInError::InvalidRefresh),
    }
}

/// Signs out: ends the refresh token's chain, so that none of its tokens is accepted any
/// more, on any instance. Any token of the chain may end it: ending a session is never a risk
/// to its owner, and a token made stale by a password change must still sign its session out.
pub async fn sign_out(
    state: &AppState,
    client: &Client,
    refresh_token: &str,
) -> Result<(), SignInError> {
    let token = verify_refresh(state, refresh_token).await?;
    if !session::end(state, token.user_id, token.root).await? {
        return Err(SignInError::InvalidRefresh);
    }
    events::record(
        &state.db,
        events::kind::USER_LOGOUT,
        Some(token.user_id),
        client,
        None,
    )
    .await;
    Ok(())
}

/// The claims of a refresh token that is signed, unexpired, of the refresh kind, and names a
/// user, a chain and its own id (tokens from before chains were kept do not).
async fn verify_refresh(state: &AppState, token: &str) -> Result<RefreshClaims, SignInError> {
    let secret = state.settings.get("secret_key").await?;
    let claims = jwt::verify(&secret, token).map_err(|_| SignInError::InvalidRefresh)?;
    if claims.token_type != jwt::REFRESH {
        return Err(SignInError::InvalidRefresh);
    }
    let user_id = state
        .ids
        .decode(&claims.sub, IdKind::User)
        .map_err(|_| SignInError::InvalidRefresh)?;
    let oauth = claims.oauth();
    match (claims.root_token_id, claims.jti) {
        (Some(root), Some(jti)) => Ok(RefreshClaims {
            user_id,
            root,
            jti,
            oauth,
            state_hash: claims.state_hash.unwrap_or_default(),
        }),
        _ => Err(SignInError::InvalidRefresh),
    }
}
