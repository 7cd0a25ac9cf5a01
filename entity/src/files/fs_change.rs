//! `fs_changes`: the file change journal, one row per change of a user's tree, written in the
//! transaction of the change. Append-only: no `updated_at` / `deleted_at`.

use sea_orm::ActiveValue::Set;
use sea_orm::entity::prelude::*;
use serde::{Deserialize, Serialize};

/// Values of [`Model::kind`].
pub mod kind {
    pub const CREATE: i16 = 1;
    pub const MODIFY: i16 = 2;
    /// A rename or a move: `to_path` holds the new path.
    pub const RENAME: i16 = 3;
    pub const DELETE: i16 = 4;
}

/// One change.
#[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel, Serialize, Deserialize)]
#[sea_orm(table_name = "fs_changes")]
pub struct Model {
    /// The order of the journal.
    #[sea_orm(primary_key)]
    pub id: i64,
    /// The user whose tree changed. Not a foreign key: the journal is pruned by age.
    pub owner_id: i64,
    pub file_id: i64,
    /// One of [`kind`].
    pub kind: i16,
    /// Owner-absolute path in the owner's `my` tree (`/Docs/a.txt`), before the change.
    #[sea_orm(column_type = "Text")]
    pub from_path: String,
    /// The new owner-absolute path of a rename or move.
    #[sea_orm(column_type = "Text", nullable)]
    pub to_path: Option<String>,
    pub is_folder: bool,
    /// `X-Cr-Client-Id` of the request that made the change, so its own stream skips it.
    pub client_id: Option<String>,
    /// The user whose request made the change (the owner, or a recipient writing through a
    /// grant); `None` for the server's own changes and for rows written before it was kept.
    pub actor_id: Option<i64>,
    pub created_at: DateTimeUtc,
}

#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {}

#[async_trait::async_trait]
impl ActiveModelBehavior for ActiveModel {
    async fn before_save<C>(mut self, _db: &C, insert: bool) -> Result<Self, DbErr>
    where
        C: ConnectionTrait,
    {
        if insert && self.created_at.is_not_set() {
            self.created_at = Set(chrono::Utc::now());
        }
        Ok(self)
    }
}
