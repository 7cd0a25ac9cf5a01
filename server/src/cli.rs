//! Command-line interface of the `stratus` binary: `serve` (default), `migrate`,
//! `export-openapi` and the account commands. Lives in the library so tests can drive it.

use std::{net::SocketAddr, path::PathBuf, process::ExitCode};

use crate::{
    admin::s3_setup::NewS3Policy,
    api, backup,
    config::{Config, Overrides},
    users,
};
use clap::{Parser, Subcommand};
use tracing_subscriber::EnvFilter;

#[derive(Parser)]
#[command(
    name = "stratus",
    version,
    about = "Stratus: a self-hosted cloud drive"
)]
struct Cli {
    /// TOML configuration file (see stratus.example.toml).
    #[arg(long, env = "STRATUS_CONFIG", global = true)]
    config: Option<PathBuf>,
    /// Folder for the database, uploads and temporary files [default: ./data].
    #[arg(long, env = "STRATUS_DATA_DIR", global = true)]
    data_dir: Option<PathBuf>,
    /// sqlite://… or postgres://… [default: sqlite://<data-dir>/stratus.db].
    #[arg(
        long,
        env = "STRATUS_DATABASE_URL",
        global = true,
        hide_env_values = true
    )]
    database_url: Option<String>,
    /// Address to listen on [default: 127.0.0.1:5212].
    #[arg(long, env = "STRATUS_LISTEN", global = true)]
    listen: Option<SocketAddr>,
    #[command(subcommand)]
    command: Option<Command>,
}

#[derive(Subcommand)]
enum Command {
    /// Run the server (the default).
    Serve {
        /// `master` (the drive) or `slave` (a storage node) [default: the `mode` setting].
        #[arg(long, value_parser = ["master", "slave"])]
        mode: Option<String>,
    },
    /// Apply database migrations and first-start data, then exit.
    Migrate,
    /// Write the OpenAPI document to PATH (standard output when omitted).
    ExportOpenapi { path: Option<PathBuf> },
    /// Create an administrator, or reset that user's password and make it an administrator.
    CreateAdmin {
        #[arg(long)]
        email: String,
        #[arg(long)]
        password: String,
    },
    /// Create a user.
    CreateUser {
        #[arg(long)]
        email: String,
        #[arg(long)]
        password: String,
        /// Group id [default: the `default_group` setting].
        #[arg(long)]
        group: Option<i64>,
    },
    /// Set a user's password.
    ResetPassword {
        #[arg(long)]
        email: String,
        #[arg(long)]
        password: String,
    },
    /// Add an S3-compatible storage policy, after checking the bucket with a test write.
    AddS3Policy(NewS3Policy),
    /// Rebuild this instance from an `instance` backup record, into an empty data dir and
    /// database: the database, then every blob of local and bucket policies.
    Restore {
        /// JSON file `{"type": "local"|"s3"|"oss", "settings": {...}}` describing the backup
        /// target, as the admin API takes it.
        #[arg(long)]
        target: PathBuf,
        /// The record (its folder name on the target) [default: the newest instance record].
        #[arg(long)]
        record: Option<String>,
    },
    /// Backups on a target.
    #[command(subcommand)]
    Backup(BackupCommand),
    /// The portable database dump (also the way from SQLite to PostgreSQL).
    #[command(subcommand)]
    Db(DbCommand),
    /// The text of `./src` into `./text`, for the search index: what the server runs in a
    /// sandboxed child process of its own (fts/isolate.rs), not a command for people.
    #[command(hide = true)]
    ExtractText {
        #[arg(long)]
        format: String,
        #[arg(long)]
        read: u64,
        #[arg(long)]
        text: usize,
        #[arg(long)]
        inflated: u64,
    },
}

#[derive(Subcommand)]
enum BackupCommand {
    /// Print the records a backup target holds, oldest first.
    List {
        /// JSON file `{"type", "settings"}` describing the backup target.
        #[arg(long)]
        target: PathBuf,
    },
}

#[derive(Subcommand)]
enum DbCommand {
    /// Write the whole database to FILE (gzip-compressed JSON lines); the server may run.
    Export { file: PathBuf },
    /// Read FILE into an empty database (one that no server has started on yet).
    Import { file: PathBuf },
}

/// Parses `args` (program name first) and runs the command to completion.
pub fn main_with_args<I, T>(args: I) -> ExitCode
where
    I: IntoIterator<Item = T>,
    T: Into<std::ffi::OsString> + Clone,
{
    let cli = match Cli::try_parse_from(args) {
        Ok(cli) => cli,
        Err(err) => {
            let _ = err.print();
            return if err.use_stderr() {
                ExitCode::from(2)
            } else {
                ExitCode::SUCCESS
            };
        }
    };
    let command = cli.command.unwrap_or(Command::Serve { mode: None });
    if let Command::ExportOpenapi { path } = &command {
        return report(export_openapi(path.as_deref()));
    }
    // No configuration, logging or runtime: the child reads one file and exits.
    if let Command::ExtractText {
        format,
        read,
        text,
        inflated,
    } = &command
    {
        let limits = crate::fts::extract::Limits {
            read: *read,
            text: *text,
            inflated: *inflated,
        };
        return crate::fts::isolate::child_main(format, limits);
    }
    let overrides = Overrides {
        data_dir: cli.data_dir,
        database_url: cli.database_url,
        listen: cli.listen,
        mode: match &command {
            Command::Serve { mode: Some(m) } if m == "slave" => Some(crate::config::Mode::Slave),
            Command::Serve { mode: Some(_) } => Some(crate::config::Mode::Master),
            _ => None,
        },
    };
    let config = match Config::load(cli.config.as_deref(), &overrides) {
        Ok(config) => config,
        Err(err) => {
            eprintln!("stratus: configuration error: {err:#}");
            return ExitCode::from(2);
        }
    };
    init_logging(&config);
    let runtime = tokio::runtime::Builder::new_multi_thread()
        .enable_all()
        .build()
        .expect("tokio runtime");
    report(runtime.block_on(dispatch(command, config)))
}

/// Runs a command on an existing runtime (used by tests, which already have one).
pub async fn run_async<I, T>(args: I) -> anyhow::Result<()>
where
    I: IntoIterator<Item = T>,
    T: Into<std::ffi::OsString> + Clone,
{
    let cli = Cli::try_parse_from(args)?;
    let command = cli.command.unwrap_or(Command::Serve { mode: None });
    if let Command::ExportOpenapi { path } = &command {
        return export_openapi(path.as_deref());
    }
    let overrides = Overrides {
        data_dir: cli.data_dir,
        database_url: cli.database_url,
        listen: cli.listen,
        mode: match &command {
            Command::Serve { mode: Some(m) } if m == "slave" => Some(crate::config::Mode::Slave),
            Command::Serve { mode: Some(_) } => Some(crate::config::Mode::Master),
            _ => None,
        },
    };
    let config = Config::load(cli.config.as_deref(), &overrides)?;
    dispatch(command, config).await
}

async fn dispatch(command: Command, config: Config) -> anyhow::Result<()> {
    match command {
        Command::Serve { .. } if config.mode == crate::config::Mode::Slave => {
            crate::run_slave(config).await
        }
        Command::Serve { .. } => crate::run(config).await,
        Command::Migrate => {
            crate::init(config, false).await?;
            println!("database is up to date");
            Ok(())
        }
        Command::ExportOpenapi { .. } => unreachable!("handled before the runtime starts"),
        Command::ExtractText { .. } => {
            anyhow::bail!("extract-text runs as a process of its own, from the server")
        }
        Command::CreateAdmin { email, password } => create_admin(config, &email, &password).await,
        Command::CreateUser {
            email,
            password,
            group,
        } => create_user(config, &email, &password, group).await,
        Command::ResetPassword { email, password } => {
            let (state, _) = crate::init(config, false).await?;
            let user = users::reset(&state.db, &email, &password, None).await?;
            println!("password of {} changed", user.email);
            Ok(())
        }
        Command::Restore { target, record } => restore(config, &target, record.as_deref()).await,
        Command::Backup(BackupCommand::List { target }) => list_records(config, &target).await,
        Command::Db(DbCommand::Export { file }) => {
            let db = crate::db::connect(&config.database_url()?, 2).await?;
            let summary = backup::dump::export_to_file(&db, &file).await?;
            println!("{} rows written to {}", summary.rows, file.display());
            Ok(())
        }
        Command::Db(DbCommand::Import { file }) => {
            let db = crate::db::connect(&config.database_url()?, 2).await?;
            let summary = backup::dump::import_from_file(&db, &file).await?;
            println!("{} rows imported from {}", summary.rows, file.display());
            Ok(())
        }
        Command::AddS3Policy(input) => {
            let (state, _) = crate::init(config, false).await?;
            let policy = crate::admin::s3_setup::add(&state, &input).await?;
            match input.group {
                Some(group) => println!(
                    "storage policy {} ({}) added; group {group} stores new files there",
                    policy.id, policy.name
                ),
                None => println!("storage policy {} ({}) added", policy.id, policy.name),
            }
            Ok(())
        }
    }
}

/// `create-admin`: the account is made, or its password reset and moved to the
/// administrators, so the command also gives back access to a locked-out administrator.
async fn create_admin(config: Config, email: &str, password: &str) -> anyhow::Result<()> {
    let (state, _) = crate::init(config, false).await?;
    let user = match users::reset(&state.db, email, password, Some(users::ADMIN_GROUP)).await {
        Err(users::UsersError::UserNotFound) => {
            users::create(&state.db, email, password, users::ADMIN_GROUP).await?
        }
        other => other?,
    };
    println!("administrator {} is ready", user.email);
    Ok(())
}

/// `create-user`: into `group`, or the group new sign-ups get.
async fn create_user(
    config: Config,
    email: &str,
    password: &str,
    group: Option<i64>,
) -> anyhow::Result<()> {
    let (state, _) = crate::init(config, false).await?;
    let group = match group {
        Some(group) => group,
        None => {
            state
                .settings
                .int("default_group", users::USER_GROUP)
                .await?
        }
    };
    let user = users::create(&state.db, email, password, group).await?;
    println!("user {} created in group {}", user.email, user.group_id);
    Ok(())
}

/// `restore`: a whole instance from a backup record, progress printed line by line.
async fn restore(
    config: Config,
    target: &std::path::Path,
    record: Option<&str>,
) -> anyhow::Result<()> {
    let target = backup::restore::TargetFile::read(target)?;
    let report =
        backup::restore::restore_instance(&config, &target, record, &|line| println!("{line}"))
            .await?;
    for policy in &report.skipped_policies {
        println!("left in place: {policy}");
    }
    println!(
        "record {} restored: {} rows, {} blobs written ({} bytes), {} already in place",
        report.record, report.rows, report.blobs_copied, report.bytes, report.blobs_present
    );
    Ok(())
}

/// `backup list`: the records on a target, read without a database (the target file says
/// where it is), so it works before a restore.
async fn list_records(config: Config, target: &std::path::Path) -> anyhow::Result<()> {
    let target = backup::restore::TargetFile::read(target)?;
    let registry = crate::storage::DriverRegistry::new(
        sea_orm::DatabaseConnection::default(),
        config.data_dir.clone(),
    );
    let driver = backup::restore::open_target(&target, &registry).await?;
    let records = backup::restore::list_records(driver.as_ref()).await?;
    if records.is_empty() {
        println!("no backup records on this target");
    }
    for r in records {
        println!(
            "{}\t{}\t{}\t{}",
            r.name,
            r.kind,
            r.created_at.map(|t| t.to_rfc3339()).unwrap_or_default(),
            r.task.unwrap_or_default()
        );
    }
    Ok(())
}

fn export_openapi(path: Option<&std::path::Path>) -> anyhow::Result<()> {
    let spec = api::spec_json();
    match path {
        Some(path) => std::fs::write(path, spec)?,
        None => print!("{spec}"),
    }
    Ok(())
}

fn init_logging(config: &Config) {
    let filter =
        EnvFilter::try_from_env("RUST_LOG").unwrap_or_else(|_| EnvFilter::new(&config.log_level));
    // A second call (tests running several commands) keeps the first subscriber.
    let _ = tracing_subscriber::fmt().with_env_filter(filter).try_init();
}

fn report(result: anyhow::Result<()>) -> ExitCode {
    match result {
        Ok(()) => ExitCode::SUCCESS,
        Err(err) => {
            eprintln!("stratus: {err:#}");
            ExitCode::FAILURE
        }
    }
}
