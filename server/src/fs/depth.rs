//! How deep a tree may grow and how long a path may be: without a bound, one small request
//! makes a tree thousands of folders deep whose every later walk, zip or listing pays for it.
//! Checked wherever an object gets a new path: create (with its missing parents), uploads,
//! moves and copies (the moved subtree's own depth counts), and so WebDAV and extraction.

use sea_orm::ConnectionTrait;

use super::{error::FsError, sql::Sql, uri::FileUri};
use crate::state::AppState;

/// Default of the site setting `max_folder_depth`: folders from the root to an object.
pub const DEFAULT_MAX_DEPTH: i64 = 256;

/// The longest path below the root, in characters (the separators counted): Linux's
/// `PATH_MAX`, so a tree can still be copied out to a local disk.
pub const MAX_PATH_CHARS: usize = 4096;

/// The site's depth bound.
pub async fn max_depth(state: &AppState) -> Result<usize, FsError> {
    let depth = state
        .settings
        .int("max_folder_depth", DEFAULT_MAX_DEPTH)
        .await?;
    Ok(depth.clamp(1, i64::from(u16::MAX)) as usize)
}

/// Refuses a new object at `uri` deeper than the bound or with a path too long.
pub async fn check_new(state: &AppState, uri: &FileUri) -> Result<(), FsError> {
    check(
        max_depth(state).await?,
        uri.segments().len(),
        path_chars(uri),
    )
}

/// Refuses putting `src_id` (and everything below it), now at `from`, under the folder `dst`
/// as `name` when its deepest or longest path would pass the bound. A place no deeper and no
/// longer than `from` keeps the subtree within what it already met, so renames to a shorter
/// name and moves across one level cost nothing; otherwise one recursive statement, which
/// stops at the bound.
/// `max` is [`max_depth`], read before the caller's transaction began: a settings read inside a
/// write transaction would wait for a second pooled connection while holding the first.
pub async fn check_placed(
    db: &impl ConnectionTrait,
    max: usize,
    src_id: i64,
    from: &FileUri,
    dst: &FileUri,
    name: &str,
) -> Result<(), FsError> {
    let top_depth = dst.segments().len() + 1;
    let top_chars = path_chars(dst) + 1 + name.chars().count();
    check(max, top_depth, top_chars)?;
    if top_depth <= from.segments().len() && top_chars <= path_chars(from) {
        return Ok(());
    }
    let mut sql = Sql::new(db.get_database_backend());
    sql.push(
        "WITH RECURSIVE below(id, depth, chars) AS (SELECT id, 0, 0 FROM files WHERE id = ",
    )
    .bind(src_id)
    .push(
        " UNION ALL SELECT f.id, below.depth + 1, below.chars + 1 + LENGTH(f.name) \
         FROM files f JOIN below ON f.parent_id = below.id \
         WHERE f.deleted_at IS NULL AND below.depth < ",
    )
    .bind((max + 1 - top_depth.min(max + 1)) as i64)
    .push(") SELECT CAST(MAX(depth) AS BIGINT) AS depth, CAST(MAX(chars) AS BIGINT) AS chars FROM below");
    let row = db.query_one_raw(sql.statement()).await?;
    let (depth, chars) = match row {
        Some(row) => (
            row.try_get::<Option<i64>>("", "depth")?.unwrap_or(0),
            row.try_get::<Option<i64>>("", "chars")?.unwrap_or(0),
        ),
        None => (0, 0),
    };
    check(
        max,
        top_depth + depth.max(0) as usize,
        top_chars + chars.max(0) as usize,
    )
}

/// Characters of the path below the root, separators included.
fn path_chars(uri: &FileUri) -> usize {
    let segments = uri.segments();
    segments.iter().map(|s| s.chars().count()).sum::<usize>() + segments.len().saturating_sub(1)
}

fn check(max_depth: usize, depth: usize, chars: usize) -> Result<(), FsError> {
    if depth > max_depth {
        return Err(FsError::Invalid(format!(
            "folders may be at most {max_depth} deep"
        )));
    }
    if chars > MAX_PATH_CHARS {
        return Err(FsError::Invalid(format!(
            "a path may be at most {MAX_PATH_CHARS} characters long"
        )));
    }
    Ok(())
}
