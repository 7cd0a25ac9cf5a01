//! Locks on paths of a user's tree (RFC 4918 semantics), kept in the `locks` table so that
//! every instance honours them and a restart loses none (spec §10, deviations §2). The REST
//! API, uploads, WOPI and WebDAV all use this one lock table.
//!
//! # Paths and keys
//!
//! Locks are taken on paths, not on file rows: WebDAV may lock a URL before anything exists
//! there. A [`LockPath`] is a normalized absolute path inside one user's tree (`/`, `/a`,
//! `/a/b`: no empty, `.` or `..` segments, no trailing slash). The `uri` column stores the
//! key `"<owner_id>:<path>"`, e.g. `"7:/Docs/a.txt"`, and `"7:/"` for the root. Segments are
//! stored as they are (not percent-encoded), so keys compare exactly.
//!
//! # Semantics
//!
//! * Two locks overlap when they are on the same path, or one is on an ancestor of the other
//!   and that one has depth infinity. An exclusive lock overlaps with no other live lock;
//!   shared locks overlap only with shared locks.
//! * A write ([`check`]) to a path needs, for the path and (for recursive operations) for each
//!   locked path below it, the token of at least one live lock covering that path.
//! * A lock whose `expires_at` is not in the future is dead: it never conflicts and is deleted
//!   lazily ([`acquire`], [`refresh`], [`release`]) or by [`purge_expired`].
//! * [`acquire`] checks and inserts in one write transaction, serialized per owner (SQLite:
//!   `BEGIN IMMEDIATE`; PostgreSQL: the owner's `users` row `FOR UPDATE`, the same row the file
//!   tree's write transactions lock), so two instances never both win one path.

use std::{
    collections::{HashMap, HashSet},
    time::Duration,
};

use chrono::{DateTime, Utc};
use sea_orm::{
    ActiveModelTrait, ActiveValue::Set, ColumnTrait, Condition, ConnectionTrait, DbErr,
    EntityTrait, QueryFilter, QueryOrder, QuerySelect, TransactionSession, TransactionTrait,
    sea_query::LikeExpr,
};
use stratus_entity::{file, lock, user};

use crate::db;

/// Every token starts with this (RFC 4918 §6.5 `opaquelocktoken` URI scheme).
pub const TOKEN_PREFIX: &str = "opaquelocktoken:";

/// Longest timeout a lock gets; longer requests (and WebDAV `Infinite`) are cut to this.
pub const MAX_TIMEOUT: Duration = Duration::from_secs(365 * 24 * 3600);

/// Tokens deleted per statement by [`force_release`] (keeps bind parameters bounded).
const DELETE_CHUNK: usize = 500;

/// `owner.application.type` of locks taken through WebDAV.
pub const APP_DAV: &str = "dav";
/// `owner.application.type` of locks taken by the server for an API client.
pub const APP_API: &str = "api";

mod owner;
mod path;

pub use owner::{LockApplication, LockOwner};
pub use path::{InvalidLockPath, LockPath};

/// Lock scope.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Scope {
    /// Conflicts with every other lock on an overlapping path.
    Exclusive,
    /// Coexists with other shared locks.
    Shared,
}

impl Scope {
    fn as_db(self) -> &'static str {
        match self {
            Scope::Exclusive => lock::scope::EXCLUSIVE,
            Scope::Shared => lock::scope::SHARED,
        }
    }

    /// Unknown values read as exclusive, the safe side.
    fn from_db(value: &str) -> Self {
        if value == lock::scope::SHARED {
            Scope::Shared
        } else {
            Scope::Exclusive
        }
    }
}

/// Lock depth, or the reach of an operation passed to [`check`].
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Depth {
    /// The path itself.
    Zero,
    /// The path and everything below it.
    Infinity,
}

impl Depth {
    /// The reach of a change: everything below a folder's path, or the path alone.
    pub fn of(recursive: bool) -> Self {
        if recursive {
            Depth::Infinity
        } else {
            Depth::Zero
        }
    }

    fn as_db(self) -> i16 {
        match self {
            Depth::Zero => lock::depth::ZERO,
            Depth::Infinity => lock::depth::INFINITY,
        }
    }

    /// Anything but 0 reads as infinity, the safe side.
    fn from_db(value: i16) -> Self {
        if value == lock::depth::ZERO {
            Depth::Zero
        } else {
            Depth::Infinity
        }
    }
}

/// What [`acquire`] is asked for.
#[derive(Debug, Clone)]
pub struct LockRequest {
    /// Whose tree the path is in.
    pub owner_id: i64,
    pub path: LockPath,
    pub scope: Scope,
    pub depth: Depth,
    /// Time to live; capped at [`MAX_TIMEOUT`]. Zero makes a lock that is already dead.
    pub timeout: Duration,
    /// [`LockOwner::to_owner_info`], or raw WebDAV owner XML.
    pub owner_info: Option<String>,
    /// The file at the path, when it exists.
    pub file_id: Option<i64>,
}

/// A lock as stored.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct LockInfo {
    /// `opaquelocktoken:<uuid>`.
    pub token: String,
    /// Whose tree the path is in.
    pub owner_id: i64,
    pub path: LockPath,
    pub scope: Scope,
    pub depth: Depth,
    pub created_at: DateTime<Utc>,
    pub expires_at: DateTime<Utc>,
    pub owner_info: Option<String>,
    pub file_id: Option<i64>,
    /// The locked file is a folder (false when it is a file or unknown).
    pub folder: bool,
}

impl LockInfo {
    fn from_model(row: lock::Model, folders: &HashSet<i64>) -> Result<Self, DbErr> {
        let (owner_id, path) = LockPath::from_key(&row.uri)
            .ok_or_else(|| DbErr::Custom(format!("malformed lock key {:?}", row.uri)))?;
        Ok(LockInfo {
            folder: row.file_id.is_some_and(|id| folders.contains(&id)),
            token: row.token,
            owner_id,
            path,
            scope: Scope::from_db(&row.scope),
            depth: Depth::from_db(row.depth),
            created_at: row.created_at,
            expires_at: row.expires_at,
            owner_info: row.owner_info,
            file_id: row.file_id,
        })
    }

    /// Who holds the lock.
    pub fn owner(&self) -> LockOwner {
        LockOwner::parse(self.owner_info.as_deref())
    }

    /// Time left before the lock expires (zero once it has).
    pub fn remaining(&self) -> Duration {
        (self.expires_at - Utc::now()).to_std().unwrap_or_default()
    }

    /// True when the lock applies to `path`: it is on `path`, or on an ancestor with depth
    /// infinity.
    pub fn covers(&self, path: &LockPath) -> bool {
        self.path == *path || (self.depth == Depth::Infinity && self.path.is_ancestor_of(path))
    }
}

/// Why a lock operation failed.
#[derive(Debug, thiserror::Error)]
pub enum LockError {
    /// Live locks that stand in the way (code 40073, listed in `data`).
    #[error("locked by {} conflicting lock(s)", .0.len())]
    Conflict(Vec<LockInfo>),
    /// No such token in the owner's tree (code 40075).
    #[error("lock token not found")]
    NotFound,
    /// The token's lock has expired (code 40075).
    #[error("lock token expired")]
    Expired,
    #[error(transparent)]
    Db(#[from] DbErr),
}

/// Takes a new lock, unless a live lock on an overlapping path conflicts.
pub async fn acquire<C: TransactionTrait>(db: &C, req: LockRequest) -> Result<LockInfo, LockError> {
    let txn = db::begin_write(db).await?;
    serialize_owner(&txn, req.owner_id).await?;
    let now = Utc::now();
    let rows = overlapping(&txn, req.owner_id, &req.path, req.depth).await?;
    let (live, dead): (Vec<_>, Vec<_>) = rows
        .into_iter()
        .map(|(row, _)| row)
        .partition(|r| r.expires_at > now);
    delete_ids(&txn, dead.iter().map(|r| r.id)).await?;
    let conflicts: Vec<_> = live
        .into_iter()
        .filter(|r| req.scope == Scope::Exclusive || Scope::from_db(&r.scope) == Scope::Exclusive)
        .collect();
    if !conflicts.is_empty() {
        let infos = to_infos(&txn, conflicts).await?;
        txn.commit().await?;
        return Err(LockError::Conflict(infos));
    }
    let row = lock::ActiveModel {
        created_at: Set(now),
        updated_at: Set(now),
        token: Set(new_token()),
        owner_id: Set(req.owner_id),
        file_id: Set(req.file_id),
        uri: Set(req.path.key(req.owner_id)),
        depth: Set(req.depth.as_db()),
        scope: Set(req.scope.as_db().to_owned()),
        owner_info: Set(req.owner_info),
        expires_at: Set(expiry(now, req.timeout)),
        ..Default::default()
    }
    .insert(&txn)
    .await?;
    let info = to_infos(&txn, vec![row]).await?.remove(0);
    txn.commit().await?;
    Ok(info)
}

/// Gives the live lock `token` in `owner_id`'s tree a new timeout from now.
pub async fn refresh<C: TransactionTrait>(
    db: &C,
    owner_id: i64,
    token: &str,
    timeout: Duration,
) -> Result<LockInfo, LockError> {
    let txn = db::begin_write(db).await?;
    let row = find_row(&txn, owner_id, token)
        .await?
        .ok_or(LockError::NotFound)?;
    let now = Utc::now();
    if row.expires_at <= now {
        delete_ids(&txn, [row.id]).await?;
        txn.commit().await?;
        return Err(LockError::Expired);
    }
    let mut active: lock::ActiveModel = row.into();
    active.expires_at = Set(expiry(now, timeout));
    active.updated_at = Set(now);
    let row = active.update(&txn).await?;
    let info = to_infos(&txn, vec![row]).await?.remove(0);
    txn.commit().await?;
    Ok(info)
}

/// Releases the lock `token` in `owner_id`'s tree (WebDAV UNLOCK, end of an upload). An
/// expired lock is removed too, but reported as [`LockError::Expired`].
pub async fn release<C: TransactionTrait>(
    db: &C,
    owner_id: i64,
    token: &str,
) -> Result<(), LockError> {
    let txn = db::begin_write(db).await?;
    let row = find_row(&txn, owner_id, token)
        .await?
        .ok_or(LockError::NotFound)?;
    delete_ids(&txn, [row.id]).await?;
    txn.commit().await?;
    if row.expires_at <= Utc::now() {
        return Err(LockError::Expired);
    }
    Ok(())
}

/// Drops the given locks of `owner_id`'s tree whoever holds them (`DELETE /file/lock`).
/// Tokens of other trees and unknown tokens are ignored. Returns how many were removed.
pub async fn force_release(
    db: &impl ConnectionTrait,
    owner_id: i64,
    tokens: &[String],
) -> Result<u64, LockError> {
    let mut removed = 0;
    for chunk in tokens.chunks(DELETE_CHUNK) {
        let res = lock::Entity::delete_many()
            .filter(lock::Column::OwnerId.eq(owner_id))
            .filter(lock::Column::Token.is_in(chunk.iter().map(String::as_str)))
            .exec(db)
            .await?;
        removed += res.rows_affected;
    }
    Ok(removed)
}

/// Refuses a write to `path` unless the caller holds, for every locked path it touches, the
/// token of a live lock covering that path. `op_depth` [`Depth::Infinity`] is for recursive
/// operations (deleting or moving a folder): locks below `path` count too. Call it inside the
/// write transaction of the operation to make check and write atomic with [`acquire`].
pub async fn check<T: AsRef<str>>(
    db: &impl ConnectionTrait,
    owner_id: i64,
    path: &LockPath,
    op_depth: Depth,
    held_tokens: &[T],
) -> Result<(), LockError> {
    let now = Utc::now();
    let live: Vec<(lock::Model, LockPath)> = overlapping(db, owner_id, path, op_depth)
        .await?
        .into_iter()
        .filter(|(r, _)| r.expires_at > now)
        .collect();
    if live.is_empty() {
        return Ok(());
    }
    let held: HashSet<&str> = held_tokens.iter().map(AsRef::as_ref).collect();
    let covers = |(row, lp): &(lock::Model, LockPath), target: &LockPath| {
        lp == target || (Depth::from_db(row.depth) == Depth::Infinity && lp.is_ancestor_of(target))
    };
    // The paths that must be unlocked: the target itself, and every locked path below it.
    let mut targets = vec![path.clone()];
    for (_, lp) in &live {
        if path.is_ancestor_of(lp) && !targets.contains(lp) {
            targets.push(lp.clone());
        }
    }
    // A path is unlocked by a held token of any live lock covering it (with shared locks,
    // one of the set is enough); otherwise all its covering locks are in the way.
    let mut blocking = vec![false; live.len()];
    for target in &targets {
        let covering: Vec<usize> = (0..live.len())
            .filter(|&i| covers(&live[i], target))
            .collect();
        if covering
            .iter()
            .any(|&i| held.contains(live[i].0.token.as_str()))
        {
            continue;
        }
        for i in covering {
            blocking[i] = true;
        }
    }
    let rows: Vec<lock::Model> = live
        .into_iter()
        .zip(blocking)
        .filter_map(|((row, _), blocks)| blocks.then_some(row))
        .collect();
    if rows.is_empty() {
        return Ok(());
    }
    Err(LockError::Conflict(to_infos(db, rows).await?))
}

/// Which of `owners` have a live lock anywhere in their tree. Inside a write transaction the
/// answer holds until it ends: a write of an owner without one needs no [`check`].
pub async fn owners_with_locks(
    db: &impl ConnectionTrait,
    owners: &[i64],
) -> Result<HashSet<i64>, DbErr> {
    let rows: Vec<i64> = lock::Entity::find()
        .select_only()
        .column(lock::Column::OwnerId)
        .distinct()
        .filter(lock::Column::OwnerId.is_in(owners.iter().copied()))
        .filter(lock::Column::ExpiresAt.gt(Utc::now()))
        .into_tuple()
        .all(db)
        .await?;
    Ok(rows.into_iter().collect())
}

/// Every live lock in `owner_id`'s tree, as stored, in one statement (WebDAV reads them once
/// per request).
pub async fn live_locks_of_tree(
    db: &impl ConnectionTrait,
    owner_id: i64,
) -> Result<Vec<lock::Model>, DbErr> {
    lock::Entity::find()
        .filter(lock::Column::OwnerId.eq(owner_id))
        .filter(lock::Column::ExpiresAt.gt(Utc::now()))
        .all(db)
        .await
}

/// The live locks that apply to `path` (on it, or depth infinity on an ancestor), oldest
/// first: WebDAV `lockdiscovery`.
pub async fn discover(
    db: &impl ConnectionTrait,
    owner_id: i64,
    path: &LockPath,
) -> Result<Vec<LockInfo>, DbErr> {
    let now = Utc::now();
    let rows = overlapping(db, owner_id, path, Depth::Zero)
        .await?
        .into_iter()
        .map(|(row, _)| row)
        .filter(|r| r.expires_at > now)
        .collect();
    to_infos(db, rows).await
}

/// The live lock `token` in `owner_id`'s tree, if any (e.g. to validate a WebDAV `If` header
/// or to re-confirm an upload's lock).
pub async fn get(
    db: &impl ConnectionTrait,
    owner_id: i64,
    token: &str,
) -> Result<Option<LockInfo>, DbErr> {
    let Some(row) = find_row(db, owner_id, token).await? else {
        return Ok(None);
    };
    if row.expires_at <= Utc::now() {
        return Ok(None);
    }
    Ok(to_infos(db, vec![row]).await?.pop())
}

/// Deletes every expired lock; returns how many.
pub async fn purge_expired(db: &impl ConnectionTrait) -> Result<u64, DbErr> {
    let res = lock::Entity::delete_many()
        .filter(lock::Column::ExpiresAt.lte(Utc::now()))
        .exec(db)
        .await?;
    Ok(res.rows_affected)
}

fn new_token() -> String {
    format!("{TOKEN_PREFIX}{}", uuid::Uuid::new_v4())
}

fn expiry(now: DateTime<Utc>, timeout: Duration) -> DateTime<Utc> {
    let timeout = chrono::Duration::from_std(timeout.min(MAX_TIMEOUT)).unwrap_or_default();
    now + timeout
}

/// On PostgreSQL, locks the owner's `users` row until the transaction ends, so acquisitions
/// (and tree writes, which lock the same row) of one owner run one after another. SQLite's
/// `BEGIN IMMEDIATE` already serializes every writer (and has no `FOR UPDATE`).
async fn serialize_owner(txn: &impl ConnectionTrait, owner_id: i64) -> Result<(), DbErr> {
    if db::is_sqlite(txn) {
        return Ok(());
    }
    user::Entity::find_by_id(owner_id)
        .select_only()
        .column(user::Column::Id)
        .lock_exclusive()
        .into_tuple::<i64>()
        .one(txn)
        .await?;
    Ok(())
}

/// Every lock row (live or not) of `owner_id` that overlaps `path`, with its path: on it,
/// depth infinity on an ancestor, and with `reach` infinity anything below it. Oldest first.
async fn overlapping(
    db: &impl ConnectionTrait,
    owner_id: i64,
    path: &LockPath,
    reach: Depth,
) -> Result<Vec<(lock::Model, LockPath)>, DbErr> {
    let ancestors: Vec<String> = path.ancestors().iter().map(|a| a.key(owner_id)).collect();
    let mut any = Condition::any().add(lock::Column::Uri.eq(path.key(owner_id)));
    if !ancestors.is_empty() {
        any = any.add(
            Condition::all()
                .add(lock::Column::Depth.ne(lock::depth::ZERO))
                .add(lock::Column::Uri.is_in(ancestors)),
        );
    }
    if reach == Depth::Infinity {
        let prefix = if path.is_root() {
            path.key(owner_id)
        } else {
            format!("{}/", path.key(owner_id))
        };
        let pattern = format!("{}%", escape_like(&prefix));
        any = any.add(lock::Column::Uri.like(LikeExpr::new(pattern).escape('\\')));
    }
    let rows = lock::Entity::find()
        .filter(lock::Column::OwnerId.eq(owner_id))
        .filter(any)
        .order_by_asc(lock::Column::Id)
        .all(db)
        .await?;
    // SQLite's LIKE ignores ASCII case: keep exact matches only.
    Ok(rows
        .into_iter()
        .filter_map(|row| {
            let (owner, lp) = LockPath::from_key(&row.uri)?;
            let hit = owner == owner_id
                && (lp == *path
                    || (Depth::from_db(row.depth) == Depth::Infinity && lp.is_ancestor_of(path))
                    || (reach == Depth::Infinity && path.is_ancestor_of(&lp)));
            hit.then_some((row, lp))
        })
        .collect())
}

/// Escapes `\`, `%` and `_` for a `LIKE … ESCAPE '\'` pattern.
fn escape_like(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    for c in text.chars() {
        if matches!(c, '\\' | '%' | '_') {
            out.push('\\');
        }
        out.push(c);
    }
    out
}

async fn find_row(
    db: &impl ConnectionTrait,
    owner_id: i64,
    token: &str,
) -> Result<Option<lock::Model>, DbErr> {
    lock::Entity::find()
        .filter(lock::Column::Token.eq(token))
        .filter(lock::Column::OwnerId.eq(owner_id))
        .one(db)
        .await
}

async fn delete_ids(
    db: &impl ConnectionTrait,
    ids: impl IntoIterator<Item = i64>,
) -> Result<(), DbErr> {
    let ids: Vec<i64> = ids.into_iter().collect();
    if ids.is_empty() {
        return Ok(());
    }
    lock::Entity::delete_many()
        .filter(lock::Column::Id.is_in(ids))
        .exec(db)
        .await?;
    Ok(())
}

/// Rows to [`LockInfo`]s, with `folder` looked up for rows that name a file.
async fn to_infos(
    db: &impl ConnectionTrait,
    rows: Vec<lock::Model>,
) -> Result<Vec<LockInfo>, DbErr> {
    let file_ids: Vec<i64> = rows
        .iter()
        .filter_map(|r| r.file_id)
        .collect::<HashSet<_>>()
        .into_iter()
        .collect();
    let folders: HashSet<i64> = if file_ids.is_empty() {
        HashSet::new()
    } else {
        let kinds: HashMap<i64, i16> = file::Entity::find()
            .select_only()
            .column(file::Column::Id)
            .column(file::Column::Type)
            .filter(file::Column::Id.is_in(file_ids))
            .into_tuple::<(i64, i16)>()
            .all(db)
            .await?
            .into_iter()
            .collect();
        kinds
            .into_iter()
            .filter(|(_, kind)| *kind == file::kind::FOLDER)
            .map(|(id, _)| id)
            .collect()
    };
    rows.into_iter()
        .map(|row| LockInfo::from_model(row, &folders))
        .collect()
}

#[cfg(test)]
mod tests;
