//! Writing a dump: every table, page by page, inside one read transaction.

use std::{
    io::{BufWriter, Write},
    path::Path,
};

use flate2::{Compression, write::GzEncoder};
use sea_orm::{AccessMode, DatabaseConnection, IsolationLevel, TransactionTrait};

use super::{DumpError, DumpSummary, FORMAT, Footer, Header, RowLine, VERSION, tables};
use crate::db::is_sqlite;

/// Writes the whole database to `writer` as a gzip-compressed dump (see the module docs).
///
/// Never holds more than one page of a table in memory. The rows are one snapshot: on
/// PostgreSQL a REPEATABLE READ read-only transaction, on SQLite (WAL) a read transaction,
/// both letting writers go on meanwhile.
pub async fn export<W: Write + Send>(
    db: &DatabaseConnection,
    writer: W,
) -> Result<DumpSummary, DumpError> {
    let sqlite = is_sqlite(db);
    let txn = if sqlite {
        // SQLite takes the snapshot at the transaction's first read and keeps it to the end.
        db.begin().await?
    } else {
        db.begin_with_config(
            Some(IsolationLevel::RepeatableRead),
            Some(AccessMode::ReadOnly),
        )
        .await?
    };
    let tables = tables::all();
    let header = Header {
        format: FORMAT.to_owned(),
        version: VERSION,
        backend: if sqlite { "sqlite" } else { "postgres" }.to_owned(),
        created_at: chrono::Utc::now(),
        migrations: super::applied_migrations(&txn).await?,
        tables: tables.iter().map(|t| t.name().to_owned()).collect(),
    };
    let mut out = BufWriter::new(GzEncoder::new(writer, Compression::default()));
    write_line(&mut out, &header)?;
    let mut summary = DumpSummary::default();
    for table in &tables {
        let mut count = 0u64;
        let mut after: Option<Vec<i64>> = None;
        loop {
            let rows = table.page(&txn, after.as_deref()).await?;
            let Some(last) = rows.last() else { break };
            after = Some(key_of(table.key(), last)?);
            let full = rows.len() as u64 == tables::PAGE;
            for row in &rows {
                write_line(
                    &mut out,
                    &RowLine {
                        table: table.name(),
                        row,
                    },
                )?;
            }
            count += rows.len() as u64;
            if !full {
                break;
            }
        }
        summary.tables.push((table.name().to_owned(), count));
        summary.rows += count;
    }
    write_line(
        &mut out,
        &Footer {
            end: true,
            rows: summary.rows,
        },
    )?;
    txn.commit().await?;
    let gz = out.into_inner().map_err(|e| e.into_error())?;
    gz.finish()?.flush()?;
    Ok(summary)
}

/// [`export`] into `path`, written beside it first and renamed once complete and synced, so
/// `path` is either absent or a whole dump.
pub async fn export_to_file(
    db: &DatabaseConnection,
    path: &Path,
) -> Result<DumpSummary, DumpError> {
    let mut partial = path.as_os_str().to_owned();
    partial.push(".partial");
    let partial = std::path::PathBuf::from(partial);
    let file = std::fs::File::create(&partial)?;
    let result = export(db, &file).await;
    let summary = match result {
        Ok(summary) => summary,
        Err(e) => {
            let _ = std::fs::remove_file(&partial);
            return Err(e);
        }
    };
    file.sync_all()?;
    std::fs::rename(&partial, path)?;
    Ok(summary)
}

fn write_line(out: &mut impl Write, value: &impl serde::Serialize) -> Result<(), DumpError> {
    serde_json::to_writer(&mut *out, value).map_err(std::io::Error::from)?;
    out.write_all(b"\n")?;
    Ok(())
}

/// The primary key of a row in its dump form.
fn key_of(key: &[&str], row: &serde_json::Value) -> Result<Vec<i64>, DumpError> {
    key.iter()
        .map(|column| {
            row.get(column)
                .and_then(|v| v.as_i64())
                .ok_or_else(|| DumpError::Invalid(format!("a row without an integer `{column}`")))
        })
        .collect()
}
