//! Slave mode (spec §9): a Stratus process that stores the blobs of a master's `remote`
//! policies on its own disk and serves them over the signed slave routes (`api/slave/`).
//! It has no database: the node secret comes from the configuration, blobs are kept by the
//! [`LocalDriver`] under `<data_dir>/uploads`, and upload sessions are files under
//! `<data_dir>/slave-sessions` ([`upload`]), so a restart loses nothing.
//!
//! * [`upload`]: sessions the master opens, chunks from clients (or the master relaying
//!   them), the signed callback to the master once the last chunk is in.
//! * [`ping`]: the node test, the slave pinging the master back (spec §9.4).
//! * [`thumb`]: thumbnails rendered on the node, by the generator chain the master asks for.

pub mod ping;
pub mod thumb;
pub mod upload;

use std::{collections::HashMap, path::PathBuf, sync::Arc, time::Duration};

use crate::{
    config::Config,
    storage::{LocalDriver, registry::UPLOADS_DIR, remote::protocol},
};

/// Folder of the data dir holding upload sessions.
pub const SESSIONS_DIR: &str = "slave-sessions";
/// Folder of the data dir holding the thumbnail tools' private folders.
pub const TEMP_DIR: &str = "temp";

/// The state of a slave process. Cheap to clone.
#[derive(Clone)]
pub struct Slave {
    inner: Arc<Inner>,
}

struct Inner {
    secret: Vec<u8>,
    local: LocalDriver,
    sessions: PathBuf,
    /// Private folders of the thumbnail tools.
    temp: PathBuf,
    client: reqwest::Client,
    /// One lock per upload session, held while its record is read and rewritten.
    locks: std::sync::Mutex<HashMap<String, Arc<tokio::sync::Mutex<()>>>>,
    /// One permit per CPU for rendering thumbnails.
    renders: tokio::sync::Semaphore,
}

impl Slave {
    /// The slave of `config`: refuses a node secret shorter than
    /// [`protocol::MIN_SECRET_LEN`] characters.
    pub fn new(config: &Config) -> anyhow::Result<Self> {
        let secret = config.slave_secret(protocol::MIN_SECRET_LEN)?;
        let data_dir = std::path::absolute(&config.data_dir)?;
        let sessions = data_dir.join(SESSIONS_DIR);
        std::fs::create_dir_all(&sessions)
            .map_err(|e| anyhow::anyhow!("cannot create {}: {e}", sessions.display()))?;
        let client = reqwest::Client::builder()
            .connect_timeout(Duration::from_secs(10))
            .timeout(Duration::from_secs(60))
            .redirect(reqwest::redirect::Policy::none())
            .build()?;
        Ok(Self {
            inner: Arc::new(Inner {
                secret: secret.into_bytes(),
                local: LocalDriver::new(data_dir.join(UPLOADS_DIR)),
                sessions,
                temp: data_dir.join(TEMP_DIR),
                client,
                locks: Default::default(),
                renders: tokio::sync::Semaphore::new(
                    std::thread::available_parallelism().map_or(1, |n| n.get()),
                ),
            }),
        })
    }

    /// The node secret every request must be signed with.
    pub fn secret(&self) -> &[u8] {
        &self.inner.secret
    }

    /// Where the blobs are.
    pub fn local(&self) -> &LocalDriver {
        &self.inner.local
    }

    /// Where the thumbnail tools' private folders go.
    fn temp(&self) -> PathBuf {
        self.inner.temp.clone()
    }

    fn client(&self) -> &reqwest::Client {
        &self.inner.client
    }

    /// A turn to render a thumbnail.
    async fn render_turn(&self) -> tokio::sync::SemaphorePermit<'_> {
        self.inner
            .renders
            .acquire()
            .await
            .expect("the semaphore is never closed")
    }

    fn lock_of(&self, id: &str) -> Arc<tokio::sync::Mutex<()>> {
        let mut locks = self.inner.locks.lock().expect("lock map");
        locks.retain(|_, l| Arc::strong_count(l) > 1);
        locks.entry(id.to_owned()).or_default().clone()
    }
}
