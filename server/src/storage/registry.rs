//! Storage policy id → its row and its driver. Both are read and built on first use and cached
//! together (every upload reads its policy's limits); [`DriverRegistry::invalidate`] drops
//! them after the policy changed here, and the cache's short TTL bounds how long another
//! instance keeps a stale copy.

use std::{path::PathBuf, sync::Arc, time::Duration};

use moka::future::Cache;
use sea_orm::{DatabaseConnection, EntityTrait};
use serde_json::Value;
use stratus_entity::{
    node,
    storage_policy::{self, kind},
};

use super::{
    LocalDriver, RemoteDriver, S3Config, S3Driver, StorageDriver, StorageError,
    pending::PendingBlobs,
};
use crate::cache_stats::{CacheCounts, CacheStats};

/// How long a driver built on this instance is reused without re-reading its policy.
pub const CACHE_TTL: Duration = Duration::from_secs(30);

/// The folder of the data dir that holds local blobs.
pub const UPLOADS_DIR: &str = "uploads";
/// The folder of the data dir where chunked uploads to a bucket wait until complete, one
/// subfolder per policy.
pub const STAGING_DIR: &str = "staging";

/// Hands out the driver of a storage policy. Cheap to clone.
#[derive(Clone)]
pub struct DriverRegistry {
    db: DatabaseConnection,
    data_dir: PathBuf,
    cache: Cache<i64, Loaded>,
    stats: Arc<CacheStats>,
    /// Where bucket drivers journal the multipart uploads they open.
    pending: Option<Arc<PendingBlobs>>,
}

/// A policy's row and the driver built from it.
#[derive(Clone)]
struct Loaded {
    policy: Arc<storage_policy::Model>,
    driver: Arc<dyn StorageDriver>,
}

impl DriverRegistry {
    /// A registry reading policies from `db`; `local` policies store under `data_dir`.
    pub fn new(db: DatabaseConnection, data_dir: PathBuf) -> Self {
        Self {
            db,
            data_dir,
            cache: Cache::builder()
                .time_to_live(CACHE_TTL)
                .max_capacity(1024)
                .build(),
            stats: Arc::default(),
            pending: None,
        }
    }

    /// Bucket drivers journal the multipart uploads they open in `pending` (see
    /// [`super::pending`]).
    pub fn with_pending(mut self, pending: Arc<PendingBlobs>) -> Self {
        self.pending = Some(pending);
        self
    }

    /// How often a policy was found in memory since the start (`/metrics`).
    pub fn cache_counts(&self) -> CacheCounts {
        self.stats.counts(self.cache.entry_count())
    }

    /// The driver of policy `policy_id`.
    pub async fn driver(&self, policy_id: i64) -> Result<Arc<dyn StorageDriver>, StorageError> {
        if let Some(loaded) = self.stats.count(self.cache.get(&policy_id).await) {
            return Ok(loaded.driver);
        }
        let policy = self.row(policy_id).await?.ok_or_else(|| {
            StorageError::Other(format!("storage policy {policy_id} does not exist"))
        })?;
        let driver = self.build(&policy).await?;
        self.remember(policy_id, Arc::new(policy), driver.clone())
            .await;
        Ok(driver)
    }

    /// The row of policy `policy_id` (also a deleted one: callers check `deleted_at`); `None`
    /// when there is no such row. A policy without a working driver is read, not cached.
    pub async fn policy(
        &self,
        policy_id: i64,
    ) -> Result<Option<Arc<storage_policy::Model>>, StorageError> {
        if let Some(loaded) = self.stats.count(self.cache.get(&policy_id).await) {
            return Ok(Some(loaded.policy));
        }
        let Some(policy) = self.row(policy_id).await? else {
            return Ok(None);
        };
        let policy = Arc::new(policy);
        if let Ok(driver) = self.build(&policy).await {
            self.remember(policy_id, policy.clone(), driver).await;
        }
        Ok(Some(policy))
    }

    async fn row(&self, policy_id: i64) -> Result<Option<storage_policy::Model>, StorageError> {
        storage_policy::Entity::find_by_id(policy_id)
            .one(&self.db)
            .await
            .map_err(|e| StorageError::Other(format!("loading storage policy {policy_id}: {e}")))
    }

    async fn remember(
        &self,
        policy_id: i64,
        policy: Arc<storage_policy::Model>,
        driver: Arc<dyn StorageDriver>,
    ) {
        self.cache
            .insert(policy_id, Loaded { policy, driver })
            .await;
    }

    /// A fresh, uncached driver for `policy` (e.g. to test a policy being edited).
    pub async fn build(
        &self,
        policy: &storage_policy::Model,
    ) -> Result<Arc<dyn StorageDriver>, StorageError> {
        match policy.r#type.as_str() {
            kind::LOCAL => {
                // Local blobs live under `<data_dir>/uploads`: no name rule can reach the
                // database or anything else in the data dir.
                let pre_allocate = setting_bool(&policy.settings, "pre_allocate");
                Ok(Arc::new(
                    LocalDriver::new(self.data_dir.join(UPLOADS_DIR))
                        .with_pre_allocate(pre_allocate),
                ))
            }
            kind::REMOTE => Ok(Arc::new(self.remote(policy).await?)),
            kind::S3 | kind::OSS => {
                let mut driver = S3Driver::new(
                    &S3Config::from_policy(policy)?,
                    self.data_dir.join(STAGING_DIR).join(policy.id.to_string()),
                )?;
                if let Some(pending) = &self.pending {
                    driver = driver.with_journal(policy.id, pending.clone());
                }
                Ok(Arc::new(driver))
            }
            kind::KS3 => Err(StorageError::Unsupported("KS3 storage policies")),
            kind::COS => Err(StorageError::Unsupported("COS storage policies")),
            kind::OBS => Err(StorageError::Unsupported("OBS storage policies")),
            kind::ONEDRIVE => Err(StorageError::Unsupported("OneDrive storage policies")),
            kind::QINIU => Err(StorageError::Unsupported("Qiniu storage policies")),
            kind::UPYUN => Err(StorageError::Unsupported("Upyun storage policies")),
            other => Err(StorageError::Other(format!(
                "unknown storage policy type {other:?}"
            ))),
        }
    }

    /// The driver of a `remote` policy: the slave node its `node_id` names.
    async fn remote(&self, policy: &storage_policy::Model) -> Result<RemoteDriver, StorageError> {
        let node_id = policy.node_id.ok_or_else(|| {
            StorageError::Other(format!("remote storage policy {} names no node", policy.id))
        })?;
        let node = node::Entity::find_by_id(node_id)
            .one(&self.db)
            .await
            .map_err(|e| StorageError::Other(format!("loading node {node_id}: {e}")))?
            .filter(|n| n.deleted_at.is_none() && n.r#type == node::kind::SLAVE)
            .ok_or_else(|| StorageError::Other(format!("node {node_id} is not a slave node")))?;
        RemoteDriver::new(&node.server, node.id, &node.slave_key)
    }

    /// Forgets the cached row and driver of `policy_id`; call after editing or deleting the policy.
    pub async fn invalidate(&self, policy_id: i64) {
        self.cache.invalidate(&policy_id).await;
    }

    /// Forgets every cached row and driver, so the next use builds them afresh (with new
    /// clients, and so new presigned URLs).
    pub fn invalidate_all(&self) {
        self.cache.invalidate_all();
    }
}

/// Whether clients send a policy's uploads through Stratus although its blobs live elsewhere
/// (the `relay` of spec §6.1, told to clients in the policy summary).
pub fn relays_uploads(policy: &storage_policy::Model) -> bool {
    setting_bool(&policy.settings, "relay")
}

/// Whether clients send a policy's uploads straight to its bucket (spec §6.2): the default
/// of `s3` and `oss` policies, unless they relay.
pub fn direct_uploads(policy: &storage_policy::Model) -> bool {
    matches!(policy.r#type.as_str(), kind::S3 | kind::OSS) && !relays_uploads(policy)
}

/// A boolean policy setting, written as `true`, `"true"`, `"1"` or `1`.
pub(crate) fn setting_bool(settings: &Value, key: &str) -> bool {
    match settings.get(key) {
        Some(Value::Bool(b)) => *b,
        Some(Value::Number(n)) => n.as_i64().is_some_and(|n| n != 0),
        Some(Value::String(s)) => matches!(s.as_str(), "1" | "true"),
        _ => false,
    }
}

#[cfg(test)]
mod tests {
    use serde_json::json;

    use super::*;

    #[test]
    fn boolean_settings_accept_the_usual_spellings() {
        let settings = json!({"a": true, "b": "1", "c": 1, "d": false, "e": "no"});
        for (key, want) in [
            ("a", true),
            ("b", true),
            ("c", true),
            ("d", false),
            ("e", false),
        ] {
            assert_eq!(setting_bool(&settings, key), want, "{key}");
        }
        assert!(!setting_bool(&settings, "missing"));
    }
}
