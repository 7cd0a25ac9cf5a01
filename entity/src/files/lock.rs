//! `locks`: WebDAV / application locks, shared between instances (spec §10).

use sea_orm::entity::prelude::*;
use serde::{Deserialize, Serialize};

/// Values of [`Model::scope`].
pub mod scope {
    pub const EXCLUSIVE: &str = "exclusive";
    pub const SHARED: &str = "shared";
}

/// Values of [`Model::depth`].
pub mod depth {
    pub const ZERO: i16 = 0;
    pub const INFINITY: i16 = -1;
}

/// A lock on a path. Expired locks (`expires_at` in the past) are ignored and swept.
#[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel, Serialize, Deserialize)]
#[sea_orm(table_name = "locks")]
pub struct Model {
    #[sea_orm(primary_key)]
    pub id: i64,
    pub created_at: DateTimeUtc,
    pub updated_at: DateTimeUtc,
    /// Lock token (`opaquelocktoken:<uuid>`), unique (`uq_locks_token`).
    #[sea_orm(unique)]
    pub token: String,
    /// User holding the lock.
    pub owner_id: i64,
    /// Locked file, when it exists (no foreign key: lock-null resources have no file yet).
    pub file_id: Option<i64>,
    /// Path being locked, as the key `"<owner_id>:/a/b"` (root `"<owner_id>:/"`); see the
    /// server's `fs::lock::LockPath`.
    #[sea_orm(column_type = "Text")]
    pub uri: String,
    /// `0` or `-1` (infinity), see [`depth`].
    pub depth: i16,
    /// One of [`scope`].
    pub scope: String,
    /// The DAV `owner` XML, or the application holding the lock.
    #[sea_orm(column_type = "Text", nullable)]
    pub owner_info: Option<String>,
    pub expires_at: DateTimeUtc,
}

#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {
    #[sea_orm(
        belongs_to = "crate::user::Entity",
        from = "Column::OwnerId",
        to = "crate::user::Column::Id",
        on_update = "Cascade",
        on_delete = "Cascade"
    )]
    Owner,
}

impl Related<crate::user::Entity> for Entity {
    fn to() -> RelationDef {
        Relation::Owner.def()
    }
}

crate::timestamped_active_model!();
