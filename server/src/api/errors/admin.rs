//! [`AdminError`] as envelope codes.

use crate::{
    admin::AdminError,
    api::envelope::{ApiError, ErrorCode},
};

impl From<AdminError> for ApiError {
    fn from(err: AdminError) -> Self {
        use AdminError as A;
        let msg = err.to_string();
        match err {
            A::Invalid(_) | A::PolicyTest(_) | A::EntityInUse(..) | A::NodeTest(_) => {
                ApiError::new(ErrorCode::ParamError, msg)
            }
            A::GroupNotFound => ApiError::code(ErrorCode::GroupNotFound),
            A::SystemGroup(_) => ApiError::new(ErrorCode::InvalidActionOnSystemGroup, msg),
            A::GroupInUse(_) => ApiError::new(ErrorCode::GroupUsedByUser, msg),
            A::UserNotFound => ApiError::code(ErrorCode::UserNotFound),
            A::EmailTaken => ApiError::code(ErrorCode::EmailExisted),
            A::LastAdmin(_) => ApiError::new(ErrorCode::InvalidActionOnDefaultUserGeneric, msg),
            A::PolicyNotFound => ApiError::code(ErrorCode::PolicyNotExist),
            A::DefaultPolicy => ApiError::code(ErrorCode::DeleteDefaultPolicy),
            A::PolicyHasFiles(_) => ApiError::new(ErrorCode::PolicyUsedByFiles, msg),
            A::PolicyInGroups(_) => ApiError::new(ErrorCode::PolicyUsedByGroups, msg),
            A::NodeNotFound => ApiError::new(ErrorCode::NotFound, msg),
            A::SystemNode(_) => ApiError::new(ErrorCode::InvalidActionOnSystemNode, msg),
            // The names as data too, so a translated sentence can name them.
            A::NodeInUse(names) => {
                ApiError::new(ErrorCode::NodeUsedByPolicy, msg).with_data(names.into())
            }
            A::Unsupported(_) => ApiError::new(ErrorCode::FeatureNotEnabled, msg),
            A::FileNotFound => ApiError::code(ErrorCode::FileNotFound),
            A::EntityNotFound => ApiError::code(ErrorCode::EntityNotExist),
            A::ShareNotFound => ApiError::code(ErrorCode::ShareLinkNotFound),
            A::EventNotFound | A::TaskNotFound | A::SnapshotNotFound | A::GrantNotFound => {
                ApiError::new(ErrorCode::NotFound, msg)
            }
            A::NameTaken(_) => ApiError::new(ErrorCode::ObjectExisted, msg),
            A::Mail(_) => ApiError::new(ErrorCode::FailedSendEmail, msg),
            A::Cors(_) => ApiError::new(ErrorCode::AddCors, msg),
            A::Storage(_) => ApiError::new(ErrorCode::IoError, msg),
            A::Batch(items) => {
                let mut out = ApiError::new(ErrorCode::BatchOperationNotFullyCompleted, msg);
                for (id, item) in items {
                    out = out.with_item(id, &ApiError::from(item));
                }
                out
            }
            A::Db(e) => e.into(),
        }
    }
}
