//! Backups: targets, tasks and the records of their runs.

pub mod backup_record;
pub mod backup_target;
pub mod backup_task;
