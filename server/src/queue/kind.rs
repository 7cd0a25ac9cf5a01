//! A task type: the [`TaskKind`] trait (its stored state in, progress and an outcome out) and
//! the [`TaskCtx`] a running task reads its state from and reports through.

use std::{collections::VecDeque, sync::Mutex};

use futures_util::future::BoxFuture;
use sea_orm::EntityTrait;
use serde::{Serialize, de::DeserializeOwned};
use serde_json::{Map, Value, json};
use stratus_entity::{group, task, user};
use tokio_util::sync::CancellationToken;

use super::{log_line::LogLine, store};
use crate::{caller::SignedIn, door::work::acting_as, state::AppState};

/// Log lines kept with a task; older ones are dropped.
pub const LOG_LINES: usize = 100;

/// A task type. `run` may be stopped at any await (cancel, a lost lease, a killed process)
/// and run again later by another worker from the state it last saved with
/// [`TaskCtx::save_state`], so it should save after each step it would rather not redo.
pub trait TaskKind: Send + Sync + 'static {
    /// The `type` column of its tasks (`create_archive`, `extract_archive`, ...).
    fn name(&self) -> &'static str;
    /// The queue its tasks run on (one of [`super::QUEUES`]), as [`super::kinds`] declares.
    fn queue(&self) -> &'static str {
        super::kinds::queue_of(self.name())
    }
    fn run<'a>(&'a self, ctx: &'a TaskCtx) -> BoxFuture<'a, Result<(), TaskError>>;
    /// Removes what a task keeps outside the database (partial files, a downloader's job) once
    /// it was canceled or deleted; called with its last stored row. Most types keep nothing
    /// there, or remove it themselves when their run is stopped.
    fn discard<'a>(&'a self, _state: &'a AppState, _task: &'a task::Model) -> BoxFuture<'a, ()> {
        Box::pin(async {})
    }
}

/// How a run failed.
#[derive(Debug, thiserror::Error)]
pub enum TaskError {
    /// Worth another try, within the queue's retry settings.
    #[error("{0}")]
    Retry(String),
    /// Trying again cannot help (bad input, a limit reached): the task ends in `error`.
    #[error("{0}")]
    Fatal(String),
    /// This worker no longer holds the task (canceled, or its lease was taken over).
    #[error("the task is no longer held by this worker")]
    Lost,
}

/// What a running task sees: its row as claimed, the server's state, and its reports.
pub struct TaskCtx {
    pub state: AppState,
    task: task::Model,
    worker: String,
    cancel: CancellationToken,
    report: Mutex<Report>,
}

#[derive(Default)]
pub(crate) struct Report {
    pub(crate) progress: Map<String, Value>,
    pub(crate) log: VecDeque<String>,
    /// The public summary (`{phase, props}`) when the run changed it.
    pub(crate) summary: Option<Value>,
    pub(crate) dirty: bool,
}

impl TaskCtx {
    pub(crate) fn new(
        state: AppState,
        task: task::Model,
        worker: String,
        cancel: CancellationToken,
    ) -> Self {
        let progress = serde_json::from_str(&task.progress).unwrap_or_default();
        let log = task.log.lines().map(str::to_owned).collect();
        Self {
            state,
            task,
            worker,
            cancel,
            report: Mutex::new(Report {
                progress,
                log,
                summary: None,
                dirty: false,
            }),
        }
    }

    /// The task's row as it was when this worker claimed it.
    pub fn task(&self) -> &task::Model {
        &self.task
    }

    pub(crate) fn worker(&self) -> &str {
        &self.worker
    }

    /// Fires when the task is canceled or this worker lost it.
    pub fn cancelled(&self) -> &CancellationToken {
        &self.cancel
    }

    /// The state the task was submitted with or last saved; `None` when empty.
    pub fn stored_state<T: DeserializeOwned>(&self) -> Result<Option<T>, TaskError> {
        if self.task.private_state.trim().is_empty() {
            return Ok(None);
        }
        serde_json::from_str(&self.task.private_state)
            .map(Some)
            .map_err(|e| TaskError::Fatal(format!("unreadable task state: {e}")))
    }

    /// The stored state a task of this type is always submitted with.
    pub fn required_state<T: DeserializeOwned>(&self) -> Result<T, TaskError> {
        self.stored_state()?
            .ok_or_else(|| TaskError::Fatal("the task has no state".into()))
    }

    /// The task's owner as a caller, with their group as it is now.
    pub async fn owner(&self) -> Result<SignedIn, TaskError> {
        let gone = || TaskError::Fatal("the task's owner no longer exists".into());
        let retry = |e: sea_orm::DbErr| TaskError::Retry(e.to_string());
        let db = &self.state.db;
        let id = self.task.user_id.ok_or_else(gone)?;
        let user = user::Entity::find_by_id(id)
            .one(db)
            .await
            .map_err(retry)?
            .ok_or_else(gone)?;
        let group = group::Entity::find_by_id(user.group_id)
            .one(db)
            .await
            .map_err(retry)?
            .ok_or_else(gone)?;
        Ok(acting_as(user, group))
    }

    /// Stores `state`, with the progress so far, for a worker that takes the task up again.
    pub async fn save_state<T: Serialize>(&self, state: &T) -> Result<(), TaskError> {
        let text = serde_json::to_string(state).map_err(|e| TaskError::Fatal(e.to_string()))?;
        match store::save_state(&self.state.db, self, &text).await {
            Ok(true) => Ok(()),
            Ok(false) => Err(TaskError::Lost),
            Err(e) => Err(TaskError::Retry(e.to_string())),
        }
    }

    /// Sets the progress under `key` (`archive_size`, `extract_count`, ...); stored with the
    /// task within a second.
    pub fn progress(&self, key: &str, current: i64, total: i64, identifier: &str) {
        let mut report = self.report.lock().expect("report");
        report.progress.insert(
            key.to_owned(),
            json!({"total": total, "current": current, "identifier": identifier}),
        );
        report.dirty = true;
    }

    /// Replaces the task's public summary (`phase`, `props`); stored with the task within a
    /// second.
    pub fn summary(&self, phase: &str, props: Value) {
        let mut report = self.report.lock().expect("report");
        report.summary = Some(json!({"phase": phase, "props": props}));
        report.dirty = true;
    }

    /// The public state as claimed, with the summary this run set.
    pub(crate) fn public_state(&self) -> Map<String, Value> {
        let mut public = self
            .task
            .public_state
            .as_object()
            .cloned()
            .unwrap_or_default();
        if let Some(summary) = &self.report.lock().expect("report").summary {
            public.insert("summary".into(), summary.clone());
        }
        public
    }

    /// Adds a line to the task's log: a [`LogLine`] with its key, or text.
    pub fn log(&self, line: impl Into<LogLine>) {
        let stored = line.into().stored();
        let mut report = self.report.lock().expect("report");
        report.log.push_back(stored);
        while report.log.len() > LOG_LINES {
            report.log.pop_front();
        }
        report.dirty = true;
    }

    /// The reports to store (progress JSON, log text), clearing the dirty mark.
    pub(crate) fn take_report(&self) -> (String, String) {
        let mut report = self.report.lock().expect("report");
        report.dirty = false;
        let log: Vec<&str> = report.log.iter().map(String::as_str).collect();
        let mut log = log.join("\n");
        if !log.is_empty() {
            log.push('\n');
        }
        (Value::Object(report.progress.clone()).to_string(), log)
    }

    pub(crate) fn dirty(&self) -> bool {
        self.report.lock().expect("report").dirty
    }
}
