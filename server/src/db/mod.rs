//! Database connection: SQLite (embedded default) or PostgreSQL, plus the migration runner.
//!
//! SQLite runs in WAL mode (readers never block the writer) with a busy timeout, and every
//! write transaction starts with `BEGIN IMMEDIATE` (see [`begin_write`]): a deferred
//! transaction that reads first and writes later fails at once with "database is locked"
//! when another writer got in between, whatever the busy timeout.

pub mod inline_read;

use std::{
    collections::HashMap,
    sync::{
        Arc, Mutex, OnceLock,
        atomic::{AtomicU64, Ordering},
    },
    time::Duration,
};

use sea_orm::{
    ConnectOptions, ConnectionTrait, Database, DatabaseConnection, DbBackend, DbErr,
    SqliteTransactionMode, SqlxPostgresConnector, SqlxSqliteConnector, TransactionOptions,
    TransactionTrait,
    sqlx::{
        postgres::PgPoolOptions,
        sqlite::{SqliteJournalMode, SqlitePoolOptions, SqliteSynchronous},
    },
};
use stratus_migration::{Migrator, MigratorTrait};

/// How long a SQLite statement waits for the write lock before giving up.
const SQLITE_BUSY_TIMEOUT: Duration = Duration::from_secs(30);

/// Rows a SQLite connection's worker thread may queue for the reading task. sqlx's default (50)
/// makes a large result a ping-pong: once the queue is full, every row taken wakes the worker
/// for one more, two thread switches per row. A listing page fits whole.
const SQLITE_ROW_BUFFER: usize = 1024;

/// A pooled PostgreSQL connection idle this long is pinged before it is handed out.
const IDLE_BEFORE_PING: Duration = Duration::from_secs(60);

/// Statements sent through the pool of each database URL this process connected to, counted
/// as they go: how many statements a request costs is measured by what it adds (the tests
/// hold a listing's count fixed, whatever the size of the folder).
fn statement_counts() -> &'static Mutex<HashMap<String, Arc<AtomicU64>>> {
    static COUNTS: OnceLock<Mutex<HashMap<String, Arc<AtomicU64>>>> = OnceLock::new();
    COUNTS.get_or_init(Mutex::default)
}

fn count_statements(db: &mut DatabaseConnection, url: &str) {
    let count = statement_counts()
        .lock()
        .unwrap_or_else(|e| e.into_inner())
        .entry(url.to_owned())
        .or_default()
        .clone();
    db.set_metric_callback(move |_| {
        count.fetch_add(1, Ordering::Relaxed);
    });
}

/// Statements sent so far through the pools this process opened on `url` (with
/// [`connect`]): their transactions' statements included, not the SQLite reads made in a
/// request's own thread ([`inline_read`]).
pub fn statements(url: &str) -> u64 {
    statement_counts()
        .lock()
        .unwrap_or_else(|e| e.into_inner())
        .get(url)
        .map_or(0, |c| c.load(Ordering::Relaxed))
}

/// Opens the pool and runs every pending migration.
pub async fn connect(url: &str, max_connections: u32) -> Result<DatabaseConnection, DbErr> {
    let sqlite = url.starts_with("sqlite:");
    if sqlite {
        create_sqlite_parent(url);
    }
    let mut options = ConnectOptions::new(url.to_owned());
    options
        .sqlx_logging(std::env::var_os("STRATUS_LOG_SQL").is_some())
        .acquire_timeout(Duration::from_secs(30))
        .max_connections(if sqlite { 8 } else { max_connections.max(2) })
        .min_connections(1);
    if sqlite {
        // An in-process database cannot drop a connection; the ping sqlx sends on every
        // checkout was one more round trip to the connection's thread for every statement.
        options.test_before_acquire(false);
    } else {
        // A server (or a proxy, or a firewall) drops connections that sat idle; busy ones
        // are not pinged before every statement.
        options.test_before_acquire_if_idle_for(IDLE_BEFORE_PING);
    }
    if sqlite {
        options.map_sqlx_sqlite_opts(|opts| {
            opts.journal_mode(SqliteJournalMode::Wal)
                .synchronous(SqliteSynchronous::Normal)
                .busy_timeout(SQLITE_BUSY_TIMEOUT)
                .row_buffer_size(SQLITE_ROW_BUFFER)
                // Statement journals in memory: a multi-row insert in a publish batch wrote
                // its journal past SQLite's 64 KiB to a temporary file, created and removed
                // in every batch. (No memory map either: once another connection has written,
                // SQLite unmaps the whole file at a connection's next transaction and faults
                // its pages in again, which cost more than reading them.)
                .pragma("temp_store", "memory")
                .foreign_keys(true)
                .create_if_missing(true)
        });
    }
    let mut db = Database::connect(options.clone()).await?;
    Migrator::up(&db, None).await?;
    if !sqlite {
        count_statements(&mut db, url);
        return Ok(db);
    }
    // A pooled SQLite connection that read the schema halfway through the migrations keeps
    // that stale copy, and statements whose ON CONFLICT target is a later index then fail
    // to prepare. Fresh connections read the final schema.
    db.close().await?;
    let mut db = Database::connect(options).await?;
    count_statements(&mut db, url);
    Ok(db)
}

/// A pool of one connection of its own to the SQLite database of `db`, with the same options,
/// for a task that writes often. SQLite drops a connection's page cache whenever another
/// connection has written since its last transaction, so a writer that took whichever pooled
/// connection was free read its pages again each time; on its own connection, the pages of
/// its last transaction are still there as long as it was the last to write. `db` must be a
/// SQLite pool.
pub async fn own_sqlite_connection(db: &DatabaseConnection) -> Result<DatabaseConnection, DbErr> {
    let options = db.get_sqlite_connection_pool().connect_options();
    let pool = SqlitePoolOptions::new()
        .max_connections(1)
        .min_connections(1)
        .test_before_acquire(false)
        .connect_with((*options).clone())
        .await
        .map_err(|e| DbErr::Conn(sea_orm::RuntimeErr::SqlxError(e.into())))?;
    Ok(SqlxSqliteConnector::from_sqlx_sqlite_pool(pool))
}

/// A connection of its own to the database of `db`, for reads that may run while the caller
/// holds a pooled connection in a transaction (the settings cache refilling itself; nothing
/// that waits for a write lock, which such a caller may hold): from the
/// shared pool, eight such callers at once each wait for a ninth connection while holding one,
/// and every request stalls until the pool's time-out. On PostgreSQL the connection is opened
/// when first needed and closed after a minute idle.
pub async fn side_connection(db: &DatabaseConnection) -> Result<DatabaseConnection, DbErr> {
    if db.get_database_backend() == DbBackend::Sqlite {
        return own_sqlite_connection(db).await;
    }
    let options = db.get_postgres_connection_pool().connect_options();
    let pool = PgPoolOptions::new()
        .max_connections(1)
        .min_connections(0)
        .idle_timeout(Duration::from_secs(60))
        .acquire_timeout(Duration::from_secs(30))
        .connect_lazy_with((*options).clone());
    Ok(SqlxPostgresConnector::from_sqlx_postgres_pool(pool))
}

/// Starts a transaction that will write. On SQLite it takes the write lock up front.
pub async fn begin_write<C: TransactionTrait>(db: &C) -> Result<C::Transaction, DbErr> {
    db.begin_with_options(TransactionOptions {
        isolation_level: None,
        access_mode: None,
        sqlite_transaction_mode: Some(SqliteTransactionMode::Immediate),
    })
    .await
}

/// Cheap round trip used by `/healthz`.
pub async fn ping(db: &DatabaseConnection) -> Result<(), DbErr> {
    db.execute_unprepared("SELECT 1").await.map(|_| ())
}

/// True when the connection talks to SQLite.
pub fn is_sqlite(db: &impl ConnectionTrait) -> bool {
    db.get_database_backend() == DbBackend::Sqlite
}

/// SQLite creates the file but not its folder.
fn create_sqlite_parent(url: &str) {
    let path = url
        .trim_start_matches("sqlite://")
        .trim_start_matches("sqlite:")
        .split('?')
        .next()
        .unwrap_or_default();
    if path.is_empty() || path == ":memory:" {
        return;
    }
    if let Some(parent) = std::path::Path::new(path).parent() {
        let _ = std::fs::create_dir_all(parent);
    }
}
