//! A PostgreSQL cluster of one test's own, which the test stops and starts under a running
//! server (the shared cluster of the other tests must never go away).

use std::path::PathBuf;

use anyhow::{Context, Result};

use super::{
    command_ok, connect_admin, find_pg_bin, init_and_start, pg_command, run, running_as_root,
    with_database,
};

/// A cluster on 127.0.0.1 in a temp folder; stopped and deleted once the test process exits.
pub struct OwnCluster {
    bin: PathBuf,
    base: PathBuf,
    as_postgres: bool,
    port: u16,
    /// `postgres://postgres@127.0.0.1:<port>/postgres`
    pub admin_url: String,
}

impl OwnCluster {
    /// Makes and starts the cluster.
    pub async fn start() -> Result<Self> {
        let bin = find_pg_bin()?;
        let as_postgres = running_as_root();
        if as_postgres
            && !command_ok(tokio::process::Command::new("id").args(["-u", "postgres"])).await
        {
            anyhow::bail!("running as root and there is no `postgres` user for initdb");
        }
        let base = tempfile::Builder::new()
            .prefix("stratus-own-pg-")
            .tempdir()
            .context("creating the cluster temp dir")?
            .keep();
        let admin_url = init_and_start(&bin, &base, as_postgres).await?;
        let port = admin_url
            .rsplit(':')
            .next()
            .and_then(|p| p.split('/').next())
            .and_then(|p| p.parse().ok())
            .context("the cluster's port")?;
        Ok(Self {
            bin,
            base,
            as_postgres,
            port,
            admin_url,
        })
    }

    /// Creates database `name`; its URL.
    pub async fn database(&self, name: &str) -> Result<String> {
        use sea_orm::ConnectionTrait;
        let db = connect_admin(&self.admin_url).await?;
        db.execute_unprepared(&format!("CREATE DATABASE \"{name}\""))
            .await?;
        let _ = db.close().await;
        Ok(with_database(&self.admin_url, name))
    }

    /// Stops the server (`pg_ctl stop -m fast`: sessions are ended, as a restart does).
    pub async fn stop(&self) -> Result<()> {
        run(
            pg_command(&self.bin, "pg_ctl", self.as_postgres, &self.base)
                .arg("-D")
                .arg(self.base.join("data"))
                .args(["-m", "fast", "-w", "-t", "60", "stop"]),
        )
        .await
    }

    /// Starts the server again on its port.
    pub async fn start_again(&self) -> Result<()> {
        run(
            pg_command(&self.bin, "pg_ctl", self.as_postgres, &self.base)
                .arg("-D")
                .arg(self.base.join("data"))
                .arg("-l")
                .arg(self.base.join("postgres.log"))
                .args(["-w", "-t", "60", "-o"])
                .arg(format!("-p {}", self.port))
                .arg("start"),
        )
        .await
    }
}
