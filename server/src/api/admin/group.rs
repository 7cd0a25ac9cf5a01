//! `/admin/group`: user groups.

use poem::web::Data;
use poem_openapi::{Object, OpenApi, param::Path};
use serde_json::Value;
use stratus_entity::group;

use super::dto::{AdminListRequest, GroupRow, pagination};
use crate::{
    admin::{
        Actor, AdminError,
        groups::{self, GroupInput, GroupView},
    },
    api::{
        ApiTags,
        dto::file::Pagination,
        envelope::{ApiError, ApiResult, done, ok},
        json::ApiJson,
    },
    boolset::Boolset,
    state::AppState,
};

/// A group as sent to create or edit it (ent JSON; counts are ignored). An edit keeps the
/// fields it leaves out.
#[derive(Debug, Object)]
#[oai(rename = "AdminGroupInput")]
pub struct GroupFields {
    /// 0 or absent for a new group; otherwise the id of the path.
    pub id: Option<i64>,
    pub name: String,
    pub max_storage: Option<i64>,
    pub speed_limit: Option<i64>,
    /// Permission boolset (base64, spec §4.4).
    pub permissions: Option<String>,
    /// Group settings object (spec §13).
    pub settings: Option<Value>,
    /// Storage policy for uploads (0: none); also read from `edges.storage_policies.id`.
    pub storage_policy_id: Option<i64>,
    pub edges: Option<Value>,
}

/// `PUT /admin/group[/:id]`
#[derive(Debug, Object)]
#[oai(rename = "AdminUpsertGroup")]
pub struct UpsertGroup {
    pub group: GroupFields,
}

/// `POST /admin/group`
#[derive(Debug, Object)]
#[oai(rename = "AdminGroupList")]
pub struct GroupList {
    pub groups: Vec<GroupRow>,
    pub pagination: Pagination,
}

impl GroupFields {
    /// The input; on an edit, fields left out keep the values of `current`.
    fn input(self, current: Option<&group::Model>) -> Result<GroupInput, ApiError> {
        let permissions = match self.permissions.as_deref() {
            Some(text) if !text.is_empty() => Boolset::from_base64(text)
                .map_err(|e| ApiError::from(AdminError::invalid(format!("permissions: {e}"))))?,
            Some(_) => Boolset::new(),
            None => {
                current.map_or_else(Boolset::new, |g| Boolset::from_bytes(g.permissions.clone()))
            }
        };
        let edge_policy = self
            .edges
            .as_ref()
            .and_then(|e| e.pointer("/storage_policies/id"))
            .and_then(Value::as_i64);
        let policy = match self.storage_policy_id.or(edge_policy) {
            Some(id) => Some(id).filter(|id| *id > 0),
            None => current.and_then(|g| g.storage_policy_id),
        };
        let settings = match self.settings.filter(|s| !s.is_null()) {
            Some(settings) => settings,
            None => {
                current.map_or_else(|| Value::Object(Default::default()), |g| g.settings.clone())
            }
        };
        Ok(GroupInput {
            name: self.name,
            max_storage: self
                .max_storage
                .or(current.map(|g| g.max_storage))
                .unwrap_or(0),
            speed_limit: self
                .speed_limit
                .or(current.map(|g| g.speed_limit))
                .unwrap_or(0),
            permissions,
            settings,
            storage_policy_id: policy,
        })
    }
}

fn row(view: &GroupView) -> GroupRow {
    let mut row = GroupRow::of(&view.group, view.policy.as_ref());
    row.total_users = view.total_users.map(|n| n as i64);
    row
}

pub struct AdminGroupApi;

#[OpenApi(tag = "ApiTags::Admin")]
impl AdminGroupApi {
    /// Lists groups (AdminList; no conditions).
    #[oai(path = "/admin/group", method = "post", operation_id = "list_groups")]
    async fn list_groups(
        &self,
        state: Data<&AppState>,
        _actor: Data<&Actor>,
        body: ApiJson<AdminListRequest>,
    ) -> ApiResult<GroupList> {
        let q = body.query()?;
        let page = groups::list(&state, &q).await?;
        ok(GroupList {
            groups: page.rows.iter().map(row).collect(),
            pagination: pagination(&q, page.total),
        })
    }

    /// A group with its storage policy and `total_users`.
    #[oai(path = "/admin/group/:id", method = "get", operation_id = "get_group")]
    async fn get_group(
        &self,
        state: Data<&AppState>,
        _actor: Data<&Actor>,
        id: Path<i64>,
    ) -> ApiResult<GroupRow> {
        ok(row(&groups::get(&state, id.0).await?))
    }

    /// Creates a group.
    #[oai(path = "/admin/group", method = "put", operation_id = "create_group")]
    async fn create_group(
        &self,
        state: Data<&AppState>,
        actor: Data<&Actor>,
        body: ApiJson<UpsertGroup>,
    ) -> ApiResult<GroupRow> {
        if body.group.id.is_some_and(|id| id != 0) {
            return Err(AdminError::invalid("group.id: must be 0 for a new group").into());
        }
        let input = body.0.group.input(None)?;
        ok(row(&groups::create(&state, &actor, input).await?))
    }

    /// Changes a group: name, quota, speed limit, permissions, settings, storage policy. The
    /// last group with the admin permission keeps it, and so does the caller's own group
    /// (40043).
    #[oai(
        path = "/admin/group/:id",
        method = "put",
        operation_id = "update_group"
    )]
    async fn update_group(
        &self,
        state: Data<&AppState>,
        actor: Data<&Actor>,
        id: Path<i64>,
        body: ApiJson<UpsertGroup>,
    ) -> ApiResult<GroupRow> {
        if body
            .group
            .id
            .is_some_and(|given| given != 0 && given != id.0)
        {
            return Err(AdminError::invalid("group.id: differs from the id in the path").into());
        }
        let current = groups::find(&state, id.0).await?;
        let input = body.0.group.input(Some(&current))?;
        ok(row(&groups::update(&state, &actor, id.0, input).await?))
    }

    /// Deletes a group without members (40041 otherwise). The admin, default and anonymous
    /// groups cannot be deleted (40040).
    #[oai(
        path = "/admin/group/:id",
        method = "delete",
        operation_id = "delete_group"
    )]
    async fn delete_group(
        &self,
        state: Data<&AppState>,
        actor: Data<&Actor>,
        id: Path<i64>,
    ) -> ApiResult<String> {
        groups::delete(&state, &actor, id.0).await?;
        done()
    }
}
