//! `oc:checksums`: the checksum a client sent with a write (`OC-Checksum`) and that the body
//! matched, kept with the file for the content it was verified against. The desktop client
//! compares it with its own to tell a real conflict from the same content written twice.
//!
//! It is kept as the file's private metadata `sys:oc_checksum` = `<entity id> <TYPE>:<hex>`,
//! and shown only while that entity is still the file's current content: a later write
//! through any other door leaves no stale checksum behind.

use std::collections::HashMap;

use sea_orm::{ColumnTrait, ConnectionTrait, EntityTrait, QueryFilter, QuerySelect};
use stratus_entity::{file, metadata};

use super::headers::{Algo, Checksum};
use crate::fs::{error::FsError, metadata as meta};

/// The metadata key.
const KEY: &str = "sys:oc_checksum";

/// Keeps `c`, which the body written as `file`'s current content matched.
pub async fn remember(
    db: &impl ConnectionTrait,
    file: &file::Model,
    c: &Checksum,
) -> Result<(), FsError> {
    let Some(entity) = file.primary_entity else {
        return Ok(());
    };
    let algo = match c.algo {
        Algo::Sha1 => "SHA1",
        Algo::Md5 => "MD5",
    };
    let value = format!("{entity} {algo}:{}", c.hex.to_ascii_lowercase());
    meta::upsert(db, file.id, KEY, &value, false).await
}

/// The checksum shown for each of `ids` that has one for its current content.
pub async fn of_files(
    db: &impl ConnectionTrait,
    ids: &[i64],
) -> Result<HashMap<i64, String>, FsError> {
    if ids.is_empty() {
        return Ok(HashMap::new());
    }
    let kept: Vec<(i64, String)> = metadata::Entity::find()
        .select_only()
        .column(metadata::Column::FileId)
        .column(metadata::Column::Value)
        .filter(metadata::Column::FileId.is_in(ids.iter().copied()))
        .filter(metadata::Column::Name.eq(KEY))
        .into_tuple()
        .all(db)
        .await?;
    if kept.is_empty() {
        return Ok(HashMap::new());
    }
    let current: HashMap<i64, Option<i64>> = file::Entity::find()
        .select_only()
        .column(file::Column::Id)
        .column(file::Column::PrimaryEntity)
        .filter(file::Column::Id.is_in(kept.iter().map(|(id, _)| *id)))
        .into_tuple::<(i64, Option<i64>)>()
        .all(db)
        .await?
        .into_iter()
        .collect();
    Ok(kept
        .into_iter()
        .filter_map(|(id, value)| {
            let (entity, sum) = value.split_once(' ')?;
            let entity: i64 = entity.parse().ok()?;
            (current.get(&id).copied().flatten() == Some(entity)).then(|| (id, sum.to_owned()))
        })
        .collect())
}
