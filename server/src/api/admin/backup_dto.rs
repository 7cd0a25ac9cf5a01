//! The shapes of `/admin/backup/*`: targets (settings without their secrets), tasks and
//! records.

use chrono::{DateTime, Utc};
use poem_openapi::Object;
use serde_json::Value;
use stratus_entity::{backup_record, backup_target, backup_task};

use crate::{api::dto::file::Pagination, backup::target};

/// A backup target. `settings` never holds its secrets (`secret_key`).
#[derive(Debug, Clone, Object)]
#[oai(rename = "AdminBackupTarget")]
pub struct TargetRow {
    pub id: i64,
    pub created_at: DateTime<Utc>,
    pub updated_at: DateTime<Utc>,
    pub name: String,
    /// `local`, `s3`, `oss` or `remote`.
    pub r#type: String,
    /// A local target's folder is `path`; a bucket's are a storage policy's fields
    /// (`server`, `bucket_name`, `access_key`, `region`, ...); a node's is `node_id`.
    pub settings: Value,
    pub starred: bool,
}

impl TargetRow {
    pub fn of(row: &backup_target::Model) -> Self {
        Self {
            id: row.id,
            created_at: row.created_at,
            updated_at: row.updated_at,
            name: row.name.clone(),
            r#type: row.r#type.clone(),
            settings: target::public_settings(&row.settings),
            starred: row.starred,
        }
    }
}

/// A target as sent to create, edit or test it.
#[derive(Debug, Clone, Object)]
#[oai(rename = "AdminBackupTargetInput")]
pub struct TargetFields {
    pub name: String,
    pub r#type: String,
    /// Write-only secrets: on an edit, `secret_key` left out or empty keeps the stored one.
    pub settings: Value,
    pub starred: Option<bool>,
}

#[derive(Debug, Object)]
#[oai(rename = "AdminBackupTargetList")]
pub struct TargetList {
    pub targets: Vec<TargetRow>,
    pub pagination: Pagination,
}

/// `GET /admin/backup/target/:id/usage`
#[derive(Debug, Object)]
#[oai(rename = "AdminBackupTargetUsage")]
pub struct TargetUsage {
    /// Bytes of the Stratus backups on the target.
    pub used: i64,
    /// Blobs stored.
    pub blobs: i64,
    /// Free bytes, where the storage can tell (a local folder); else null.
    pub free: Option<i64>,
}

/// `PUT /admin/backup/target/:id/star`
#[derive(Debug, Object)]
#[oai(rename = "AdminBackupStar")]
pub struct Star {
    /// Absent: true.
    pub starred: Option<bool>,
}

/// A backup task.
#[derive(Debug, Clone, Object)]
#[oai(rename = "AdminBackupTask")]
pub struct TaskRow {
    pub id: i64,
    pub created_at: DateTime<Utc>,
    pub updated_at: DateTime<Utc>,
    pub name: String,
    /// `instance`, `users` or `folder`.
    pub kind: String,
    /// `{user_ids: [..]}` (users), `{user_id, uri}` (folder), `{}` (instance).
    pub source: Value,
    pub target_id: i64,
    pub schedule: String,
    pub keep_last: i32,
    pub keep_days: i32,
    pub enabled: bool,
    pub encrypt: bool,
    pub last_run_at: Option<DateTime<Utc>>,
    pub next_run_at: Option<DateTime<Utc>>,
}

impl TaskRow {
    pub fn of(row: &backup_task::Model) -> Self {
        Self {
            id: row.id,
            created_at: row.created_at,
            updated_at: row.updated_at,
            name: row.name.clone(),
            kind: row.kind.clone(),
            source: row.source.clone(),
            target_id: row.target_id,
            schedule: row.schedule.clone(),
            keep_last: row.keep_last,
            keep_days: row.keep_days,
            enabled: row.enabled,
            encrypt: row.encrypt,
            last_run_at: row.last_run_at,
            next_run_at: row.next_run_at,
        }
    }
}

/// A task as sent to create or edit it.
#[derive(Debug, Clone, Object)]
#[oai(rename = "AdminBackupTaskInput")]
pub struct TaskFields {
    pub name: String,
    pub kind: String,
    pub source: Option<Value>,
    pub target_id: i64,
    /// `@hourly`, `@daily`, `@weekly`, `@every <duration>`, a five-field cron line (UTC), or
    /// empty for manual runs only.
    pub schedule: Option<String>,
    /// Scheduled records kept; 0 keeps any number.
    pub keep_last: Option<i32>,
    /// Days a scheduled record is kept; 0 keeps them whatever their age.
    pub keep_days: Option<i32>,
    /// Absent: true.
    pub enabled: Option<bool>,
    pub encrypt: Option<bool>,
}

#[derive(Debug, Object)]
#[oai(rename = "AdminBackupTaskList")]
pub struct TaskList {
    pub tasks: Vec<TaskRow>,
    pub pagination: Pagination,
}

/// `PUT /admin/backup/task/:id/toggle`
#[derive(Debug, Object)]
#[oai(rename = "AdminBackupToggle")]
pub struct Toggle {
    /// Absent: the other way round.
    pub enabled: Option<bool>,
}

/// A backup record.
#[derive(Debug, Clone, Object)]
#[oai(rename = "AdminBackupRecord")]
pub struct RecordRow {
    pub id: i64,
    pub created_at: DateTime<Utc>,
    /// Null once the task was deleted.
    pub task_id: Option<i64>,
    pub target_id: i64,
    /// `queued`, `running`, `completed` or `failed`.
    pub status: String,
    /// `manual` or `schedule`.
    pub trigger: String,
    pub files: i64,
    /// Bytes of the blobs the record names.
    pub size: i64,
    /// Bytes of the blobs this run copied to the target.
    pub new_bytes: i64,
    pub started_at: Option<DateTime<Utc>>,
    pub finished_at: Option<DateTime<Utc>>,
    /// Seconds from start to end (or to now while it runs).
    pub duration: Option<i64>,
    pub error: Option<String>,
    /// The record's folder on the target (`stratus-backup/records/<name>/`).
    pub name: String,
    /// The queue task running it.
    pub queue_task_id: Option<i64>,
}

impl RecordRow {
    pub fn of(row: &backup_record::Model) -> Self {
        let duration = row
            .started_at
            .map(|s| (row.finished_at.unwrap_or_else(Utc::now) - s).num_seconds());
        Self {
            id: row.id,
            created_at: row.created_at,
            task_id: row.task_id,
            target_id: row.target_id,
            status: row.status.clone(),
            trigger: row.trigger.clone(),
            files: row.files,
            size: row.size,
            new_bytes: row.new_bytes,
            started_at: row.started_at,
            finished_at: row.finished_at,
            duration,
            error: row.error.clone(),
            name: row.name.clone(),
            queue_task_id: row.queue_task_id,
        }
    }
}

/// A record with its log so far.
#[derive(Debug, Clone, Object)]
#[oai(rename = "AdminBackupRecordDetail")]
pub struct RecordDetail {
    #[oai(flatten)]
    pub record: RecordRow,
    pub log: String,
}

#[derive(Debug, Object)]
#[oai(rename = "AdminBackupRecordList")]
pub struct RecordList {
    pub records: Vec<RecordRow>,
    pub pagination: Pagination,
}
