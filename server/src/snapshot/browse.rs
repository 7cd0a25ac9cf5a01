//! Reading a snapshot: `cloudreve://<snapshot id>@snapshot/<path>` resolved to its node, a
//! folder's children a page at a time, and a node shown as the file it was. Only the owner
//! reaches a snapshot ([`crate::fs::snapshot_tree::open`]); everything here reads.
//!
//! A node is handed to the read paths of the API (presenting, signing a download of its blob)
//! as a [`Node`] whose `file` is the node's row as it was ([`as_file`]). That `Node` never goes
//! to a function that writes: the file system itself refuses snapshot URIs.

use std::collections::HashMap;

use sea_orm::{ColumnTrait, ConnectionTrait, EntityTrait, QueryFilter, QueryOrder, QuerySelect};
use stratus_entity::{file, snapshot, snapshot_node};

use crate::{
    boolset::Boolset,
    fs::{
        error::FsError,
        nav::{self, FsCtx, Node},
        snapshot_tree,
        uri::{FileUri, FsKind},
    },
};

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
    let snapshot = snapshot_tree::open(ctx, uri).await?;
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
    }
}

/// The node's metadata that a listing shows: every entry but `sys:` bookkeeping.
pub fn shown_metadata(node: &snapshot_node::Model) -> HashMap<String, String> {
    let Some(serde_json::Value::Object(map)) = &node.metadata else {
        return HashMap::new();
    };
    map.iter()
        .filter(|(k, _)| !k.starts_with("sys:"))
        .map(|(k, v)| {
            let value = match v {
                serde_json::Value::String(s) => s.clone(),
                other => other.to_string(),
            };
            (k.clone(), value)
        })
        .collect()
}

/// How a folder's children are ordered.
#[derive(Debug, Clone, Copy)]
pub struct Order {
    /// One of [`crate::fs::list::ORDER_BY_OPTIONS`].
    pub by: &'static str,
    pub desc: bool,
}

impl Order {
    /// Parses `order_by` / `order_direction` (default: name ascending); anything else is
    /// [`FsError::Invalid`].
    pub fn parse(by: Option<&str>, direction: Option<&str>) -> Result<Order, FsError> {
        let by = match by.unwrap_or("name") {
            "name" => "name",
            "size" => "size",
            "updated_at" => "updated_at",
            "created_at" => "created_at",
            other => return Err(FsError::Invalid(format!("order_by: unknown key {other:?}"))),
        };
        let desc = match direction.unwrap_or("asc") {
            "asc" => false,
            "desc" => true,
            other => {
                return Err(FsError::Invalid(format!(
                    "order_direction: expected asc or desc, got {other:?}"
                )));
            }
        };
        Ok(Order { by, desc })
    }
}

/// One page of a folder's children: folders first, then files, each by `order`, ties by
/// node id; `offset` rows skipped. Answers the page and whether more rows follow.
pub async fn children(
    db: &impl ConnectionTrait,
    folder: &Found,
    order: Order,
    offset: u64,
    limit: u64,
) -> Result<(Vec<snapshot_node::Model>, bool), FsError> {
    use sea_orm::Order as O;
    let dir = if order.desc { O::Desc } else { O::Asc };
    let column = match order.by {
        "size" => snapshot_node::Column::Size,
        "updated_at" => snapshot_node::Column::UpdatedAt,
        "created_at" => snapshot_node::Column::CreatedAt,
        _ => snapshot_node::Column::Name,
    };
    let mut rows = snapshot_node::Entity::find()
        .filter(snapshot_node::Column::SnapshotId.eq(folder.snapshot.id))
        .filter(snapshot_node::Column::ParentNodeId.eq(folder.node.node_id))
        // Folders (type 1) before files (type 0).
        .order_by(snapshot_node::Column::Type, O::Desc)
        .order_by(column, dir.clone())
        .order_by(snapshot_node::Column::NodeId, dir)
        .offset(offset)
        .limit(limit + 1)
        .all(db)
        .await?;
    let more = rows.len() as u64 > limit;
    rows.truncate(limit as usize);
    Ok((rows, more))
}

/// Number of children of a folder node.
pub async fn count_children(db: &impl ConnectionTrait, folder: &Found) -> Result<u64, FsError> {
    use sea_orm::PaginatorTrait;
    Ok(snapshot_node::Entity::find()
        .filter(snapshot_node::Column::SnapshotId.eq(folder.snapshot.id))
        .filter(snapshot_node::Column::ParentNodeId.eq(folder.node.node_id))
        .count(db)
        .await?)
}
