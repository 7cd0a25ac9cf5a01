//! Saved shares inside a `my` mount (spec §10: symbolic shared folders are translated to the
//! share URI). A saved share is a symbolic entry of the caller's tree that names a share URI;
//! below it, a path goes on inside the share, as the share's visitor, read only. The entry
//! itself is the caller's own row: it can be renamed, moved or deleted like any other.

use dav_server::fs::FsError as DavFsError;
use stratus_entity::file;

use super::{error::fs_err, fs::DavFs};
use crate::fs::{
    error::FsError,
    nav::{self, Node},
    share_tree,
    uri::{FileUri, FsKind},
};

impl DavFs {
    /// What the saved share `entry` leads to, `rest` below it: the share's object, as the
    /// share shows it to this caller. Not found when the entry names no share or the share no
    /// longer opens (deleted, expired, password changed).
    pub(super) async fn through_link(
        &self,
        entry: &file::Model,
        rest: &[String],
    ) -> Result<Node, DavFsError> {
        let db = &self.0.state.db;
        let mut uri = match share_tree::saved_target(db, entry.id).await {
            Ok(Some(uri)) => uri,
            Ok(None) => return Err(DavFsError::NotFound),
            Err(e) => return Err(link_err(e)),
        };
        for name in rest {
            uri = uri.join(name).map_err(|_| DavFsError::NotFound)?;
        }
        self.in_share(&uri).await
    }

    /// The object at a share URI reached through a saved share.
    pub(super) async fn in_share(&self, uri: &FileUri) -> Result<Node, DavFsError> {
        let tokens = self.0.tokens();
        nav::resolve(&self.0.ctx(&tokens), uri)
            .await
            .map_err(link_err)
    }

    /// Refuses a change at `uri` when it lies inside a saved share: those objects are someone
    /// else's. The saved entry itself (the share's root) is the caller's and may change.
    pub(super) async fn ensure_own(&self, uri: &FileUri) -> Result<(), DavFsError> {
        match self.node(uri).await {
            Ok(node) if inside_share(&node) && !node.uri.is_root() => Err(DavFsError::Forbidden),
            _ => Ok(()),
        }
    }

    /// A listed row as the client should see it: a saved share shows what it leads to (a
    /// folder share is a collection to open), under the entry's own name and id. An entry
    /// whose share no longer opens is listed as it is.
    pub(super) async fn listed(&self, row: file::Model) -> file::Model {
        if !row.is_symbolic || self.0.root.fs != FsKind::My {
            return row;
        }
        match self.through_link(&row, &[]).await {
            Ok(node) => file::Model {
                r#type: node.file.r#type,
                size: node.file.size,
                primary_entity: node.file.primary_entity,
                created_at: node.file.created_at,
                updated_at: node.file.updated_at,
                tree_rev: node.file.tree_rev,
                ..row
            },
            Err(_) => row,
        }
    }
}

/// True for an object reached through a saved share in a `my` mount.
pub(super) fn inside_share(node: &Node) -> bool {
    node.uri.fs == FsKind::Share
}

/// A failure to follow a saved share: gone, as far as the client can tell, unless the
/// database failed.
fn link_err(e: FsError) -> DavFsError {
    match e {
        FsError::Db(_) => fs_err(e),
        _ => DavFsError::NotFound,
    }
}
