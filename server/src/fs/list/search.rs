//! Search below a folder: the breadth-first folder walk and the `WHERE` conditions of a
//! [`SearchQuery`].

use std::{collections::HashMap, fmt::Write as _};

use sea_orm::{ColumnTrait, ConnectionTrait, DbBackend, EntityTrait, QueryFilter, QuerySelect};
use stratus_entity::file;

use super::CHUNK;
use crate::fs::sql::Sql;
use crate::fs::{
    error::FsError,
    nav::Node,
    search::{FileKindFilter, SearchQuery},
    uri::FileUri,
};

/// Appends the search conditions.
pub(super) fn write_search(sql: &mut Sql, q: &SearchQuery) {
    let sqlite = sql.backend == DbBackend::Sqlite;
    let patterns = q.name_like_patterns();
    if !patterns.is_empty() {
        sql.push(" AND (");
        for (n, like) in patterns.iter().enumerate() {
            if n > 0 {
                sql.push(if q.use_or { " OR " } else { " AND " });
            }
            if q.case_folding {
                sql.push("LOWER(\"name\") LIKE LOWER(")
                    .bind(like.clone())
                    .push(") ESCAPE '\\'");
            } else if sqlite {
                // SQLite's LIKE ignores ASCII case; GLOB does not.
                sql.push("\"name\" GLOB ").bind(like_to_glob(like));
            } else {
                sql.push("\"name\" LIKE ")
                    .bind(like.clone())
                    .push(" ESCAPE '\\'");
            }
        }
        sql.push(")");
    }
    for (key, value) in &q.metadata {
        sql.push(
            " AND EXISTS (SELECT 1 FROM \"metadata\" WHERE \"metadata\".\"file_id\" = \"files\".\"id\" AND \"metadata\".\"name\" = ",
        )
        .bind(key.clone())
        .push(" AND \"metadata\".\"is_public\" = ")
        .bind(true);
        if !value.is_empty() {
            sql.push(" AND LOWER(\"metadata\".\"value\") LIKE LOWER(")
                .bind(format!("%{}%", like_escape(value)))
                .push(") ESCAPE '\\'");
        }
        sql.push(")");
    }
    // Public metadata only, like `meta_` (Cloudreve's exact match also sees private rows).
    for (key, value) in &q.exact_metadata {
        sql.push(
            " AND EXISTS (SELECT 1 FROM \"metadata\" WHERE \"metadata\".\"file_id\" = \"files\".\"id\" AND \"metadata\".\"name\" = ",
        )
        .bind(key.clone())
        .push(" AND \"metadata\".\"is_public\" = ")
        .bind(true)
        .push(" AND \"metadata\".\"value\" = ")
        .bind(value.clone())
        .push(")");
    }
    let ranges = [
        ("size", ">=", q.size_gte.map(sea_orm::Value::from)),
        ("size", "<=", q.size_lte.map(sea_orm::Value::from)),
        ("created_at", ">=", q.created_gte.map(sea_orm::Value::from)),
        ("created_at", "<=", q.created_lte.map(sea_orm::Value::from)),
        ("updated_at", ">=", q.updated_gte.map(sea_orm::Value::from)),
        ("updated_at", "<=", q.updated_lte.map(sea_orm::Value::from)),
    ];
    for (column, op, value) in ranges {
        if let Some(value) = value {
            let _ = write!(sql.text, " AND \"{column}\" {op} ");
            sql.bind(value);
        }
    }
    if let Some(also) = q.also.as_deref() {
        // The outer query's `type` picks the branches of a page; the user's own is a condition.
        let kind = match also.kind {
            Some(FileKindFilter::File) => Some(file::kind::FILE),
            Some(FileKindFilter::Folder) => Some(file::kind::FOLDER),
            None => None,
        };
        if let Some(kind) = kind {
            sql.push(" AND \"type\" = ").bind(kind);
        }
        write_search(sql, also);
    }
}

/// Escapes `\`, `%` and `_` for `LIKE … ESCAPE '\'`.
fn like_escape(s: &str) -> String {
    let mut out = String::with_capacity(s.len());
    for c in s.chars() {
        if matches!(c, '\\' | '%' | '_') {
            out.push('\\');
        }
        out.push(c);
    }
    out
}

/// Turns a `LIKE` pattern (escape `\`) into the equivalent `GLOB` pattern.
fn like_to_glob(like: &str) -> String {
    let mut out = String::with_capacity(like.len() + 4);
    let mut chars = like.chars();
    while let Some(c) = chars.next() {
        let literal = match c {
            '%' => {
                out.push('*');
                continue;
            }
            '_' => {
                out.push('?');
                continue;
            }
            '\\' => chars.next().unwrap_or('\\'),
            c => c,
        };
        match literal {
            '*' => out.push_str("[*]"),
            '?' => out.push_str("[?]"),
            '[' => out.push_str("[[]"),
            c => out.push(c),
        }
    }
    out
}

/// The folder `node` and the folders below it (breadth-first, symbolic entries excluded),
/// each with its URI; at most `limit` folders. The flag is false when the walk stopped early.
pub(super) async fn walk_folders(
    db: &impl ConnectionTrait,
    node: &Node,
    limit: usize,
) -> Result<(HashMap<i64, FileUri>, bool), FsError> {
    let mut uris = HashMap::new();
    uris.insert(node.file.id, node.uri.clone());
    let mut level = vec![node.file.id];
    while !level.is_empty() {
        let mut next = Vec::new();
        for chunk in level.chunks(CHUNK) {
            let rows: Vec<(i64, Option<i64>, String)> = file::Entity::find()
                .select_only()
                .column(file::Column::Id)
                .column(file::Column::ParentId)
                .column(file::Column::Name)
                .filter(file::Column::ParentId.is_in(chunk.to_vec()))
                .filter(file::Column::Type.eq(file::kind::FOLDER))
                .filter(file::Column::IsSymbolic.eq(false))
                .filter(file::Column::DeletedAt.is_null())
                .into_tuple()
                .all(db)
                .await?;
            for (id, parent, name) in rows {
                if uris.len() >= limit {
                    return Ok((uris, false));
                }
                let Some(parent_uri) = parent.and_then(|p| uris.get(&p)) else {
                    continue;
                };
                let uri = parent_uri.join(&name)?;
                uris.insert(id, uri);
                next.push(id);
            }
        }
        level = next;
    }
    Ok((uris, true))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn glob_from_like() {
        assert_eq!(like_to_glob("%report%"), "*report*");
        assert_eq!(like_to_glob("%.jpg"), "*.jpg");
        assert_eq!(like_to_glob("IMG\\_%"), "IMG_*");
        assert_eq!(like_to_glob("%100\\%%"), "*100%*");
        assert_eq!(like_to_glob("%a[b]?c*%"), "*a[[]b][?]c[*]*");
        assert_eq!(like_to_glob("%back\\\\slash%"), "*back\\slash*");
        assert_eq!(like_to_glob("a_b"), "a?b");
    }

    #[test]
    fn like_escaping() {
        assert_eq!(like_escape("50%_off\\"), "50\\%\\_off\\\\");
        assert_eq!(like_escape("plain"), "plain");
    }
}
