//! `/share` and `/user/shares/:id`: creating, editing, listing, deleting and describing share
//! links (spec §2.5, §12). Browsing and downloading go through the file routes with a share
//! URI (see [`crate::share::access`]).

use poem::{Request, web::Data};
use poem_openapi::{
    Object, OpenApi,
    param::{Path, Query},
};
use serde_json::json;
use stratus_entity::share;

use crate::api::{
    ApiTags,
    dto::{
        file::Pagination,
        share::{Share, ShareList},
    },
    envelope::{ApiError, ApiResult, ErrorCode, done, ok},
    file::tree::{audit, check_batch},
    json::ApiJson,
    present::{
        share::{self as present, Shown},
        user::Redactor,
    },
    query_bool::QueryBool,
};
use crate::{
    auth::caller::Caller,
    download::link,
    events,
    fs::{error::FsError, nav::FsCtx, uri::FileUri},
    ids::IdKind,
    share::{
        access,
        details::share_url,
        manage::{self, Listed, ORDER_BY_OPTIONS, PageRequest, ShareOptions},
    },
    state::AppState,
    users,
};

/// `PUT /share`, `POST /share/:id`
#[derive(Debug, Object)]
pub struct ShareRequest {
    /// The object to share (`cloudreve://my/...`); ignored when editing.
    pub uri: String,
    /// Protect the share with a password (generated when none is given).
    pub is_private: Option<bool>,
    /// Letters and digits, at most 32; given, it protects the share even without
    /// `is_private`. An edit keeps a share's password, and gives one to a share that had none.
    #[oai(validator(max_length = 32))]
    pub password: Option<String>,
    /// Downloads allowed; 0 = unlimited.
    pub downloads: Option<i64>,
    /// Seconds until the share expires; 0 = never.
    pub expire: Option<i64>,
    /// Show the owner's folder view to visitors.
    pub share_view: Option<bool>,
    /// Show the shared folder's README to visitors.
    pub show_readme: Option<bool>,
    /// Visitors may only upload into the shared folder, not list or download it (a folder
    /// share; deviations §5).
    pub upload_only: Option<bool>,
    /// Bytes an upload-only share may receive in all; 0 or absent = only the owner's quota.
    pub upload_limit: Option<i64>,
}

/// `DELETE /share`
#[derive(Debug, Object)]
pub struct DeleteSharesRequest {
    /// Share hashids.
    pub ids: Vec<String>,
}

impl ShareRequest {
    fn options(&self) -> ShareOptions {
        ShareOptions {
            is_private: self.is_private.unwrap_or(false),
            password: self.password.clone(),
            downloads: self.downloads.unwrap_or(0),
            expire: self.expire.unwrap_or(0),
            share_view: self.share_view.unwrap_or(false),
            show_readme: self.show_readme.unwrap_or(false),
            upload_only: self.upload_only.unwrap_or(false),
            upload_limit: self.upload_limit.unwrap_or(0),
        }
    }
}

/// The site's base URL for share links.
async fn site_base(state: &AppState, req: &Request) -> Result<String, ApiError> {
    let site = state.settings.get("siteURL").await?;
    Ok(link::site_base(
        &site,
        req.header("host"),
        req.header("x-forwarded-proto"),
    ))
}

/// Checks the paging parameters of the share lists.
fn page_request<'a>(
    page_size: i64,
    order_by: Option<&str>,
    order_direction: Option<&str>,
    next_page_token: Option<&'a str>,
) -> Result<PageRequest<'a>, ApiError> {
    if let Some(o) = order_by.filter(|o| !o.is_empty() && !ORDER_BY_OPTIONS.contains(o)) {
        return Err(ApiError::new(
            ErrorCode::ParamError,
            format!(
                "order_by {o:?}: expected one of {}",
                ORDER_BY_OPTIONS.join(", ")
            ),
        ));
    }
    let ascending = match order_direction.unwrap_or("") {
        "" | "desc" => false,
        "asc" => true,
        _ => {
            return Err(ApiError::new(
                ErrorCode::ParamError,
                "order_direction must be asc or desc",
            ));
        }
    };
    Ok(PageRequest {
        page_size,
        ascending,
        next_page_token,
    })
}

pub struct ShareApi;

#[OpenApi(tag = "ApiTags::Share")]
impl ShareApi {
    /// Creates a share link of one of the caller's files or folders (group permission 2);
    /// answers the link. A `password`, or `is_private` (which without a password generates an
    /// 8-character one), makes the share need the password.
    #[oai(path = "/share", method = "put", operation_id = "create_share")]
    async fn create_share(
        &self,
        state: Data<&AppState>,
        caller: Data<&Caller>,
        req: &Request,
        body: ApiJson<ShareRequest>,
    ) -> ApiResult<String> {
        caller.signed_in()?;
        let ctx = FsCtx::new(&state, &caller);
        let uri = FileUri::parse(&body.uri)?;
        let row = manage::create(&ctx, &uri, &body.options()).await?;
        let id = state.ids.encode(row.id, IdKind::Share);
        audit(
            &state,
            &caller,
            req,
            events::kind::SHARE,
            json!({"share_id": id, "uri": uri.to_string()}),
        )
        .await;
        let base = site_base(&state, req).await?;
        ok(share_url(&state.ids, &base, &row, true))
    }

    /// The caller's shares, newest first, by cursor (`next_page_token`).
    #[oai(path = "/share", method = "get", operation_id = "list_shares")]
    #[allow(clippy::too_many_arguments)]
    async fn list_shares(
        &self,
        state: Data<&AppState>,
        caller: Data<&Caller>,
        req: &Request,
        #[oai(validator(minimum(value = "10"), maximum(value = "100")))] page_size: Query<i64>,
        order_by: Query<Option<String>>,
        order_direction: Query<Option<String>>,
        next_page_token: Query<Option<String>>,
    ) -> ApiResult<ShareList> {
        let me = caller.signed_in()?;
        let paging = page_request(
            page_size.0,
            order_by.0.as_deref(),
            order_direction.0.as_deref(),
            next_page_token.0.as_deref(),
        )?;
        let ctx = FsCtx::new(&state, &caller);
        let (rows, next) = manage::page(&ctx, me.user.id, Listed::All, &paging).await?;
        ok(present_page(&state, &caller, req, rows, next, page_size.0).await?)
    }

    /// Changes downloads, expiry and `share_view` of one of the caller's shares; answers the
    /// link. The password stays; a share without one gets one when the edit sends `is_private`
    /// or a `password`.
    #[oai(path = "/share/:id", method = "post", operation_id = "update_share")]
    async fn update_share(
        &self,
        state: Data<&AppState>,
        caller: Data<&Caller>,
        req: &Request,
        id: Path<String>,
        body: ApiJson<ShareRequest>,
    ) -> ApiResult<String> {
        caller.signed_in()?;
        let ctx = FsCtx::new(&state, &caller);
        let row = manage::edit(&ctx, &id.0, &body.options()).await?;
        audit(
            &state,
            &caller,
            req,
            events::kind::SHARE_EDIT,
            json!({"share_id": id.0}),
        )
        .await;
        let base = site_base(&state, req).await?;
        ok(share_url(&state.ids, &base, &row, true))
    }

    /// Deletes those of the listed shares that belong to the caller; others are ignored. An
    /// id that is no share hashid is 40001 and deletes nothing.
    #[oai(path = "/share", method = "delete", operation_id = "delete_shares")]
    async fn delete_shares(
        &self,
        state: Data<&AppState>,
        caller: Data<&Caller>,
        req: &Request,
        body: ApiJson<DeleteSharesRequest>,
    ) -> ApiResult<String> {
        caller.signed_in()?;
        check_batch(&state, body.ids.len()).await?;
        let ctx = FsCtx::new(&state, &caller);
        for id in manage::delete_many(&ctx, &body.ids).await? {
            audit(
                &state,
                &caller,
                req,
                events::kind::SHARE_DELETE,
                json!({"share_id": state.ids.encode(id, IdKind::Share)}),
            )
            .await;
        }
        done()
    }

    /// Deletes a share of the caller (administrators may delete any share).
    #[oai(path = "/share/:id", method = "delete", operation_id = "delete_share")]
    async fn delete_share(
        &self,
        state: Data<&AppState>,
        caller: Data<&Caller>,
        req: &Request,
        id: Path<String>,
    ) -> ApiResult<String> {
        caller.signed_in()?;
        let ctx = FsCtx::new(&state, &caller);
        manage::delete(&ctx, &id.0).await?;
        audit(
            &state,
            &caller,
            req,
            events::kind::SHARE_DELETE,
            json!({"share_id": id.0}),
        )
        .await;
        done()
    }

    /// Describes a share. Expiry, counters and the password are shown only once it is
    /// unlocked (no password, the right `password`, or the owner asking); a wrong password
    /// leaves it locked (`unlocked: false`) and counts towards the throttle. `count_views`
    /// counts a visit; `owner_extended` adds the source URI for the owner. A share that no
    /// longer works is 40058, except to its owner.
    #[oai(
        path = "/share/info/:id",
        method = "get",
        operation_id = "get_share_info"
    )]
    #[allow(clippy::too_many_arguments)]
    async fn get_share_info(
        &self,
        state: Data<&AppState>,
        caller: Data<&Caller>,
        req: &Request,
        id: Path<String>,
        password: Query<Option<String>>,
        count_views: Query<Option<QueryBool>>,
        owner_extended: Query<Option<QueryBool>>,
    ) -> ApiResult<Share> {
        let db = &state.db;
        let share_id = state
            .ids
            .decode(&id.0, IdKind::Share)
            .map_err(|_| ApiError::code(ErrorCode::ShareLinkNotFound))?;
        let mut row = access::find(db, share_id)
            .await?
            .ok_or_else(|| ApiError::code(ErrorCode::ShareLinkNotFound))?;
        let is_owner = caller.user_id() == Some(row.user_id);
        if !is_owner {
            access::check(db, row.clone()).await?;
        }
        let given = password.0.as_deref().filter(|p| !p.is_empty());
        let unlocked = match access::unlock(db, &row, given, &caller).await {
            Ok(()) => true,
            // As Cloudreve: a wrong password (recorded and throttled by `unlock`) only leaves
            // the share locked; the throttle itself is still an error.
            Err(FsError::SharePassword) => false,
            Err(err) => return Err(err.into()),
        };
        if QueryBool::of(count_views.0) && unlocked && !is_owner {
            access::count_view(db, row.id).await?;
            row.views += 1;
            audit(
                &state,
                &caller,
                req,
                events::kind::SHARE_ACCESS,
                json!({"share_id": id.0, "action": "view"}),
            )
            .await;
        }
        let base = site_base(&state, req).await?;
        let users = Redactor::for_caller(&state.ids, &state.settings, &caller).await?;
        let shown = Shown {
            caller: &caller,
            base: &base,
            unlocked,
            owner_extended: QueryBool::of(owner_extended.0),
            users: &users,
        };
        ok(present::present(db, &state.ids, &row, &shown).await?)
    }

    /// A user's working shares, newest first, as the user's `share_links_in_profile` setting
    /// allows: without a password (default), all (`all_share`; passwords are not shown), or
    /// none (`hide_share`: 40001).
    #[oai(
        path = "/user/shares/:id",
        method = "get",
        operation_id = "list_user_shares"
    )]
    #[allow(clippy::too_many_arguments)]
    async fn list_user_shares(
        &self,
        state: Data<&AppState>,
        caller: Data<&Caller>,
        req: &Request,
        id: Path<String>,
        #[oai(validator(minimum(value = "10"), maximum(value = "100")))] page_size: Query<i64>,
        order_by: Query<Option<String>>,
        order_direction: Query<Option<String>>,
        next_page_token: Query<Option<String>>,
    ) -> ApiResult<ShareList> {
        let uid = state.ids.decode(&id.0, IdKind::User)?;
        let user = users::find_live(&state.db, uid)
            .await?
            .ok_or_else(|| ApiError::code(ErrorCode::UserNotFound))?;
        let paging = page_request(
            page_size.0,
            order_by.0.as_deref(),
            order_direction.0.as_deref(),
            next_page_token.0.as_deref(),
        )?;
        let listed = manage::profile_listing(&user)?;
        let ctx = FsCtx::new(&state, &caller);
        let (rows, next) = manage::page(&ctx, user.id, listed, &paging).await?;
        ok(present_page(&state, &caller, req, rows, next, page_size.0).await?)
    }
}

async fn present_page(
    state: &AppState,
    caller: &Caller,
    req: &Request,
    rows: Vec<share::Model>,
    next: Option<String>,
    page_size: i64,
) -> Result<ShareList, ApiError> {
    let base = site_base(state, req).await?;
    let users = Redactor::for_caller(&state.ids, &state.settings, caller).await?;
    let shown = Shown {
        caller,
        base: &base,
        unlocked: false,
        // The owner's own list says where each share points (the explorer's details panel
        // finds a file's links by it); another user's public shares never do (`present`).
        owner_extended: true,
        users: &users,
    };
    let shares = present::present_all(&state.db, &state.ids, &rows, &shown).await?;
    Ok(ShareList {
        shares,
        pagination: Pagination {
            page: 0,
            page_size,
            total_items: None,
            next_token: next,
            is_cursor: Some(true),
        },
    })
}
