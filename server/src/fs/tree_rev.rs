//! Folder revisions (`files.tree_rev`): every folder above a change has its revision raised in
//! the transaction of the change, so a folder's ETag (`dav::meta::Etag`) moves whenever
//! anything below it does, through any door, and a crash keeps both or neither.
//!
//! The journal ([`super::changes::record`]) raises them from the paths of what it records: the
//! folders above the old path and above the new one (a move changes both trees). Each path
//! is one statement, the path's chain of folders ([`super::path::chain_sql`]) updated in place,
//! so the cost is bounded by the depth, never by the size of the tree. The upload committer,
//! which knows the folders above its file already, raises them by id ([`raise_ids`]).

use std::collections::BTreeSet;

use sea_orm::{
    ColumnTrait, ConnectionTrait, DbErr, EntityTrait, QueryFilter, UpdateMany,
    sea_query::{Expr, ExprTrait},
};
use stratus_entity::file;

use super::{changes::Change, path};

/// The parent folder's segments of an owner-absolute path (`/a/b/c` → `[a, b]`); `None` for
/// the root, which has no parent.
fn parent_segments(path: &str) -> Option<Vec<String>> {
    let mut segments: Vec<String> = path
        .split('/')
        .filter(|s| !s.is_empty())
        .map(str::to_owned)
        .collect();
    segments.pop()?;
    Some(segments)
}

/// Raises the revision of every folder above each change's old and new path, once per
/// distinct folder path.
pub async fn raise_for(conn: &impl ConnectionTrait, changes: &[Change]) -> Result<(), DbErr> {
    let mut parents = BTreeSet::new();
    for c in changes {
        for path in std::iter::once(&c.from).chain(c.to.as_ref()) {
            if let Some(segments) = parent_segments(path) {
                parents.insert((c.owner_id, segments));
            }
        }
    }
    for (owner, segments) in parents {
        let mut sql = path::chain_sql(conn.get_database_backend(), owner, &segments);
        sql.push(
            " UPDATE files SET tree_rev = tree_rev + 1 \
             WHERE id IN (SELECT id FROM chain)",
        );
        conn.execute_raw(sql.statement()).await?;
    }
    Ok(())
}

/// The statement raising the revision of the folders `ids` (a path's chain read already).
pub fn raise_ids(ids: impl IntoIterator<Item = i64>) -> UpdateMany<file::Entity> {
    file::Entity::update_many()
        .col_expr(
            file::Column::TreeRev,
            Expr::col(file::Column::TreeRev).add(1),
        )
        .filter(file::Column::Id.is_in(ids))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn parents_of_paths() {
        assert_eq!(parent_segments("/"), None);
        assert_eq!(parent_segments("/a.txt"), Some(vec![]));
        assert_eq!(
            parent_segments("/a/b/c.txt"),
            Some(vec!["a".to_owned(), "b".to_owned()])
        );
    }
}
