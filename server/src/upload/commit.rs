//! Publishing a written blob as a file (or a new version of one): the checks and the writes
//! of one streamed write, and the group commit that runs them.
//!
//! The publishes of this process go to one committer, which runs every publish waiting at
//! that moment in one transaction: one commit (and on PostgreSQL one round of owner locks and
//! one write-ahead log flush) for many small writes instead of one each. Each publish checks
//! everything before it writes (locks, the target, the parent, then the quota charge, which
//! changes nothing when it fails), so a refused publish is answered at once and leaves the
//! others alone; a database error during the writes rolls the whole batch back, and each
//! publish is then run in a transaction of its own.
//!
//! Inside the batch's transaction nothing else writes what it reads: on SQLite the write lock
//! is the database's, on PostgreSQL the batch first locks the rows of its owners, in the order
//! of their ids, as every transaction that writes an owner's files locks that owner's row
//! ([`tx::begin`]). So the batch reads once what its publishes would each read, in one
//! statement per target folder (not one per publish; see [`super::batch_reads`]). The batch
//! is the one stage every small write waits for in turn, and each statement is a round trip
//! (to SQLite's connection thread, or to the PostgreSQL server), so the number of statements
//! is what limits the rate of small writes.

use std::{
    collections::BTreeSet,
    sync::{Arc, OnceLock},
};

use sea_orm::{
    ColumnTrait, ConnectionTrait, DatabaseConnection, DatabaseTransaction, DbBackend, EntityTrait,
    QueryFilter, prelude::DateTimeUtc,
};
use stratus_entity::file;
use tokio::sync::{mpsc, oneshot};

use super::{
    UploadError,
    batch_reads::{Folders, Shared},
    deferred::Deferred,
    rows::{
        self, NewFile, add_current_version, guard_insert, insert_file_with_version,
        insert_files_with_versions,
    },
};
use crate::{
    db,
    fs::{
        changes::{self, Change},
        error::FsError,
        journal,
        lock::LockError,
        path, quota, tree, tree_rev, tx,
        uri::FileUri,
    },
    request_ctx::RequestCtx,
    state::AppState,
};

/// Most publishes in one transaction.
const MAX_BATCH: usize = 64;

/// A blob written and not yet published, with everything its publish needs.
pub struct Publish {
    pub owner: i64,
    /// The owner's group quota.
    pub max_storage: i64,
    /// Target, a `my` URI without query.
    pub uri: FileUri,
    pub name: String,
    pub key: String,
    pub size: i64,
    pub policy_id: i64,
    /// Lock tokens the writer holds.
    pub tokens: Vec<String>,
    /// Whether the change goes to the journal (not for writes into a staging folder).
    pub journal: bool,
    /// A file already at the target is refused, not given a new version.
    pub create_only: bool,
    /// The writer's request, whose client the journal names.
    pub origin: Option<RequestCtx>,
    /// The file's modified time as the client gives it (else the time of the publish).
    pub modified: Option<DateTimeUtc>,
    /// Who wrote it: the owner, or a recipient writing into a folder granted to them.
    pub author: i64,
    /// The guard's record of this overwrite, stored with it: before the new version is
    /// current, so the version it replaces is kept for undo.
    pub guard: Option<crate::fs::watch::Record>,
}

type Reply = oneshot::Sender<Result<file::Model, UploadError>>;

/// The committer of one database: started on first use, it ends when the state holding it
/// is dropped.
pub struct Committer {
    db: DatabaseConnection,
    queue: OnceLock<mpsc::UnboundedSender<(Publish, Reply)>>,
}

impl Committer {
    /// The state's committer.
    pub fn of(state: &AppState) -> Arc<Self> {
        state.part(|s| Self::new(s.db.clone()))
    }

    pub fn new(db: DatabaseConnection) -> Self {
        Self {
            db,
            queue: OnceLock::new(),
        }
    }

    /// Publishes `p`, in a batch with the publishes waiting at the same moment.
    pub async fn publish(&self, p: Publish) -> Result<file::Model, Failed> {
        let queue = self.queue.get_or_init(|| {
            let (tx, rx) = mpsc::unbounded_channel();
            start(self.db.clone(), rx);
            tx
        });
        let (reply, answer) = oneshot::channel();
        queue
            .send((p, reply))
            .map_err(|_| Failed::published_nothing(stopped()))?;
        match answer.await {
            Ok(result) => result.map_err(Failed::published_nothing),
            // The committer went away during the batch (the process is stopping): whether
            // the batch was committed is not known, so the blob must stay.
            Err(_) => Err(Failed {
                error: stopped(),
                published_nothing: false,
            }),
        }
    }
}

/// A publish that did not return its file.
pub struct Failed {
    pub error: UploadError,
    /// True when nothing refers to the blob: it can be deleted.
    pub published_nothing: bool,
}

impl Failed {
    fn published_nothing(error: UploadError) -> Self {
        Self {
            error,
            published_nothing: true,
        }
    }
}

fn stopped() -> UploadError {
    UploadError::Stopped
}

/// Runs the committer: on SQLite on a thread of its own, on PostgreSQL as a task of the
/// server's runtime (whose reactor drives the pool's sockets). Each statement of a SQLite
/// batch is a round trip to SQLite's connection thread; run on the server's runtime, every
/// reply then waited behind the request tasks queued there, and the batch is the stage every
/// small write waits for in turn (16 concurrent PUTs of 4 KiB: 3.6 ms per batch of about five
/// there, 2.6 ms on a thread of its own). If the thread cannot start, the queue's receiver is
/// dropped with it and every publish fails with an error.
fn start(db: DatabaseConnection, rx: mpsc::UnboundedReceiver<(Publish, Reply)>) {
    if !db::is_sqlite(&db) {
        tokio::spawn(run(db, rx));
        return;
    }
    let spawned = std::thread::Builder::new()
        .name("stratus-publish".into())
        .spawn(move || {
            match tokio::runtime::Builder::new_current_thread()
                .enable_all()
                .build()
            {
                Ok(runtime) => runtime.block_on(run(db, rx)),
                Err(e) => tracing::error!(error = %e, "could not start the publish committer"),
            }
        });
    if let Err(e) = spawned {
        tracing::error!(error = %e, "could not start the publish committer");
    }
}

async fn run(db: DatabaseConnection, mut rx: mpsc::UnboundedReceiver<(Publish, Reply)>) {
    // On SQLite, batch after batch on one connection, whose pages stay cached between them.
    // (With the statement journal in memory and no memory map, see `db::connect`, 16
    // concurrent PUTs of 4 KiB went from about 1,380 to 2,100 a second.)
    let db = if db::is_sqlite(&db) {
        match db::own_sqlite_connection(&db).await {
            Ok(own) => own,
            Err(e) => {
                tracing::warn!(error = %e, "the publish committer shares the pool");
                db
            }
        }
    } else {
        db
    };
    let mut batch = Vec::with_capacity(MAX_BATCH);
    while rx.recv_many(&mut batch, MAX_BATCH).await > 0 {
        tracing::debug!(jobs = batch.len(), "publishing a batch");
        let results = match together(&db, &batch).await {
            Ok(results) => results,
            Err(e) => {
                tracing::warn!(error = %e, jobs = batch.len(), "a batch of publishes failed; each runs alone");
                let mut results = Vec::with_capacity(batch.len());
                for (p, _) in &batch {
                    results.push(alone(&db, p).await);
                }
                results
            }
        };
        for ((_, reply), result) in batch.drain(..).zip(results) {
            // The writer may be gone; its file is published all the same.
            let _ = reply.send(result);
        }
    }
}

/// Every publish of `batch` in one transaction: each one's own answer, or the error that
/// rolled the batch back.
async fn together(
    db: &DatabaseConnection,
    batch: &[(Publish, Reply)],
) -> Result<Vec<Result<file::Model, UploadError>>, UploadError> {
    let txn = db::begin_write(db).await?;
    let owners: Vec<i64> = batch.iter().map(|(p, _)| p.owner).collect();
    // Before anything is read (on SQLite the write lock is taken by the `BEGIN`).
    tx::lock_owners(&txn, &owners).await?;
    let (mut folders, states) = Folders::load(&txn, batch.iter().map(|(p, _)| p)).await?;
    let mut shared = Shared::new(&txn, &owners, states).await?;
    let backend = txn.get_database_backend();
    let mut done = Done::new(batch.len());
    for (i, (p, _)) in batch.iter().enumerate() {
        // A publish at or below the path of a pending new file must see that file.
        if done
            .pending
            .iter()
            .any(|&(j, _)| batch[j].0.owner == p.owner && below(&p.uri, &batch[j].0.uri))
        {
            flush(&txn, batch, &mut done).await?;
        }
        let found = folders.take(p);
        let checked = check(&txn, p, Some(&mut shared), found).await;
        if let Ok(plan) = &checked {
            folders.planned(p, plan);
            done.raise.extend(plan.known.iter().map(|f| f.id));
        }
        match checked {
            Ok(plan) if plan.existing.is_none() && plan.known.len() == p.uri.segments().len() => {
                let parent = plan.known.last().map_or(0, |f| f.id);
                done.pending.push((i, parent));
                done.results.push(None);
            }
            Ok(plan) => {
                let replaces = plan.existing.is_some();
                if replaces && let Some(record) = &p.guard {
                    done.deferred.push(backend, &guard_insert(record));
                }
                // What it reads (a file's versions, the owner's usage, the guard's records)
                // must be written first.
                done.deferred.run(&txn).await?;
                let file = apply(&txn, p, plan, &mut done.changes, i).await?;
                let file = stamp(backend, p, file, &mut done.deferred);
                done.results.push(Some(Ok(file)));
                if replaces {
                    // A new version may have released older ones: read the usage again.
                    shared.settle(backend, p.owner, &mut done.deferred);
                    done.deferred.run(&txn).await?;
                }
            }
            // The checks read; the transaction may be unusable after a database error.
            Err(e @ (FsError::Db(_) | FsError::Lock(LockError::Db(_)))) => {
                return Err(e.into());
            }
            Err(refused) => done.results.push(Some(Err(refused.into()))),
        }
    }
    flush(&txn, batch, &mut done).await?;
    for owner in owners {
        shared.settle(backend, owner, &mut done.deferred);
    }
    let publishes = batch.iter().map(|(p, _)| p);
    record(backend, publishes, &done.changes, &mut done.deferred);
    if !done.raise.is_empty() {
        let raise = std::mem::take(&mut done.raise);
        done.deferred.push(backend, &tree_rev::raise_ids(raise));
    }
    done.deferred.run(&txn).await?;
    txn.commit().await?;
    Ok(done
        .results
        .into_iter()
        .map(|r| r.unwrap_or_else(|| Err(stopped())))
        .collect())
}

/// What a batch has done so far.
struct Done {
    /// Per publish, in order: its answer, `None` while its new file is pending.
    results: Vec<Option<Result<file::Model, UploadError>>>,
    /// The changes for the journal, each with its publish's index.
    changes: Vec<(usize, Change)>,
    /// New files in existing folders (publish index, parent folder id), inserted together by
    /// [`flush`].
    pending: Vec<(usize, i64)>,
    /// Writes nothing reads before the commit, sent together (see [`super::deferred`]).
    deferred: Deferred,
    /// The folders above the published files, whose revision the batch raises
    /// (`fs::tree_rev`).
    raise: BTreeSet<i64>,
}

impl Done {
    fn new(publishes: usize) -> Self {
        Self {
            results: Vec::with_capacity(publishes),
            changes: Vec::new(),
            pending: Vec::new(),
            deferred: Deferred::default(),
            raise: BTreeSet::new(),
        }
    }
}

/// True when `uri` is `of` or below it.
fn below(uri: &FileUri, of: &FileUri) -> bool {
    uri.segments().starts_with(of.segments())
}

/// Inserts the pending new files of `batch`.
async fn flush(
    txn: &DatabaseTransaction,
    batch: &[(Publish, Reply)],
    done: &mut Done,
) -> Result<(), UploadError> {
    let new: Vec<NewFile<'_>> = done
        .pending
        .iter()
        .map(|&(i, parent)| {
            let p = &batch[i].0;
            NewFile {
                owner: p.owner,
                parent,
                name: &p.name,
                key: &p.key,
                size: p.size,
                policy_id: p.policy_id,
                by: p.author,
            }
        })
        .collect();
    let files = insert_files_with_versions(txn, &new, &mut done.deferred).await?;
    for ((i, _), file) in done.pending.drain(..).zip(files) {
        let p = &batch[i].0;
        if p.journal {
            done.changes.push((i, journal::created(&file, &p.uri)));
        }
        let file = stamp(txn.get_database_backend(), p, file, &mut done.deferred);
        done.results[i] = Some(Ok(file));
    }
    Ok(())
}

/// Leaves in `deferred` the journal rows of a batch's changes (each tagged with its publish's
/// index), in order. The committer runs outside the writers' requests: each change names the
/// client of the request that made it.
fn record<'a>(
    backend: DbBackend,
    publishes: impl Iterator<Item = &'a Publish>,
    changes: &[(usize, Change)],
    deferred: &mut Deferred,
) {
    let origins: Vec<Option<&RequestCtx>> = publishes.map(|p| p.origin.as_ref()).collect();
    let client = |i: usize| origins[i].and_then(|ctx| ctx.client_id);
    let mut start = 0;
    while start < changes.len() {
        let (first, _) = changes[start];
        let end = changes[start..]
            .iter()
            .position(|(i, _)| client(*i) != client(first))
            .map_or(changes.len(), |n| start + n);
        let run: Vec<Change> = changes[start..end].iter().map(|(_, c)| c.clone()).collect();
        let client_id = client(first).map(|id| id.to_string());
        for insert in changes::inserts(&run, client_id) {
            deferred.push(backend, &insert);
        }
        start = end;
    }
}

/// One publish in a transaction of its own.
pub async fn alone(db: &DatabaseConnection, p: &Publish) -> Result<file::Model, UploadError> {
    let txn = tx::begin(db, p.owner).await?;
    let plan = check(&txn, p, None, None).await?;
    if plan.existing.is_some()
        && let Some(record) = &p.guard
    {
        guard_insert(record).exec(&txn).await?;
    }
    let mut changes = Vec::new();
    let raise: Vec<i64> = plan.known.iter().map(|f| f.id).collect();
    let file = apply(&txn, p, plan, &mut changes, 0).await?;
    let mut deferred = Deferred::default();
    let file = stamp(txn.get_database_backend(), p, file, &mut deferred);
    deferred.push(txn.get_database_backend(), &tree_rev::raise_ids(raise));
    record(
        txn.get_database_backend(),
        std::iter::once(p),
        &changes,
        &mut deferred,
    );
    deferred.run(&txn).await?;
    txn.commit().await?;
    Ok(file)
}

/// What a checked publish writes to: the rows from the root down to the deepest existing
/// folder on the way, and the file already at the target.
pub(super) struct Plan {
    pub(super) known: Vec<file::Model>,
    pub(super) existing: Option<file::Model>,
}

/// Everything that can refuse a publish, before it writes: locks, what is at the target,
/// the parent, and last the quota charge (a conditional update that changes nothing when it
/// refuses). `found` is the target's [`path::chain`] when the batch read it already.
async fn check(
    txn: &DatabaseTransaction,
    p: &Publish,
    shared: Option<&mut Shared>,
    found: Option<Vec<file::Model>>,
) -> Result<Plan, FsError> {
    if shared.as_ref().is_none_or(|s| s.locked.contains(&p.owner)) {
        tree::ensure_unlocked(txn, p.owner, &p.uri, false, &p.tokens).await?;
    }
    // The root, the folders above and the target, in one statement.
    let mut known = match found {
        Some(rows) => rows,
        None => path::chain(txn, p.owner, p.uri.segments()).await?,
    };
    let existing = (known.len() == p.uri.segments().len() + 1)
        .then(|| known.pop())
        .flatten();
    if let Some(e) = &existing
        && (e.r#type != file::kind::FILE || e.is_symbolic || p.create_only)
    {
        return Err(FsError::Exists(p.name.clone()));
    }
    // The walk stopped at the parent, or above it where a folder is missing (made below);
    // either way the row it stopped at must be a real folder.
    if known
        .last()
        .is_some_and(|f| f.r#type != file::kind::FOLDER || f.is_symbolic)
    {
        return Err(FsError::ParentNotExist);
    }
    match shared {
        Some(shared) => shared.charge(txn, p.owner, p.size, p.max_storage).await?,
        None => quota::charge(txn, p.owner, p.size, p.max_storage).await?,
    }
    Ok(Plan { known, existing })
}

/// `file` with the modified time its writer gave, written along with the batch.
fn stamp(
    backend: DbBackend,
    p: &Publish,
    mut file: file::Model,
    deferred: &mut Deferred,
) -> file::Model {
    if let Some(modified) = p.modified {
        file.updated_at = modified;
        deferred.push(
            backend,
            &file::Entity::update_many()
                .col_expr(file::Column::UpdatedAt, modified.into())
                .filter(file::Column::Id.eq(file.id)),
        );
    }
    file
}

/// The writes of a checked publish: missing folders, then the file or its new version.
async fn apply(
    txn: &DatabaseTransaction,
    p: &Publish,
    Plan {
        mut known,
        existing,
    }: Plan,
    changes: &mut Vec<(usize, Change)>,
    index: usize,
) -> Result<file::Model, UploadError> {
    if known.is_empty() {
        known.push(path::insert_root(txn, p.owner).await?);
    }
    let mut made = Vec::new();
    let parent = rows::ensure_parents(txn, p.owner, known, &p.uri, &mut made).await?;
    let blob = (p.key.as_str(), p.size, p.policy_id);
    let (file, change) = match existing {
        Some(file) => {
            let file = add_current_version(txn, file, blob, p.author).await?;
            let change = journal::modified(&file, &p.uri);
            (file, change)
        }
        None => {
            let file =
                insert_file_with_version(txn, p.owner, parent, &p.name, blob, p.author).await?;
            let change = journal::created(&file, &p.uri);
            (file, change)
        }
    };
    if p.journal {
        changes.extend(made.into_iter().map(|c| (index, c)));
        changes.push((index, change));
    }
    Ok(file)
}
