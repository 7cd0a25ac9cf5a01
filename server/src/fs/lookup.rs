//! The lookup every WebDAV request makes: the path's [`chain`](super::nav::chain), whether
//! the owner holds any live lock and, for a read, the current version at the path, in one
//! statement. On SQLite it runs in the request's own thread ([`inline_read`]).

use chrono::Utc;
use sea_orm::{ConnectionTrait, DatabaseConnection, FromQueryResult, IdenStatic, Iterable};
use stratus_entity::{entity, file};

use super::{error::FsError, nav::chain_sql};
use crate::db::inline_read;

/// What [`chain_and_locked`] read in its one statement.
pub struct LockedChain {
    /// The [`chain`].
    pub rows: Vec<file::Model>,
    /// Whether the owner holds any live lock: `None` when no row came back to carry that
    /// answer (the owner has no root yet).
    pub locked: Option<bool>,
    /// When asked for: the current version of the row at the path, if the walk got there and
    /// it has one (a GET then needs no statement of its own to find the bytes).
    pub version: Option<entity::Model>,
}

/// [`chain`], and in the same statement whether the owner holds any live lock and, with
/// `version`, the current version of the row at the end of `segments`.
pub async fn chain_and_locked(
    db: &DatabaseConnection,
    owner_id: i64,
    segments: &[String],
    version: bool,
) -> Result<LockedChain, FsError> {
    let mut sql = chain_sql(db.get_database_backend(), owner_id, segments);
    sql.push(" SELECT chain.*, EXISTS (SELECT 1 FROM locks WHERE locks.owner_id = ")
        .bind(owner_id)
        .push(" AND locks.expires_at > ")
        .bind(Utc::now())
        .push(") AS owner_locked");
    if version {
        for column in entity::Column::iter() {
            sql.push(&format!(", entities.\"{0}\" AS \"v_{0}\"", column.as_str()));
        }
        sql.push(&format!(
            " FROM chain LEFT JOIN entities ON entities.id = chain.primary_entity \
             AND chain.depth = {}",
            segments.len()
        ));
    } else {
        sql.push(" FROM chain");
    }
    sql.push(" ORDER BY depth");
    let mut found = LockedChain {
        rows: Vec::new(),
        locked: None,
        version: None,
    };
    let statement = sql.statement();
    // On SQLite in this thread (the lookup of every WebDAV request), read the same way.
    let (files, versions) = (
        inline_read::Fields::<file::Entity>::new(""),
        inline_read::Fields::<entity::Entity>::new("v_"),
    );
    let inline = inline_read::query(db, &statement, |row| {
        let version = match version && !inline_read::is_null(row, "v_id")? {
            true => Some(versions.read(row)?),
            false => None,
        };
        let file = files.read(row)?;
        Some((file, inline_read::boolean(row, "owner_locked")?, version))
    });
    let rows = match inline {
        Some(rows) => rows,
        None => {
            let mut rows = Vec::new();
            for row in db.query_all_raw(statement).await? {
                let version = match version && row.try_get::<Option<i64>>("", "v_id")?.is_some() {
                    true => Some(entity::Model::from_query_result(&row, "v_")?),
                    false => None,
                };
                let file = file::Model::from_query_result(&row, "")?;
                rows.push((file, row.try_get::<bool>("", "owner_locked")?, version));
            }
            rows
        }
    };
    for (file, locked, row_version) in rows {
        found.locked = Some(locked);
        if row_version.is_some() {
            found.version = row_version;
        }
        found.rows.push(file);
    }
    Ok(found)
}
