//! Putting written files in place durably, in groups.
//!
//! A file is durable under its key once its data, its inode and its folder entry are on disk:
//! fsync the temporary file, rename it over the key, fsync the folder. The puts of a driver go
//! to one committing thread, which takes every commit waiting at that moment: it fsyncs each
//! temporary file, renames each into place, then fsyncs each folder they landed in once (a
//! folder of small files written together is one fsync, not one per file). Every caller still
//! gets its answer only once its own file is durable, and a crash leaves either the old object
//! or the whole new one under a key that had one.
//!
//! A group of two or more small files is made durable with one `syncfs` of the file system
//! instead of an fsync per file: each fsync waits for a journal commit of its own, while one
//! `syncfs` writes every file out and commits once (docs/PERFORMANCE.md has the figures). It
//! also writes out whatever else is dirty on that file system, which costs time but not safety. Linux reports write errors to
//! `syncfs` only since 5.8, so older kernels keep the fsync per file; the handle it runs on is
//! opened before the group's files are written, so that any error writing them back is
//! reported to it; and a file on another file system (one mounted below the root) keeps its
//! own fsync. In such a group, a file whose key holds nothing yet is renamed into place
//! before the `syncfs`, which then covers its folder entry too (no folder fsync after it).
//!
//! The work that makes a small file's temporary copy runs on the committing thread too, so a
//! small put costs one thread hand-off in all.

use std::{
    collections::HashSet,
    io,
    panic::{self, AssertUnwindSafe},
    path::{Path, PathBuf},
    sync::{Arc, Mutex, mpsc},
};

use tokio::sync::oneshot;

use super::root::Root;
use crate::storage::StorageError;

/// Most commits made durable together.
const MAX_GROUP: usize = 256;

/// A written temporary file, to be put in place as `dir/name`.
pub(super) struct Written {
    pub temp: TempFile,
    pub file: std::fs::File,
    pub dir: PathBuf,
    pub name: String,
    /// Its data is on disk already. Large files are synced by their writers, in parallel,
    /// so that one of them does not hold every small put behind its flush.
    pub synced: bool,
}

/// Writes the temporary file of one commit (run on the committing thread).
type Write = Box<dyn FnOnce(&Root) -> Result<Written, StorageError> + Send>;

type Job = (Write, oneshot::Sender<Result<(), StorageError>>);

/// The committing thread of one driver: started on first use, it ends when the driver is
/// dropped.
pub(super) struct Committer {
    root: Arc<Root>,
    queue: Mutex<Option<mpsc::Sender<Job>>>,
}

impl Committer {
    pub(super) fn new(root: Arc<Root>) -> Self {
        Self {
            root,
            queue: Mutex::new(None),
        }
    }

    /// The queue of the committing thread, started on first use.
    fn queue(&self) -> Result<mpsc::Sender<Job>, StorageError> {
        let mut queue = self.queue.lock().expect("committer queue");
        if let Some(tx) = &*queue {
            return Ok(tx.clone());
        }
        let (tx, rx) = mpsc::channel();
        let root = self.root.clone();
        std::thread::Builder::new()
            .name("stratus-local-commit".into())
            .spawn(move || run(&root, &rx))
            .map_err(|e| {
                StorageError::Other(format!("could not start the local storage committer: {e}"))
            })?;
        *queue = Some(tx.clone());
        Ok(tx)
    }

    /// Runs `write` and puts the file it wrote in place durably.
    pub(super) async fn commit(
        &self,
        write: impl FnOnce(&Root) -> Result<Written, StorageError> + Send + 'static,
    ) -> Result<(), StorageError> {
        let (reply, answer) = oneshot::channel();
        self.queue()?
            .send((Box::new(write), reply))
            .map_err(|_| stopped())?;
        answer.await.map_err(|_| stopped())?
    }
}

fn stopped() -> StorageError {
    StorageError::Other("the local storage committer stopped".into())
}

fn run(root: &Root, rx: &mpsc::Receiver<Job>) {
    while let Ok(first) = rx.recv() {
        let mut jobs = vec![first];
        while jobs.len() < MAX_GROUP {
            match rx.try_recv() {
                Ok(job) => jobs.push(job),
                Err(_) => break,
            }
        }
        let (writes, replies): (Vec<Write>, Vec<_>) = jobs.into_iter().unzip();
        // Opened before the writes (see the module doc), and only for a group that can use it.
        let flush = (writes.len() >= 2).then(|| FsFlush::open(root)).flatten();
        // A panic in one write fails that commit, not the thread every later put needs.
        let written: Vec<_> = writes
            .into_iter()
            .map(|write| {
                panic::catch_unwind(AssertUnwindSafe(|| write(root))).unwrap_or_else(|_| {
                    Err(StorageError::Other("writing the object panicked".into()))
                })
            })
            .collect();
        for (result, reply) in put_in_place(written, flush.as_ref())
            .into_iter()
            .zip(replies)
        {
            // The caller may be gone; its file is in place all the same.
            let _ = reply.send(result);
        }
    }
}

/// Makes every written file durable under its name; one result per input, in order.
fn put_in_place(
    mut written: Vec<Result<Written, StorageError>>,
    flush: Option<&FsFlush>,
) -> Vec<Result<(), StorageError>> {
    // Files renamed to their keys before the `syncfs` (see `place_fresh`).
    let mut placed = vec![false; written.len()];
    let unsynced = written
        .iter()
        .filter(|w| w.as_ref().is_ok_and(|w| !w.synced))
        .count();
    if let Some(flush) = flush.filter(|_| unsynced >= 2) {
        sync_together(&mut written, &mut placed, flush);
    }
    let mut dirs = HashSet::new();
    let mut results: Vec<Result<Option<PathBuf>, StorageError>> = written
        .into_iter()
        .zip(placed)
        .map(|(w, placed)| {
            let mut w = w?;
            if placed {
                // The `syncfs` made the rename durable with the data.
                return Ok(None);
            }
            if !w.synced {
                w.file.sync_all()?;
            }
            drop(w.file);
            std::fs::rename(w.temp.path(), w.dir.join(&w.name))?;
            w.temp.disarm();
            dirs.insert(w.dir.clone());
            Ok(Some(w.dir))
        })
        .collect();
    // The renames after the sync: each folder once.
    let failed: Vec<(PathBuf, String)> = dirs
        .into_iter()
        .filter_map(|dir| sync_dir(&dir).err().map(|e| (dir, e.to_string())))
        .collect();
    for result in &mut results {
        if let Ok(Some(dir)) = result
            && let Some((_, why)) = failed.iter().find(|(d, _)| d == dir)
        {
            *result = Err(StorageError::Io(io::Error::other(why.clone())));
        }
    }
    results.into_iter().map(|r| r.map(|_| ())).collect()
}

/// Several files not yet synced: those on the flushed file system are placed under their keys
/// when they can be (`placed`) and made durable by one `syncfs`; a failed sync fails them.
fn sync_together(
    written: &mut [Result<Written, StorageError>],
    placed: &mut [bool],
    flush: &FsFlush,
) {
    // A file on another file system (one mounted below the root) is not covered: it
    // keeps its own fsync below. (Asked once per file: it costs an `fstat`.)
    let covered: Vec<bool> = written
        .iter()
        .map(|w| w.as_ref().is_ok_and(|w| !w.synced && flush.covers(&w.file)))
        .collect();
    for ((w, placed), _) in written
        .iter_mut()
        .zip(placed.iter_mut())
        .zip(&covered)
        .filter(|(_, covered)| **covered)
    {
        if let Ok(w) = w {
            *placed = place_fresh(w);
        }
    }
    let synced = flush.sync();
    for ((w, placed), _) in written
        .iter_mut()
        .zip(placed.iter())
        .zip(&covered)
        .filter(|(_, covered)| **covered)
    {
        let Ok(file) = w else { continue };
        match &synced {
            Ok(()) => file.synced = true,
            Err(e) => {
                if *placed {
                    // Not durable: the put fails, so nothing may stay under its key.
                    let _ = std::fs::remove_file(file.dir.join(&file.name));
                }
                *w = Err(StorageError::Io(io::Error::other(e.to_string())));
            }
        }
    }
}

/// Renames the (fully written) temporary file of `w` to its key when nothing is under that
/// key yet, so that the group's one `syncfs` makes the data and the folder entry durable
/// together: one journal commit for the group instead of two (the sync, then the folders'
/// fsyncs). A key that holds an object is replaced only after the sync, as before, so a crash
/// leaves the old object or the whole new one. Under a key that had none, a crash before the
/// put returned can leave an incomplete file that nothing refers to; a later put to the key
/// replaces it. False when the key is taken or the file system cannot rename that way.
#[cfg(target_os = "linux")]
fn place_fresh(w: &mut Written) -> bool {
    use rustix::fs::{CWD, RenameFlags, renameat_with};
    let target = w.dir.join(&w.name);
    if renameat_with(CWD, w.temp.path(), CWD, &target, RenameFlags::NOREPLACE).is_err() {
        return false;
    }
    w.temp.disarm();
    true
}

#[cfg(not(target_os = "linux"))]
fn place_fresh(_w: &mut Written) -> bool {
    false
}

/// A handle on the file system under the root, for `syncfs`: `None` where `syncfs` does not
/// report write errors (or the root is not there yet), and each file is synced on its own.
struct FsFlush {
    handle: std::fs::File,
    /// The device of the root's file system.
    device: u64,
}

impl FsFlush {
    fn open(root: &Root) -> Option<Self> {
        if !syncfs_reports_errors() {
            return None;
        }
        let handle = std::fs::File::open(&root.absolute).ok()?;
        let device = device_of(&handle)?;
        Some(Self { handle, device })
    }

    /// Whether `file` is on the file system this flushes.
    fn covers(&self, file: &std::fs::File) -> bool {
        device_of(file) == Some(self.device)
    }

    /// Writes out and commits everything dirty on the file system; an error when anything
    /// written since the handle was opened could not be.
    fn sync(&self) -> io::Result<()> {
        #[cfg(target_os = "linux")]
        return rustix::fs::syncfs(&self.handle).map_err(io::Error::from);
        // Never opened elsewhere (see `syncfs_reports_errors`).
        #[cfg(not(target_os = "linux"))]
        return Err(io::Error::other("syncfs is only used on Linux"));
    }
}

#[cfg(unix)]
fn device_of(file: &std::fs::File) -> Option<u64> {
    use std::os::unix::fs::MetadataExt;
    file.metadata().ok().map(|m| m.dev())
}

#[cfg(not(unix))]
fn device_of(_file: &std::fs::File) -> Option<u64> {
    None
}

/// Linux 5.8 and later (`syncfs` returns write-back errors since then).
fn syncfs_reports_errors() -> bool {
    static ANSWER: std::sync::OnceLock<bool> = std::sync::OnceLock::new();
    *ANSWER.get_or_init(|| {
        cfg!(target_os = "linux")
            && std::fs::read_to_string("/proc/sys/kernel/osrelease")
                .is_ok_and(|release| kernel_at_least(&release, (5, 8)))
    })
}

/// True when a kernel release string (`6.1.0-18-amd64`) is at least `major.minor`.
fn kernel_at_least(release: &str, wanted: (u32, u32)) -> bool {
    let mut parts = release.trim().split(['.', '-']);
    let mut number = || parts.next().and_then(|p| p.parse::<u32>().ok());
    match (number(), number()) {
        (Some(major), Some(minor)) => (major, minor) >= wanted,
        _ => false,
    }
}

/// Makes a rename or unlink in `dir` durable.
pub(super) fn sync_dir(dir: &Path) -> io::Result<()> {
    std::fs::File::open(dir)?.sync_all()
}

/// Removes a temporary file unless disarmed, also when the writing future is dropped.
pub(super) struct TempFile(pub Option<PathBuf>);

impl TempFile {
    pub(super) fn path(&self) -> &Path {
        self.0.as_deref().expect("armed temp file")
    }

    pub(super) fn disarm(&mut self) {
        self.0 = None;
    }
}

impl Drop for TempFile {
    fn drop(&mut self) {
        if let Some(path) = self.0.take() {
            let _ = std::fs::remove_file(path);
        }
    }
}

#[cfg(test)]
mod tests {
    use bytes::Bytes;
    use futures_util::{StreamExt, future::join_all, stream};

    use crate::storage::{ByteStream, StorageDriver, local::LocalDriver};

    fn body(bytes: Vec<u8>) -> ByteStream {
        Box::pin(stream::iter([Ok(Bytes::from(bytes))]))
    }

    async fn read(driver: &LocalDriver, key: &str) -> Vec<u8> {
        let mut stream = driver.get(key, None).await.unwrap().stream;
        let mut out = Vec::new();
        while let Some(piece) = stream.next().await {
            out.extend_from_slice(&piece.unwrap());
        }
        out
    }

    /// Leftover temporary files anywhere below `dir`.
    fn temporaries(dir: &std::path::Path) -> Vec<String> {
        let mut found = Vec::new();
        for entry in std::fs::read_dir(dir).unwrap() {
            let entry = entry.unwrap();
            let name = entry.file_name().into_string().unwrap();
            if entry.file_type().unwrap().is_dir() {
                found.extend(temporaries(&entry.path()));
            } else if name.starts_with(super::super::RESERVED_PREFIX) {
                found.push(name);
            }
        }
        found
    }

    #[test]
    fn kernel_releases_compare() {
        use super::kernel_at_least;
        assert!(kernel_at_least("6.1.0-18-amd64", (5, 8)));
        assert!(kernel_at_least("5.8.0", (5, 8)));
        assert!(!kernel_at_least("5.4.0-150-generic", (5, 8)));
        assert!(!kernel_at_least("4.19.0", (5, 8)));
        assert!(!kernel_at_least("garbage", (5, 8)));
    }

    #[test]
    fn syncfs_covers_only_its_own_file_system() {
        use super::{FsFlush, device_of};
        let dir = tempfile::tempdir().unwrap();
        let root = super::Root::new(dir.path().to_path_buf(), false);
        // Kernels before 5.8 sync each file on its own.
        let Some(flush) = FsFlush::open(&root) else {
            return;
        };
        let here = std::fs::File::create(dir.path().join("f")).unwrap();
        assert!(flush.covers(&here));
        // A tmpfs, where there is one, is another file system.
        let Ok(elsewhere) = tempfile::tempdir_in("/dev/shm") else {
            return;
        };
        let there = std::fs::File::create(elsewhere.path().join("g")).unwrap();
        if device_of(&there) != device_of(&here) {
            assert!(!flush.covers(&there));
        }
    }

    #[tokio::test(flavor = "multi_thread", worker_threads = 4)]
    async fn concurrent_puts_each_land_whole() {
        let dir = tempfile::tempdir().unwrap();
        let driver = LocalDriver::new(dir.path().join("root"));
        // Small bodies (written by the committing thread) and a streamed one, in two folders,
        // all at once: they are committed in groups.
        let keys: Vec<String> = (0..64).map(|i| format!("d{}/f-{i}", i % 2)).collect();
        let content = |i: usize| vec![i as u8; if i == 7 { 300_000 } else { 100 + i }];
        let puts = keys.iter().enumerate().map(|(i, key)| {
            let driver = driver.clone();
            async move {
                let data = content(i);
                let size = data.len() as u64;
                driver.put(key, body(data), Some(size)).await
            }
        });
        for result in join_all(puts).await {
            result.unwrap();
        }
        for (i, key) in keys.iter().enumerate() {
            assert_eq!(read(&driver, key).await, content(i), "{key}");
        }
        assert!(temporaries(dir.path()).is_empty());
    }

    #[tokio::test(flavor = "multi_thread", worker_threads = 4)]
    async fn a_group_replaces_some_keys_and_creates_others() {
        let dir = tempfile::tempdir().unwrap();
        let driver = LocalDriver::new(dir.path().join("root"));
        let keys: Vec<String> = (0..48).map(|i| format!("d/f-{i}")).collect();
        for key in &keys[..24] {
            driver
                .put(key, body(b"old".to_vec()), Some(3))
                .await
                .unwrap();
        }
        // Half the group goes to taken keys (replaced after the sync), half to new ones
        // (renamed before it): every key ends up with the new bytes.
        let puts = keys.iter().map(|key| {
            let driver = driver.clone();
            let data = format!("new {key}").into_bytes();
            async move {
                let size = data.len() as u64;
                driver.put(key, body(data), Some(size)).await
            }
        });
        for result in join_all(puts).await {
            result.unwrap();
        }
        for key in &keys {
            assert_eq!(read(&driver, key).await, format!("new {key}").into_bytes());
        }
        assert!(temporaries(dir.path()).is_empty());
    }

    #[tokio::test(flavor = "multi_thread", worker_threads = 4)]
    async fn a_refused_put_leaves_the_others_of_its_group_alone() {
        let dir = tempfile::tempdir().unwrap();
        let driver = LocalDriver::new(dir.path().join("root"));
        driver
            .put("taken", body(b"x".to_vec()), Some(1))
            .await
            .unwrap();
        // A folder where a file already is: that put fails, the rest must not.
        let keys: Vec<String> = (0..32)
            .map(|i| {
                if i == 5 {
                    "taken/inside".to_owned()
                } else {
                    format!("ok/f-{i}")
                }
            })
            .collect();
        let puts = keys.iter().map(|key| {
            let driver = driver.clone();
            async move { driver.put(key, body(b"data".to_vec()), Some(4)).await }
        });
        let results = join_all(puts).await;
        for (key, result) in keys.iter().zip(results) {
            if key.starts_with("taken/") {
                assert!(result.is_err(), "{key} was stored");
            } else {
                result.unwrap();
                assert_eq!(read(&driver, key).await, b"data");
            }
        }
        assert_eq!(read(&driver, "taken").await, b"x");
        assert!(temporaries(dir.path()).is_empty());
    }
}
