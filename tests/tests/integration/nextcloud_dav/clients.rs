//! The real sync clients against Stratus: nextcloudcmd (Nextcloud desktop) and owncloudcmd
//! (ownCloud desktop). Each run is bounded by a timeout; the requests each sync made are
//! counted in the server's metrics.

use std::{
    path::{Path, PathBuf},
    time::Duration,
};

use super::ann;

/// How long one client run may take.
const RUN_LIMIT: Duration = Duration::from_secs(120);

/// A sync client: its binary.
#[derive(Clone, Copy)]
struct Client {
    bin: &'static str,
}

const NEXTCLOUD: Client = Client {
    bin: "nextcloudcmd",
};
const OWNCLOUD: Client = Client { bin: "owncloudcmd" };

impl Client {
    /// Whether the binary is there (`.ci/run` installs both).
    fn installed(self) -> bool {
        std::env::var_os("PATH").is_some_and(|paths| {
            std::env::split_paths(&paths).any(|dir| dir.join(self.bin).is_file())
        })
    }

    /// Runs one sync of `local` with the server at `url` as ann; returns its log.
    async fn sync(self, local: &Path, url: &str, pw: &str, home: &Path) -> String {
        let mut cmd = tokio::process::Command::new(self.bin);
        cmd.args([
            "--non-interactive",
            "--logdebug",
            "-u",
            super::ANN,
            "-p",
            pw,
            "--max-sync-retries",
            "1",
        ])
        .arg(local)
        .arg(url)
        // Its settings and journal stay in the test's directories.
        .env("HOME", home)
        .env("XDG_CONFIG_HOME", home.join("config"))
        .env("XDG_DATA_HOME", home.join("data"))
        .env("OWNCLOUD_CHUNK_SIZE", "1048576")
        .env("OWNCLOUD_MAX_CHUNK_SIZE", "1048576")
        .env("OWNCLOUD_MIN_CHUNK_SIZE", "1048576")
        .kill_on_drop(true);
        let out = tokio::time::timeout(RUN_LIMIT, cmd.output())
            .await
            .unwrap_or_else(|_| panic!("{} did not finish in {RUN_LIMIT:?}", self.bin))
            .expect("the client runs");
        let log = format!(
            "{}{}",
            String::from_utf8_lossy(&out.stdout),
            String::from_utf8_lossy(&out.stderr)
        );
        assert!(out.status.success(), "{} failed:\n{}", self.bin, tail(&log));
        log
    }
}

/// The end of a long log.
fn tail(log: &str) -> &str {
    let start = log.len().saturating_sub(20_000);
    let start = (start..log.len())
        .find(|&i| log.is_char_boundary(i))
        .unwrap_or(0);
    &log[start..]
}

async fn first_sync(client: Client) {
    if !client.installed() {
        eprintln!(
            "skipped: {} is not installed (.ci/run installs it)",
            client.bin
        );
        return;
    }
    let (server, _s, pw) = ann().await;
    let dir = tempfile::tempdir().unwrap();
    let local: PathBuf = dir.path().join("local");
    std::fs::create_dir_all(&local).unwrap();
    std::fs::write(local.join("a.txt"), "hello").unwrap();
    client.sync(&local, &server.url("/"), &pw, dir.path()).await;
}

#[tokio::test]
async fn nextcloudcmd_syncs() {
    first_sync(NEXTCLOUD).await;
}
