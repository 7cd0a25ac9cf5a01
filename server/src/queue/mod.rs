//! The task queue (spec §11): tasks live in the `tasks` table, the only copy, so a task
//! queued on one instance runs on whichever instance claims it first, exactly once, and a
//! restart loses nothing.
//!
//! - `kind.rs`: the [`TaskKind`] trait a task type implements (state in, progress out) and
//!   the context a running task reports through.
//! - `kinds.rs`: every task type declared once: its name, its queue, the list it shows in.
//! - `log_line.rs`: a log line's message key, arguments and English text.
//! - `registry.rs`: the task types this process runs, and the tasks it is running now.
//! - `settings.rs`: the `queue_<name>_*` settings of each named queue.
//! - `store.rs`: the statements: submit, claim with a lease, renew, finish, retry, cancel;
//!   the live tasks per queue (`/metrics`).
//! - `streams.rs`: the progress streams open in this process, capped per user.
//! - `worker.rs`: one dispatcher per queue, running up to its worker count at a time.
//! - `error.rs`: [`QueueError`].

pub mod error;
pub mod kind;
pub mod kinds;
pub mod log_line;
pub mod registry;
pub mod settings;
pub mod store;
pub mod worker;

pub use error::QueueError;
pub use kind::{TaskCtx, TaskError, TaskKind};
pub use log_line::LogLine;
pub use registry::Registry;

/// The named queues, each with its own `queue_<name>_*` settings.
pub const QUEUES: [&str; 6] = [
    IO_INTENSE,
    REMOTE_DOWNLOAD,
    THUMB,
    MEDIA_META,
    RECYCLE,
    NOTIFY,
];

/// Archives, extraction and imports.
pub const IO_INTENSE: &str = "io_intense";
pub const REMOTE_DOWNLOAD: &str = "remote_download";
pub const THUMB: &str = "thumb";
pub const MEDIA_META: &str = "media_meta";
pub const RECYCLE: &str = "recycle";
/// Notifications to administrators: short requests to receivers that may be down for a
/// while, so retried with a growing wait, and never behind long archive or download tasks.
pub const NOTIFY: &str = "notify";

/// The queues of the tasks users ask for themselves. The others (thumbnails, media metadata,
/// periodic jobs) are queued by the server on its own, after an upload for instance, and do
/// not count towards a user's `max_queued_tasks`.
pub const USER_QUEUES: [&str; 2] = [IO_INTENSE, REMOTE_DOWNLOAD];

/// The task lists of `GET /workflow` (spec §11).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Category {
    /// Archives, extraction, relocation and imports, whatever their status.
    General,
    /// Remote downloads that have not ended.
    Downloading,
    /// Remote downloads that ended.
    Downloaded,
}

impl Category {
    pub fn parse(name: &str) -> Option<Self> {
        match name {
            "general" => Some(Self::General),
            "downloading" => Some(Self::Downloading),
            "downloaded" => Some(Self::Downloaded),
            _ => None,
        }
    }

    /// The task types and statuses the list holds.
    pub fn filter(self) -> (&'static [&'static str], &'static [&'static str]) {
        static GENERAL: LazyLock<Vec<&str>> = LazyLock::new(|| kinds::listed_in(Listed::General));
        static DOWNLOAD: LazyLock<Vec<&str>> = LazyLock::new(|| kinds::listed_in(Listed::Download));
        const ALL: &[&str] = &[
            task_status::QUEUED,
            task_status::PROCESSING,
            task_status::SUSPENDING,
            task_status::ERROR,
            task_status::CANCELED,
            task_status::COMPLETED,
        ];
        match self {
            Self::General => (GENERAL.as_slice(), ALL),
            Self::Downloading => (DOWNLOAD.as_slice(), &store::LIVE),
            Self::Downloaded => (DOWNLOAD.as_slice(), &store::ENDED),
        }
    }
}

use std::sync::LazyLock;

use kinds::Listed;
use stratus_entity::task::status as task_status;
