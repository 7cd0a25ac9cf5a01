//! The migrations of November 2026, in the order `Migrator` runs them.

pub mod m20261122_000001_create_accounts;
pub mod m20261122_000002_create_files;
pub mod m20261122_000003_create_sharing;
pub mod m20261122_000004_create_runtime_state;
pub mod m20261122_000005_create_settings;
pub mod m20261125_070000_add_user_skeletons;
pub mod m20261125_130000_add_task_leases;
pub mod m20261126_090000_add_task_schedule_keys;
pub mod m20261126_100000_create_backups;
pub mod m20261126_120000_create_notification_channels;
pub mod m20261126_120000_create_snapshots;
pub mod m20261126_120100_create_node_health;
pub mod m20261126_130000_grant_snapshot_permission;
pub mod m20261127_100000_create_fs_changes;
pub mod m20261127_110000_create_oauth;
pub mod m20261127_140000_rename_cap_settings;
pub mod m20261128_100000_create_fts_index;
pub mod m20261129_100000_add_share_uploads;
pub mod m20261129_130000_notify_fs_changes;
pub mod m20261130_100000_create_account_security;
pub mod m20261130_130000_tune_fts_terms_index;
