//! The `full_text_rebuild` task (`POST /workflow/rebuildFtsIndex`, and queued when an
//! administrator turns `fts_enabled` on; on the `media_meta` queue):
//! empties the index (phase `nuke`), then indexes every live file whose type has text, a batch
//! at a time by id (phase `index`), with progress `rebuild_index` and summary props `total` and
//! `failed`. The position is saved after each batch, so a stopped rebuild goes on from there.

use futures_util::{FutureExt, future::BoxFuture};
use sea_orm::{
    ColumnTrait, Condition, EntityTrait, PaginatorTrait, QueryFilter, QueryOrder, QuerySelect,
    sea_query::{Expr, ExprTrait, Func, Query},
};
use serde::{Deserialize, Serialize};
use serde_json::json;
use stratus_entity::{entity, file, task};

use super::{extract::Format, index, task::index_version, task::retry};
use crate::{
    queue::{self, LogLine, TaskCtx, TaskError, TaskKind, store},
    state::AppState,
};

/// Files read per batch.
const BATCH: u64 = 200;

/// The task's stored state.
#[derive(Debug, Clone, Default, Serialize, Deserialize)]
pub struct RebuildState {
    /// Only versions stored in these policies (all when empty).
    #[serde(default)]
    pub policies: Vec<i64>,
    /// The index was emptied.
    #[serde(default)]
    pub cleared: bool,
    /// Files with a smaller id are done.
    #[serde(default)]
    pub after_id: i64,
    #[serde(default)]
    pub total: i64,
    #[serde(default)]
    pub done: i64,
    #[serde(default)]
    pub failed: i64,
}

pub struct FullTextRebuild;

impl FullTextRebuild {
    pub const NAME: &'static str = queue::kinds::FULL_TEXT_REBUILD;
}

impl TaskKind for FullTextRebuild {
    fn name(&self) -> &'static str {
        Self::NAME
    }

    fn run<'a>(&'a self, ctx: &'a TaskCtx) -> BoxFuture<'a, Result<(), TaskError>> {
        run(ctx).boxed()
    }
}

/// Queues a rebuild for administrator `admin_id`.
pub async fn submit(
    state: &AppState,
    admin_id: i64,
    policies: Vec<i64>,
) -> Result<task::Model, sea_orm::DbErr> {
    let st = RebuildState {
        policies,
        ..Default::default()
    };
    store::submit(
        state,
        &FullTextRebuild,
        Some(admin_id),
        serde_json::to_string(&st).expect("state serializes"),
        json!({"phase": "nuke", "props": {"total": 0, "failed": 0}}),
        None,
    )
    .await
}

/// Queues a rebuild of the whole index for administrator `admin_id` unless one is queued or
/// running: what turning search on starts, since nothing was indexed while it was off.
pub async fn submit_unless_running(
    state: &AppState,
    admin_id: i64,
) -> Result<Option<task::Model>, sea_orm::DbErr> {
    let open = task::Entity::find()
        .filter(task::Column::Type.eq(FullTextRebuild::NAME))
        .filter(task::Column::Status.is_in([task::status::QUEUED, task::status::PROCESSING]))
        .count(&state.db)
        .await?;
    if open > 0 {
        return Ok(None);
    }
    submit(state, admin_id, Vec::new()).await.map(Some)
}

async fn run(ctx: &TaskCtx) -> Result<(), TaskError> {
    let mut st: RebuildState = ctx.stored_state()?.unwrap_or_default();
    let db = &ctx.state.db;
    if !st.cleared {
        ctx.summary("nuke", json!({"total": 0, "failed": 0}));
        index::clear(db).await.map_err(retry)?;
        st.total = eligible(&st).count(db).await.map_err(retry)? as i64;
        st.cleared = true;
        ctx.save_state(&st).await?;
    }
    let (limits, timeout) = super::limits(&ctx.state.settings).await.map_err(retry)?;
    loop {
        ctx.summary("index", json!({"total": st.total, "failed": st.failed}));
        ctx.progress("rebuild_index", st.done, st.total, "");
        let batch = eligible_after(ctx, &st, st.after_id, BATCH).await?;
        let Some(&(last, _)) = batch.last() else {
            break;
        };
        for (file_id, entity_id) in batch {
            if ctx.cancelled().is_cancelled() {
                return Err(TaskError::Lost);
            }
            if let Some(Err(_)) =
                index_version(&ctx.state, file_id, entity_id, limits, timeout).await?
            {
                st.failed += 1;
            }
            st.done += 1;
        }
        st.after_id = last;
        ctx.save_state(&st).await?;
    }
    ctx.progress("rebuild_index", st.done, st.total, "");
    ctx.summary("index", json!({"total": st.total, "failed": st.failed}));
    ctx.log(
        LogLine::new("fts.rebuilt")
            .arg("done", st.done)
            .arg("failed", st.failed),
    );
    Ok(())
}

/// Up to `limit` live files after `after_id` whose type has text, with their current version,
/// by id.
async fn eligible_after(
    ctx: &TaskCtx,
    st: &RebuildState,
    after_id: i64,
    limit: u64,
) -> Result<Vec<(i64, i64)>, TaskError> {
    let db = &ctx.state.db;
    let mut out = Vec::new();
    let mut cursor = after_id;
    // Rows are read in pages; the extension test is also Rust's ([`Format::of`]), the
    // authority the SQL one mirrors.
    loop {
        let rows = eligible(st)
            .filter(file::Column::Id.gt(cursor))
            .order_by_asc(file::Column::Id)
            .limit(1000)
            .all(db)
            .await
            .map_err(retry)?;
        let Some(last) = rows.last() else {
            return Ok(out);
        };
        cursor = last.id;
        let picked: Vec<(i64, i64)> = rows
            .iter()
            .filter(|f| Format::of(&f.name).is_some())
            .filter_map(|f| f.primary_entity.map(|e| (f.id, e)))
            .collect();
        for p in picked {
            out.push(p);
            if out.len() as u64 >= limit {
                return Ok(out);
            }
        }
    }
}

/// The live files whose name has a text format's extension, with a current version (in one of
/// `st.policies` when it names some): what a rebuild reads, counted by one query.
fn eligible(st: &RebuildState) -> sea_orm::Select<file::Entity> {
    let lower_name = Expr::expr(Func::lower(Expr::col(file::Column::Name)));
    let by_ext = Format::extensions().fold(Condition::any(), |any, ext| {
        any.add(lower_name.clone().like(format!("%.{ext}")))
    });
    let mut q = file::Entity::find()
        .filter(file::Column::Type.eq(file::kind::FILE))
        .filter(file::Column::DeletedAt.is_null())
        .filter(file::Column::IsSymbolic.eq(false))
        .filter(file::Column::PrimaryEntity.is_not_null())
        .filter(by_ext);
    if !st.policies.is_empty() {
        q = q.filter(
            file::Column::PrimaryEntity.in_subquery(
                Query::select()
                    .column(entity::Column::Id)
                    .from(entity::Entity)
                    .and_where(entity::Column::StoragePolicyId.is_in(st.policies.clone()))
                    .to_owned(),
            ),
        );
    }
    q
}
