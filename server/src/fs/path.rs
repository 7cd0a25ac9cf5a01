//! Finding rows by their path in an owner's tree: the owner's root (made on first use), a
//! child by its name, and the rows along a path's segments read in one recursive statement
//! ([`chain`]); with them, whether the owner holds a lock and, for a read, the version at the
//! path ([`chain_and_locked`], the lookup every WebDAV request makes: on SQLite in the
//! request's own thread, [`inline_read`]). [`in_tree`] asks the other way round whether a row
//! still hangs below its root. Who may reach a path is decided above, in `nav.rs`.

use chrono::Utc;
use sea_orm::{
    ActiveModelTrait, ActiveValue::Set, ColumnTrait, ConnectionTrait, DatabaseConnection,
    EntityTrait, FromQueryResult, IdenStatic, Iterable, QueryFilter,
};
use stratus_entity::{entity, file};

use super::{error::FsError, sql::Sql};
use crate::{
    db::{self, inline_read},
    state::AppState,
};

/// The user's root folder, created on first use.
pub async fn root(state: &AppState, owner_id: i64) -> Result<file::Model, FsError> {
    if let Some(root) = find_root(&state.db, owner_id).await? {
        return Ok(root);
    }
    let txn = db::begin_write(&state.db).await?;
    super::tx::lock_owner(&txn, owner_id).await?;
    if let Some(root) = find_root(&txn, owner_id).await? {
        sea_orm::TransactionSession::commit(txn).await?;
        return Ok(root);
    }
    let root = insert_root(&txn, owner_id).await?;
    sea_orm::TransactionSession::commit(txn).await?;
    Ok(root)
}

/// Inserts `owner_id`'s root folder, in a write transaction that found none.
pub async fn insert_root(
    txn: &impl ConnectionTrait,
    owner_id: i64,
) -> Result<file::Model, FsError> {
    let now = Utc::now();
    let root = file::ActiveModel {
        created_at: Set(now),
        updated_at: Set(now),
        r#type: Set(file::kind::FOLDER),
        name: Set(String::new()),
        owner_id: Set(owner_id),
        size: Set(0),
        parent_id: Set(None),
        is_symbolic: Set(false),
        ..Default::default()
    }
    .insert(txn)
    .await?;
    Ok(root)
}

async fn find_root(
    db: &impl ConnectionTrait,
    owner_id: i64,
) -> Result<Option<file::Model>, FsError> {
    Ok(file::Entity::find()
        .filter(file::Column::OwnerId.eq(owner_id))
        .filter(file::Column::ParentId.is_null())
        .filter(file::Column::Name.eq(""))
        .filter(file::Column::DeletedAt.is_null())
        .one(db)
        .await?)
}

/// The child `name` of folder `parent_id`.
pub async fn child(
    db: &impl ConnectionTrait,
    parent_id: i64,
    name: &str,
) -> Result<Option<file::Model>, FsError> {
    Ok(file::Entity::find()
        .filter(file::Column::ParentId.eq(parent_id))
        .filter(file::Column::Name.eq(name))
        .filter(file::Column::DeletedAt.is_null())
        .one(db)
        .await?)
}

/// A trashed item of `owner_id` by its trash name.
pub(super) async fn trashed(
    db: &impl ConnectionTrait,
    owner_id: i64,
    name: &str,
) -> Result<Option<file::Model>, FsError> {
    Ok(file::Entity::find()
        .filter(file::Column::OwnerId.eq(owner_id))
        .filter(file::Column::ParentId.is_null())
        .filter(file::Column::Name.eq(name))
        .filter(file::Column::Name.ne(""))
        .filter(file::Column::DeletedAt.is_null())
        .one(db)
        .await?)
}

/// Walks `segments` down from `start`; `None` when a segment is missing. Symbolic entries
/// cannot be walked into.
pub async fn walk(
    db: &impl ConnectionTrait,
    start: file::Model,
    segments: &[String],
) -> Result<Option<file::Model>, FsError> {
    let mut current = start;
    for name in segments {
        if current.r#type != file::kind::FOLDER || current.is_symbolic {
            return Ok(None);
        }
        match child(db, current.id, name).await? {
            Some(next) => current = next,
            None => return Ok(None),
        }
    }
    Ok(Some(current))
}

/// The owner's root and the rows below it along `segments`, root first, in one statement:
/// as many rows as there are leading segments that exist (none when the root is missing).
/// Like [`walk`], it goes down through real folders only.
pub async fn chain(
    db: &impl ConnectionTrait,
    owner_id: i64,
    segments: &[String],
) -> Result<Vec<file::Model>, FsError> {
    let mut sql = chain_sql(db.get_database_backend(), owner_id, segments);
    sql.push(" SELECT * FROM chain ORDER BY depth");
    Ok(file::Entity::find()
        .from_raw_sql(sql.statement())
        .all(db)
        .await?)
}

/// What a write batch reads of an owner along with the tree, as it stands in the batch's
/// transaction.
#[derive(Clone, Copy, Debug)]
pub struct OwnerState {
    /// Whether the owner holds any live lock.
    pub locked: bool,
    /// The storage the owner uses, in bytes.
    pub storage: i64,
}

/// A folder's [`chain`] and the rows named `names` in it, in one statement: what [`chain`]
/// would answer for each of those names below `segments`, for many names at once. The same
/// statement reads the owner's [`OwnerState`]: `None` when no row came back to carry it (the
/// owner has no root yet) or the owner is gone.
pub async fn chain_with_children(
    db: &impl ConnectionTrait,
    owner_id: i64,
    segments: &[String],
    names: &[&str],
) -> Result<(Vec<file::Model>, Vec<file::Model>, Option<OwnerState>), FsError> {
    let mut sql = chain_sql(db.get_database_backend(), owner_id, segments);
    // One row, joined to every row of the answer.
    sql.push(", owner_state AS (SELECT EXISTS (SELECT 1 FROM locks WHERE locks.owner_id = ")
        .bind(owner_id)
        .push(" AND locks.expires_at > ")
        .bind(Utc::now())
        .push(") AS owner_locked, (SELECT users.storage FROM users WHERE users.id = ")
        .bind(owner_id)
        .push(") AS owner_storage)");
    sql.push(" SELECT chain.*, owner_state.* FROM chain, owner_state");
    if !names.is_empty() {
        // The folder is the row at the last depth, when the walk got there and it is a real
        // folder (else there is nothing below it to find).
        sql.push(&format!(
            " UNION ALL SELECT files.*, {}, owner_state.* FROM files, owner_state \
             WHERE files.parent_id = \
             (SELECT id FROM chain WHERE depth = {} AND type = {} AND NOT is_symbolic) \
             AND files.deleted_at IS NULL AND files.name IN (",
            segments.len() + 1,
            segments.len(),
            file::kind::FOLDER
        ));
        for (i, name) in names.iter().enumerate() {
            if i > 0 {
                sql.push(", ");
            }
            sql.bind(name.to_string());
        }
        sql.push(")");
    }
    sql.push(" ORDER BY depth");
    let mut state = None;
    let mut rows = Vec::new();
    for row in db.query_all_raw(sql.statement()).await? {
        if rows.is_empty() {
            let locked = row.try_get::<bool>("", "owner_locked")?;
            state = row
                .try_get::<Option<i64>>("", "owner_storage")?
                .map(|storage| OwnerState { locked, storage });
        }
        rows.push(file::Model::from_query_result(&row, "")?);
    }
    // One row per depth along the chain, then the children, all one level below it.
    let children = rows.split_off(rows.len().min(segments.len() + 1));
    Ok((rows, children, state))
}

/// Whether `file` hangs below its owner's root: every row above it exists and is not deleted,
/// up to a root (a row without parent and without name). A trashed item, or anything below
/// one, has a named row without parent at the top instead. One statement walks up at most
/// `max_depth` levels; a deeper or cyclic chain counts as outside.
pub async fn in_tree(
    db: &impl ConnectionTrait,
    file: &file::Model,
    max_depth: usize,
) -> Result<bool, FsError> {
    let Some(parent) = file.parent_id else {
        return Ok(file.name.is_empty());
    };
    let mut sql = Sql::new(db.get_database_backend());
    sql.push(
        "WITH RECURSIVE up(id, parent_id, name, gone, depth) AS (\
         SELECT id, parent_id, name, CASE WHEN deleted_at IS NULL THEN 0 ELSE 1 END, 1 \
         FROM files WHERE id = ",
    )
    .bind(parent)
    .push(
        " UNION ALL SELECT files.id, files.parent_id, files.name, \
         CASE WHEN files.deleted_at IS NULL THEN 0 ELSE 1 END, up.depth + 1 \
         FROM files JOIN up ON files.id = up.parent_id WHERE up.gone = 0 AND up.depth < ",
    )
    .bind(max_depth as i64)
    .push(") SELECT parent_id, name, gone FROM up ORDER BY depth");
    let rows: Vec<(Option<i64>, String, i32)> = db
        .query_all_raw(sql.statement())
        .await?
        .iter()
        .map(|r| {
            Ok((
                r.try_get_by_index(0)?,
                r.try_get_by_index(1)?,
                r.try_get_by_index(2)?,
            ))
        })
        .collect::<Result<_, sea_orm::DbErr>>()?;
    // Each row is the parent of the one before; the walk stops at a deleted one.
    for (parent_id, name, gone) in &rows {
        if *gone != 0 {
            return Ok(false);
        }
        if parent_id.is_none() {
            return Ok(name.is_empty());
        }
    }
    // A missing parent, or deeper than allowed.
    Ok(false)
}

/// The recursive `chain` table of [`chain`]: `files` rows with their `depth` below the root.
pub(super) fn chain_sql(backend: sea_orm::DbBackend, owner_id: i64, segments: &[String]) -> Sql {
    let mut sql = Sql::new(backend);
    sql.push("WITH RECURSIVE ");
    if !segments.is_empty() {
        sql.push("seg(depth, name) AS (VALUES ");
        for (i, name) in segments.iter().enumerate() {
            if i > 0 {
                sql.push(", ");
            }
            sql.push(&format!("({}, ", i + 1))
                .bind(name.clone())
                .push(")");
        }
        sql.push("), ");
    }
    sql.push("chain AS (SELECT files.*, 0 AS depth FROM files WHERE files.owner_id = ")
        .bind(owner_id)
        .push(" AND files.parent_id IS NULL AND files.name = '' AND files.deleted_at IS NULL");
    if !segments.is_empty() {
        // The (parent_id, name) unique index finds each step.
        sql.push(&format!(
            " UNION ALL SELECT files.*, seg.depth FROM chain \
             JOIN seg ON seg.depth = chain.depth + 1 \
             JOIN files ON files.parent_id = chain.id AND files.name = seg.name \
             AND files.deleted_at IS NULL \
             WHERE chain.type = {} AND NOT chain.is_symbolic",
            file::kind::FOLDER
        ));
    }
    sql.push(")");
    sql
}

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
