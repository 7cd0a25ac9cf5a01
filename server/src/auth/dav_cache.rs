//! What WebDAV sign-ins remember between requests: verified credentials and the rows they
//! opened. They live here, below the features, because changing a user, a group or an account
//! (the admin service, WebDAV accounts, revoking an app password) must make every sign-in read
//! the rows again.

use std::sync::Arc;

use sea_orm::{ColumnTrait, EntityTrait, QueryFilter};
use stratus_entity::{app_password, dav_account, group, user};

use super::fresh_cache::FreshCache;
use crate::cache_stats::{CacheCounts, CacheStats};

/// What a password opened: one of the user's WebDAV accounts or one of its app passwords.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum Opened {
    Account(i64),
    AppPassword(i64),
}

/// The row of what a password opened.
#[derive(Clone, Debug)]
pub enum Credential {
    Account(dav_account::Model),
    AppPassword(app_password::Model),
}

/// Credentials that signed in recently: SHA-256 of `e-mail NUL password NUL address` → the
/// user and the account or app password they opened; by address, because a hit skips the
/// throttle, which locks an address guessing the account. A hit skips the e-mail lookup, the throttle counts and the comparison
/// against every account of the user (a WebDAV client sends its credentials with every
/// request, and small PUTs pay for each query; see `dav::auth`). The rows themselves come from [`SignedRows`],
/// at most [`ROW_TTL`] old.
pub struct Logins {
    cache: moka::future::Cache<[u8; 32], (i64, Opened)>,
    stats: CacheStats,
}

/// The user, its group and the DAV account or app password, as one sign-in read them.
pub type Row = (user::Model, Option<group::Model>, Option<Credential>);

/// How long the rows of a sign-in are reused. A client mounting the drive sends a burst of
/// requests; reading the three rows for each cost about a quarter of the server's CPU per
/// small PUT. This bounds how late a ban, a group change or a deleted account is seen by an
/// instance that did not make the change (another node on the same PostgreSQL, or a direct
/// edit of the database); the instance that makes it calls [`SignedRows::forget_all`] and sees
/// it at once. The used storage in these rows (quota properties, the early size check of a
/// write) may lag by as much; the quota itself is charged against the database row.
pub const ROW_TTL: std::time::Duration = std::time::Duration::from_secs(1);

/// The rows of recent sign-ins, keyed by user and what the password opened. An entry read before the last
/// [`SignedRows::forget_all`] is never served, even when it was stored after it.
pub struct SignedRows(FreshCache<(i64, Opened), Arc<Row>>);

impl Default for SignedRows {
    fn default() -> Self {
        Self(FreshCache::new(10_000, ROW_TTL))
    }
}

impl SignedRows {
    /// How often the rows were served from memory since the start (`/metrics`).
    pub fn cache_counts(&self) -> CacheCounts {
        self.0.counts()
    }

    /// Drops every remembered row; call after changing a user, a group, a DAV account or an
    /// app password.
    pub fn forget_all(&self) {
        self.0.forget_all();
    }

    /// The rows of `(user, opened)`, from memory or else from the database.
    pub async fn load(
        &self,
        db: &sea_orm::DatabaseConnection,
        user_id: i64,
        opened: Opened,
    ) -> Result<Option<Arc<Row>>, sea_orm::DbErr> {
        // The user, its group and the account or app password in one statement.
        let read = async {
            let user = user::Entity::find_by_id(user_id)
                .filter(user::Column::DeletedAt.is_null())
                .find_also_related(group::Entity);
            let row = match opened {
                Opened::Account(id) => user
                    .find_also_related(dav_account::Entity)
                    .filter(dav_account::Column::Id.eq(id))
                    .filter(dav_account::Column::DeletedAt.is_null())
                    .one(db)
                    .await?
                    .map(|(u, g, a)| (u, g, a.map(Credential::Account))),
                Opened::AppPassword(id) => user
                    .find_also_related(app_password::Entity)
                    .filter(app_password::Column::Id.eq(id))
                    .one(db)
                    .await?
                    .map(|(u, g, p)| (u, g, p.map(Credential::AppPassword))),
            };
            Ok::<_, sea_orm::DbErr>(row.map(Arc::new))
        };
        self.0.get_or_load((user_id, opened), read).await
    }
}

/// How long a verified pair of credentials is remembered.
const LOGIN_TTL: std::time::Duration = std::time::Duration::from_secs(300);

impl Default for Logins {
    fn default() -> Self {
        Self {
            cache: moka::future::Cache::builder()
                .max_capacity(10_000)
                .time_to_live(LOGIN_TTL)
                .build(),
            stats: CacheStats::default(),
        }
    }
}

impl Logins {
    /// The user and what the credentials hashed to `key` opened, if remembered.
    pub async fn get(&self, key: &[u8; 32]) -> Option<(i64, Opened)> {
        self.stats.count(self.cache.get(key).await)
    }

    pub async fn insert(&self, key: [u8; 32], ids: (i64, Opened)) {
        self.cache.insert(key, ids).await;
    }

    pub async fn invalidate(&self, key: &[u8; 32]) {
        self.cache.invalidate(key).await;
    }

    pub fn invalidate_all(&self) {
        self.cache.invalidate_all();
    }

    /// How often credentials were found verified since the start (`/metrics`).
    pub fn cache_counts(&self) -> CacheCounts {
        self.stats.counts(self.cache.entry_count())
    }
}

/// The state's verified credentials.
pub fn logins(state: &crate::state::AppState) -> Arc<Logins> {
    state.part(|_| Logins::default())
}

/// The state's rows of recent sign-ins.
pub fn rows(state: &crate::state::AppState) -> Arc<SignedRows> {
    state.part(|_| SignedRows::default())
}
