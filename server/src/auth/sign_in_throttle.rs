//! The one throttle of guessed credentials, at every door: password sign-in through the API
//! (with its 2FA, passkey, reset and password-change steps), WebDAV and Nextcloud Basic
//! sign-in, S3 signatures, and SFTP sign-in. Each failure is an audit-log row
//! (`USER_LOGIN_FAILED`, `WEBDAV_LOGIN_FAILED`, `S3_LOGIN_FAILED`, `SFTP_LOGIN_FAILED`) with the client's address as [`Client`] found it
//! (behind a trusted proxy, the forwarded one), so every instance counts the same rows, and a
//! failure at one door counts at the others. Three counts over the last [`WINDOW_SECS`]:
//!
//! - per address, whatever the account: [`ADDRESS_LIMIT`] failures refuse that address;
//! - per address and account: [`MAX_FAILURES`] refuse that address for that account;
//! - per account, from any address: [`MAX_FAILURES`] wrong passwords (API failures only)
//!   refuse only what a guesser could be trying, the account's own password from an address
//!   that never signed in to the account.
//!   Secrets the server issued (WebDAV account and app passwords, S3 keys) cannot be guessed,
//!   so they are never refused by it: nobody can lock a user's drives and devices out from
//!   somewhere else.
//!
//! A lock ends when the failure that made it leaves the window. Its start is an audit event
//! (`SIGN_IN_LOCKED`), and the user sees the locks on the account in Settings ([`locks_of`]).

use chrono::{DateTime, Duration, Utc};
use sea_orm::{
    ColumnTrait, ConnectionTrait, DbErr, EntityTrait, PaginatorTrait, QueryFilter, QueryOrder,
    QuerySelect, Select,
};
use stratus_entity::event;

use super::error::AuthError;
use crate::events::{self, Client, kind};

/// Failures allowed inside the window for one account (from one address, or from all).
pub const MAX_FAILURES: u64 = 10;
/// Failures allowed inside the window from one address, whatever the accounts.
pub const ADDRESS_LIMIT: u64 = 3 * MAX_FAILURES;
/// The sliding window.
pub const WINDOW_SECS: i64 = 600;
/// Addresses listed per account in Settings.
const LISTED: u64 = 20;

/// The failures every door records.
const FAILED: [i32; 4] = [
    kind::USER_LOGIN_FAILED,
    kind::WEBDAV_LOGIN_FAILED,
    kind::S3_LOGIN_FAILED,
    kind::SFTP_LOGIN_FAILED,
];

fn window() -> Duration {
    Duration::seconds(WINDOW_SECS)
}

/// Where a credential was tried.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Door {
    /// The API's password sign-in and its further steps: the account's own password.
    Api,
    /// WebDAV and Nextcloud Basic sign-in: WebDAV account and app passwords.
    Dav,
    /// S3 request signatures.
    S3,
    /// SFTP sign-in with an SSH key or a password the server issued: like [`Door::Dav`],
    /// locked per address and per address and account, never account-wide. (A sign-in with
    /// the account's own password is [`Door::Api`]'s, so the account-wide lock covers it.)
    Sftp,
}

impl Door {
    fn failed_kind(self) -> i32 {
        match self {
            Door::Api => kind::USER_LOGIN_FAILED,
            Door::Dav => kind::WEBDAV_LOGIN_FAILED,
            Door::S3 => kind::S3_LOGIN_FAILED,
            Door::Sftp => kind::SFTP_LOGIN_FAILED,
        }
    }

    fn name(self) -> &'static str {
        match self {
            Door::Api => "api",
            Door::Dav => "webdav",
            Door::S3 => "s3",
            Door::Sftp => "sftp",
        }
    }
}

/// What a lock holds shut.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Scope {
    /// Every account, from this address.
    Address(String),
    /// This account, from this address.
    AddressAccount(String, i64),
    /// This account's password, from addresses that never signed in to it.
    Account(i64),
}

impl Scope {
    fn filter(&self, query: Select<event::Entity>) -> Select<event::Entity> {
        match self {
            Scope::Address(ip) => query.filter(event::Column::Ip.eq(ip.as_str())),
            Scope::AddressAccount(ip, user) => query
                .filter(event::Column::Ip.eq(ip.as_str()))
                .filter(event::Column::UserId.eq(*user)),
            // Only guesses of the account's own password: the other doors' secrets are the
            // server's, and failing at them says nothing of the password.
            Scope::Account(user) => query
                .filter(event::Column::UserId.eq(*user))
                .filter(event::Column::Type.eq(kind::USER_LOGIN_FAILED)),
        }
    }

    fn limit(&self) -> u64 {
        match self {
            Scope::Address(_) => ADDRESS_LIMIT,
            _ => MAX_FAILURES,
        }
    }

    fn name(&self) -> &'static str {
        match self {
            Scope::Address(_) => "address",
            Scope::AddressAccount(..) => "address_account",
            Scope::Account(_) => "account",
        }
    }
}

/// A lock in force.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Locked {
    pub scope: Scope,
    /// When it ends, unless more failures come.
    pub until: DateTime<Utc>,
}

impl Locked {
    /// Seconds until it ends, for `Retry-After`.
    pub fn retry_after(&self) -> i64 {
        (self.until - Utc::now())
            .num_seconds()
            .clamp(1, WINDOW_SECS)
    }
}

fn failures_since(since: DateTime<Utc>) -> Select<event::Entity> {
    event::Entity::find()
        .filter(event::Column::Type.is_in(FAILED))
        .filter(event::Column::CreatedAt.gt(since))
}

/// The lock on `scope`, if it holds: it ends when the failure that reached the limit, the
/// limit-th newest in the window, leaves the window.
async fn lock_on(db: &impl ConnectionTrait, scope: Scope) -> Result<Option<Locked>, DbErr> {
    let nth: Option<DateTime<Utc>> = scope
        .filter(failures_since(Utc::now() - window()))
        .select_only()
        .column(event::Column::CreatedAt)
        .order_by_desc(event::Column::CreatedAt)
        .offset(scope.limit() - 1)
        .limit(1)
        .into_tuple()
        .one(db)
        .await?;
    Ok(nth.map(|at| Locked {
        scope,
        until: at + window(),
    }))
}

/// Whether the account was ever signed in to from this address with its password.
async fn signed_in_from(db: &impl ConnectionTrait, user: i64, ip: &str) -> Result<bool, DbErr> {
    let found = event::Entity::find()
        .filter(event::Column::Type.eq(kind::USER_LOGIN))
        .filter(event::Column::UserId.eq(user))
        .filter(event::Column::Ip.eq(ip))
        .count(db)
        .await?;
    Ok(found > 0)
}

/// The lock that refuses a credential tried at `door` for `user` from `client`, checked before
/// the credential is (so a refusal tells nothing of whether it was right).
pub async fn locked(
    db: &impl ConnectionTrait,
    door: Door,
    user: Option<i64>,
    client: &Client,
) -> Result<Option<Locked>, DbErr> {
    if let Some(ip) = client.ip.as_deref() {
        if let Some(lock) = lock_on(db, Scope::Address(ip.to_owned())).await? {
            return Ok(Some(lock));
        }
        if let Some(user) = user
            && let Some(lock) = lock_on(db, Scope::AddressAccount(ip.to_owned(), user)).await?
        {
            return Ok(Some(lock));
        }
    }
    let Some(user) = user.filter(|_| door == Door::Api) else {
        return Ok(None);
    };
    let Some(lock) = lock_on(db, Scope::Account(user)).await? else {
        return Ok(None);
    };
    let known = match client.ip.as_deref() {
        Some(ip) => signed_in_from(db, user, ip).await?,
        None => false,
    };
    Ok((!known).then_some(lock))
}

/// [`locked`] for the API's steps, as the error they answer.
pub async fn check(
    db: &impl ConnectionTrait,
    user: Option<i64>,
    client: &Client,
) -> Result<(), AuthError> {
    match locked(db, Door::Api, user, client).await? {
        Some(lock) => Err(AuthError::Throttled {
            retry_after: lock.retry_after(),
        }),
        None => Ok(()),
    }
}

/// Records a failed step of the API's sign-in (`method`: password, ldap, 2fa, passkey, reset).
pub async fn fail(db: &impl ConnectionTrait, user: Option<i64>, client: &Client, method: &str) {
    let content = serde_json::json!({ "method": method });
    record_failure(db, Door::Api, user, client, content).await;
}

/// Records a failed attempt at `door` (`content` says what was tried, never a secret); when it
/// starts a lock, that is recorded too.
pub async fn record_failure(
    db: &impl ConnectionTrait,
    door: Door,
    user: Option<i64>,
    client: &Client,
    content: serde_json::Value,
) {
    events::record(db, door.failed_kind(), user, client, Some(content)).await;
    let mut scopes = Vec::new();
    if let Some(ip) = &client.ip {
        scopes.push(Scope::Address(ip.clone()));
        scopes.extend(user.map(|u| Scope::AddressAccount(ip.clone(), u)));
    }
    scopes.extend(user.map(Scope::Account));
    for scope in scopes {
        if let Err(e) = record_start(db, door, user, client, scope).await {
            tracing::warn!(error = %e, "could not check a sign-in lock");
        }
    }
}

/// Records `SIGN_IN_LOCKED` when the failure just recorded is the one that reached the limit.
async fn record_start(
    db: &impl ConnectionTrait,
    door: Door,
    user: Option<i64>,
    client: &Client,
    scope: Scope,
) -> Result<(), DbErr> {
    let n = scope
        .filter(failures_since(Utc::now() - window()))
        .count(db)
        .await?;
    if n != scope.limit() {
        return Ok(());
    }
    let until = Utc::now() + window();
    let content = serde_json::json!({
        "scope": scope.name(),
        "door": door.name(),
        "until": until.to_rfc3339(),
    });
    events::record(db, kind::SIGN_IN_LOCKED, user, client, Some(content)).await;
    Ok(())
}

/// The locks on `user`'s account now: the account-wide one, then one per address, soonest
/// ending first.
pub async fn locks_of(db: &impl ConnectionTrait, user: i64) -> Result<Vec<Locked>, DbErr> {
    let mut locks: Vec<Locked> = lock_on(db, Scope::Account(user))
        .await?
        .into_iter()
        .collect();
    let busy: Vec<(Option<String>, i64)> = failures_since(Utc::now() - window())
        .filter(event::Column::UserId.eq(user))
        .filter(event::Column::Ip.is_not_null())
        .select_only()
        .column(event::Column::Ip)
        .column_as(event::Column::Id.count(), "n")
        .group_by(event::Column::Ip)
        .into_tuple()
        .all(db)
        .await?;
    let mut by_address = Vec::new();
    for ip in busy
        .into_iter()
        .filter(|(_, n)| *n as u64 >= MAX_FAILURES)
        .filter_map(|(ip, _)| ip)
        .take(LISTED as usize)
    {
        by_address.extend(lock_on(db, Scope::AddressAccount(ip, user)).await?);
    }
    by_address.sort_by_key(|l| l.until);
    locks.extend(by_address);
    Ok(locks)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_doors_failures_count_at_every_door() {
        let doors = [Door::Api, Door::Dav, Door::S3, Door::Sftp];
        for door in doors {
            assert!(FAILED.contains(&door.failed_kind()), "{door:?}");
        }
        let names: std::collections::BTreeSet<_> = doors.iter().map(|d| d.name()).collect();
        assert_eq!(names.len(), doors.len());
    }
}
