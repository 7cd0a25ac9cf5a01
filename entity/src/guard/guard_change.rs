//! `guard_changes`: one destructive change (delete, overwrite, rename of the extension) made
//! through a credential, kept while it is inside the burst window or named by an incident
//! (see `server/src/guard/`).

use sea_orm::entity::prelude::*;
use serde::{Deserialize, Serialize};

#[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel, Serialize, Deserialize)]
#[sea_orm(table_name = "guard_changes")]
pub struct Model {
    #[sea_orm(primary_key)]
    pub id: i64,
    pub created_at: DateTimeUtc,
    pub updated_at: DateTimeUtc,
    pub user_id: i64,
    /// `webdav`, `app_password`, `oauth`, `s3_key` or `session`.
    pub cred_kind: String,
    pub cred_id: String,
    pub cred_name: String,
    pub at: DateTimeUtc,
    /// How much the change counts towards the burst (more for ransomware-looking ones).
    pub weight: i32,
    /// `delete`, `overwrite` or `rename`.
    pub action: String,
    pub file_id: Option<i64>,
    #[sea_orm(column_type = "Text")]
    pub path: String,
    /// A rename's name before it.
    #[sea_orm(column_type = "Text", nullable)]
    pub old_name: Option<String>,
    /// An overwrite's current version before it.
    pub previous_entity_id: Option<i64>,
    pub incident_id: Option<i64>,
}

#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {}

crate::timestamped_active_model!();
