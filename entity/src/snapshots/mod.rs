//! Folder snapshots: the snapshots, their frozen nodes and their schedules.

pub mod snapshot;
pub mod snapshot_node;
pub mod snapshot_schedule;
