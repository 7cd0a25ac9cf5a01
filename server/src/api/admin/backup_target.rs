//! `/admin/backup/target`: backup targets (list, read, create, edit, delete, star, test a
//! pending or a saved one, usage). Secrets are write-only.

use poem::web::Data;
use poem_openapi::{OpenApi, param::Path};

use super::{
    backup_dto::{Star, TargetFields, TargetList, TargetRow, TargetUsage},
    dto::{AdminListRequest, pagination},
};
use crate::{
    admin::{Actor, audit},
    api::{
        ApiTags,
        envelope::{ApiResult, done, ok},
        json::ApiJson,
    },
    backup::{
        self, target,
        targets::{self, TargetInput},
    },
    state::AppState,
};

fn input(fields: TargetFields) -> TargetInput {
    TargetInput {
        name: fields.name,
        r#type: fields.r#type,
        settings: fields.settings,
        starred: fields.starred,
    }
}

fn audited(row: &stratus_entity::backup_target::Model) -> serde_json::Value {
    audit::masked(&audit::row_json(row))
}

pub struct AdminBackupTargetApi;

#[OpenApi(tag = "ApiTags::Admin")]
impl AdminBackupTargetApi {
    /// Lists backup targets. Conditions: `type`, `starred`; search: `name`.
    #[oai(
        path = "/admin/backup/target",
        method = "post",
        operation_id = "list_backup_targets"
    )]
    async fn list(
        &self,
        state: Data<&AppState>,
        _actor: Data<&Actor>,
        body: ApiJson<AdminListRequest>,
    ) -> ApiResult<TargetList> {
        let q = body.query()?;
        let page = targets::list(&state, &q).await?;
        ok(TargetList {
            targets: page.rows.iter().map(TargetRow::of).collect(),
            pagination: pagination(&q, page.total),
        })
    }

    /// Creates a backup target once a test object was written to it, read back and deleted
    /// (a failed test is 40001 with the storage's words).
    #[oai(
        path = "/admin/backup/target",
        method = "put",
        operation_id = "create_backup_target"
    )]
    async fn create(
        &self,
        state: Data<&AppState>,
        actor: Data<&Actor>,
        body: ApiJson<TargetFields>,
    ) -> ApiResult<TargetRow> {
        let row = targets::create(&state, input(body.0)).await?;
        audit::record(
            &state,
            &actor,
            "backup_target",
            Some(row.id),
            "create",
            audited(&row),
        )
        .await;
        ok(TargetRow::of(&row))
    }

    /// Tests a pending configuration: a test object written, read back and deleted; 40001
    /// with the storage's words when it fails.
    #[oai(
        path = "/admin/backup/target/test",
        method = "post",
        operation_id = "test_backup_target"
    )]
    async fn test_pending(
        &self,
        state: Data<&AppState>,
        _actor: Data<&Actor>,
        body: ApiJson<TargetFields>,
    ) -> ApiResult<String> {
        target::check(&body.r#type, &body.settings)?;
        targets::probe(&state, &body.r#type, &body.settings).await?;
        done()
    }

    #[oai(
        path = "/admin/backup/target/:id",
        method = "get",
        operation_id = "get_backup_target"
    )]
    async fn get(
        &self,
        state: Data<&AppState>,
        _actor: Data<&Actor>,
        id: Path<i64>,
    ) -> ApiResult<TargetRow> {
        ok(TargetRow::of(&targets::find(&state, id.0).await?))
    }

    /// Changes a target, tested like a new one; a secret left out or empty keeps the stored
    /// one.
    #[oai(
        path = "/admin/backup/target/:id",
        method = "put",
        operation_id = "update_backup_target"
    )]
    async fn update(
        &self,
        state: Data<&AppState>,
        actor: Data<&Actor>,
        id: Path<i64>,
        body: ApiJson<TargetFields>,
    ) -> ApiResult<TargetRow> {
        let (before, after) = targets::update(&state, id.0, input(body.0)).await?;
        audit::record_update(&state, &actor, "backup_target", id.0, &before, &after).await;
        ok(TargetRow::of(&after))
    }

    /// Deletes a target no task uses (409 otherwise). What it holds stays on the storage.
    #[oai(
        path = "/admin/backup/target/:id",
        method = "delete",
        operation_id = "delete_backup_target"
    )]
    async fn delete(
        &self,
        state: Data<&AppState>,
        actor: Data<&Actor>,
        id: Path<i64>,
    ) -> ApiResult<String> {
        let row = targets::delete(&state, id.0).await?;
        audit::record(
            &state,
            &actor,
            "backup_target",
            Some(row.id),
            "delete",
            audited(&row),
        )
        .await;
        done()
    }

    /// Tests the saved target.
    #[oai(
        path = "/admin/backup/target/:id/test",
        method = "post",
        operation_id = "test_saved_backup_target"
    )]
    async fn test_saved(
        &self,
        state: Data<&AppState>,
        _actor: Data<&Actor>,
        id: Path<i64>,
    ) -> ApiResult<String> {
        let row = targets::find(&state, id.0).await?;
        if let Err(e) = targets::probe(&state, &row.r#type, &row.settings).await {
            backup::notice::target_failed(&state, &row, &e.to_string()).await;
            return Err(e.into());
        }
        done()
    }

    /// Stars (or with `starred: false` unstars) a target.
    #[oai(
        path = "/admin/backup/target/:id/star",
        method = "put",
        operation_id = "star_backup_target"
    )]
    async fn star(
        &self,
        state: Data<&AppState>,
        _actor: Data<&Actor>,
        id: Path<i64>,
        body: ApiJson<Star>,
    ) -> ApiResult<TargetRow> {
        let row = targets::star(&state, id.0, body.starred.unwrap_or(true)).await?;
        ok(TargetRow::of(&row))
    }

    /// Bytes of the Stratus backups on the target, and its free space where the storage can
    /// tell.
    #[oai(
        path = "/admin/backup/target/:id/usage",
        method = "get",
        operation_id = "get_backup_target_usage"
    )]
    async fn usage(
        &self,
        state: Data<&AppState>,
        _actor: Data<&Actor>,
        id: Path<i64>,
    ) -> ApiResult<TargetUsage> {
        let usage = targets::usage(&state, id.0).await?;
        ok(TargetUsage {
            used: usage.used as i64,
            blobs: usage.blobs as i64,
            free: usage.free.map(|f| f as i64),
        })
    }
}
