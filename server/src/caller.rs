//! Who a request acts as: an account with its group as they are now, or nobody, and whether an
//! account may act at all. These are plain values below the file system, which sizes a walk by
//! the caller's group; resolving them from a token or a password is `auth`'s work.

use std::sync::Arc;

use stratus_entity::{group, user};

use crate::boolset::{Boolset, group_perm};

/// The group of callers who are not signed in (created on first start).
pub const ANONYMOUS_GROUP: i64 = 3;

/// A signed-in caller: the account and its group as they are now.
#[derive(Debug)]
pub struct SignedIn {
    pub user: user::Model,
    pub group: group::Model,
    /// The session chain of the access token; `None` for WebDAV and signed links.
    pub session: Option<uuid::Uuid>,
}

impl SignedIn {
    /// The group's permission bits.
    pub fn permissions(&self) -> Boolset {
        Boolset::from_bytes(self.group.permissions.clone())
    }

    /// Whether the group grants administrator rights.
    pub fn is_admin(&self) -> bool {
        self.permissions().enabled(group_perm::IS_ADMIN)
    }

    /// How many of something the group lets a member hold: the group setting `key` (e.g.
    /// `max_queued_tasks`), else `default`; `None` when it is 0, no cap.
    pub fn group_cap(&self, key: &str, default: u64) -> Option<u64> {
        let cap = self
            .group
            .settings
            .get(key)
            .and_then(|v| v.as_u64())
            .unwrap_or(default);
        (cap > 0).then_some(cap)
    }
}

/// Who is calling.
#[derive(Debug, Clone)]
pub enum Caller {
    Anonymous,
    User(Arc<SignedIn>),
}

/// A route that needs a session was called without one.
#[derive(Debug, Clone, Copy, thiserror::Error)]
#[error("login required")]
pub struct LoginRequired;

impl Caller {
    /// The signed-in caller, or [`LoginRequired`] for routes that need a session.
    pub fn signed_in(&self) -> Result<&SignedIn, LoginRequired> {
        match self {
            Caller::User(u) => Ok(u),
            Caller::Anonymous => Err(LoginRequired),
        }
    }

    /// The caller's user id, if signed in.
    pub fn user_id(&self) -> Option<i64> {
        match self {
            Caller::User(u) => Some(u.user.id),
            Caller::Anonymous => None,
        }
    }
}

/// Why an account may not act.
#[derive(Debug, Clone, Copy, PartialEq, Eq, thiserror::Error)]
pub enum Refused {
    /// Banned by an administrator or by the system.
    #[error("the account is banned")]
    Banned,
    /// The e-mail address has not been confirmed yet.
    #[error("the account is not activated")]
    NotActivated,
}

/// Whether `user` may sign in or act through a session, a WebDAV account or a signed link.
pub fn ensure_can_sign_in(user: &user::Model) -> Result<(), Refused> {
    match user.status.as_str() {
        user::status::MANUAL_BANNED | user::status::SYS_BANNED => Err(Refused::Banned),
        user::status::INACTIVE => Err(Refused::NotActivated),
        _ => Ok(()),
    }
}
