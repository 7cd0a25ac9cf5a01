//! What an administration service can fail with, in its own words. The API layer maps each
//! variant to an envelope code (`api::envelope`); nothing here knows about codes.

use sea_orm::DbErr;

/// Why an administration request was refused or failed.
#[derive(Debug, thiserror::Error)]
pub enum AdminError {
    /// A field of the request is missing, malformed or out of range; the text names it.
    #[error("{0}")]
    Invalid(String),
    /// No group has this id.
    #[error("group not found")]
    GroupNotFound,
    /// The admin, default and anonymous groups cannot be deleted.
    #[error("{0}")]
    SystemGroup(&'static str),
    /// The group still has this many users.
    #[error("the group still has {0} users")]
    GroupInUse(u64),
    /// No user has this id.
    #[error("user not found")]
    UserNotFound,
    /// Another account uses this e-mail address.
    #[error("e-mail address already in use")]
    EmailTaken,
    /// The change would remove the caller's own administrator rights or account, or the
    /// last administrator.
    #[error("{0}")]
    LastAdmin(&'static str),
    /// No storage policy has this id.
    #[error("storage policy not found")]
    PolicyNotFound,
    /// The default storage policy (id 1) cannot be deleted.
    #[error("the default storage policy cannot be deleted")]
    DefaultPolicy,
    /// The policy still holds this many blobs.
    #[error("the storage policy still has {0} files")]
    PolicyHasFiles(u64),
    /// These groups still use the policy.
    #[error("the storage policy is used by groups {0}")]
    PolicyInGroups(String),
    /// The storage refused the test write, read or delete; the driver's words.
    #[error("storage test failed: {0}")]
    PolicyTest(String),
    /// Stratus does not provide this (OneDrive OAuth, WOPI, a captcha it cannot verify...).
    #[error("{0}")]
    Unsupported(String),
    /// No node has this id.
    #[error("node not found")]
    NodeNotFound,
    /// The master node cannot be deleted.
    #[error("{0}")]
    SystemNode(&'static str),
    /// These storage policies keep their blobs on the node.
    #[error("the node is used by storage policies {0}")]
    NodeInUse(String),
    /// The node test failed; what went wrong.
    #[error("{0}")]
    NodeTest(String),
    /// No file or folder has this id.
    #[error("file not found")]
    FileNotFound,
    /// No entity (blob) has this id.
    #[error("entity not found")]
    EntityNotFound,
    /// The entity is still linked to files and `force` was not given.
    #[error("entity {0} is still used by {1} files; delete with force to unlink it")]
    EntityInUse(i64, u64),
    /// No share has this id.
    #[error("share not found")]
    ShareNotFound,
    /// No grant (sharing with people) has this id.
    #[error("grant not found")]
    GrantNotFound,
    /// No snapshot has this id.
    #[error("snapshot not found")]
    SnapshotNotFound,
    /// No audit event has this id.
    #[error("event not found")]
    EventNotFound,
    /// No task has this id.
    #[error("task not found")]
    TaskNotFound,
    /// A file with this name already exists in the target folder.
    #[error("an object named {0:?} already exists")]
    NameTaken(String),
    /// The test mail could not be sent; the SMTP error verbatim.
    #[error("{0}")]
    Mail(String),
    /// The bucket refused the CORS rule.
    #[error("{0}")]
    Cors(String),
    /// A storage operation failed.
    #[error("{0}")]
    Storage(String),
    /// Some items of a batch failed: (item id, why), the others were done.
    #[error("{} items of the batch failed", .0.len())]
    Batch(Vec<(String, AdminError)>),
    /// The database failed.
    #[error(transparent)]
    Db(#[from] DbErr),
}

impl AdminError {
    /// [`AdminError::Invalid`] with a message.
    pub fn invalid(msg: impl Into<String>) -> Self {
        Self::Invalid(msg.into())
    }
}

impl From<crate::fs::error::FsError> for AdminError {
    fn from(err: crate::fs::error::FsError) -> Self {
        use crate::fs::error::FsError as F;
        match err {
            F::Db(e) => AdminError::Db(e),
            F::NotFound => AdminError::FileNotFound,
            F::Exists(name) => AdminError::NameTaken(name),
            F::IllegalName(name) => AdminError::Invalid(format!("illegal name: {name}")),
            other => AdminError::Invalid(other.to_string()),
        }
    }
}

impl From<crate::users::UsersError> for AdminError {
    fn from(err: crate::users::UsersError) -> Self {
        use crate::users::UsersError as A;
        match err {
            A::InvalidEmail
            | A::InvalidPassword
            | A::UnsafeEmail
            | A::Field(_)
            | A::DirectoryPassword
            | A::ProviderPassword => AdminError::Invalid(err.to_string()),
            A::EmailTaken | A::EmailLookAlike => AdminError::EmailTaken,
            A::UserNotFound => AdminError::UserNotFound,
            A::GroupNotFound(_) => AdminError::GroupNotFound,
            A::Db(e) => AdminError::Db(e),
            A::Other(e) => AdminError::Storage(e.to_string()),
            // Registration, reset and the owner's settings; no admin operation runs them.
            A::RegistrationClosed
            | A::CaptchaWrong
            | A::BadSignature(_)
            | A::CannotActivate
            | A::ResetLinkInvalid
            | A::WrongPassword
            | A::TwoFaCodeWrong
            | A::Mail(_)
            | A::Auth(_) => AdminError::Storage(err.to_string()),
        }
    }
}
