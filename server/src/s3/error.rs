//! Where the drive's errors become S3 errors (the XML `<Error>` s3s writes): a missing object
//! is `NoSuchKey`, a refusal `AccessDenied`, a write past the free space `EntityTooLarge`.

use s3s::{S3Error, S3ErrorCode};

use crate::{fs::error::FsError, storage::StorageError, upload::UploadError};

fn with(code: S3ErrorCode, msg: impl Into<String>) -> S3Error {
    S3Error::with_message(code, msg.into())
}

/// An unexpected failure: logged here, answered as `InternalError` without its detail.
pub fn internal(e: impl std::fmt::Display) -> S3Error {
    tracing::warn!(error = %e, "S3 request failed");
    S3Error::new(S3ErrorCode::InternalError)
}

/// A file-system error of an object request.
pub fn fs(e: FsError) -> S3Error {
    let msg = e.to_string();
    match e {
        FsError::NotFound | FsError::ParentNotExist | FsError::InTrash => {
            S3Error::new(S3ErrorCode::NoSuchKey)
        }
        FsError::Exists(_) => with(S3ErrorCode::InvalidRequest, msg),
        FsError::IllegalName(_) | FsError::Invalid(_) | FsError::RootProtected => {
            with(S3ErrorCode::InvalidArgument, msg)
        }
        FsError::InsufficientCapacity => with(
            S3ErrorCode::EntityTooLarge,
            "the object does not fit in the free space of the drive",
        ),
        FsError::Lock(_) => with(S3ErrorCode::AccessDenied, "the object is locked"),
        FsError::Guarded(_) => with(S3ErrorCode::AccessDenied, msg),
        FsError::NoPermission(_) | FsError::OwnerOnly | FsError::LoginRequired => {
            with(S3ErrorCode::AccessDenied, msg)
        }
        FsError::WalkLimit => with(S3ErrorCode::InvalidRequest, msg),
        other => internal(other),
    }
}

/// A write's error.
pub fn upload(e: UploadError) -> S3Error {
    let msg = e.to_string();
    match e {
        UploadError::Fs(e) => fs(e),
        UploadError::TooLarge { .. } => with(S3ErrorCode::EntityTooLarge, msg),
        UploadError::Storage(StorageError::NoSpace(_)) => with(
            S3ErrorCode::EntityTooLarge,
            "the object does not fit in the free space of the drive",
        ),
        UploadError::NameRefused(_) | UploadError::Invalid(_) => {
            with(S3ErrorCode::InvalidArgument, msg)
        }
        UploadError::UploadOngoing | UploadError::OwnerOnly | UploadError::GroupCannotUpload => {
            with(S3ErrorCode::AccessDenied, msg)
        }
        other => internal(other),
    }
}

/// The error of a bucket-level request: a missing folder is `NoSuchBucket`.
pub fn bucket(e: FsError) -> S3Error {
    match e {
        FsError::NotFound | FsError::ParentNotExist => S3Error::new(S3ErrorCode::NoSuchBucket),
        other => fs(other),
    }
}
