//! Changing a remote download from outside its run: cancel (any task; for a remote download
//! the transfer stops and its partial data is removed) and choosing a torrent's files.

use std::time::Duration;

use serde_json::json;

use super::{
    RemoteDownloadError as E,
    aria2::{Rpc, status::Status, task::task_folder},
    settings,
    state::{DownloadState, Source},
    task::RemoteDownload,
};
use crate::{
    queue::{QueueError, Registry, store},
    state::AppState,
};

/// How long a canceled aria2 download is given to stop before its files are removed.
const STOP_WAIT: Duration = Duration::from_secs(5);

/// Cancels the owner's task `id`; what it kept outside the database is removed
/// ([`crate::queue::TaskKind::discard`]: a remote download's part file or aria2 job).
pub async fn cancel(state: &AppState, id: i64, owner: i64) -> Result<(), E> {
    store::cancel(state, id, Some(owner)).await?;
    // The run kept the newest aria2 id in its state: the row as it is after the cancel.
    let Ok(row) = store::find(&state.db, id, None).await else {
        return Ok(());
    };
    if let Some(kind) = Registry::of(state).kind(&row.r#type) {
        kind.discard(state, &row).await;
    }
    Ok(())
}

/// Removes the partial data of task `id`: its part file, or its aria2 download and files.
pub async fn leftovers(state: &AppState, id: i64, st: &DownloadState) {
    if let Ok(part) = settings::part_file(state, id).await {
        let _ = tokio::fs::remove_file(part).await;
    }
    if matches!(st.src, Source::Url(_)) {
        return;
    }
    let Ok(conf) = settings::aria2(state).await else {
        return;
    };
    if let (Some(gid), Ok(rpc)) = (&st.gid, Rpc::new(&conf)) {
        if let Err(e) = rpc.force_remove(gid).await {
            tracing::info!(task = id, "aria2 forceRemove: {e}");
        }
        let deadline = tokio::time::Instant::now() + STOP_WAIT;
        while tokio::time::Instant::now() < deadline {
            match rpc.tell_status(gid).await {
                Ok(s) if Status::read(&s).state != "removed" => {
                    tokio::time::sleep(Duration::from_millis(100)).await
                }
                _ => break,
            }
        }
        let _ = rpc.remove_result(gid).await;
    }
    if let Ok(dir) = task_folder(state, &conf, id).await {
        let _ = tokio::fs::remove_dir_all(dir).await;
    }
}

/// Selects (`true`) or leaves out files of the owner's torrent download by aria2's index.
pub async fn select(
    state: &AppState,
    id: i64,
    owner: i64,
    choices: &[(u64, bool)],
) -> Result<(), E> {
    let row = store::find(&state.db, id, Some(owner)).await?;
    if row.r#type != RemoteDownload::NAME {
        return Err(E::NotSelectable);
    }
    if !store::LIVE.contains(&row.status.as_str()) {
        return Err(QueueError::Ended.into());
    }
    let st: DownloadState =
        serde_json::from_str(&row.private_state).map_err(|_| E::NotSelectable)?;
    if matches!(st.src, Source::Url(_)) {
        return Err(E::NotSelectable);
    }
    let gid = st.gid.ok_or(E::NotStarted)?;
    let conf = settings::aria2(state).await?;
    let rpc = Rpc::new(&conf).map_err(|e| E::Downloader(e.to_string()))?;
    let now = rpc
        .tell_status(&gid)
        .await
        .map_err(|e| E::Downloader(e.to_string()))?;
    let now = Status::read(&now);
    if now.files.is_empty() {
        return Err(E::NotStarted);
    }
    let mut chosen: Vec<u64> = Vec::new();
    for f in &now.files {
        let pick = choices
            .iter()
            .rev()
            .find(|(i, _)| *i == f.index)
            .map_or(f.selected, |(_, d)| *d);
        if pick {
            chosen.push(f.index);
        }
    }
    if let Some((bad, _)) = choices
        .iter()
        .find(|(i, _)| !now.files.iter().any(|f| f.index == *i))
    {
        return Err(E::Param(format!("files: no file has index {bad}")));
    }
    if chosen.is_empty() {
        return Err(E::Param("files: select at least one file".into()));
    }
    let list: Vec<String> = chosen.iter().map(u64::to_string).collect();
    rpc.change_option(&gid, json!({"select-file": list.join(",")}))
        .await
        .map_err(|e| E::Downloader(e.to_string()))?;
    Ok(())
}
