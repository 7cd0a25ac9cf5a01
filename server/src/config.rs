//! Process configuration: the few things needed before the database is reachable.
//!
//! Layers, later wins: built-in defaults → TOML file (`--config`) → `STRATUS_*` environment
//! variables → command-line flags. Everything else (site name, TTLs, captcha, ...) is a site
//! setting stored in the database and edited in the admin console.

use std::{
    fmt,
    net::{IpAddr, SocketAddr},
    path::PathBuf,
};

use figment::{
    Figment,
    providers::{Env, Format, Serialized, Toml},
};
use ipnet::IpNet;
use serde::{Deserialize, Deserializer, Serialize, Serializer, de::Error as _};

/// Default address: loopback only, so a fresh install is not exposed before it is configured.
pub const DEFAULT_LISTEN: &str = "127.0.0.1:5212";

#[derive(Clone, Serialize, Deserialize)]
#[serde(default)]
pub struct Config {
    /// `master` (the drive) or `slave` (a storage node serving only the slave routes).
    pub mode: Mode,
    /// A slave's node secret (the `slave_key` of its node row on the master), at least 64
    /// characters. Prefer `slave_secret_file` or the `STRATUS_SLAVE_SECRET` variable.
    pub slave_secret: Option<String>,
    /// Read the slave's node secret from this file.
    pub slave_secret_file: Option<PathBuf>,
    /// Folder for the SQLite database, uploaded blobs and temporary files.
    pub data_dir: PathBuf,
    /// `sqlite://…` or `postgres://…`; defaults to `sqlite://<data_dir>/stratus.db`.
    pub database_url: Option<String>,
    /// Read the database URL from this file (keeps the password out of the environment).
    pub database_url_file: Option<PathBuf>,
    /// Socket address the HTTP server binds.
    pub listen: SocketAddr,
    /// Debug mode: error envelopes carry the underlying error text in `error`.
    pub debug: bool,
    /// `tracing` filter, e.g. `info` or `stratus_server=debug,info`.
    pub log_level: String,
    /// Largest JSON request body accepted by `/api/v4`, in bytes.
    pub max_json_body: usize,
    /// Header holding the client IP when Stratus runs behind a reverse proxy (e.g. `X-Forwarded-For`).
    pub proxy_header: Option<String>,
    /// The reverse proxies (CIDRs) whose `proxy_header` is believed: only a request from one
    /// of them is read for it, and its client is the right-most entry not in this list.
    pub trusted_proxies: Cidrs,
    /// Serve the web UI from this folder instead of the copy embedded in the binary.
    pub frontend_dir: Option<PathBuf>,
    /// Pool size for PostgreSQL; SQLite always uses a small pool with one writer at a time.
    pub db_max_connections: u32,
    /// Seconds to wait for in-flight requests on shutdown.
    pub shutdown_timeout_secs: u64,
    /// Seconds a request head may take from its first byte to its end (0: no limit).
    pub http_header_timeout_secs: u64,
    /// Seconds a connection carrying no request stays open for the next one (0: no limit).
    pub http_idle_timeout_secs: u64,
    /// Seconds a request body may deliver nothing while it is read, or a client take
    /// nothing of a response, before the connection is dropped (0: no limit).
    pub http_body_timeout_secs: u64,
    /// Connections open at once; further clients wait until one closes (0: no limit).
    pub http_max_connections: usize,
    /// Connections open at once from one client address (an IPv6 client by its /64); past
    /// that, new ones from the address are closed at once (0: no limit). Trusted proxies
    /// are not limited when `proxy_header` is set.
    pub http_max_connections_per_address: usize,
    /// Event streams of each kind (task progress, `/workflow/progress/:id/stream`; file events,
    /// `/file/events`) one user may have open in this process (0: no limit).
    pub max_event_streams_per_user: usize,
    /// Captcha images one client address may fetch per minute (0: no limit).
    pub captcha_per_minute: u32,
    /// Unanswered captcha tickets kept; past that the oldest are dropped (0: no limit).
    pub captcha_max_tickets: u64,
    /// Queue the periodic jobs (recycling, trash, expired sessions) when their period comes.
    /// Of several instances on one database only one queues a period; any instance runs it.
    pub scheduled_jobs: bool,
    /// On a new installation, switch on the thumbnail generators and media readers whose
    /// tools are on `PATH` (when they can run confined). Existing installations keep their
    /// settings whatever this says.
    pub enable_found_tools: bool,
    /// The program that reads documents' text for the search index, in a process of its own
    /// (its hidden `extract-text` command): this very binary when unset.
    pub extractor: Option<PathBuf>,
    /// The S3 endpoint (`[s3]` in the file, `STRATUS_S3_LISTEN` / `STRATUS_S3_DOMAIN`).
    pub s3: S3Config,
}

/// The S3 endpoint's own listener: off unless `listen` is set.
#[derive(Debug, Clone, Default, Serialize, Deserialize)]
#[serde(default)]
pub struct S3Config {
    /// Socket address the S3 endpoint binds (path-style requests: `/<bucket>/<key>`).
    pub listen: Option<SocketAddr>,
    /// Base domain for virtual-host style requests (`<bucket>.<domain>`); path style only
    /// when unset.
    pub domain: Option<String>,
}

impl Default for Config {
    fn default() -> Self {
        Self {
            mode: Mode::Master,
            slave_secret: None,
            slave_secret_file: None,
            data_dir: PathBuf::from("./data"),
            database_url: None,
            database_url_file: None,
            listen: DEFAULT_LISTEN.parse().expect("valid default address"),
            debug: false,
            log_level: "info".into(),
            max_json_body: 2 * 1024 * 1024,
            proxy_header: None,
            trusted_proxies: Cidrs(vec![
                "127.0.0.0/8".parse().expect("valid network"),
                "::1/128".parse().expect("valid network"),
            ]),
            frontend_dir: None,
            db_max_connections: 16,
            shutdown_timeout_secs: 15,
            http_header_timeout_secs: 30,
            http_idle_timeout_secs: 120,
            http_body_timeout_secs: 120,
            http_max_connections: 512,
            http_max_connections_per_address: 64,
            max_event_streams_per_user: 16,
            captcha_per_minute: 30,
            captcha_max_tickets: 10_000,
            scheduled_jobs: true,
            enable_found_tools: true,
            extractor: None,
            s3: S3Config::default(),
        }
    }
}

/// A list of networks written as CIDRs (`10.0.0.0/8`) or single addresses.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Cidrs(pub Vec<IpNet>);

impl Cidrs {
    pub fn contains(&self, ip: &IpAddr) -> bool {
        let ip = ip.to_canonical();
        self.0.iter().any(|net| net.contains(&ip))
    }
}

impl Serialize for Cidrs {
    fn serialize<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        serializer.collect_seq(self.0.iter().map(ToString::to_string))
    }
}

impl<'de> Deserialize<'de> for Cidrs {
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        Vec::<String>::deserialize(deserializer)?
            .iter()
            .map(|s| {
                let s = s.trim();
                s.parse::<IpNet>()
                    .or_else(|_| s.parse::<IpAddr>().map(IpNet::from))
                    .map_err(|_| D::Error::custom(format!("{s:?} is no CIDR or IP address")))
            })
            .collect::<Result<_, _>>()
            .map(Cidrs)
    }
}

/// What a process serves.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum Mode {
    /// The drive: API, web UI, WebDAV, with its database.
    #[default]
    Master,
    /// A storage node: the signed slave routes only, blobs on local disk, no database.
    Slave,
}

/// Values given on the command line; `None` leaves the lower layers in charge.
#[derive(Debug, Default, Clone, Serialize)]
pub struct Overrides {
    #[serde(skip_serializing_if = "Option::is_none")]
    pub data_dir: Option<PathBuf>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub database_url: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub listen: Option<SocketAddr>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub mode: Option<Mode>,
}

impl Config {
    /// Builds the layered configuration. `file` is the TOML file named by `--config`.
    pub fn load(file: Option<&std::path::Path>, overrides: &Overrides) -> anyhow::Result<Self> {
        let mut figment = Figment::from(Serialized::defaults(Config::default()));
        if let Some(file) = file {
            anyhow::ensure!(
                file.exists(),
                "config file {} does not exist",
                file.display()
            );
            figment = figment.merge(Toml::file(file));
        }
        let config: Config = figment
            // `STRATUS_CONFIG` names the file itself, and test-harness variables are not settings.
            .merge(
                Env::prefixed("STRATUS_")
                    .ignore(&["config", "test_database", "test_pg_url"])
                    .filter(|k| !k.as_str().starts_with("s3_")),
            )
            // `STRATUS_S3_LISTEN` is `s3.listen`.
            .merge(Env::prefixed("STRATUS_S3_").map(|k| format!("s3.{k}").into()))
            .merge(Serialized::defaults(overrides))
            .extract()?;
        Ok(config)
    }

    /// A slave's node secret: from `slave_secret_file`, else `slave_secret`; refused when
    /// missing or shorter than `min_len` characters.
    pub fn slave_secret(&self, min_len: usize) -> anyhow::Result<String> {
        let secret = match (&self.slave_secret_file, &self.slave_secret) {
            (Some(path), _) => std::fs::read_to_string(path)
                .map_err(|e| anyhow::anyhow!("reading {}: {e}", path.display()))?
                .trim()
                .to_owned(),
            (None, Some(secret)) => secret.clone(),
            (None, None) => anyhow::bail!(
                "slave mode needs the node secret: set slave_secret_file or STRATUS_SLAVE_SECRET"
            ),
        };
        anyhow::ensure!(
            secret.chars().count() >= min_len,
            "the node secret must be at least {min_len} characters"
        );
        Ok(secret)
    }

    /// The proxies whose connections carry other clients: `trusted_proxies` when a
    /// `proxy_header` is set, else none (without a proxy, every peer is a client).
    pub fn proxies(&self) -> Cidrs {
        match self.proxy_header {
            Some(_) => self.trusted_proxies.clone(),
            None => Cidrs::default(),
        }
    }

    /// The effective database URL (file, explicit value, or the embedded SQLite default).
    pub fn database_url(&self) -> anyhow::Result<String> {
        if let Some(path) = &self.database_url_file {
            let url = std::fs::read_to_string(path)
                .map_err(|e| anyhow::anyhow!("reading {}: {e}", path.display()))?;
            return Ok(url.trim().to_owned());
        }
        Ok(match &self.database_url {
            Some(url) => url.clone(),
            None => format!(
                "sqlite://{}?mode=rwc",
                self.data_dir.join("stratus.db").display()
            ),
        })
    }
}

/// Hides the password part of a database URL so it can be logged.
pub fn redact_url(url: &str) -> String {
    let Some((scheme, rest)) = url.split_once("://") else {
        return url.to_owned();
    };
    match rest.rsplit_once('@') {
        Some((userinfo, host)) => {
            let user = userinfo.split(':').next().unwrap_or_default();
            format!("{scheme}://{user}:***@{host}")
        }
        None => url.to_owned(),
    }
}

impl fmt::Debug for Config {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Config")
            .field("mode", &self.mode)
            .field("slave_secret", &self.slave_secret.as_ref().map(|_| "***"))
            .field("slave_secret_file", &self.slave_secret_file)
            .field("data_dir", &self.data_dir)
            .field(
                "database_url",
                &self.database_url.as_deref().map(redact_url),
            )
            .field("database_url_file", &self.database_url_file)
            .field("listen", &self.listen)
            .field("debug", &self.debug)
            .field("log_level", &self.log_level)
            .field("max_json_body", &self.max_json_body)
            .field("proxy_header", &self.proxy_header)
            .field("trusted_proxies", &self.trusted_proxies)
            .field("frontend_dir", &self.frontend_dir)
            .field("db_max_connections", &self.db_max_connections)
            .field("shutdown_timeout_secs", &self.shutdown_timeout_secs)
            .field("http_header_timeout_secs", &self.http_header_timeout_secs)
            .field("http_idle_timeout_secs", &self.http_idle_timeout_secs)
            .field("http_body_timeout_secs", &self.http_body_timeout_secs)
            .field("http_max_connections", &self.http_max_connections)
            .field(
                "http_max_connections_per_address",
                &self.http_max_connections_per_address,
            )
            .field(
                "max_event_streams_per_user",
                &self.max_event_streams_per_user,
            )
            .field("captcha_per_minute", &self.captcha_per_minute)
            .field("captcha_max_tickets", &self.captcha_max_tickets)
            .field("scheduled_jobs", &self.scheduled_jobs)
            .field("enable_found_tools", &self.enable_found_tools)
            .field("extractor", &self.extractor)
            .field("s3", &self.s3)
            .finish()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn redacts_password_in_urls() {
        assert_eq!(
            redact_url("postgres://stratus:hunter2@db:5432/stratus"),
            "postgres://stratus:***@db:5432/stratus"
        );
        assert_eq!(redact_url("sqlite://./data/x.db"), "sqlite://./data/x.db");
        let config = Config {
            database_url: Some("postgres://u:topsecret@h/db".into()),
            ..Config::default()
        };
        assert!(!format!("{config:?}").contains("topsecret"));
    }

    #[test]
    fn trusted_proxies_read_cidrs_and_addresses() {
        let dir = tempfile::tempdir().unwrap();
        let file = dir.path().join("stratus.toml");
        std::fs::write(
            &file,
            "trusted_proxies = [\"10.0.0.0/8\", \"2001:db8::1\"]\n",
        )
        .unwrap();
        let config = Config::load(Some(&file), &Overrides::default()).unwrap();
        let ip = |s: &str| s.parse::<IpAddr>().unwrap();
        assert!(config.trusted_proxies.contains(&ip("10.9.8.7")));
        assert!(config.trusted_proxies.contains(&ip("::ffff:10.0.0.1")));
        assert!(config.trusted_proxies.contains(&ip("2001:db8::1")));
        assert!(!config.trusted_proxies.contains(&ip("127.0.0.1")));
        std::fs::write(&file, "trusted_proxies = [\"10.0.0.0/33\"]\n").unwrap();
        assert!(Config::load(Some(&file), &Overrides::default()).is_err());
        assert!(Config::default().trusted_proxies.contains(&ip("127.0.0.1")));
    }

    #[test]
    fn layers_file_then_overrides() {
        let dir = tempfile::tempdir().unwrap();
        let file = dir.path().join("stratus.toml");
        std::fs::write(&file, "listen = \"127.0.0.1:9000\"\ndebug = true\n").unwrap();
        let config = Config::load(Some(&file), &Overrides::default()).unwrap();
        assert_eq!(config.listen.port(), 9000);
        assert!(config.debug);
        let overrides = Overrides {
            listen: Some("127.0.0.1:9001".parse().unwrap()),
            ..Overrides::default()
        };
        let config = Config::load(Some(&file), &overrides).unwrap();
        assert_eq!(config.listen.port(), 9001);
        assert!(Config::load(Some(&dir.path().join("missing.toml")), &overrides).is_err());
    }
}
