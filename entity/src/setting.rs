//! `settings`: site-wide key/value settings (spec §14.2).

use sea_orm::entity::prelude::*;
use serde::{Deserialize, Serialize};

/// A site setting. Also holds `db_version_<v>` markers. Defaults are written by the server on
/// first start, not by migrations.
#[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel, Serialize, Deserialize)]
#[sea_orm(table_name = "settings")]
pub struct Model {
    #[sea_orm(primary_key)]
    pub id: i64,
    pub created_at: DateTimeUtc,
    pub updated_at: DateTimeUtc,
    /// Setting key, unique (`uq_settings_name`).
    #[sea_orm(unique)]
    pub name: String,
    #[sea_orm(column_type = "Text")]
    pub value: String,
}

#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {}

crate::timestamped_active_model!();
