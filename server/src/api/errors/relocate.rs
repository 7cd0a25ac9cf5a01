//! [`RelocateError`] as envelope codes.

use crate::{
    api::envelope::{ApiError, ErrorCode},
    relocate::RelocateError,
};

impl From<RelocateError> for ApiError {
    fn from(err: RelocateError) -> Self {
        let msg = err.to_string();
        use RelocateError as R;
        match err {
            R::Invalid(_) => ApiError::new(ErrorCode::ParamError, msg),
            R::PolicyNotFound => ApiError::code(ErrorCode::PolicyNotExist),
            R::PolicyNotAllowed => ApiError::new(ErrorCode::NoPermission, msg),
            R::NotOwner => ApiError::new(ErrorCode::NoPermission, msg),
            R::Fs(e) => e.into(),
            R::Queue(e) => e.into(),
            R::Db(e) => e.into(),
        }
    }
}
