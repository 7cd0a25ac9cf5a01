//! Resolving a `cloudreve://` URI for a caller: which filesystem, whose tree, which row, and
//! what the caller may do there (the capability bitset). Ownership is checked here, once.

use chrono::Utc;
use sea_orm::{
    ActiveModelTrait, ActiveValue::Set, ColumnTrait, ConnectionTrait, EntityTrait, FromQueryResult,
    QueryFilter,
};
use stratus_entity::file;

use super::{
    chain,
    error::FsError,
    grant::{self, Granted},
    journal::Journal,
    sql::Sql,
    uri::{FileUri, FsKind},
};
use crate::{
    boolset::{self, Boolset},
    caller::{Caller, SignedIn},
    db,
    ids::IdKind,
    state::AppState,
};

/// Who operates on the file system, and with which server state.
#[derive(Clone, Copy)]
pub struct FsCtx<'a> {
    pub state: &'a AppState,
    pub caller: &'a Caller,
    /// Lock tokens the caller holds (a WebDAV client's `If:` header); API callers hold none.
    pub lock_tokens: &'a [String],
    /// The download this context serves was counted against each share it goes through
    /// when its URL was handed out (a zip): a share whose downloads are used up by that count
    /// still serves it.
    pub download_counted: bool,
    /// How this context's writes reach the change journal.
    pub journal: Journal,
    /// A move or rename leaves a file's modified time (and so its ETag) as it was: WebDAV
    /// and sync clients take a file's modified time for its content's, and would fetch a
    /// moved file again.
    pub keep_file_times: bool,
}

impl<'a> FsCtx<'a> {
    pub fn new(state: &'a AppState, caller: &'a Caller) -> Self {
        Self {
            state,
            caller,
            lock_tokens: &[],
            download_counted: false,
            journal: Journal::Changes,
            keep_file_times: false,
        }
    }

    /// The same context, journaling its writes as `journal` says.
    pub fn with_journal(self, journal: Journal) -> Self {
        Self { journal, ..self }
    }

    /// The same context, serving a download already counted against its shares.
    pub fn with_download_counted(self) -> Self {
        Self {
            download_counted: true,
            ..self
        }
    }

    /// The same context, holding `tokens`: locks they name do not stand in the way.
    /// The modified time of `moved` after a move or rename. It is always set: an update
    /// without it stamps the time of the update.
    pub fn moved_time(&self, moved: &file::ActiveModel) -> chrono::DateTime<Utc> {
        match (moved.r#type.try_as_ref(), moved.updated_at.try_as_ref()) {
            (Some(&file::kind::FILE), Some(kept)) if self.keep_file_times => *kept,
            _ => Utc::now(),
        }
    }

    /// The same context, keeping files' modified times through moves and renames.
    pub fn keeping_file_times(self) -> Self {
        Self {
            keep_file_times: true,
            ..self
        }
    }

    pub fn with_lock_tokens(self, tokens: &'a [String]) -> Self {
        Self {
            lock_tokens: tokens,
            ..self
        }
    }

    /// The signed-in caller, or [`FsError::LoginRequired`].
    pub fn user(&self) -> Result<&'a SignedIn, FsError> {
        match self.caller {
            Caller::User(u) => Ok(u),
            Caller::Anonymous => Err(FsError::LoginRequired),
        }
    }
}

/// A resolved, existing object.
#[derive(Debug, Clone)]
pub struct Node {
    /// The URI the caller used (without query).
    pub uri: FileUri,
    pub file: file::Model,
    /// What the caller may do in this filesystem.
    pub capability: Boolset,
    /// True when the caller owns the object.
    pub owned: bool,
    /// For another owner's object reached through a grant (`cloudreve://<owner>@my/…`): what
    /// the grants on its path give the caller. `capability` already says it in bits.
    pub grant: Option<Granted>,
}

impl Node {
    pub fn is_folder(&self) -> bool {
        self.file.r#type == file::kind::FOLDER
    }

    /// Whether the caller sees this object as a visitor of a share (anyone but its owner,
    /// signed in or not). Visitors see and get only a file's current version.
    pub fn seen_by_visitor(&self) -> bool {
        self.uri.fs == FsKind::Share && !self.owned
    }

    /// Whether the caller may rename, move or delete the object itself: its owner, or a
    /// recipient with write access on a folder above it (never the granted item itself).
    pub fn may_change(&self) -> bool {
        self.owned || self.grant.is_some_and(|g| g.may_change_item())
    }

    /// Refuses the operation unless the filesystem grants capability `bit`.
    pub fn require(&self, bit: usize) -> Result<(), FsError> {
        if self.capability.enabled(bit) {
            Ok(())
        } else {
            Err(FsError::NoPermission("this operation is not allowed here"))
        }
    }
}

/// The capability set of a filesystem.
pub fn capability(fs: FsKind) -> Boolset {
    match fs {
        FsKind::My => Boolset::from_flags(boolset::MY_FS_FLAGS),
        FsKind::Share => Boolset::from_flags(boolset::SHARE_FS_FLAGS),
        FsKind::Trash => Boolset::from_flags(boolset::TRASH_FS_FLAGS),
        FsKind::SharedWithMe => Boolset::from_flags(boolset::SHARED_WITH_ME_FS_FLAGS),
        FsKind::Snapshot => Boolset::from_flags(boolset::SNAPSHOT_FS_FLAGS),
    }
}

/// The other owner a `my` URI names (`cloudreve://<owner id>@my/…`), or `None` when it
/// names the caller's own tree (or is not `my`). An id that decodes to no user is
/// [`FsError::NotFound`].
pub fn foreign_owner(ctx: &FsCtx<'_>, uri: &FileUri) -> Result<Option<i64>, FsError> {
    let me = ctx.user()?;
    if uri.fs != FsKind::My {
        return Ok(None);
    }
    let Some(id) = uri.id.as_deref().filter(|id| !id.is_empty()) else {
        return Ok(None);
    };
    let uid = ctx
        .state
        .ids
        .decode(id, IdKind::User)
        .map_err(|_| FsError::NotFound)?;
    Ok((uid != me.user.id).then_some(uid))
}

/// The owner whose tree `uri` addresses, after checking the caller may address it: the
/// caller's own trees only (another owner's is reached through [`grant::resolve`]).
pub fn owner_of(ctx: &FsCtx<'_>, uri: &FileUri) -> Result<i64, FsError> {
    let me = ctx.user()?;
    match uri.fs {
        FsKind::My => {
            if let Some(id) = uri.id.as_deref().filter(|id| !id.is_empty()) {
                // Even administrators cannot open another user's `my` (as Cloudreve).
                let uid = ctx
                    .state
                    .ids
                    .decode(id, IdKind::User)
                    .map_err(|_| FsError::NotFound)?;
                // Another user's tree opens only through a grant, which `resolve` checks;
                // without one it is as if nothing were there.
                if uid != me.user.id {
                    return Err(FsError::NotFound);
                }
            }
            Ok(me.user.id)
        }
        FsKind::Trash | FsKind::SharedWithMe => Ok(me.user.id),
        FsKind::Share => Err(FsError::NotFound),
        FsKind::Snapshot => Err(FsError::NoPermission(super::snapshot_tree::READ_ONLY)),
    }
}

/// The user's root folder, created on first use.
pub async fn root(state: &AppState, owner_id: i64) -> Result<file::Model, FsError> {
    if let Some(root) = find_root(&state.db, owner_id).await? {
        return Ok(root);
    }
    let txn = db::begin_write(&state.db).await?;
    super::tx::lock_owner(&txn, owner_id).await?;
    if let Some(root) = find_root(&txn, owner_id).await? {
        sea_orm::TransactionSession::commit(txn).await?;
        return Ok(root);
    }
    let root = insert_root(&txn, owner_id).await?;
    sea_orm::TransactionSession::commit(txn).await?;
    Ok(root)
}

/// Inserts `owner_id`'s root folder, in a write transaction that found none.
pub async fn insert_root(
    txn: &impl ConnectionTrait,
    owner_id: i64,
) -> Result<file::Model, FsError> {
    let now = Utc::now();
    let root = file::ActiveModel {
        created_at: Set(now),
        updated_at: Set(now),
        r#type: Set(file::kind::FOLDER),
        name: Set(String::new()),
        owner_id: Set(owner_id),
        size: Set(0),
        parent_id: Set(None),
        is_symbolic: Set(false),
        ..Default::default()
    }
    .insert(txn)
    .await?;
    Ok(root)
}

async fn find_root(
    db: &impl ConnectionTrait,
    owner_id: i64,
) -> Result<Option<file::Model>, FsError> {
    Ok(file::Entity::find()
        .filter(file::Column::OwnerId.eq(owner_id))
        .filter(file::Column::ParentId.is_null())
        .filter(file::Column::Name.eq(""))
        .filter(file::Column::DeletedAt.is_null())
        .one(db)
        .await?)
}

/// The child `name` of folder `parent_id`.
pub async fn child(
    db: &impl ConnectionTrait,
    parent_id: i64,
    name: &str,
) -> Result<Option<file::Model>, FsError> {
    Ok(file::Entity::find()
        .filter(file::Column::ParentId.eq(parent_id))
        .filter(file::Column::Name.eq(name))
        .filter(file::Column::DeletedAt.is_null())
        .one(db)
        .await?)
}

/// A trashed item of `owner_id` by its trash name.
async fn trashed(
    db: &impl ConnectionTrait,
    owner_id: i64,
    name: &str,
) -> Result<Option<file::Model>, FsError> {
    Ok(file::Entity::find()
        .filter(file::Column::OwnerId.eq(owner_id))
        .filter(file::Column::ParentId.is_null())
        .filter(file::Column::Name.eq(name))
        .filter(file::Column::Name.ne(""))
        .filter(file::Column::DeletedAt.is_null())
        .one(db)
        .await?)
}

/// Walks `segments` down from `start`; `None` when a segment is missing. Symbolic entries
/// cannot be walked into.
pub async fn walk(
    db: &impl ConnectionTrait,
    start: file::Model,
    segments: &[String],
) -> Result<Option<file::Model>, FsError> {
    let mut current = start;
    for name in segments {
        if current.r#type != file::kind::FOLDER || current.is_symbolic {
            return Ok(None);
        }
        match child(db, current.id, name).await? {
            Some(next) => current = next,
            None => return Ok(None),
        }
    }
    Ok(Some(current))
}

/// The owner's root and the rows below it along `segments`, root first, in one statement:
/// as many rows as there are leading segments that exist (none when the root is missing).
/// Like [`walk`], it goes down through real folders only.
pub async fn chain(
    db: &impl ConnectionTrait,
    owner_id: i64,
    segments: &[String],
) -> Result<Vec<file::Model>, FsError> {
    let mut sql = chain_sql(db.get_database_backend(), owner_id, segments);
    sql.push(" SELECT * FROM chain ORDER BY depth");
    Ok(file::Entity::find()
        .from_raw_sql(sql.statement())
        .all(db)
        .await?)
}

/// What a write batch reads of an owner along with the tree, as it stands in the batch's
/// transaction.
#[derive(Clone, Copy, Debug)]
pub struct OwnerState {
    /// Whether the owner holds any live lock.
    pub locked: bool,
    /// The storage the owner uses, in bytes.
    pub storage: i64,
}

/// A folder's [`chain`] and the rows named `names` in it, in one statement: what [`chain`]
/// would answer for each of those names below `segments`, for many names at once. The same
/// statement reads the owner's [`OwnerState`]: `None` when no row came back to carry it (the
/// owner has no root yet) or the owner is gone.
pub async fn chain_with_children(
    db: &impl ConnectionTrait,
    owner_id: i64,
    segments: &[String],
    names: &[&str],
) -> Result<(Vec<file::Model>, Vec<file::Model>, Option<OwnerState>), FsError> {
    let mut sql = chain_sql(db.get_database_backend(), owner_id, segments);
    // One row, joined to every row of the answer.
    sql.push(", owner_state AS (SELECT EXISTS (SELECT 1 FROM locks WHERE locks.owner_id = ")
        .bind(owner_id)
        .push(" AND locks.expires_at > ")
        .bind(Utc::now())
        .push(") AS owner_locked, (SELECT users.storage FROM users WHERE users.id = ")
        .bind(owner_id)
        .push(") AS owner_storage)");
    sql.push(" SELECT chain.*, owner_state.* FROM chain, owner_state");
    if !names.is_empty() {
        // The folder is the row at the last depth, when the walk got there and it is a real
        // folder (else there is nothing below it to find).
        sql.push(&format!(
            " UNION ALL SELECT files.*, {}, owner_state.* FROM files, owner_state \
             WHERE files.parent_id = \
             (SELECT id FROM chain WHERE depth = {} AND type = {} AND NOT is_symbolic) \
             AND files.deleted_at IS NULL AND files.name IN (",
            segments.len() + 1,
            segments.len(),
            file::kind::FOLDER
        ));
        for (i, name) in names.iter().enumerate() {
            if i > 0 {
                sql.push(", ");
            }
            sql.bind(name.to_string());
        }
        sql.push(")");
    }
    sql.push(" ORDER BY depth");
    let mut state = None;
    let mut rows = Vec::new();
    for row in db.query_all_raw(sql.statement()).await? {
        if rows.is_empty() {
            let locked = row.try_get::<bool>("", "owner_locked")?;
            state = row
                .try_get::<Option<i64>>("", "owner_storage")?
                .map(|storage| OwnerState { locked, storage });
        }
        rows.push(file::Model::from_query_result(&row, "")?);
    }
    // One row per depth along the chain, then the children, all one level below it.
    let children = rows.split_off(rows.len().min(segments.len() + 1));
    Ok((rows, children, state))
}

/// Whether `file` hangs below its owner's root: every row above it exists and is not deleted,
/// up to a root (a row without parent and without name). A trashed item, or anything below
/// one, has a named row without parent at the top instead. One statement walks up at most
/// `max_depth` levels; a deeper or cyclic chain counts as outside.
pub async fn in_tree(
    db: &impl ConnectionTrait,
    file: &file::Model,
    max_depth: usize,
) -> Result<bool, FsError> {
    let Some(parent) = file.parent_id else {
        return Ok(file.name.is_empty());
    };
    let mut sql = Sql::new(db.get_database_backend());
    sql.push(
        "WITH RECURSIVE up(id, parent_id, name, gone, depth) AS (\
         SELECT id, parent_id, name, CASE WHEN deleted_at IS NULL THEN 0 ELSE 1 END, 1 \
         FROM files WHERE id = ",
    )
    .bind(parent)
    .push(
        " UNION ALL SELECT files.id, files.parent_id, files.name, \
         CASE WHEN files.deleted_at IS NULL THEN 0 ELSE 1 END, up.depth + 1 \
         FROM files JOIN up ON files.id = up.parent_id WHERE up.gone = 0 AND up.depth < ",
    )
    .bind(max_depth as i64)
    .push(") SELECT parent_id, name, gone FROM up ORDER BY depth");
    let rows: Vec<(Option<i64>, String, i32)> = db
        .query_all_raw(sql.statement())
        .await?
        .iter()
        .map(|r| {
            Ok((
                r.try_get_by_index(0)?,
                r.try_get_by_index(1)?,
                r.try_get_by_index(2)?,
            ))
        })
        .collect::<Result<_, sea_orm::DbErr>>()?;
    // Each row is the parent of the one before; the walk stops at a deleted one.
    for (parent_id, name, gone) in &rows {
        if *gone != 0 {
            return Ok(false);
        }
        if parent_id.is_none() {
            return Ok(name.is_empty());
        }
    }
    // A missing parent, or deeper than allowed.
    Ok(false)
}

/// The recursive `chain` table of [`chain`]: `files` rows with their `depth` below the root.
pub(super) fn chain_sql(backend: sea_orm::DbBackend, owner_id: i64, segments: &[String]) -> Sql {
    let mut sql = Sql::new(backend);
    sql.push("WITH RECURSIVE ");
    if !segments.is_empty() {
        sql.push("seg(depth, name) AS (VALUES ");
        for (i, name) in segments.iter().enumerate() {
            if i > 0 {
                sql.push(", ");
            }
            sql.push(&format!("({}, ", i + 1))
                .bind(name.clone())
                .push(")");
        }
        sql.push("), ");
    }
    sql.push("chain AS (SELECT files.*, 0 AS depth FROM files WHERE files.owner_id = ")
        .bind(owner_id)
        .push(" AND files.parent_id IS NULL AND files.name = '' AND files.deleted_at IS NULL");
    if !segments.is_empty() {
        // The (parent_id, name) unique index finds each step.
        sql.push(&format!(
            " UNION ALL SELECT files.*, seg.depth FROM chain \
             JOIN seg ON seg.depth = chain.depth + 1 \
             JOIN files ON files.parent_id = chain.id AND files.name = seg.name \
             AND files.deleted_at IS NULL \
             WHERE chain.type = {} AND NOT chain.is_symbolic",
            file::kind::FOLDER
        ));
    }
    sql.push(")");
    sql
}

/// Resolves an existing object; [`FsError::NotFound`] otherwise. Share URIs are resolved
/// by [`super::share_tree::resolve`], below the shared item only.
pub async fn resolve(ctx: &FsCtx<'_>, uri: &FileUri) -> Result<Node, FsError> {
    if uri.fs == FsKind::Share {
        return super::share_tree::resolve(ctx, uri).await;
    }
    if uri.fs == FsKind::Snapshot {
        // Snapshot nodes are not files: nothing here may act on them.
        return Err(super::snapshot_tree::refuse(ctx, uri).await);
    }
    if let Some(other) = foreign_owner(ctx, uri)? {
        return Ok(grant::resolve(ctx, uri, other).await?.0);
    }
    let owner = owner_of(ctx, uri)?;
    let db = &ctx.state.db;
    let file = match uri.fs {
        FsKind::My => {
            let mut rows = chain(db, owner, uri.segments()).await?;
            if rows.is_empty() {
                // No root yet: made on first use.
                rows.push(root(ctx.state, owner).await?);
            }
            (rows.len() == uri.segments().len() + 1)
                .then(|| rows.pop())
                .flatten()
        }
        FsKind::Trash => match uri.segments().split_first() {
            // The trash root is virtual: the caller's root folder stands in for it.
            None => Some(root(ctx.state, owner).await?),
            Some((first, rest)) => match trashed(db, owner, first).await? {
                Some(item) => walk(db, item, rest).await?,
                None => None,
            },
        },
        FsKind::SharedWithMe => match uri.segments() {
            [] => Some(root(ctx.state, owner).await?),
            [id] => {
                let id = ctx
                    .state
                    .ids
                    .decode(id, IdKind::File)
                    .map_err(|_| FsError::NotFound)?;
                let entry = file::Entity::find_by_id(id)
                    .one(db)
                    .await?
                    .filter(|f| f.owner_id == owner && f.is_symbolic && f.deleted_at.is_none());
                // A saved share opens only while its share still works.
                if let Some(entry) = &entry {
                    super::share_tree::check_saved(ctx, entry).await?;
                }
                entry
            }
            _ => None,
        },
        FsKind::Share | FsKind::Snapshot => None,
    }
    .ok_or(FsError::NotFound)?;
    Ok(Node {
        uri: uri.without_query(),
        owned: file.owner_id == owner,
        file,
        capability: capability(uri.fs),
        grant: None,
    })
}

/// Resolves the folder that would hold `uri` (which need not exist).
pub async fn resolve_parent(ctx: &FsCtx<'_>, uri: &FileUri) -> Result<Node, FsError> {
    let parent = uri.parent().ok_or(FsError::RootProtected)?;
    let node = resolve(ctx, &parent).await.map_err(|e| match e {
        FsError::NotFound => FsError::ParentNotExist,
        other => other,
    })?;
    if !node.is_folder() || node.file.is_symbolic {
        return Err(FsError::ParentNotExist);
    }
    Ok(node)
}

/// Resolves a file by its hashid, for its owner.
pub async fn resolve_id(ctx: &FsCtx<'_>, hashid: &str) -> Result<Node, FsError> {
    let me = ctx.user()?;
    let id = ctx
        .state
        .ids
        .decode(hashid, IdKind::File)
        .map_err(|_| FsError::NotFound)?;
    let file = file::Entity::find_by_id(id)
        .one(&ctx.state.db)
        .await?
        .filter(|f| f.owner_id == me.user.id && f.deleted_at.is_none())
        .ok_or(FsError::NotFound)?;
    let uri = uri_of(&ctx.state.db, &file).await?;
    Ok(Node {
        capability: capability(uri.fs),
        owned: true,
        grant: None,
        uri,
        file,
    })
}

/// The URI of a row, rebuilt from its ancestors (`my` for tree rows, `trash` for trashed),
/// read in one query ([`chain::chain`]); `file` itself is taken as given.
pub async fn uri_of(db: &impl ConnectionTrait, file: &file::Model) -> Result<FileUri, FsError> {
    let up = match file.parent_id {
        Some(parent_id) => chain::chain(db, parent_id).await?,
        None => Vec::new(),
    };
    chain::uri_along(file, &up)
}
