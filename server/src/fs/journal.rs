//! The changes each writer of the tree records in the change journal ([`super::changes`]), in
//! the transaction of the change itself, so that a crash neither loses nor invents one.
//! Writers record one change per item the operation names (a trashed folder's children are
//! not announced), in one batched insert per operation.

use stratus_entity::file;

use super::{
    changes::{self, Change, ChangeKind},
    error::FsError,
    uri::FileUri,
};

/// Whether (and how) a context's writes are journaled.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum Journal {
    /// Every change as it happens.
    #[default]
    Changes,
    /// Nothing: writes into a staging area no client is told about.
    Nothing,
    /// Only moves, each as a create at its destination: items leaving a staging area arrive
    /// as new items.
    Arrivals,
}

impl Journal {
    /// Whether plain writes (create, modify, rename, delete) are recorded.
    pub fn writes(self) -> bool {
        self == Journal::Changes
    }
}

/// A change of `file`, at the owner-absolute `path`.
pub fn change(kind: ChangeKind, file: &file::Model, path: &FileUri) -> Change {
    Change {
        owner_id: file.owner_id,
        file_id: file.id,
        kind,
        is_folder: file.r#type == file::kind::FOLDER,
        from: path.path(),
        to: None,
        actor: None,
    }
}

/// `file` created at `path`.
pub fn created(file: &file::Model, path: &FileUri) -> Change {
    change(ChangeKind::Create, file, path)
}

/// `file` created at the path of `segments` below the owner's root.
pub fn created_at(file: &file::Model, segments: &[String]) -> Change {
    Change {
        from: changes::path_from(segments),
        ..change(
            ChangeKind::Create,
            file,
            &FileUri::root(super::uri::FsKind::My, None),
        )
    }
}

/// New content of `file` at `path`.
pub fn modified(file: &file::Model, path: &FileUri) -> Change {
    change(ChangeKind::Modify, file, path)
}

/// `file` deleted from `path`.
pub fn deleted(file: &file::Model, path: &FileUri) -> Change {
    change(ChangeKind::Delete, file, path)
}

/// `file` renamed or moved from `from` to `to`.
pub fn renamed(file: &file::Model, from: &FileUri, to: &FileUri) -> Change {
    Change {
        to: Some(to.path()),
        ..change(ChangeKind::Rename, file, from)
    }
}

/// Records `changes` (nothing when empty) in `txn`.
pub async fn record(
    txn: &impl sea_orm::ConnectionTrait,
    changes: &[Change],
) -> Result<(), FsError> {
    if changes.is_empty() {
        return Ok(());
    }
    changes::record(txn, changes).await?;
    Ok(())
}

/// The owner-absolute path of `node`: its URI when the caller named it in a `my` tree (whose
/// paths are the owner's, whoever looks), else read from the tree in `txn`.
pub async fn path_of(
    txn: &impl sea_orm::ConnectionTrait,
    node: &super::nav::Node,
) -> Result<FileUri, FsError> {
    if node.uri.fs == super::uri::FsKind::My {
        return Ok(node.uri.clone());
    }
    super::nav::uri_of(txn, &node.file).await
}
