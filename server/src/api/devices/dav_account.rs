//! `/devices/dav`: the caller's WebDAV accounts (spec §2.8). The group needs the WebDAV
//! permission (bit 3, else 40007); another user's account answers 404 like a missing one.

use chrono::{DateTime, Utc};
use poem::web::Data;
use poem_openapi::{
    Object, OpenApi,
    param::{Path, Query},
};
use stratus_entity::dav_account;

use crate::api::{
    ApiTags,
    dto::file::Pagination,
    envelope::{ApiError, ApiResult, ErrorCode, done, ok},
    json::ApiJson,
};
use crate::{
    auth::caller::Caller,
    boolset::Boolset,
    dav::account::{self, AccountInput},
    ids::{HashIds, IdKind},
    state::AppState,
};

/// A WebDAV account (`DavAccount` in the protocol).
#[derive(Debug, Clone, Object)]
#[oai(rename = "DavAccount")]
pub struct DavAccountDto {
    pub id: String,
    pub created_at: DateTime<Utc>,
    pub name: String,
    /// Root URI the account is confined to.
    pub uri: String,
    /// The password to use with the owner's e-mail in HTTP Basic.
    pub password: String,
    /// Boolset: bit 0 read-only, bit 1 proxy, bit 2 block OS junk files.
    pub options: String,
}

impl DavAccountDto {
    fn of(ids: &HashIds, row: &dav_account::Model) -> Self {
        Self {
            id: ids.encode(row.id, IdKind::DavAccount),
            created_at: row.created_at,
            name: row.name.clone(),
            uri: row.uri.clone(),
            password: row.password.clone(),
            options: Boolset::from_bytes(row.options.clone()).to_base64(),
        }
    }
}

/// `PUT /devices/dav`, `PATCH /devices/dav/:id`
#[derive(Debug, Object)]
pub struct DavAccountRequest {
    /// `cloudreve://my/...` or a share URI.
    pub uri: String,
    /// 1 to 255 characters.
    pub name: String,
    pub readonly: Option<bool>,
    /// Stream downloads through the server (kept only when the group allows it).
    pub proxy: Option<bool>,
    /// Refuse and hide `.DS_Store`, `._*`, `Thumbs.db` and `desktop.ini`.
    pub disable_sys_files: Option<bool>,
}

impl From<&DavAccountRequest> for AccountInput {
    fn from(r: &DavAccountRequest) -> Self {
        AccountInput {
            uri: r.uri.clone(),
            name: r.name.clone(),
            readonly: r.readonly.unwrap_or(false),
            proxy: r.proxy.unwrap_or(false),
            block_junk: r.disable_sys_files.unwrap_or(false),
        }
    }
}

/// `GET /devices/dav`
#[derive(Debug, Object)]
pub struct DavAccountList {
    pub accounts: Vec<DavAccountDto>,
    pub pagination: Pagination,
}

pub struct DavAccountApi;

#[OpenApi(tag = "ApiTags::User")]
impl DavAccountApi {
    /// Lists the caller's WebDAV accounts, oldest first, `page_size` (10–100) at a time.
    #[oai(
        path = "/devices/dav",
        method = "get",
        operation_id = "list_dav_accounts"
    )]
    async fn list(
        &self,
        state: Data<&AppState>,
        caller: Data<&Caller>,
        page_size: Query<Option<i64>>,
        next_page_token: Query<Option<String>>,
    ) -> ApiResult<DavAccountList> {
        let me = caller.signed_in()?;
        let size = page_size.0.unwrap_or(10);
        if !(10..=100).contains(&size) {
            return Err(ApiError::new(
                ErrorCode::ParamError,
                "page_size: must be between 10 and 100",
            ));
        }
        let (rows, more) =
            account::list(&state, me, size as u64, next_page_token.0.as_deref()).await?;
        let next_token = more
            .then(|| {
                rows.last()
                    .map(|r| state.ids.encode(r.id, IdKind::DavAccount))
            })
            .flatten();
        ok(DavAccountList {
            accounts: rows
                .iter()
                .map(|r| DavAccountDto::of(&state.ids, r))
                .collect(),
            pagination: Pagination {
                page: 0,
                page_size: size,
                total_items: None,
                next_token,
                is_cursor: Some(true),
            },
        })
    }

    /// Creates an account with a generated password.
    #[oai(
        path = "/devices/dav",
        method = "put",
        operation_id = "create_dav_account"
    )]
    async fn create(
        &self,
        state: Data<&AppState>,
        caller: Data<&Caller>,
        body: ApiJson<DavAccountRequest>,
    ) -> ApiResult<DavAccountDto> {
        let me = caller.signed_in()?;
        let row = account::create(&state, me, &(&body.0).into()).await?;
        ok(DavAccountDto::of(&state.ids, &row))
    }

    /// Changes an account's name, root and options.
    #[oai(
        path = "/devices/dav/:id",
        method = "patch",
        operation_id = "update_dav_account"
    )]
    async fn update(
        &self,
        state: Data<&AppState>,
        caller: Data<&Caller>,
        id: Path<String>,
        body: ApiJson<DavAccountRequest>,
    ) -> ApiResult<DavAccountDto> {
        let me = caller.signed_in()?;
        let row = account::update(&state, me, &id.0, &(&body.0).into()).await?;
        ok(DavAccountDto::of(&state.ids, &row))
    }

    /// Deletes an account.
    #[oai(
        path = "/devices/dav/:id",
        method = "delete",
        operation_id = "delete_dav_account"
    )]
    async fn delete(
        &self,
        state: Data<&AppState>,
        caller: Data<&Caller>,
        id: Path<String>,
    ) -> ApiResult<String> {
        let me = caller.signed_in()?;
        account::delete(&state, me, &id.0).await?;
        done()
    }
}
