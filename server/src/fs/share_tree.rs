//! Trees rooted at a shared file: the `share` filesystem and saved shares (symbolic entries
//! of `shared_with_me` that name a share URI). The file system walks such a tree; opening the
//! share itself (validity, group permission, password) is the share module's business, which
//! it does through [`ShareTrees`], provided at start into a slot of the server state. So `fs` never calls up into the
//! share module.

use std::{collections::HashMap, sync::Arc};

use futures_util::future::BoxFuture;
use sea_orm::{ColumnTrait, ConnectionTrait, EntityTrait, QueryFilter, QuerySelect};
use stratus_entity::{file, metadata};

use super::{
    error::FsError,
    metadata::SHARED_REDIRECT,
    nav::{self, FsCtx, Node},
    path,
    uri::{FileUri, FsKind},
};
use crate::state::AppState;

/// A share as the file system sees it: a tree rooted at one file.
#[derive(Debug, Clone, Copy)]
pub struct SharedTree {
    /// The shared file or folder.
    pub item_id: i64,
    /// The share's (and the item's) owner.
    pub owner_id: i64,
    /// The owner shows the folders' views to visitors.
    pub shows_views: bool,
    /// The share has a download limit: its content goes out only as a counted download.
    pub counts_downloads: bool,
}

/// A share opened, with its shared item, or why it does not open.
pub type Opened = Result<(SharedTree, file::Model), FsError>;

/// The share module's [`ShareTrees`], kept in a slot of the state.
type Provided = Arc<dyn ShareTrees>;

/// Hands the file system the share module's trees; done once, at start.
pub fn provide(state: &AppState, trees: Provided) {
    state.provide(trees);
}

/// The trees [`provide`] gave.
fn trees(state: &AppState) -> Arc<Provided> {
    state.part(|_| -> Provided { unreachable!("lib::init provides the share trees") })
}

/// Opens shares for the file system.
pub trait ShareTrees: Send + Sync {
    /// Opens the share `uri` names for the caller of `ctx`: the group may open shares, the
    /// share works and the URI's password unlocks it. Answers the tree and its shared item.
    fn open<'a>(
        &'a self,
        ctx: &'a FsCtx<'_>,
        uri: &'a FileUri,
    ) -> BoxFuture<'a, Result<(SharedTree, file::Model), FsError>>;

    /// [`open`](Self::open) of many shares at once, in a fixed number of statements: one
    /// answer per URI, in order.
    fn open_many<'a>(
        &'a self,
        ctx: &'a FsCtx<'_>,
        uris: &'a [FileUri],
    ) -> BoxFuture<'a, Result<Vec<Opened>, FsError>>;

    /// The share `uri` names, unchecked ([`FsError::ShareInvalid`] when there is none): for
    /// a tree already opened, or for facts that give nothing away.
    fn peek<'a>(
        &'a self,
        ctx: &'a FsCtx<'_>,
        uri: &'a FileUri,
    ) -> BoxFuture<'a, Result<SharedTree, FsError>>;
}

/// Resolves `cloudreve://<id>[:<pwd>]@share/<path>`. The root is the shared folder (for a
/// single-file share, the file's folder, in which only the file is visible); the path is
/// walked down from there only, so nothing above the shared item can be reached.
pub(super) async fn resolve(ctx: &FsCtx<'_>, uri: &FileUri) -> Result<Node, FsError> {
    let (tree, item) = trees(ctx.state).open(ctx, uri).await?;
    let db = &ctx.state.db;
    let file = if item.r#type != file::kind::FOLDER {
        match uri.segments() {
            [] => {
                let parent = item.parent_id.ok_or(FsError::ShareInvalid)?;
                file::Entity::find_by_id(parent).one(db).await?
            }
            [name] if *name == item.name => Some(item),
            _ => None,
        }
    } else {
        path::walk(db, item, uri.segments()).await?
    };
    let file = file.ok_or(FsError::NotFound)?;
    Ok(Node {
        uri: uri.without_query(),
        owned: ctx.caller.user_id() == Some(tree.owner_id),
        file,
        capability: nav::capability(FsKind::Share),
        grant: None,
    })
}

/// `Some(file id)` when `node` is the root of a single-file share: the file's folder, in
/// which only that file shows.
pub async fn single_file_root(ctx: &FsCtx<'_>, node: &Node) -> Result<Option<i64>, FsError> {
    if node.uri.fs != FsKind::Share || !node.uri.is_root() {
        return Ok(None);
    }
    let tree = trees(ctx.state).peek(ctx, &node.uri).await?;
    Ok((tree.item_id != node.file.id).then_some(tree.item_id))
}

/// Whether the share of `uri` shows the owner's folder views (`share_view`).
pub async fn shows_views(ctx: &FsCtx<'_>, uri: &FileUri) -> Result<bool, FsError> {
    Ok(trees(ctx.state).peek(ctx, uri).await?.shows_views)
}

/// Checks the share named by a `sys:shared_redirect` value of a new file: it must be
/// someone else's valid share, and the caller must be able to open it. `Ok(true)` when the
/// new file is a saved share (and so symbolic).
pub async fn check_new_saved(
    ctx: &FsCtx<'_>,
    metadata: &[(String, String)],
) -> Result<bool, FsError> {
    let Some((_, target)) = metadata.iter().find(|(k, _)| k == SHARED_REDIRECT) else {
        return Ok(false);
    };
    let me = ctx.user()?;
    let uri = FileUri::parse(target)?;
    if uri.fs != FsKind::Share {
        return Err(FsError::Invalid(format!(
            "{SHARED_REDIRECT} must be a share URI"
        )));
    }
    let trees = trees(ctx.state);
    if trees.peek(ctx, &uri).await?.owner_id == me.user.id {
        return Err(FsError::SaveOwnShare);
    }
    trees.open(ctx, &uri).await?;
    Ok(true)
}

/// Checks that the share a saved entry points to still works (and, if it has a password,
/// that the saved URI still carries the right one). A symbolic row that names no share has
/// nothing to follow and passes.
pub async fn check_saved(ctx: &FsCtx<'_>, entry: &file::Model) -> Result<(), FsError> {
    saved_item(ctx, entry).await.map(|_| ())
}

/// [`check_saved`], answering the shared item the entry leads to (`None` when it names no
/// share): a listing shows a saved file share with that file's size.
pub async fn saved_item(
    ctx: &FsCtx<'_>,
    entry: &file::Model,
) -> Result<Option<file::Model>, FsError> {
    match saved_target(&ctx.state.db, entry.id).await? {
        Some(uri) => Ok(Some(trees(ctx.state).open(ctx, &uri).await?.1)),
        None => Ok(None),
    }
}

/// Every saved share of `owner_id` opened for the caller of `ctx`, as [`saved_item`] would
/// open each: for each entry (not deleted) that names a share, in the order the entries are
/// read, the share URI it names and the share's tree with its shared item, or why the share
/// does not open. Entries
/// that name no share, or something that is no share URI, are left out. A fixed number of
/// statements whatever the number of entries.
pub async fn saved_items(
    ctx: &FsCtx<'_>,
    owner_id: i64,
) -> Result<Vec<(FileUri, Opened)>, FsError> {
    let db = &ctx.state.db;
    let entries: Vec<i64> = file::Entity::find()
        .select_only()
        .column(file::Column::Id)
        .filter(file::Column::OwnerId.eq(owner_id))
        .filter(file::Column::IsSymbolic.eq(true))
        .filter(file::Column::DeletedAt.is_null())
        .into_tuple()
        .all(db)
        .await?;
    if entries.is_empty() {
        return Ok(Vec::new());
    }
    let mut targets: HashMap<i64, String> = metadata::Entity::find()
        .filter(metadata::Column::FileId.is_in(entries.iter().copied()))
        .filter(metadata::Column::Name.eq(SHARED_REDIRECT))
        .all(db)
        .await?
        .into_iter()
        .map(|m| (m.file_id, m.value))
        .collect();
    let uris: Vec<FileUri> = entries
        .iter()
        .filter_map(|id| targets.remove(id))
        .filter_map(|target| FileUri::parse(&target).ok())
        .filter(|uri| uri.fs == FsKind::Share)
        .collect();
    let opened = trees(ctx.state).open_many(ctx, &uris).await?;
    Ok(uris.into_iter().zip(opened).collect())
}

/// The size a saved entry shows: for a saved file share, the shared file's (the entry's own
/// row is an empty symbolic file), as the share's root would; `None` for a saved folder share
/// or an entry that names no share. An entry whose share no longer works is an error.
pub async fn saved_size(ctx: &FsCtx<'_>, entry: &file::Model) -> Result<Option<i64>, FsError> {
    Ok(saved_item(ctx, entry)
        .await?
        .filter(|item| item.r#type != file::kind::FOLDER)
        .map(|item| item.size))
}

/// The share URI the saved entry `entry_id` points to: `None` when it names none, and
/// [`FsError::ShareInvalid`] when what it names is not a share URI.
pub async fn saved_target(
    db: &impl ConnectionTrait,
    entry_id: i64,
) -> Result<Option<FileUri>, FsError> {
    let Some(target) = redirect_of(db, entry_id).await? else {
        return Ok(None);
    };
    let uri = FileUri::parse(&target).map_err(|_| FsError::ShareInvalid)?;
    if uri.fs != FsKind::Share {
        return Err(FsError::ShareInvalid);
    }
    Ok(Some(uri))
}

async fn redirect_of(db: &impl ConnectionTrait, file_id: i64) -> Result<Option<String>, FsError> {
    Ok(metadata::Entity::find()
        .filter(metadata::Column::FileId.eq(file_id))
        .filter(metadata::Column::Name.eq(SHARED_REDIRECT))
        .one(db)
        .await?
        .map(|m| m.value))
}
