//! What the queue answers besides success, in its own words; `api/errors/queue.rs` picks the
//! wire code.

use sea_orm::DbErr;

#[derive(Debug, thiserror::Error)]
pub enum QueueError {
    /// No such task, or not the caller's.
    #[error("task not found")]
    NotFound,
    /// The task already ended (completed, failed or canceled).
    #[error("the task has already ended")]
    Ended,
    /// The user has as many tasks queued or running as the group's `max_queued_tasks`.
    #[error("at most {0} of your tasks may be queued or running at once")]
    TooManyTasks(u64),
    #[error("database: {0}")]
    Db(#[from] DbErr),
}
