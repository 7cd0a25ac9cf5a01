//! Snapshots: a folder tree kept as it was at one instant.
//!
//! - `browse.rs`: reading a snapshot through `cloudreve://<id>@snapshot/...` URIs.

pub mod browse;
pub mod restore_apply;
pub mod restore_plan;
