//! The caller of an `/api/v4` request (and a Nextcloud route's `Bearer`), resolved once from
//! `Authorization: Bearer <access JWT>`; and a caller remembered by user id.
//!
//! An invalid or expired token makes the caller anonymous (clients rely on it), and so does a
//! token of a session that has ended (signed out, password changed): its chain is checked on
//! every request. A refresh token used as an access token is refused (40020); a banned or
//! inactive account is refused at once (40017 / 40018), not when its token expires, because the
//! account is read on every request, with its group, in one statement.

use sea_orm::{ColumnTrait, EntityTrait, QueryFilter};
use stratus_entity::{group, user};

use crate::{
    auth::{error::AuthError, jwt, session::Chains},
    caller::{ANONYMOUS_GROUP, Caller, Credential, CredentialKind, SignedIn, ensure_can_sign_in},
    ids::IdKind,
    state::AppState,
};

/// Resolves the `Authorization` header into a caller.
pub async fn resolve(state: &AppState, authorization: Option<&str>) -> Result<Caller, AuthError> {
    let Some(token) = authorization.and_then(bearer_token) else {
        return Ok(Caller::Anonymous);
    };
    let secret = state.settings.get("secret_key").await?;
    let Ok(claims) = jwt::verify(&secret, token) else {
        return Ok(Caller::Anonymous);
    };
    if claims.token_type != jwt::ACCESS {
        return Err(AuthError::NotAnAccessToken);
    }
    let Ok(id) = state.ids.decode(&claims.sub, IdKind::User) else {
        return Ok(Caller::Anonymous);
    };
    // Tokens issued before sessions were kept name no chain, and cannot be ended: refused.
    let Some(root) = claims.root_token_id else {
        return Ok(Caller::Anonymous);
    };
    if !Chains::of(state).is_live(&state.db, id, root).await? {
        return Ok(Caller::Anonymous);
    }
    let Some((user, group)) = user_and_group(state, id).await? else {
        return Ok(Caller::Anonymous);
    };
    ensure_can_sign_in(&user)?;
    let me = SignedIn {
        session: Some(root),
        credential: Some(credential_of(&claims, id, root)),
        oauth: claims.oauth(),
        ..super::work::acting_as(user, group.ok_or(AuthError::GroupMissing)?)
    };
    Ok(Caller::User(super::admitted(state, me).await))
}

/// A caller remembered by user id (`None`: a signed-out visitor), as they are now, with
/// their current group: a live user still allowed to sign in, or the anonymous group.
pub async fn remembered(
    state: &AppState,
    user_id: Option<i64>,
) -> Result<(Caller, group::Model), AuthError> {
    let Some(id) = user_id else {
        return Ok((Caller::Anonymous, anonymous_group(state).await?));
    };
    let (user, group) = user_and_group(state, id)
        .await?
        .ok_or(AuthError::UserGone)?;
    ensure_can_sign_in(&user)?;
    let group = group.ok_or(AuthError::GroupMissing)?;
    let me = super::work::acting_as(user, group.clone());
    Ok((Caller::User(std::sync::Arc::new(me)), group))
}

/// User `id`, not deleted, with its group, in one statement.
pub(super) async fn user_and_group(
    state: &AppState,
    id: i64,
) -> Result<Option<(user::Model, Option<group::Model>)>, sea_orm::DbErr> {
    user::Entity::find_by_id(id)
        .filter(user::Column::DeletedAt.is_null())
        .find_also_related(group::Entity)
        .one(&state.db)
        .await
}

/// The credential an access token stands for: its OAuth client as this user signed in to it,
/// else its web session chain.
fn credential_of(claims: &jwt::Claims, user_id: i64, root: uuid::Uuid) -> Credential {
    match claims.oauth() {
        Some(token) => Credential::new(
            CredentialKind::Oauth,
            oauth_credential_id(&token.client_id, user_id),
            &token.client_id,
        ),
        None => Credential::new(CredentialKind::Session, root, "web session"),
    }
}

/// The id of an OAuth client's credential for one user: `<client id>:<user id>`. Every user
/// who signs in to an app uses the same client id, but each is a credential of their own (the
/// guard against mass deletion stops one user's app, never another's); every other kind's id
/// (a row, a session chain) is one user's already.
pub fn oauth_credential_id(client_id: &str, user_id: i64) -> String {
    format!("{client_id}:{user_id}")
}

/// The token of `Bearer <token>`; `Bearer Cr <sig>` is an HMAC signature, not a session.
fn bearer_token(header: &str) -> Option<&str> {
    let (scheme, rest) = header.trim().split_once(' ')?;
    if !scheme.eq_ignore_ascii_case("bearer") {
        return None;
    }
    let rest = rest.trim();
    if rest.starts_with("Cr ") || rest.is_empty() {
        return None;
    }
    Some(rest)
}

/// The caller's group: the user's, or the anonymous group.
pub async fn group_of(state: &AppState, caller: &Caller) -> Result<group::Model, AuthError> {
    match caller {
        Caller::User(u) => Ok(u.group.clone()),
        Caller::Anonymous => anonymous_group(state).await,
    }
}

/// The anonymous group (id 3), for describing anonymous callers.
pub async fn anonymous_group(state: &AppState) -> Result<group::Model, AuthError> {
    group::Entity::find_by_id(ANONYMOUS_GROUP)
        .one(&state.db)
        .await?
        .ok_or(AuthError::AnonymousGroupMissing)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn bearer_tokens_are_extracted() {
        assert_eq!(bearer_token("Bearer abc"), Some("abc"));
        assert_eq!(bearer_token("bearer  abc "), Some("abc"));
        assert_eq!(bearer_token("Bearer Cr sig:0"), None);
        assert_eq!(bearer_token("Basic abc"), None);
        assert_eq!(bearer_token("Bearer"), None);
    }
}
