//! Every task type the server queues, declared once: the name stored in `tasks.type`, the
//! queue it runs on and the `GET /workflow` list it shows in. Each type takes its name and
//! queue from here, and the lists are derived from here, so a new type is one line. (The
//! periodic jobs, all on `recycle`, are declared apart in `jobs::periodic`.)

use super::{IO_INTENSE, MEDIA_META, NOTIFY, RECYCLE, REMOTE_DOWNLOAD};

/// The `GET /workflow` list a type's tasks show in.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Listed {
    /// Archives, extraction, relocation, imports and restores.
    General,
    /// Remote downloads (split by whether they ended).
    Download,
}

/// One task type.
#[derive(Debug, Clone, Copy)]
pub struct Declared {
    pub name: &'static str,
    pub queue: &'static str,
    /// `None`: the server's own tasks, not listed to users.
    pub listed: Option<Listed>,
}

pub const CREATE_ARCHIVE: &str = "create_archive";
pub const EXTRACT_ARCHIVE: &str = "extract_archive";
pub const RELOCATE: &str = "relocate";
pub const IMPORT: &str = "import";
pub const SNAPSHOT_RESTORE: &str = "snapshot_restore";
pub const SNAPSHOT_TAKE: &str = "snapshot_take";
pub const SNAPSHOT_SCHEDULE: &str = "snapshot_schedule";
pub const REMOTE_DOWNLOAD_TASK: &str = "remote_download";
pub const MEDIA_META_TASK: &str = "media_meta";
pub const MEDIA_META_BACKFILL: &str = "media_meta_backfill";
pub const NOTIFY_TASK: &str = "notify";
pub const BACKUP_RUN: &str = "backup_run";
pub const BACKUP_RESTORE: &str = "backup_restore";
pub const FULL_TEXT_INDEX: &str = "full_text_index";
pub const FULL_TEXT_REBUILD: &str = "full_text_rebuild";
pub const GUARD_UNDO: &str = "guard_undo";

const fn kind(name: &'static str, queue: &'static str, listed: Option<Listed>) -> Declared {
    Declared {
        name,
        queue,
        listed,
    }
}

/// The task types, in the order the web UI lists them.
pub const KINDS: &[Declared] = &[
    kind(CREATE_ARCHIVE, IO_INTENSE, Some(Listed::General)),
    kind(EXTRACT_ARCHIVE, IO_INTENSE, Some(Listed::General)),
    kind(RELOCATE, IO_INTENSE, Some(Listed::General)),
    kind(IMPORT, IO_INTENSE, Some(Listed::General)),
    kind(SNAPSHOT_RESTORE, IO_INTENSE, Some(Listed::General)),
    kind(
        REMOTE_DOWNLOAD_TASK,
        REMOTE_DOWNLOAD,
        Some(Listed::Download),
    ),
    kind(SNAPSHOT_TAKE, IO_INTENSE, None),
    kind(SNAPSHOT_SCHEDULE, RECYCLE, None),
    kind(MEDIA_META_TASK, MEDIA_META, None),
    kind(MEDIA_META_BACKFILL, MEDIA_META, None),
    kind(NOTIFY_TASK, NOTIFY, None),
    kind(BACKUP_RUN, IO_INTENSE, None),
    kind(BACKUP_RESTORE, IO_INTENSE, None),
    kind(FULL_TEXT_INDEX, MEDIA_META, None),
    kind(FULL_TEXT_REBUILD, MEDIA_META, None),
    kind(GUARD_UNDO, IO_INTENSE, None),
];

/// The queue of task type `name`. A type missing from [`KINDS`] is a programming error, met
/// at start when the type is registered.
pub fn queue_of(name: &str) -> &'static str {
    KINDS
        .iter()
        .find(|k| k.name == name)
        .map(|k| k.queue)
        .unwrap_or_else(|| panic!("task type {name} is not declared in queue::kinds::KINDS"))
}

/// The types whose tasks show in `list`.
pub fn listed_in(list: Listed) -> Vec<&'static str> {
    KINDS
        .iter()
        .filter(|k| k.listed == Some(list))
        .map(|k| k.name)
        .collect()
}
