//! Reserving an upload's space on disk (policy setting `pre_allocate`), within what the file
//! system has free.
//!
//! A reservation is asked for only once the session passed every other check (see
//! `upload::create`), and never for more than the file system has free less a margin: a
//! reservation that takes the last free blocks would make every other write of the server
//! (its database, other users' uploads) fail, and on ext4 a `fallocate` that runs out of
//! space keeps what it allocated until the file is removed.

use std::{io, path::Path};

use super::super::StorageError;

/// Part of the file system left free by a reservation, in hundredths of its size ...
const MARGIN_PERCENT: u64 = 1;
/// ... but never more than this.
const MARGIN_MAX: u64 = 1 << 30;

/// Refuses a reservation of `size` bytes in `dir` with [`StorageError::NoSpace`] when its
/// file system has less free than that plus the margin.
pub(super) fn ensure_room(dir: &Path, size: u64) -> Result<(), StorageError> {
    let Some((free, total)) = free_space(dir)? else {
        return Ok(());
    };
    let margin = (total / 100 * MARGIN_PERCENT).min(MARGIN_MAX);
    if size > free.saturating_sub(margin) {
        return Err(StorageError::NoSpace(format!(
            "{size} bytes asked for, {free} bytes free with {margin} kept free"
        )));
    }
    Ok(())
}

/// `(free, total)` bytes of the file system holding `dir`; free counts what an unprivileged
/// writer may use (without the blocks ext4 keeps for root). `None` where it cannot be known.
fn free_space(dir: &Path) -> io::Result<Option<(u64, u64)>> {
    #[cfg(unix)]
    {
        let stat = rustix::fs::statvfs(dir)?;
        let unit = stat.f_frsize.max(1);
        Ok(Some((
            stat.f_bavail.saturating_mul(unit),
            stat.f_blocks.saturating_mul(unit),
        )))
    }
    #[cfg(not(unix))]
    {
        let _ = dir;
        Ok(None)
    }
}

/// Reserves `size` bytes for `file` on disk; where the filesystem cannot, only sets the length.
pub(super) fn pre_allocate(file: &std::fs::File, size: u64) -> io::Result<()> {
    #[cfg(target_os = "linux")]
    {
        use rustix::{fs::FallocateFlags, io::Errno};
        match rustix::fs::fallocate(file, FallocateFlags::empty(), 0, size) {
            Ok(()) => return Ok(()),
            Err(e) if e == Errno::OPNOTSUPP || e == Errno::NOSYS => {}
            Err(e) => return Err(e.into()),
        }
    }
    file.set_len(size)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[cfg(unix)]
    #[test]
    fn a_reservation_keeps_a_margin_free() {
        let dir = tempfile::tempdir().unwrap();
        let (free, _) = free_space(dir.path()).unwrap().unwrap();
        assert!(ensure_room(dir.path(), 1).is_ok());
        for size in [free, free + 1, u64::MAX] {
            assert!(matches!(
                ensure_room(dir.path(), size),
                Err(StorageError::NoSpace(_))
            ));
        }
    }
}
