//! `SlaveNode`: a Stratus process in slave mode (the real slave routes) on
//! `127.0.0.1:<ephemeral>` with its own data dir, for tests of `remote` storage policies.

use std::{path::PathBuf, time::Duration};

use stratus_server::config::{Config, Mode};
use tempfile::TempDir;
use tokio::{sync::oneshot, task::JoinHandle};

/// A running slave node; stopped when dropped.
pub struct SlaveNode {
    /// `http://127.0.0.1:<port>`
    pub base: String,
    /// The node secret (the master's `slave_key` for this node).
    pub secret: String,
    /// Where the node keeps blobs (`<data>/uploads`).
    pub uploads: PathBuf,
    shutdown: Option<oneshot::Sender<()>>,
    handle: Option<JoinHandle<std::io::Result<()>>>,
    _dir: TempDir,
}

impl SlaveNode {
    /// Starts a slave with a fresh random 64-character secret.
    pub async fn start() -> Self {
        let dir = tempfile::tempdir().expect("temp dir");
        let secret: String = {
            use rand::{Rng, distr::Alphanumeric};
            rand::rng()
                .sample_iter(Alphanumeric)
                .take(64)
                .map(char::from)
                .collect()
        };
        let config = Config {
            mode: Mode::Slave,
            slave_secret: Some(secret.clone()),
            data_dir: dir.path().join("data"),
            listen: "127.0.0.1:0".parse().unwrap(),
            ..Config::default()
        };
        let slave = stratus_server::slave::Slave::new(&config).expect("slave config");
        let listener = tokio::net::TcpListener::bind(config.listen)
            .await
            .expect("bind");
        let addr = listener.local_addr().unwrap();
        let (tx, rx) = oneshot::channel::<()>();
        let handle = tokio::spawn(async move {
            stratus_server::serve_slave(listener, slave, &config, async {
                let _ = rx.await;
            })
            .await
        });
        let node = Self {
            base: format!("http://{addr}"),
            secret,
            uploads: dir.path().join("data").join("uploads"),
            shutdown: Some(tx),
            handle: Some(handle),
            _dir: dir,
        };
        node.wait_ready().await;
        node
    }

    async fn wait_ready(&self) {
        let client = reqwest::Client::new();
        let deadline = tokio::time::Instant::now() + Duration::from_secs(30);
        loop {
            if let Ok(resp) = client.get(format!("{}/healthz", self.base)).send().await
                && resp.status().is_success()
            {
                return;
            }
            assert!(
                tokio::time::Instant::now() < deadline,
                "slave did not become ready"
            );
            tokio::time::sleep(Duration::from_millis(20)).await;
        }
    }

    /// Every file below the node's blob folder (relative paths), temporary ones included.
    pub fn files(&self) -> Vec<String> {
        fn walk(dir: &std::path::Path, root: &std::path::Path, out: &mut Vec<String>) {
            let Ok(entries) = std::fs::read_dir(dir) else {
                return;
            };
            for entry in entries.flatten() {
                let path = entry.path();
                if path.is_dir() {
                    walk(&path, root, out);
                } else if let Ok(rel) = path.strip_prefix(root) {
                    out.push(rel.to_string_lossy().into_owned());
                }
            }
        }
        let mut out = Vec::new();
        walk(&self.uploads, &self.uploads, &mut out);
        out.sort();
        out
    }

    /// Stops the node and waits until its port is closed.
    pub async fn stop(&mut self) {
        if let Some(tx) = self.shutdown.take() {
            let _ = tx.send(());
        }
        if let Some(handle) = self.handle.take() {
            let _ = tokio::time::timeout(Duration::from_secs(20), handle).await;
        }
    }
}

impl Drop for SlaveNode {
    fn drop(&mut self) {
        if let Some(tx) = self.shutdown.take() {
            let _ = tx.send(());
        }
        if let Some(handle) = self.handle.take() {
            handle.abort();
        }
    }
}
