//! Everything a request handler needs, shared behind one `Arc`.
//!
//! The state holds what all layers share (configuration, database, settings, ids, metrics,
//! the storage drivers) and imports no feature module. A feature that keeps a process-wide
//! part (the thumbnail workers, the publish queue) keeps it in a slot of [`Parts`], made on
//! first use by the feature that owns the type ([`AppState::part`]), so the state need not
//! know it. The journal of blobs waiting for their row belongs to `storage`, below every
//! feature, and is a field.
//!
//! The parts, by the file that makes each (a test checks that this list and the code agree):
//!
//! | file | part |
//! | --- | --- |
//! | `access_watch.rs` | the listeners told when a user's access narrows |
//! | `auth/dav_cache.rs` | verified WebDAV credentials, and the rows of recent sign-ins |
//! | `auth/oauth/oidc.rs` | the site's ID-token signing key |
//! | `auth/s3_key.rs` | the S3 endpoint's bound address, and the keys verified in the last seconds |
//! | `auth/session.rs` | the live session chains |
//! | `auth/sign_in/oidc/remote.rs` | the OpenID Connect providers' discovery documents and key sets |
//! | `extract/list.rs` | archive listings, by blob and name encoding |
//! | `fs/share_tree.rs` | the share trees the share module provides to the file system |
//! | `fs/watch.rs` | the guard against mass deletion, which the guard module provides to the file system |
//! | `fs_events/cursors.rs` | the cursor of each file-event subscription |
//! | `fs_events/dispatcher.rs` | the instance's file-event dispatcher |
//! | `guard/counting.rs` | this instance's estimate of each credential's recent changes |
//! | `guard/incidents.rs` | which credentials the guard stopped, as this instance last read it |
//! | `guard/recorder.rs` | the writer that stores the guard's recorded changes in groups |
//! | `health/policies.rs` | the storage probes' last answers |
//! | `ops.rs` | the `/healthz` storage probe |
//! | `queue/registry.rs` | the task kinds and their workers |
//! | `s3/failures.rs` | the sign-in throttle's locks after refused S3 signatures, until they end |
//! | `stream_places.rs` | the event streams open per user and kind |
//! | `thumb/mod.rs` | the thumbnail generator and its workers |
//! | `upload/commit.rs` | the committer that publishes writes in groups |

use std::{
    any::{Any, TypeId},
    collections::HashMap,
    ops::Deref,
    sync::{Arc, RwLock},
    time::Instant,
};

use sea_orm::DatabaseConnection;

use crate::{
    config::Config, ids::HashIds, metrics::Metrics, settings::Settings,
    storage::registry::DriverRegistry,
};

/// Cheap to clone; handlers receive it through `poem::web::Data`.
#[derive(Clone)]
pub struct AppState(Arc<Inner>);

pub struct Inner {
    pub config: Config,
    pub db: DatabaseConnection,
    pub settings: Settings,
    /// Public ids, keyed with the site's `hash_id_salt`.
    pub ids: HashIds,
    pub metrics: Metrics,
    /// Storage policy id → blob driver.
    pub storage: DriverRegistry,
    pub started: Instant,
    /// Blobs stored and waiting for their row, journaled for the next start.
    pub pending: Arc<crate::storage::pending::PendingBlobs>,
    /// Captcha images handed out per client address.
    pub captcha_limits: crate::address_limit::AddressLimiter,
    /// The process-wide parts of features, one per type.
    parts: Parts,
}

/// One slot per type, each filled on first use ([`AppState::part`]).
#[derive(Default)]
struct Parts(RwLock<HashMap<TypeId, Arc<dyn Any + Send + Sync>>>);

impl AppState {
    pub fn new(config: Config, db: DatabaseConnection, settings: Settings, ids: HashIds) -> Self {
        let pending = Arc::new(crate::storage::pending::PendingBlobs::new(&config.data_dir));
        Self(Arc::new(Inner {
            storage: DriverRegistry::new(db.clone(), config.data_dir.clone())
                .with_pending(pending.clone()),
            pending,
            captcha_limits: crate::address_limit::AddressLimiter::per_minute(
                config.captcha_per_minute,
            ),
            settings,
            config,
            db,
            ids,
            metrics: Metrics::default(),
            started: Instant::now(),
            parts: Parts::default(),
        }))
    }

    /// The folder for temporary files inside the data dir: the `temp_path` setting (a path
    /// relative to the data dir, `temp` when empty). Features use a folder of their own in it.
    pub async fn temp_dir(&self) -> Result<std::path::PathBuf, sea_orm::DbErr> {
        let temp = self.settings.get("temp_path").await?;
        let temp = match temp.trim() {
            "" => "temp",
            set => set,
        };
        Ok(self.config.data_dir.join(temp))
    }

    /// The process-wide part of type `T`, made by `make` when first asked for; it lives as
    /// long as the state. `make` runs with the slots locked, so it must not ask for a part.
    pub fn part<T: Any + Send + Sync>(&self, make: impl FnOnce(&Inner) -> T) -> Arc<T> {
        self.parts.get(|| make(self))
    }

    /// The part of type `T` if one was made or provided.
    pub fn provided<T: Any + Send + Sync>(&self) -> Option<Arc<T>> {
        let found = self
            .parts
            .0
            .read()
            .expect("parts")
            .get(&TypeId::of::<T>())
            .cloned();
        found.and_then(|part| part.downcast().ok())
    }

    /// Puts `part` in the slot of its type, for a part a module above the one using it must
    /// make (the share module's trees, which the file system opens).
    pub fn provide<T: Any + Send + Sync>(&self, part: T) {
        self.parts
            .0
            .write()
            .expect("parts")
            .insert(TypeId::of::<T>(), Arc::new(part));
    }
}

impl Parts {
    /// The part of type `T`, made by `make` if there is none yet.
    fn get<T: Any + Send + Sync>(&self, make: impl FnOnce() -> T) -> Arc<T> {
        let key = TypeId::of::<T>();
        let found = self.0.read().expect("parts").get(&key).cloned();
        let part = match found {
            Some(part) => part,
            None => self
                .0
                .write()
                .expect("parts")
                .entry(key)
                .or_insert_with(|| Arc::new(make()))
                .clone(),
        };
        part.downcast()
            .expect("a slot holds the type it is keyed by")
    }
}

impl Deref for AppState {
    type Target = Inner;

    fn deref(&self) -> &Inner {
        &self.0
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn each_type_has_one_part_made_once() {
        let parts = Parts::default();
        let first = parts.get(|| String::from("first"));
        let again = parts.get(|| String::from("second"));
        assert!(Arc::ptr_eq(&first, &again));
        assert_eq!(*again, "first");
        assert_eq!(*parts.get(|| 7u32), 7);
        assert_eq!(*parts.get(String::new), "first");
    }
}
