//! `/admin/share` and `/admin/event`: every user's share links, and the audit log.

use poem::{Request, web::Data};
use poem_openapi::{Object, OpenApi, param::Path};

use super::dto::{AdminListRequest, BatchIds, EventRow, FileRow, ShareRow, UserRow, pagination};
use crate::{
    admin::{
        Actor, events,
        shares::{self, ShareView},
    },
    api::{
        ApiTags,
        dto::file::Pagination,
        envelope::{ApiResult, done, ok},
        json::ApiJson,
    },
    download::link,
    share::details::share_url,
    state::AppState,
};

/// `POST /admin/share`
#[derive(Debug, Object)]
#[oai(rename = "AdminShareList")]
pub struct ShareList {
    pub shares: Vec<ShareRow>,
    pub pagination: Pagination,
}

/// `POST /admin/event`
#[derive(Debug, Object)]
#[oai(rename = "AdminEventList")]
pub struct EventList {
    pub logs: Vec<EventRow>,
    pub pagination: Pagination,
}

fn share_row(state: &AppState, base: &str, v: &ShareView) -> ShareRow {
    let mut row = ShareRow::of(&state.ids, &v.share);
    row.edges.user = v.owner.as_ref().map(|u| UserRow::brief(&state.ids, u));
    row.edges.file = v.file.as_ref().map(|f| FileRow::of(&state.ids, f));
    row.share_link = Some(share_url(&state.ids, base, &v.share, true));
    row
}

async fn site_base(state: &AppState, req: &Request) -> Result<String, crate::admin::AdminError> {
    let site = state.settings.get("siteURL").await?;
    Ok(link::site_base(
        &site,
        req.header("host"),
        req.header("x-forwarded-proto"),
    ))
}

pub struct AdminShareApi;

#[OpenApi(tag = "ApiTags::Admin")]
impl AdminShareApi {
    /// Lists live share links. Conditions: `share_user_id`, `share_file_id`, `share_id`
    /// (comma-separated ids).
    #[oai(
        path = "/admin/share",
        method = "post",
        operation_id = "list_shares_admin"
    )]
    async fn list_shares(
        &self,
        state: Data<&AppState>,
        _actor: Data<&Actor>,
        req: &Request,
        body: ApiJson<AdminListRequest>,
    ) -> ApiResult<ShareList> {
        let q = body.query()?;
        let page = shares::list(&state, &q).await?;
        let base = site_base(&state, req).await?;
        ok(ShareList {
            shares: page
                .rows
                .iter()
                .map(|v| share_row(&state, &base, v))
                .collect(),
            pagination: pagination(&q, page.total),
        })
    }

    /// A share link with its owner and file.
    #[oai(
        path = "/admin/share/:id",
        method = "get",
        operation_id = "get_share_admin"
    )]
    async fn get_share(
        &self,
        state: Data<&AppState>,
        _actor: Data<&Actor>,
        req: &Request,
        id: Path<i64>,
    ) -> ApiResult<ShareRow> {
        let view = shares::get(&state, id.0).await?;
        let base = site_base(&state, req).await?;
        ok(share_row(&state, &base, &view))
    }

    /// Deletes share links; they stop working at once. Unknown ids are reported under 40081.
    #[oai(
        path = "/admin/share/batch/delete",
        method = "post",
        operation_id = "delete_shares_admin"
    )]
    async fn delete_shares(
        &self,
        state: Data<&AppState>,
        actor: Data<&Actor>,
        body: ApiJson<BatchIds>,
    ) -> ApiResult<String> {
        shares::delete_many(&state, &actor, &body.ids).await?;
        done()
    }
}

pub struct AdminEventApi;

#[OpenApi(tag = "ApiTags::Admin")]
impl AdminEventApi {
    /// Lists audit events. Conditions: `event_type`, `event_user_id`, `event_ip`,
    /// `event_correlation_id`, `event_created_from` and `event_created_to` (RFC 3339 or
    /// unix seconds, inclusive); search: `event_ip` (contains).
    #[oai(path = "/admin/event", method = "post", operation_id = "list_events")]
    async fn list_events(
        &self,
        state: Data<&AppState>,
        _actor: Data<&Actor>,
        body: ApiJson<AdminListRequest>,
    ) -> ApiResult<EventList> {
        let q = body.query()?;
        let page = events::list(&state, &q).await?;
        ok(EventList {
            logs: page
                .rows
                .iter()
                .map(|v| EventRow::of(&state.ids, &v.event, v.user.as_ref()))
                .collect(),
            pagination: pagination(&q, page.total),
        })
    }

    /// An audit event.
    #[oai(path = "/admin/event/:id", method = "get", operation_id = "get_event")]
    async fn get_event(
        &self,
        state: Data<&AppState>,
        _actor: Data<&Actor>,
        id: Path<i64>,
    ) -> ApiResult<EventRow> {
        let v = events::get(&state, id.0).await?;
        ok(EventRow::of(&state.ids, &v.event, v.user.as_ref()))
    }

    /// Deletes audit events (the deletion itself is recorded).
    #[oai(
        path = "/admin/event/batch/delete",
        method = "post",
        operation_id = "delete_events"
    )]
    async fn delete_events(
        &self,
        state: Data<&AppState>,
        actor: Data<&Actor>,
        body: ApiJson<BatchIds>,
    ) -> ApiResult<String> {
        events::delete_many(&state, &actor, &body.ids).await?;
        done()
    }
}
