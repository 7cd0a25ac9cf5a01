//! `TinyFs`: a small tmpfs mounted on a folder for one test, so that a test can fill a file
//! system (or run out of its inodes) without touching the machine's disk. Mounting needs
//! root; where it is refused, [`TinyFs::mount`] says so and the caller decides.

use std::{
    path::{Path, PathBuf},
    process::Command,
};

/// A tmpfs mounted on a folder; unmounted when dropped.
pub struct TinyFs {
    path: PathBuf,
}

impl TinyFs {
    /// Mounts a tmpfs of `bytes` bytes holding at most `inodes` files and folders (0: the
    /// tmpfs default) on `path`, creating the folder first. `None` when mounting is not
    /// allowed here (not root, or no mount permission in this container).
    pub fn mount(path: &Path, bytes: u64, inodes: u64) -> Option<Self> {
        std::fs::create_dir_all(path).expect("mount point");
        let mut options = format!("size={bytes},mode=0755");
        if inodes > 0 {
            options.push_str(&format!(",nr_inodes={inodes}"));
        }
        let status = Command::new("mount")
            .args(["-t", "tmpfs", "-o", &options, "stratus-test"])
            .arg(path)
            .status()
            .ok()?;
        status.success().then(|| Self {
            path: path.to_owned(),
        })
    }

    /// Where it is mounted.
    pub fn path(&self) -> &Path {
        &self.path
    }

    /// Bytes the file system has free for an unprivileged writer.
    pub fn free(&self) -> u64 {
        let stat = rustix::fs::statvfs(&self.path).expect("statvfs");
        stat.f_bavail * stat.f_frsize
    }
}

impl Drop for TinyFs {
    fn drop(&mut self) {
        // Lazily: a file the server still holds open must not keep the mount alive.
        let _ = Command::new("umount").arg("-l").arg(&self.path).status();
    }
}
