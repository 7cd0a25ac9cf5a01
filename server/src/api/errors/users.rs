//! [`UsersError`] as envelope codes.

use crate::{
    api::envelope::{ApiError, ErrorCode},
    users::UsersError,
};

impl From<UsersError> for ApiError {
    fn from(err: UsersError) -> Self {
        match err {
            UsersError::InvalidEmail | UsersError::UnsafeEmail | UsersError::InvalidPassword => {
                ApiError::new(ErrorCode::ParamError, err.to_string())
            }
            UsersError::EmailTaken => ApiError::code(ErrorCode::EmailExisted),
            UsersError::EmailLookAlike => ApiError::new(ErrorCode::EmailExisted, err.to_string()),
            UsersError::UserNotFound => ApiError::code(ErrorCode::UserNotFound),
            UsersError::GroupNotFound(_) => ApiError::code(ErrorCode::GroupNotFound),
            UsersError::Db(e) => e.into(),
            UsersError::Other(e) => ApiError::code(ErrorCode::EncryptError).with_cause(e),
        }
    }
}
