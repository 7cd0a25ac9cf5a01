//! Session chains: one per sign-in, kept in the `kv` table so that every instance sees them.
//!
//! The row `session:<uid>:<root>` holds the id (`jti`) of the one refresh token of the chain
//! that may be used next, and lives as long as that token. A refresh swaps the id for a new
//! one in one conditional update, so a refresh token works once; a signed token whose chain
//! holds another id was used before (copied, or replayed), and its whole chain ends.
//!
//! Each chain is one session its owner can list and end (`auth::devices` keeps its device).
//!
//! Access tokens name their chain as well, and every request checks that the row is still
//! there ([`Chains::is_live`]). Sign-out and password changes delete rows: the instance that
//! does it forgets what it remembered at once, the others within [`CHAIN_CACHE_TTL`].

use std::time::Duration as StdDuration;

use chrono::Duration;
use sea_orm::{ConnectionTrait, DbErr};
use stratus_entity::user;
use uuid::Uuid;

use super::{
    devices,
    error::AuthError,
    fresh_cache::FreshCache,
    jwt::{self, TokenPair},
};
use crate::{
    access_watch::{self, Narrowed},
    caller::OAuthToken,
    events::Client,
    ids::IdKind,
    kv,
    state::AppState,
};

/// How long an instance trusts what it last read about a chain: another instance's sign-out
/// takes at most this long to reach it.
pub const CHAIN_CACHE_TTL: StdDuration = StdDuration::from_secs(5);

const KIND: &str = "session";

/// The row of a chain; its prefix holds no `LIKE` wildcard, so [`end_all`] can match it.
fn chain_key(uid: i64, root: &Uuid) -> String {
    format!("{}{root}", user_prefix(uid))
}

fn user_prefix(uid: i64) -> String {
    format!("{KIND}:{uid}:")
}

/// The account's current state hash: changes with its e-mail, password or the site id.
pub async fn state_hash(state: &AppState, user: &user::Model) -> Result<String, AuthError> {
    let site_id = state.settings.get("siteID").await?;
    Ok(jwt::state_hash(
        &user.email,
        user.password.as_deref().unwrap_or_default(),
        &site_id,
    ))
}

/// What makes a chain an OAuth one: the client and scopes its tokens carry, the client's row
/// (whose chains end with the user's grant), and the client's own refresh lifetime, if any.
#[derive(Debug, Clone)]
pub struct OAuthChain {
    pub token: OAuthToken,
    pub client_row: i64,
    /// Seconds; 0 takes the site's `refresh_token_ttl`.
    pub refresh_ttl: i64,
}

/// The row naming an OAuth chain by client and user, so a revoked grant or a removed client
/// can end its chains; it lives as long as the chain's refresh token.
fn oauth_key(client_row: i64, uid: i64, root: &Uuid) -> String {
    format!("{}{uid}:{root}", oauth_client_prefix(client_row))
}

fn oauth_client_prefix(client_row: i64) -> String {
    format!("{OAUTH_KIND}:{client_row}:")
}

const OAUTH_KIND: &str = "oauthchain";

/// A signed pair in the chain `root` whose refresh token has the id `jti`, and how long the
/// refresh token lives.
async fn sign(
    state: &AppState,
    user: &user::Model,
    root: Uuid,
    jti: Uuid,
    oauth: Option<&OAuthChain>,
) -> Result<(TokenPair, StdDuration), AuthError> {
    let secret = state.settings.get("secret_key").await?;
    let access_ttl = state.settings.int("access_token_ttl", 3600).await?.max(60);
    let site_refresh = state.settings.int("refresh_token_ttl", 1_209_600).await?;
    let refresh_ttl = oauth
        .map(|o| o.refresh_ttl)
        .filter(|ttl| *ttl > 0)
        .unwrap_or(site_refresh)
        .max(access_ttl);
    let pair = jwt::issue(
        &secret,
        &state.ids.encode(user.id, IdKind::User),
        state_hash(state, user).await?,
        root,
        jti,
        Duration::seconds(access_ttl),
        Duration::seconds(refresh_ttl),
        oauth.map(|o| &o.token),
    )
    .map_err(|e| AuthError::Signing(e.to_string()))?;
    Ok((pair, StdDuration::from_secs(refresh_ttl.unsigned_abs())))
}

/// Starts a new chain for `user`, signed in from `client`, and answers its first pair.
pub async fn start(
    state: &AppState,
    user: &user::Model,
    client: &Client,
) -> Result<TokenPair, AuthError> {
    start_with(state, user, None, client).await
}

/// Starts a new chain whose tokens carry `oauth`'s client and scopes when given.
pub async fn start_with(
    state: &AppState,
    user: &user::Model,
    oauth: Option<&OAuthChain>,
    client: &Client,
) -> Result<TokenPair, AuthError> {
    let (root, jti) = (Uuid::new_v4(), Uuid::new_v4());
    let (pair, ttl) = sign(state, user, root, jti, oauth).await?;
    if let Some(o) = oauth {
        let key = oauth_key(o.client_row, user.id, &root);
        kv::put(&state.db, OAUTH_KIND, &key, "", Some(ttl)).await?;
    }
    // The device first: a chain is never live without the row that lets its owner end it.
    devices::started(&state.db, user.id, root, client).await?;
    kv::put(
        &state.db,
        KIND,
        &chain_key(user.id, &root),
        &jti.to_string(),
        Some(ttl),
    )
    .await?;
    Ok(pair)
}

/// What became of a refresh.
pub enum Refresh {
    /// The token was the chain's next one: here is the pair that follows it.
    Rotated(TokenPair),
    /// The token had been used before: the chain is ended now.
    Reused,
    /// The chain had ended (signed out, password changed, reused, expired).
    Ended,
}

/// Exchanges the refresh token `jti` of the chain `root` for the next pair, sent by `client`.
pub async fn refresh(
    state: &AppState,
    user: &user::Model,
    (root, jti): (Uuid, Uuid),
    oauth: Option<&OAuthChain>,
    client: &Client,
) -> Result<Refresh, AuthError> {
    let key = chain_key(user.id, &root);
    let next = Uuid::new_v4();
    let (pair, ttl) = sign(state, user, root, next, oauth).await?;
    if kv::replace_if(&state.db, &key, &jti.to_string(), &next.to_string(), ttl).await? {
        if let Some(o) = oauth {
            let key = oauth_key(o.client_row, user.id, &root);
            kv::put(&state.db, OAUTH_KIND, &key, "", Some(ttl)).await?;
        }
        devices::used(&state.db, user.id, root, client).await?;
        return Ok(Refresh::Rotated(pair));
    }
    // Not the next token: either the chain is gone, or the token was spent before.
    if end(state, user.id, root).await? {
        Ok(Refresh::Reused)
    } else {
        Ok(Refresh::Ended)
    }
}

/// Ends the chain `root` of `uid` on every instance; returns whether it was still going.
pub async fn end(state: &AppState, uid: i64, root: Uuid) -> Result<bool, DbErr> {
    let ended = kv::delete(&state.db, &chain_key(uid, &root)).await?;
    Chains::of(state).forget_all();
    access_watch::notice(state, Narrowed::User(uid));
    devices::ended(&state.db, uid, root).await?;
    Ok(ended)
}

/// Ends the OAuth chains of client `client_row`: of user `uid` only (a revoked grant), or of
/// every user (a client disabled or deleted). Their access tokens stop working at once here
/// and within [`CHAIN_CACHE_TTL`] elsewhere; returns how many chains ended.
pub async fn end_oauth(state: &AppState, client_row: i64, uid: Option<i64>) -> Result<u64, DbErr> {
    let prefix = match uid {
        Some(uid) => format!("{}{uid}:", oauth_client_prefix(client_row)),
        None => oauth_client_prefix(client_row),
    };
    let mut ended = 0;
    for key in kv::keys_prefixed(&state.db, &prefix).await? {
        let mut parts = key[oauth_client_prefix(client_row).len()..].split(':');
        let (Some(Ok(uid)), Some(Ok(root))) = (
            parts.next().map(str::parse::<i64>),
            parts.next().map(Uuid::parse_str),
        ) else {
            continue;
        };
        if kv::delete(&state.db, &chain_key(uid, &root)).await? {
            ended += 1;
        }
        devices::ended(&state.db, uid, root).await?;
    }
    kv::delete_prefixed(&state.db, &prefix, None).await?;
    Chains::of(state).forget_all();
    access_watch::notice(state, uid.map_or(Narrowed::Everyone, Narrowed::User));
    Ok(ended)
}

/// Ends every chain of `uid` but `keep`, in `db` (which may be a transaction). Other instances
/// stop accepting their access tokens within [`CHAIN_CACHE_TTL`]; the caller makes this one
/// stop at once with [`Chains::forget_all`] once the change is committed.
pub async fn end_all(
    db: &impl ConnectionTrait,
    uid: i64,
    keep: Option<Uuid>,
) -> Result<u64, DbErr> {
    devices::all_ended(db, uid, keep).await?;
    let keep = keep.map(|root| chain_key(uid, &root));
    kv::delete_prefixed(db, &user_prefix(uid), keep.as_deref()).await
}

/// The chains of `uid` that go on.
pub async fn live_roots(
    db: &impl ConnectionTrait,
    uid: i64,
) -> Result<std::collections::HashSet<Uuid>, DbErr> {
    let prefix = user_prefix(uid);
    Ok(kv::keys_prefixed(db, &prefix)
        .await?
        .iter()
        .filter_map(|key| Uuid::parse_str(&key[prefix.len()..]).ok())
        .collect())
}

/// What this instance last read about chains, for [`CHAIN_CACHE_TTL`]. A read that began
/// before the last [`Chains::forget_all`] is never served, even when stored after it.
pub struct Chains(FreshCache<(i64, Uuid), bool>);

impl Chains {
    /// The state's cache of live chains.
    pub fn of(state: &AppState) -> std::sync::Arc<Self> {
        state.part(|_| Self::default())
    }
}

impl Default for Chains {
    fn default() -> Self {
        Self(FreshCache::new(100_000, CHAIN_CACHE_TTL))
    }
}

impl Chains {
    /// Whether the chain `root` of `uid` is still going.
    pub async fn is_live(
        &self,
        db: &impl ConnectionTrait,
        uid: i64,
        root: Uuid,
    ) -> Result<bool, DbErr> {
        let read = async {
            let live = kv::get(db, &chain_key(uid, &root)).await?.is_some();
            Ok::<_, DbErr>(Some(live))
        };
        Ok(self.0.get_or_load((uid, root), read).await? == Some(true))
    }

    /// How often a chain's liveness was answered from memory (`/metrics`).
    pub fn cache_counts(&self) -> crate::cache_stats::CacheCounts {
        self.0.counts()
    }

    /// Drops everything remembered; call after ending chains. Ends are rare (sign-outs,
    /// password changes), so forgetting all of them costs little.
    pub fn forget_all(&self) {
        self.0.forget_all();
    }
}

/// The rows a sign-in reads: the account a pending 2FA sign-in or a refresh token names, its
/// group, and whether it has passkeys.
pub mod rows {
    use sea_orm::{ColumnTrait, ConnectionTrait, DbErr, EntityTrait, PaginatorTrait, QueryFilter};
    use stratus_entity::{group, passkey, user};

    use crate::auth::error::AuthError;

    /// The account with this id, deleted or not (the sign-in checks its status after).
    pub async fn account(db: &impl ConnectionTrait, id: i64) -> Result<Option<user::Model>, DbErr> {
        user::Entity::find_by_id(id).one(db).await
    }

    /// The account a refresh token may go on for: live and active.
    pub async fn refreshable(
        db: &impl ConnectionTrait,
        id: i64,
    ) -> Result<Option<user::Model>, DbErr> {
        Ok(account(db, id)
            .await?
            .filter(|u| u.deleted_at.is_none() && u.status == user::status::ACTIVE))
    }

    /// The group of a signing-in account ([`AuthError::GroupMissing`] when its row is gone).
    pub async fn group_of(
        db: &impl ConnectionTrait,
        account: &user::Model,
    ) -> Result<group::Model, AuthError> {
        group::Entity::find_by_id(account.group_id)
            .one(db)
            .await?
            .ok_or(AuthError::GroupMissing)
    }

    /// Whether the account has registered any passkey.
    pub async fn has_passkey(db: &impl ConnectionTrait, user_id: i64) -> Result<bool, DbErr> {
        let count = passkey::Entity::find()
            .filter(passkey::Column::UserId.eq(user_id))
            .count(db)
            .await?;
        Ok(count > 0)
    }
}
