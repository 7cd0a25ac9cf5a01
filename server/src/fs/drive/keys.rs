//! A file's metadata under one namespace (`s3:`, …), as a door that owns the namespace reads it
//! back whole.

use sea_orm::{ColumnTrait, EntityTrait, QueryFilter, QuerySelect};
use stratus_entity::metadata;

use super::Db;
use crate::fs::error::FsError;

/// The `(name, value)` pairs of `file_id`'s metadata whose name starts with `namespace`.
pub async fn in_namespace(
    db: &impl Db,
    file_id: i64,
    namespace: &str,
) -> Result<Vec<(String, String)>, FsError> {
    Ok(metadata::Entity::find()
        .select_only()
        .column(metadata::Column::Name)
        .column(metadata::Column::Value)
        .filter(metadata::Column::FileId.eq(file_id))
        .filter(metadata::Column::Name.starts_with(namespace))
        .into_tuple()
        .all(db)
        .await?)
}
