//! The rows of WebDAV accounts (`dav_accounts`) as their owner manages them: counted, found,
//! stored, changed and paged. What an account may hold (name, root, options) is checked by
//! `dav::account` before it comes here; deleting one is `credentials::delete_dav_account`,
//! the same for every way of revoking it.

use chrono::Utc;
use sea_orm::{
    ActiveModelTrait, ActiveValue::Set, ColumnTrait, EntityTrait, IntoActiveModel, PaginatorTrait,
    QueryFilter, QueryOrder, QuerySelect,
};
use stratus_entity::dav_account;

use super::error::AuthError;
use crate::state::AppState;

/// What a new account holds besides its owner.
pub struct NewAccount {
    pub name: String,
    pub uri: String,
    pub password: String,
    pub options: Vec<u8>,
}

/// How many accounts `owner` holds.
pub async fn count_of(state: &AppState, owner: i64) -> Result<u64, AuthError> {
    Ok(dav_account::Entity::find()
        .filter(dav_account::Column::OwnerId.eq(owner))
        .filter(dav_account::Column::DeletedAt.is_null())
        .count(&state.db)
        .await?)
}

/// Whether one of `owner`'s accounts already has `password`.
pub async fn password_taken(
    state: &AppState,
    owner: i64,
    password: &str,
) -> Result<bool, AuthError> {
    Ok(dav_account::Entity::find()
        .filter(dav_account::Column::OwnerId.eq(owner))
        .filter(dav_account::Column::Password.eq(password))
        .one(&state.db)
        .await?
        .is_some())
}

/// Stores a new account of `owner` (a password another one drew at the same time fails on
/// the unique index).
pub async fn insert(
    state: &AppState,
    owner: i64,
    new: NewAccount,
) -> Result<dav_account::Model, AuthError> {
    let now = Utc::now();
    Ok(dav_account::ActiveModel {
        created_at: Set(now),
        updated_at: Set(now),
        name: Set(new.name),
        uri: Set(new.uri),
        password: Set(new.password),
        options: Set(new.options),
        owner_id: Set(owner),
        ..Default::default()
    }
    .insert(&state.db)
    .await?)
}

/// The account `id`, whoever owns it.
pub async fn find(state: &AppState, id: i64) -> Result<Option<dav_account::Model>, AuthError> {
    Ok(dav_account::Entity::find_by_id(id).one(&state.db).await?)
}

/// Stores a new name, root and options on `row` (the password stays).
pub async fn update(
    state: &AppState,
    row: dav_account::Model,
    name: String,
    uri: String,
    options: Vec<u8>,
) -> Result<dav_account::Model, AuthError> {
    let mut active = row.into_active_model();
    active.name = Set(name);
    active.uri = Set(uri);
    active.options = Set(options);
    active.updated_at = Set(Utc::now());
    Ok(active.update(&state.db).await?)
}

/// Up to `limit` of `owner`'s accounts, oldest first, after the account `after`.
pub async fn page_of(
    state: &AppState,
    owner: i64,
    after: Option<i64>,
    limit: u64,
) -> Result<Vec<dav_account::Model>, AuthError> {
    let mut query = dav_account::Entity::find()
        .filter(dav_account::Column::OwnerId.eq(owner))
        .filter(dav_account::Column::DeletedAt.is_null());
    if let Some(id) = after {
        query = query.filter(dav_account::Column::Id.gt(id));
    }
    Ok(query
        .order_by_asc(dav_account::Column::Id)
        .limit(limit)
        .all(&state.db)
        .await?)
}
