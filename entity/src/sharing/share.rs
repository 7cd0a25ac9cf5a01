//! `shares`: share links (spec §12).

use sea_orm::entity::prelude::*;
use serde::{Deserialize, Serialize};

/// A share link for a file or folder.
#[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel, Serialize, Deserialize)]
#[sea_orm(table_name = "shares")]
pub struct Model {
    #[sea_orm(primary_key)]
    pub id: i64,
    pub created_at: DateTimeUtc,
    pub updated_at: DateTimeUtc,
    pub deleted_at: Option<DateTimeUtc>,
    /// Plain-text share password (Cloudreve shows it back to the owner); `None` = public.
    pub password: Option<String>,
    pub views: i64,
    pub downloads: i64,
    /// Expiry time; `None` = never expires.
    pub expires: Option<DateTimeUtc>,
    /// Downloads left; `None` = unlimited, `<= 0` = expired.
    pub remain_downloads: Option<i64>,
    /// Props JSON (`{share_view}`).
    #[sea_orm(column_type = "JsonBinary", nullable)]
    pub props: Option<Json>,
    pub file_id: i64,
    /// Owner of the share.
    pub user_id: i64,
    /// Visitors may upload into the shared folder but not list or download it.
    pub upload_only: bool,
    /// Most bytes the share may receive in all; `None` = only the owner's quota.
    pub upload_limit: Option<i64>,
    /// Bytes received (or reserved by uploads in progress) so far.
    pub uploaded: i64,
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
    #[sea_orm(
        belongs_to = "crate::user::Entity",
        from = "Column::UserId",
        to = "crate::user::Column::Id",
        on_update = "Cascade",
        on_delete = "Cascade"
    )]
    User,
}

impl Related<crate::file::Entity> for Entity {
    fn to() -> RelationDef {
        Relation::File.def()
    }
}

impl Related<crate::user::Entity> for Entity {
    fn to() -> RelationDef {
        Relation::User.def()
    }
}

crate::timestamped_active_model!();
