//! [`ImportError`] as envelope codes.

use crate::{
    api::envelope::{ApiError, ErrorCode},
    import::ImportError,
};

impl From<ImportError> for ApiError {
    fn from(err: ImportError) -> Self {
        let msg = err.to_string();
        use ImportError as I;
        match err {
            I::AdminOnly => ApiError::new(ErrorCode::NoPermission, msg),
            I::Invalid(_) | I::OutsideRoot | I::NotAFolder(_) => {
                ApiError::new(ErrorCode::ParamError, msg)
            }
            I::UserNotFound => ApiError::code(ErrorCode::UserNotFound),
            I::PolicyNotFound => ApiError::code(ErrorCode::PolicyNotExist),
            I::NotLocal => ApiError::new(ErrorCode::ParamError, msg),
            I::Db(e) => e.into(),
        }
    }
}
