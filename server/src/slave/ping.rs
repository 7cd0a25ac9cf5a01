//! The node test (spec §9.4): asked by the master, the slave fetches the master's
//! `/api/v4/site/ping` and compares versions (a `-pro` suffix ignored).

use super::{Slave, upload::SlaveError};

/// Why the slave could not confirm the master.
#[derive(Debug, thiserror::Error)]
pub enum PingError {
    #[error("the slave cannot reach the master: {0}")]
    Unreachable(String),
    #[error("master version {master} differs from slave version {slave}")]
    Version { master: String, slave: String },
    #[error(transparent)]
    Other(#[from] SlaveError),
}

impl Slave {
    /// Pings `callback` (the master's site URL) and checks it answers `version`, the one
    /// this build's own ping answers.
    pub async fn ping_master(&self, callback: &str, version: &str) -> Result<(), PingError> {
        let url = url::Url::parse(callback)
            .ok()
            .filter(|u| matches!(u.scheme(), "http" | "https"))
            .ok_or_else(|| PingError::Unreachable(format!("{callback:?} is not an http URL")))?;
        let ping = format!("{}/api/v4/site/ping", url.as_str().trim_end_matches('/'));
        let unreachable = |e: reqwest::Error| PingError::Unreachable(e.to_string());
        let reply: crate::storage::remote::protocol::Reply<String> = self
            .client()
            .get(ping)
            .send()
            .await
            .map_err(unreachable)?
            .json()
            .await
            .map_err(unreachable)?;
        let master = reply.data.unwrap_or_default();
        let slave = version;
        if master.trim_end_matches("-pro") != slave.trim_end_matches("-pro") {
            return Err(PingError::Version {
                master,
                slave: slave.to_owned(),
            });
        }
        Ok(())
    }
}
