//! Snapshots: a folder of a user's drive as it was at one instant, kept as rows
//! (`snapshot_nodes`) that name the blobs of the files' current versions. No byte is copied:
//! each node with a blob holds one reference on its entity, so the recycler keeps the blob
//! until the snapshot is deleted. The bytes only snapshots keep alive stay charged to their
//! owner (`fs::quota::held_by_snapshots`).
//!
//! - `take.rs`: taking one (checks, then the tree copied in one statement per table).
//! - `task.rs`: the `snapshot_take` task for trees above `snapshot_inline_max_files`.
//! - `delete.rs`: deleting one (references and held bytes released).
//! - `list.rs`: reading them (one, cursor pages, exclusive sizes).
//! - `schedule.rs`: schedules and the periodic run that takes and prunes their snapshots.
//! - `error.rs`: [`SnapshotError`].
//! - `browse.rs`: reading a snapshot through `cloudreve://<id>@snapshot/...` URIs.
//! - `restore.rs`, `restore_plan.rs`, `restore_apply.rs`: restoring one (a task), and copying
//!   nodes out of one into the drive.

pub mod browse;
pub mod delete;
pub mod error;
pub mod list;
pub mod restore;
pub mod restore_apply;
pub mod restore_plan;
pub mod restore_task;
pub mod schedule;
pub mod take;
pub mod task;

pub use error::SnapshotError;

use crate::{
    boolset::group_perm,
    caller::{Caller, SignedIn},
};

/// The longest name.
pub const NAME_MAX: usize = 64;
/// The longest description, in characters.
pub const DESCRIPTION_MAX: usize = 1024;

/// The signed-in caller, if their group may take snapshots.
pub fn allowed(caller: &Caller) -> Result<&SignedIn, SnapshotError> {
    let me = caller
        .signed_in()
        .map_err(|_| SnapshotError::Fs(crate::fs::error::FsError::LoginRequired))?;
    if !me.permissions().enabled(group_perm::SNAPSHOT) {
        return Err(SnapshotError::NotAllowed);
    }
    Ok(me)
}

/// A snapshot's name, trimmed: 1 to 64 letters, digits, `-`, `_` or spaces ("before the
/// move"). Answers the trimmed name.
pub fn check_name(name: &str) -> Result<&str, SnapshotError> {
    let name = name.trim();
    let ok = !name.is_empty()
        && name.len() <= NAME_MAX
        && name
            .bytes()
            .all(|b| b.is_ascii_alphanumeric() || matches!(b, b'-' | b'_' | b' '));
    if ok {
        Ok(name)
    } else {
        Err(SnapshotError::Invalid(format!(
            "name: 1 to {NAME_MAX} letters, digits, spaces, '-' or '_'"
        )))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn names() {
        assert!(check_name("daily-2026_11").is_ok());
        assert!(check_name(&"a".repeat(64)).is_ok());
        assert_eq!(check_name("  before the move ").unwrap(), "before the move");
        for bad in ["", "   ", "é", "a/b", "a.b", "a\tb", &"a".repeat(65)] {
            assert!(check_name(bad).is_err(), "{bad:?}");
        }
    }
}
