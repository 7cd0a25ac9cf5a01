//! The WebDAV status of a failure: the one place where file-system and upload errors become
//! a [`DavFsError`] (which dav-server turns into the HTTP status).

use dav_server::fs::FsError as DavFsError;

use crate::{
    fs::{error::FsError, lock::LockError},
    storage::StorageError,
    upload::UploadError,
};

/// A file-system failure as a WebDAV status.
pub fn fs_err(err: FsError) -> DavFsError {
    match err {
        FsError::NotFound | FsError::ParentNotExist | FsError::InTrash => DavFsError::NotFound,
        FsError::Exists(_) => DavFsError::Exists,
        FsError::InsufficientCapacity => DavFsError::InsufficientStorage,
        FsError::Lock(LockError::Db(e)) | FsError::Db(e) => {
            tracing::warn!(error = %e, "WebDAV request failed");
            DavFsError::GeneralFailure
        }
        _ => DavFsError::Forbidden,
    }
}

/// A failed write (`PUT`) as a WebDAV status: what the policy refuses is 403 or 413, a
/// storage that ran out of room 507 (RFC 4918 §11.5), and the file-system rules answer as
/// they do for every other method.
pub fn upload_err(err: UploadError) -> DavFsError {
    match err {
        UploadError::Fs(e) => fs_err(e),
        UploadError::TooLarge { .. } | UploadError::EditTooLarge { .. } => DavFsError::TooLarge,
        UploadError::UploadOngoing | UploadError::NameRefused(_) => DavFsError::Forbidden,
        UploadError::Storage(StorageError::NoSpace(_)) => DavFsError::InsufficientStorage,
        other => {
            tracing::warn!(error = %other, "WebDAV write failed");
            DavFsError::GeneralFailure
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn writes_answer_as_the_policy_and_the_file_system_say() {
        let cases = [
            (UploadError::TooLarge { limit: 1 }, DavFsError::TooLarge),
            (
                UploadError::NameRefused(String::new()),
                DavFsError::Forbidden,
            ),
            (UploadError::UploadOngoing, DavFsError::Forbidden),
            (
                FsError::InsufficientCapacity.into(),
                DavFsError::InsufficientStorage,
            ),
            (
                StorageError::NoSpace("full".into()).into(),
                DavFsError::InsufficientStorage,
            ),
            (FsError::Exists("a".into()).into(), DavFsError::Exists),
            (FsError::ParentNotExist.into(), DavFsError::NotFound),
            (
                FsError::IllegalName("a".into()).into(),
                DavFsError::Forbidden,
            ),
            (FsError::NoPermission("no").into(), DavFsError::Forbidden),
            (UploadError::GroupCannotUpload, DavFsError::GeneralFailure),
            (UploadError::Stopped, DavFsError::GeneralFailure),
        ];
        for (err, want) in cases {
            let text = err.to_string();
            assert_eq!(upload_err(err), want, "{text}");
        }
    }
}
