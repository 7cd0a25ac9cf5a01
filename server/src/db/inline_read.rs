//! Reads of the SQLite database run in the calling thread, for the hottest statement of all
//! (the path lookup of every WebDAV request).
//!
//! sqlx drives each SQLite connection from a thread of its own: a statement is sent there and
//! its rows sent back, two thread hand-offs per statement. For a GET of a small file that
//! costs more than the statement: in a profile of 2,000 GETs of distinct 4 KiB files, a fifth
//! of the server's CPU time was the kernel switching between the runtime's workers and sqlx's
//! threads. Here the statement runs on the worker itself, on a read-only connection that each
//! thread opens to the same file once (SQLite in WAL mode: readers never wait for the writer,
//! and a statement sees what was committed when it started, as on any pooled connection).
//!
//! The caller reads each row with [`Fields`], which fills an entity's model through its
//! active model, each column typed as the entity declares it. Anything this does not handle
//! (a value type, an error opening or reading) answers `None`, and the caller runs the
//! statement through the pool as before.

use std::{
    cell::{OnceCell, RefCell},
    collections::HashMap,
    path::{Path, PathBuf},
    time::Duration,
};

use chrono::{DateTime, SecondsFormat, Utc};
use rusqlite::{
    Connection, OpenFlags, Row,
    types::{Value as SqlValue, ValueRef},
};
use sea_orm::{
    ActiveModelTrait, ColumnTrait, ColumnType, DatabaseConnection, DbBackend, EntityTrait,
    IdenStatic, Iterable, Statement, TryIntoModel, Value,
};

/// How long a read waits on a lock (only WAL recovery or a checkpoint's reset takes one a
/// reader waits for) before it gives up and goes through the pool.
const BUSY: Duration = Duration::from_millis(100);

thread_local! {
    /// This thread's connections, one per database file.
    static CONNECTIONS: RefCell<HashMap<PathBuf, Connection>> = RefCell::new(HashMap::new());
}

/// The rows of `statement`, each read by `read`, run in this thread; `None` when `db` is not a
/// SQLite file or anything here failed (the caller then asks the pool).
pub fn query<T>(
    db: &DatabaseConnection,
    statement: &Statement,
    read: impl Fn(&Row<'_>) -> Option<T>,
) -> Option<Vec<T>> {
    if statement.db_backend != DbBackend::Sqlite {
        return None;
    }
    let file = db
        .get_sqlite_connection_pool()
        .connect_options()
        .get_filename()
        .to_path_buf();
    if file.as_os_str().is_empty() || file == Path::new(":memory:") {
        return None;
    }
    let params = statement
        .values
        .as_ref()
        .map(|v| v.0.iter().map(param).collect::<Option<Vec<_>>>())
        .unwrap_or_else(|| Some(Vec::new()))?;
    let found = CONNECTIONS.with(|connections| {
        let mut connections = connections.borrow_mut();
        if !connections.contains_key(&file) {
            connections.insert(file.clone(), open(&file)?);
        }
        let mut prepared = connections[&file].prepare_cached(&statement.sql)?;
        let mut rows = prepared.query(rusqlite::params_from_iter(params))?;
        let mut found = Vec::new();
        while let Some(row) = rows.next()? {
            match read(row) {
                Some(item) => found.push(item),
                None => return Ok(None),
            }
        }
        Ok::<_, rusqlite::Error>(Some(found))
    });
    match found {
        Ok(found) => {
            if found.is_none() {
                tracing::debug!("a row of an inline read did not fit; asking the pool");
            }
            found
        }
        Err(e) => {
            tracing::debug!(error = %e, "an inline read failed; asking the pool");
            None
        }
    }
}

/// The model of entity `E` in the rows of one statement, its columns named with a prefix:
/// each column's place is looked up by name in the first row and reused for the rest (a
/// lookup by name compares it with every column of the row, and this is the hottest read).
pub struct Fields<E: EntityTrait> {
    prefix: &'static str,
    at: OnceCell<Vec<(E::Column, usize)>>,
}

impl<E> Fields<E>
where
    E: EntityTrait,
    E::ActiveModel: TryIntoModel<E::Model>,
{
    pub fn new(prefix: &'static str) -> Self {
        Self {
            prefix,
            at: OnceCell::new(),
        }
    }

    /// The model in `row`: `None` when a column is missing or holds what its field cannot
    /// take.
    pub fn read(&self, row: &Row<'_>) -> Option<E::Model> {
        let at = match self.at.get() {
            Some(at) => at,
            None => {
                let statement: &rusqlite::Statement<'_> = row.as_ref();
                let mut at = Vec::new();
                for column in E::Column::iter() {
                    let name = format!("{}{}", self.prefix, column.as_str());
                    at.push((column, statement.column_index(&name).ok()?));
                }
                self.at.get_or_init(|| at)
            }
        };
        let mut active = <E::ActiveModel as ActiveModelTrait>::default();
        for &(column, index) in at {
            let value = value(row.get_ref(index).ok()?, column.def().get_column_type())?;
            active.try_set(column, value).ok()?;
        }
        active.try_into_model().ok()
    }
}

/// Column `name` of `row` as a boolean (SQLite's 0 or 1).
pub fn boolean(row: &Row<'_>, name: &str) -> Option<bool> {
    row.get::<_, i64>(name).ok().map(|n| n != 0)
}

/// Whether column `name` of `row` is NULL.
pub fn is_null(row: &Row<'_>, name: &str) -> Option<bool> {
    row.get_ref(name).ok().map(|v| v == ValueRef::Null)
}

fn open(file: &Path) -> rusqlite::Result<Connection> {
    let connection = Connection::open_with_flags(
        file,
        OpenFlags::SQLITE_OPEN_READ_ONLY | OpenFlags::SQLITE_OPEN_NO_MUTEX,
    )?;
    connection.busy_timeout(BUSY)?;
    Ok(connection)
}

/// A bound value as sqlx binds it to SQLite (times as RFC 3339 text, as they are stored).
fn param(value: &Value) -> Option<SqlValue> {
    Some(match value {
        Value::Bool(v) => v.map_or(SqlValue::Null, |b| SqlValue::Integer(b.into())),
        Value::SmallInt(v) => v.map_or(SqlValue::Null, |n| SqlValue::Integer(n.into())),
        Value::Int(v) => v.map_or(SqlValue::Null, |n| SqlValue::Integer(n.into())),
        Value::BigInt(v) => v.map_or(SqlValue::Null, SqlValue::Integer),
        Value::String(v) => v.clone().map_or(SqlValue::Null, SqlValue::Text),
        Value::ChronoDateTimeUtc(v) => v.map_or(SqlValue::Null, |t| {
            SqlValue::Text(t.to_rfc3339_opts(SecondsFormat::AutoSi, false))
        }),
        _ => return None,
    })
}

/// A column's value as sea-orm's SQLite driver would read it into a field of `kind`; `None`
/// for a kind not handled here or a value that does not fit it.
fn value(raw: ValueRef<'_>, kind: &ColumnType) -> Option<Value> {
    let null = matches!(raw, ValueRef::Null);
    let int = || match raw {
        ValueRef::Integer(n) => Some(n),
        _ => None,
    };
    let text = || match raw {
        ValueRef::Text(t) => std::str::from_utf8(t).ok(),
        _ => None,
    };
    Some(match kind {
        ColumnType::Boolean => Value::Bool(if null { None } else { Some(int()? != 0) }),
        ColumnType::SmallInteger => Value::SmallInt(if null {
            None
        } else {
            Some(int()?.try_into().ok()?)
        }),
        ColumnType::Integer => Value::Int(if null {
            None
        } else {
            Some(int()?.try_into().ok()?)
        }),
        ColumnType::BigInteger => Value::BigInt(if null { None } else { Some(int()?) }),
        ColumnType::String(_) | ColumnType::Text | ColumnType::Char(_) => {
            Value::String(if null { None } else { Some(text()?.to_owned()) })
        }
        ColumnType::TimestampWithTimeZone => {
            Value::ChronoDateTimeUtc(if null { None } else { Some(time(text()?)?) })
        }
        ColumnType::Json | ColumnType::JsonBinary => Value::Json(if null {
            None
        } else {
            Some(Box::new(serde_json::from_str(text()?).ok()?))
        }),
        _ => return None,
    })
}

/// A stored time: RFC 3339 as sqlx writes it, or SQLite's own `YYYY-MM-DD HH:MM:SS` (UTC).
fn time(text: &str) -> Option<DateTime<Utc>> {
    if let Ok(t) = DateTime::parse_from_rfc3339(text) {
        return Some(t.with_timezone(&Utc));
    }
    chrono::NaiveDateTime::parse_from_str(text, "%F %T%.f")
        .ok()
        .map(|t| t.and_utc())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn values_are_read_as_the_field_types_want_them() {
        let t = "2026-11-27T04:18:33.123456789+00:00";
        assert_eq!(
            value(
                ValueRef::Text(t.as_bytes()),
                &ColumnType::TimestampWithTimeZone
            ),
            Some(Value::ChronoDateTimeUtc(Some(
                DateTime::parse_from_rfc3339(t).unwrap().with_timezone(&Utc)
            )))
        );
        assert_eq!(
            value(ValueRef::Null, &ColumnType::BigInteger),
            Some(Value::BigInt(None))
        );
        assert_eq!(
            value(ValueRef::Integer(1), &ColumnType::Boolean),
            Some(Value::Bool(Some(true)))
        );
        assert_eq!(
            value(ValueRef::Integer(70_000), &ColumnType::SmallInteger),
            None
        );
        assert_eq!(value(ValueRef::Real(1.5), &ColumnType::Double), None);
        assert_eq!(
            time("2026-11-27 04:18:33"),
            Some(
                DateTime::parse_from_rfc3339("2026-11-27T04:18:33Z")
                    .unwrap()
                    .with_timezone(&Utc)
            )
        );
    }

    #[test]
    fn times_are_bound_as_sqlx_stores_them() {
        let t = DateTime::parse_from_rfc3339("2026-11-27T04:18:33.5Z")
            .unwrap()
            .with_timezone(&Utc);
        assert_eq!(
            param(&Value::ChronoDateTimeUtc(Some(t))),
            Some(SqlValue::Text("2026-11-27T04:18:33.500+00:00".into()))
        );
        assert_eq!(param(&Value::Double(Some(1.0))), None);
    }
}
