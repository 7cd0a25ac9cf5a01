//! The migrations of December 2026, in the order `Migrator` runs them.

pub mod m20261201_100000_repair_file_sizes;
pub mod m20261202_100000_create_app_passwords;
pub mod m20261202_110000_add_file_tree_revisions;
pub mod m20261203_100000_create_external_identities;
pub mod m20261203_100000_create_file_grants;
pub mod m20261203_100000_create_s3_keys;
pub mod m20261204_100000_create_guard;
pub mod m20261205_100000_add_change_actors;
pub mod m20261206_100000_key_guard_oauth_by_user;
