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
//! With cursor pagination (setting `use_cursor_pagination`, default on; always for searches) the
//! next page continues strictly after the last row of the previous one: `key >= k AND (key > k OR
//! id > i)` (mirrored for `desc`) — the first term lets both SQLite and PostgreSQL seek into the
//! index, the second drops the rows up to the cursor. No `OFFSET`, so a late page costs what the
//! first one does. The cursor ([`Cursor`](cursor::Cursor)) is `base64url(JSON {t, k, i}) "."
//! base64url(HMAC-SHA256[..16])`, keyed with the site `secret_key` and bound to the folder,
//! filesystem, order and search query it was made for: a token that was tampered with or used
//! elsewhere is refused with 40001.
//!
//! With offset pagination (`use_cursor_pagination` off) `page` × `page_size` rows are
//! skipped with `OFFSET` and `total_items` is counted.
//!
//! # Search
//!
//! A URI with a query part is a search ([`SearchQuery`](super::search::SearchQuery)) of the folder
//! and every folder below it: the folder ids are collected breadth-first, one statement per level
//! (at most setting `max_recursive_searched_folder` folders; `recursion_limit_reached` tells when
//! the walk stopped early), then the rows whose parent is one of them are filtered with `parent_id
//! IN (…)`, in chunks whose pages are merged. Names are compared byte-wise during a search
//! (`COLLATE "C"` on PostgreSQL, SQLite's default), so the merge of chunks agrees with the
//! database. Each result's path is built from the folder URIs of the walk.
//!
//! # Choices
//!
//! * Only folders are listed: a file URI (or a saved share in `shared_with_me`) answers 40001.
//!   `single_file_view` is left to the share filesystem, which lists a single-file share.
//! * `page_size` above `max_page_size` is lowered to it; below 1 is 40001.
//! * The roots of `trash` and `shared_with_me` are flat lists (trashed items; symbolic rows
//!   still in the tree); a search there filters that list and matches the stored names
//!   (for trashed items the original name followed by a space and a random suffix).
//! * Search results are not streamed (`use_sse_for_search` is ignored).

mod cursor;
mod listing;
mod page;
mod pins;
pub mod rows;
mod search;
mod view;

use std::cmp::Ordering;

use stratus_entity::file;

use self::cursor::KeyValue;
pub use self::{
    listing::{Listing, list},
    pins::{pin, unpin},
    view::{
        ExplorerColumn, ExplorerColumnProps, ExplorerView, default_view, set_view, validate_view,
    },
};

/// Keys a listing can be ordered by.
pub const ORDER_BY_OPTIONS: [&str; 4] = ["name", "size", "updated_at", "created_at"];
/// Directions of a listing.
pub const ORDER_DIRECTION_OPTIONS: [&str; 2] = ["asc", "desc"];
/// What a search in the trash or `shared_with_me` can be ordered by.
const SEARCH_ORDER_BY_OPTIONS: [&str; 1] = ["created_at"];

/// The orders a listing offers (`order_by`, `order_direction`), as Cloudreve's file systems
/// do: all of them outside searches; none in a search of `my` or a share; only creation time
/// in a search of the trash or `shared_with_me`.
pub fn order_options(
    fs: crate::fs::uri::FsKind,
    searching: bool,
) -> (
    Option<&'static [&'static str]>,
    Option<&'static [&'static str]>,
) {
    use crate::fs::uri::FsKind;
    match (searching, fs) {
        (false, _) => (Some(&ORDER_BY_OPTIONS), Some(&ORDER_DIRECTION_OPTIONS)),
        (true, FsKind::Trash | FsKind::SharedWithMe) => (
            Some(&SEARCH_ORDER_BY_OPTIONS),
            Some(&ORDER_DIRECTION_OPTIONS),
        ),
        (true, _) => (None, None),
    }
}
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
