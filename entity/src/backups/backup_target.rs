//! `backup_targets`: where backups are written (a local folder, a bucket, a slave node).

use sea_orm::entity::prelude::*;
use serde::{Deserialize, Serialize};

/// Values of the `type` column: the storage policy types a target can be.
pub mod kind {
    pub const LOCAL: &str = "local";
    pub const S3: &str = "s3";
    pub const OSS: &str = "oss";
    pub const REMOTE: &str = "remote";
}

/// A backup target.
#[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel, Serialize, Deserialize)]
#[sea_orm(table_name = "backup_targets")]
pub struct Model {
    #[sea_orm(primary_key)]
    pub id: i64,
    pub created_at: DateTimeUtc,
    pub updated_at: DateTimeUtc,
    pub name: String,
    /// One of [`kind`].
    pub r#type: String,
    /// The driver's settings, with the keys of a storage policy of the same type (a local
    /// target's folder is `path`). Holds secrets: never answered back.
    #[sea_orm(column_type = "JsonBinary")]
    pub settings: Json,
    pub starred: bool,
}

#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {}

crate::timestamped_active_model!();
