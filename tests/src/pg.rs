//! A throwaway PostgreSQL for the integration tests.
//!
//! The integration suite runs once on SQLite and once on PostgreSQL. Which one is chosen by the
//! environment:
//!
//! * `STRATUS_TEST_DATABASE` unset, empty or `sqlite`: [`test_database_url`] returns `None` and the
//!   caller uses SQLite in a temp dir.
//! * `STRATUS_TEST_DATABASE=postgres`: every call to [`test_database_url`] creates a fresh database
//!   `stratus_test_<uuid>` and returns its URL. The server comes from
//!   * `STRATUS_TEST_PG_URL` (an admin URL, e.g. `postgres://postgres@127.0.0.1:5432/postgres`),
//!     which is what `.ci/run` provides: one cluster for the whole run; or else
//!   * a cluster this module starts once per test process (`initdb` + `pg_ctl` in a temp dir, as the
//!     `postgres` user when running as root). It is stopped and deleted by a small watchdog process
//!     once the test process exits. Binaries are looked up in `STRATUS_TEST_PG_BIN`, then on `PATH`,
//!     then in the newest `/usr/lib/postgresql/<version>/bin`. With cargo-nextest every test is its
//!     own process, so this fallback starts a cluster per test: set `STRATUS_TEST_PG_URL` instead.

use std::path::{Path, PathBuf};
use std::process::Stdio;
use std::time::Duration;

use anyhow::{Context, Result, bail};
use sea_orm::{ConnectOptions, ConnectionTrait, Database};
use tokio::process::Command;
use tokio::sync::OnceCell;

mod own;
pub use own::OwnCluster;

/// Selects the database of the integration tests: `sqlite` (default) or `postgres`.
pub const DATABASE_ENV: &str = "STRATUS_TEST_DATABASE";
/// Admin URL of an already running PostgreSQL server (the one `.ci/run` starts).
pub const PG_URL_ENV: &str = "STRATUS_TEST_PG_URL";
/// Optional directory holding `initdb` and `pg_ctl` for the fallback cluster.
pub const PG_BIN_ENV: &str = "STRATUS_TEST_PG_BIN";

/// Prefix of every database created by [`test_database_url`].
pub const TEST_DATABASE_PREFIX: &str = "stratus_test_";

/// Admin URL of the server used by this process, resolved once.
static ADMIN_URL: OnceCell<String> = OnceCell::const_new();

/// Which database the integration tests should run on.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum TestBackend {
    Sqlite,
    Postgres,
}

/// Reads [`DATABASE_ENV`]. Panics on an unknown value, so a typo never silently tests SQLite.
pub fn test_backend() -> TestBackend {
    match std::env::var(DATABASE_ENV) {
        Err(_) => TestBackend::Sqlite,
        Ok(v) => match v.trim().to_ascii_lowercase().as_str() {
            "" | "sqlite" => TestBackend::Sqlite,
            "postgres" | "postgresql" | "pg" => TestBackend::Postgres,
            other => panic!("{DATABASE_ENV}={other:?}: expected `sqlite` or `postgres`"),
        },
    }
}

/// The URL of a fresh, empty PostgreSQL database for one test, or `None` when the tests run on
/// SQLite. Panics when PostgreSQL was asked for but cannot be provided.
pub async fn test_database_url() -> Option<String> {
    match try_test_database_url().await {
        Ok(url) => url,
        Err(e) => panic!("cannot provide a PostgreSQL test database: {e:#}"),
    }
}

/// Like [`test_database_url`], returning the error instead of panicking.
pub async fn try_test_database_url() -> Result<Option<String>> {
    if test_backend() == TestBackend::Sqlite {
        return Ok(None);
    }
    let admin = admin_url().await?;
    let name = format!("{TEST_DATABASE_PREFIX}{}", uuid::Uuid::new_v4().simple());
    let db = connect_admin(admin).await?;
    let created = db
        .execute_unprepared(&format!("CREATE DATABASE \"{name}\""))
        .await
        .with_context(|| format!("CREATE DATABASE {name}"));
    // Close explicitly: every test has its own tokio runtime, so no pool outlives its call.
    let _ = db.close().await;
    created?;
    Ok(Some(with_database(admin, &name)))
}

/// Drops a database made by [`test_database_url`] (optional: the cluster is thrown away anyway).
/// Connections still open to it are terminated.
pub async fn drop_test_database(url: &str) -> Result<()> {
    let name = database_name(url).context("no database name in URL")?;
    if !name.starts_with(TEST_DATABASE_PREFIX)
        || !name.bytes().all(|b| b.is_ascii_alphanumeric() || b == b'_')
    {
        bail!("refusing to drop {name:?}: not a test database");
    }
    let db = connect_admin(admin_url().await?).await?;
    let dropped = db
        .execute_unprepared(&format!("DROP DATABASE IF EXISTS \"{name}\" WITH (FORCE)"))
        .await
        .with_context(|| format!("DROP DATABASE {name}"));
    let _ = db.close().await;
    dropped.map(|_| ())
}

/// The admin URL: [`PG_URL_ENV`] when set, else the URL of a cluster started for this process.
pub async fn admin_url() -> Result<&'static str> {
    ADMIN_URL
        .get_or_try_init(|| async {
            match std::env::var(PG_URL_ENV) {
                Ok(url) if !url.trim().is_empty() => Ok(url.trim().to_owned()),
                _ => start_cluster().await,
            }
        })
        .await
        .map(String::as_str)
}

async fn connect_admin(url: &str) -> Result<sea_orm::DatabaseConnection> {
    let mut opts = ConnectOptions::new(url.to_owned());
    opts.max_connections(1)
        .min_connections(0)
        .connect_timeout(Duration::from_secs(20))
        .sqlx_logging(false);
    Database::connect(opts)
        .await
        .with_context(|| format!("connecting to the PostgreSQL admin URL {url}"))
}

/// Replaces the database (path) part of a `postgres://` URL, keeping any `?query`.
fn with_database(url: &str, database: &str) -> String {
    let (base, query) = split_query(url);
    let authority_start = base.find("://").map_or(0, |i| i + 3);
    let base = match base[authority_start..].find('/') {
        Some(i) => &base[..authority_start + i],
        None => base,
    };
    format!("{base}/{database}{query}")
}

/// The database (path) part of a `postgres://` URL.
fn database_name(url: &str) -> Option<&str> {
    let (base, _) = split_query(url);
    let authority_start = base.find("://").map_or(0, |i| i + 3);
    let path = &base[authority_start..];
    let name = &path[path.find('/')? + 1..];
    (!name.is_empty()).then_some(name)
}

fn split_query(url: &str) -> (&str, &str) {
    match url.find('?') {
        Some(i) => url.split_at(i),
        None => (url, ""),
    }
}

// ---------------------------------------------------------------------------------------------
// Fallback: a cluster of our own, started once per test process.

/// Settings for a throwaway cluster: fast, not durable, local only.
const CLUSTER_SETTINGS: &str = "
listen_addresses = '127.0.0.1'
max_connections = 300
fsync = off
synchronous_commit = off
full_page_writes = off
";

async fn start_cluster() -> Result<String> {
    let bin = find_pg_bin()?;
    let as_postgres = running_as_root();
    if as_postgres && !command_ok(Command::new("id").args(["-u", "postgres"])).await {
        bail!(
            "running as root and there is no `postgres` user for initdb: create one \
             (`useradd --system --user-group postgres`) or set {PG_URL_ENV}"
        );
    }

    let base = tempfile::Builder::new()
        .prefix("stratus-pg-")
        .tempdir()
        .context("creating the cluster temp dir")?
        .keep();
    let result = init_and_start(&bin, &base, as_postgres).await;
    if result.is_err() {
        let _ = std::fs::remove_dir_all(&base);
    }
    result
}

async fn init_and_start(bin: &Path, base: &Path, as_postgres: bool) -> Result<String> {
    if as_postgres {
        run(Command::new("chown").arg("postgres:").arg(base)).await?;
    }
    let data = base.join("data");
    let log = base.join("postgres.log");

    run(pg_command(bin, "initdb", as_postgres, base)
        .arg("-D")
        .arg(&data)
        .args([
            "-U",
            "postgres",
            "--auth=trust",
            "--no-locale",
            "-E",
            "UTF8",
            "--no-sync",
        ]))
    .await?;

    // Root may write the postgres-owned file; the unix socket lives in our temp dir.
    let mut conf = CLUSTER_SETTINGS.to_owned();
    conf.push_str(&format!("unix_socket_directories = '{}'\n", base.display()));
    append(&data.join("postgresql.conf"), &conf)?;

    let mut last_error = None;
    for _ in 0..5 {
        let port = free_port()?;
        let started = run(pg_command(bin, "pg_ctl", as_postgres, base)
            .arg("-D")
            .arg(&data)
            .arg("-l")
            .arg(&log)
            .args(["-w", "-t", "60", "-o"])
            .arg(format!("-p {port}"))
            .arg("start"))
        .await;
        match started {
            Ok(()) => {
                spawn_cleanup_watchdog(bin, base, &data, as_postgres);
                return Ok(format!("postgres://postgres@127.0.0.1:{port}/postgres"));
            }
            // Most likely the port was taken between probing and binding: try another one.
            Err(e) => last_error = Some(e),
        }
    }
    let log = std::fs::read_to_string(&log).unwrap_or_default();
    let lines: Vec<&str> = log.lines().collect();
    let log_tail = lines[lines.len().saturating_sub(20)..].join("\n");
    Err(last_error.unwrap_or_else(|| anyhow::anyhow!("pg_ctl start failed")))
        .with_context(|| format!("starting PostgreSQL; log tail:\n{log_tail}"))
}

/// Stops the cluster and deletes its directory once this process has exited: Rust tests have no
/// reliable "at exit" hook. The watchdog runs in its own process group (so Ctrl-C on the tests does
/// not kill it) with no stdio (so test runners do not wait for it).
fn spawn_cleanup_watchdog(bin: &Path, base: &Path, data: &Path, as_postgres: bool) {
    const SCRIPT: &str = r#"pid=$1; dir=$2; shift 2
while kill -0 "$pid" 2>/dev/null; do sleep 1; done
"$@" >/dev/null 2>&1
rm -rf "$dir""#;
    let mut cmd = std::process::Command::new("sh");
    cmd.args(["-c", SCRIPT, "stratus-pg-cleanup"])
        .arg(std::process::id().to_string())
        .arg(base);
    if as_postgres {
        cmd.args(["runuser", "-u", "postgres", "--"]);
    }
    cmd.arg(bin.join("pg_ctl"))
        .arg("-D")
        .arg(data)
        .args(["-m", "immediate", "-w", "stop"])
        .current_dir(base)
        .stdin(Stdio::null())
        .stdout(Stdio::null())
        .stderr(Stdio::null());
    std::os::unix::process::CommandExt::process_group(&mut cmd, 0);
    // Best effort: if it cannot start, the cluster outlives the tests in the temp dir.
    let _ = cmd.spawn();
}

/// A command for a PostgreSQL binary, run as the `postgres` user when we are root
/// (initdb refuses to run as root).
fn pg_command(bin: &Path, program: &str, as_postgres: bool, cwd: &Path) -> Command {
    let program = bin.join(program);
    let mut cmd = if as_postgres {
        let mut cmd = Command::new("runuser");
        cmd.args(["-u", "postgres", "--"]).arg(program);
        cmd
    } else {
        Command::new(program)
    };
    // The postgres user may not be able to enter the test's working directory.
    cmd.current_dir(cwd).stdin(Stdio::null());
    cmd
}

async fn run(cmd: &mut Command) -> Result<()> {
    let shown = format!("{:?}", cmd.as_std());
    let out = cmd
        .stdin(Stdio::null())
        .output()
        .await
        .with_context(|| format!("running {shown}"))?;
    if !out.status.success() {
        bail!(
            "{shown} failed ({}):\n{}{}",
            out.status,
            String::from_utf8_lossy(&out.stdout),
            String::from_utf8_lossy(&out.stderr)
        );
    }
    Ok(())
}

async fn command_ok(cmd: &mut Command) -> bool {
    cmd.stdin(Stdio::null())
        .output()
        .await
        .is_ok_and(|out| out.status.success())
}

fn append(path: &Path, text: &str) -> Result<()> {
    use std::io::Write;
    std::fs::OpenOptions::new()
        .append(true)
        .open(path)
        .and_then(|mut f| f.write_all(text.as_bytes()))
        .with_context(|| format!("appending to {}", path.display()))
}

fn free_port() -> Result<u16> {
    let listener = std::net::TcpListener::bind("127.0.0.1:0").context("probing for a free port")?;
    Ok(listener.local_addr()?.port())
}

fn running_as_root() -> bool {
    // /proc/self belongs to the effective user of this process.
    use std::os::unix::fs::MetadataExt;
    match std::fs::metadata("/proc/self") {
        Ok(meta) => meta.uid() == 0,
        Err(_) => std::env::var("USER").is_ok_and(|u| u == "root"),
    }
}

/// The directory holding `initdb` and `pg_ctl`.
fn find_pg_bin() -> Result<PathBuf> {
    if let Some(dir) = std::env::var_os(PG_BIN_ENV).filter(|d| !d.is_empty()) {
        let dir = PathBuf::from(dir);
        if dir.join("initdb").is_file() {
            return Ok(dir);
        }
        bail!("{PG_BIN_ENV}={}: no initdb there", dir.display());
    }
    if let Some(path) = std::env::var_os("PATH") {
        for dir in std::env::split_paths(&path) {
            let initdb = dir.join("initdb");
            if initdb.is_file() {
                // Resolve symlinks (e.g. /usr/local/bin/initdb -> /usr/lib/postgresql/15/bin) so
                // pg_ctl is taken from the same installation.
                let real = std::fs::canonicalize(&initdb).unwrap_or(initdb);
                if let Some(parent) = real.parent().filter(|p| p.join("pg_ctl").is_file()) {
                    return Ok(parent.to_path_buf());
                }
                if dir.join("pg_ctl").is_file() {
                    return Ok(dir);
                }
            }
        }
    }
    let newest = std::fs::read_dir("/usr/lib/postgresql")
        .into_iter()
        .flatten()
        .flatten()
        .filter_map(|entry| {
            let version: u32 = entry
                .file_name()
                .to_str()?
                .split('.')
                .next()?
                .parse()
                .ok()?;
            let bin = entry.path().join("bin");
            bin.join("initdb").is_file().then_some((version, bin))
        })
        .max_by_key(|(version, _)| *version);
    match newest {
        Some((_, bin)) => Ok(bin),
        None => bail!(
            "no PostgreSQL server binaries (initdb, pg_ctl): install them \
             (`apt-get install -y postgresql`), set {PG_BIN_ENV}, or set {PG_URL_ENV}"
        ),
    }
}
