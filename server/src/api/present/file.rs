//! Turning file rows, `GET /file/info` details and listings into `FileResponse`s and
//! `ListResponse`s, and explorer views between their wire and stored shapes.

use sea_orm::ConnectionTrait;
use stratus_entity::{file, storage_policy};

use crate::{
    api::{
        dto::file::{
            EntityResponse, ExplorerColumn, ExplorerColumnProps, ExplorerView, ExtendedInfo,
            FileResponse, FolderSummary, ListProps, ListResponse, Pagination, PolicySummary,
        },
        dto::user::User,
        envelope::ApiError,
    },
    boolset::Boolset,
    fs::{
        info::{FolderTotals, Info, StorageDetails},
        list::{self, Listing},
        shown::{self, Item},
        uri::FileUri,
    },
    ids::{HashIds, IdKind},
    upload::policy::NameRules,
};

/// Presents rows of one filesystem for a caller with `capability`: three queries for the
/// whole page.
pub async fn responses(
    db: &impl ConnectionTrait,
    ids: &HashIds,
    items: &[Item<'_>],
    capability: &Boolset,
    owned: bool,
) -> Result<Vec<FileResponse>, ApiError> {
    let shown = shown::shown(db, items).await?;
    let capability = capability.to_base64();
    Ok(items
        .iter()
        .zip(shown)
        .map(|(item, shown)| {
            let f = item.file;
            FileResponse {
                kind: f.r#type,
                id: ids.encode(f.id, IdKind::File),
                name: shown.name,
                created_at: f.created_at,
                updated_at: f.updated_at,
                size: f.size,
                metadata: shown.metadata,
                path: item.uri.to_string(),
                shared: shown.shared.then_some(true),
                // Who else may open it is the owner's business alone.
                granted: (owned && shown.granted).then_some(true),
                capability: Some(capability.clone()),
                owned: Some(owned),
                primary_entity: f.primary_entity.map(|e| ids.encode(e, IdKind::Entity)),
                folder_summary: None,
                extended_info: None,
            }
        })
        .collect())
}

/// Presents a single row.
pub async fn response(
    db: &impl ConnectionTrait,
    ids: &HashIds,
    file: &file::Model,
    uri: &FileUri,
    capability: &Boolset,
    owned: bool,
) -> Result<FileResponse, ApiError> {
    let item = Item {
        file,
        uri: uri.clone(),
    };
    Ok(
        responses(db, ids, std::slice::from_ref(&item), capability, owned)
            .await?
            .remove(0),
    )
}

/// Adds what `GET /file/info` found to the object's response.
pub fn with_info(ids: &HashIds, mut resp: FileResponse, info: Info) -> FileResponse {
    resp.folder_summary = info.folder_totals.map(folder_summary);
    resp.extended_info = info.storage.map(|s| extended_info(ids, s));
    resp
}

fn folder_summary(t: FolderTotals) -> FolderSummary {
    FolderSummary {
        size: t.size,
        files: t.files,
        folders: t.folders,
        completed: t.completed,
        calculated_at: t.calculated_at,
    }
}

fn extended_info(ids: &HashIds, s: StorageDetails) -> ExtendedInfo {
    ExtendedInfo {
        storage_policy: s.policy.as_ref().map(|p| policy_summary(ids, p)),
        storage_used: s.storage_used,
        entities: s.entities.map(|entities| {
            entities
                .iter()
                .map(|(e, policy)| EntityResponse {
                    id: ids.encode(e.id, IdKind::Entity),
                    size: e.size,
                    kind: e.r#type,
                    created_at: e.created_at,
                    storage_policy: policy.as_ref().map(|p| policy_summary(ids, p)),
                    created_by: e
                        .created_by
                        .and_then(|id| s.creators.iter().find(|u| u.id == id))
                        .map(|u| User::creator(ids, u)),
                })
                .collect()
        }),
        view: s.view,
        direct_links: None,
    }
}

/// A storage policy as clients see it.
pub fn policy_summary(ids: &HashIds, p: &storage_policy::Model) -> PolicySummary {
    let rules = NameRules::of(p);
    let suffixes: Option<Vec<String>> = p
        .settings
        .get("file_type")
        .and_then(|v| v.as_array())
        .map(|a| {
            a.iter()
                .filter_map(|s| s.as_str().map(str::to_owned))
                .collect()
        })
        .filter(|v: &Vec<String>| !v.is_empty());
    let (allowed, denied) = if rules.suffix_deny {
        (None, suffixes)
    } else {
        (suffixes, None)
    };
    let pattern = Some(rules.pattern.clone()).filter(|p| !p.is_empty());
    let (allowed_re, denied_re) = if rules.pattern_deny {
        (None, pattern)
    } else {
        (pattern, None)
    };
    PolicySummary {
        id: ids.encode(p.id, IdKind::Policy),
        name: p.name.clone(),
        kind: p.r#type.clone(),
        max_size: p.max_size,
        allowed_suffix: allowed,
        denied_suffix: denied,
        allowed_name_regexp: allowed_re,
        denied_name_regexp: denied_re,
        relay: if crate::storage::registry::relays_uploads(p) {
            Some(true)
        } else {
            p.settings.get("relay").and_then(|v| v.as_bool())
        },
        chunk_concurrency: p
            .settings
            .get("chunk_concurrency")
            .and_then(|v| v.as_i64())
            .filter(|n| *n > 0),
    }
}

/// Presents a listing: the folder and the page together, in two batched queries.
pub async fn list_response(
    db: &impl ConnectionTrait,
    ids: &HashIds,
    listing: Listing,
) -> Result<ListResponse, ApiError> {
    let node = &listing.folder;
    let mut items = Vec::with_capacity(listing.entries.len() + 1);
    items.push(Item {
        file: &node.file,
        uri: node.uri.clone(),
    });
    for (row, uri) in &listing.entries {
        items.push(Item {
            file: row,
            uri: uri.clone(),
        });
    }
    let mut presented = responses(db, ids, &items, &node.capability, node.owned).await?;
    let parent = presented.remove(0);
    for (entry, (row, _)) in presented.iter_mut().zip(&listing.entries) {
        if let Some(own) = listing.capabilities.get(&row.id) {
            entry.capability = Some(own.to_base64());
        }
    }
    let kinds = || listing.entries.iter().map(|(row, _)| row.r#type);
    let has_folders = kinds().any(|k| k == file::kind::FOLDER);
    let has_files = kinds().any(|k| k == file::kind::FILE);
    Ok(ListResponse {
        files: presented,
        parent,
        pagination: Pagination {
            page: listing.page,
            page_size: listing.page_size,
            total_items: listing.total_items,
            next_token: listing.next_token,
            is_cursor: listing.use_cursor.then_some(true),
        },
        props: ListProps {
            capability: node.capability.to_base64(),
            max_page_size: listing.max_page_size,
            order_by_options: owned(listing.order_by_options),
            order_direction_options: owned(listing.order_direction_options),
        },
        context_hint: Some(uuid::Uuid::new_v4().to_string()),
        recursion_limit_reached: listing.recursion_limit_reached.then_some(true),
        mixed_type: has_folders && has_files,
        single_file_view: listing.single_file.then_some(true),
        storage_policy: listing.storage_policy.as_ref().map(|p| {
            let mut summary = policy_summary(ids, p);
            summary.relay.get_or_insert(false);
            summary
        }),
        view: Some(listing.view.into()),
    })
}

fn owned(options: Option<&[&str]>) -> Option<Vec<String>> {
    options.map(|o| o.iter().map(|s| (*s).to_owned()).collect())
}

impl From<list::ExplorerView> for ExplorerView {
    fn from(v: list::ExplorerView) -> Self {
        ExplorerView {
            page_size: v.page_size,
            order: v.order,
            order_direction: v.order_direction,
            view: v.view,
            thumbnail: v.thumbnail,
            gallery_width: v.gallery_width,
            columns: v.columns.map(|columns| {
                columns
                    .into_iter()
                    .map(|c| ExplorerColumn {
                        kind: c.kind,
                        width: c.width,
                        props: c.props.map(|p| ExplorerColumnProps {
                            metadata_key: p.metadata_key,
                            custom_props_id: p.custom_props_id,
                        }),
                    })
                    .collect()
            }),
        }
    }
}

/// A view a client sends (`PATCH /file/view`), read into the file system's terms.
impl From<ExplorerView> for list::ExplorerView {
    fn from(v: ExplorerView) -> Self {
        list::ExplorerView {
            page_size: v.page_size,
            order: v.order,
            order_direction: v.order_direction,
            view: v.view,
            thumbnail: v.thumbnail,
            gallery_width: v.gallery_width,
            columns: v.columns.map(|columns| {
                columns
                    .into_iter()
                    .map(|c| list::ExplorerColumn {
                        kind: c.kind,
                        width: c.width,
                        props: c.props.map(|p| list::ExplorerColumnProps {
                            metadata_key: p.metadata_key,
                            custom_props_id: p.custom_props_id,
                        }),
                    })
                    .collect()
            }),
        }
    }
}
