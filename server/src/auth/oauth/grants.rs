//! Users' grants: one row per (user, client) holding the scopes of the latest consent.

use chrono::Utc;
use sea_orm::{
    ActiveModelTrait, ActiveValue::Set, ColumnTrait, EntityTrait, IntoActiveModel, QueryFilter,
    QueryOrder,
};
use serde_json::json;
use stratus_entity::{oauth_client, oauth_grant};

use super::{OAuthError, clients};
use crate::{auth::session, state::AppState};

/// The grant of `uid` for client row `client`, if any.
pub async fn find(
    state: &AppState,
    uid: i64,
    client: i64,
) -> Result<Option<oauth_grant::Model>, OAuthError> {
    Ok(oauth_grant::Entity::find()
        .filter(oauth_grant::Column::UserId.eq(uid))
        .filter(oauth_grant::Column::ClientId.eq(client))
        .one(&state.db)
        .await?)
}

/// Creates or replaces (not merges) the grant with exactly `scopes`, used now.
pub async fn replace(
    state: &AppState,
    uid: i64,
    client: i64,
    scopes: &[String],
) -> Result<(), OAuthError> {
    let now = Utc::now();
    match find(state, uid, client).await? {
        Some(g) => {
            let mut row = g.into_active_model();
            row.scopes = Set(json!(scopes));
            row.last_used_at = Set(Some(now));
            row.update(&state.db).await?;
        }
        None => {
            let row = oauth_grant::ActiveModel {
                user_id: Set(uid),
                client_id: Set(client),
                scopes: Set(json!(scopes)),
                last_used_at: Set(Some(now)),
                ..Default::default()
            };
            // Two consents racing for a new grant: the unique index keeps one; the loser
            // updates the winner's row.
            if row.insert(&state.db).await.is_err() {
                if let Some(g) = find(state, uid, client).await? {
                    let mut row = g.into_active_model();
                    row.scopes = Set(json!(scopes));
                    row.last_used_at = Set(Some(now));
                    row.update(&state.db).await?;
                }
            }
        }
    }
    Ok(())
}

/// Marks the grant used now.
pub async fn touch(state: &AppState, uid: i64, client: i64) -> Result<(), OAuthError> {
    oauth_grant::Entity::update_many()
        .col_expr(
            oauth_grant::Column::LastUsedAt,
            sea_orm::sea_query::Expr::value(Utc::now()),
        )
        .filter(oauth_grant::Column::UserId.eq(uid))
        .filter(oauth_grant::Column::ClientId.eq(client))
        .exec(&state.db)
        .await?;
    Ok(())
}

/// The grants of `uid` with their (enabled) clients, most recently used first.
pub async fn of_user(
    state: &AppState,
    uid: i64,
) -> Result<Vec<(oauth_grant::Model, oauth_client::Model)>, OAuthError> {
    let grants = oauth_grant::Entity::find()
        .filter(oauth_grant::Column::UserId.eq(uid))
        .order_by_desc(oauth_grant::Column::LastUsedAt)
        .order_by_desc(oauth_grant::Column::Id)
        .all(&state.db)
        .await?;
    if grants.is_empty() {
        return Ok(Vec::new());
    }
    let clients = oauth_client::Entity::find()
        .filter(oauth_client::Column::Id.is_in(grants.iter().map(|g| g.client_id)))
        .filter(oauth_client::Column::IsEnabled.eq(true))
        .all(&state.db)
        .await?;
    Ok(grants
        .into_iter()
        .filter_map(|g| {
            let c = clients.iter().find(|c| c.id == g.client_id)?.clone();
            Some((g, c))
        })
        .collect())
}

/// Revokes the caller's grant for client `guid` and ends the tokens issued under it, so its
/// access tokens stop working too, not only its next refresh.
pub async fn revoke(state: &AppState, uid: i64, guid: &str) -> Result<(), OAuthError> {
    let client = clients::find_enabled(&state.db, guid)
        .await
        .map_err(|_| OAuthError::GrantNotFound)?;
    let deleted = oauth_grant::Entity::delete_many()
        .filter(oauth_grant::Column::UserId.eq(uid))
        .filter(oauth_grant::Column::ClientId.eq(client.id))
        .exec(&state.db)
        .await?;
    if deleted.rows_affected == 0 {
        return Err(OAuthError::GrantNotFound);
    }
    session::end_oauth(state, client.id, Some(uid)).await?;
    Ok(())
}
