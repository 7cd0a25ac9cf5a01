//! `/snapshot` (Stratus extension): snapshots and their schedules (`manage.rs`), restores,
//! and the file routes' reading of `cloudreve://<id>@snapshot/…` URIs (`browse.rs`).

pub mod browse;
pub mod manage;
pub mod restore;
