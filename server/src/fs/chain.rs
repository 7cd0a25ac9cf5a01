//! A row's chain of folders up to its root, read in one recursive query for any number of rows.
//! The change journal's paths, the URIs rebuilt from rows and the search's visibility checks
//! all read the tree upwards this way, so what counts as "in the tree" is decided by the same
//! rows everywhere.

use std::collections::HashMap;

use sea_orm::{ConnectionTrait, DbErr};
use stratus_entity::file;

use super::{
    error::FsError,
    sql::Sql,
    uri::{FileUri, FsKind},
};

/// Deepest chain walked up before giving up (a cycle or a broken tree).
pub const MAX_DEPTH: i64 = 4096;

/// One row of a chain.
#[derive(Debug, Clone)]
pub struct Link {
    pub id: i64,
    pub parent_id: Option<i64>,
    pub name: String,
    /// The row is deleted (`deleted_at` set).
    pub gone: bool,
}

/// Each of `file_ids` with its folders up to the root, nearest first (the row itself first).
/// A chain ends at a row without parent (the root, or a trashed item), at a missing parent (the
/// last link then has a `parent_id`) or after [`MAX_DEPTH`] links. Deleted rows are walked
/// through and marked `gone`: callers decide what a deleted ancestor means. Ids with no row
/// are absent from the map.
pub async fn chains(
    conn: &impl ConnectionTrait,
    file_ids: &[i64],
) -> Result<HashMap<i64, Vec<Link>>, DbErr> {
    let mut out: HashMap<i64, Vec<Link>> = HashMap::new();
    if file_ids.is_empty() {
        return Ok(out);
    }
    let mut sql = Sql::new(conn.get_database_backend());
    sql.push(
        "WITH RECURSIVE up(start, id, parent_id, name, gone, depth) AS (\
         SELECT id, id, parent_id, name, CASE WHEN deleted_at IS NULL THEN 0 ELSE 1 END, 0 \
         FROM files WHERE id IN (",
    );
    for (i, id) in file_ids.iter().enumerate() {
        if i > 0 {
            sql.push(", ");
        }
        sql.bind(*id);
    }
    sql.push(
        ") UNION ALL SELECT up.start, files.id, files.parent_id, files.name, \
         CASE WHEN files.deleted_at IS NULL THEN 0 ELSE 1 END, up.depth + 1 \
         FROM files JOIN up ON files.id = up.parent_id WHERE up.depth < ",
    )
    .bind(MAX_DEPTH)
    .push(") SELECT start, id, parent_id, name, gone FROM up ORDER BY start, depth");
    for r in conn.query_all_raw(sql.statement()).await? {
        let start: i64 = r.try_get_by_index(0)?;
        out.entry(start).or_default().push(Link {
            id: r.try_get_by_index(1)?,
            parent_id: r.try_get_by_index(2)?,
            name: r.try_get_by_index(3)?,
            gone: r.try_get_by_index::<i32>(4)? != 0,
        });
    }
    Ok(out)
}

/// The chain of one row (empty when the row is missing).
pub async fn chain(conn: &impl ConnectionTrait, file_id: i64) -> Result<Vec<Link>, DbErr> {
    Ok(chains(conn, &[file_id])
        .await?
        .remove(&file_id)
        .unwrap_or_default())
}

/// Whether a chain reaches the root of its owner's tree (a row with no parent and no name).
pub fn reaches_root(up: &[Link]) -> bool {
    up.last()
        .is_some_and(|top| top.parent_id.is_none() && top.name.is_empty())
}

/// Whether `file` hangs below its owner's root, given the chain of its parent (`up`, as
/// [`chains`] reads it for many rows at once): [`super::path::in_tree`]'s answer for the same
/// rows, which reads at most `max_depth` rows above the file and stops at a deleted one.
pub fn in_tree_along(file: &file::Model, up: &[Link], max_depth: usize) -> bool {
    if file.parent_id.is_none() {
        return file.name.is_empty();
    }
    up.len() <= max_depth && !up.iter().any(|l| l.gone) && reaches_root(up)
}

/// The URI of `file` (`my` for tree rows, `trash` for trashed ones) from the chain of its
/// parent (`up`, empty for a row without parent); see [`super::nav::uri_of`].
pub fn uri_along(file: &file::Model, up: &[Link]) -> Result<FileUri, FsError> {
    let mut names = vec![file.name.as_str()];
    let mut top = (file.parent_id, file.name.as_str());
    if file.parent_id.is_some() {
        let last = up.last().ok_or(FsError::NotFound)?;
        top = (last.parent_id, last.name.as_str());
        names.extend(up.iter().map(|l| l.name.as_str()));
    }
    let (None, top_name) = top else {
        // A missing row above, or a chain longer than any tree.
        return Err(FsError::NotFound);
    };
    // The root has no name: a named row without parent is a trashed item.
    let fs = if top_name.is_empty() {
        names.pop();
        FsKind::My
    } else {
        FsKind::Trash
    };
    let mut uri = FileUri::root(fs, None);
    for name in names.iter().rev() {
        uri = uri.join(name)?;
    }
    Ok(uri)
}
