//! SeaORM entities for Stratus.
//!
//! One module per table, written in the classic `DeriveEntityModel` style, the tables grouped in
//! folders by area (accounts, files, sharing, snapshots, backups, storage, guard) and each
//! re-exported here, so its path stays `stratus_entity::<table>`. The schema itself is created
//! by the `stratus-migration` crate; the two must be kept in step (the migration crate's tests
//! insert and read back a row through every entity to catch drift).
//!
//! Conventions shared by all tables:
//! * `id` is an auto-increment `BIGINT` primary key (`i64`), except for the join table
//!   [`file_entity`] which has the composite key `(file_id, entity_id)`.
//! * `created_at` / `updated_at` are `TIMESTAMP WITH TIME ZONE` ([`DateTimeUtc`]). Every
//!   `ActiveModel` fills them in `before_save` (see [`touch_timestamps`]): on insert both default to
//!   "now" when not set; on update `updated_at` is bumped unless it was set explicitly.
//!   Bulk `update_many`/`insert_many` bypass the hook, so set them by hand there.
//! * The main tables have a nullable `deleted_at` soft-delete marker; queries are expected to
//!   filter on `deleted_at IS NULL` unless they deliberately look at deleted rows.
//! * Permission/option bitsets ("boolsets", spec §4.2) are `Vec<u8>` stored in a blob/bytea column.
//! * JSON columns are [`Json`] (`serde_json::Value`), stored as `jsonb` on PostgreSQL and as text
//!   on SQLite.
//!
//! [`DateTimeUtc`]: sea_orm::prelude::DateTimeUtc
//! [`Json`]: sea_orm::prelude::Json

use sea_orm::ActiveValue::{self, Set};
use sea_orm::prelude::DateTimeUtc;

mod accounts;
mod backups;
mod files;
mod guard;
mod sharing;
mod snapshots;
mod storage;

pub mod event;
pub mod kv;
pub mod notification_channel;
pub mod setting;
pub mod task;

pub use accounts::{
    app_password, dav_account, external_identity, group, oauth_client, oauth_grant, passkey,
    s3_key, two_fa_recovery_code, user, user_session,
};
pub use backups::{backup_record, backup_target, backup_task};
pub use files::{
    direct_link, entity, file, file_entity, fs_change, fs_subscription, fts_doc, lock, metadata,
    upload_session,
};
pub use guard::{guard_change, guard_incident};
pub use sharing::{file_grant, share};
pub use snapshots::{snapshot, snapshot_node, snapshot_schedule};
pub use storage::{node, node_health, storage_policy};

/// Every `Entity`, re-exported under the plural table-style name.
pub mod prelude {
    pub use super::app_password::Entity as AppPasswords;
    pub use super::backup_record::Entity as BackupRecords;
    pub use super::backup_target::Entity as BackupTargets;
    pub use super::backup_task::Entity as BackupTasks;
    pub use super::dav_account::Entity as DavAccounts;
    pub use super::direct_link::Entity as DirectLinks;
    pub use super::entity::Entity as Entities;
    pub use super::event::Entity as Events;
    pub use super::external_identity::Entity as ExternalIdentities;
    pub use super::file::Entity as Files;
    pub use super::file_entity::Entity as FileEntities;
    pub use super::file_grant::Entity as FileGrants;
    pub use super::fs_change::Entity as FsChanges;
    pub use super::fs_subscription::Entity as FsSubscriptions;
    pub use super::fts_doc::Entity as FtsDocs;
    pub use super::group::Entity as Groups;
    pub use super::kv::Entity as Kv;
    pub use super::lock::Entity as Locks;
    pub use super::metadata::Entity as Metadata;
    pub use super::node::Entity as Nodes;
    pub use super::passkey::Entity as Passkeys;
    pub use super::s3_key::Entity as S3Keys;
    pub use super::setting::Entity as Settings;
    pub use super::share::Entity as Shares;
    pub use super::snapshot::Entity as Snapshots;
    pub use super::snapshot_node::Entity as SnapshotNodes;
    pub use super::snapshot_schedule::Entity as SnapshotSchedules;
    pub use super::storage_policy::Entity as StoragePolicies;
    pub use super::task::Entity as Tasks;
    pub use super::two_fa_recovery_code::Entity as TwoFaRecoveryCodes;
    pub use super::upload_session::Entity as UploadSessions;
    pub use super::user::Entity as Users;
    pub use super::user_session::Entity as UserSessions;
}

/// Fill `created_at` / `updated_at` before a save.
///
/// * insert: `created_at` defaults to now, `updated_at` defaults to `created_at`;
/// * update: `updated_at` becomes now unless the caller explicitly `Set` it.
pub fn touch_timestamps(
    created_at: &mut ActiveValue<DateTimeUtc>,
    updated_at: &mut ActiveValue<DateTimeUtc>,
    insert: bool,
) {
    let now = chrono::Utc::now();
    if insert {
        if created_at.is_not_set() {
            *created_at = Set(now);
        }
        if updated_at.is_not_set() {
            let created = created_at.try_as_ref().copied().unwrap_or(now);
            *updated_at = Set(created);
        }
    } else if !updated_at.is_set() {
        *updated_at = Set(now);
    }
}

/// Implements `ActiveModelBehavior` for the `ActiveModel` in scope, filling `created_at` and
/// `updated_at` through [`touch_timestamps`].
macro_rules! timestamped_active_model {
    () => {
        #[async_trait::async_trait]
        impl ActiveModelBehavior for ActiveModel {
            async fn before_save<C>(mut self, _db: &C, insert: bool) -> Result<Self, DbErr>
            where
                C: ConnectionTrait,
            {
                $crate::touch_timestamps(&mut self.created_at, &mut self.updated_at, insert);
                Ok(self)
            }
        }
    };
}
pub(crate) use timestamped_active_model;
