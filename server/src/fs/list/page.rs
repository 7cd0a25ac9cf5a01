//! The keyset (and offset) page statements of one listing: `UNION ALL` of one index range
//! scan per type, continued after a [`Cursor`].

use std::{cmp::Ordering, fmt::Write as _};

use sea_orm::{ConnectionTrait, DbBackend, EntityTrait};
use stratus_entity::file;

use super::{Direction, OrderKey, cursor::Cursor, search::write_search};
use crate::fs::{
    error::FsError,
    nav::FsCtx,
    search::{FileKindFilter, SearchQuery},
    sql::Sql,
};

/// Which rows are listed.
#[derive(Debug, Clone)]
pub(super) enum Scope {
    /// Children of these folders.
    Parents(Vec<i64>),
    /// The owner's trashed items (detached rows with a name).
    Trash(i64),
    /// The caller's saved shares (symbolic rows still in the tree), and the items other
    /// owners granted to the caller (first) or to the caller's group (second).
    SharedWithMe(i64, i64),
    /// One row (the file of a single-file share).
    Single(i64),
}

/// Everything the statements of one listing share.
pub(super) struct ListCtx<'a> {
    pub(super) fs: &'a FsCtx<'a>,
    pub(super) backend: DbBackend,
    pub(super) order: OrderKey,
    pub(super) dir: Direction,
    pub(super) search: Option<&'a SearchQuery>,
    /// HMAC key of cursors.
    pub(super) secret: String,
    /// What a cursor is bound to.
    pub(super) scope: String,
}

impl ListCtx<'_> {
    /// The order key as an SQL expression; byte-wise for names during a search.
    fn key_sql(&self) -> &'static str {
        match self.order {
            OrderKey::Name if self.search.is_some() && self.backend == DbBackend::Postgres => {
                "\"name\" COLLATE \"C\""
            }
            OrderKey::Name => "\"name\"",
            OrderKey::Size => "\"size\"",
            OrderKey::UpdatedAt => "\"updated_at\"",
            OrderKey::CreatedAt => "\"created_at\"",
        }
    }

    fn order_sql(&self, with_type: bool) -> String {
        let dir = self.dir.sql();
        let key = self.key_sql();
        if with_type {
            format!("\"type\" DESC, {key} {dir}, \"id\" {dir}")
        } else {
            format!("{key} {dir}, \"id\" {dir}")
        }
    }

    /// `WHERE` conditions of the scope, the type (when given) and the search (without the
    /// keyword).
    fn write_filter(&self, sql: &mut Sql, scope: &Scope, kind: Option<i16>) {
        match scope {
            Scope::Parents(ids) if ids.len() == 1 => {
                sql.push("\"parent_id\" = ").bind(ids[0]);
            }
            Scope::Parents(ids) => {
                sql.push("\"parent_id\" IN (");
                for (n, id) in ids.iter().enumerate() {
                    if n > 0 {
                        sql.push(", ");
                    }
                    sql.bind(*id);
                }
                sql.push(")");
            }
            Scope::Trash(owner) => {
                sql.push("\"owner_id\" = ")
                    .bind(*owner)
                    .push(" AND \"parent_id\" IS NULL AND \"name\" <> ''");
            }
            Scope::Single(id) => {
                sql.push("\"id\" = ").bind(*id);
            }
            Scope::SharedWithMe(owner, group) => {
                sql.push("((\"owner_id\" = ")
                    .bind(*owner)
                    .push(" AND \"is_symbolic\" = ")
                    .bind(true)
                    .push(" AND \"parent_id\" IS NOT NULL) OR \"id\" IN (SELECT file_grants.file_id FROM file_grants WHERE ");
                crate::fs::grant::push_received(sql, *owner, *group);
                sql.push(" AND file_grants.owner_id <> ")
                    .bind(*owner)
                    .push("))");
            }
        }
        if let Some(kind) = kind {
            sql.push(" AND \"type\" = ").bind(kind);
        }
        sql.push(" AND \"deleted_at\" IS NULL");
        if let Some(q) = self.search {
            write_search(sql, q);
        }
    }

    /// One group (`type` = `kind`) of the page: an index range scan.
    fn write_branch(
        &self,
        sql: &mut Sql,
        scope: &Scope,
        kind: i16,
        after: Option<&Cursor>,
        limit: u64,
        offset: Option<u64>,
    ) {
        sql.push("SELECT * FROM \"files\" WHERE ");
        self.write_filter(sql, scope, Some(kind));
        if let Some(c) = after.filter(|c| c.kind == kind) {
            let (strict, weak) = self.dir.ops();
            let key = self.key_sql();
            let _ = write!(sql.text, " AND {key} {weak} ");
            sql.bind(c.key.to_db());
            let _ = write!(sql.text, " AND ({key} {strict} ");
            sql.bind(c.key.to_db());
            let _ = write!(sql.text, " OR \"id\" {strict} ");
            sql.bind(c.id).push(")");
        }
        let _ = write!(
            sql.text,
            " ORDER BY {} LIMIT {limit}",
            self.order_sql(false)
        );
        if let Some(offset) = offset {
            let _ = write!(sql.text, " OFFSET {offset}");
        }
    }

    /// The groups a page may still hold, folders first.
    fn kinds(&self, after: Option<&Cursor>) -> Vec<i16> {
        let mut kinds = match self.search.and_then(|q| q.kind) {
            Some(FileKindFilter::Folder) => vec![file::kind::FOLDER],
            Some(FileKindFilter::File) => vec![file::kind::FILE],
            None => vec![file::kind::FOLDER, file::kind::FILE],
        };
        if after.is_some_and(|c| c.kind == file::kind::FILE) {
            kinds.retain(|k| *k == file::kind::FILE);
        }
        kinds
    }

    /// One cursor page (`limit` rows at most) of `scope`, in one statement.
    pub(super) async fn page(
        &self,
        scope: &Scope,
        after: Option<&Cursor>,
        limit: u64,
    ) -> Result<Vec<file::Model>, FsError> {
        let kinds = self.kinds(after);
        let mut sql = Sql::new(self.backend);
        match kinds.as_slice() {
            [] => return Ok(Vec::new()),
            [kind] => self.write_branch(&mut sql, scope, *kind, after, limit, None),
            _ => {
                sql.push("SELECT * FROM (");
                for (n, kind) in kinds.iter().enumerate() {
                    if n > 0 {
                        sql.push(" UNION ALL ");
                    }
                    let _ = write!(sql.text, "SELECT * FROM (");
                    self.write_branch(&mut sql, scope, *kind, after, limit, None);
                    let _ = write!(sql.text, ") AS \"g{n}\"");
                }
                let _ = write!(
                    sql.text,
                    ") AS \"page\" ORDER BY {} LIMIT {limit}",
                    self.order_sql(true)
                );
            }
        }
        Ok(file::Entity::find()
            .from_raw_sql(sql.statement())
            .all(&self.fs.state.db)
            .await?)
    }

    /// Rows per type in `scope`.
    async fn counts(&self, scope: &Scope) -> Result<(i64, i64), FsError> {
        let mut sql = Sql::new(self.backend);
        sql.push("SELECT \"type\", COUNT(*) AS \"n\" FROM \"files\" WHERE ");
        self.write_filter(&mut sql, scope, None);
        sql.push(" GROUP BY \"type\"");
        let (mut folders, mut files) = (0, 0);
        for row in self.fs.state.db.query_all_raw(sql.statement()).await? {
            let kind: i16 = row.try_get("", "type")?;
            let n: i64 = row.try_get("", "n")?;
            if kind == file::kind::FOLDER {
                folders = n;
            } else {
                files += n;
            }
        }
        Ok((folders, files))
    }

    /// One offset page: `(rows, total)`.
    pub(super) async fn offset_page(
        &self,
        scope: &Scope,
        start: u64,
        limit: u64,
    ) -> Result<(Vec<file::Model>, i64), FsError> {
        let (folders, files) = self.counts(scope).await?;
        let folders_u = folders.max(0) as u64;
        let mut rows = Vec::new();
        let db = &self.fs.state.db;
        if start < folders_u {
            let mut sql = Sql::new(self.backend);
            self.write_branch(
                &mut sql,
                scope,
                file::kind::FOLDER,
                None,
                limit,
                Some(start),
            );
            rows = file::Entity::find()
                .from_raw_sql(sql.statement())
                .all(db)
                .await?;
        }
        let remaining = limit.saturating_sub(rows.len() as u64);
        if remaining > 0 && files > 0 {
            let mut sql = Sql::new(self.backend);
            self.write_branch(
                &mut sql,
                scope,
                file::kind::FILE,
                None,
                remaining,
                Some(start.saturating_sub(folders_u)),
            );
            rows.extend(
                file::Entity::find()
                    .from_raw_sql(sql.statement())
                    .all(db)
                    .await?,
            );
        }
        Ok((rows, folders + files))
    }

    /// Orders rows as the statements do (only exact for names during a search, where the
    /// database compares bytes too).
    pub(super) fn compare(&self, a: &file::Model, b: &file::Model) -> Ordering {
        b.r#type.cmp(&a.r#type).then_with(|| {
            self.dir.apply(
                self.order
                    .value_of(a)
                    .cmp(&self.order.value_of(b))
                    .then(a.id.cmp(&b.id)),
            )
        })
    }
}
