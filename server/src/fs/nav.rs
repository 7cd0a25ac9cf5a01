//! Resolving a `cloudreve://` URI for a caller: which filesystem, whose tree, which row, and
//! what the caller may do there (the capability bitset). Ownership is checked here, once.

use chrono::Utc;
use sea_orm::{ConnectionTrait, EntityTrait};
use stratus_entity::file;

use super::{
    chain,
    error::FsError,
    grant::{self, Granted},
    journal::Journal,
    path,
    uri::{FileUri, FsKind},
};
use crate::{
    boolset::{self, Boolset},
    caller::{Caller, SignedIn},
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

    /// The signed-in caller's id, recorded as the author of the changes it makes.
    pub fn actor(&self) -> Option<i64> {
        self.user().ok().map(|me| me.user.id)
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
            let mut rows = path::chain(db, owner, uri.segments()).await?;
            if rows.is_empty() {
                // No root yet: made on first use.
                rows.push(path::root(ctx.state, owner).await?);
            }
            (rows.len() == uri.segments().len() + 1)
                .then(|| rows.pop())
                .flatten()
        }
        FsKind::Trash => match uri.segments().split_first() {
            // The trash root is virtual: the caller's root folder stands in for it.
            None => Some(path::root(ctx.state, owner).await?),
            Some((first, rest)) => match path::trashed(db, owner, first).await? {
                Some(item) => path::walk(db, item, rest).await?,
                None => None,
            },
        },
        FsKind::SharedWithMe => match uri.segments() {
            [] => Some(path::root(ctx.state, owner).await?),
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

/// Resolves a file by its hashid, for its owner; outside the folder the caller's credential
/// is confined to, it is not found (`reach::check`): an id names any file of the drive.
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
    super::reach::check(ctx.caller, &uri)?;
    Ok(Node {
        capability: capability(uri.fs),
        owned: true,
        grant: None,
        uri,
        file,
    })
}

/// The row of file `id` unless it was deleted for good (a trashed one is found).
pub async fn live_file(db: &impl ConnectionTrait, id: i64) -> Result<Option<file::Model>, FsError> {
    Ok(file::Entity::find_by_id(id)
        .one(db)
        .await?
        .filter(|f| f.deleted_at.is_none()))
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
