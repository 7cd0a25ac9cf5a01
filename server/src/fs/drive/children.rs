//! A folder's live children a page at a time, resumed from a cursor: the listing WebDAV (name
//! order) and S3 (key order) both page through. A page costs its own rows however large the
//! folder is: the cursor is a bound on the order, not an offset.
//!
//! S3 lists keys in the byte order of their UTF-8, so there a folder sorts as its name with
//! the `/` its keys continue with (`a-c` < `a/1` < `a0`), and PostgreSQL compares in the "C"
//! collation whatever the database's own: [`Order::Key`].

use sea_orm::{
    ColumnTrait, DbBackend, EntityTrait, QueryFilter, QueryOrder, QuerySelect, Select,
    sea_query::{Expr, ExprTrait, LikeExpr, SimpleExpr},
};
use stratus_entity::file;

use super::Db;
use crate::fs::error::FsError;

/// A query of children, for a caller that selects its own columns.
pub type Query = Select<file::Entity>;

/// How a listing orders a folder's children.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Order {
    /// By name, in the database's collation: the order of the (parent, name) index.
    Name,
    /// As S3 keys: a folder's name followed by `/`, compared byte by byte.
    Key,
}

impl Order {
    /// `row`'s place in this order: what a cursor after it holds.
    pub fn cursor(self, row: &file::Model) -> String {
        match self {
            Order::Key if row.r#type == file::kind::FOLDER => format!("{}/", row.name),
            _ => row.name.clone(),
        }
    }
}

/// One page of children.
pub struct Page {
    pub rows: Vec<file::Model>,
    /// The cursor after the last row, when the page was full (more may follow).
    pub next: Option<String>,
}

/// What a listing asks for: built with [`Children::new`] and the methods after it.
#[derive(Debug, Clone)]
pub struct Children<'a> {
    folder: i64,
    order: Order,
    limit: u64,
    from: &'a str,
    inclusive: bool,
    prefix: &'a str,
    symbolic: bool,
}

impl<'a> Children<'a> {
    /// The first `limit` children of `folder` in `order`, saved shares included.
    pub fn new(folder: i64, order: Order, limit: u64) -> Self {
        Self {
            folder,
            order,
            limit,
            from: "",
            inclusive: false,
            prefix: "",
            symbolic: true,
        }
    }

    /// Those after the cursor `after` (all for an empty one).
    pub fn after(self, after: &'a str) -> Self {
        Self {
            from: after,
            inclusive: false,
            ..self
        }
    }

    /// Those from the cursor `from` on, the one at it included.
    pub fn from(self, from: &'a str) -> Self {
        Self {
            from,
            inclusive: true,
            ..self
        }
    }

    /// Only those whose name starts with `prefix` (`%` and `_` are plain characters).
    pub fn prefix(self, prefix: &'a str) -> Self {
        Self { prefix, ..self }
    }

    /// Without saved shares (symbolic entries).
    pub fn without_symbolic(self) -> Self {
        Self {
            symbolic: false,
            ..self
        }
    }

    /// The query, on a database of `backend`.
    pub fn query(&self, backend: DbBackend) -> Query {
        self.build(match self.order {
            Order::Name => name(),
            Order::Key => Expr::cust(sort_key(backend)),
        })
    }

    /// The query, ordered by and resumed on `at`.
    fn build(&self, at: Expr) -> Query {
        let mut query = file::Entity::find()
            .filter(file::Column::ParentId.eq(self.folder))
            .filter(file::Column::DeletedAt.is_null());
        if !self.symbolic {
            query = query.filter(file::Column::IsSymbolic.eq(false));
        }
        if !self.from.is_empty() {
            let bound: SimpleExpr = match self.inclusive {
                true => at.clone().gte(self.from),
                false => at.clone().gt(self.from),
            };
            query = query.filter(bound);
        }
        if !self.prefix.is_empty() {
            query = query.filter(Expr::col(file::Column::Name).like(starts_with(self.prefix)));
        }
        query.order_by_asc(at).limit(self.limit)
    }

    /// Runs the query: a page of rows and the cursor of the next.
    pub async fn page(&self, db: &impl Db) -> Result<Page, FsError> {
        let rows = self.query(db.get_database_backend()).all(db).await?;
        let next = next_cursor(&rows, self.limit, |r| self.order.cursor(r));
        Ok(Page { rows, next })
    }
}

/// The query of the first `limit` children of `folder` named after `after`, in name order
/// (the same on every database), for a caller that selects its own columns.
pub fn by_name(folder: i64, after: &str, limit: u64) -> Query {
    Children::new(folder, Order::Name, limit)
        .after(after)
        .build(name())
}

/// The name column, as the order and the cursor of [`Order::Name`] compare it.
fn name() -> Expr {
    Expr::col((file::Entity, file::Column::Name))
}

/// Where the page after `rows` (read with `limit`) starts; `None` when `rows` was the last.
pub fn next_cursor<T>(rows: &[T], limit: u64, cursor: impl Fn(&T) -> String) -> Option<String> {
    (rows.len() as u64 == limit)
        .then(|| rows.last().map(cursor))
        .flatten()
}

/// Whether `folder` has no live child (a saved share counts as one).
pub async fn is_empty(db: &impl Db, folder: i64) -> Result<bool, FsError> {
    let any: Option<i64> = file::Entity::find()
        .select_only()
        .column(file::Column::Id)
        .filter(file::Column::ParentId.eq(folder))
        .filter(file::Column::DeletedAt.is_null())
        .limit(1)
        .into_tuple()
        .one(db)
        .await?;
    Ok(any.is_none())
}

/// The live folders directly in `folder` (saved shares left out), in name order.
pub async fn subfolders(db: &impl Db, folder: i64) -> Result<Vec<file::Model>, FsError> {
    Ok(file::Entity::find()
        .filter(file::Column::ParentId.eq(folder))
        .filter(file::Column::DeletedAt.is_null())
        .filter(file::Column::Type.eq(file::kind::FOLDER))
        .filter(file::Column::IsSymbolic.eq(false))
        .order_by_asc(file::Column::Name)
        .all(db)
        .await?)
}

/// `value` as a LIKE pattern matching itself at the start of a name.
fn starts_with(value: &str) -> LikeExpr {
    let escaped = value
        .replace('\\', "\\\\")
        .replace('%', "\\%")
        .replace('_', "\\_");
    LikeExpr::new(format!("{escaped}%")).escape('\\')
}

/// A child's [`Order::Key`] place as SQL: its name, with a `/` after a folder's, in byte order.
fn sort_key(backend: DbBackend) -> String {
    let key = format!(
        "CASE WHEN \"files\".\"type\" = {} THEN \"files\".\"name\" || '/' ELSE \"files\".\"name\" END",
        file::kind::FOLDER
    );
    match backend {
        DbBackend::Postgres => format!("({key}) COLLATE \"C\""),
        // SQLite's default collation compares bytes.
        _ => key,
    }
}

#[cfg(test)]
#[path = "children_tests.rs"]
mod tests;
