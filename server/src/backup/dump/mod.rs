//! A portable logical dump of the whole database, and its import.
//!
//! The dump is gzip-compressed JSON lines: a [`Header`] line (format, the migrations the schema
//! was at, the tables in the order they follow), then one `{"table", "row"}` line per row, table
//! after table in dependency order, then a [`Footer`] line with the row count, so an import can
//! tell a whole dump from a cut one. Rows are the entities' own serde forms (times as RFC 3339,
//! JSON columns as JSON, binary columns as arrays of bytes, booleans and i64 as JSON booleans
//! and numbers), which is what makes a dump taken from SQLite import into PostgreSQL and back.
//!
//! [`export`] reads every table page by page inside one read transaction (REPEATABLE READ on
//! PostgreSQL; on SQLite in WAL mode, a read transaction sees one snapshot while writers go on),
//! so the dump is consistent without stopping the server. [`import`] writes into an empty
//! database migrated to the same migrations, inside one transaction: a failure leaves it empty.

mod export;
mod import;
mod tables;

use serde::{Deserialize, Serialize};

pub use export::{export, export_to_file};
pub use import::{RootMove, import, import_from_file, import_moving};

/// Value of [`Header::format`].
pub const FORMAT: &str = "stratus-dump";
/// Value of [`Header::version`]: bumped when the line shapes change.
pub const VERSION: u32 = 1;

/// First line of a dump.
#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct Header {
    pub format: String,
    pub version: u32,
    /// `sqlite` or `postgres`: where the dump was taken (for the reader; import ignores it).
    pub backend: String,
    pub created_at: chrono::DateTime<chrono::Utc>,
    /// Names of the applied migrations (`seaql_migrations.version`), oldest first.
    pub migrations: Vec<String>,
    /// The tables whose rows follow, in the order they follow.
    pub tables: Vec<String>,
}

/// One row.
#[derive(Debug, Serialize)]
struct RowLine<'a, T> {
    table: &'a str,
    row: T,
}

/// Last line of a dump.
#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct Footer {
    /// Always true; tells the footer from a row line.
    pub end: bool,
    /// Rows in the dump, all tables together.
    pub rows: u64,
}

/// What an export or import did.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct DumpSummary {
    /// Rows per table, in dump order.
    pub tables: Vec<(String, u64)>,
    pub rows: u64,
}

/// Why a dump could not be written or read.
#[derive(Debug, thiserror::Error)]
pub enum DumpError {
    #[error(transparent)]
    Db(#[from] sea_orm::DbErr),
    #[error("dump file: {0}")]
    Io(#[from] std::io::Error),
    /// The file is not a dump, is cut short, or a line does not fit its table.
    #[error("not a valid database dump: {0}")]
    Invalid(String),
    /// The dump was taken from a schema at other migrations than this database.
    #[error(
        "the dump was taken at migration {dump} but this database is at {here}; \
         restore it with the Stratus version that took it"
    )]
    Migrations { dump: String, here: String },
    /// Import only writes into an empty database.
    #[error("the database is not empty (table {0} has rows); import into a new database")]
    NotEmpty(String),
}

/// Names of the tables a dump holds, in dependency order (every table after those it refers to).
pub fn table_names() -> Vec<&'static str> {
    tables::all().iter().map(|t| t.name()).collect()
}

/// The applied migrations, oldest first.
pub(crate) async fn applied_migrations(
    db: &impl sea_orm::ConnectionTrait,
) -> Result<Vec<String>, sea_orm::DbErr> {
    use sea_orm::{FromQueryResult, Statement};
    #[derive(FromQueryResult)]
    struct Row {
        version: String,
    }
    let backend = db.get_database_backend();
    let rows = Row::find_by_statement(Statement::from_string(
        backend,
        "SELECT version FROM seaql_migrations ORDER BY version",
    ))
    .all(db)
    .await?;
    Ok(rows.into_iter().map(|r| r.version).collect())
}
