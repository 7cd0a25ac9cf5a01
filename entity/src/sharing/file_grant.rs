//! `file_grants`: an owner's folder or file shared with one user or one group, `read` or
//! `write`, without a link. Exactly one of `user_id` and `group_id` is set.

use sea_orm::entity::prelude::*;
use serde::{Deserialize, Serialize};

/// Values of [`Model::access`].
pub mod access {
    /// List, preview, download, copy out.
    pub const READ: &str = "read";
    /// Also create, upload, rename, move and delete inside.
    pub const WRITE: &str = "write";
}

/// One grant.
#[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel, Serialize, Deserialize)]
#[sea_orm(table_name = "file_grants")]
pub struct Model {
    #[sea_orm(primary_key)]
    pub id: i64,
    pub created_at: DateTimeUtc,
    pub updated_at: DateTimeUtc,
    /// The owner of the file (who gave the grant).
    pub owner_id: i64,
    /// The folder or file granted, with everything below it.
    pub file_id: i64,
    /// The recipient, for a grant to one user.
    pub user_id: Option<i64>,
    /// The recipient group, for a grant to every member of a group.
    pub group_id: Option<i64>,
    /// One of [`access`].
    pub access: String,
}

#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {
    #[sea_orm(
        belongs_to = "crate::file::Entity",
        from = "Column::FileId",
        to = "crate::file::Column::Id",
        on_update = "Cascade",
        on_delete = "Cascade"
    )]
    File,
}

impl Related<crate::file::Entity> for Entity {
    fn to() -> RelationDef {
        Relation::File.def()
    }
}

crate::timestamped_active_model!();
