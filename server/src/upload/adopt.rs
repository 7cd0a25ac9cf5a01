//! Adopting a blob already in storage as a new file (the import task): the file, its one
//! version pointing at the blob, missing parent folders and the owner's storage charge, in
//! one owner transaction. Never over an existing entry: a taken name changes nothing.

use sea_orm::{DatabaseConnection, DatabaseTransaction};
use stratus_entity::file;

use super::{
    UploadError,
    rows::{self, insert_file_with_version},
};
use crate::fs::{journal, path, quota, tree, tx, uri::FileUri};

/// A stored blob to publish at `uri` (a `my` URI of `owner`).
pub struct Adopt<'a> {
    pub owner: i64,
    /// The owner's group quota.
    pub max_storage: i64,
    pub uri: &'a FileUri,
    pub key: &'a str,
    pub size: i64,
    pub policy_id: i64,
}

/// What [`adopt`] did.
pub enum Adopted {
    /// The new file.
    New(file::Model),
    /// Something is at `uri` already (or a file where a folder on the way should be); it is
    /// returned when it is a file, so the caller can tell an earlier adoption of the same blob.
    Taken(Option<file::Model>),
}

/// Publishes `a.key` as a new file at `a.uri`, unless the name is taken.
pub async fn adopt(db: &DatabaseConnection, a: Adopt<'_>) -> Result<Adopted, UploadError> {
    let name = a
        .uri
        .name()
        .ok_or_else(|| UploadError::Invalid("the target is the root".into()))?
        .to_owned();
    let txn = tx::begin(db, a.owner).await?;
    let outcome = write(&txn, &a, &name).await;
    // Ended here, not on drop: a transaction dropped on SQLite would keep the write lock
    // until its connection is used again.
    match outcome {
        Ok(Adopted::New(file)) => {
            txn.commit().await?;
            Ok(Adopted::New(file))
        }
        other => {
            txn.rollback().await?;
            other
        }
    }
}

async fn write(
    txn: &DatabaseTransaction,
    a: &Adopt<'_>,
    name: &str,
) -> Result<Adopted, UploadError> {
    tree::ensure_unlocked(txn, a.owner, a.uri, false, &[]).await?;
    let mut known = path::chain(txn, a.owner, a.uri.segments()).await?;
    if known.len() == a.uri.segments().len() + 1 {
        let existing = known.pop().filter(|f| f.r#type == file::kind::FILE);
        return Ok(Adopted::Taken(existing));
    }
    if known
        .last()
        .is_some_and(|f| f.r#type != file::kind::FOLDER || f.is_symbolic)
    {
        return Ok(Adopted::Taken(None));
    }
    quota::charge(txn, a.owner, a.size, a.max_storage).await?;
    if known.is_empty() {
        known.push(path::insert_root(txn, a.owner).await?);
    }
    let mut changes = Vec::new();
    let parent = rows::ensure_parents(txn, a.owner, known, a.uri, &mut changes).await?;
    let file = insert_file_with_version(
        txn,
        a.owner,
        parent,
        name,
        (a.key, a.size, a.policy_id),
        a.owner,
    )
    .await?;
    changes.push(journal::created(&file, a.uri));
    journal::record(txn, &changes).await?;
    Ok(Adopted::New(file))
}
