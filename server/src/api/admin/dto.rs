//! Shapes of the admin API (spec §14.1): the AdminList request and the rows, which follow
//! Cloudreve's ent JSON (snake_case columns, raw integer ids, relations under `edges`,
//! `*_hash_id` helpers). Passwords, 2FA secrets and storage secret keys are never part of
//! an answer.

use std::collections::HashMap;

use chrono::{DateTime, Utc};
use poem_openapi::Object;
use serde_json::Value;
use stratus_entity::{
    direct_link, entity, event, file, group, metadata, share, storage_policy, user,
};

use crate::{
    admin::{list::ListQuery, users::UserView},
    api::{dto::file::Pagination, envelope::ApiError},
    boolset::Boolset,
    ids::{HashIds, IdKind},
};

/// The AdminList request every admin list takes.
#[derive(Debug, Object)]
#[oai(rename = "AdminListRequest")]
pub struct AdminListRequest {
    /// Page number, from 1.
    #[oai(validator(minimum(value = "1")))]
    pub page: i64,
    /// Rows per page, 1 to 2000.
    #[oai(validator(minimum(value = "1"), maximum(value = "2000")))]
    pub page_size: i64,
    /// Column to sort by; `id` when empty.
    pub order_by: Option<String>,
    /// `asc` (default) or `desc`.
    pub order_direction: Option<String>,
    /// Exact filters; each list names its keys. Empty values are ignored.
    pub conditions: Option<HashMap<String, String>>,
    /// Text filters (contains, case-insensitive); each list names its keys.
    pub searches: Option<HashMap<String, String>>,
}

impl AdminListRequest {
    /// The checked query.
    pub fn query(&self) -> Result<ListQuery, ApiError> {
        Ok(ListQuery::new(
            self.page,
            self.page_size,
            self.order_by.as_deref(),
            self.order_direction.as_deref(),
            self.conditions.clone().unwrap_or_default(),
            self.searches.clone().unwrap_or_default(),
        )?)
    }
}

/// The pagination of an admin list: `page` counts from 0, as Cloudreve answers.
pub fn pagination(q: &ListQuery, total: u64) -> Pagination {
    Pagination {
        page: q.page as i64 - 1,
        page_size: q.page_size as i64,
        total_items: Some(total as i64),
        next_token: None,
        is_cursor: None,
    }
}

/// `POST /admin/*/batch/delete`
#[derive(Debug, Object)]
#[oai(rename = "AdminBatchIds")]
pub struct BatchIds {
    /// Row ids, at least one.
    #[oai(validator(min_items = 1, max_items = 10000))]
    pub ids: Vec<i64>,
    /// Entities only: delete even when files still use them (they are unlinked first).
    pub force: Option<bool>,
}

/// A group (`AdminGroup`).
#[derive(Debug, Clone, Object)]
#[oai(rename = "AdminGroup", skip_serializing_if_is_none)]
pub struct GroupRow {
    pub id: i64,
    pub created_at: DateTime<Utc>,
    pub updated_at: DateTime<Utc>,
    pub name: String,
    /// Quota in bytes.
    pub max_storage: i64,
    /// Download speed limit in bytes per second; 0 = none.
    pub speed_limit: i64,
    /// Permission boolset (base64, spec §4.4).
    pub permissions: String,
    /// Group settings (spec §13).
    pub settings: Value,
    pub storage_policy_id: Option<i64>,
    pub edges: GroupEdges,
    /// Members (only on `GET /admin/group/:id`).
    pub total_users: Option<i64>,
}

/// Relations of a group.
#[derive(Debug, Clone, Default, Object)]
#[oai(rename = "AdminGroupEdges", skip_serializing_if_is_none)]
pub struct GroupEdges {
    /// The storage policy members upload to.
    pub storage_policies: Option<PolicyRow>,
}

impl GroupRow {
    pub fn of(g: &group::Model, policy: Option<&storage_policy::Model>) -> Self {
        Self {
            id: g.id,
            created_at: g.created_at,
            updated_at: g.updated_at,
            name: g.name.clone(),
            max_storage: g.max_storage,
            speed_limit: g.speed_limit,
            permissions: Boolset::from_bytes(g.permissions.clone()).to_base64(),
            settings: g.settings.clone(),
            storage_policy_id: g.storage_policy_id,
            edges: GroupEdges {
                storage_policies: policy.map(|p| PolicyRow::of(p, None)),
            },
            total_users: None,
        }
    }
}

/// A storage policy (`AdminStoragePolicy`); its secret key is never shown.
#[derive(Debug, Clone, Object)]
#[oai(rename = "AdminStoragePolicy", skip_serializing_if_is_none)]
pub struct PolicyRow {
    pub id: i64,
    pub created_at: DateTime<Utc>,
    pub updated_at: DateTime<Utc>,
    pub name: String,
    /// `local` or `s3` (the types Stratus has drivers for).
    pub r#type: String,
    pub server: String,
    pub bucket_name: String,
    pub is_private: bool,
    pub access_key: String,
    /// Bytes; 0 = no limit.
    pub max_size: i64,
    pub dir_name_rule: String,
    pub file_name_rule: String,
    /// Driver settings (spec §8.3).
    pub settings: Value,
    pub node_id: Option<i64>,
    /// Blobs stored with the policy (only on `GET /admin/policy/:id`).
    pub entities_count: Option<i64>,
    /// Their total size in bytes (only on `GET /admin/policy/:id`).
    pub entities_size: Option<i64>,
    pub edges: PolicyEdges,
}

/// Relations of a policy (none are loaded).
#[derive(Debug, Clone, Default, Object)]
#[oai(rename = "AdminStoragePolicyEdges")]
pub struct PolicyEdges {}

impl PolicyRow {
    pub fn of(p: &storage_policy::Model, usage: Option<(u64, i64)>) -> Self {
        Self {
            id: p.id,
            created_at: p.created_at,
            updated_at: p.updated_at,
            name: p.name.clone(),
            r#type: p.r#type.clone(),
            server: p.server.clone(),
            bucket_name: p.bucket_name.clone(),
            is_private: p.is_private,
            access_key: p.access_key.clone(),
            max_size: p.max_size,
            dir_name_rule: p.dir_name_rule.clone(),
            file_name_rule: p.file_name_rule.clone(),
            settings: p.settings.clone(),
            node_id: p.node_id,
            entities_count: usage.map(|u| u.0 as i64),
            entities_size: usage.map(|u| u.1),
            edges: PolicyEdges {},
        }
    }
}

/// A user account (`AdminUser`); the password digest and the 2FA secret are never shown.
#[derive(Debug, Clone, Object)]
#[oai(rename = "AdminUser", skip_serializing_if_is_none)]
pub struct UserRow {
    pub id: i64,
    pub created_at: DateTime<Utc>,
    pub updated_at: DateTime<Utc>,
    pub email: String,
    pub nick: String,
    /// `active`, `inactive`, `manual_banned` or `sys_banned`.
    pub status: String,
    /// Bytes in use.
    pub storage: i64,
    pub avatar: Option<String>,
    pub settings: Value,
    /// The group id.
    pub group_users: i64,
    pub edges: UserEdges,
    /// The user's public id.
    pub hash_id: String,
    /// Whether two-factor authentication is on.
    pub two_fa_enabled: bool,
    pub capacity: Option<CapacityRow>,
    /// Snapshots the account has (the account's detail only).
    pub snapshots: Option<u64>,
    /// Bytes only the account's snapshots keep alive (the account's detail only).
    pub snapshot_bytes: Option<i64>,
}

/// Quota and usage of an account.
#[derive(Debug, Clone, Object)]
#[oai(rename = "AdminCapacity")]
pub struct CapacityRow {
    /// Bytes the group allows.
    pub total: i64,
    /// Bytes in use.
    pub used: i64,
}

/// Relations of a user.
#[derive(Debug, Clone, Default, Object)]
#[oai(rename = "AdminUserEdges", skip_serializing_if_is_none)]
pub struct UserEdges {
    pub group: Option<GroupRow>,
}

impl UserRow {
    pub fn of(ids: &HashIds, view: &UserView) -> Self {
        let mut row = Self::brief(ids, &view.user);
        row.edges.group = view.group.as_ref().map(|g| GroupRow::of(g, None));
        row.capacity = Some(CapacityRow {
            total: view.group.as_ref().map_or(0, |g| g.max_storage),
            used: view.user.storage,
        });
        row
    }

    /// The account alone, without its group.
    pub fn brief(ids: &HashIds, u: &user::Model) -> Self {
        Self {
            id: u.id,
            created_at: u.created_at,
            updated_at: u.updated_at,
            email: u.email.clone(),
            nick: u.nick.clone(),
            status: u.status.clone(),
            storage: u.storage,
            avatar: u.avatar.clone(),
            settings: u.settings.clone(),
            group_users: u.group_id,
            edges: UserEdges::default(),
            hash_id: ids.encode(u.id, IdKind::User),
            two_fa_enabled: u
                .two_factor_secret
                .as_deref()
                .is_some_and(|s| !s.is_empty()),
            capacity: None,
            snapshots: None,
            snapshot_bytes: None,
        }
    }
}

/// A file or folder (`AdminFile`).
#[derive(Debug, Clone, Object)]
#[oai(rename = "AdminFile", skip_serializing_if_is_none)]
pub struct FileRow {
    pub id: i64,
    pub created_at: DateTime<Utc>,
    pub updated_at: DateTime<Utc>,
    /// 0 file, 1 folder.
    pub r#type: i32,
    pub name: String,
    pub owner_id: i64,
    pub size: i64,
    /// The current version's entity id.
    pub primary_entity: Option<i64>,
    /// The parent folder's id; none for roots and trashed items.
    pub file_children: Option<i64>,
    pub is_symbolic: bool,
    pub storage_policy_files: Option<i64>,
    pub edges: FileEdges,
    /// The owner's public id.
    pub user_hash_id: String,
    /// The file's public id.
    pub file_hash_id: String,
    /// Direct link id → its URL path (only on `GET /admin/file/:id`).
    pub direct_link_map: Option<HashMap<String, String>>,
}

/// Relations of a file.
#[derive(Debug, Clone, Default, Object)]
#[oai(rename = "AdminFileEdges", skip_serializing_if_is_none)]
pub struct FileEdges {
    pub owner: Option<UserRow>,
    pub storage_policies: Option<PolicyRow>,
    pub metadata: Option<Vec<MetadataRow>>,
    pub entities: Option<Vec<EntityRow>>,
    pub direct_links: Option<Vec<DirectLinkRow>>,
    pub shares: Option<Vec<ShareRow>>,
}

impl FileRow {
    pub fn of(ids: &HashIds, f: &file::Model) -> Self {
        Self {
            id: f.id,
            created_at: f.created_at,
            updated_at: f.updated_at,
            r#type: f.r#type as i32,
            name: f.name.clone(),
            owner_id: f.owner_id,
            size: f.size,
            primary_entity: f.primary_entity,
            file_children: f.parent_id,
            is_symbolic: f.is_symbolic,
            storage_policy_files: f.storage_policy_id,
            edges: FileEdges::default(),
            user_hash_id: ids.encode(f.owner_id, IdKind::User),
            file_hash_id: ids.encode(f.id, IdKind::File),
            direct_link_map: None,
        }
    }
}

/// A metadata entry of a file.
#[derive(Debug, Clone, Object)]
#[oai(rename = "AdminMetadata")]
pub struct MetadataRow {
    pub id: i64,
    pub created_at: DateTime<Utc>,
    pub updated_at: DateTime<Utc>,
    pub name: String,
    pub value: String,
    pub is_public: bool,
}

impl MetadataRow {
    pub fn of(m: &metadata::Model) -> Self {
        Self {
            id: m.id,
            created_at: m.created_at,
            updated_at: m.updated_at,
            name: m.name.clone(),
            value: m.value.clone(),
            is_public: m.is_public,
        }
    }
}

/// A direct link of a file.
#[derive(Debug, Clone, Object)]
#[oai(rename = "AdminDirectLink")]
pub struct DirectLinkRow {
    pub id: i64,
    pub created_at: DateTime<Utc>,
    pub updated_at: DateTime<Utc>,
    pub name: String,
    pub downloads: i64,
    pub speed: i64,
}

impl DirectLinkRow {
    pub fn of(d: &direct_link::Model) -> Self {
        Self {
            id: d.id,
            created_at: d.created_at,
            updated_at: d.updated_at,
            name: d.name.clone(),
            downloads: d.downloads,
            speed: d.speed,
        }
    }
}

/// An entity, a stored blob (`AdminEntity`).
#[derive(Debug, Clone, Object)]
#[oai(rename = "AdminEntity", skip_serializing_if_is_none)]
pub struct EntityRow {
    pub id: i64,
    pub created_at: DateTime<Utc>,
    pub updated_at: DateTime<Utc>,
    /// 0 version, 1 thumbnail, 2 live photo.
    pub r#type: i32,
    /// The storage key.
    pub source: String,
    pub size: i64,
    pub reference_count: i32,
    pub storage_policy_entities: i64,
    pub created_by: Option<i64>,
    /// Set while the blob is being uploaded.
    pub upload_session_id: Option<String>,
    /// Recycling options, e.g. `{"unlink_only": true}` (Cloudreve 4.10 renamed
    /// `recycle_options` to `props`).
    pub props: Option<serde_json::Value>,
    pub edges: EntityEdges,
    /// The uploader's public id.
    pub user_hash_id: Option<String>,
    /// Owner id → public id, for the owners of `edges.file`.
    pub user_hash_id_map: Option<HashMap<String, String>>,
}

/// Relations of an entity.
#[derive(Debug, Clone, Default, Object)]
#[oai(rename = "AdminEntityEdges", skip_serializing_if_is_none)]
pub struct EntityEdges {
    pub user: Option<UserRow>,
    pub storage_policy: Option<PolicyRow>,
    /// Files linking the entity (only on `GET /admin/entity/:id`).
    pub file: Option<Vec<FileRow>>,
}

impl EntityRow {
    pub fn of(ids: &HashIds, e: &entity::Model) -> Self {
        Self {
            id: e.id,
            created_at: e.created_at,
            updated_at: e.updated_at,
            r#type: e.r#type as i32,
            source: e.source.clone(),
            size: e.size,
            reference_count: e.reference_count,
            storage_policy_entities: e.storage_policy_id,
            created_by: e.created_by,
            upload_session_id: e.upload_session_id.clone(),
            props: e.recycle_options.clone(),
            edges: EntityEdges::default(),
            user_hash_id: e.created_by.map(|u| ids.encode(u, IdKind::User)),
            user_hash_id_map: None,
        }
    }
}

/// A share link (`AdminShare`).
#[derive(Debug, Clone, Object)]
#[oai(rename = "AdminShare", skip_serializing_if_is_none)]
pub struct ShareRow {
    pub id: i64,
    pub created_at: DateTime<Utc>,
    pub updated_at: DateTime<Utc>,
    pub password: Option<String>,
    pub views: i64,
    pub downloads: i64,
    pub expires: Option<DateTime<Utc>>,
    pub remain_downloads: Option<i64>,
    pub edges: ShareEdges,
    /// The owner's public id.
    pub user_hash_id: String,
    /// The link visitors open.
    pub share_link: Option<String>,
}

/// Relations of a share.
#[derive(Debug, Clone, Default, Object)]
#[oai(rename = "AdminShareEdges", skip_serializing_if_is_none)]
pub struct ShareEdges {
    pub user: Option<UserRow>,
    pub file: Option<FileRow>,
}

impl ShareRow {
    pub fn of(ids: &HashIds, s: &share::Model) -> Self {
        Self {
            id: s.id,
            created_at: s.created_at,
            updated_at: s.updated_at,
            password: s.password.clone().filter(|p| !p.is_empty()),
            views: s.views,
            downloads: s.downloads,
            expires: s.expires,
            remain_downloads: s.remain_downloads,
            edges: ShareEdges::default(),
            user_hash_id: ids.encode(s.user_id, IdKind::User),
            share_link: None,
        }
    }
}

/// An audit event (`AdminEvent`, Cloudreve's `AuditLog`).
#[derive(Debug, Clone, Object)]
#[oai(rename = "AdminEvent", skip_serializing_if_is_none)]
pub struct EventRow {
    pub id: i64,
    pub created_at: DateTime<Utc>,
    /// Cloudreve's `AuditLogType` numbering; 60 is an administrator's change.
    pub r#type: i32,
    pub user_id: Option<i64>,
    pub ip: Option<String>,
    pub user_agent: Option<String>,
    pub correlation_id: Option<String>,
    /// What happened; secrets are masked.
    pub content: Option<Value>,
    pub edges: EventEdges,
    /// The user's public id.
    pub user_hash_id: Option<String>,
}

/// Relations of an event.
#[derive(Debug, Clone, Default, Object)]
#[oai(rename = "AdminEventEdges", skip_serializing_if_is_none)]
pub struct EventEdges {
    pub user: Option<UserRow>,
}

impl EventRow {
    pub fn of(ids: &HashIds, e: &event::Model, who: Option<&user::Model>) -> Self {
        Self {
            id: e.id,
            created_at: e.created_at,
            r#type: e.r#type,
            user_id: e.user_id,
            ip: e.ip.clone(),
            user_agent: e.user_agent.clone(),
            correlation_id: e.correlation_id.clone(),
            content: e.content.clone(),
            edges: EventEdges {
                user: who.map(|u| UserRow::brief(ids, u)),
            },
            user_hash_id: e.user_id.map(|u| ids.encode(u, IdKind::User)),
        }
    }
}
