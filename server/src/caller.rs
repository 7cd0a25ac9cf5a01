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
    /// The client and scopes of a token issued through OAuth; `None` for every other caller,
    /// who is not limited by scopes.
    pub oauth: Option<OAuthToken>,
    /// The credential the request signed in with, which the guard against mass deletion
    /// watches; `None` for the server's own work (tasks, restores).
    pub credential: Option<Credential>,
    /// Why the guard against mass deletion has stopped that credential, read when the caller
    /// was admitted: a stopped credential may read, not write (`fs::reach::writable`).
    pub stopped: Option<String>,
}

/// Which credential acts: a WebDAV account, an app password (a sync device), an OAuth client,
/// an S3 key or a web session chain. Set where each entry point signs its caller in.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub struct Credential {
    pub kind: CredentialKind,
    /// The credential's own id: the row id, the OAuth client's GUID or the session chain.
    pub id: String,
    /// What the user calls it (the account or device name, the client's name).
    pub name: String,
    /// How far into the owner's drive it reaches: the whole drive unless it is confined.
    pub reach: Reach,
}

/// The part of its owner's drive a credential reaches, and whether it may write there: a
/// WebDAV account's folder and read-only option, an S3 key's folder. Every route that finds
/// a file otherwise than by a path below that folder (an id, a share, the trash) applies it
/// through `fs::reach`.
#[derive(Debug, Clone, Default, PartialEq, Eq, Hash)]
pub struct Reach {
    /// The folder the credential is confined to, a `cloudreve://` URI as its account stores
    /// it (a share's URI reaches nothing of the drive); `None`: the whole drive.
    pub root: Option<String>,
    /// The credential may read, not write.
    pub read_only: bool,
}

/// What a credential that is not confined reaches.
static WHOLE_DRIVE: Reach = Reach {
    root: None,
    read_only: false,
};

/// The kinds of [`Credential`].
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum CredentialKind {
    Webdav,
    AppPassword,
    Oauth,
    S3Key,
    Session,
}

impl CredentialKind {
    pub const ALL: [CredentialKind; 5] = [
        Self::Webdav,
        Self::AppPassword,
        Self::Oauth,
        Self::S3Key,
        Self::Session,
    ];

    /// The name stored and shown (`webdav`, `app_password`, `oauth`, `s3_key`, `session`).
    pub fn name(self) -> &'static str {
        match self {
            Self::Webdav => "webdav",
            Self::AppPassword => "app_password",
            Self::Oauth => "oauth",
            Self::S3Key => "s3_key",
            Self::Session => "session",
        }
    }

    pub fn parse(name: &str) -> Option<Self> {
        Self::ALL.into_iter().find(|k| k.name() == name)
    }
}

impl Credential {
    pub fn new(kind: CredentialKind, id: impl ToString, name: impl Into<String>) -> Self {
        Self {
            kind,
            id: id.to_string(),
            name: name.into(),
            reach: Reach::default(),
        }
    }

    /// The same credential confined to `reach`.
    pub fn within(self, reach: Reach) -> Self {
        Self { reach, ..self }
    }
}

/// What an OAuth-issued access token may do, and for which client.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct OAuthToken {
    /// The client's public id (GUID).
    pub client_id: String,
    pub scopes: Vec<String>,
}

impl OAuthToken {
    /// Whether the token holds `scope`; `X.Write` also passes for `X.Read`.
    pub fn allows(&self, scope: &str) -> bool {
        self.scopes.iter().any(|held| {
            held == scope
                || scope
                    .strip_suffix(".Read")
                    .is_some_and(|res| held.strip_suffix(".Write") == Some(res))
        })
    }

    /// The first of `required` the token lacks.
    pub fn missing<'a>(&self, required: &[&'a str]) -> Option<&'a str> {
        required.iter().copied().find(|s| !self.allows(s))
    }
}

impl SignedIn {
    /// The first of `required` scopes an OAuth token lacks; `None` when it holds them all or
    /// the caller did not sign in through OAuth.
    pub fn missing_scope<'a>(&self, required: &[&'a str]) -> Option<&'a str> {
        self.oauth.as_ref().and_then(|t| t.missing(required))
    }

    /// How far the credential the caller signed in with reaches (the whole drive when it is
    /// not confined, and for the server's own work).
    pub fn reach(&self) -> &Reach {
        self.credential
            .as_ref()
            .map_or(&WHOLE_DRIVE, |credential| &credential.reach)
    }

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

#[cfg(test)]
mod tests {
    use super::OAuthToken;

    #[test]
    fn write_implies_read_of_the_same_resource_only() {
        let t = OAuthToken {
            client_id: "c".into(),
            scopes: vec!["openid".into(), "Files.Write".into()],
        };
        assert!(t.allows("Files.Read") && t.allows("Files.Write") && t.allows("openid"));
        assert!(!t.allows("Shares.Read") && !t.allows("Files"));
        assert_eq!(t.missing(&["Files.Read", "Admin.Read"]), Some("Admin.Read"));
        let r = OAuthToken {
            client_id: "c".into(),
            scopes: vec!["Files.Read".into()],
        };
        assert!(!r.allows("Files.Write"));
    }
}
