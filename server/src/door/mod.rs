//! The door layer: every credential becomes one [`Caller`] here, below the edges, or a typed
//! [`Refusal`]. A web session or OAuth access token ([`session`]), an HTTP Basic WebDAV account
//! or app password ([`basic`]) and an S3 key ([`s3`]) are each checked once, and every path ends
//! in [`admitted`], which reads once whether the guard against mass deletion has stopped the
//! credential (`SignedIn::stopped`).
//!
//! What an edge gets is a [`SignedIn`] that carries everything the credential limits: the user
//! and group as they are now, the credential (kind, id; an OAuth client's credential is one per
//! user), the folder it is confined to and whether it is read-only (`Credential::reach`, applied
//! by `fs::reach`), the OAuth scopes, and why the guard stopped it. What an edge may not do: build
//! a `SignedIn` itself (the server's own work takes one from [`work`]), read the guard's incidents
//! for the caller's state instead of `stopped`, or sign a credential in otherwise than here. An
//! edge only turns the [`Refusal`] into its protocol's answer (401/403/429 with `Retry-After` on
//! WebDAV and Nextcloud, an S3 error, an API code).
//!
//! Caching, and how a revocation reaches every instance:
//! - Basic: a verified `e-mail, password` pair is remembered by its digest with the address it
//!   came from (a locked address gets no other address's verified pair) for five minutes
//!   (`auth::dav_cache::Logins`), and the user, group and account or app password it opened are
//!   read in one joined statement at most [`ROW_TTL`] old (`auth::dav_cache::SignedRows`): a
//!   warm request reads nothing, a cold one one statement. The instance that changes a user, a
//!   group, an account or an app password forgets its rows at once; the others read them again
//!   within [`ROW_TTL`] (one second).
//! - Session and OAuth tokens: the chain's liveness comes from `auth::session::Chains` (a
//!   `fresh_cache` forgotten at once by the instance that ends a chain, within its TTL
//!   elsewhere); the user and its group are one joined statement per request.
//! - S3 keys: the verified key is remembered by `auth::s3_key` (a deleted key is forgotten at
//!   once on its instance); its owner and group are one joined statement per request.
//! - The guard's state is read through `guard::incidents::open_for`, remembered per instance
//!   for a second, so a stop reaches every instance within a second.

pub mod basic;
pub mod s3;
pub mod session;
pub mod work;

use std::sync::Arc;

use sea_orm::DbErr;

pub use crate::auth::dav_cache::ROW_TTL;
pub use crate::caller::{Caller, SignedIn};
use crate::{caller::Refused, state::AppState};

/// Why a credential is not let in.
#[derive(Debug, thiserror::Error)]
pub enum Refusal {
    /// No credential, or one that names nothing known (an e-mail, a key id).
    #[error("unknown credential")]
    Unknown,
    /// The credential names an account, but the secret does not match.
    #[error("wrong secret")]
    WrongSecret,
    /// Too many failed sign-ins from the address lately; seconds to wait.
    #[error("too many failed sign-in attempts; try again in {retry_after} s")]
    Throttled { retry_after: u64 },
    /// The account is banned.
    #[error("the account is banned")]
    Banned,
    /// The account's e-mail address is not confirmed yet.
    #[error("the account is not activated")]
    NotActivated,
    /// The credential's time is over.
    #[error("the credential has expired")]
    Expired,
    /// The credential was revoked (a signed-out session, a deleted key or account).
    #[error("the credential was revoked")]
    Revoked,
    /// The account's group lacks the right this door needs, or the credential lost what it
    /// stands on (a key's folder); the reason is shown.
    #[error("{0}")]
    NotAllowed(&'static str),
    /// The door could not decide: the database failed.
    #[error(transparent)]
    Db(#[from] DbErr),
}

impl From<Refused> for Refusal {
    fn from(r: Refused) -> Self {
        match r {
            Refused::Banned => Refusal::Banned,
            Refused::NotActivated => Refusal::NotActivated,
        }
    }
}

/// The one end of every admission of a credential: the guard's verdict on it is read once
/// here and carried by the caller, for `fs` and the edges to refuse its writes.
pub async fn admitted(state: &AppState, mut me: SignedIn) -> Arc<SignedIn> {
    me.stopped = crate::guard::stopped(state, &me).await;
    Arc::new(me)
}
