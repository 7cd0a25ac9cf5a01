//! The real sync clients against Stratus: nextcloudcmd (Nextcloud desktop) and owncloudcmd
//! (ownCloud desktop). Each run is bounded by a timeout; the requests each sync made are
//! counted in the server's metrics.

use std::{
    collections::BTreeMap,
    path::{Path, PathBuf},
    time::Duration,
};

use serde_json::json;
use stratus_tests::TestServer;

use super::{ann, api, nc, row};

/// How long one client run may take.
const RUN_LIMIT: Duration = Duration::from_secs(120);

/// A sync client: its binary.
#[derive(Clone, Copy)]
pub(crate) struct Client {
    bin: &'static str,
}

pub(crate) const NEXTCLOUD: Client = Client {
    bin: "nextcloudcmd",
};
const OWNCLOUD: Client = Client { bin: "owncloudcmd" };

impl Client {
    /// Whether the binary is there (`.ci/run` installs both).
    pub(crate) fn installed(self) -> bool {
        std::env::var_os("PATH").is_some_and(|paths| {
            std::env::split_paths(&paths).any(|dir| dir.join(self.bin).is_file())
        })
    }

    /// Runs one sync of `local` with the server at `url` as ann; returns its log.
    pub(crate) async fn sync(self, local: &Path, url: &str, pw: &str, home: &Path) -> String {
        self.sync_as(super::ANN, local, url, pw, home).await
    }

    /// Runs one sync of `local` with the server at `url` as `user`; returns its log.
    async fn sync_as(self, user: &str, local: &Path, url: &str, pw: &str, home: &Path) -> String {
        let (ok, log) = self.sync_status_as(user, local, url, pw, home).await;
        assert!(
            ok,
            "{} failed:
{}",
            self.bin,
            tail(&log)
        );
        log
    }

    /// [`Client::sync`] that may fail (a server that refuses some changes): whether the
    /// client said it succeeded, and its log.
    pub(crate) async fn sync_status(
        self,
        local: &Path,
        url: &str,
        pw: &str,
        home: &Path,
    ) -> (bool, String) {
        self.sync_status_as(super::ANN, local, url, pw, home).await
    }

    async fn sync_status_as(
        self,
        user: &str,
        local: &Path,
        url: &str,
        pw: &str,
        home: &Path,
    ) -> (bool, String) {
        // No system exclude list is installed with owncloudcmd: an empty one of our own.
        let excludes = home.join("exclude.lst");
        std::fs::write(&excludes, "").unwrap();
        let mut cmd = tokio::process::Command::new(self.bin);
        cmd.args([
            "--non-interactive",
            "--logdebug",
            "-u",
            user,
            "-p",
            pw,
            "--max-sync-retries",
            "1",
        ])
        .arg("--exclude")
        .arg(&excludes)
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
        (out.status.success(), log)
    }
}

/// The end of a long log.
pub(crate) fn tail(log: &str) -> &str {
    let start = log.len().saturating_sub(20_000);
    let start = (start..log.len())
        .find(|&i| log.is_char_boundary(i))
        .unwrap_or(0);
    &log[start..]
}

/// The modified time given to the server's files, and checked on the client's copies.
const MTIME: i64 = 1_600_000_000;

/// Every file below `dir` (relative path → bytes), the client's own files left out.
pub(crate) fn tree(dir: &Path) -> BTreeMap<String, Vec<u8>> {
    let mut out = BTreeMap::new();
    let mut stack = vec![dir.to_path_buf()];
    while let Some(d) = stack.pop() {
        for entry in std::fs::read_dir(&d).unwrap() {
            let path = entry.unwrap().path();
            let rel = path
                .strip_prefix(dir)
                .unwrap()
                .to_string_lossy()
                .into_owned();
            if rel.starts_with(".sync_")
                || rel.starts_with("._sync_")
                || rel.contains(".owncloudsync")
            {
                continue;
            }
            if path.is_dir() {
                stack.push(path);
            } else {
                out.insert(rel, std::fs::read(&path).unwrap());
            }
        }
    }
    out
}

/// PUT and GET requests the server has answered on the clients' paths, from its metrics.
async fn transfers(server: &TestServer) -> u64 {
    let text = server
        .client
        .get(server.url("/metrics"))
        .send()
        .await
        .unwrap()
        .text()
        .await
        .unwrap();
    text.lines()
        .filter(|l| l.starts_with("stratus_http_requests_total{route=\"nextcloud_dav\""))
        .filter(|l| {
            l.contains("method=\"PUT\"")
                || l.contains("method=\"GET\"")
                || l.contains("method=\"MOVE\"")
        })
        .filter_map(|l| l.rsplit(' ').next()?.parse::<f64>().ok())
        .sum::<f64>() as u64
}

/// A PUT of `bytes` at `path` of ann's files, with the test's modified time.
async fn put(server: &TestServer, pw: &str, path: &str, bytes: Vec<u8>) {
    let resp = nc(server, "PUT", path, pw)
        .header("X-OC-Mtime", MTIME.to_string())
        .body(bytes)
        .send()
        .await
        .unwrap();
    assert!(resp.status().is_success(), "{path}: {}", resp.status());
}

async fn get(server: &TestServer, pw: &str, path: &str) -> (u16, Vec<u8>) {
    let resp = nc(server, "GET", path, pw).send().await.unwrap();
    (resp.status().as_u16(), resp.bytes().await.unwrap().to_vec())
}

/// Both ways: a first sync brings the server's tree down byte for byte with its times; the
/// API's changes come down, local changes go up, a sync with nothing to do moves no file,
/// and only a file changed on both sides makes a conflict copy.
async fn round_trip(client: Client) {
    if !client.installed() {
        eprintln!(
            "skipped: {} is not installed (.ci/run installs it)",
            client.bin
        );
        return;
    }
    let (server, s, pw) = ann().await;
    let url = server.url("/");
    let dir = tempfile::tempdir().unwrap();
    let local: PathBuf = dir.path().join("local");
    std::fs::create_dir_all(&local).unwrap();
    // Above the client's chunk size (1 MiB, set in its environment): sent in chunks.
    let big: Vec<u8> = (0..2_500_000u32).map(|i| (i % 251) as u8).collect();
    for folder in ["/docs", "/docs/a", "/docs/a/b", "/中文"] {
        let made = nc(&server, "MKCOL", &format!("{folder}/"), &pw)
            .send()
            .await
            .unwrap();
        assert_eq!(made.status(), 201, "{folder}");
    }
    put(&server, &pw, "/docs/a/b/deep.txt", b"deep".to_vec()).await;
    put(&server, &pw, "/中文/名字.txt", "你好".as_bytes().to_vec()).await;
    put(&server, &pw, "/empty.txt", Vec::new()).await;
    put(&server, &pw, "/big.bin", big.clone()).await;

    // 1. The first sync: everything arrives as it is, with its modified time.
    client.sync(&local, &url, &pw, dir.path()).await;
    let mut expected = BTreeMap::new();
    expected.insert("big.bin".to_owned(), big.clone());
    expected.insert("docs/a/b/deep.txt".to_owned(), b"deep".to_vec());
    expected.insert("empty.txt".to_owned(), Vec::new());
    expected.insert("中文/名字.txt".to_owned(), "你好".as_bytes().to_vec());
    assert_eq!(tree(&local), expected);
    for name in expected.keys() {
        let modified = std::fs::metadata(local.join(name))
            .unwrap()
            .modified()
            .unwrap();
        let secs = modified
            .duration_since(std::time::UNIX_EPOCH)
            .unwrap()
            .as_secs() as i64;
        assert_eq!(secs, MTIME, "{name}");
    }

    // 2. The API's changes: new content, a delete, a move.
    let changed = server
        .request_as(
            reqwest::Method::PUT,
            "/file/content?uri=cloudreve%3A%2F%2Fmy%2Fdocs%2Fa%2Fb%2Fdeep.txt",
            &s.access_token,
        )
        .body("deeper")
        .send()
        .await
        .unwrap();
    assert!(changed.status().is_success());
    api(
        &server,
        &s,
        reqwest::Method::DELETE,
        "/file",
        json!({"uris": ["cloudreve://my/empty.txt"]}),
    )
    .await;
    api(
        &server,
        &s,
        reqwest::Method::POST,
        "/file/move",
        json!({"uris": ["cloudreve://my/中文/名字.txt"], "dst": "cloudreve://my/docs"}),
    )
    .await;
    client.sync(&local, &url, &pw, dir.path()).await;
    expected.insert("docs/a/b/deep.txt".to_owned(), b"deeper".to_vec());
    expected.remove("empty.txt");
    expected.remove("中文/名字.txt");
    expected.insert("docs/名字.txt".to_owned(), "你好".as_bytes().to_vec());
    assert_eq!(tree(&local), expected);

    // 3. Local changes: an edit (in chunks), a delete, a rename, a new file.
    let big2: Vec<u8> = big.iter().rev().copied().collect();
    std::fs::write(local.join("big.bin"), &big2).unwrap();
    std::fs::remove_file(local.join("docs/a/b/deep.txt")).unwrap();
    std::fs::rename(local.join("docs/名字.txt"), local.join("docs/renamed.txt")).unwrap();
    std::fs::write(local.join("new.txt"), "local").unwrap();
    let log = client.sync(&local, &url, &pw, dir.path()).await;
    assert!(
        log.contains("/remote.php/dav/uploads/"),
        "the big file goes in chunks"
    );
    assert_eq!(get(&server, &pw, "/big.bin").await.1, big2);
    assert_eq!(get(&server, &pw, "/docs/a/b/deep.txt").await.0, 404);
    assert_eq!(get(&server, &pw, "/docs/名字.txt").await.0, 404);
    assert_eq!(
        get(&server, &pw, "/docs/renamed.txt").await.1,
        "你好".as_bytes()
    );
    assert_eq!(get(&server, &pw, "/new.txt").await.1, b"local");
    // With the local modified times.
    for name in ["new.txt", "big.bin"] {
        let local_time = std::fs::metadata(local.join(name))
            .unwrap()
            .modified()
            .unwrap();
        let local_secs = local_time
            .duration_since(std::time::UNIX_EPOCH)
            .unwrap()
            .as_secs();
        assert_eq!(
            row(&server, name).await.updated_at.timestamp(),
            local_secs as i64
        );
    }

    // 4. Nothing changed: nothing is sent either way.
    let before = transfers(&server).await;
    let log = client.sync(&local, &url, &pw, dir.path()).await;
    let sent: Vec<&str> = log
        .lines()
        .filter(|l| l.contains("has X-Request-ID"))
        .collect();
    assert_eq!(
        transfers(&server).await,
        before,
        "a sync with nothing to do: {sent:#?}"
    );
    assert!(
        !tree(&local).keys().any(|k| k.contains("conflict")),
        "{:?}",
        tree(&local).keys()
    );

    // 5. Both sides change the same file: one conflict copy.
    put(&server, &pw, "/new.txt", b"server side".to_vec()).await;
    std::fs::write(local.join("new.txt"), "client side, longer").unwrap();
    client.sync(&local, &url, &pw, dir.path()).await;
    let after = tree(&local);
    let conflicts: Vec<&String> = after.keys().filter(|k| k.contains("onflict")).collect();
    assert_eq!(conflicts.len(), 1, "{:?}", after.keys());
}

#[tokio::test]
async fn nextcloudcmd_syncs_both_ways() {
    round_trip(NEXTCLOUD).await;
}

#[tokio::test]
async fn owncloudcmd_syncs_both_ways() {
    round_trip(OWNCLOUD).await;
}

/// A grant comes down under "Shared with me" in the recipient's sync; once it gives write
/// access, a file made in the local copy goes up into the owner's folder.
#[tokio::test]
async fn nextcloudcmd_syncs_a_grant_down_and_a_new_file_up() {
    let client = NEXTCLOUD;
    if !client.installed() {
        eprintln!(
            "skipped: {} is not installed (.ci/run installs it)",
            client.bin
        );
        return;
    }
    let (server, ann_s, ann_pw) = ann().await;
    server.create_user("bob@example.com", "password123").await;
    let bob = server.login("bob@example.com", "password123").await;
    let pw = crate::dav::password(&server, &bob, "cloudreve://my").await;
    let made = nc(&server, "MKCOL", "/Team/", &ann_pw)
        .send()
        .await
        .unwrap();
    assert_eq!(made.status(), 201);
    put(&server, &ann_pw, "/Team/a.txt", b"from ann".to_vec()).await;
    let bob_id = bob.user["id"].as_str().unwrap().to_owned();
    let grant = |access: &str| json!({"uri": "cloudreve://my/Team", "users": {&bob_id: access}, "groups": {}});
    let permission = "/file/permission";
    api(
        &server,
        &ann_s,
        reqwest::Method::PUT,
        permission,
        grant("read"),
    )
    .await;
    let dir = tempfile::tempdir().unwrap();
    let local: PathBuf = dir.path().join("local");
    std::fs::create_dir_all(&local).unwrap();
    let url = server.url("/");
    client
        .sync_as("bob@example.com", &local, &url, &pw, dir.path())
        .await;
    let mut expected = BTreeMap::new();
    expected.insert("Shared with me/Team/a.txt".to_owned(), b"from ann".to_vec());
    assert_eq!(tree(&local), expected);

    api(
        &server,
        &ann_s,
        reqwest::Method::PUT,
        permission,
        grant("write"),
    )
    .await;
    let team = local.join("Shared with me/Team");
    std::fs::write(team.join("from-bob.txt"), "from bob").unwrap();
    client
        .sync_as("bob@example.com", &local, &url, &pw, dir.path())
        .await;
    let (status, bytes) = get(&server, &ann_pw, "/Team/from-bob.txt").await;
    assert_eq!((status, bytes.as_slice()), (200, &b"from bob"[..]));
    let owner = row(&server, "from-bob.txt").await.owner_id;
    assert_eq!(owner, crate::download::uid(&server, &ann_s));
}
