//! Task shapes of `/workflow` (spec §2.6, `TaskResponse`).

use chrono::{DateTime, Utc};
use poem_openapi::Object;
use serde_json::Value;

use super::file::Pagination;

/// What a task does, for display: its phase and the props of its type (`src`, `dst`, ...).
#[derive(Debug, Clone, Object)]
#[oai(skip_serializing_if_is_none)]
pub struct TaskSummary {
    pub phase: Option<String>,
    pub props: Option<Value>,
}

/// One line of a task's log: its message key and arguments, for a client to word it in its
/// reader's language, and the line in English.
#[derive(Debug, Clone, Object)]
pub struct TaskLogLine {
    /// The message key (`archive.start`, `import.nameTaken`, ...); empty for a line that has
    /// its text only.
    pub key: String,
    /// The values the message names, by name (numbers or texts).
    pub args: Value,
    /// The line in English.
    pub text: String,
}

/// A task as its owner sees it.
#[derive(Debug, Clone, Object)]
#[oai(skip_serializing_if_is_none)]
pub struct TaskResponse {
    pub created_at: DateTime<Utc>,
    pub updated_at: DateTime<Utc>,
    /// Task hashid.
    pub id: String,
    /// `queued`, `processing`, `suspending`, `error`, `canceled` or `completed`.
    pub status: String,
    #[oai(rename = "type")]
    pub kind: String,
    pub summary: Option<TaskSummary>,
    pub error: Option<String>,
    pub error_history: Option<Vec<String>>,
    /// Time spent running, in milliseconds.
    pub duration: Option<i64>,
    /// Unix seconds of the next try after a failure.
    pub resume_time: Option<i64>,
    pub retry_count: Option<i64>,
}

/// `GET /workflow`
#[derive(Debug, Object)]
pub struct TaskList {
    pub tasks: Vec<TaskResponse>,
    pub pagination: Pagination,
}

/// One progress entry of `GET /workflow/progress/:id`.
#[derive(Debug, Clone, Object)]
pub struct TaskProgress {
    pub total: i64,
    pub current: i64,
    pub identifier: String,
}
