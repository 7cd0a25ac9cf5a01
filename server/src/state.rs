//! Everything a request handler needs, shared behind one `Arc`.

use std::{ops::Deref, sync::Arc, time::Instant};

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
    /// Thumbnail worker slots and in-flight generations.
    pub thumbs: crate::thumb::Thumbnailer,
    /// WebDAV credentials verified recently.
    pub dav_logins: crate::auth::dav_cache::LoginCache,
    /// The user, group and account rows of recent WebDAV sign-ins.
    pub dav_rows: crate::auth::dav_cache::SignedRows,
    /// Publishes streamed writes (in batches on SQLite).
    pub commits: crate::upload::commit::Committer,
    /// Blobs stored and waiting for their row, journaled for the next start.
    pub pending: Arc<crate::storage::pending::PendingBlobs>,
    /// The last storage probe of `/healthz`.
    pub storage_probe: crate::ops::StorageProbe,
    /// What this instance last read about session chains.
    pub sessions: crate::auth::session::Chains,
    /// Captcha images handed out per client address.
    pub captcha_limits: crate::address_limit::AddressLimiter,
    /// How the file system opens shares (the share module fills it in).
    pub share_trees: Arc<dyn crate::fs::share_tree::ShareTrees>,
}

impl AppState {
    pub fn new(
        config: Config,
        db: DatabaseConnection,
        settings: Settings,
        ids: HashIds,
        share_trees: Arc<dyn crate::fs::share_tree::ShareTrees>,
    ) -> Self {
        Self(Arc::new(Inner {
            share_trees,
            storage: DriverRegistry::new(db.clone(), config.data_dir.clone()),
            pending: Arc::new(crate::storage::pending::PendingBlobs::new(&config.data_dir)),
            commits: crate::upload::commit::Committer::new(db.clone()),
            captcha_limits: crate::address_limit::AddressLimiter::per_minute(
                config.captcha_per_minute,
            ),
            settings,
            config,
            db,
            ids,
            metrics: Metrics::default(),
            started: Instant::now(),
            thumbs: Default::default(),
            dav_logins: crate::auth::dav_cache::login_cache(),
            dav_rows: Default::default(),
            storage_probe: Default::default(),
            sessions: Default::default(),
        }))
    }
}

impl Deref for AppState {
    type Target = Inner;

    fn deref(&self) -> &Inner {
        &self.0
    }
}
