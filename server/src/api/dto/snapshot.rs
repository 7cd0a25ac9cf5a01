//! Snapshot shapes of the API (Stratus extension).

use chrono::{DateTime, Utc};
use poem_openapi::Object;
use stratus_entity::{snapshot, snapshot_schedule};

use super::file::Pagination;
use crate::ids::{HashIds, IdKind};

/// A snapshot: a folder as it was at `created_at`.
#[derive(Debug, Clone, Object)]
#[oai(skip_serializing_if_is_none)]
pub struct Snapshot {
    /// Snapshot hashid.
    pub id: String,
    /// The folder's URI when the snapshot was taken.
    pub uri: String,
    pub name: String,
    pub description: String,
    /// `in_progress`, `completed` or `failed`.
    pub status: String,
    /// Files in the snapshot.
    pub files: i64,
    /// Folders below its root.
    pub folders: i64,
    /// Bytes of its files.
    pub size: i64,
    /// Bytes only this snapshot keeps alive (no file links them, no other snapshot names
    /// them): what deleting it frees.
    pub exclusive_size: i64,
    /// The instant the snapshot shows.
    pub created_at: DateTime<Utc>,
    /// Schedule hashid, for a scheduled snapshot.
    pub schedule_id: Option<String>,
    /// Why it failed.
    pub error: Option<String>,
}

impl Snapshot {
    pub fn of(ids: &HashIds, row: &snapshot::Model, exclusive_size: i64) -> Self {
        Self {
            id: ids.encode(row.id, IdKind::Snapshot),
            uri: row.uri.clone(),
            name: row.name.clone(),
            description: row.description.clone(),
            status: row.status.clone(),
            files: row.files,
            folders: row.folders,
            size: row.size,
            exclusive_size,
            created_at: row.created_at,
            schedule_id: row
                .schedule_id
                .map(|id| ids.encode(id, IdKind::SnapshotSchedule)),
            error: row.error.clone(),
        }
    }
}

/// `GET /snapshot`
#[derive(Debug, Clone, Object)]
pub struct SnapshotList {
    pub snapshots: Vec<Snapshot>,
    pub pagination: Pagination,
}

/// A snapshot schedule.
#[derive(Debug, Clone, Object)]
#[oai(skip_serializing_if_is_none)]
pub struct SnapshotSchedule {
    /// Schedule hashid.
    pub id: String,
    /// The folder's URI when the schedule was made.
    pub uri: String,
    /// `@hourly`, `@daily` or `@weekly`.
    pub every: String,
    /// Scheduled snapshots kept; older ones are deleted, oldest first.
    pub keep: i32,
    pub created_at: DateTime<Utc>,
    /// Start of the last period a snapshot was taken for.
    pub last_taken_at: Option<DateTime<Utc>>,
}

impl SnapshotSchedule {
    pub fn of(ids: &HashIds, row: &snapshot_schedule::Model) -> Self {
        Self {
            id: ids.encode(row.id, IdKind::SnapshotSchedule),
            uri: row.uri.clone(),
            every: row.every.clone(),
            keep: row.keep,
            created_at: row.created_at,
            last_taken_at: row.last_taken_at,
        }
    }
}
