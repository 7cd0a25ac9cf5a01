//! `users`: user accounts.

use sea_orm::entity::prelude::*;
use serde::{Deserialize, Serialize};

/// Values of [`Model::status`].
pub mod status {
    pub const ACTIVE: &str = "active";
    /// Registered but the e-mail address is not confirmed yet.
    pub const INACTIVE: &str = "inactive";
    /// Banned by an administrator.
    pub const MANUAL_BANNED: &str = "manual_banned";
    /// Banned automatically by the system (e.g. over quota).
    pub const SYS_BANNED: &str = "sys_banned";
}

/// A user account.
#[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel, Serialize, Deserialize)]
#[sea_orm(table_name = "users")]
pub struct Model {
    #[sea_orm(primary_key)]
    pub id: i64,
    pub created_at: DateTimeUtc,
    pub updated_at: DateTimeUtc,
    pub deleted_at: Option<DateTimeUtc>,
    /// Login e-mail address, unique (`uq_users_email`).
    #[sea_orm(column_type = "String(StringLen::N(100))", unique)]
    pub email: String,
    #[sea_orm(column_type = "String(StringLen::N(100))")]
    pub nick: String,
    /// Password digest: a PHC string (`$argon2id$...`) or a legacy Cloudreve digest
    /// (`<salt>:<sha1>` / `md5:...`). `None` for accounts that can only log in by passkey/OAuth.
    #[sea_orm(column_type = "Text", nullable)]
    pub password: Option<String>,
    /// One of [`status`].
    pub status: String,
    /// Bytes currently used (sum of the user's entity sizes); default 0.
    pub storage: i64,
    /// Base32 TOTP secret when 2FA is enabled.
    pub two_factor_secret: Option<String>,
    /// Avatar source: `"file"` (uploaded) or `"gravatar"`; `None` = default avatar.
    pub avatar: Option<String>,
    /// Per-user settings JSON (`profile_off`, `preferred_theme`, `version_retention*`, `pined`, ...).
    #[sea_orm(column_type = "JsonBinary")]
    pub settings: Json,
    pub group_id: i64,
    /// UTS #39 skeleton of `email`, to refuse look-alike addresses; filled at start for rows
    /// written before it existed.
    #[sea_orm(column_type = "Text", nullable)]
    pub email_skeleton: Option<String>,
    /// UTS #39 skeleton of `nick` in lower case, so a default nick never reads like another's.
    #[sea_orm(column_type = "Text", nullable)]
    pub nick_skeleton: Option<String>,
}

#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {
    #[sea_orm(
        belongs_to = "crate::group::Entity",
        from = "Column::GroupId",
        to = "crate::group::Column::Id",
        on_update = "Cascade",
        on_delete = "Restrict"
    )]
    Group,
    #[sea_orm(has_many = "crate::file::Entity")]
    Files,
    /// Blobs uploaded by this user (`entities.created_by`).
    #[sea_orm(has_many = "crate::entity::Entity")]
    Entities,
    #[sea_orm(has_many = "crate::share::Entity")]
    Shares,
    #[sea_orm(has_many = "crate::task::Entity")]
    Tasks,
    #[sea_orm(has_many = "crate::dav_account::Entity")]
    DavAccounts,
    #[sea_orm(has_many = "crate::passkey::Entity")]
    Passkeys,
    #[sea_orm(has_many = "crate::lock::Entity")]
    Locks,
    #[sea_orm(has_many = "crate::upload_session::Entity")]
    UploadSessions,
    #[sea_orm(has_many = "crate::app_password::Entity")]
    AppPasswords,
}

impl Related<crate::group::Entity> for Entity {
    fn to() -> RelationDef {
        Relation::Group.def()
    }
}

impl Related<crate::file::Entity> for Entity {
    fn to() -> RelationDef {
        Relation::Files.def()
    }
}

impl Related<crate::entity::Entity> for Entity {
    fn to() -> RelationDef {
        Relation::Entities.def()
    }
}

impl Related<crate::share::Entity> for Entity {
    fn to() -> RelationDef {
        Relation::Shares.def()
    }
}

impl Related<crate::task::Entity> for Entity {
    fn to() -> RelationDef {
        Relation::Tasks.def()
    }
}

impl Related<crate::dav_account::Entity> for Entity {
    fn to() -> RelationDef {
        Relation::DavAccounts.def()
    }
}

impl Related<crate::app_password::Entity> for Entity {
    fn to() -> RelationDef {
        Relation::AppPasswords.def()
    }
}

impl Related<crate::passkey::Entity> for Entity {
    fn to() -> RelationDef {
        Relation::Passkeys.def()
    }
}

impl Related<crate::lock::Entity> for Entity {
    fn to() -> RelationDef {
        Relation::Locks.def()
    }
}

impl Related<crate::upload_session::Entity> for Entity {
    fn to() -> RelationDef {
        Relation::UploadSessions.def()
    }
}

crate::timestamped_active_model!();
