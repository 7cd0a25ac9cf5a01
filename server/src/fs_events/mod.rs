//! The file event stream (`GET /file/events`, spec 4.18 §3): a client subscribes to a folder of its
//! drive (or of a folder share) and is told of the changes below it.
//!
//! Changes come from the journal (`fs::changes`), which every writer appends to in its own
//! transaction. Subscriptions are rows keyed by (user, folder, client id) with the last journal
//! id sent, so a client that reconnects — after a disconnect, a restart, or to another instance
//! on the same database — gets exactly what it missed (`resumed`), unlike Cloudreve, whose
//! subscriptions live in one process.
//!
//! - `access.rs`: whether a stream's subscriber may still see its folder, checked again while
//!   it runs (a share deleted or changed, a session ended, an account banned end the stream).
//! - `merge.rs`: the debounce window's merge (pure).
//! - `route.rs`: which rows a subscription sees, with paths relative to its folder (pure).
//! - `journal.rs`: reads of the journal.
//! - `subscriptions.rs`: the subscription rows.
//! - `cursors.rs`: cursors of open streams, written in the background.
//! - `dispatcher.rs`: one journal tail per instance, feeding local streams by owner.
//! - `mailbox.rs`: the dispatcher's queue to one stream.
//! - `stream.rs`: one open stream.
//! - `retention.rs`: the periodic pruning.

pub mod access;
pub mod cursors;
pub mod dispatcher;
pub mod journal;
pub mod mailbox;
pub mod merge;
pub mod retention;
pub mod route;
pub mod stream;
pub mod subscriptions;

use std::time::Duration;

use sea_orm::DbErr;
use uuid::Uuid;

use crate::{
    boolset::fs_cap,
    caller::{Caller, LoginRequired, SignedIn},
    fs::{
        changes::path_of,
        error::FsError,
        nav::{self, FsCtx},
        share_tree,
        uri::{FileUri, FsKind},
    },
    ids::IdKind,
    state::AppState,
};
use access::Access;
use dispatcher::Dispatcher;
use stream::Stream;
use subscriptions::Key;

/// Default of `fs_event_push_debounce`, seconds.
pub const DEFAULT_DEBOUNCE: i64 = 5;

/// Why a subscription was refused.
#[derive(Debug, thiserror::Error)]
pub enum FsEventsError {
    #[error("event push is disabled")]
    Disabled,
    #[error("Client ID is required")]
    NoClientId,
    #[error("Invalid client ID")]
    InvalidClientId,
    #[error("Requested uri not available")]
    UriNotAvailable,
    #[error("Event subscriptions are not supported on this view")]
    SingleFileView,
    #[error(transparent)]
    Login(#[from] LoginRequired),
    #[error(transparent)]
    Fs(FsError),
    #[error(transparent)]
    Db(#[from] DbErr),
}

/// Opens the stream of the folder `uri` for `caller`'s client `client_id` (the raw header).
pub async fn subscribe(
    state: &AppState,
    caller: &Caller,
    uri: &str,
    client_id: Option<&str>,
) -> Result<Stream, FsEventsError> {
    let me = caller.signed_in()?;
    if !state.settings.bool("fs_event_push_enabled").await? {
        return Err(FsEventsError::Disabled);
    }
    let client_id = match client_id.map(str::trim) {
        None | Some("") => return Err(FsEventsError::NoClientId),
        Some(raw) => Uuid::parse_str(raw).map_err(|_| FsEventsError::InvalidClientId)?,
    };
    let uri = FileUri::parse(uri).map_err(|_| FsEventsError::UriNotAvailable)?;
    if !matches!(uri.fs, FsKind::My | FsKind::Share) {
        return Err(FsEventsError::UriNotAvailable);
    }
    let ctx = FsCtx::new(state, caller);
    let node = match nav::resolve(&ctx, &uri).await {
        Ok(node) => node,
        Err(FsError::Db(e)) => return Err(FsEventsError::Db(e)),
        Err(FsError::NotFound) | Err(FsError::NoPermission(_)) => {
            return Err(FsEventsError::UriNotAvailable);
        }
        Err(e) => return Err(FsEventsError::Fs(e)),
    };
    // The root of a single-file share is the file's folder, of which only the file shows.
    if uri.fs == FsKind::Share
        && share_tree::single_file_root(&ctx, &node)
            .await
            .map_err(FsEventsError::Fs)?
            .is_some()
    {
        return Err(FsEventsError::SingleFileView);
    }
    if !node.is_folder() || node.file.is_symbolic {
        return Err(if uri.fs == FsKind::Share {
            FsEventsError::SingleFileView
        } else {
            FsEventsError::UriNotAvailable
        });
    }
    if node.require(fs_cap::LIST_CHILDREN).is_err() {
        return Err(FsEventsError::UriNotAvailable);
    }
    let debounce = state
        .settings
        .int("fs_event_push_debounce", DEFAULT_DEBOUNCE)
        .await?
        .clamp(0, 3600);
    let key = Key {
        user_id: me.user.id,
        folder_id: node.file.id,
        client_id,
    };
    let (access, share_id) = access_of(state, me, &uri, &node);
    // Joined before the subscription is read, so no change falls between the two.
    let registration = Dispatcher::of(state)
        .join(key, node.file.owner_id, share_id)
        .await?;
    let opened = subscriptions::open(&state.db, &key).await?;
    // Looked up once here, after joining: a later change of it comes with the rows. Every
    // stream looking it up at its first event would be thousands of queries at once.
    let folder = match path_of(&state.db, node.file.id).await {
        Ok(path) => Some(path),
        Err(DbErr::RecordNotFound(_)) => None,
        Err(e) => return Err(e.into()),
    };
    Ok(Stream {
        state: state.clone(),
        key,
        registration,
        opened,
        debounce: Duration::from_secs(debounce as u64),
        folder,
        access,
    })
}

/// What is checked again while the stream of `uri` (resolved to `node`) runs (the session;
/// the share with the password given, at its root: the folder's own path may change under a
/// rename; the grant of another owner's folder), and the id of that share.
fn access_of(
    state: &AppState,
    me: &SignedIn,
    uri: &FileUri,
    node: &nav::Node,
) -> (Access, Option<i64>) {
    let share_id = match uri.fs {
        FsKind::Share => uri
            .id
            .as_deref()
            .and_then(|id| state.ids.decode(id, IdKind::Share).ok()),
        _ => None,
    };
    let access = Access {
        user_id: me.user.id,
        session: me.session,
        share_root: (uri.fs == FsKind::Share).then(|| {
            let mut root = FileUri::root(FsKind::Share, uri.id.clone());
            root.password = uri.password.clone();
            root
        }),
        // Another owner's folder, reached through a grant: the grant is checked again.
        granted_by: node.grant.map(|_| node.file.owner_id),
    };
    (access, share_id)
}

/// Ends this instance's streams (the server is stopping), saving their cursors.
pub fn close_all(state: &AppState) {
    Dispatcher::of(state).close_all();
}

/// File event streams open on this instance (`/metrics`).
pub fn subscribers(state: &AppState) -> usize {
    Dispatcher::of(state).subscribers()
}

/// Writes the cursors noted since the last write: the server's last step, after the streams
/// that ended while it stopped noted theirs.
pub async fn save_cursors(state: &AppState) {
    if let Err(e) = cursors::Cursors::of(state).flush().await {
        tracing::warn!(error = %e, "saving file event cursors at shutdown");
    }
}
