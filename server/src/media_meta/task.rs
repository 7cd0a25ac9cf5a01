//! The `media_meta` task: reads the EXIF, tags and streams of one version of a file into its
//! `exif:*`, `music:*` and `stream:*` metadata.

use std::{
    collections::HashMap,
    io::{BufReader, Seek},
};

use futures_util::{FutureExt, future::BoxFuture};
use sea_orm::{ColumnTrait, EntityTrait, QueryFilter};
use serde::{Deserialize, Serialize};
use stratus_entity::{entity, file, storage_policy};

use super::{NAMESPACES, Readers, exif, ffprobe, music};
use crate::{
    fs::{
        metadata::{remove_with_namespaces, upsert},
        tx,
    },
    queue::{self, LogLine, TaskCtx, TaskError, TaskKind},
    storage::seekable,
    thumb::external,
};

/// Largest picture read on a local policy unless `media_meta_exif_size_local` says.
const LOCAL_CAP: u64 = 1 << 30;
/// Largest picture read on other policies unless `media_meta_exif_size_remote` says.
const REMOTE_CAP: u64 = 100 << 20;

/// Longest value kept (EXIF strings are short; a corrupt one may not be).
const MAX_VALUE_CHARS: usize = 1024;

/// The task's stored state: which version of which file.
#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct MetaState {
    pub file_id: i64,
    pub entity_id: i64,
}

pub struct MediaMeta;

impl MediaMeta {
    pub const NAME: &'static str = queue::kinds::MEDIA_META_TASK;
}

impl TaskKind for MediaMeta {
    fn name(&self) -> &'static str {
        Self::NAME
    }

    fn run<'a>(&'a self, ctx: &'a TaskCtx) -> BoxFuture<'a, Result<(), TaskError>> {
        run(ctx).boxed()
    }
}

fn retry(e: impl std::fmt::Display) -> TaskError {
    TaskError::Retry(e.to_string())
}

async fn run(ctx: &TaskCtx) -> Result<(), TaskError> {
    let st: MetaState = ctx.required_state()?;
    let owner = ctx
        .task()
        .user_id
        .ok_or_else(|| TaskError::Fatal("the task has no owner".into()))?;
    match read_version(ctx, &st, owner).await? {
        Some(n) => ctx.log(LogLine::new("media.read").arg("fields", n)),
        None => ctx.log(LogLine::new("media.stale")),
    }
    Ok(())
}

/// Reads version `st.entity_id` of file `st.file_id` (of `owner`) with the readers the
/// settings switch on for its type, and stores what it finds. Answers the number of keys
/// stored, or `None` when the file has another version now. Also run, file after file, by
/// the backfill of [`super::backfill`].
pub(super) async fn read_version(
    ctx: &TaskCtx,
    st: &MetaState,
    owner: i64,
) -> Result<Option<usize>, TaskError> {
    let db = &ctx.state.db;
    let Some(name) = current(ctx, st).await? else {
        return Ok(None);
    };
    let Some(blob) = entity::Entity::find_by_id(st.entity_id)
        .one(db)
        .await
        .map_err(retry)?
    else {
        return Ok(Some(0));
    };
    let local = storage_policy::Entity::find_by_id(blob.storage_policy_id)
        .one(db)
        .await
        .map_err(retry)?
        .is_some_and(|p| p.r#type == storage_policy::kind::LOCAL);
    let all = ctx.state.settings.all().await.map_err(retry)?;
    let mut readers = Readers::for_name(&all, &name);
    apply_size_caps(ctx, &all, local, blob.size.max(0) as u64, &mut readers);
    if !readers.any() {
        return Ok(Some(0));
    }
    let mut keys = read_in_process(ctx, &blob, &readers).await?;
    if readers.ffprobe {
        keys.extend(read_streams(ctx, &all, &blob, &name).await?);
    }
    store(ctx, st, owner, &keys).await?;
    Ok(Some(keys.len()))
}

/// Turns off each reader whose size cap the blob is over: the caps differ for blobs on a
/// local policy (read in place) and elsewhere (copied first).
fn apply_size_caps(
    ctx: &TaskCtx,
    all: &HashMap<String, String>,
    local: bool,
    size: u64,
    readers: &mut Readers,
) {
    // (what, local policies' key and default, other policies' key and default); 0 is no
    // limit, as Cloudreve reads it for ffprobe.
    let caps = [
        (
            "EXIF",
            "media_meta_exif_size_local",
            LOCAL_CAP,
            "media_meta_exif_size_remote",
            REMOTE_CAP,
        ),
        (
            "tags",
            "media_meta_music_size_local",
            LOCAL_CAP,
            "media_exif_music_size_remote",
            LOCAL_CAP,
        ),
        (
            "streams",
            "media_meta_ffprobe_size_local",
            0,
            "media_meta_ffprobe_size_remote",
            0,
        ),
    ];
    let flags = [&mut readers.exif, &mut readers.music, &mut readers.ffprobe];
    for ((what, local_key, local_cap, remote_key, remote_cap), on) in caps.into_iter().zip(flags) {
        let (key, default) = if local {
            (local_key, local_cap)
        } else {
            (remote_key, remote_cap)
        };
        let cap = all
            .get(key)
            .and_then(|v| v.trim().parse().ok())
            .unwrap_or(default);
        if *on && cap > 0 && size > cap {
            ctx.log(
                LogLine::new("media.tooLarge")
                    .arg("size", size)
                    .arg("cap", cap)
                    .arg("reader", what),
            );
            *on = false;
        }
    }
}

/// EXIF and music tags, read from one copy of the blob on a blocking thread.
async fn read_in_process(
    ctx: &TaskCtx,
    blob: &entity::Model,
    readers: &Readers,
) -> Result<Vec<(&'static str, String)>, TaskError> {
    if !(readers.exif || readers.music) {
        return Ok(Vec::new());
    }
    let copy = copy_of(ctx, blob).await?;
    let (exif_on, music_on) = (readers.exif, readers.music);
    tokio::task::spawn_blocking(move || {
        let mut reader = BufReader::new(copy);
        let mut keys = Vec::new();
        if exif_on {
            keys.extend(exif::read(&mut reader));
        }
        if music_on && reader.seek(std::io::SeekFrom::Start(0)).is_ok() {
            keys.extend(music::read(&mut reader));
        }
        keys
    })
    .await
    .map_err(retry)
}

/// The stream keys `ffprobe` finds; none (and a log line) for a file it cannot read.
async fn read_streams(
    ctx: &TaskCtx,
    all: &HashMap<String, String>,
    blob: &entity::Model,
    name: &str,
) -> Result<Vec<(&'static str, String)>, TaskError> {
    let program = match all.get("media_meta_ffprobe_path").map(|v| v.trim()) {
        Some(p) if !p.is_empty() => p.to_owned(),
        _ => "ffprobe".to_owned(),
    };
    let limits = ffprobe::FfprobeLimits::from_settings(all);
    match Box::pin(probe(ctx, blob, name, &program, &limits)).await? {
        Ok(found) => Ok(found),
        // A file ffprobe cannot read has no stream keys; trying again would not help.
        Err(reason) => {
            ctx.log(LogLine::new("media.ffprobe").arg("reason", reason));
            Ok(Vec::new())
        }
    }
}

/// The file's name while the version is still its current one.
async fn current(ctx: &TaskCtx, st: &MetaState) -> Result<Option<String>, TaskError> {
    Ok(file::Entity::find_by_id(st.file_id)
        .one(&ctx.state.db)
        .await
        .map_err(retry)?
        .filter(|f| f.primary_entity == Some(st.entity_id))
        .map(|f| f.name))
}

/// Streams the blob into a private folder and runs `ffprobe` on it there.
async fn probe(
    ctx: &TaskCtx,
    blob: &entity::Model,
    name: &str,
    program: &str,
    limits: &ffprobe::FfprobeLimits,
) -> Result<Result<Vec<(&'static str, String)>, String>, TaskError> {
    let parent = ctx.state.temp_dir().await.map_err(retry)?;
    tokio::fs::create_dir_all(&parent).await.map_err(retry)?;
    let dir = tempfile::Builder::new()
        .prefix("probe-")
        .tempdir_in(parent)
        .map_err(retry)?;
    let ext = name.rsplit_once('.').map_or("", |(_, ext)| ext);
    let src = external::source_name(ext);
    let driver = ctx
        .state
        .storage
        .driver(blob.storage_policy_id)
        .await
        .map_err(retry)?;
    let object = driver.get(&blob.source, None).await.map_err(retry)?;
    external::stage(object.stream, dir.path(), &src, blob.size.max(0) as u64)
        .await
        .map_err(retry)?;
    let found = ffprobe::read(program, dir.path(), &src, limits).await;
    let _ = tokio::task::spawn_blocking(move || dir.close()).await;
    Ok(found)
}

/// The blob as a file to seek in: in place on a local policy, else a temporary copy.
async fn copy_of(ctx: &TaskCtx, blob: &entity::Model) -> Result<std::fs::File, TaskError> {
    let driver = ctx
        .state
        .storage
        .driver(blob.storage_policy_id)
        .await
        .map_err(retry)?;
    let temp = ctx.state.temp_dir().await.map_err(retry)?.join("spool");
    seekable(&*driver, &blob.source, &temp).await.map_err(retry)
}

/// Replaces the file's `exif:*`, `music:*` and `stream:*` keys with `keys`, unless it changed version meanwhile.
async fn store(
    ctx: &TaskCtx,
    st: &MetaState,
    owner: i64,
    keys: &[(&'static str, String)],
) -> Result<(), TaskError> {
    let txn = tx::begin(&ctx.state.db, owner).await.map_err(retry)?;
    let still = file::Entity::find_by_id(st.file_id)
        .filter(file::Column::PrimaryEntity.eq(st.entity_id))
        .one(&txn)
        .await
        .map_err(retry)?
        .is_some();
    if still {
        remove_with_namespaces(&txn, st.file_id, &[], NAMESPACES)
            .await
            .map_err(retry)?;
        for (key, value) in keys {
            let value: String = value.chars().take(MAX_VALUE_CHARS).collect();
            upsert(&txn, st.file_id, key, &value, true)
                .await
                .map_err(retry)?;
        }
    }
    txn.commit().await.map_err(retry)
}
