//! [`FsError`], [`LockError`] and [`UriError`] as envelope codes.

use serde_json::{Value, json};
use stratus_entity::file;

use crate::{
    api::envelope::{ApiError, ErrorCode},
    auth::share_throttle,
    fs::{
        error::FsError,
        lock::{LockError, LockInfo},
        uri::UriError,
    },
};

impl From<FsError> for ApiError {
    fn from(err: FsError) -> Self {
        match err {
            FsError::NotFound => ApiError::code(ErrorCode::NotFound),
            FsError::ParentNotExist => ApiError::code(ErrorCode::ParentNotExist),
            FsError::Exists(_) | FsError::PinnedUnderOtherName => {
                ApiError::new(ErrorCode::ObjectExisted, err.to_string())
            }
            FsError::IllegalName(_) => ApiError::new(ErrorCode::IllegalObjectName, err.to_string()),
            FsError::LoginRequired => ApiError::code(ErrorCode::LoginRequired),
            FsError::NoPermission(msg) => ApiError::new(ErrorCode::NoPermission, msg),
            FsError::OwnerOnly => ApiError::code(ErrorCode::OwnerOnly),
            FsError::VersionNotFound => ApiError::new(ErrorCode::EntityNotExist, err.to_string()),
            FsError::RootProtected => ApiError::code(ErrorCode::RootProtected),
            FsError::InTrash => ApiError::code(ErrorCode::FileInTrash),
            FsError::Invalid(msg) => ApiError::new(ErrorCode::ParamError, msg),
            FsError::InsufficientCapacity => ApiError::code(ErrorCode::InsufficientCapacity),
            FsError::WalkLimit => ApiError::code(ErrorCode::WalkLimit),
            FsError::ShareInvalid => ApiError::code(ErrorCode::ShareLinkNotFound),
            FsError::SharePassword => ApiError::code(ErrorCode::IncorrectPassword),
            FsError::ShareThrottled => share_throttled(),
            FsError::ShareAnonymousDenied => {
                ApiError::new(ErrorCode::AnonymousAccessDenied, err.to_string())
            }
            FsError::SaveOwnShare => ApiError::code(ErrorCode::SaveOwnShare),
            FsError::ShareUploadOnly => ApiError::new(ErrorCode::NoPermission, err.to_string()),
            FsError::Guarded(msg) => ApiError::new(ErrorCode::GuardStopped, msg),
            FsError::Lock(e) => e.into(),
            FsError::Db(e) => e.into(),
        }
    }
}

/// 40069 with the minutes to wait and `Retry-After`.
fn share_throttled() -> ApiError {
    ApiError::new(
        ErrorCode::SharePasswordThrottled,
        format!(
            "Too many wrong passwords; try again in {} minutes",
            share_throttle::WINDOW_SECS / 60
        ),
    )
    .with_retry_after(share_throttle::WINDOW_SECS as u64)
}

impl From<LockError> for ApiError {
    fn from(err: LockError) -> Self {
        match err {
            LockError::Conflict(locks) => ApiError::code(ErrorCode::LockConflict)
                .with_data(Value::Array(locks.iter().map(conflict_entry).collect())),
            LockError::NotFound | LockError::Expired => {
                ApiError::code(ErrorCode::LockTokenExpired).with_cause(err)
            }
            LockError::Db(err) => ApiError::from(err),
        }
    }
}

/// One entry of the 40073 `data` array: `{path, token, owner, type}`.
fn conflict_entry(lock: &LockInfo) -> Value {
    json!({
        "path": lock.path.to_cloudreve_uri(),
        "token": lock.token,
        "owner": lock.owner(),
        "type": if lock.folder { file::kind::FOLDER } else { file::kind::FILE },
    })
}

impl From<UriError> for ApiError {
    fn from(err: UriError) -> Self {
        match err {
            UriError::Malformed(_) => ApiError::new(ErrorCode::ParamError, err.to_string()),
            UriError::IllegalName(_) => {
                ApiError::new(ErrorCode::IllegalObjectName, err.to_string())
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn uri_errors_have_their_codes() {
        let e: ApiError = UriError::Malformed("x".into()).into();
        assert_eq!(e.error_code().code(), 40001);
        let e: ApiError = UriError::IllegalName("x".into()).into();
        assert_eq!(e.error_code().code(), 40052);
    }
}
