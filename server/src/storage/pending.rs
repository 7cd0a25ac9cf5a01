//! Blobs stored before the database row that will name them. A streamed write (WebDAV PUT)
//! and an edit store the blob first and then commit its entity row; a crash between the two
//! leaves a blob that nothing names and nothing would ever delete.
//!
//! Each process journals the keys it stores such blobs under, in a file of its own under
//! `<data dir>/pending-blobs`, held with an exclusive `flock` while the process lives (the
//! kernel releases it however the process ends). At start, and in every run of the upload
//! sentinel (so that instances still running settle what a killed one left), [`recover`]
//! reads every journal nobody holds, deletes each blob in it that no entity row names, then
//! the journal. Only keys
//! that a policy's name rules make unique are journaled (a random part), so no other writer
//! can have stored a blob under the same key since.
//!
//! Multipart uploads opened for clients to send straight to a bucket are journaled the same
//! way, from the moment the bucket answers with the upload's id until the upload session
//! row holds that id: a process killed in between would otherwise leave an upload nothing
//! names (its parts cost storage at the provider until aborted). So are the multipart uploads
//! the server itself streams a long body through (a WebDAV PUT to a bucket), from the bucket's
//! answer until the upload is completed or aborted. At start, such a record whose id no
//! session row holds is aborted.
//!
//! A record is one line, `<policy id> <key as hex>` (and ` <upload id as hex>` for an
//! upload), appended before the blob is stored. When
//! a blob's row is committed (or the blob deleted) nothing is written: the record is only
//! forgotten in memory, and the journal is rewritten with the records still open once it has
//! grown past [`COMPACT_AT`]. So a journal names the blobs of its last stretch of writes, and
//! the next start asks the database about each (a few statements per thousand). Appends are
//! not synced: a blob made durable by a `syncfs` of the same file system makes the record
//! before it durable too, and a lost record only leaves a blob behind.

use std::{
    collections::{BTreeMap, BTreeSet, HashMap, HashSet},
    fs::{self, File, OpenOptions},
    io::{self, BufRead, BufReader, Write},
    path::{Path, PathBuf},
    sync::{Arc, Mutex},
    time::Duration,
};

use sea_orm::{ColumnTrait, DatabaseConnection, EntityTrait, QueryFilter, QuerySelect};
use stratus_entity::{entity, storage_policy, upload_session};

use super::{keys, registry::DriverRegistry};

/// The folder of the data dir holding the journals.
pub const PENDING_DIR: &str = "pending-blobs";
/// A journal is rewritten with its open records once it is this long.
const COMPACT_AT: u64 = 1 << 20;

/// A blob and the policy it is stored with, and the id of a multipart upload to it (empty
/// for a blob).
type Blob = (i64, String, String);

/// This process's journal of blobs waiting for their row. Opened on first use; when it
/// cannot be, writes go on unjournaled (with a warning once).
pub struct PendingBlobs {
    dir: PathBuf,
    state: Mutex<State>,
}

#[derive(Default)]
struct State {
    journal: Option<Journal>,
    /// Open records: blob → how many writers are between the two steps for it.
    open: HashMap<Blob, u32>,
    /// Opening the journal failed: journaling is off.
    off: bool,
}

struct Journal {
    file: File,
    path: PathBuf,
    len: u64,
}

/// A blob between being stored and its row: [`Pending::settle`] once the row is committed or
/// the blob deleted. Dropped unsettled (the outcome is not known), the record stays open and
/// the next start decides from the database.
#[must_use = "settle the record once the row is committed or the blob deleted"]
pub struct Pending {
    blobs: Option<Arc<PendingBlobs>>,
    blob: Blob,
}

impl Pending {
    /// A record for a key that needs none (not unique): settling it does nothing.
    fn none() -> Self {
        Self {
            blobs: None,
            blob: (0, String::new(), String::new()),
        }
    }

    /// Closes the record: the blob's row is committed, or the blob is gone.
    pub fn settle(mut self) {
        if let Some(blobs) = self.blobs.take() {
            blobs.close(std::mem::take(&mut self.blob));
        }
    }
}

impl PendingBlobs {
    /// The journals of `data_dir`.
    pub fn new(data_dir: &Path) -> Self {
        Self {
            dir: data_dir.join(PENDING_DIR),
            state: Mutex::new(State::default()),
        }
    }

    /// Records that a blob is about to be stored at `key` of `policy`, when the policy's name
    /// rules make its keys unique (see the module's notes); otherwise records nothing.
    pub fn before_put(self: &Arc<Self>, policy: &storage_policy::Model, key: &str) -> Pending {
        if keys::unique(&policy.dir_name_rule, &policy.file_name_rule) {
            self.open(policy.id, key)
        } else {
            Pending::none()
        }
    }

    /// Records the multipart upload `upload_id` a bucket has just opened at `key` of policy
    /// `policy_id`, until the upload session row holds the id (an upload for a client) or
    /// the upload is completed or aborted (one the server streams).
    pub fn after_upload_opened(
        self: &Arc<Self>,
        policy_id: i64,
        key: &str,
        upload_id: &str,
    ) -> Pending {
        self.record_open((policy_id, key.to_owned(), upload_id.to_owned()))
    }

    /// Records that a blob is about to be stored at `key` of policy `policy_id`.
    fn open(self: &Arc<Self>, policy_id: i64, key: &str) -> Pending {
        self.record_open((policy_id, key.to_owned(), String::new()))
    }

    fn record_open(self: &Arc<Self>, blob: Blob) -> Pending {
        let mut state = self.state.lock().expect("pending blobs");
        *state.open.entry(blob.clone()).or_default() += 1;
        self.append(&mut state, &blob);
        Pending {
            blobs: Some(self.clone()),
            blob,
        }
    }

    fn close(&self, blob: Blob) {
        let mut state = self.state.lock().expect("pending blobs");
        match state.open.get_mut(&blob) {
            Some(n) if *n > 1 => *n -= 1,
            _ => {
                state.open.remove(&blob);
            }
        }
    }

    fn append(&self, state: &mut State, blob: &Blob) {
        if state.journal.is_none() && !state.off {
            match self.create(&state.open) {
                Ok(journal) => state.journal = Some(journal),
                Err(e) => {
                    tracing::warn!(dir = %self.dir.display(), error = %e,
                        "cannot journal pending blobs; a crash may leave blobs behind");
                    state.off = true;
                }
            }
            // A new journal already holds every open record, this one included.
            return;
        }
        let Some(journal) = state.journal.as_mut() else {
            return;
        };
        let line = record(blob);
        match journal.file.write_all(line.as_bytes()) {
            Ok(()) => journal.len += line.len() as u64,
            Err(e) => {
                tracing::warn!(path = %journal.path.display(), error = %e,
                    "cannot append to the journal of pending blobs");
                // The next record starts a fresh journal with every open record. This one
                // goes now: left behind unlocked, a starting process would take its open
                // records for a dead one's.
                let _ = fs::remove_file(&journal.path);
                state.journal = None;
                return;
            }
        }
        if journal.len > COMPACT_AT {
            self.compact(state);
        }
    }

    /// A new locked journal holding the open records. It is made under a name [`recover`]
    /// does not read while it is young and takes its `.log` name only once locked: other
    /// instances recover journals while this one runs (the upload sentinel), and one that
    /// found it between its creation and its lock would take it for a dead process's and
    /// delete it.
    fn create(&self, open: &HashMap<Blob, u32>) -> io::Result<Journal> {
        fs::create_dir_all(&self.dir)?;
        let name = format!("{}-{}", std::process::id(), uuid::Uuid::new_v4().simple());
        let making = self.dir.join(format!("{name}.new"));
        let path = self.dir.join(format!("{name}.log"));
        let file = OpenOptions::new()
            .create_new(true)
            .append(true)
            .open(&making)?;
        let mut journal = Journal { file, path, len: 0 };
        let filled = lock(&journal.file).and_then(|()| {
            let mut text = String::new();
            for (blob, writers) in open {
                for _ in 0..*writers {
                    text.push_str(&record(blob));
                }
            }
            journal.len = text.len() as u64;
            journal.file.write_all(text.as_bytes())?;
            fs::rename(&making, &journal.path)
        });
        if let Err(e) = filled {
            // Left behind unlocked, a starting process would take it for a dead one's.
            let _ = fs::remove_file(&making);
            let _ = fs::remove_file(&journal.path);
            return Err(e);
        }
        Ok(journal)
    }

    fn compact(&self, state: &mut State) {
        let Some(old) = state.journal.take() else {
            return;
        };
        match self.create(&state.open) {
            Ok(journal) => {
                state.journal = Some(journal);
                let _ = fs::remove_file(&old.path);
            }
            Err(e) => {
                tracing::warn!(error = %e, "cannot rewrite the journal of pending blobs");
                state.journal = Some(old);
            }
        }
    }
}

impl Drop for PendingBlobs {
    /// A journal without open records is of no use to the next start.
    fn drop(&mut self) {
        let state = self.state.get_mut().expect("pending blobs");
        if let Some(journal) = &state.journal
            && state.open.is_empty()
        {
            let _ = fs::remove_file(&journal.path);
        }
    }
}

fn record((policy, key, upload): &Blob) -> String {
    match upload.is_empty() {
        true => format!("{policy} {}\n", hex::encode(key)),
        false => format!("{policy} {} {}\n", hex::encode(key), hex::encode(upload)),
    }
}

fn unhex(text: &str) -> Option<String> {
    hex::decode(text)
        .ok()
        .and_then(|bytes| String::from_utf8(bytes).ok())
}

/// Takes the exclusive lock of a journal without waiting: an error when a live process
/// holds it.
fn lock(file: &File) -> io::Result<()> {
    file.try_lock().map_err(io::Error::from)
}

/// What a journal records for one policy: blob keys, and multipart uploads as (key, id).
#[derive(Default)]
struct Records {
    blobs: BTreeSet<String>,
    uploads: BTreeSet<(String, String)>,
}

/// The records of a journal's lines, each once, by policy; unreadable lines are skipped.
fn records(reader: impl BufRead) -> io::Result<BTreeMap<i64, Records>> {
    let mut found: BTreeMap<i64, Records> = BTreeMap::new();
    for line in reader.lines() {
        let line = line?;
        let mut fields = line.split(' ');
        let (Some(policy), Some(key)) = (fields.next(), fields.next()) else {
            continue;
        };
        let (Ok(policy), Some(key)) = (policy.parse::<i64>(), unhex(key)) else {
            continue;
        };
        let entry = found.entry(policy).or_default();
        match fields.next().map(unhex) {
            None => {
                entry.blobs.insert(key);
            }
            Some(Some(upload)) => {
                entry.uploads.insert((key, upload));
            }
            Some(None) => {}
        }
    }
    Ok(found)
}

/// Reads the journals of processes that are gone under `data_dir`: every blob in them that
/// no entity row names is deleted, then the journal. Returns how many blobs were deleted. A
/// journal whose blobs cannot all be settled (a database or storage error) is kept for the
/// next start.
pub async fn recover(
    data_dir: &Path,
    db: &DatabaseConnection,
    storage: &DriverRegistry,
) -> io::Result<usize> {
    let dir = data_dir.join(PENDING_DIR);
    let entries = match fs::read_dir(&dir) {
        Ok(entries) => entries,
        Err(e) if e.kind() == io::ErrorKind::NotFound => return Ok(0),
        Err(e) => return Err(e),
    };
    let mut deleted = 0;
    for entry in entries {
        let path = entry?.path();
        if !is_journal(&path) {
            continue;
        }
        let Ok(file) = File::open(&path) else {
            continue;
        };
        // Held by a live process (this one included): not ours to read.
        if lock(&file).is_err() {
            continue;
        }
        let mut settled = true;
        for (policy, found) in records(BufReader::new(&file))? {
            let keys: Vec<String> = found.blobs.into_iter().collect();
            for chunk in keys.chunks(500) {
                match delete_unnamed(db, storage, policy, chunk).await {
                    Ok(n) => deleted += n,
                    Err(e) => {
                        tracing::warn!(policy, error = %e, "cannot settle pending blobs");
                        settled = false;
                    }
                }
            }
            if !found.uploads.is_empty()
                && let Err(e) = abort_unowned(db, storage, policy, &found.uploads).await
            {
                tracing::warn!(policy, error = %e, "cannot settle pending bucket uploads");
                settled = false;
            }
        }
        if settled {
            fs::remove_file(&path)?;
        }
    }
    if deleted > 0 {
        tracing::info!(
            deleted,
            "deleted blobs whose rows were never committed before the last stop"
        );
    }
    Ok(deleted)
}

/// How long a journal may keep its `.new` name: its maker locks it as it creates it and
/// renames it at once, so one older than this was left by a process killed in between.
const ABANDONED_AFTER: Duration = Duration::from_secs(60);

/// Whether `path` is a journal [`recover`] reads: a `.log`, or a `.new` its maker never
/// renamed. The latter may hold records of blobs being stored that no other journal names
/// (when the one before it had failed), so it is read like the others.
fn is_journal(path: &Path) -> bool {
    match path.extension().and_then(|e| e.to_str()) {
        Some("log") => true,
        Some("new") => fs::metadata(path)
            .and_then(|m| m.modified())
            .is_ok_and(|t| t.elapsed().is_ok_and(|age| age > ABANDONED_AFTER)),
        _ => false,
    }
}

/// Deletes the blobs among `keys` of `policy` that no entity row names; returns how many.
async fn delete_unnamed(
    db: &DatabaseConnection,
    storage: &DriverRegistry,
    policy: i64,
    keys: &[String],
) -> anyhow::Result<usize> {
    let named: HashSet<String> = entity::Entity::find()
        .select_only()
        .column(entity::Column::Source)
        .filter(entity::Column::StoragePolicyId.eq(policy))
        .filter(entity::Column::Source.is_in(keys.iter().cloned()))
        .into_tuple::<String>()
        .all(db)
        .await?
        .into_iter()
        .collect();
    let unnamed: Vec<String> = keys
        .iter()
        .filter(|k| !named.contains(*k))
        .cloned()
        .collect();
    // A policy that is gone took its blobs with it, as far as anything here knows.
    if unnamed.is_empty() || storage.policy(policy).await?.is_none() {
        return Ok(0);
    }
    let driver = storage.driver(policy).await?;
    let failed = driver.delete(&unnamed).await?;
    if let Some((key, e)) = failed.into_iter().next() {
        anyhow::bail!("deleting {key}: {e}");
    }
    Ok(unnamed.len())
}

/// Aborts the multipart uploads among `uploads` of `policy` that no upload session row holds.
async fn abort_unowned(
    db: &DatabaseConnection,
    storage: &DriverRegistry,
    policy: i64,
    uploads: &BTreeSet<(String, String)>,
) -> anyhow::Result<()> {
    if storage.policy(policy).await?.is_none() {
        return Ok(());
    }
    // The session's props name its upload as `upload_id` (see `upload::SessionProps`).
    let owned: HashSet<String> = upload_session::Entity::find()
        .select_only()
        .column(upload_session::Column::Props)
        .filter(upload_session::Column::StoragePolicyId.eq(policy))
        .into_tuple::<serde_json::Value>()
        .all(db)
        .await?
        .iter()
        .filter_map(|props| props.get("upload_id")?.as_str().map(str::to_owned))
        .collect();
    let driver = storage.driver(policy).await?;
    for (key, id) in uploads.iter().filter(|(_, id)| !owned.contains(id)) {
        driver.abort_direct_upload(key, id).await?;
        tracing::info!(
            policy,
            key,
            "aborted a bucket upload opened before the last stop"
        );
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use std::time::SystemTime;

    use super::*;

    fn journal_text(dir: &Path) -> String {
        let mut text = String::new();
        for entry in fs::read_dir(dir.join(PENDING_DIR)).unwrap() {
            text.push_str(&fs::read_to_string(entry.unwrap().path()).unwrap());
        }
        text
    }

    fn keys(text: &str) -> Vec<(i64, String)> {
        records(text.as_bytes())
            .unwrap()
            .into_iter()
            .flat_map(|(p, found)| found.blobs.into_iter().map(move |k| (p, k)))
            .collect()
    }

    #[test]
    fn every_key_is_recorded_once_and_the_journal_goes_when_nothing_is_open() {
        let dir = tempfile::tempdir().unwrap();
        let blobs = Arc::new(PendingBlobs::new(dir.path()));
        let a = blobs.open(1, "uploads/1/a b.txt");
        let b = blobs.open(2, "uploads/1/b\nc");
        let again = blobs.open(1, "uploads/1/a b.txt");
        assert_eq!(
            keys(&journal_text(dir.path())),
            vec![
                (1, "uploads/1/a b.txt".to_owned()),
                (2, "uploads/1/b\nc".to_owned())
            ]
        );
        a.settle();
        b.settle();
        assert_eq!(blobs.state.lock().unwrap().open.len(), 1);
        again.settle();
        assert!(blobs.state.lock().unwrap().open.is_empty());
        drop(blobs);
        assert_eq!(
            fs::read_dir(dir.path().join(PENDING_DIR)).unwrap().count(),
            0
        );
    }

    #[test]
    fn a_live_journal_is_locked_and_a_dead_one_is_not() {
        let dir = tempfile::tempdir().unwrap();
        let blobs = Arc::new(PendingBlobs::new(dir.path()));
        let open = blobs.open(1, "k");
        let path = fs::read_dir(dir.path().join(PENDING_DIR))
            .unwrap()
            .next()
            .unwrap()
            .unwrap()
            .path();
        assert!(lock(&File::open(&path).unwrap()).is_err());
        drop(open);
        drop(blobs);
        // Left with its open record, and free to take.
        assert!(lock(&File::open(&path).unwrap()).is_ok());
        assert_eq!(
            keys(&fs::read_to_string(&path).unwrap()),
            vec![(1, "k".into())]
        );
    }

    #[test]
    fn a_long_journal_is_rewritten_with_its_open_records() {
        let dir = tempfile::tempdir().unwrap();
        let blobs = Arc::new(PendingBlobs::new(dir.path()));
        let kept = blobs.open(3, "kept");
        for i in 0..600 {
            blobs
                .open(1, &format!("{i:04}{}", "k".repeat(1000)))
                .settle();
        }
        let text = journal_text(dir.path());
        assert!((text.len() as u64) < COMPACT_AT, "{}", text.len());
        assert!(keys(&text).contains(&(3, "kept".to_owned())));
        assert!(keys(&text).len() < 600);
        assert_eq!(
            fs::read_dir(dir.path().join(PENDING_DIR)).unwrap().count(),
            1
        );
        kept.settle();
    }

    #[test]
    fn a_journal_left_half_made_is_read_once_it_is_old() {
        let dir = tempfile::tempdir().unwrap();
        let (log, new) = (dir.path().join("1-a.log"), dir.path().join("1-b.new"));
        fs::write(&log, "").unwrap();
        fs::write(&new, "").unwrap();
        assert!(is_journal(&log));
        // Its maker may be about to lock and rename it.
        assert!(!is_journal(&new));
        let old = SystemTime::now() - ABANDONED_AFTER * 2;
        File::options()
            .write(true)
            .open(&new)
            .unwrap()
            .set_modified(old)
            .unwrap();
        assert!(is_journal(&new));
        assert!(!is_journal(&dir.path().join("1-c.tmp")));
    }

    #[test]
    fn unreadable_lines_are_skipped() {
        let text = "1 6b\ngarbage\nx 6b\n1 zz\n2 6c\n1 6b\n1 6b zz\n";
        assert_eq!(keys(text), vec![(1, "k".into()), (2, "l".into())]);
    }

    #[test]
    fn an_upload_is_recorded_with_its_id_beside_the_blobs() {
        let dir = tempfile::tempdir().unwrap();
        let blobs = Arc::new(PendingBlobs::new(dir.path()));
        let upload = blobs.after_upload_opened(4, "uploads/1/k", "id 1");
        let blob = blobs.open(4, "uploads/1/b");
        let found = records(journal_text(dir.path()).as_bytes()).unwrap();
        assert_eq!(
            found[&4].uploads,
            BTreeSet::from([("uploads/1/k".to_owned(), "id 1".to_owned())])
        );
        assert_eq!(found[&4].blobs, BTreeSet::from(["uploads/1/b".to_owned()]));
        upload.settle();
        blob.settle();
        assert!(blobs.state.lock().unwrap().open.is_empty());
    }
}
