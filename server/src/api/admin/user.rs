//! `/admin/user`: user accounts.

use poem::web::Data;
use poem_openapi::{
    Object, OpenApi,
    param::{Path, Query},
};
use serde_json::Value;
use stratus_entity::user::{self, status};

use super::dto::{AdminListRequest, BatchIds, UserRow, pagination};
use crate::{
    admin::{
        Actor, AdminError, snapshots, user_delete, user_folders,
        users::{self, UserInput},
    },
    api::{
        ApiTags,
        dto::file::Pagination,
        envelope::{ApiError, ApiResult, done, ok},
        json::ApiJson,
    },
    state::AppState,
};

/// A folder of a user's drive.
#[derive(Debug, Object)]
#[oai(rename = "AdminUserFolder")]
pub struct UserFolder {
    pub name: String,
    /// Its address in the user's drive (`cloudreve://my/...`).
    pub uri: String,
}

/// `GET /admin/user/:id/folders`
#[derive(Debug, Object)]
#[oai(rename = "AdminUserFolderList")]
pub struct UserFolderList {
    pub folders: Vec<UserFolder>,
    pub pagination: Pagination,
}

/// An account as sent to create or edit it (ent JSON; other fields are ignored). An edit
/// keeps the nick, group and status it leaves out.
#[derive(Debug, Object)]
#[oai(rename = "AdminUserInput")]
pub struct UserFields {
    /// 0 or absent for a new account; otherwise the id of the path.
    pub id: Option<i64>,
    pub email: String,
    pub nick: Option<String>,
    /// `active` (default for a new account), `inactive`, `manual_banned`, `sys_banned`.
    pub status: Option<String>,
    /// The group id; also read from `edges.group.id`. A new account without one joins the
    /// `default_group`.
    pub group_users: Option<i64>,
    /// `false` turns two-factor authentication off.
    pub two_fa_enabled: Option<bool>,
    pub edges: Option<Value>,
}

/// `PUT /admin/user[/:id]`
#[derive(Debug, Object)]
#[oai(rename = "AdminUpsertUser")]
pub struct UpsertUser {
    pub user: UserFields,
    /// A new password (6 to 128 characters); required for a new account.
    pub password: Option<String>,
    /// Cloudreve's 2FA field: empty or absent. Turn 2FA off with `user.two_fa_enabled: false`.
    pub two_fa: Option<String>,
}

/// `POST /admin/user`
#[derive(Debug, Object)]
#[oai(rename = "AdminUserList")]
pub struct UserList {
    pub users: Vec<UserRow>,
    pub pagination: Pagination,
}

impl UpsertUser {
    /// The input; on an edit, the nick, group and status left out keep the values of
    /// `current`. A new account without a group joins `default_group`.
    fn input(
        self,
        default_group: i64,
        current: Option<&user::Model>,
    ) -> Result<UserInput, ApiError> {
        if self.two_fa.as_deref().is_some_and(|t| !t.is_empty()) {
            return Err(AdminError::invalid(
                "two_fa: an administrator can only turn 2FA off (user.two_fa_enabled: false)",
            )
            .into());
        }
        let u = self.user;
        let edge_group = u
            .edges
            .as_ref()
            .and_then(|e| e.pointer("/group/id"))
            .and_then(Value::as_i64);
        Ok(UserInput {
            email: u.email,
            nick: u
                .nick
                .or_else(|| current.map(|c| c.nick.clone()))
                .unwrap_or_default(),
            group_id: u
                .group_users
                .filter(|g| *g > 0)
                .or(edge_group)
                .or(current.map(|c| c.group_id))
                .unwrap_or(default_group),
            status: u
                .status
                .filter(|s| !s.is_empty())
                .or_else(|| current.map(|c| c.status.clone()))
                .unwrap_or_else(|| status::ACTIVE.to_owned()),
            password: self.password.filter(|p| !p.is_empty()),
            disable_two_fa: u.two_fa_enabled == Some(false),
        })
    }
}

pub struct AdminUserApi;

#[OpenApi(tag = "ApiTags::Admin")]
impl AdminUserApi {
    /// Lists accounts. Conditions: `user_status`, `user_group`, `user_nick`, `user_email`;
    /// searches: `user_nick`, `user_email` (contains, case-insensitive).
    #[oai(path = "/admin/user", method = "post", operation_id = "list_users")]
    async fn list_users(
        &self,
        state: Data<&AppState>,
        _actor: Data<&Actor>,
        body: ApiJson<AdminListRequest>,
    ) -> ApiResult<UserList> {
        let q = body.query()?;
        let page = users::list(&state, &q).await?;
        ok(UserList {
            users: page
                .rows
                .iter()
                .map(|v| UserRow::of(&state.ids, v))
                .collect(),
            pagination: pagination(&q, page.total),
        })
    }

    /// An account with its group and capacity, and its snapshots: how many, and the bytes
    /// only they keep alive.
    #[oai(path = "/admin/user/:id", method = "get", operation_id = "get_user")]
    async fn get_user(
        &self,
        state: Data<&AppState>,
        _actor: Data<&Actor>,
        id: Path<i64>,
    ) -> ApiResult<UserRow> {
        let mut row = UserRow::of(&state.ids, &users::get(&state, id.0).await?);
        let (count, bytes) = snapshots::usage_of(&state, id.0).await?;
        row.snapshots = Some(count);
        row.snapshot_bytes = Some(bytes);
        ok(row)
    }

    /// Creates an account (password hashed with Argon2id).
    #[oai(path = "/admin/user", method = "put", operation_id = "create_user")]
    async fn create_user(
        &self,
        state: Data<&AppState>,
        actor: Data<&Actor>,
        body: ApiJson<UpsertUser>,
    ) -> ApiResult<UserRow> {
        if body.user.id.is_some_and(|id| id != 0) {
            return Err(AdminError::invalid("user.id: must be 0 for a new account").into());
        }
        let default_group = state
            .settings
            .int("default_group", crate::users::USER_GROUP)
            .await?;
        let input = body.0.input(default_group, None)?;
        ok(UserRow::of(
            &state.ids,
            &users::create(&state, &actor, input).await?,
        ))
    }

    /// Changes an account: nick, e-mail, group, status, password, 2FA off. A ban takes
    /// effect on the next request of the account's sessions, WebDAV clients and share
    /// visitors. Nobody can ban or demote themselves or the last administrator (40043).
    #[oai(path = "/admin/user/:id", method = "put", operation_id = "update_user")]
    async fn update_user(
        &self,
        state: Data<&AppState>,
        actor: Data<&Actor>,
        id: Path<i64>,
        body: ApiJson<UpsertUser>,
    ) -> ApiResult<UserRow> {
        if body
            .user
            .id
            .is_some_and(|given| given != 0 && given != id.0)
        {
            return Err(AdminError::invalid("user.id: differs from the id in the path").into());
        }
        let current = users::find(&state, id.0).await?;
        let input = body.0.input(current.group_id, Some(&current))?;
        ok(UserRow::of(
            &state.ids,
            &users::update(&state, &actor, id.0, input).await?,
        ))
    }

    /// Deletes accounts with their files, shares, WebDAV accounts, sessions and tasks; blobs
    /// no other account uses are recycled. Neither one's own account nor the last
    /// administrator can go; such ids are reported under code 40081 and the others deleted.
    #[oai(
        path = "/admin/user/batch/delete",
        method = "post",
        operation_id = "delete_users"
    )]
    async fn delete_users(
        &self,
        state: Data<&AppState>,
        actor: Data<&Actor>,
        body: ApiJson<BatchIds>,
    ) -> ApiResult<String> {
        user_delete::delete_many(&state, &actor, &body.ids).await?;
        done()
    }

    /// Recounts the storage an account uses from its files' blobs.
    #[oai(
        path = "/admin/user/:id/calibrate",
        method = "post",
        operation_id = "calibrate_user_storage"
    )]
    async fn calibrate_user_storage(
        &self,
        state: Data<&AppState>,
        actor: Data<&Actor>,
        id: Path<i64>,
    ) -> ApiResult<UserRow> {
        ok(UserRow::of(
            &state.ids,
            &users::calibrate(&state, &actor, id.0).await?,
        ))
    }

    /// The folders directly inside folder `uri` (`cloudreve://my/...`, the root when left
    /// out) of a user's drive, by name, a page at a time (`page` from 1, `page_size` up to
    /// 200): for picking a folder of another user's drive, a backup task's for instance.
    #[oai(
        path = "/admin/user/:id/folders",
        method = "get",
        operation_id = "list_user_folders"
    )]
    async fn list_user_folders(
        &self,
        state: Data<&AppState>,
        _actor: Data<&Actor>,
        id: Path<i64>,
        uri: Query<Option<String>>,
        page: Query<Option<u64>>,
        page_size: Query<Option<u64>>,
    ) -> ApiResult<UserFolderList> {
        let uri = uri.0.unwrap_or_else(|| "cloudreve://my".to_owned());
        let (page, page_size) = (page.0.unwrap_or(1), page_size.0.unwrap_or(50));
        let found = user_folders::list(&state, id.0, &uri, page, page_size).await?;
        ok(UserFolderList {
            folders: found
                .folders
                .into_iter()
                .map(|f| UserFolder {
                    name: f.name,
                    uri: f.uri,
                })
                .collect(),
            pagination: Pagination {
                page: page as i64,
                page_size: page_size as i64,
                total_items: Some(found.total as i64),
                next_token: None,
                is_cursor: None,
            },
        })
    }
}
