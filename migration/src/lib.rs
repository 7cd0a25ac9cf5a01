//! Schema migrations for Stratus (SQLite and PostgreSQL from one code path).
//!
//! Each of the first migrations creates a group of tables with their foreign keys declared
//! inline (SQLite cannot add constraints to an existing table) followed by their named
//! indexes, and its `down` drops the tables in reverse dependency order; later ones add
//! columns and indexes, and take them away again. Seed data is not part of the migrations:
//! the server writes it on first start.
//!
//! The tables mirror the entities in `stratus-entity`; `tests/entities/` checks that every
//! entity round-trips through the migrated schema.

pub use sea_orm_migration::prelude::*;

mod common;
// The migrations in one folder a month; their modules are used by name from the crate's root
// (`crate::m20261122_000001_create_accounts`), as the migrations name one another's tables.
mod y2026_11;
mod y2026_12;
use y2026_11::*;
use y2026_12::*;

pub struct Migrator;

#[async_trait::async_trait]
impl MigratorTrait for Migrator {
    fn migrations() -> Vec<Box<dyn MigrationTrait>> {
        vec![
            Box::new(m20261122_000001_create_accounts::Migration),
            Box::new(m20261122_000002_create_files::Migration),
            Box::new(m20261122_000003_create_sharing::Migration),
            Box::new(m20261122_000004_create_runtime_state::Migration),
            Box::new(m20261122_000005_create_settings::Migration),
            Box::new(m20261125_070000_add_user_skeletons::Migration),
            Box::new(m20261125_130000_add_task_leases::Migration),
            Box::new(m20261126_090000_add_task_schedule_keys::Migration),
            Box::new(m20261126_100000_create_backups::Migration),
            Box::new(m20261126_120000_create_snapshots::Migration),
            Box::new(m20261126_120000_create_notification_channels::Migration),
            Box::new(m20261126_120100_create_node_health::Migration),
            Box::new(m20261126_130000_grant_snapshot_permission::Migration),
            Box::new(m20261127_100000_create_fs_changes::Migration),
            Box::new(m20261127_110000_create_oauth::Migration),
            Box::new(m20261127_140000_rename_cap_settings::Migration),
            Box::new(m20261128_100000_create_fts_index::Migration),
            Box::new(m20261129_100000_add_share_uploads::Migration),
            Box::new(m20261129_130000_notify_fs_changes::Migration),
            Box::new(m20261130_100000_create_account_security::Migration),
            Box::new(m20261130_130000_tune_fts_terms_index::Migration),
            Box::new(m20261201_100000_repair_file_sizes::Migration),
            Box::new(m20261202_100000_create_app_passwords::Migration),
            Box::new(m20261202_110000_add_file_tree_revisions::Migration),
            Box::new(m20261203_100000_create_external_identities::Migration),
            Box::new(m20261203_100000_create_s3_keys::Migration),
            Box::new(m20261203_100000_create_file_grants::Migration),
            Box::new(m20261204_100000_create_guard::Migration),
            Box::new(m20261205_100000_add_change_actors::Migration),
            Box::new(m20261206_100000_key_guard_oauth_by_user::Migration),
        ]
    }
}
