//! `/admin/snapshot`: every user's snapshots (Stratus extension).

use chrono::{DateTime, Utc};
use poem::web::Data;
use poem_openapi::{Object, OpenApi, param::Path};

use super::dto::{AdminListRequest, UserRow, pagination};
use crate::{
    admin::{
        Actor,
        snapshots::{self, SnapshotView},
    },
    api::{
        ApiTags,
        dto::file::Pagination,
        envelope::{ApiResult, done, ok},
        json::ApiJson,
    },
    ids::IdKind,
    state::AppState,
};

/// A snapshot with its owner (`AdminSnapshot`).
#[derive(Debug, Clone, Object)]
#[oai(rename = "AdminSnapshot", skip_serializing_if_is_none)]
pub struct SnapshotRow {
    pub id: i64,
    /// The snapshot's public id.
    pub hash_id: String,
    pub created_at: DateTime<Utc>,
    pub owner_id: i64,
    pub owner: Option<UserRow>,
    pub uri: String,
    pub name: String,
    pub description: String,
    /// `in_progress`, `completed` or `failed`.
    pub status: String,
    pub files: i64,
    pub folders: i64,
    /// Bytes of its files.
    pub size: i64,
    /// Bytes only this snapshot keeps alive.
    pub exclusive_size: i64,
    /// The schedule that took it.
    pub schedule_id: Option<i64>,
}

/// `POST /admin/snapshot`
#[derive(Debug, Object)]
#[oai(rename = "AdminSnapshotList")]
pub struct SnapshotList {
    pub snapshots: Vec<SnapshotRow>,
    pub pagination: Pagination,
}

fn row(state: &AppState, v: &SnapshotView) -> SnapshotRow {
    let s = &v.snapshot;
    SnapshotRow {
        id: s.id,
        hash_id: state.ids.encode(s.id, IdKind::Snapshot),
        created_at: s.created_at,
        owner_id: s.owner_id,
        owner: v.owner.as_ref().map(|u| UserRow::brief(&state.ids, u)),
        uri: s.uri.clone(),
        name: s.name.clone(),
        description: s.description.clone(),
        status: s.status.clone(),
        files: s.files,
        folders: s.folders,
        size: s.size,
        exclusive_size: v.exclusive_size,
        schedule_id: s.schedule_id,
    }
}

pub struct AdminSnapshotApi;

#[OpenApi(tag = "ApiTags::Admin")]
impl AdminSnapshotApi {
    /// Lists snapshots of every user, with owner, counts, size and exclusive size.
    /// Conditions: `user_id`, `snapshot_id` (comma-separated ids).
    #[oai(
        path = "/admin/snapshot",
        method = "post",
        operation_id = "list_snapshots_admin"
    )]
    async fn list_snapshots(
        &self,
        state: Data<&AppState>,
        _actor: Data<&Actor>,
        body: ApiJson<AdminListRequest>,
    ) -> ApiResult<SnapshotList> {
        let q = body.query()?;
        let page = snapshots::list(&state, &q).await?;
        ok(SnapshotList {
            snapshots: page.rows.iter().map(|v| row(&state, v)).collect(),
            pagination: pagination(&q, page.total),
        })
    }

    /// Deletes a snapshot of any user: its blob references and the bytes it kept charged
    /// are released.
    #[oai(
        path = "/admin/snapshot/:id",
        method = "delete",
        operation_id = "delete_snapshot_admin"
    )]
    async fn delete_snapshot(
        &self,
        state: Data<&AppState>,
        actor: Data<&Actor>,
        id: Path<i64>,
    ) -> ApiResult<String> {
        snapshots::delete(&state, &actor, id.0).await?;
        done()
    }
}
