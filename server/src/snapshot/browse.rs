//! Reading a snapshot: `cloudreve://<snapshot id>@snapshot/<path>` resolved to its node, a
//! folder's children a page at a time, and a node shown as the file it was. Only the owner
//! reaches a snapshot ([`crate::fs::snapshot_tree::open`]); everything here reads.
//!
//! Resolving a path and showing a node as the file it was live in the file system
//! ([`crate::fs::snapshot_tree`]), where the archive service reads them too.

use std::collections::HashMap;

use sea_orm::{ColumnTrait, ConnectionTrait, EntityTrait, QueryFilter, QueryOrder, QuerySelect};
use stratus_entity::snapshot_node;

use crate::fs::error::FsError;
pub use crate::fs::snapshot_tree::{Found, as_file, capability, resolve, root_node};

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
