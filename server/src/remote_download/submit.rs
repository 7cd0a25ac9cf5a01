//! `POST /workflow/download`: checks a request and queues one `remote_download` task per
//! URL (or one for a torrent file in the drive).

use serde_json::json;
use stratus_entity::task;
use url::Url;

use super::{
    RemoteDownloadError as E,
    aria2::{endpoints::Endpoints, torrent},
    settings,
    state::{DownloadState, Source},
    task::RemoteDownload,
};
use crate::{
    auth::caller::{Caller, SignedIn},
    boolset::group_perm,
    fs::{
        error::FsError,
        nav::FsCtx,
        uri::{FileUri, FsKind},
    },
    net::guard::{Guard, GuardError},
    queue::store,
    state::AppState,
};

/// What the caller asked for.
pub struct DownloadRequest {
    pub src: Vec<String>,
    pub src_file: Option<String>,
    pub dst: String,
}

/// Queues the downloads of `req` for the caller; the tasks in the order of `src`.
pub async fn submit(
    state: &AppState,
    caller: &Caller,
    req: DownloadRequest,
) -> Result<Vec<task::Model>, E> {
    let ctx = FsCtx::new(state, caller);
    let me = ctx.user()?;
    if !me.permissions().enabled(group_perm::REMOTE_DOWNLOAD) {
        return Err(E::NotAllowed);
    }
    let dst = FileUri::parse(&req.dst)?;
    if dst.fs != FsKind::My {
        return Err(FsError::NoPermission("downloads go to your own files").into());
    }
    let sources = match (req.src.is_empty(), req.src_file) {
        (false, None) => {
            let batch = batch_limit(me);
            if req.src.len() as i64 > batch {
                return Err(E::Batch(batch));
            }
            let guard = settings::guard(state).await?;
            let mut sources = Vec::with_capacity(req.src.len());
            for raw in &req.src {
                sources.push(url_source(&guard, raw.trim()).await?);
            }
            sources
        }
        (true, Some(file)) => vec![torrent_source(state, caller, &file).await?],
        _ => return Err(E::Source),
    };
    store::ensure_room(&state.db, me, sources.len() as u64).await?;
    let mut rows = Vec::with_capacity(sources.len());
    for src in sources {
        rows.push(queue(state, me, src, dst.without_query().to_string()).await?);
    }
    Ok(rows)
}

/// The group's `aria2_batch`: URLs one request may hold.
fn batch_limit(me: &SignedIn) -> i64 {
    me.group
        .settings
        .get("aria2_batch")
        .and_then(|v| v.as_i64())
        .unwrap_or(1)
        .max(1)
}

async fn url_source(guard: &Guard, raw: &str) -> Result<Source, E> {
    if raw
        .get(..7)
        .is_some_and(|p| p.eq_ignore_ascii_case("magnet:"))
    {
        Endpoints::of_magnet(raw)?.check(guard).await?;
        return Ok(Source::Magnet(raw.to_owned()));
    }
    let url = Url::parse(raw).map_err(|e| E::BadUrl(format!("{raw}: not a URL ({e})")))?;
    match guard.check(&url).await {
        // The name may resolve later; the run checks it again before every request.
        Ok(_) | Err(GuardError::Resolve { .. }) => Ok(Source::Url(url.to_string())),
        Err(e) => Err(e.into()),
    }
}

/// A torrent file of the caller's, read and its trackers and web seeds checked now, so a
/// refusal is the request's answer.
async fn torrent_source(state: &AppState, caller: &Caller, raw: &str) -> Result<Source, E> {
    let bytes = torrent::read(state, caller, raw).await?;
    torrent::check(&settings::guard(state).await?, &bytes).await?;
    let uri = FileUri::parse(raw)?;
    Ok(Source::Torrent(uri.without_query().to_string()))
}

async fn queue(
    state: &AppState,
    me: &SignedIn,
    src: Source,
    dst: String,
) -> Result<task::Model, E> {
    let st = DownloadState {
        src,
        dst,
        received: 0,
        total: None,
        name: None,
        gid: None,
        published: false,
    };
    let summary = json!({
        "phase": "",
        "props": {"src_str": st.src.text(), "dst": st.dst},
    });
    let private = serde_json::to_string(&st).unwrap_or_default();
    Ok(store::submit(
        state,
        &RemoteDownload,
        Some(me.user.id),
        private,
        summary,
        None,
    )
    .await?)
}
