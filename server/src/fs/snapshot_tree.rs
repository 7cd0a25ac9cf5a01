//! The `snapshot` filesystem as the rest of `fs` sees it. `cloudreve://<id>@snapshot/<path>`
//! names a node of one of the caller's snapshots; the tree is rows of `snapshot_nodes`, not
//! files, so nothing in `fs` that reads or changes `files` rows may act on it. [`refuse`]
//! is what [`super::nav::resolve`] answers for such a URI: not found for anyone but the
//! snapshot's owner, read-only for the owner. The read paths (listing, info, downloads, zips,
//! copies out) resolve a node with [`resolve`] instead and get it as a [`Node`] whose `file`
//! is the node's row as it was ([`as_file`]); such a `Node` never goes to a function that
//! writes.

use sea_orm::{ColumnTrait, ConnectionTrait, EntityTrait, QueryFilter};
use stratus_entity::{file, snapshot, snapshot_node};

use super::{
    error::FsError,
    nav::{self, FsCtx, Node},
    uri::{FileUri, FsKind},
};
use crate::{boolset::Boolset, ids::IdKind};

/// What every write into a snapshot answers.
pub const READ_ONLY: &str =
    "snapshots are read-only: copy files out of a snapshot into your drive to change them";

/// The snapshot `uri` names, when the caller owns it and it is complete; else
/// [`FsError::NotFound`] (another user's snapshot answers exactly like a missing one).
pub async fn open(ctx: &FsCtx<'_>, uri: &FileUri) -> Result<snapshot::Model, FsError> {
    let me = ctx.user()?;
    if uri.fs != FsKind::Snapshot {
        return Err(FsError::NotFound);
    }
    let id = uri.id.as_deref().ok_or(FsError::NotFound)?;
    let id = ctx
        .state
        .ids
        .decode(id, IdKind::Snapshot)
        .map_err(|_| FsError::NotFound)?;
    find_owned(&ctx.state.db, id, me.user.id)
        .await?
        .filter(|s| s.status == snapshot::status::COMPLETED)
        .ok_or(FsError::NotFound)
}

/// The snapshot `id` when `owner_id` owns it.
pub async fn find_owned(
    db: &impl ConnectionTrait,
    id: i64,
    owner_id: i64,
) -> Result<Option<snapshot::Model>, FsError> {
    Ok(snapshot::Entity::find_by_id(id)
        .filter(snapshot::Column::OwnerId.eq(owner_id))
        .one(db)
        .await?)
}

/// The refusal of a file-system operation on a snapshot URI: not found unless the caller
/// owns the snapshot, else [`READ_ONLY`].
pub async fn refuse(ctx: &FsCtx<'_>, uri: &FileUri) -> FsError {
    match open(ctx, uri).await {
        Ok(_) => FsError::NoPermission(READ_ONLY),
        Err(e) => e,
    }
}

/// A resolved node of a snapshot.
#[derive(Debug, Clone)]
pub struct Found {
    pub snapshot: snapshot::Model,
    pub node: snapshot_node::Model,
    /// The URI it was reached by (without query).
    pub uri: FileUri,
}

impl Found {
    pub fn is_folder(&self) -> bool {
        self.node.r#type == file::kind::FOLDER
    }

    /// The node as a read-only [`Node`] for presenting and downloading.
    pub fn as_node(&self) -> Node {
        Node {
            uri: self.uri.clone(),
            file: as_file(&self.node, self.snapshot.owner_id),
            capability: capability(),
            owned: true,
            grant: None,
        }
    }
}

/// What the caller may do in a snapshot: read only.
pub fn capability() -> Boolset {
    nav::capability(FsKind::Snapshot)
}

/// The node `uri` names in one of the caller's snapshots; [`FsError::NotFound`] for a
/// missing path, a missing snapshot and another user's snapshot alike.
pub async fn resolve(ctx: &FsCtx<'_>, uri: &FileUri) -> Result<Found, FsError> {
    let snapshot = open(ctx, uri).await?;
    let db = &ctx.state.db;
    let mut node = root_node(db, snapshot.id).await?;
    for name in uri.segments() {
        if node.r#type != file::kind::FOLDER {
            return Err(FsError::NotFound);
        }
        node = snapshot_node::Entity::find()
            .filter(snapshot_node::Column::SnapshotId.eq(snapshot.id))
            .filter(snapshot_node::Column::ParentNodeId.eq(node.node_id))
            .filter(snapshot_node::Column::Name.eq(name.as_str()))
            .one(db)
            .await?
            .ok_or(FsError::NotFound)?;
    }
    Ok(Found {
        snapshot,
        node,
        uri: uri.without_query(),
    })
}

/// The snapshot's root folder node.
pub async fn root_node(
    db: &impl ConnectionTrait,
    snapshot_id: i64,
) -> Result<snapshot_node::Model, FsError> {
    snapshot_node::Entity::find()
        .filter(snapshot_node::Column::SnapshotId.eq(snapshot_id))
        .filter(snapshot_node::Column::ParentNodeId.is_null())
        .one(db)
        .await?
        .ok_or(FsError::NotFound)
}

/// The row the node was, as a file of `owner_id` (its id is the file's id at the time).
pub fn as_file(node: &snapshot_node::Model, owner_id: i64) -> file::Model {
    file::Model {
        id: node.node_id,
        created_at: node.created_at,
        updated_at: node.updated_at,
        deleted_at: None,
        r#type: node.r#type,
        name: node.name.clone(),
        owner_id,
        size: node.size,
        primary_entity: node.entity_id,
        parent_id: node.parent_node_id,
        is_symbolic: false,
        props: None,
        storage_policy_id: None,
        tree_rev: 0,
    }
}
