//! Issuing, refreshing and revoking session tokens for an account.

use std::time::Duration as StdDuration;

use chrono::Duration;
use stratus_entity::{group, user};
use uuid::Uuid;

use super::jwt::{self, TokenPair};
use crate::{
    api::{
        dto::user::{LoginResponse, User},
        envelope::{ApiError, ErrorCode},
    },
    ids::IdKind,
    kv,
    state::AppState,
};

/// The account's current state hash: changes with its e-mail, password or the site id.
pub async fn state_hash(state: &AppState, user: &user::Model) -> Result<String, ApiError> {
    let site_id = state.settings.get("siteID").await?;
    Ok(jwt::state_hash(
        &user.email,
        user.password.as_deref().unwrap_or_default(),
        &site_id,
    ))
}

/// A new token pair in the chain `root` (a new chain when `None`).
pub async fn issue(
    state: &AppState,
    user: &user::Model,
    root: Option<Uuid>,
) -> Result<TokenPair, ApiError> {
    let secret = state.settings.get("secret_key").await?;
    let access_ttl = state.settings.int("access_token_ttl", 3600).await?.max(60);
    let refresh_ttl = state
        .settings
        .int("refresh_token_ttl", 1_209_600)
        .await?
        .max(access_ttl);
    jwt::issue(
        &secret,
        &state.ids.encode(user.id, IdKind::User),
        state_hash(state, user).await?,
        root.unwrap_or_else(Uuid::new_v4),
        Duration::seconds(access_ttl),
        Duration::seconds(refresh_ttl),
    )
    .map_err(|e| ApiError::code(ErrorCode::EncryptError).with_cause(e))
}

/// The `{user, token}` answer of every successful sign-in.
pub async fn login_response(
    state: &AppState,
    user: &user::Model,
    group: &group::Model,
) -> Result<LoginResponse, ApiError> {
    let token = issue(state, user, None).await?;
    Ok(LoginResponse {
        user: User::from_model(&state.ids, user, group),
        token: token.into(),
    })
}

fn revoke_key(root: &Uuid) -> String {
    format!("jwt_revoke_{root}")
}

/// Marks a chain revoked for as long as any of its refresh tokens could live.
pub async fn revoke(state: &AppState, root: &Uuid) -> Result<(), ApiError> {
    let ttl = state
        .settings
        .int("refresh_token_ttl", 1_209_600)
        .await?
        .max(0) as u64
        + 10;
    kv::put(
        &state.db,
        "jwt_revoke",
        &revoke_key(root),
        "1",
        Some(StdDuration::from_secs(ttl)),
    )
    .await?;
    Ok(())
}

/// Whether the chain was revoked.
pub async fn is_revoked(state: &AppState, root: &Uuid) -> Result<bool, ApiError> {
    Ok(kv::get(&state.db, &revoke_key(root)).await?.is_some())
}
