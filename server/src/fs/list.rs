//! Listing a folder (`GET /file`), searching below it, explorer views and pins.
//!
//! # Order and pagination
//!
//! Folders come first, then files; each group is ordered by the key (`name`, `size`,
//! `updated_at` or `created_at`) in the requested direction, ties broken by `id` in the same
//! direction. Each group is one range of the indexes `(parent_id, type, <key>, id)`, so a page
//! is read as one statement made of one index range scan per group (`UNION ALL` of two
//! `ORDER BY … LIMIT n+1` branches, merged by an outer sort of at most `2(n+1)` rows).
//!
//! With cursor pagination (setting `use_cursor_pagination`, default on; always for searches)
//! the next page continues strictly after the last row of the previous one:
//! `key >= k AND (key > k OR id > i)` (mirrored for `desc`) — the first term lets both SQLite
//! and PostgreSQL seek into the index, the second drops the rows up to the cursor. No
//! `OFFSET`, so a late page costs what the first one does. The cursor ([`Cursor`]) is
//! `base64url(JSON {t, k, i}) "." base64url(HMAC-SHA256[..16])`, keyed with the site
//! `secret_key` and bound to the folder, filesystem, order and search query it was made for:
//! a token that was tampered with or used elsewhere is refused with 40001.
//!
//! With offset pagination (`use_cursor_pagination` off) `page` × `page_size` rows are
//! skipped with `OFFSET` and `total_items` is counted.
//!
//! # Search
//!
//! A URI with a query part is a search ([`SearchQuery`]) of the folder and every folder below
//! it: the folder ids are collected breadth-first, one statement per level (at most setting
//! `max_recursive_searched_folder` folders; `recursion_limit_reached` tells when the walk
//! stopped early), then the rows whose parent is one of them are filtered with
//! `parent_id IN (…)`, in chunks whose pages are merged. Names are compared byte-wise during a
//! search (`COLLATE "C"` on PostgreSQL, SQLite's default), so the merge of chunks agrees with
//! the database. Each result's path is built from the folder URIs of the walk.

use std::{
    cmp::Ordering,
    collections::{HashMap, HashSet},
    fmt::Write as _,
};

use base64::{Engine as _, engine::general_purpose::URL_SAFE_NO_PAD};
use chrono::{DateTime, SecondsFormat, Utc};
use hmac::{Hmac, Mac};
use poem_openapi::types::{ParseFromJSON, ToJSON};
use sea_orm::{
    ActiveModelTrait, ActiveValue::Set, ColumnTrait, ConnectionTrait, DbBackend, EntityTrait,
    QueryFilter, QuerySelect, Statement, sea_query::Expr,
};
use serde::{Deserialize, Serialize};
use serde_json::{Map, Value};
use sha2::Sha256;
use stratus_entity::{file, storage_policy, user};

use super::{
    error::FsError,
    info, nav,
    nav::{FsCtx, Node},
    present::{self, Item},
    search::{FileKindFilter, SearchQuery},
    tx,
    uri::{FileUri, FsKind},
};
use crate::{
    api::dto::file::{
        ExplorerColumn, ExplorerView, FileResponse, ListProps, ListResponse, Pagination,
    },
    boolset::fs_cap,
    db,
    ids::IdKind,
};

/// Keys a listing can be ordered by.
pub const ORDER_BY_OPTIONS: [&str; 4] = ["name", "size", "updated_at", "created_at"];
/// Directions of a listing.
pub const ORDER_DIRECTION_OPTIONS: [&str; 2] = ["asc", "desc"];
/// Page size when neither the request nor a view gives one.
pub const DEFAULT_PAGE_SIZE: i64 = 100;
/// Default of the `max_page_size` setting.
pub const DEFAULT_MAX_PAGE_SIZE: i64 = 2000;
/// Default of the `max_recursive_searched_folder` setting.
pub const DEFAULT_MAX_SEARCHED_FOLDERS: i64 = 65535;
/// Smallest page size a stored view may have.
pub const MIN_VIEW_PAGE_SIZE: i64 = 50;
/// Most pins a user may have.
pub const MAX_PINS: usize = 100;
/// Longest pin name, in characters.
pub const MAX_PIN_NAME_CHARS: usize = 255;
/// Most columns a view may have.
pub const MAX_VIEW_COLUMNS: usize = 64;
/// Folder ids per `parent_id IN (…)` statement.
const CHUNK: usize = 500;
/// Longest next-page token accepted.
const MAX_TOKEN_LEN: usize = 2048;
/// Deepest ancestor walk when looking for a view outside `my`.
const MAX_VIEW_WALK: usize = 256;
/// Key of the views of the trash and shared-with-me roots in the user's settings.
const FS_VIEW_MAP: &str = "fs_view_map";
/// Key of the pins in the user's settings.
const PINS: &str = "pined";

/// What the caller asked for (`GET /file` query).
#[derive(Debug, Clone, Default)]
pub struct ListRequest {
    pub uri: String,
    pub page: Option<i64>,
    pub page_size: Option<i64>,
    pub order_by: Option<String>,
    pub order_direction: Option<String>,
    pub next_page_token: Option<String>,
}

/// The key a listing is ordered by.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum OrderKey {
    Name,
    Size,
    UpdatedAt,
    CreatedAt,
}

impl OrderKey {
    pub fn parse(s: &str) -> Option<OrderKey> {
        match s {
            "name" => Some(OrderKey::Name),
            "size" => Some(OrderKey::Size),
            "updated_at" => Some(OrderKey::UpdatedAt),
            "created_at" => Some(OrderKey::CreatedAt),
            _ => None,
        }
    }

    pub fn as_str(self) -> &'static str {
        match self {
            OrderKey::Name => "name",
            OrderKey::Size => "size",
            OrderKey::UpdatedAt => "updated_at",
            OrderKey::CreatedAt => "created_at",
        }
    }

    fn value_of(self, f: &file::Model) -> KeyValue {
        match self {
            OrderKey::Name => KeyValue::Text(f.name.clone()),
            OrderKey::Size => KeyValue::Int(f.size),
            OrderKey::UpdatedAt => KeyValue::Time(f.updated_at),
            OrderKey::CreatedAt => KeyValue::Time(f.created_at),
        }
    }
}

/// The direction of a listing.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Direction {
    Asc,
    Desc,
}

impl Direction {
    pub fn parse(s: &str) -> Option<Direction> {
        match s {
            "asc" => Some(Direction::Asc),
            "desc" => Some(Direction::Desc),
            _ => None,
        }
    }

    pub fn as_str(self) -> &'static str {
        match self {
            Direction::Asc => "asc",
            Direction::Desc => "desc",
        }
    }

    fn sql(self) -> &'static str {
        match self {
            Direction::Asc => "ASC",
            Direction::Desc => "DESC",
        }
    }

    /// `(strictly after, at or after)` comparison operators.
    fn ops(self) -> (&'static str, &'static str) {
        match self {
            Direction::Asc => (">", ">="),
            Direction::Desc => ("<", "<="),
        }
    }

    fn apply(self, ord: Ordering) -> Ordering {
        match self {
            Direction::Asc => ord,
            Direction::Desc => ord.reverse(),
        }
    }
}

/// A value of the order key.
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord)]
enum KeyValue {
    Text(String),
    Int(i64),
    Time(DateTime<Utc>),
}

impl KeyValue {
    fn to_db(&self) -> sea_orm::Value {
        match self {
            KeyValue::Text(s) => s.clone().into(),
            KeyValue::Int(i) => (*i).into(),
            KeyValue::Time(t) => (*t).into(),
        }
    }

    fn to_json(&self) -> Value {
        match self {
            KeyValue::Text(s) => Value::String(s.clone()),
            KeyValue::Int(i) => Value::from(*i),
            KeyValue::Time(t) => Value::String(t.to_rfc3339_opts(SecondsFormat::AutoSi, true)),
        }
    }

    fn from_json(key: OrderKey, v: &Value) -> Option<KeyValue> {
        match key {
            OrderKey::Name => v.as_str().map(|s| KeyValue::Text(s.to_owned())),
            OrderKey::Size => v.as_i64().map(KeyValue::Int),
            OrderKey::UpdatedAt | OrderKey::CreatedAt => v
                .as_str()
                .and_then(|s| DateTime::parse_from_rfc3339(s).ok())
                .map(|t| KeyValue::Time(t.with_timezone(&Utc))),
        }
    }
}

/// Where a page continues: after the row of type `t`, key value `k` and file hashid `i`.
#[derive(Debug, Clone, Serialize, Deserialize)]
struct CursorBody {
    t: i16,
    k: Value,
    i: String,
}

/// A decoded, verified cursor.
#[derive(Debug, Clone)]
struct Cursor {
    kind: i16,
    key: KeyValue,
    id: i64,
}

type HmacSha256 = Hmac<Sha256>;

fn cursor_mac(secret: &str, scope: &str, body: &[u8]) -> HmacSha256 {
    let mut mac = HmacSha256::new_from_slice(secret.as_bytes()).expect("HMAC takes any key length");
    mac.update(b"stratus-list-cursor\0");
    mac.update(scope.as_bytes());
    mac.update(b"\0");
    mac.update(body);
    mac
}

fn bad_token() -> FsError {
    FsError::Invalid("next_page_token is invalid".into())
}

impl Cursor {
    fn encode(&self, ctx: &ListCtx<'_>) -> String {
        let body = CursorBody {
            t: self.kind,
            k: self.key.to_json(),
            i: ctx.fs.state.ids.encode(self.id, IdKind::File),
        };
        let json = serde_json::to_vec(&body).expect("cursor serializes");
        let tag = cursor_mac(&ctx.secret, &ctx.scope, &json).finalize().into_bytes();
        format!(
            "{}.{}",
            URL_SAFE_NO_PAD.encode(&json),
            URL_SAFE_NO_PAD.encode(&tag[..16])
        )
    }

    fn decode(ctx: &ListCtx<'_>, token: &str) -> Result<Cursor, FsError> {
        if token.len() > MAX_TOKEN_LEN {
            return Err(bad_token());
        }
        let (body, tag) = token.split_once('.').ok_or_else(bad_token)?;
        let json = URL_SAFE_NO_PAD.decode(body).map_err(|_| bad_token())?;
        let tag = URL_SAFE_NO_PAD.decode(tag).map_err(|_| bad_token())?;
        if tag.len() != 16 {
            return Err(bad_token());
        }
        cursor_mac(&ctx.secret, &ctx.scope, &json)
            .verify_truncated_left(&tag)
            .map_err(|_| bad_token())?;
        let body: CursorBody = serde_json::from_slice(&json).map_err(|_| bad_token())?;
        if body.t != file::kind::FILE && body.t != file::kind::FOLDER {
            return Err(bad_token());
        }
        let key = KeyValue::from_json(ctx.order, &body.k).ok_or_else(bad_token)?;
        let id = ctx
            .fs
            .state
            .ids
            .decode(&body.i, IdKind::File)
            .map_err(|_| bad_token())?;
        Ok(Cursor {
            kind: body.t,
            key,
            id,
        })
    }

    fn after(f: &file::Model, order: OrderKey) -> Cursor {
        Cursor {
            kind: f.r#type,
            key: order.value_of(f),
            id: f.id,
        }
    }
}

/// A statement under construction, with placeholders of the connection's dialect.
struct Sql {
    backend: DbBackend,
    text: String,
    values: Vec<sea_orm::Value>,
}

impl Sql {
    fn new(backend: DbBackend) -> Self {
        Self {
            backend,
            text: String::with_capacity(256),
            values: Vec::new(),
        }
    }

    fn push(&mut self, s: &str) -> &mut Self {
        self.text.push_str(s);
        self
    }

    fn bind(&mut self, v: impl Into<sea_orm::Value>) -> &mut Self {
        self.values.push(v.into());
        if self.backend == DbBackend::Postgres {
            let _ = write!(self.text, "${}", self.values.len());
        } else {
            self.text.push('?');
        }
        self
    }

    fn statement(self) -> Statement {
        Statement::from_sql_and_values(self.backend, self.text, self.values)
    }
}

/// Which rows are listed.
#[derive(Debug, Clone)]
enum Scope {
    /// Children of these folders.
    Parents(Vec<i64>),
    /// The owner's trashed items (detached rows with a name).
    Trash(i64),
    /// The owner's saved shares (symbolic rows still in the tree).
    SharedWithMe(i64),
}

/// Everything the statements of one listing share.
struct ListCtx<'a> {
    fs: &'a FsCtx<'a>,
    backend: DbBackend,
    order: OrderKey,
    dir: Direction,
    search: Option<&'a SearchQuery>,
    /// HMAC key of cursors.
    secret: String,
    /// What a cursor is bound to.
    scope: String,
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

    /// `WHERE` conditions of the scope and the search (without the keyword).
    fn write_filter(&self, sql: &mut Sql, scope: &Scope) {
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
            Scope::SharedWithMe(owner) => {
                sql.push("\"owner_id\" = ")
                    .bind(*owner)
                    .push(" AND \"is_symbolic\" = ")
                    .bind(true)
                    .push(" AND \"parent_id\" IS NOT NULL");
            }
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
        self.write_filter(sql, scope);
        sql.push(" AND \"type\" = ").bind(kind);
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
        let _ = write!(sql.text, " ORDER BY {} LIMIT {limit}", self.order_sql(false));
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
    async fn page(
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
        self.write_filter(&mut sql, scope);
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
    async fn offset_page(
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
    fn compare(&self, a: &file::Model, b: &file::Model) -> Ordering {
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

/// Appends the search conditions.
fn write_search(sql: &mut Sql, q: &SearchQuery) {
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
            '\\' => match chars.next() {
                Some(next) => next,
                None => '\\',
            },
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

/// A resolved URI, with the folders from the root down to it when the path was walked here.
struct Located {
    node: Node,
    /// `my` only: the root, …, the node itself.
    chain: Vec<file::Model>,
}

/// Resolves `uri`. For `my` the path is walked here (with the same rules as
/// [`nav::resolve`]) to keep every ancestor for the view lookup.
async fn locate(ctx: &FsCtx<'_>, uri: &FileUri) -> Result<Located, FsError> {
    if uri.fs != FsKind::My {
        return Ok(Located {
            node: nav::resolve(ctx, uri).await?,
            chain: Vec::new(),
        });
    }
    let owner = nav::owner_of(ctx, uri)?;
    let db = &ctx.state.db;
    let mut chain = vec![nav::root(ctx.state, owner).await?];
    for name in uri.segments() {
        let current = chain.last().expect("the chain starts with the root");
        if current.r#type != file::kind::FOLDER || current.is_symbolic {
            return Err(FsError::NotFound);
        }
        let next = nav::child(db, current.id, name)
            .await?
            .ok_or(FsError::NotFound)?;
        chain.push(next);
    }
    let file = chain.last().cloned().expect("the chain starts with the root");
    Ok(Located {
        node: Node {
            uri: uri.without_query(),
            owned: file.owner_id == owner,
            file,
            capability: nav::capability(uri.fs),
        },
        chain,
    })
}

/// Whether `uri` is the virtual root of the trash or of shared-with-me.
fn is_virtual_root(uri: &FileUri) -> bool {
    uri.is_root() && matches!(uri.fs, FsKind::Trash | FsKind::SharedWithMe)
}

/// Lists (or searches) a folder.
pub async fn list(ctx: &FsCtx<'_>, req: &ListRequest) -> Result<ListResponse, FsError> {
    let state = ctx.state;
    let me = ctx.user()?;
    let uri = FileUri::parse(&req.uri)?;
    let search = SearchQuery::from_uri(&uri)?;
    let settings = state.settings.all().await?;
    let setting_int = |key: &str, default: i64| {
        settings
            .get(key)
            .and_then(|v| v.trim().parse::<i64>().ok())
            .unwrap_or(default)
    };
    let search = match search {
        Some(q) if q.category.is_some() => {
            let key = q.category.expect("checked").setting_key();
            let expanded =
                q.expand_category(settings.get(key).map(String::as_str).unwrap_or_default())?;
            Some(expanded)
        }
        other => other,
    };

    let located = locate(ctx, &uri).await?;
    let node = &located.node;
    node.require(fs_cap::LIST_CHILDREN)?;
    if !node.is_folder() || node.file.is_symbolic {
        return Err(FsError::Invalid(
            "the URI is a file, not a folder: list its parent".into(),
        ));
    }

    // Page size, order and direction: the request's, else the view's, else the defaults.
    let view = effective_view(ctx, &located).await?;
    let max_page_size = setting_int("max_page_size", DEFAULT_MAX_PAGE_SIZE).max(1);
    let page_size = match req.page_size {
        Some(n) if n < 1 => return Err(FsError::Invalid("page_size must be at least 1".into())),
        Some(n) => n,
        None => view.page_size,
    }
    .clamp(1, max_page_size);
    let order = match req.order_by.as_deref() {
        Some(s) => OrderKey::parse(s).ok_or_else(|| {
            FsError::Invalid(format!(
                "order_by must be one of {}",
                ORDER_BY_OPTIONS.join(", ")
            ))
        })?,
        None => view
            .order
            .as_deref()
            .and_then(OrderKey::parse)
            .unwrap_or(OrderKey::Name),
    };
    let dir = match req.order_direction.as_deref() {
        Some(s) => Direction::parse(s)
            .ok_or_else(|| FsError::Invalid("order_direction must be asc or desc".into()))?,
        None => view
            .order_direction
            .as_deref()
            .and_then(Direction::parse)
            .unwrap_or(Direction::Asc),
    };
    let page = req.page.unwrap_or(0);
    if page < 0 {
        return Err(FsError::Invalid("page must be 0 or more".into()));
    }
    let use_cursor = search.is_some()
        || settings
            .get("use_cursor_pagination")
            .is_none_or(|v| crate::settings::parse_bool(v));

    let scope_text = format!(
        "{}|{}|{}|{}|{}|{}",
        uri.fs,
        node.file.id,
        if is_virtual_root(&uri) { "root" } else { "" },
        order.as_str(),
        dir.as_str(),
        uri.query.as_deref().unwrap_or_default(),
    );
    let lctx = ListCtx {
        fs: ctx,
        backend: state.db.get_database_backend(),
        order,
        dir,
        search: search.as_ref(),
        secret: settings.get("secret_key").cloned().unwrap_or_default(),
        scope: scope_text,
    };

    // Which rows, and the URI each is addressed by.
    let mut folder_uris: HashMap<i64, FileUri> = HashMap::new();
    let mut recursion_limit_reached = false;
    let scopes: Vec<Scope> = match uri.fs {
        FsKind::Trash if uri.is_root() => vec![Scope::Trash(me.user.id)],
        FsKind::SharedWithMe if uri.is_root() => vec![Scope::SharedWithMe(me.user.id)],
        _ => {
            if search.is_some() {
                let limit = setting_int(
                    "max_recursive_searched_folder",
                    DEFAULT_MAX_SEARCHED_FOLDERS,
                )
                .max(1) as usize;
                let (uris, complete) = walk_folders(&state.db, node, limit).await?;
                recursion_limit_reached = !complete;
                folder_uris = uris;
            } else {
                folder_uris.insert(node.file.id, node.uri.clone());
            }
            let mut ids: Vec<i64> = folder_uris.keys().copied().collect();
            ids.sort_unstable();
            ids.chunks(CHUNK)
                .map(|c| Scope::Parents(c.to_vec()))
                .collect()
        }
    };

    let n = page_size as u64;
    let (rows, next_token, total_items) = if use_cursor {
        let after = req
            .next_page_token
            .as_deref()
            .filter(|t| !t.is_empty())
            .map(|t| Cursor::decode(&lctx, t))
            .transpose()?;
        let mut rows = Vec::new();
        for scope in &scopes {
            rows.extend(lctx.page(scope, after.as_ref(), n + 1).await?);
        }
        if scopes.len() > 1 {
            rows.sort_by(|a, b| lctx.compare(a, b));
        }
        let more = rows.len() as u64 > n;
        rows.truncate(n as usize);
        let next = more
            .then(|| rows.last().map(|last| Cursor::after(last, order).encode(&lctx)))
            .flatten();
        (rows, next, None)
    } else {
        let start = (page as u64)
            .checked_mul(n)
            .ok_or_else(|| FsError::Invalid("page is too large".into()))?;
        let scope = scopes.first().ok_or(FsError::NotFound)?;
        let (rows, total) = lctx.offset_page(scope, start, n).await?;
        (rows, None, Some(total))
    };

    // Present the folder and the page together: two batched queries.
    let fs_root = FileUri::root(uri.fs, None);
    let mut items = Vec::with_capacity(rows.len() + 1);
    items.push(Item {
        file: &node.file,
        uri: node.uri.clone(),
    });
    for row in &rows {
        let item_uri = match (&scopes.first(), row.parent_id) {
            (Some(Scope::Trash(_)), _) => fs_root.join(&row.name)?,
            (Some(Scope::SharedWithMe(_)), _) => {
                fs_root.join(&state.ids.encode(row.id, IdKind::File))?
            }
            (_, Some(parent)) => folder_uris
                .get(&parent)
                .ok_or(FsError::NotFound)?
                .join(&row.name)?,
            (_, None) => return Err(FsError::NotFound),
        };
        items.push(Item {
            file: row,
            uri: item_uri,
        });
    }
    let mut presented =
        present::responses(&state.db, &state.ids, &items, &node.capability, node.owned).await?;
    let parent: FileResponse = presented.remove(0);
    let has_folders = rows.iter().any(|r| r.r#type == file::kind::FOLDER);
    let has_files = rows.iter().any(|r| r.r#type == file::kind::FILE);

    let storage_policy = if uri.fs == FsKind::My {
        match me.group.storage_policy_id {
            Some(id) => storage_policy::Entity::find_by_id(id)
                .one(&state.db)
                .await?
                .filter(|p| p.deleted_at.is_none())
                .map(|p| {
                    let mut summary = info::policy_summary(&state.ids, &p);
                    summary.relay.get_or_insert(false);
                    summary
                }),
            None => None,
        }
    } else {
        None
    };

    Ok(ListResponse {
        files: presented,
        parent,
        pagination: Pagination {
            page,
            page_size,
            total_items,
            next_token,
            is_cursor: use_cursor.then_some(true),
        },
        props: ListProps {
            capability: node.capability.to_base64(),
            max_page_size,
            order_by_options: ORDER_BY_OPTIONS.iter().map(|s| (*s).to_owned()).collect(),
            order_direction_options: ORDER_DIRECTION_OPTIONS
                .iter()
                .map(|s| (*s).to_owned())
                .collect(),
        },
        context_hint: Some(uuid::Uuid::new_v4().to_string()),
        recursion_limit_reached: recursion_limit_reached.then_some(true),
        mixed_type: has_folders && has_files,
        single_file_view: None,
        storage_policy,
        view: Some(view),
    })
}

/// The folder `node` and the folders below it (breadth-first, symbolic entries excluded),
/// each with its URI; at most `limit` folders. The flag is false when the walk stopped early.
async fn walk_folders(
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

// ---------------------------------------------------------------------------------------
// Views
// ---------------------------------------------------------------------------------------

/// The view used when no folder above has one.
pub fn default_view() -> ExplorerView {
    ExplorerView {
        page_size: DEFAULT_PAGE_SIZE,
        order: None,
        order_direction: None,
        view: Some("grid".into()),
        thumbnail: Some(true),
        gallery_width: None,
        columns: None,
    }
}

/// Checks a view sent by a client; `max_page_size` is the site's limit.
pub fn validate_view(view: &ExplorerView, max_page_size: i64) -> Result<(), FsError> {
    let invalid = |msg: String| Err(FsError::Invalid(format!("view: {msg}")));
    if view.page_size < MIN_VIEW_PAGE_SIZE || view.page_size > max_page_size {
        return invalid(format!(
            "page_size must be between {MIN_VIEW_PAGE_SIZE} and {max_page_size}"
        ));
    }
    if let Some(order) = &view.order
        && OrderKey::parse(order).is_none()
    {
        return invalid(format!(
            "order must be one of {}",
            ORDER_BY_OPTIONS.join(", ")
        ));
    }
    if let Some(dir) = &view.order_direction
        && Direction::parse(dir).is_none()
    {
        return invalid("order_direction must be asc or desc".into());
    }
    if let Some(v) = &view.view
        && !matches!(v.as_str(), "list" | "grid" | "gallery")
    {
        return invalid("view must be list, grid or gallery".into());
    }
    if let Some(w) = view.gallery_width
        && !(50..=500).contains(&w)
    {
        return invalid("gallery_width must be between 50 and 500".into());
    }
    if let Some(columns) = &view.columns {
        if columns.len() > MAX_VIEW_COLUMNS {
            return invalid(format!("at most {MAX_VIEW_COLUMNS} columns"));
        }
        for ExplorerColumn { kind, width, props } in columns {
            if !(0..=1000).contains(kind) {
                return invalid("column type must be between 0 and 1000".into());
            }
            if width.is_some_and(|w| !(0..=10_000).contains(&w)) {
                return invalid("column width must be between 0 and 10000".into());
            }
            if props
                .as_ref()
                .and_then(|p| p.metadata_key.as_ref())
                .is_some_and(|k| k.len() > 255)
            {
                return invalid("column metadata_key is too long".into());
            }
        }
    }
    Ok(())
}

/// A view stored in JSON, if it is one.
fn parse_view(value: Option<&Value>) -> Option<ExplorerView> {
    let value = value.filter(|v| v.is_object())?.clone();
    let view = ExplorerView::parse_from_json(Some(value)).ok()?;
    // Stored views were validated against the limit of their time; only the shape matters.
    validate_view(&view, i64::MAX).ok().map(|()| view)
}

fn folder_view(f: &file::Model) -> Option<ExplorerView> {
    parse_view(f.props.as_ref().and_then(|p| p.get("view")))
}

fn user_fs_view(settings: &Value, fs: FsKind) -> Option<ExplorerView> {
    parse_view(settings.get(FS_VIEW_MAP).and_then(|m| m.get(fs.as_str())))
}

/// The view of the listed folder: its own or its nearest ancestor's, else (trash and
/// shared-with-me) the user's view of that filesystem, else the default.
async fn effective_view(ctx: &FsCtx<'_>, located: &Located) -> Result<ExplorerView, FsError> {
    let me = ctx.user()?;
    let node = &located.node;
    if is_virtual_root(&node.uri) {
        return Ok(user_fs_view(&me.user.settings, node.uri.fs).unwrap_or_else(default_view));
    }
    if node.uri.fs == FsKind::My {
        return Ok(located
            .chain
            .iter()
            .rev()
            .find_map(folder_view)
            .unwrap_or_else(default_view));
    }
    // Inside a trashed folder: walk up to the trashed item.
    let mut current = node.file.clone();
    for _ in 0..MAX_VIEW_WALK {
        if let Some(view) = folder_view(&current) {
            return Ok(view);
        }
        let Some(parent) = current.parent_id else {
            break;
        };
        match file::Entity::find_by_id(parent).one(&ctx.state.db).await? {
            Some(p) => current = p,
            None => break,
        }
    }
    Ok(user_fs_view(&me.user.settings, node.uri.fs).unwrap_or_else(default_view))
}

/// Stores (or with `None` removes) the view of the folder at `uri`. The roots of the trash
/// and of shared-with-me keep theirs in the user's settings (`fs_view_map`).
pub async fn set_view(
    ctx: &FsCtx<'_>,
    uri: &str,
    view: Option<ExplorerView>,
) -> Result<(), FsError> {
    let me = ctx.user()?;
    let uri = FileUri::parse(uri)?.without_query();
    if let Some(view) = &view {
        let max = ctx
            .state
            .settings
            .int("max_page_size", DEFAULT_MAX_PAGE_SIZE)
            .await?;
        validate_view(view, max)?;
    }
    let json = view.as_ref().map(ToJSON::to_json).unwrap_or_default();
    if is_virtual_root(&uri) {
        nav::owner_of(ctx, &uri)?;
        let fs = uri.fs.as_str();
        return update_user_settings(&ctx.state.db, me.user.id, |settings| {
            let map = settings
                .entry(FS_VIEW_MAP)
                .or_insert_with(|| Value::Object(Map::new()));
            if !map.is_object() {
                *map = Value::Object(Map::new());
            }
            let map = map.as_object_mut().expect("made an object");
            match json {
                Some(v) => {
                    map.insert(fs.to_owned(), v);
                }
                None => {
                    map.remove(fs);
                }
            }
            Ok(())
        })
        .await;
    }
    let node = nav::resolve(ctx, &uri).await?;
    node.require(fs_cap::MODIFY_PROPS)?;
    if !node.owned {
        return Err(FsError::NoPermission("only the owner can change the view"));
    }
    if !node.is_folder() || node.file.is_symbolic {
        return Err(FsError::Invalid("only folders have a view".into()));
    }
    let txn = tx::begin(&ctx.state.db, node.file.owner_id).await?;
    let fresh = file::Entity::find_by_id(node.file.id)
        .one(&txn)
        .await?
        .filter(|f| f.deleted_at.is_none())
        .ok_or(FsError::NotFound)?;
    let mut props = match fresh.props {
        Some(Value::Object(map)) => map,
        _ => Map::new(),
    };
    match json {
        Some(v) => {
            props.insert("view".into(), v);
        }
        None => {
            props.remove("view");
        }
    }
    let props = (!props.is_empty()).then_some(Value::Object(props));
    // Only `props` changes: a view is not a modification of the folder (`updated_at` stays).
    file::Entity::update_many()
        .col_expr(file::Column::Props, Expr::value(props))
        .filter(file::Column::Id.eq(fresh.id))
        .exec(&txn)
        .await?;
    txn.commit().await?;
    Ok(())
}

/// Applies `change` to the user's settings object in one write transaction, on the row as
/// it is now.
async fn update_user_settings(
    db: &sea_orm::DatabaseConnection,
    user_id: i64,
    change: impl FnOnce(&mut Map<String, Value>) -> Result<(), FsError>,
) -> Result<(), FsError> {
    let txn = db::begin_write(db).await?;
    let fresh = user::Entity::find_by_id(user_id)
        .lock_exclusive()
        .one(&txn)
        .await?
        .filter(|u| u.deleted_at.is_none())
        .ok_or(FsError::NotFound)?;
    let mut settings = match fresh.settings.clone() {
        Value::Object(map) => map,
        _ => Map::new(),
    };
    change(&mut settings)?;
    let mut active: user::ActiveModel = fresh.into();
    active.settings = Set(Value::Object(settings));
    active.update(&txn).await?;
    txn.commit().await?;
    Ok(())
}

// ---------------------------------------------------------------------------------------
// Pins
// ---------------------------------------------------------------------------------------

/// Pins `uri` (any valid file URI, search queries included) to the caller's navigation bar.
/// Pinning a URI again only renames the pin.
pub async fn pin(ctx: &FsCtx<'_>, uri: &str, name: Option<&str>) -> Result<(), FsError> {
    let me = ctx.user()?;
    let canonical = FileUri::parse(uri)?.to_string();
    let name = name.map(str::trim).filter(|n| !n.is_empty());
    if name.is_some_and(|n| n.chars().count() > MAX_PIN_NAME_CHARS) {
        return Err(FsError::Invalid(format!(
            "name: at most {MAX_PIN_NAME_CHARS} characters"
        )));
    }
    update_user_settings(&ctx.state.db, me.user.id, |settings| {
        let mut pins = pins_of(settings);
        if let Some(existing) = pins
            .iter_mut()
            .find(|p| p.get("uri").and_then(Value::as_str) == Some(canonical.as_str()))
        {
            if let Some(name) = name {
                existing.insert("name".into(), Value::String(name.to_owned()));
            }
        } else {
            if pins.len() >= MAX_PINS {
                return Err(FsError::Invalid(format!("at most {MAX_PINS} pins")));
            }
            let mut pin = Map::new();
            pin.insert("uri".into(), Value::String(canonical.clone()));
            if let Some(name) = name {
                pin.insert("name".into(), Value::String(name.to_owned()));
            }
            pins.push(pin);
        }
        settings.insert(
            PINS.into(),
            Value::Array(pins.into_iter().map(Value::Object).collect()),
        );
        Ok(())
    })
    .await
}

/// Removes the pin of `uri`, if there is one.
pub async fn unpin(ctx: &FsCtx<'_>, uri: &str) -> Result<(), FsError> {
    let me = ctx.user()?;
    let mut forms: HashSet<String> = HashSet::from([uri.to_owned()]);
    if let Ok(parsed) = FileUri::parse(uri) {
        forms.insert(parsed.to_string());
    }
    update_user_settings(&ctx.state.db, me.user.id, |settings| {
        let pins: Vec<Value> = pins_of(settings)
            .into_iter()
            .filter(|p| {
                !p.get("uri")
                    .and_then(Value::as_str)
                    .is_some_and(|u| forms.contains(u))
            })
            .map(Value::Object)
            .collect();
        settings.insert(PINS.into(), Value::Array(pins));
        Ok(())
    })
    .await
}

fn pins_of(settings: &Map<String, Value>) -> Vec<Map<String, Value>> {
    settings
        .get(PINS)
        .and_then(Value::as_array)
        .map(|items| {
            items
                .iter()
                .filter_map(|v| v.as_object().cloned())
                .filter(|p| p.get("uri").is_some_and(Value::is_string))
                .collect()
        })
        .unwrap_or_default()
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

    #[test]
    fn views_are_validated() {
        let ok = ExplorerView {
            page_size: 50,
            order: Some("size".into()),
            order_direction: Some("desc".into()),
            view: Some("gallery".into()),
            thumbnail: Some(false),
            gallery_width: Some(500),
            columns: Some(vec![ExplorerColumn {
                kind: 3,
                width: Some(120),
                props: None,
            }]),
        };
        assert!(validate_view(&ok, 2000).is_ok());
        assert!(validate_view(&default_view(), 2000).is_ok());
        for bad in [
            ExplorerView {
                page_size: 49,
                ..ok.clone()
            },
            ExplorerView {
                page_size: 2001,
                ..ok.clone()
            },
            ExplorerView {
                order: Some("owner".into()),
                ..ok.clone()
            },
            ExplorerView {
                order_direction: Some("up".into()),
                ..ok.clone()
            },
            ExplorerView {
                view: Some("table".into()),
                ..ok.clone()
            },
            ExplorerView {
                gallery_width: Some(49),
                ..ok.clone()
            },
            ExplorerView {
                gallery_width: Some(501),
                ..ok.clone()
            },
        ] {
            assert!(validate_view(&bad, 2000).is_err(), "{bad:?}");
        }
    }

    #[test]
    fn stored_views_parse() {
        let stored = serde_json::json!({"page_size": 200, "order": "size", "view": "list"});
        let view = parse_view(Some(&stored)).expect("a view");
        assert_eq!(view.page_size, 200);
        assert_eq!(view.order.as_deref(), Some("size"));
        assert!(parse_view(Some(&serde_json::json!({"page_size": "x"}))).is_none());
        assert!(parse_view(Some(&serde_json::json!("grid"))).is_none());
        assert!(parse_view(None).is_none());
    }

    #[test]
    fn key_values_round_trip() {
        let t = DateTime::parse_from_rfc3339("2025-01-02T03:04:05.123456789Z")
            .unwrap()
            .with_timezone(&Utc);
        for (key, value) in [
            (OrderKey::Name, KeyValue::Text("a b".into())),
            (OrderKey::Size, KeyValue::Int(-3)),
            (OrderKey::UpdatedAt, KeyValue::Time(t)),
            (OrderKey::CreatedAt, KeyValue::Time(t)),
        ] {
            assert_eq!(KeyValue::from_json(key, &value.to_json()), Some(value));
        }
        assert_eq!(KeyValue::from_json(OrderKey::Size, &Value::from("1")), None);
        assert_eq!(
            KeyValue::from_json(OrderKey::UpdatedAt, &Value::from("yesterday")),
            None
        );
    }
}
