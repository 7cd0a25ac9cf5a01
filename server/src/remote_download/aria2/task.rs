//! A torrent or magnet download run by aria2: added once (its id kept in the task's state,
//! so a later run watches the same download), watched every second, its selected files
//! written into the drive below `dst` when complete, then its files removed. aria2 absent
//! or unreachable ends the task with a clear error after the queue's retries, never hangs.

use std::{path::PathBuf, sync::Arc, time::Duration};

use base64::Engine;
use serde_json::{Map, Value, json};

use super::{Aria2Error, Rpc, endpoints::Endpoints, status::Status, torrent};
use crate::{
    auth::caller::{Caller, SignedIn},
    queue::{LogLine, TaskCtx, TaskError},
    remote_download::{
        RemoteDownloadError, publish, settings,
        state::{DownloadState, Source},
        task::{free_space, show},
    },
};

/// How often aria2 is asked for the status.
const WATCH_EVERY: Duration = Duration::from_secs(1);

fn failed(e: Aria2Error) -> TaskError {
    if e.passing() {
        TaskError::Retry(e.to_string())
    } else {
        TaskError::Fatal(e.to_string())
    }
}

pub async fn run(
    ctx: &TaskCtx,
    me: &Arc<SignedIn>,
    st: &mut DownloadState,
) -> Result<(), TaskError> {
    let conf = settings::aria2(&ctx.state)
        .await
        .map_err(|e| TaskError::Retry(e.to_string()))?;
    let rpc = Rpc::new(&conf).map_err(failed)?;
    let dir = folder(ctx, &conf).await?;
    let gid = match st.gid.clone() {
        Some(gid) => gid,
        None => {
            let gid = add(ctx, me, st, &rpc, &conf.options, &dir).await?;
            st.gid = Some(gid.clone());
            ctx.save_state(st).await?;
            ctx.log(LogLine::new("download.aria2Added").arg("gid", gid.clone()));
            gid
        }
    };
    if !st.published {
        let status = watch(ctx, me, st, &rpc, gid).await?;
        show(ctx, st, "transfer", status.props());
        for file in status.files.iter().filter(|f| f.selected) {
            let rel = status
                .relative(file)
                .ok_or_else(|| TaskError::Fatal("aria2 saved a file outside its folder".into()))?;
            publish::file(ctx, me, &st.dst, &file.path, &rel).await?;
        }
        st.published = true;
        ctx.save_state(st).await?;
    }
    if let Some(gid) = &st.gid {
        let _ = rpc.remove_result(gid).await;
    }
    let _ = tokio::fs::remove_dir_all(&dir).await;
    Ok(())
}

/// The folder aria2 saves this task's files in.
pub async fn folder(ctx: &TaskCtx, conf: &settings::Aria2Settings) -> Result<PathBuf, TaskError> {
    task_folder(&ctx.state, conf, ctx.task().id)
        .await
        .map_err(|e| TaskError::Retry(e.to_string()))
}

/// The folder aria2 saves task `id`'s files in: below its `temp_path`, else the part files'.
pub async fn task_folder(
    state: &crate::state::AppState,
    conf: &settings::Aria2Settings,
    id: i64,
) -> Result<PathBuf, sea_orm::DbErr> {
    let base = match conf.temp_path.trim() {
        "" => settings::part_dir(state).await?,
        p => PathBuf::from(p),
    };
    Ok(base.join(format!("aria2-{id}")))
}

async fn add(
    ctx: &TaskCtx,
    me: &Arc<SignedIn>,
    st: &DownloadState,
    rpc: &Rpc,
    extra: &Map<String, Value>,
    dir: &std::path::Path,
) -> Result<String, TaskError> {
    // Checked again here: the torrent file, the allowed ranges or the names may have
    // changed since the request.
    let guard = settings::guard(&ctx.state)
        .await
        .map_err(|e| TaskError::Retry(e.to_string()))?;
    let (torrent, trackers) = match &st.src {
        Source::Magnet(link) => {
            let endpoints = Endpoints::of_magnet(link).map_err(refused)?;
            (None, endpoints.check(&guard).await.map_err(refused)?)
        }
        Source::Torrent(uri) => {
            let caller = Caller::User(me.clone());
            let bytes = torrent::read(&ctx.state, &caller, uri)
                .await
                .map_err(refused)?;
            let trackers = torrent::check(&guard, &bytes).await.map_err(refused)?;
            (Some(bytes), trackers)
        }
        Source::Url(_) => return Err(TaskError::Fatal("not a torrent".into())),
    };
    let options = options(extra, dir, &trackers);
    match (&st.src, torrent) {
        (Source::Magnet(link), _) => rpc.add_uri(link, options).await.map_err(failed),
        (_, Some(bytes)) => {
            let b64 = base64::engine::general_purpose::STANDARD.encode(bytes);
            rpc.add_torrent(&b64, options).await.map_err(failed)
        }
        _ => Err(TaskError::Fatal("not a torrent".into())),
    }
}

/// A refusal of the download, or a passing failure to read its torrent file.
fn refused(e: RemoteDownloadError) -> TaskError {
    match e {
        RemoteDownloadError::Db(_) | RemoteDownloadError::Storage(_) => {
            TaskError::Retry(e.to_string())
        }
        e => TaskError::Fatal(e.to_string()),
    }
}

/// The options of a download: the administrator's extra options, then what keeps aria2 to
/// the checked `trackers`. The torrent's own trackers are dropped and the checked ones added
/// back (after the administrator's `bt-tracker`, if any); no peers from local discovery or
/// peer exchange; a torrent or metalink a web seed answers is not followed. (DHT is a global
/// option of aria2's, off only when aria2 was started with `--enable-dht=false`.)
fn options(
    extra: &Map<String, Value>,
    dir: &std::path::Path,
    trackers: &[String],
) -> Map<String, Value> {
    let mut options = Map::new();
    options.insert("seed-time".into(), json!("0"));
    options.extend(extra.clone());
    let mut added: Vec<String> = extra
        .get("bt-tracker")
        .and_then(Value::as_str)
        .filter(|t| !t.trim().is_empty())
        .map(|t| vec![t.to_owned()])
        .unwrap_or_default();
    added.extend(trackers.iter().cloned());
    options.remove("bt-tracker");
    if !added.is_empty() {
        options.insert("bt-tracker".into(), json!(added.join(",")));
    }
    for (key, value) in [
        ("bt-exclude-tracker", "*"),
        ("bt-enable-lpd", "false"),
        ("enable-peer-exchange", "false"),
        ("follow-torrent", "false"),
        ("follow-metalink", "false"),
    ] {
        options.insert(key.into(), json!(value));
    }
    options.insert("dir".into(), json!(dir.to_string_lossy()));
    options
}

/// Watches the download until its selected files are in.
async fn watch(
    ctx: &TaskCtx,
    me: &SignedIn,
    st: &mut DownloadState,
    rpc: &Rpc,
    mut gid: String,
) -> Result<Status, TaskError> {
    let free = free_space(me);
    loop {
        let raw = rpc.tell_status(&gid).await.map_err(failed)?;
        let status = Status::read(&raw);
        if let Some(next) = status.followed_by.clone() {
            gid = next;
            st.gid = Some(gid.clone());
            ctx.save_state(st).await?;
            continue;
        }
        let phase = if status.seeder { "seeding" } else { "monitor" };
        show(ctx, st, phase, status.props());
        ctx.progress(
            "download",
            status.done as i64,
            status.total as i64,
            &status.name,
        );
        if status.total > free {
            let _ = rpc.force_remove(&gid).await;
            return Err(TaskError::Fatal(format!(
                "the download needs more space than you have free: {} bytes, {free} free",
                status.total
            )));
        }
        match status.state.as_str() {
            "error" => return Err(TaskError::Fatal(format!("aria2: {}", status.error))),
            "removed" => return Err(TaskError::Fatal("aria2: the download was removed".into())),
            _ if status.finished() => {
                if status.state != "complete" {
                    let _ = rpc.force_remove(&gid).await; // stop seeding
                }
                return Ok(status);
            }
            _ => {}
        }
        tokio::time::sleep(WATCH_EVERY).await;
    }
}
