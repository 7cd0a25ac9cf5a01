//! WebDAV accounts (`dav_accounts`): creating, listing, changing and finding them. An account
//! gives a WebDAV client a password (32 lowercase letters, unique per user) and confines it to
//! a root URI.

use rand::{TryRngCore, rngs::OsRng};
use stratus_entity::dav_account;

use crate::{
    auth::{
        caller::SignedIn,
        credentials,
        dav_accounts::{self as rows, NewAccount},
        error::AuthError,
    },
    boolset::{Boolset, dav_opt, group_perm},
    fs::uri::{FileUri, FsKind, UriError},
    ids::IdKind,
    state::AppState,
};

/// What managing WebDAV accounts can fail with (the wire code of each is chosen in
/// `api::errors::dav_account`).
#[derive(Debug, thiserror::Error)]
pub enum DavAccountError {
    /// The caller's group may not use WebDAV.
    #[error("your group cannot use WebDAV")]
    NotAllowed,
    /// The root URI is not usable.
    #[error(transparent)]
    Uri(#[from] UriError),
    /// The root URI carries a search query.
    #[error("uri: a WebDAV root cannot have a search query")]
    RootWithQuery,
    /// The root URI names another user's `my` tree.
    #[error("you cannot access another user's files")]
    OthersRoot,
    /// The root URI is neither `my` nor `share`.
    #[error("uri: a WebDAV root must be a \"my\" or \"share\" URI")]
    RootKind,
    /// The name is empty or too long.
    #[error("name: must be 1 to 255 characters")]
    BadName,
    /// No account with this id among the caller's.
    #[error("account not found")]
    NotFound,
    /// The page token names no account.
    #[error("next_page_token is invalid")]
    BadPageToken,
    /// The caller has as many accounts as the group's `max_dav_accounts`.
    #[error("at most {0} WebDAV accounts per user; delete one first")]
    TooMany(u64),
    /// The system's random source failed.
    #[error("{0}")]
    Random(String),
    /// Every password drawn was taken.
    #[error("could not draw a unique password")]
    NoUniquePassword,
    /// The database failed (through the account rows of `auth`).
    #[error(transparent)]
    Db(#[from] AuthError),
}

/// Length of a generated account password.
pub const PASSWORD_LEN: usize = 32;
/// Attempts at drawing a password the user does not already have.
const PASSWORD_ATTEMPTS: usize = 8;

/// What a client may set on an account.
#[derive(Debug, Clone)]
pub struct AccountInput {
    pub uri: String,
    pub name: String,
    pub readonly: bool,
    pub proxy: bool,
    pub block_junk: bool,
}

/// 32 lowercase letters from the operating system's CSPRNG (rejection sampling keeps the
/// letters uniform).
pub fn generate_password() -> Result<String, DavAccountError> {
    let mut out = String::with_capacity(PASSWORD_LEN);
    let mut buf = [0u8; 64];
    while out.len() < PASSWORD_LEN {
        OsRng
            .try_fill_bytes(&mut buf)
            .map_err(|e| DavAccountError::Random(e.to_string()))?;
        for b in buf {
            // 234 = 9 × 26: bytes above it would favour the first letters.
            if b < 234 && out.len() < PASSWORD_LEN {
                out.push(char::from(b'a' + b % 26));
            }
        }
    }
    Ok(out)
}

/// Checks the group may use WebDAV (group bit 3).
pub fn ensure_allowed(me: &SignedIn) -> Result<(), DavAccountError> {
    if me.permissions().enabled(group_perm::WEBDAV) {
        Ok(())
    } else {
        Err(DavAccountError::NotAllowed)
    }
}

/// Checks a root URI: a `my` URI of the caller or a `share` URI, without a search query.
pub fn validate_root(
    state: &AppState,
    me: &SignedIn,
    uri: &str,
) -> Result<FileUri, DavAccountError> {
    let parsed = FileUri::parse(uri)?;
    if parsed.query.is_some() {
        return Err(DavAccountError::RootWithQuery);
    }
    match parsed.fs {
        FsKind::My => {
            if let Some(id) = parsed.id.as_deref().filter(|id| !id.is_empty())
                && state.ids.decode(id, IdKind::User).ok() != Some(me.user.id)
            {
                return Err(DavAccountError::OthersRoot);
            }
            Ok(parsed)
        }
        FsKind::Share => Ok(parsed),
        _ => Err(DavAccountError::RootKind),
    }
}

fn validate_name(name: &str) -> Result<(), DavAccountError> {
    let len = name.chars().count();
    if len == 0 || len > 255 {
        return Err(DavAccountError::BadName);
    }
    Ok(())
}

/// The option boolset; the proxy flag is kept only when the group allows it (group bit 6).
fn options(me: &SignedIn, input: &AccountInput) -> Boolset {
    let mut set = Boolset::new();
    set.set_to(dav_opt::READ_ONLY, input.readonly);
    set.set_to(
        dav_opt::PROXY,
        input.proxy && me.permissions().enabled(group_perm::WEBDAV_PROXY),
    );
    set.set_to(dav_opt::BLOCK_JUNK, input.block_junk);
    set
}

/// Default of the group setting `max_dav_accounts`.
pub const DEFAULT_MAX_ACCOUNTS: u64 = 100;

/// Refuses one more account past the group's `max_dav_accounts`.
async fn ensure_room(state: &AppState, me: &SignedIn) -> Result<(), DavAccountError> {
    let Some(max) = me.group_cap("max_dav_accounts", DEFAULT_MAX_ACCOUNTS) else {
        return Ok(());
    };
    let held = rows::count_of(state, me.user.id).await?;
    if held >= max {
        return Err(DavAccountError::TooMany(max));
    }
    Ok(())
}

/// Creates an account with a fresh password.
pub async fn create(
    state: &AppState,
    me: &SignedIn,
    input: &AccountInput,
) -> Result<dav_account::Model, DavAccountError> {
    ensure_allowed(me)?;
    validate_name(&input.name)?;
    let root = validate_root(state, me, &input.uri)?;
    ensure_room(state, me).await?;
    let opts = options(me, input);
    for _ in 0..PASSWORD_ATTEMPTS {
        let password = generate_password()?;
        if rows::password_taken(state, me.user.id, &password).await? {
            continue;
        }
        let new = NewAccount {
            name: input.name.clone(),
            uri: root.to_string(),
            password,
            options: opts.clone().into_bytes(),
        };
        let row = rows::insert(state, me.user.id, new).await;
        match row {
            Ok(row) => return Ok(row),
            // A concurrent create drew the same password: draw again.
            Err(e) if e.to_string().to_ascii_lowercase().contains("unique") => continue,
            Err(e) => return Err(e.into()),
        }
    }
    Err(DavAccountError::NoUniquePassword)
}

/// The caller's account with this hashid; someone else's, or none, is 404.
pub async fn find_own(
    state: &AppState,
    me: &SignedIn,
    hashid: &str,
) -> Result<dav_account::Model, DavAccountError> {
    let id = state
        .ids
        .decode(hashid, IdKind::DavAccount)
        .map_err(|_| DavAccountError::NotFound)?;
    rows::find(state, id)
        .await?
        .filter(|a| a.owner_id == me.user.id && a.deleted_at.is_none())
        .ok_or(DavAccountError::NotFound)
}

/// Changes name, root and options (the password stays).
pub async fn update(
    state: &AppState,
    me: &SignedIn,
    hashid: &str,
    input: &AccountInput,
) -> Result<dav_account::Model, DavAccountError> {
    ensure_allowed(me)?;
    let row = find_own(state, me, hashid).await?;
    validate_name(&input.name)?;
    let root = validate_root(state, me, &input.uri)?;
    let opts = options(me, input).into_bytes();
    let updated = rows::update(state, row, input.name.clone(), root.to_string(), opts).await?;
    // Its clients see the new root and options from their next request on.
    crate::auth::dav_cache::rows(state).forget_all();
    Ok(updated)
}

/// Deletes an account; its clients are refused from the next request on.
pub async fn delete(state: &AppState, me: &SignedIn, hashid: &str) -> Result<(), DavAccountError> {
    ensure_allowed(me)?;
    let row = find_own(state, me, hashid).await?;
    // The sign-in cache forgets it and its open push connections close, as on revoking it.
    credentials::delete_dav_account(state, me.user.id, row.id)
        .await
        .map_err(AuthError::from)?;
    Ok(())
}

/// One page of the caller's accounts, oldest first, after the account `after` (a hashid).
/// Returns the page and whether more follow.
pub async fn list(
    state: &AppState,
    me: &SignedIn,
    page_size: u64,
    after: Option<&str>,
) -> Result<(Vec<dav_account::Model>, bool), DavAccountError> {
    ensure_allowed(me)?;
    let after = match after.filter(|t| !t.is_empty()) {
        Some(token) => Some(
            state
                .ids
                .decode(token, IdKind::DavAccount)
                .map_err(|_| DavAccountError::BadPageToken)?,
        ),
        None => None,
    };
    let mut page = rows::page_of(state, me.user.id, after, page_size + 1).await?;
    let more = page.len() as u64 > page_size;
    page.truncate(page_size as usize);
    Ok((page, more))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn passwords_are_32_lowercase_letters_and_differ() {
        let a = generate_password().unwrap();
        let b = generate_password().unwrap();
        assert_eq!(a.len(), PASSWORD_LEN);
        assert!(a.bytes().all(|c| c.is_ascii_lowercase()));
        assert_ne!(a, b);
    }
}
