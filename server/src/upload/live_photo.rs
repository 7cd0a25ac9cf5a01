//! Live photos: `PUT /file/upload` with `entity_type: "live_photo"` uploads the motion part
//! of a picture already in the drive (spec §6.1 step 3 and 8). As Cloudreve does, the blob
//! becomes an extra entity of the picture, of type live photo (2), not a new version: the
//! picture's current version, size and history stay as they are. The file's entity list
//! (`GET /file/info?extended=true`) shows it, `POST /file/url` with its hashid as `entity`
//! downloads it, and deleting the picture removes it with the file's other entities.
//!
//! A picture has one live photo: a new one replaces the one before, which is unlinked (and
//! its bytes released) in the transaction that links the new one. The session is charged
//! and locked like any other upload, and only the owner's own existing file can take one.

use sea_orm::{ColumnTrait, DatabaseTransaction, EntityTrait, QueryFilter};
use stratus_entity::{entity, file, file_entity};

use super::{UploadError, rows};
use crate::fs::{path, version};

/// The picture at `name` in folder `parent` that a live photo upload attaches to: an
/// existing file with content; else [`UploadError::NoPicture`] (40016, as Cloudreve answers).
pub(super) async fn target(
    txn: &DatabaseTransaction,
    parent: i64,
    name: &str,
) -> Result<i64, UploadError> {
    match path::child(txn, parent, name).await? {
        Some(picture)
            if picture.r#type == file::kind::FILE
                && !picture.is_symbolic
                && picture.primary_entity.is_some() =>
        {
            Ok(picture.id)
        }
        _ => Err(UploadError::NoPicture),
    }
}

/// Links the uploaded `entity_id` to `picture` as its live photo, unlinking any live photo it
/// had before. The picture's current version is left alone.
pub(super) async fn attach(
    txn: &DatabaseTransaction,
    picture: &file::Model,
    entity_id: i64,
) -> Result<(), UploadError> {
    let linked: Vec<i64> = file_entity::Entity::find()
        .filter(file_entity::Column::FileId.eq(picture.id))
        .all(txn)
        .await?
        .into_iter()
        .map(|l| l.entity_id)
        .filter(|id| *id != entity_id)
        .collect();
    if !linked.is_empty() {
        let older = entity::Entity::find()
            .filter(entity::Column::Id.is_in(linked))
            .filter(entity::Column::Type.eq(entity::kind::LIVE_PHOTO))
            .all(txn)
            .await?;
        for blob in &older {
            version::unlink(txn, picture, blob).await?;
        }
    }
    rows::link(txn, picture.id, entity_id).await
}
