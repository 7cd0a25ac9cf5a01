//! File shapes of the API (spec §2.11): `FileResponse`, `ListResponse` and their parts.

use std::collections::HashMap;

use chrono::{DateTime, Utc};
use poem_openapi::Object;
use serde_json::Value;

/// A file or folder as the caller sees it.
#[derive(Debug, Clone, Object)]
#[oai(skip_serializing_if_is_none)]
pub struct FileResponse {
    /// 0 file, 1 folder.
    #[oai(rename = "type")]
    pub kind: i16,
    /// File hashid.
    pub id: String,
    /// Display name; trashed items show their original name.
    pub name: String,
    pub created_at: DateTime<Utc>,
    pub updated_at: DateTime<Utc>,
    pub size: i64,
    /// Public metadata. An item of the trash's listing carries `sys:restore_uri` (where it
    /// was), `sys:expected_collect_time` (unix seconds after which it is purged) and
    /// `sys:deleted_by` (the public id of the user who trashed it: the owner, or someone the
    /// owner shared a folder with for editing).
    pub metadata: HashMap<String, String>,
    /// The file's URI as seen by the caller.
    pub path: String,
    /// True when the object has share links.
    pub shared: Option<bool>,
    /// True when the owner shared it with people (Stratus extension; owner only).
    pub granted: Option<bool>,
    /// What the caller may do (boolset, base64).
    pub capability: Option<String>,
    /// True when the caller owns it.
    pub owned: Option<bool>,
    /// Entity hashid of the current version.
    pub primary_entity: Option<String>,
    /// Folder totals (with `folder_summary=true`).
    pub folder_summary: Option<FolderSummary>,
    /// Storage details (with `extended=true`).
    pub extended_info: Option<ExtendedInfo>,
}

/// Totals of a folder's subtree.
#[derive(Debug, Clone, Object)]
pub struct FolderSummary {
    pub size: i64,
    pub files: i64,
    pub folders: i64,
    /// False when the walk stopped at the limit.
    pub completed: bool,
    pub calculated_at: DateTime<Utc>,
}

/// Where and how a file is stored.
#[derive(Debug, Clone, Object)]
#[oai(skip_serializing_if_is_none)]
pub struct ExtendedInfo {
    pub storage_policy: Option<PolicySummary>,
    /// Bytes used by all versions.
    pub storage_used: i64,
    /// Versions and other blobs of the file.
    pub entities: Option<Vec<EntityResponse>>,
    /// The folder's explorer view (owner only).
    pub view: Option<Value>,
    /// The file's direct links (owner only; absent when none).
    pub direct_links: Option<Vec<DirectLinkInfo>>,
}

/// One direct link of a file.
#[derive(Debug, Clone, Object)]
pub struct DirectLinkInfo {
    /// SourceLink hashid (for `DELETE /file/source/:id`).
    pub id: String,
    /// `<primary site URL>/f/<id>/<escaped name>`.
    pub url: String,
    /// Times the link was followed.
    pub downloaded: i64,
    pub created_at: DateTime<Utc>,
}

/// One blob of a file.
#[derive(Debug, Clone, Object)]
#[oai(skip_serializing_if_is_none)]
pub struct EntityResponse {
    /// Entity hashid.
    pub id: String,
    pub size: i64,
    /// 0 version, 1 thumbnail, 2 live photo.
    #[oai(rename = "type")]
    pub kind: i16,
    pub created_at: DateTime<Utc>,
    pub storage_policy: Option<PolicySummary>,
    /// Who made this version: its name and picture only.
    pub created_by: Option<super::user::User>,
}

/// A storage policy as clients see it.
#[derive(Debug, Clone, Object)]
#[oai(skip_serializing_if_is_none)]
pub struct PolicySummary {
    /// Policy hashid.
    pub id: String,
    pub name: String,
    #[oai(rename = "type")]
    pub kind: String,
    /// Largest file in bytes, 0 = no limit.
    pub max_size: i64,
    /// Extensions allowed (absent when the policy has no list or a deny list).
    pub allowed_suffix: Option<Vec<String>>,
    /// Extensions refused (when the policy's list is a deny list).
    pub denied_suffix: Option<Vec<String>>,
    /// File-name regular expression that names must match.
    pub allowed_name_regexp: Option<String>,
    /// File-name regular expression that names must not match.
    pub denied_name_regexp: Option<String>,
    pub relay: Option<bool>,
    /// How many chunks the client may send at once; absent = 1.
    pub chunk_concurrency: Option<i64>,
}

/// Paging state of a listing.
#[derive(Debug, Clone, Object)]
#[oai(skip_serializing_if_is_none)]
pub struct Pagination {
    pub page: i64,
    pub page_size: i64,
    pub total_items: Option<i64>,
    /// Opaque token of the next page; absent on the last page.
    pub next_token: Option<String>,
    pub is_cursor: Option<bool>,
}

/// What the listed folder allows.
#[derive(Debug, Clone, Object)]
pub struct ListProps {
    pub capability: String,
    pub max_page_size: i64,
    /// What the listing can be ordered by: null in a search of `my` or a share, only
    /// `created_at` in a search of the trash or `shared_with_me` (as Cloudreve).
    pub order_by_options: Option<Vec<String>>,
    /// null in a search of `my` or a share.
    pub order_direction_options: Option<Vec<String>>,
}

/// `GET /file`
#[derive(Debug, Clone, Object)]
#[oai(skip_serializing_if_is_none)]
pub struct ListResponse {
    pub files: Vec<FileResponse>,
    pub parent: FileResponse,
    pub pagination: Pagination,
    pub props: ListProps,
    pub context_hint: Option<String>,
    pub recursion_limit_reached: Option<bool>,
    /// True when the page holds both files and folders.
    pub mixed_type: bool,
    pub single_file_view: Option<bool>,
    pub storage_policy: Option<PolicySummary>,
    /// The explorer view in force: the nearest ancestor's stored view, or the default.
    pub view: Option<ExplorerView>,
}

/// How the web client shows a folder (`PATCH /file/view`, echoed by `GET /file`).
#[derive(Debug, Clone, PartialEq, Object)]
#[oai(skip_serializing_if_is_none)]
pub struct ExplorerView {
    /// Items per page, at least 50 and at most `max_page_size`.
    pub page_size: i64,
    /// `name`, `size`, `updated_at` or `created_at`.
    pub order: Option<String>,
    /// `asc` or `desc`.
    pub order_direction: Option<String>,
    /// `list`, `grid` or `gallery`.
    pub view: Option<String>,
    /// Show thumbnails.
    pub thumbnail: Option<bool>,
    /// Width of gallery tiles, 50 to 500.
    pub gallery_width: Option<i64>,
    /// Columns of the list view.
    pub columns: Option<Vec<ExplorerColumn>>,
}

/// One column of the list view.
#[derive(Debug, Clone, PartialEq, Object)]
#[oai(skip_serializing_if_is_none)]
pub struct ExplorerColumn {
    /// Column kind (the web client's numbering).
    #[oai(rename = "type")]
    pub kind: i64,
    /// Width in pixels.
    pub width: Option<i64>,
    pub props: Option<ExplorerColumnProps>,
}

/// Options of a list-view column.
#[derive(Debug, Clone, PartialEq, Object)]
#[oai(skip_serializing_if_is_none)]
pub struct ExplorerColumnProps {
    /// The metadata key a metadata column shows.
    pub metadata_key: Option<String>,
    /// The custom property a custom-property column shows (its id).
    pub custom_props_id: Option<String>,
}

/// `GET /file/archive`: the entries of an archive.
#[derive(Debug, Clone, Object)]
pub struct ArchiveListResponse {
    pub files: Vec<ArchivedFile>,
}

/// One entry of an archive.
#[derive(Debug, Clone, Object)]
pub struct ArchivedFile {
    /// The entry's path inside the archive, as stored.
    pub name: String,
    /// Uncompressed size in bytes.
    pub size: i64,
    /// When the entry was last changed, when the archive says.
    pub updated_at: Option<DateTime<Utc>>,
    pub is_directory: bool,
}
