//! S3 keys: a user's credentials for the S3 endpoint (`s3/`), each confined to one folder of
//! the owner's drive, whose subfolders are the key's buckets. The secret is shown once, when
//! the key is made.
//!
//! SigV4 signs a request with an HMAC keyed by the plain secret, so the server needs that
//! secret again whenever it verifies one: a hash (as for app passwords) cannot be used. The
//! secret is therefore sealed with AES-256-GCM under a key derived from the site's
//! `secret_key` setting; the database alone does not reveal it. Changing `secret_key` makes
//! every sealed secret unreadable, so those keys stop working and must be made again.
//!
//! Verified keys are remembered for [`TTL`]; deleting a key forgets it on this instance at
//! once (another instance sharing the database stops accepting it within [`TTL`]).

use std::{sync::Arc, time::Duration};

use aws_lc_rs::aead::{AES_256_GCM, Aad, LessSafeKey, NONCE_LEN, Nonce, UnboundKey};
use base64::{Engine, engine::general_purpose::STANDARD};
use chrono::{DateTime, Utc};
use hmac::{Hmac, Mac};
use rand::{Rng, TryRngCore, distr::Alphanumeric, rngs::OsRng};
use sea_orm::{
    ActiveModelTrait, ActiveValue::Set, ColumnTrait, Condition, ConnectionTrait, DbErr,
    EntityTrait, QueryFilter, QueryOrder, sea_query::Expr,
};
use sha2::Sha256;
use stratus_entity::s3_key as row;

use crate::{
    auth::caller::{Caller, SignedIn},
    boolset::group_perm,
    fs::{
        error::FsError,
        nav::{self, FsCtx},
        uri::{FileUri, FsKind, UriError},
    },
    ids::IdKind,
    state::AppState,
};

pub use row::Model as S3Key;

/// Characters of an access key id (upper-case letters and digits).
pub const ACCESS_KEY_LEN: usize = 20;
/// Characters of a secret.
const SECRET_LEN: usize = 40;
/// How long a verified key is reused before its row is read again.
pub const TTL: Duration = Duration::from_secs(5);
/// How long a signed request leaves `last_used_at` as it is.
const TOUCH_EVERY: chrono::Duration = chrono::Duration::seconds(60);
/// What the sealing key is derived for (HMAC-SHA256 of the site secret over this label).
const SEAL_LABEL: &[u8] = b"stratus s3 key secret v1";

/// What managing S3 keys can fail with (wire codes in `api::errors::s3_key`).
#[derive(Debug, thiserror::Error)]
pub enum S3KeyError {
    /// The caller's group may not have S3 keys.
    #[error("your group cannot use the S3 endpoint")]
    NotAllowed,
    #[error(transparent)]
    Uri(#[from] UriError),
    /// The URI is not a folder of the caller's own drive.
    #[error("uri: an S3 key sees a folder of your own drive (cloudreve://my/...)")]
    NotOwnFolder,
    /// The name is empty or too long.
    #[error("name: must be 1 to 255 characters")]
    BadName,
    /// No such key among the caller's.
    #[error("S3 key not found")]
    NotFound,
    /// The site secret is missing or a secret could not be sealed or opened.
    #[error("{0}")]
    Seal(&'static str),
    #[error(transparent)]
    Fs(#[from] FsError),
    #[error(transparent)]
    Db(#[from] DbErr),
}

/// What a client gives to make a key.
#[derive(Debug, Clone)]
pub struct KeyInput {
    pub uri: String,
    pub name: String,
    pub readonly: bool,
}

/// Checks the caller's group may have S3 keys.
pub fn ensure_allowed(me: &SignedIn) -> Result<(), S3KeyError> {
    if me.permissions().enabled(group_perm::S3) {
        Ok(())
    } else {
        Err(S3KeyError::NotAllowed)
    }
}

fn random_from(chars: &[u8], len: usize) -> String {
    let mut rng = OsRng.unwrap_err();
    (0..len)
        .map(|_| char::from(chars[rng.random_range(0..chars.len())]))
        .collect()
}

fn new_access_key_id() -> String {
    random_from(b"ABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789", ACCESS_KEY_LEN)
}

fn new_secret() -> String {
    OsRng
        .unwrap_err()
        .sample_iter(Alphanumeric)
        .take(SECRET_LEN)
        .map(char::from)
        .collect()
}

/// The sealing key: HMAC-SHA256 of the site's `secret_key` over [`SEAL_LABEL`].
async fn sealing_key(state: &AppState) -> Result<LessSafeKey, S3KeyError> {
    let secret = state
        .settings
        .get("secret_key")
        .await
        .map_err(|_| S3KeyError::Seal("the site secret cannot be read"))?;
    if secret.is_empty() {
        return Err(S3KeyError::Seal("the site secret is not set"));
    }
    let mut mac = Hmac::<Sha256>::new_from_slice(secret.as_bytes())
        .map_err(|_| S3KeyError::Seal("the site secret is unusable"))?;
    mac.update(SEAL_LABEL);
    let bytes = mac.finalize().into_bytes();
    let key = UnboundKey::new(&AES_256_GCM, &bytes)
        .map_err(|_| S3KeyError::Seal("the sealing key is unusable"))?;
    Ok(LessSafeKey::new(key))
}

/// `secret` sealed: base64 of a random nonce followed by the ciphertext and its tag. The
/// access key id is the associated data, so a sealed secret cannot be moved to another row.
fn seal(key: &LessSafeKey, access_key_id: &str, secret: &str) -> Result<String, S3KeyError> {
    let mut nonce = [0u8; NONCE_LEN];
    OsRng
        .try_fill_bytes(&mut nonce)
        .map_err(|_| S3KeyError::Seal("the system's random source failed"))?;
    let mut data = secret.as_bytes().to_vec();
    key.seal_in_place_append_tag(
        Nonce::assume_unique_for_key(nonce),
        Aad::from(access_key_id.as_bytes()),
        &mut data,
    )
    .map_err(|_| S3KeyError::Seal("the secret could not be sealed"))?;
    let mut out = nonce.to_vec();
    out.extend_from_slice(&data);
    Ok(STANDARD.encode(out))
}

/// The secret of a sealed value; `None` when it was sealed under another site secret or was
/// changed.
fn open(key: &LessSafeKey, access_key_id: &str, sealed: &str) -> Option<String> {
    let bytes = STANDARD.decode(sealed).ok()?;
    if bytes.len() < NONCE_LEN {
        return None;
    }
    let (nonce, data) = bytes.split_at(NONCE_LEN);
    let nonce = Nonce::try_assume_unique_for_key(nonce).ok()?;
    let mut data = data.to_vec();
    let plain = key
        .open_in_place(nonce, Aad::from(access_key_id.as_bytes()), &mut data)
        .ok()?;
    String::from_utf8(plain.to_vec()).ok()
}

fn validate_name(name: &str) -> Result<String, S3KeyError> {
    let clean: String = name.chars().filter(|c| !c.is_control()).collect();
    let clean = clean.trim();
    let len = clean.chars().count();
    if len == 0 || len > 255 {
        return Err(S3KeyError::BadName);
    }
    Ok(clean.to_owned())
}

/// The folder `uri` names: a folder of the caller's own drive (its root included).
async fn own_folder(
    state: &AppState,
    caller: &Caller,
    me: &SignedIn,
    uri: &str,
) -> Result<nav::Node, S3KeyError> {
    let parsed = FileUri::parse(uri)?;
    if parsed.fs != FsKind::My || parsed.query.is_some() {
        return Err(S3KeyError::NotOwnFolder);
    }
    if let Some(id) = parsed.id.as_deref().filter(|id| !id.is_empty())
        && state.ids.decode(id, IdKind::User).ok() != Some(me.user.id)
    {
        return Err(S3KeyError::NotOwnFolder);
    }
    let node = match nav::resolve(&FsCtx::new(state, caller), &parsed).await {
        Ok(node) => node,
        Err(FsError::NotFound) => return Err(S3KeyError::NotOwnFolder),
        Err(e) => return Err(e.into()),
    };
    if !node.is_folder() || !node.owned || node.file.is_symbolic {
        return Err(S3KeyError::NotOwnFolder);
    }
    Ok(node)
}

/// Makes a key of the caller for the folder `input.uri`: the row and its secret, which is not
/// shown again.
pub async fn create(
    state: &AppState,
    caller: &Caller,
    me: &SignedIn,
    input: &KeyInput,
) -> Result<(S3Key, String), S3KeyError> {
    ensure_allowed(me)?;
    let name = validate_name(&input.name)?;
    let folder = own_folder(state, caller, me, &input.uri).await?;
    let key = sealing_key(state).await?;
    let access_key_id = new_access_key_id();
    let secret = new_secret();
    let sealed = seal(&key, &access_key_id, &secret)?;
    let model = row::ActiveModel {
        user_id: Set(me.user.id),
        name: Set(name),
        folder_id: Set(folder.file.id),
        readonly: Set(input.readonly),
        access_key_id: Set(access_key_id),
        secret_sealed: Set(sealed),
        last_used_at: Set(None),
        ..Default::default()
    }
    .insert(&state.db)
    .await?;
    Ok((model, secret))
}

/// The keys of `user_id`, newest first.
pub async fn list(db: &impl ConnectionTrait, user_id: i64) -> Result<Vec<S3Key>, DbErr> {
    row::Entity::find()
        .filter(row::Column::UserId.eq(user_id))
        .order_by_desc(row::Column::Id)
        .all(db)
        .await
}

/// The folder URI each key sees (`cloudreve://my/...`), as it is now.
pub async fn folder_uri(state: &AppState, key: &S3Key) -> Result<Option<FileUri>, FsError> {
    let folder = stratus_entity::file::Entity::find_by_id(key.folder_id)
        .one(&state.db)
        .await?
        .filter(|f| f.deleted_at.is_none() && f.owner_id == key.user_id);
    match folder {
        Some(folder) => Ok(Some(nav::uri_of(&state.db, &folder).await?)),
        None => Ok(None),
    }
}

/// Deletes key `id` of `user_id`; requests signed with it are refused at once on this
/// instance. Another user's key answers NotFound like a missing one.
pub async fn delete(state: &AppState, user_id: i64, id: i64) -> Result<(), S3KeyError> {
    let found = row::Entity::find_by_id(id)
        .filter(row::Column::UserId.eq(user_id))
        .one(&state.db)
        .await?
        .ok_or(S3KeyError::NotFound)?;
    row::Entity::delete_by_id(found.id).exec(&state.db).await?;
    verified(state).0.invalidate(&found.access_key_id).await;
    Ok(())
}

/// Deletes every key of `user_id` (its directory entry is gone); requests signed with them
/// are refused at once on this instance. Answers how many went.
pub async fn delete_all(state: &AppState, user_id: i64) -> Result<u64, DbErr> {
    let keys = list(&state.db, user_id).await?;
    row::Entity::delete_many()
        .filter(row::Column::UserId.eq(user_id))
        .exec(&state.db)
        .await?;
    for key in &keys {
        verified(state).0.invalidate(&key.access_key_id).await;
    }
    Ok(keys.len() as u64)
}

/// Where this process's S3 endpoint listens, once bound (`s3::bind` records it).
#[derive(Default)]
struct Bound(std::sync::Mutex<Option<std::net::SocketAddr>>);

/// Records the S3 endpoint's address.
pub fn set_bound(state: &AppState, addr: std::net::SocketAddr) {
    *state.part(|_| Bound::default()).0.lock().expect("bound") = Some(addr);
}

/// The address the S3 endpoint of this process listens on (`None`: it is off).
pub fn bound(state: &AppState) -> Option<std::net::SocketAddr> {
    *state.part(|_| Bound::default()).0.lock().expect("bound")
}

/// The endpoint URL clients are given: the site URL's scheme and host (or `s3.domain`) with
/// the endpoint's port; `None` when the endpoint is off.
pub async fn endpoint(state: &AppState) -> Option<String> {
    let port = bound(state)?.port();
    let site = state.settings.get("siteURL").await.ok()?;
    let site = url::Url::parse(&site).ok()?;
    let host = match &state.config.s3.domain {
        Some(domain) => domain.clone(),
        None => site.host_str()?.to_owned(),
    };
    Some(format!("{}://{host}:{port}", site.scheme()))
}

/// A key as a signed request finds it: the row and its secret in plain text.
#[derive(Clone)]
pub struct Verified {
    pub key: S3Key,
    pub secret: String,
}

/// Keys found recently, by access key id (`None`: no such key).
struct VerifiedKeys(moka::future::Cache<String, Option<Arc<Verified>>>);

fn verified(state: &AppState) -> Arc<VerifiedKeys> {
    state.part(|_| {
        VerifiedKeys(
            moka::future::Cache::builder()
                .max_capacity(10_000)
                .time_to_live(TTL)
                .build(),
        )
    })
}

/// The key named by `access_key_id`, from memory or else from the database; `None` when
/// there is none or its secret cannot be opened.
pub async fn find(state: &AppState, access_key_id: &str) -> Result<Option<Arc<Verified>>, DbErr> {
    if access_key_id.len() != ACCESS_KEY_LEN {
        return Ok(None);
    }
    let cache = verified(state);
    if let Some(hit) = cache.0.get(access_key_id).await {
        return Ok(hit);
    }
    let found = row::Entity::find()
        .filter(row::Column::AccessKeyId.eq(access_key_id))
        .one(&state.db)
        .await?;
    let found = match found {
        Some(key) => {
            let sealing = sealing_key(state).await.ok();
            let secret = sealing.and_then(|s| open(&s, &key.access_key_id, &key.secret_sealed));
            if secret.is_none() {
                tracing::warn!(
                    key = key.id,
                    "an S3 key's secret cannot be opened (was the site secret changed?)"
                );
            }
            secret.map(|secret| Arc::new(Verified { key, secret }))
        }
        None => None,
    };
    cache
        .0
        .insert(access_key_id.to_owned(), found.clone())
        .await;
    Ok(found)
}

/// Records a request signed with `key` at `now`, unless one was recorded less than a minute
/// ago (the condition is in the statement, so several instances write it once).
pub async fn touch(
    db: &impl ConnectionTrait,
    key: &S3Key,
    now: DateTime<Utc>,
) -> Result<(), DbErr> {
    if key.last_used_at.is_some_and(|at| now - at < TOUCH_EVERY) {
        return Ok(());
    }
    row::Entity::update_many()
        .col_expr(row::Column::LastUsedAt, Expr::value(now))
        .filter(row::Column::Id.eq(key.id))
        .filter(
            Condition::any()
                .add(row::Column::LastUsedAt.is_null())
                .add(row::Column::LastUsedAt.lt(now - TOUCH_EVERY)),
        )
        .exec(db)
        .await?;
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn sealed_secrets_open_only_with_their_key_and_row() {
        let make = |b: u8| LessSafeKey::new(UnboundKey::new(&AES_256_GCM, &[b; 32]).unwrap());
        let (key, other) = (make(1), make(2));
        let sealed = seal(&key, "AKID", "s3cr3t").unwrap();
        assert_eq!(open(&key, "AKID", &sealed).as_deref(), Some("s3cr3t"));
        assert_eq!(open(&other, "AKID", &sealed), None);
        assert_eq!(open(&key, "OTHER", &sealed), None);
        assert!(!sealed.contains("s3cr3t"));
    }

    #[test]
    fn generated_ids_and_secrets() {
        let id = new_access_key_id();
        assert_eq!(id.len(), ACCESS_KEY_LEN);
        assert!(
            id.bytes()
                .all(|b| b.is_ascii_uppercase() || b.is_ascii_digit())
        );
        assert_eq!(new_secret().len(), SECRET_LEN);
    }
}
