//! The `media_meta_backfill` task (on the `media_meta` queue): when a settings change switches
//! a reader on (`media_meta_ffprobe`, `media_meta_exif`, `media_meta_music` or `media_meta`
//! itself), the files that existed before it are read too, as new versions are, a batch at a
//! time by id, with progress `media_meta` and summary props `total` and `exts`. The position
//! is saved after each batch, so a stopped backfill goes on from there. Built like the
//! full-text rebuild (`fts::rebuild`).

use std::collections::HashMap;

use futures_util::{FutureExt, future::BoxFuture};
use sea_orm::{
    ColumnTrait, Condition, EntityTrait, PaginatorTrait, QueryFilter, QueryOrder, QuerySelect,
    sea_query::{Expr, ExprTrait, Func},
};
use serde::{Deserialize, Serialize};
use serde_json::json;
use stratus_entity::{file, task};

use super::{
    EXIF_EXTS, FFPROBE_EXTS, MUSIC_EXTS, Readers,
    task::{MetaState, read_version},
};
use crate::{
    queue::{self, LogLine, TaskCtx, TaskError, TaskKind, store},
    state::AppState,
};

/// Files read per batch.
const BATCH: u64 = 100;

/// The task's stored state.
#[derive(Debug, Clone, Default, Serialize, Deserialize)]
pub struct BackfillState {
    /// Extensions (lower case) of the files to read.
    pub exts: Vec<String>,
    /// Files with a smaller id are done.
    #[serde(default)]
    pub after_id: i64,
    #[serde(default)]
    pub total: i64,
    #[serde(default)]
    pub done: i64,
}

pub struct MediaMetaBackfill;

impl MediaMetaBackfill {
    pub const NAME: &'static str = queue::kinds::MEDIA_META_BACKFILL;
}

impl TaskKind for MediaMetaBackfill {
    fn name(&self) -> &'static str {
        Self::NAME
    }

    fn run<'a>(&'a self, ctx: &'a TaskCtx) -> BoxFuture<'a, Result<(), TaskError>> {
        run(ctx).boxed()
    }
}

/// The extensions some reader takes under the settings `after` and took under `before`
/// no reader of the same kind: the files a change from `before` to `after` leaves unread.
pub fn newly_read(
    before: &HashMap<String, String>,
    after: &HashMap<String, String>,
) -> Vec<String> {
    let mut exts: Vec<&str> = EXIF_EXTS
        .iter()
        .chain(MUSIC_EXTS)
        .chain(FFPROBE_EXTS)
        .copied()
        .collect();
    exts.sort_unstable();
    exts.dedup();
    exts.into_iter()
        .filter(|ext| {
            let name = format!("x.{ext}");
            let (was, now) = (
                Readers::for_name(before, &name),
                Readers::for_name(after, &name),
            );
            (now.exif && !was.exif) || (now.music && !was.music) || (now.ffprobe && !was.ffprobe)
        })
        .map(str::to_owned)
        .collect()
}

/// Queues the reading of the existing files called `*.<ext>` for administrator `admin_id`.
pub async fn submit(
    state: &AppState,
    admin_id: i64,
    exts: Vec<String>,
) -> Result<task::Model, sea_orm::DbErr> {
    let summary = json!({"phase": "read", "props": {"total": 0, "exts": exts}});
    let st = BackfillState {
        exts,
        ..Default::default()
    };
    store::submit(
        state,
        &MediaMetaBackfill,
        Some(admin_id),
        serde_json::to_string(&st).expect("state serializes"),
        summary,
        None,
    )
    .await
}

fn retry(e: impl std::fmt::Display) -> TaskError {
    TaskError::Retry(e.to_string())
}

async fn run(ctx: &TaskCtx) -> Result<(), TaskError> {
    let mut st: BackfillState = ctx.required_state()?;
    let db = &ctx.state.db;
    if st.after_id == 0 && st.done == 0 {
        st.total = eligible(&st.exts).count(db).await.map_err(retry)? as i64;
        ctx.save_state(&st).await?;
    }
    loop {
        ctx.summary("read", json!({"total": st.total, "exts": st.exts}));
        ctx.progress("media_meta", st.done, st.total, "");
        let batch = eligible(&st.exts)
            .filter(file::Column::Id.gt(st.after_id))
            .order_by_asc(file::Column::Id)
            .limit(BATCH)
            .all(db)
            .await
            .map_err(retry)?;
        let Some(last) = batch.last().map(|f| f.id) else {
            break;
        };
        for f in batch {
            if ctx.cancelled().is_cancelled() {
                return Err(TaskError::Lost);
            }
            let Some(entity_id) = f.primary_entity else {
                st.done += 1;
                continue;
            };
            let meta = MetaState {
                file_id: f.id,
                entity_id,
            };
            read_version(ctx, &meta, f.owner_id).await?;
            st.done += 1;
        }
        st.after_id = last;
        ctx.save_state(&st).await?;
    }
    ctx.progress("media_meta", st.done, std::cmp::max(st.done, st.total), "");
    ctx.log(LogLine::new("media.backfilled").arg("done", st.done));
    Ok(())
}

/// The live files with content whose name ends in `.<ext>` for one of `exts`.
fn eligible(exts: &[String]) -> sea_orm::Select<file::Entity> {
    let lower_name = Expr::expr(Func::lower(Expr::col(file::Column::Name)));
    let by_ext = exts.iter().fold(Condition::any(), |any, ext| {
        any.add(lower_name.clone().like(format!("%.{ext}")))
    });
    file::Entity::find()
        .filter(file::Column::Type.eq(file::kind::FILE))
        .filter(file::Column::DeletedAt.is_null())
        .filter(file::Column::IsSymbolic.eq(false))
        .filter(file::Column::PrimaryEntity.is_not_null())
        .filter(file::Column::Size.gt(0))
        .filter(by_ext)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn settings(pairs: &[(&str, &str)]) -> HashMap<String, String> {
        pairs
            .iter()
            .map(|(k, v)| ((*k).to_owned(), (*v).to_owned()))
            .collect()
    }

    #[test]
    fn what_a_change_leaves_unread() {
        let base = [
            ("media_meta", "1"),
            ("media_meta_exif", "1"),
            ("media_meta_music", "1"),
            ("media_meta_ffprobe", "0"),
        ];
        let before = settings(&base);
        let mut on = base;
        on[3].1 = "1";
        let after = settings(&on);
        let exts = newly_read(&before, &after);
        // ffprobe reads videos and audio; pictures are read already.
        assert!(exts.contains(&"mp4".to_owned()) && exts.contains(&"mp3".to_owned()));
        assert!(!exts.contains(&"jpg".to_owned()));
        assert!(newly_read(&after, &after).is_empty());
        assert!(
            newly_read(&after, &before).is_empty(),
            "turning off reads nothing"
        );
        // The master switch turned on: everything its readers take.
        let mut off = base;
        off[0].1 = "0";
        let exts = newly_read(&settings(&off), &before);
        assert!(exts.contains(&"jpg".to_owned()) && exts.contains(&"mp3".to_owned()));
        assert!(!exts.contains(&"mp4".to_owned()), "ffprobe is off");
    }
}
