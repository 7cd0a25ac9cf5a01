//! The WebDAV status of a failure, for every WebDAV path: `/dav` and the Nextcloud clients'
//! `/remote.php/…` (their tree, chunked uploads, trash bin and versions). One condition
//! answers one status everywhere (RFC 4918, and what Nextcloud's Sabre server answers):
//!
//! | condition                                 | status |
//! |-------------------------------------------|--------|
//! | not there (or not the caller's to know)   | 404    |
//! | a missing parent folder (PUT, MKCOL, MOVE) | 409   |
//! | the name is taken (MKCOL, a transfer)     | 405    |
//! | a lock held by another                    | 423    |
//! | over quota, storage full                  | 507    |
//! | larger than the policy allows             | 413    |
//! | refused: rights, read-only, name refused  | 403    |
//! | the database or storage failed            | 500    |
//!
//! The one deliberate difference is a guard refusal ([`FsError::Guarded`]): 423 on `/dav`
//! and 403 on the Nextcloud paths, whose clients take 423 for a file lock and stall.
//!
//! Inside dav-server a failure is a [`DavFsError`], which has no 409 or 423: [`fs_err`] gives
//! the nearest one (dav-server answers 409 itself for a missing parent, from `NotFound`, and
//! checks locks through its own lock system before the file system sees a write).

use dav_server::fs::FsError as DavFsError;
use poem::http::StatusCode;

use crate::{
    fs::{error::FsError, lock::LockError},
    storage::StorageError,
    upload::{UploadError, transfer::TransferError},
};

/// Which WebDAV paths answer: they differ only on a guard refusal.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Door {
    /// `/dav`.
    Dav,
    /// The Nextcloud clients' `/remote.php/…`.
    Nextcloud,
}

/// The status of a file-system failure on `door`.
pub fn status(err: &FsError, door: Door) -> StatusCode {
    match err {
        FsError::NotFound | FsError::InTrash | FsError::VersionNotFound | FsError::ShareInvalid => {
            StatusCode::NOT_FOUND
        }
        FsError::ParentNotExist => StatusCode::CONFLICT,
        FsError::Exists(_) => StatusCode::METHOD_NOT_ALLOWED,
        FsError::Lock(LockError::Conflict(_)) => StatusCode::LOCKED,
        // A lock token that is not (or no longer) there: the `If` header's precondition fails.
        FsError::Lock(LockError::NotFound | LockError::Expired) => StatusCode::PRECONDITION_FAILED,
        FsError::InsufficientCapacity => StatusCode::INSUFFICIENT_STORAGE,
        FsError::Guarded(_) if door == Door::Dav => StatusCode::LOCKED,
        FsError::Lock(LockError::Db(e)) | FsError::Db(e) => {
            tracing::warn!(error = %e, "WebDAV request failed");
            StatusCode::INTERNAL_SERVER_ERROR
        }
        FsError::Guarded(_)
        | FsError::IllegalName(_)
        | FsError::LoginRequired
        | FsError::NoPermission(_)
        | FsError::OwnerOnly
        | FsError::RootProtected
        | FsError::Invalid(_)
        | FsError::WalkLimit
        | FsError::SharePassword
        | FsError::ShareAnonymousDenied
        | FsError::ShareThrottled
        | FsError::ShareUploadOnly
        | FsError::PinnedUnderOtherName
        | FsError::SaveOwnShare => StatusCode::FORBIDDEN,
    }
}

/// The status of a failed write (a PUT, a chunk, the join of a chunked upload): what the
/// policy refuses is 403 or 413, a storage that ran out of room 507 (RFC 4918 §11.5), and the
/// file-system rules answer as they do for every other method.
pub fn upload_status(err: &UploadError, door: Door) -> StatusCode {
    match err {
        UploadError::Fs(e) => status(e, door),
        UploadError::TooLarge { .. } | UploadError::EditTooLarge { .. } => {
            StatusCode::PAYLOAD_TOO_LARGE
        }
        UploadError::UploadOngoing | UploadError::NameRefused(_) | UploadError::OwnerOnly => {
            StatusCode::FORBIDDEN
        }
        UploadError::Storage(StorageError::NoSpace(_)) => StatusCode::INSUFFICIENT_STORAGE,
        other => {
            tracing::warn!(error = %other, "WebDAV write failed");
            StatusCode::INTERNAL_SERVER_ERROR
        }
    }
}

/// The status of a failed step of a chunked upload's transfer.
pub fn transfer_status(err: &TransferError) -> StatusCode {
    match err {
        TransferError::NotFound => StatusCode::NOT_FOUND,
        TransferError::Exists => StatusCode::METHOD_NOT_ALLOWED,
        TransferError::NoSpace => StatusCode::INSUFFICIENT_STORAGE,
        TransferError::Io(e) => {
            tracing::warn!(error = %e, "chunked upload failed");
            StatusCode::INTERNAL_SERVER_ERROR
        }
    }
}

/// A file-system failure inside dav-server, on `/dav` or a Nextcloud client's tree.
pub fn fs_err(err: FsError) -> DavFsError {
    // The guard's refusal is a plain 403 inside dav-server on either door: the mount turns
    // it into its door's answer afterwards (`dav::tripped`).
    dav_fs_error(status(&err, Door::Nextcloud))
}

/// A failed write (`PUT`) inside dav-server.
pub fn upload_err(err: UploadError) -> DavFsError {
    dav_fs_error(upload_status(&err, Door::Nextcloud))
}

/// The dav-server error that answers `status`, or the nearest one: dav-server turns a
/// `NotFound` into 409 where a parent is missing, and has no 423 (its lock system answers
/// those before the file system is asked).
fn dav_fs_error(status: StatusCode) -> DavFsError {
    match status {
        StatusCode::NOT_FOUND | StatusCode::CONFLICT => DavFsError::NotFound,
        StatusCode::METHOD_NOT_ALLOWED => DavFsError::Exists,
        StatusCode::INSUFFICIENT_STORAGE => DavFsError::InsufficientStorage,
        StatusCode::PAYLOAD_TOO_LARGE => DavFsError::TooLarge,
        s if s.is_server_error() => DavFsError::GeneralFailure,
        _ => DavFsError::Forbidden,
    }
}

/// The name of Sabre's exception for `status`, as the Nextcloud clients read it in an error
/// body (`Sabre\DAV\Exception\<name>`).
pub fn exception(status: StatusCode) -> &'static str {
    match status {
        StatusCode::BAD_REQUEST => "BadRequest",
        StatusCode::FORBIDDEN => "Forbidden",
        StatusCode::NOT_FOUND => "NotFound",
        StatusCode::METHOD_NOT_ALLOWED => "MethodNotAllowed",
        StatusCode::CONFLICT => "Conflict",
        StatusCode::PRECONDITION_FAILED => "PreconditionFailed",
        StatusCode::PAYLOAD_TOO_LARGE => "EntityTooLarge",
        StatusCode::LOCKED => "Locked",
        StatusCode::INSUFFICIENT_STORAGE => "InsufficientStorage",
        StatusCode::BAD_GATEWAY => "BadGateway",
        _ => "ServiceUnavailable",
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Every condition answers one status on every WebDAV path, but the guard's refusal.
    #[test]
    fn one_condition_one_status_on_every_path() {
        let cases: Vec<(UploadError, StatusCode)> = vec![
            (FsError::NotFound.into(), StatusCode::NOT_FOUND),
            (FsError::InTrash.into(), StatusCode::NOT_FOUND),
            (FsError::VersionNotFound.into(), StatusCode::NOT_FOUND),
            (FsError::ParentNotExist.into(), StatusCode::CONFLICT),
            (
                FsError::Exists("a".into()).into(),
                StatusCode::METHOD_NOT_ALLOWED,
            ),
            (
                FsError::Lock(LockError::Conflict(Vec::new())).into(),
                StatusCode::LOCKED,
            ),
            (
                FsError::Lock(LockError::Expired).into(),
                StatusCode::PRECONDITION_FAILED,
            ),
            (
                FsError::InsufficientCapacity.into(),
                StatusCode::INSUFFICIENT_STORAGE,
            ),
            (
                StorageError::NoSpace("full".into()).into(),
                StatusCode::INSUFFICIENT_STORAGE,
            ),
            (
                UploadError::TooLarge { limit: 1 },
                StatusCode::PAYLOAD_TOO_LARGE,
            ),
            (
                FsError::IllegalName("a".into()).into(),
                StatusCode::FORBIDDEN,
            ),
            (
                UploadError::NameRefused(String::new()),
                StatusCode::FORBIDDEN,
            ),
            (
                FsError::Invalid("into itself".into()).into(),
                StatusCode::FORBIDDEN,
            ),
            (FsError::NoPermission("no").into(), StatusCode::FORBIDDEN),
            (UploadError::UploadOngoing, StatusCode::FORBIDDEN),
            (
                UploadError::GroupCannotUpload,
                StatusCode::INTERNAL_SERVER_ERROR,
            ),
            (UploadError::Stopped, StatusCode::INTERNAL_SERVER_ERROR),
        ];
        for (err, want) in cases {
            for door in [Door::Dav, Door::Nextcloud] {
                assert_eq!(upload_status(&err, door), want, "{err} on {door:?}");
            }
        }
    }

    #[test]
    fn a_guard_refusal_is_423_on_dav_and_403_for_nextcloud_clients() {
        let e = FsError::Guarded("stopped".into());
        assert_eq!(status(&e, Door::Dav), StatusCode::LOCKED);
        assert_eq!(status(&e, Door::Nextcloud), StatusCode::FORBIDDEN);
        // Inside dav-server it is a 403, which the `/dav` mount answers as 423 afterwards.
        assert_eq!(fs_err(e), DavFsError::Forbidden);
    }

    #[test]
    fn transfers_answer_as_the_file_system_does() {
        assert_eq!(
            transfer_status(&TransferError::NotFound),
            status(&FsError::NotFound, Door::Nextcloud)
        );
        assert_eq!(
            transfer_status(&TransferError::Exists),
            status(&FsError::Exists("t".into()), Door::Nextcloud)
        );
        assert_eq!(
            transfer_status(&TransferError::NoSpace),
            status(&FsError::InsufficientCapacity, Door::Nextcloud)
        );
    }

    /// Inside dav-server each status is its nearest dav-server error.
    #[test]
    fn dav_server_errors_follow_the_statuses() {
        let cases = [
            (FsError::NotFound, DavFsError::NotFound),
            (FsError::ParentNotExist, DavFsError::NotFound),
            (FsError::Exists("a".into()), DavFsError::Exists),
            (
                FsError::InsufficientCapacity,
                DavFsError::InsufficientStorage,
            ),
            (FsError::IllegalName("a".into()), DavFsError::Forbidden),
        ];
        for (err, want) in cases {
            let text = err.to_string();
            assert_eq!(fs_err(err), want, "{text}");
        }
        assert_eq!(
            upload_err(UploadError::TooLarge { limit: 1 }),
            DavFsError::TooLarge
        );
        assert_eq!(upload_err(UploadError::Stopped), DavFsError::GeneralFailure);
    }
}
