//! Buckets: the folders directly in a key's folder. Making one makes the folder; deleting
//! one sends the (empty) folder to the trash.

use s3s::{S3Error, S3ErrorCode, S3Result, dto, s3_error};

use super::{access::Access, error, objects, path};
use crate::fs::{
    drive::children,
    error::FsError,
    nav,
    trash::{self, DeleteOptions},
    tree::{self, Kind},
};

/// The buckets of the key, in name order.
pub async fn list(acc: &Access) -> S3Result<Vec<dto::Bucket>> {
    let root = nav::resolve(&acc.ctx(), &acc.root)
        .await
        .map_err(error::fs)?;
    let rows = children::subfolders(&acc.state.db, root.file.id)
        .await
        .map_err(error::fs)?;
    Ok(rows
        .into_iter()
        .map(|f| dto::Bucket {
            name: Some(f.name),
            creation_date: Some(dto::Timestamp::from(std::time::SystemTime::from(
                f.created_at,
            ))),
            ..Default::default()
        })
        .collect())
}

/// Makes bucket `name`.
pub async fn create(acc: &Access, name: &str) -> S3Result<()> {
    acc.writable()?;
    let uri = path::bucket(&acc.root, name)?;
    match tree::create(&acc.ctx(), &uri, Kind::Folder, &[], true).await {
        Ok(_) => Ok(()),
        Err(FsError::Exists(_)) => Err(S3Error::new(S3ErrorCode::BucketAlreadyOwnedByYou)),
        Err(e) => Err(error::fs(e)),
    }
}

/// Deletes the empty bucket `name` (to the trash).
pub async fn delete(acc: &Access, name: &str) -> S3Result<()> {
    acc.writable()?;
    let node = objects::bucket_folder(acc, name).await?;
    let empty = children::is_empty(&acc.state.db, node.file.id)
        .await
        .map_err(error::fs)?;
    if !empty {
        return Err(s3_error!(BucketNotEmpty));
    }
    trash::delete(&acc.ctx(), &node.uri, DeleteOptions::default())
        .await
        .map_err(error::bucket)
}
