//! Taking a snapshot. The tree is read and copied by the database, one statement per table,
//! inside the owner's write transaction (`fs::tx::begin`): the nodes by one
//! `INSERT … SELECT` over a recursive query of the folder's live subtree (one statement sees
//! one instant on PostgreSQL; SQLite's write lock serializes anyway, and on PostgreSQL the
//! owner's tree writers wait on the owner's row), then one `UPDATE` raising each named
//! entity's reference count by the nodes naming it, then the row's counts. A crash leaves
//! either all of it or nothing.
//!
//! Saved shares (symbolic entries) are left out: they hold no blob of the owner's, and the
//! share they follow may be gone by the time the snapshot is read. Files whose first upload
//! is unfinished (no current version yet) are left out too.
//!
//! A tree above the site setting `snapshot_inline_max_files` (counted first) is taken by the
//! `snapshot_take` task: the row answers `in_progress` and the task completes or fails it.

use chrono::Utc;
use sea_orm::{
    ActiveModelTrait, ActiveValue::Set, ColumnTrait, ConnectionTrait, DatabaseTransaction,
    DbBackend, EntityTrait, PaginatorTrait, QueryFilter,
};
use serde_json::json;
use stratus_entity::{file, snapshot};

use super::{DESCRIPTION_MAX, SnapshotError, allowed, check_name, task::SnapshotTake};
use crate::{
    caller::Caller,
    fs::{
        error::FsError,
        nav::{self, FsCtx},
        sql::Sql,
        tx,
        uri::{FileUri, FsKind},
    },
    queue::store,
    state::AppState,
};

/// Default of the site setting `snapshot_inline_max_files`.
pub const DEFAULT_INLINE_MAX_FILES: i64 = 20_000;
/// Default of the group setting `snapshot_max_per_folder` (manual snapshots per folder).
pub const DEFAULT_MAX_PER_FOLDER: u64 = 5;

/// What a caller asks for.
pub struct TakeRequest {
    pub uri: String,
    pub name: String,
    pub description: String,
}

/// What a snapshot is taken of, and as what.
pub struct Target<'a> {
    pub owner_id: i64,
    /// The live folder.
    pub folder: &'a file::Model,
    pub uri: &'a FileUri,
    pub name: String,
    pub description: String,
    /// The schedule taking it; `None` for a manual snapshot.
    pub schedule_id: Option<i64>,
    /// Manual snapshots the folder may have; `None` for no cap.
    pub per_folder_cap: Option<u64>,
}

/// `PUT /snapshot`: checks the caller's permission, the name and the folder, then takes the
/// snapshot (or queues it). The folder's manual snapshots are capped by the group's
/// `snapshot_max_per_folder`.
pub async fn take(
    state: &AppState,
    caller: &Caller,
    req: TakeRequest,
) -> Result<snapshot::Model, SnapshotError> {
    let me = allowed(caller)?;
    let name = check_name(&req.name)?.to_owned();
    if req.description.chars().count() > DESCRIPTION_MAX {
        return Err(SnapshotError::Invalid(format!(
            "description: at most {DESCRIPTION_MAX} characters"
        )));
    }
    let (uri, folder) = resolve_folder(state, caller, &req.uri).await?;
    take_folder(
        state,
        Target {
            owner_id: me.user.id,
            folder: &folder,
            uri: &uri,
            name,
            description: req.description,
            schedule_id: None,
            per_folder_cap: me.group_cap("snapshot_max_per_folder", DEFAULT_MAX_PER_FOLDER),
        },
    )
    .await
}

/// The caller's own live folder at `uri` (`cloudreve://my/...`, the root allowed).
pub async fn resolve_folder(
    state: &AppState,
    caller: &Caller,
    uri: &str,
) -> Result<(FileUri, file::Model), SnapshotError> {
    let uri = FileUri::parse(uri).map_err(|e| SnapshotError::Invalid(format!("uri: {e}")))?;
    if uri.fs != FsKind::My {
        return Err(SnapshotError::NotMyDrive);
    }
    let ctx = FsCtx::new(state, caller);
    let node = nav::resolve(&ctx, &uri).await.map_err(|e| match e {
        // Another user's drive answers like a missing folder.
        FsError::NoPermission(_) => SnapshotError::Fs(FsError::NotFound),
        other => SnapshotError::Fs(other),
    })?;
    if !node.owned {
        return Err(SnapshotError::Fs(FsError::NotFound));
    }
    if !node.is_folder() || node.file.is_symbolic {
        return Err(SnapshotError::NotFolder);
    }
    Ok((node.uri, node.file))
}

/// Takes a snapshot of `target.folder` now, or queues it when the tree is large.
pub async fn take_folder(
    state: &AppState,
    target: Target<'_>,
) -> Result<snapshot::Model, SnapshotError> {
    let inline_max = state
        .settings
        .int("snapshot_inline_max_files", DEFAULT_INLINE_MAX_FILES)
        .await?;
    let count = count_tree(&state.db, target.folder.id, inline_max + 1).await?;
    let inline = count <= inline_max;
    let folder_id = target.folder.id;
    let txn = tx::begin(&state.db, target.owner_id).await?;
    let row = insert_row(&txn, target).await?;
    if inline {
        let row = fill(&txn, &row, folder_id).await?;
        txn.commit().await?;
        return Ok(row);
    }
    txn.commit().await?;
    let summary = json!({"phase": "", "props": {"uri": row.uri}});
    let private = json!({"snapshot_id": row.id}).to_string();
    if let Err(e) = store::submit(
        state,
        &SnapshotTake,
        Some(row.owner_id),
        private,
        summary,
        None,
    )
    .await
    {
        fail(state, row.id, &e.to_string()).await;
        return Err(e.into());
    }
    Ok(row)
}

/// Inserts the snapshot's row, `in_progress`, inside the owner's write transaction, after
/// checking the folder's cap of manual snapshots.
pub async fn insert_row(
    txn: &DatabaseTransaction,
    target: Target<'_>,
) -> Result<snapshot::Model, SnapshotError> {
    if let Some(cap) = target.per_folder_cap
        && target.schedule_id.is_none()
    {
        let manual = snapshot::Entity::find()
            .filter(snapshot::Column::OwnerId.eq(target.owner_id))
            .filter(snapshot::Column::RootFileId.eq(target.folder.id))
            .filter(snapshot::Column::ScheduleId.is_null())
            .filter(snapshot::Column::Status.ne(snapshot::status::FAILED))
            .count(txn)
            .await?;
        if manual >= cap {
            return Err(SnapshotError::TooManyPerFolder(cap));
        }
    }
    let now = Utc::now();
    Ok(snapshot::ActiveModel {
        created_at: Set(now),
        updated_at: Set(now),
        owner_id: Set(target.owner_id),
        root_file_id: Set(target.folder.id),
        uri: Set(target.uri.to_string()),
        name: Set(target.name),
        description: Set(target.description),
        status: Set(snapshot::status::IN_PROGRESS.to_owned()),
        schedule_id: Set(target.schedule_id),
        ..Default::default()
    }
    .insert(txn)
    .await?)
}

/// Ends an unfinished snapshot as failed, with the reason.
pub async fn fail(state: &AppState, id: i64, reason: &str) {
    let res = snapshot::Entity::update_many()
        .col_expr(
            snapshot::Column::Status,
            sea_orm::sea_query::Expr::value(snapshot::status::FAILED),
        )
        .col_expr(
            snapshot::Column::Error,
            sea_orm::sea_query::Expr::value(reason.to_owned()),
        )
        .filter(snapshot::Column::Id.eq(id))
        .filter(snapshot::Column::Status.eq(snapshot::status::IN_PROGRESS))
        .exec(&state.db)
        .await;
    if let Err(e) = res {
        tracing::warn!(snapshot = id, error = %e, "could not mark the snapshot failed");
    }
}

/// The recursive query of the live subtree of `:root` (the folder included), saved shares
/// left out, as a `WITH` prefix whose table `tree(id)` holds the rows.
fn tree_cte(sql: &mut Sql, root: i64) {
    sql.push("WITH RECURSIVE tree(id) AS (SELECT id FROM files WHERE id = ")
        .bind(root)
        .push(
            " UNION ALL SELECT f.id FROM files f JOIN tree t ON f.parent_id = t.id \
             WHERE f.deleted_at IS NULL AND NOT f.is_symbolic) ",
        );
}

/// Objects in the folder's live subtree, the folder included, counted up to `limit` (the
/// walk stops there).
pub async fn count_tree(
    db: &impl ConnectionTrait,
    root: i64,
    limit: i64,
) -> Result<i64, SnapshotError> {
    let mut sql = Sql::new(db.get_database_backend());
    tree_cte(&mut sql, root);
    sql.push("SELECT CAST(COUNT(*) AS BIGINT) AS n FROM (SELECT 1 AS one FROM tree LIMIT ")
        .bind(limit.max(1))
        .push(") counted");
    let row = db.query_one_raw(sql.statement()).await?;
    Ok(row
        .map(|r| r.try_get::<i64>("", "n"))
        .transpose()?
        .unwrap_or(0))
}

/// Copies the folder's tree into the snapshot's nodes, raises the references of the blobs
/// they name and completes the row; inside the owner's write transaction.
pub async fn fill(
    txn: &DatabaseTransaction,
    row: &snapshot::Model,
    root: i64,
) -> Result<snapshot::Model, SnapshotError> {
    let backend = txn.get_database_backend();
    let metadata = if backend == DbBackend::Postgres {
        "(SELECT jsonb_object_agg(m.name, m.value) FROM metadata m WHERE m.file_id = f.id)"
    } else {
        "(SELECT CASE WHEN COUNT(*) = 0 THEN NULL ELSE json_group_object(m.name, m.value) END \
         FROM metadata m WHERE m.file_id = f.id)"
    };
    let mut sql = Sql::new(backend);
    tree_cte(&mut sql, root);
    sql.push(
        "INSERT INTO snapshot_nodes (snapshot_id, node_id, parent_node_id, type, name, size, \
         entity_id, created_at, updated_at, metadata) SELECT ",
    )
    .bind(row.id)
    .push(", f.id, CASE WHEN f.id = ")
    .bind(root)
    .push(" THEN NULL ELSE f.parent_id END, f.type, f.name, f.size, e.id, f.created_at, f.updated_at, ")
    .push(metadata)
    .push(
        " FROM tree JOIN files f ON f.id = tree.id \
         LEFT JOIN entities e ON e.id = f.primary_entity AND f.type = 0 \
         AND e.upload_session_id IS NULL WHERE f.type = 1 OR e.id IS NOT NULL",
    );
    txn.execute_raw(sql.statement()).await?;

    let mut sql = Sql::new(backend);
    sql.push(
        "UPDATE entities SET reference_count = entities.reference_count + g.n \
         FROM (SELECT entity_id, COUNT(*) AS n FROM snapshot_nodes WHERE snapshot_id = ",
    )
    .bind(row.id)
    .push(" AND entity_id IS NOT NULL GROUP BY entity_id) g WHERE entities.id = g.entity_id");
    txn.execute_raw(sql.statement()).await?;

    let now = Utc::now();
    let mut sql = Sql::new(backend);
    sql.push("UPDATE snapshots SET status = ")
        .bind(snapshot::status::COMPLETED)
        .push(", created_at = ")
        .bind(now)
        .push(", updated_at = ")
        .bind(now)
        .push(
            ", files = (SELECT CAST(COUNT(*) AS BIGINT) FROM snapshot_nodes n \
             WHERE n.snapshot_id = snapshots.id AND n.type = 0), \
             folders = (SELECT CAST(COUNT(*) AS BIGINT) FROM snapshot_nodes n \
             WHERE n.snapshot_id = snapshots.id AND n.type = 1 AND n.parent_node_id IS NOT NULL), \
             size = (SELECT CAST(COALESCE(SUM(n.size), 0) AS BIGINT) FROM snapshot_nodes n \
             WHERE n.snapshot_id = snapshots.id AND n.type = 0) WHERE id = ",
        )
        .bind(row.id);
    txn.execute_raw(sql.statement()).await?;
    snapshot::Entity::find_by_id(row.id)
        .one(txn)
        .await?
        .ok_or(SnapshotError::NotFound)
}
