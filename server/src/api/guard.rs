//! `/guard/incident` and `/admin/guard/incident`: the incidents of the guard against mass
//! deletion (`guard/`), undo and release. Stratus extensions. Incident ids are plain numbers;
//! another user's incident answers 404 like a missing one. The admin routes sit below
//! `/admin`, behind the admin check every such route passes.

use chrono::{DateTime, Utc};
use poem::{http::Method, web::Data};
use poem_openapi::{
    Object, OpenApi,
    param::{Path, Query},
};

use super::{
    ApiTags,
    dto::file::Pagination,
    envelope::{ApiError, ApiResult, ErrorCode, ok},
};
use crate::{
    auth::caller::Caller,
    guard::{self, GuardIncident},
    ids::IdKind,
    state::AppState,
};

/// The credential that made the changes.
#[derive(Debug, Clone, Object)]
pub struct GuardCredentialDto {
    /// `webdav`, `app_password`, `oauth`, `s3_key` or `session`.
    pub kind: String,
    pub name: String,
}

/// What the credential did during its burst.
#[derive(Debug, Clone, Object)]
pub struct GuardCountsDto {
    pub deleted: i32,
    pub overwritten: i32,
    pub renamed: i32,
}

/// One change of the burst.
#[derive(Debug, Clone, Object)]
pub struct GuardChangeDto {
    /// `delete`, `overwrite` or `rename`.
    pub action: String,
    pub path: String,
    pub at: DateTime<Utc>,
}

/// A file undo left alone, and why.
#[derive(Debug, Clone, Object)]
pub struct GuardSkippedDto {
    pub path: String,
    pub reason: String,
}

/// What undo did.
#[derive(Debug, Clone, Object)]
pub struct GuardResultDto {
    pub restored: Vec<String>,
    pub skipped: Vec<GuardSkippedDto>,
}

/// An incident.
#[derive(Debug, Clone, Object)]
pub struct GuardIncidentDto {
    pub id: i64,
    pub credential: GuardCredentialDto,
    pub counts: GuardCountsDto,
    /// The first change of the burst.
    pub started_at: DateTime<Utc>,
    pub tripped_at: DateTime<Utc>,
    pub last_at: DateTime<Utc>,
    /// `open`, `undoing`, `undone` or `released`.
    pub state: String,
    /// The paths of the first changes (at most 20).
    pub paths: Vec<String>,
    pub first: Option<GuardChangeDto>,
    pub last: Option<GuardChangeDto>,
    /// The undo task, once undo was asked for.
    pub undo_task_id: Option<String>,
    /// What undo restored and skipped, once it ran.
    pub result: Option<GuardResultDto>,
    /// The owner (admin lists only).
    pub user_id: Option<String>,
    pub user_email: Option<String>,
}

impl GuardIncidentDto {
    fn of(state: &AppState, i: GuardIncident, admin: bool) -> Self {
        let change = |c: &guard::RecordedChange| GuardChangeDto {
            action: c.action.clone(),
            path: c.path.clone(),
            at: c.at,
        };
        let row = &i.row;
        let result = row.result.as_ref().map(|r| GuardResultDto {
            restored: r["restored"]
                .as_array()
                .map(|a| {
                    a.iter()
                        .filter_map(|p| p.as_str().map(str::to_owned))
                        .collect()
                })
                .unwrap_or_default(),
            skipped: r["skipped"]
                .as_array()
                .map(|a| {
                    a.iter()
                        .map(|s| GuardSkippedDto {
                            path: s["path"].as_str().unwrap_or_default().to_owned(),
                            reason: s["reason"].as_str().unwrap_or_default().to_owned(),
                        })
                        .collect()
                })
                .unwrap_or_default(),
        });
        Self {
            id: row.id,
            credential: GuardCredentialDto {
                kind: row.cred_kind.clone(),
                name: row.cred_name.clone(),
            },
            counts: GuardCountsDto {
                deleted: row.deleted,
                overwritten: row.overwritten,
                renamed: row.renamed,
            },
            started_at: row.started_at,
            tripped_at: row.tripped_at,
            last_at: row.last_at,
            state: row.state.clone(),
            paths: i.changes.iter().take(20).map(|c| c.path.clone()).collect(),
            first: i.changes.first().map(change),
            last: i.changes.last().map(change),
            undo_task_id: row.undo_task_id.map(|t| state.ids.encode(t, IdKind::Task)),
            result,
            user_id: admin.then(|| state.ids.encode(row.user_id, IdKind::User)),
            user_email: if admin { i.user_email.clone() } else { None },
        }
    }
}

/// `GET /guard/incident`
#[derive(Debug, Object)]
pub struct GuardIncidentList {
    /// Newest first.
    pub incidents: Vec<GuardIncidentDto>,
    pub pagination: Pagination,
}

/// `GET /admin/guard/incident`
#[derive(Debug, Object)]
pub struct AdminGuardIncidentList {
    pub incidents: Vec<GuardIncidentDto>,
    pub pagination: Pagination,
}

/// `POST /guard/incident/:id/undo`
#[derive(Debug, Object)]
pub struct GuardUndoStarted {
    /// The queue task that restores the files.
    pub task_id: String,
}

/// Refuses (40090) a request that writes files (what an OAuth token needs `Files.Write`
/// for, from the one route table) by a credential the guard stopped: besides the
/// destructive changes the guard judges, a stopped app or session cannot upload, create,
/// copy or move either, as WebDAV and S3 refuse every write at their edges.
/// Whether it is stopped was read once, when the door let the caller in.
pub fn refuse_stopped(method: &Method, path: &str, caller: &Caller) -> Result<(), ApiError> {
    let Caller::User(me) = caller else {
        return Ok(());
    };
    let Some(why) = &me.stopped else {
        return Ok(());
    };
    if !super::scopes::required(method, path).contains(&super::scopes::FILES_WRITE) {
        return Ok(());
    }
    Err(ApiError::new(ErrorCode::GuardStopped, why.clone()))
}

/// The page and state filter of an incident list, checked.
struct Wanted {
    page: u64,
    size: u64,
    only: Option<String>,
}

impl Wanted {
    fn of(
        page: Option<u64>,
        size: Option<u64>,
        only: Option<String>,
        default_size: u64,
    ) -> Result<Self, ApiError> {
        let only = only.filter(|s| !s.is_empty());
        if let Some(wanted) = &only
            && !guard::incidents::STATES.contains(&wanted.as_str())
        {
            return Err(ApiError::new(
                ErrorCode::ParamError,
                format!(
                    "state: {wanted:?} is not one of {}",
                    guard::incidents::STATES.join(", ")
                ),
            ));
        }
        Ok(Self {
            page: page.unwrap_or(1).max(1),
            size: size.unwrap_or(default_size).clamp(1, 200),
            only,
        })
    }

    fn pagination(&self, total: u64) -> Pagination {
        Pagination {
            page: self.page as i64 - 1,
            page_size: self.size as i64,
            total_items: Some(total as i64),
            next_token: None,
            is_cursor: None,
        }
    }
}

fn not_found() -> ApiError {
    ApiError::new(ErrorCode::NotFound, "Incident not found")
}

pub struct GuardApi;

#[OpenApi(tag = "ApiTags::User")]
impl GuardApi {
    /// The caller's incidents of the guard against mass deletion, newest first.
    #[oai(
        path = "/guard/incident",
        method = "get",
        operation_id = "list_guard_incidents"
    )]
    async fn list_guard_incidents(
        &self,
        state: Data<&AppState>,
        caller: Data<&Caller>,
        /// Page number, from 1.
        page: Query<Option<u64>>,
        /// Rows per page, 1 to 200 (100 when left out).
        page_size: Query<Option<u64>>,
        /// Only the incidents in this state: `open`, `undoing`, `undone` or `released`.
        #[oai(name = "state")]
        only: Query<Option<String>>,
    ) -> ApiResult<GuardIncidentList> {
        let me = caller.signed_in()?;
        let wanted = Wanted::of(page.0, page_size.0, only.0, 100)?;
        let (rows, total) = guard::page(
            &state,
            Some(me.user.id),
            wanted.only.as_deref(),
            wanted.page,
            wanted.size,
        )
        .await?;
        ok(GuardIncidentList {
            incidents: rows
                .into_iter()
                .map(|i| GuardIncidentDto::of(&state, i, false))
                .collect(),
            pagination: wanted.pagination(total),
        })
    }

    /// One of the caller's incidents.
    #[oai(
        path = "/guard/incident/:id",
        method = "get",
        operation_id = "get_guard_incident"
    )]
    async fn get_guard_incident(
        &self,
        state: Data<&AppState>,
        caller: Data<&Caller>,
        id: Path<i64>,
    ) -> ApiResult<GuardIncidentDto> {
        let me = caller.signed_in()?;
        let found = guard::one(&state, id.0, Some(me.user.id))
            .await?
            .ok_or_else(not_found)?;
        ok(GuardIncidentDto::of(&state, found, false))
    }

    /// Undoes everything the incident's credential deleted, overwrote or renamed since its
    /// burst began, as a queue task; the incident becomes `undone` when it ends.
    #[oai(
        path = "/guard/incident/:id/undo",
        method = "post",
        operation_id = "undo_guard_incident"
    )]
    async fn undo_guard_incident(
        &self,
        state: Data<&AppState>,
        caller: Data<&Caller>,
        id: Path<i64>,
    ) -> ApiResult<GuardUndoStarted> {
        let me = in_person(&caller)?;
        undo(&state, id.0, Some(me.user.id)).await
    }

    /// "It was me": the credential may write again; the incident becomes `released`.
    #[oai(
        path = "/guard/incident/:id/release",
        method = "post",
        operation_id = "release_guard_incident"
    )]
    async fn release_guard_incident(
        &self,
        state: Data<&AppState>,
        caller: Data<&Caller>,
        id: Path<i64>,
    ) -> ApiResult<GuardIncidentDto> {
        let me = in_person(&caller)?;
        release(&state, id.0, Some(me.user.id), me.user.id).await
    }

    /// Every user's incidents, newest first (administrators).
    #[oai(
        path = "/admin/guard/incident",
        method = "get",
        operation_id = "admin_list_guard_incidents",
        tag = "ApiTags::Admin"
    )]
    async fn admin_list_guard_incidents(
        &self,
        state: Data<&AppState>,
        /// Page number, from 1.
        page: Query<Option<u64>>,
        /// Rows per page, 1 to 200.
        page_size: Query<Option<u64>>,
        /// Only the incidents in this state: `open`, `undoing`, `undone` or `released`.
        #[oai(name = "state")]
        only: Query<Option<String>>,
    ) -> ApiResult<AdminGuardIncidentList> {
        let wanted = Wanted::of(page.0, page_size.0, only.0, 50)?;
        let (rows, total) = guard::page(
            &state,
            None,
            wanted.only.as_deref(),
            wanted.page,
            wanted.size,
        )
        .await?;
        ok(AdminGuardIncidentList {
            incidents: rows
                .into_iter()
                .map(|i| GuardIncidentDto::of(&state, i, true))
                .collect(),
            pagination: wanted.pagination(total),
        })
    }

    /// Undoes any user's incident (administrators).
    #[oai(
        path = "/admin/guard/incident/:id/undo",
        method = "post",
        operation_id = "admin_undo_guard_incident",
        tag = "ApiTags::Admin"
    )]
    async fn admin_undo_guard_incident(
        &self,
        state: Data<&AppState>,
        caller: Data<&Caller>,
        id: Path<i64>,
    ) -> ApiResult<GuardUndoStarted> {
        in_person(&caller)?;
        undo(&state, id.0, None).await
    }

    /// Releases any user's incident (administrators).
    #[oai(
        path = "/admin/guard/incident/:id/release",
        method = "post",
        operation_id = "admin_release_guard_incident",
        tag = "ApiTags::Admin"
    )]
    async fn admin_release_guard_incident(
        &self,
        state: Data<&AppState>,
        caller: Data<&Caller>,
        id: Path<i64>,
    ) -> ApiResult<GuardIncidentDto> {
        let me = in_person(&caller)?;
        release(&state, id.0, None, me.user.id).await
    }
}

/// The caller of an undo or a release: signed in at a web session ([`guard::may_decide`]).
fn in_person(caller: &Caller) -> Result<&crate::auth::caller::SignedIn, ApiError> {
    let me = caller.signed_in()?;
    if !guard::may_decide(me) {
        return Err(ApiError::new(
            ErrorCode::NoPermission,
            "Only a web session can undo or release an incident of the guard against mass \
             deletion",
        ));
    }
    Ok(me)
}

async fn undo(state: &AppState, id: i64, owner: Option<i64>) -> ApiResult<GuardUndoStarted> {
    let found = guard::one(state, id, owner).await?.ok_or_else(not_found)?;
    let task = guard::undo::submit(state, &found.row)
        .await?
        .ok_or_else(|| {
            ApiError::new(
                ErrorCode::ParamError,
                "This incident is being undone or was undone already",
            )
        })?;
    ok(GuardUndoStarted {
        task_id: state.ids.encode(task, IdKind::Task),
    })
}

async fn release(
    state: &AppState,
    id: i64,
    owner: Option<i64>,
    by: i64,
) -> ApiResult<GuardIncidentDto> {
    let found = guard::one(state, id, owner).await?.ok_or_else(not_found)?;
    if !guard::release(state, &found.row, by).await? {
        return Err(ApiError::new(
            ErrorCode::ParamError,
            "Only an open incident can be released",
        ));
    }
    let found = guard::one(state, id, owner).await?.ok_or_else(not_found)?;
    ok(GuardIncidentDto::of(state, found, owner.is_none()))
}
