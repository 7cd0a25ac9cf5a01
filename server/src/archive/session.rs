//! Archive sessions (spec §7.3): `POST /file/url {archive: true}` checks the URIs, stores
//! `{uris, requester_id}` in the `kv` table as `archive_<uuid>` for `archive_timeout`
//! seconds and hands out one signed URL, `<site>/api/v4/file/archive/<uuid>/archive.zip`.
//!
//! The URL is the credential (download managers fetch it without a session), and it is bound
//! to the requester: the session names whose rights the zip is built with, and the signature
//! covers the session id, so a signature cannot be moved to someone else's session.
//!
//! A zip of items reached through a share counts one download of that share when its URL is
//! handed out, whatever it holds (as one `POST /file/url` of a file does); a share whose
//! downloads are used up refuses it. When a share with a download limit was counted,
//! the session serves one request only ([`crate::share::download`]).

use std::time::Duration;

use chrono::Utc;
use serde::{Deserialize, Serialize};

use super::ArchiveError;
use crate::{
    auth::sign, boolset::group_perm, download::link, fs::nav::FsCtx, kv, share, state::AppState,
};

/// The `kind` of archive rows in the `kv` table.
const KV_KIND: &str = "archive";
/// Where archive routes live, below the site base.
pub const ARCHIVE_PREFIX: &str = "/api/v4/file/archive";

/// What a session remembers.
#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct ArchiveSession {
    /// The URIs to pack, as checked when the session was made.
    pub uris: Vec<String>,
    /// Whose rights the archive is built with: a user, or none for a signed-out visitor of
    /// a share (whose group, the anonymous one, allows archives).
    pub requester_id: Option<i64>,
    /// A share with a download limit counted this zip: the session serves one request.
    #[serde(default)]
    pub once: bool,
}

/// A signed archive URL and when it stops working (unix seconds).
#[derive(Debug)]
pub struct ArchiveUrl {
    pub url: String,
    pub expires: i64,
}

fn kv_key(session_id: &str) -> String {
    format!("archive_{session_id}")
}

/// The path of a session's archive.
pub fn archive_path(session_id: &str) -> String {
    format!("{ARCHIVE_PREFIX}/{session_id}/archive.zip")
}

/// What an archive URL's signature covers: the route and the session id, as separate fields.
pub fn archive_subject(session_id: &str) -> String {
    sign::subject(&[ARCHIVE_PREFIX, session_id])
}

/// Starts a session for the caller, signed in or not: needs group permission 4 (the anonymous
/// group's for a signed-out visitor, who reaches only shares); every URI must resolve to
/// something the caller may download (per-item errors as for other batches; with
/// `skip_error` the failed ones are left out, unless none is left).
pub async fn create(
    ctx: &FsCtx<'_>,
    uris: &[String],
    skip_error: bool,
    base: &str,
) -> Result<ArchiveUrl, ArchiveError> {
    let permissions = share::access::permissions(ctx.state, ctx.caller).await?;
    if !permissions.enabled(group_perm::ARCHIVE_DOWNLOAD) {
        return Err(ArchiveError::NotAllowed);
    }
    let kept = super::sources::check(ctx, uris, skip_error).await?;
    let state = ctx.state;
    // One download of each share the zip reaches into, counted before the URL exists.
    let once = super::sources::count(ctx, &kept).await?;
    let ttl = state.settings.int("archive_timeout", 600).await?.max(1);
    let session_id = uuid::Uuid::new_v4().to_string();
    let session = ArchiveSession {
        uris: kept.iter().map(|node| node.uri.to_string()).collect(),
        requester_id: ctx.caller.user_id(),
        once,
    };
    let value = serde_json::to_string(&session)?;
    kv::put(
        &state.db,
        KV_KIND,
        &kv_key(&session_id),
        &value,
        Some(Duration::from_secs(ttl as u64)),
    )
    .await?;
    let key = state.settings.get("secret_key").await?;
    let expires = Utc::now().timestamp() + ttl;
    let signature = sign::sign(key.as_bytes(), &archive_subject(&session_id), expires);
    Ok(ArchiveUrl {
        url: format!(
            "{base}{}?{}",
            archive_path(&session_id),
            link::sign_param(&signature)
        ),
        expires,
    })
}

/// Checks the signature of a session URL and loads the session (taking it, when it serves
/// one request: the next one finds no session).
pub async fn open(
    state: &AppState,
    session_id: &str,
    signature: Option<&str>,
) -> Result<ArchiveSession, ArchiveError> {
    let key = state.settings.get("secret_key").await?;
    link::check_signature(key.as_bytes(), &archive_subject(session_id), signature)
        .map_err(ArchiveError::Signature)?;
    if uuid::Uuid::parse_str(session_id).is_err() {
        return Err(ArchiveError::Gone);
    }
    let value = kv::get(&state.db, &kv_key(session_id))
        .await?
        .ok_or(ArchiveError::Gone)?;
    let session: ArchiveSession = serde_json::from_str(&value)?;
    // Of two racing requests, the one that takes the row serves the zip.
    if session.once && kv::take(&state.db, &kv_key(session_id)).await?.is_none() {
        return Err(ArchiveError::Gone);
    }
    Ok(session)
}
