//! Reading a dump back into an empty database.

use std::{
    io::{BufRead, BufReader, Read},
    path::Path,
};

use flate2::read::GzDecoder;
use sea_orm::{ConnectionTrait, DatabaseConnection, DatabaseTransaction};
use serde_json::Value;

use super::{DumpError, DumpSummary, FORMAT, Footer, Header, VERSION, tables};
use crate::db::{begin_write, is_sqlite};

/// Rows inserted per statement: well under SQLite's and PostgreSQL's bound-parameter limits
/// for the widest table.
const BATCH: usize = 200;

/// Scratch table holding `files.parent_id` until every file is in.
const PARENTS: &str = "stratus_import_parents";

/// Imports a dump written by [`super::export`] into `db`, which must be migrated to the same
/// migrations and hold no rows. All or nothing: one transaction, rolled back on any error (a
/// cut or damaged dump included). On PostgreSQL the id sequences are moved past the imported
/// ids afterwards.
pub async fn import<R: Read + Send>(
    db: &DatabaseConnection,
    reader: R,
) -> Result<DumpSummary, DumpError> {
    import_moving(db, reader, &[]).await
}

/// The folder of a local storage policy moved: blob keys (and the policy's folder rule)
/// spelled with the absolute `old` prefix are spelled with `new` instead.
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
pub struct RootMove {
    pub policy_id: i64,
    pub old: String,
    pub new: String,
}

impl RootMove {
    /// `key` as spelled after the move.
    pub fn apply(&self, key: &str) -> Option<String> {
        key.strip_prefix(&self.old)
            .map(|rest| format!("{}{rest}", self.new))
    }
}

/// [`import`], moving local policies' folders as `moves` say in the same transaction.
pub async fn import_moving<R: Read + Send>(
    db: &DatabaseConnection,
    reader: R,
    moves: &[RootMove],
) -> Result<DumpSummary, DumpError> {
    let mut lines = BufReader::new(GzDecoder::new(reader));
    let mut line = String::new();
    check_header(db, &mut lines, &mut line).await?;
    let tables = tables::all();
    let txn = begin_write(db).await?;
    let sqlite = is_sqlite(db);
    prepare(&txn, &tables, sqlite).await?;

    let mut summary = DumpSummary::default();
    // Index into `tables` of the table being read; rows must come in that order.
    let mut current: Option<usize> = None;
    let mut batch: Vec<Value> = Vec::with_capacity(BATCH);
    let mut parents: Vec<(i64, i64)> = Vec::new();
    let footer = loop {
        let (name, mut row) = match next_line(&mut lines, &mut line)? {
            Line::Row(name, row) => (name, row),
            Line::End(footer) => break footer,
        };
        if current.is_none_or(|i| tables[i].name() != name) {
            let next = tables
                .iter()
                .position(|t| t.name() == name)
                .ok_or_else(|| DumpError::Invalid(format!("unknown table {name}")))?;
            if current.is_some_and(|i| next < i) {
                return Err(DumpError::Invalid(format!("table {name} out of order")));
            }
            if let Some(i) = current {
                finish_table(&txn, &tables, i, &mut batch, &mut parents, &mut summary).await?;
            }
            current = Some(next);
        }
        if name == "files" {
            // Parents may have larger ids than their children (a folder moved into a newer
            // one): every file goes in as a root and gets its parent once all are in.
            if let Some(parent) = row.get_mut("parent_id").map(Value::take)
                && let (Some(parent), Some(id)) =
                    (parent.as_i64(), row.get("id").and_then(Value::as_i64))
            {
                parents.push((id, parent));
            }
        }
        batch.push(row);
        if batch.len() >= BATCH {
            let i = current.unwrap_or_default();
            flush(&txn, &tables, i, &mut batch, &mut parents, &mut summary).await?;
        }
    };
    if let Some(i) = current {
        finish_table(&txn, &tables, i, &mut batch, &mut parents, &mut summary).await?;
    }
    if footer.rows != summary.rows {
        return Err(DumpError::Invalid(format!(
            "the end line counts {} rows but {} were read",
            footer.rows, summary.rows
        )));
    }
    for m in moves {
        move_root(&txn, m).await?;
    }
    if sqlite {
        txn.execute_unprepared(&format!("DROP TABLE {PARENTS}"))
            .await?;
    } else {
        reset_sequences(&txn, &tables).await?;
    }
    txn.commit().await?;
    Ok(summary)
}

/// The first line: a dump of this format and version, taken at the migrations this
/// database is at (rows of another schema would not fit).
async fn check_header(
    db: &DatabaseConnection,
    lines: &mut impl BufRead,
    line: &mut String,
) -> Result<(), DumpError> {
    if lines.read_line(line)? == 0 {
        return Err(DumpError::Invalid("the file is empty".into()));
    }
    let header: Header = serde_json::from_str(line)
        .map_err(|e| DumpError::Invalid(format!("the first line is not a dump header: {e}")))?;
    if header.format != FORMAT || header.version != VERSION {
        return Err(DumpError::Invalid(format!(
            "format {} version {} (this Stratus reads {FORMAT} version {VERSION})",
            header.format, header.version
        )));
    }
    let here = super::applied_migrations(db).await?;
    if here != header.migrations {
        return Err(DumpError::Migrations {
            dump: header.migrations.last().cloned().unwrap_or_default(),
            here: here.last().cloned().unwrap_or_default(),
        });
    }
    Ok(())
}

/// Every table empty (an import never mixes with rows already there), and the scratch
/// table of file parents made.
async fn prepare(
    txn: &DatabaseTransaction,
    tables: &[Box<dyn tables::Table>],
    sqlite: bool,
) -> Result<(), DumpError> {
    for table in tables {
        if !table.is_empty(txn).await? {
            return Err(DumpError::NotEmpty(table.name().to_owned()));
        }
    }
    txn.execute_unprepared(&if sqlite {
        format!("CREATE TEMP TABLE {PARENTS} (id BIGINT PRIMARY KEY, parent_id BIGINT NOT NULL)")
    } else {
        format!(
            "CREATE TEMPORARY TABLE {PARENTS} (id BIGINT PRIMARY KEY, parent_id BIGINT NOT NULL) \
             ON COMMIT DROP"
        )
    })
    .await?;
    Ok(())
}

/// A line after the header.
enum Line {
    /// A row of the named table.
    Row(String, Value),
    /// The end line, with the count of rows the dump holds.
    End(Footer),
}

/// The next line; a dump without its end line was cut short.
fn next_line(lines: &mut impl BufRead, line: &mut String) -> Result<Line, DumpError> {
    line.clear();
    if lines.read_line(line)? == 0 {
        return Err(DumpError::Invalid(
            "the dump is cut short (no end line)".into(),
        ));
    }
    let mut value: Value = serde_json::from_str(line)
        .map_err(|e| DumpError::Invalid(format!("a line is not JSON: {e}")))?;
    if value.get("end").is_some() {
        let footer: Footer = serde_json::from_value(value)
            .map_err(|e| DumpError::Invalid(format!("the end line: {e}")))?;
        return Ok(Line::End(footer));
    }
    let name = value
        .get("table")
        .and_then(Value::as_str)
        .ok_or_else(|| DumpError::Invalid("a line names no table".into()))?
        .to_owned();
    let row = value
        .get_mut("row")
        .map(Value::take)
        .ok_or_else(|| DumpError::Invalid(format!("a line of {name} has no row")))?;
    Ok(Line::Row(name, row))
}

/// [`import`] from a dump file.
pub async fn import_from_file(
    db: &DatabaseConnection,
    path: &Path,
) -> Result<DumpSummary, DumpError> {
    import(db, std::fs::File::open(path)?).await
}

/// Inserts the rows read so far of table `i`.
async fn flush(
    txn: &DatabaseTransaction,
    tables: &[Box<dyn tables::Table>],
    i: usize,
    batch: &mut Vec<Value>,
    parents: &mut Vec<(i64, i64)>,
    summary: &mut DumpSummary,
) -> Result<(), DumpError> {
    let rows = batch.len() as u64;
    if rows > 0 {
        tables[i].insert(txn, std::mem::take(batch)).await?;
    }
    if !parents.is_empty() {
        let values = parents
            .iter()
            .map(|(id, parent)| format!("({id}, {parent})"))
            .collect::<Vec<_>>()
            .join(", ");
        txn.execute_unprepared(&format!(
            "INSERT INTO {PARENTS} (id, parent_id) VALUES {values}"
        ))
        .await?;
        parents.clear();
    }
    let name = tables[i].name();
    match summary.tables.last_mut() {
        Some((last, count)) if last == name => *count += rows,
        _ => summary.tables.push((name.to_owned(), rows)),
    }
    summary.rows += rows;
    Ok(())
}

/// The last rows of table `i`; for `files`, every file's parent set back.
async fn finish_table(
    txn: &DatabaseTransaction,
    tables: &[Box<dyn tables::Table>],
    i: usize,
    batch: &mut Vec<Value>,
    parents: &mut Vec<(i64, i64)>,
    summary: &mut DumpSummary,
) -> Result<(), DumpError> {
    flush(txn, tables, i, batch, parents, summary).await?;
    if tables[i].name() == "files" {
        txn.execute_unprepared(&format!(
            "UPDATE files SET parent_id = \
             (SELECT p.parent_id FROM {PARENTS} p WHERE p.id = files.id) \
             WHERE id IN (SELECT id FROM {PARENTS})"
        ))
        .await?;
    }
    Ok(())
}

/// Moves each table's id sequence past its largest imported id, so new rows do not collide.
async fn reset_sequences(
    txn: &DatabaseTransaction,
    tables: &[Box<dyn tables::Table>],
) -> Result<(), DumpError> {
    for table in tables.iter().filter(|t| t.key() == ["id"]) {
        let name = table.name();
        txn.execute_unprepared(&format!(
            "SELECT setval(pg_get_serial_sequence('\"{name}\"', 'id'), \
             COALESCE((SELECT MAX(id) FROM \"{name}\"), 0) + 1, false)"
        ))
        .await?;
    }
    Ok(())
}

/// Respells the keys of policy `m.policy_id` that start with `m.old`.
async fn move_root(txn: &DatabaseTransaction, m: &RootMove) -> Result<(), DumpError> {
    let backend = txn.get_database_backend();
    let n = m.old.chars().count() as i32;
    let (a, b, c, d) = if backend == sea_orm::DbBackend::Postgres {
        ("$1", "$2", "$3", "$4")
    } else {
        ("?", "?", "?", "?")
    };
    for (table, column, id) in [
        ("entities", "source", "storage_policy_id"),
        ("storage_policies", "dir_name_rule", "id"),
    ] {
        let sql = format!(
            "UPDATE {table} SET {column} = {a} || substr({column}, {b}) \
             WHERE {id} = {c} AND substr({column}, 1, {d}) = ?"
        );
        // The last placeholder repeats `old`; spelled per backend.
        let sql = if backend == sea_orm::DbBackend::Postgres {
            sql.replacen("= ?", "= $5", 1)
        } else {
            sql
        };
        txn.execute_raw(sea_orm::Statement::from_sql_and_values(
            backend,
            sql,
            [
                m.new.clone().into(),
                (n + 1).into(),
                m.policy_id.into(),
                n.into(),
                m.old.clone().into(),
            ],
        ))
        .await?;
    }
    Ok(())
}
