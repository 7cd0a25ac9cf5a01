//! A stored version's row (its blob's place in a storage policy), for a door that streams it.

use sea_orm::EntityTrait;
use stratus_entity::entity;

use super::Db;
use crate::fs::error::FsError;

/// The version `id`, when it exists.
pub async fn version(db: &impl Db, id: i64) -> Result<Option<entity::Model>, FsError> {
    Ok(entity::Entity::find_by_id(id).one(db).await?)
}
