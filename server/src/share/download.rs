//! Downloads through a share: the counter behind its download limit, and the one-download
//! records that hold a counted download to one download.
//!
//! A download is counted when its URL is handed out (`POST /file/url`, a zip of shared
//! items), when a compress or extract task reading shared items is submitted, or when a
//! WebDAV mount of the share reads a file from its first byte. One request counts one
//! download of each share it reaches into ([`PerShare`]), whatever the number of its files:
//! a zip, or the URLs of the files of a "download all" asked for at once; the owner's
//! downloads are never counted. On a share with a download limit, a counted URL is bound to a
//! record in the `kv` table that lives as long as the URL: the first request served from the
//! first byte takes it, and a second such request is refused, while ranges from a later byte
//! (a player seeking, a resumed transfer of the same download) are served until the URL
//! expires. A zip is one request, so its session is used once.

use std::{collections::HashMap, sync::Mutex, time::Duration};

use sea_orm::{
    ColumnTrait, Condition, DbErr, EntityTrait, QueryFilter,
    sea_query::{Expr, ExprTrait},
};
use stratus_entity::share;

use super::access::{bound_share, find, share_id, share_of};
use crate::{
    auth::caller::Caller,
    events,
    fs::{
        error::FsError,
        nav::Node,
        uri::{FileUri, FsKind},
    },
    ids::IdKind,
    kv, request_ctx,
    state::AppState,
};

/// The `kind` of one-download records in the `kv` table.
const KV_KIND: &str = "share_download";

/// What counting a download did.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Counted {
    /// Nothing: not reached through a share, or the owner's own download.
    No,
    /// Counted on a share without a download limit.
    Unlimited,
    /// Counted on a share with a download limit: what is handed out must serve one download.
    Limited,
}

/// Counts a download of `node` through its share (see the module header). The remaining
/// downloads are decremented with a conditional update, so when one download is left, only
/// one of two racing requests gets it; the other sees the share exhausted (40058).
pub async fn count(state: &AppState, caller: &Caller, node: &Node) -> Result<Counted, FsError> {
    if node.uri.fs != FsKind::Share || node.owned {
        return Ok(Counted::No);
    }
    let id = share_id(state, &node.uri)?;
    let updated = share::Entity::update_many()
        .col_expr(
            share::Column::Downloads,
            Expr::col(share::Column::Downloads).add(1),
        )
        .col_expr(
            share::Column::RemainDownloads,
            Expr::col(share::Column::RemainDownloads).sub(1),
        )
        .filter(share::Column::Id.eq(id))
        .filter(share::Column::DeletedAt.is_null())
        .filter(
            Condition::any()
                .add(share::Column::RemainDownloads.is_null())
                .add(share::Column::RemainDownloads.gt(0)),
        )
        .exec(&state.db)
        .await?;
    if updated.rows_affected == 0 {
        return Err(FsError::ShareInvalid);
    }
    let limited = find(&state.db, id)
        .await?
        .is_none_or(|s| s.remain_downloads.is_some());
    let client = request_ctx::current().map(|c| c.client).unwrap_or_default();
    let content = serde_json::json!({
        "share_id": state.ids.encode(id, IdKind::Share),
        "action": "download",
        "file": state.ids.encode(node.file.id, IdKind::File),
    });
    events::record(
        &state.db,
        events::kind::SHARE_ACCESS,
        caller.user_id(),
        &client,
        Some(content),
    )
    .await;
    Ok(if limited {
        Counted::Limited
    } else {
        Counted::Unlimited
    })
}

/// The downloads one request counts: one per share it reaches into (and none for items of
/// no share), however many of the share's files it hands out.
#[derive(Default)]
pub struct PerShare(Mutex<HashMap<Option<String>, Counted>>);

impl PerShare {
    /// [`count`] for the first node of each share; what that counted for the others.
    pub async fn count(
        &self,
        state: &AppState,
        caller: &Caller,
        node: &Node,
    ) -> Result<Counted, FsError> {
        let share = bound_share(state, node);
        if let Some(counted) = self.counted().get(&share) {
            return Ok(*counted);
        }
        let counted = count(state, caller, node).await?;
        self.counted().insert(share, counted);
        Ok(counted)
    }

    /// Whether the share `uri` goes through was counted by this request already: its other
    /// files are part of that download, even when it was the share's last one (resolve them
    /// with `FsCtx::with_download_counted`).
    pub fn covers(&self, state: &AppState, uri: &FileUri) -> bool {
        let share = share_of(state, uri);
        share.is_some()
            && self
                .counted()
                .get(&share)
                .is_some_and(|c| *c != Counted::No)
    }

    /// Whether a share with a download limit was counted.
    pub fn limited(&self) -> bool {
        self.counted().values().any(|c| *c == Counted::Limited)
    }

    fn counted(&self) -> std::sync::MutexGuard<'_, HashMap<Option<String>, Counted>> {
        self.0.lock().unwrap_or_else(|e| e.into_inner())
    }
}

fn kv_key(id: &str) -> String {
    format!("{KV_KIND}_{id}")
}

/// A new one-download record living `ttl`; returns its id, which the URL carries (signed).
pub async fn bind_one(state: &AppState, ttl: Duration) -> Result<String, DbErr> {
    let id = uuid::Uuid::new_v4().simple().to_string();
    kv::put(&state.db, KV_KIND, &kv_key(&id), "", Some(ttl)).await?;
    Ok(id)
}

/// Takes record `id` for a request served from the first byte: `true` for the one request
/// that gets it (of several racing ones, exactly one), `false` when it was taken before, has
/// expired or never existed.
pub async fn take_one(state: &AppState, id: &str) -> Result<bool, DbErr> {
    Ok(kv::take(&state.db, &kv_key(id)).await?.is_some())
}
