//! Archive sessions (spec §7.3): `POST /file/url {archive: true}` checks the URIs, stores
//! `{uris, requester_id}` in the `kv` table as `archive_<uuid>` for `archive_timeout`
//! seconds and hands out one signed URL, `<site>/api/v4/file/archive/<uuid>/archive.zip`.
//!
//! The URL is the credential (download managers fetch it without a session), and it is bound
//! to the requester: the session names whose rights the zip is built with, and the signature
//! covers the session id, so a signature cannot be moved to someone else's session.

use std::time::Duration;

use chrono::Utc;
use serde::{Deserialize, Serialize};

use crate::{
    api::{
        envelope::{ApiError, ErrorCode},
        file::batch_outcome,
    },
    auth::sign,
    boolset::{fs_cap, group_perm},
    download::link,
    fs::{
        nav::{self, FsCtx},
        uri::FileUri,
    },
    kv,
    state::AppState,
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
    /// Whose rights the archive is built with.
    pub requester_id: i64,
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

/// The decoded path of a session's archive, which is what gets signed.
pub fn archive_path(session_id: &str) -> String {
    format!("{ARCHIVE_PREFIX}/{session_id}/archive.zip")
}

/// Starts a session for the caller: needs group permission 4 (else 40007); every URI must
/// resolve to something the caller may download (per-item errors as for other batches; with
/// `skip_error` the failed ones are left out, unless none is left).
pub async fn create(
    ctx: &FsCtx<'_>,
    uris: &[String],
    skip_error: bool,
    base: &str,
) -> Result<ArchiveUrl, ApiError> {
    let me = ctx.user()?;
    if !me.permissions().enabled(group_perm::ARCHIVE_DOWNLOAD) {
        return Err(ApiError::new(
            ErrorCode::GroupNotAllowed,
            "your group may not download archives",
        ));
    }
    let mut kept = Vec::new();
    let mut failures = Vec::new();
    for raw in uris {
        let checked = async {
            let node = nav::resolve(ctx, &FileUri::parse(raw)?).await?;
            node.require(fs_cap::DOWNLOAD)?;
            Ok::<_, crate::fs::error::FsError>(node.uri.to_string())
        };
        match checked.await {
            Ok(uri) => kept.push(uri),
            Err(err) => failures.push((raw.clone(), ApiError::from(err))),
        }
    }
    if !skip_error || kept.is_empty() {
        batch_outcome(uris.len(), failures)?;
    }
    let state = ctx.state;
    let ttl = state.settings.int("archive_timeout", 600).await?.max(1);
    let session_id = uuid::Uuid::new_v4().to_string();
    let session = ArchiveSession {
        uris: kept,
        requester_id: me.user.id,
    };
    let value = serde_json::to_string(&session)
        .map_err(|e| ApiError::code(ErrorCode::InternalSetting).with_cause(e))?;
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
    let path = archive_path(&session_id);
    let signature = sign::sign(key.as_bytes(), &path, expires);
    Ok(ArchiveUrl {
        url: format!("{base}{path}?{}", link::sign_param(&signature)),
        expires,
    })
}

/// Why a session could not be opened.
#[derive(Debug)]
pub enum OpenError {
    /// Bad, missing or expired signature.
    Forbidden(ApiError),
    /// No such session (never made, or expired).
    NotFound(ApiError),
    /// The server failed.
    Internal(ApiError),
}

/// Checks the signature of a session URL and loads the session.
pub async fn open(
    state: &AppState,
    session_id: &str,
    signature: Option<&str>,
) -> Result<ArchiveSession, OpenError> {
    let key = state
        .settings
        .get("secret_key")
        .await
        .map_err(|e| OpenError::Internal(e.into()))?;
    link::check_signature(key.as_bytes(), &archive_path(session_id), signature)
        .map_err(OpenError::Forbidden)?;
    let missing = || {
        OpenError::NotFound(ApiError::new(
            ErrorCode::NotFound,
            "this archive has expired",
        ))
    };
    if uuid::Uuid::parse_str(session_id).is_err() {
        return Err(missing());
    }
    let value = kv::get(&state.db, &kv_key(session_id))
        .await
        .map_err(|e| OpenError::Internal(e.into()))?
        .ok_or_else(missing)?;
    serde_json::from_str(&value)
        .map_err(|e| OpenError::Internal(ApiError::code(ErrorCode::InternalSetting).with_cause(e)))
}
