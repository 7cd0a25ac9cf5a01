//! One authenticated WebDAV request: who, which account, and the request facts the file
//! system needs (method, held lock tokens).

use std::{
    collections::HashMap,
    sync::{
        Arc, Mutex,
        atomic::{AtomicBool, Ordering},
    },
};

use dav_server::{davpath::DavPath, fs::FsError as DavFsError};
use poem::http::Method;
use stratus_entity::entity;

use super::{grants::Grants, path, props::PropCache};
use crate::nextcloud::dav::oc::headers::OcRequest;
use crate::{
    auth::caller::{Caller, SignedIn},
    fs::{
        nav::{FsCtx, Node},
        uri::FileUri,
    },
    state::AppState,
};

/// Shared by the file system and the lock system of one request.
pub struct Session {
    pub state: AppState,
    pub caller: Caller,
    pub me: Arc<SignedIn>,
    /// The account's root, a `my` or `share` URI.
    pub root: FileUri,
    /// Stream downloads even when the storage could hand out a URL.
    pub proxy: bool,
    /// Refuse and hide OS junk files.
    pub block_junk: bool,
    pub method: Method,
    /// The request path (COPY copies a whole collection from here at once).
    pub request_path: Option<DavPath>,
    /// `Depth: 0` was asked for.
    pub depth_zero: bool,
    /// The `Range` header: a GET of a shared file from its first byte counts as a download.
    pub range: Option<String>,
    /// What the ownCloud protocol adds (`X-OC-Mtime`, `OC-Checksum`, the caller's access).
    pub oc: OcRequest,
    /// Lock tokens of the `If:` header, plus any taken during this request.
    tokens: Mutex<Vec<String>>,
    /// Set once COPY has copied its collection.
    pub copied: AtomicBool,
    pub props: Mutex<PropCache>,
    /// Lookups made during this request, by URI (`None`: nothing there).
    pub nodes: Mutex<HashMap<String, Option<Node>>>,
    /// The version a GET or HEAD serves, read along with its path.
    pub version: Mutex<Option<entity::Model>>,
    /// What the caller received from other users ("Shared with me"), once read.
    pub grants: tokio::sync::OnceCell<Option<Arc<Grants>>>,
    /// The owner held no live lock when this request last looked a path up (read in the same
    /// statement), and the request has taken none since.
    unlocked: AtomicBool,
}

impl Session {
    #[allow(clippy::too_many_arguments)]
    pub fn new(
        state: AppState,
        me: Arc<SignedIn>,
        root: FileUri,
        proxy: bool,
        block_junk: bool,
        method: Method,
        request_path: Option<DavPath>,
        depth_zero: bool,
        tokens: Vec<String>,
        range: Option<String>,
        oc: OcRequest,
    ) -> Self {
        Self {
            state,
            caller: Caller::User(me.clone()),
            me,
            root,
            proxy,
            block_junk,
            method,
            request_path,
            depth_zero,
            range,
            oc,
            tokens: Mutex::new(tokens),
            copied: AtomicBool::new(false),
            props: Mutex::new(PropCache::default()),
            nodes: Mutex::new(HashMap::new()),
            version: Mutex::new(None),
            grants: tokio::sync::OnceCell::new(),
            unlocked: AtomicBool::new(false),
        }
    }

    /// The stored version `id`: the one the path lookup read, or else from the database.
    pub async fn version(&self, id: i64) -> Result<entity::Model, DavFsError> {
        let read = self.version.lock().expect("version").take();
        if let Some(row) = read.filter(|row| row.id == id) {
            return Ok(row);
        }
        crate::fs::drive::blob::version(&self.state.db, id)
            .await
            .map_err(|_| DavFsError::GeneralFailure)?
            .ok_or(DavFsError::NotFound)
    }

    pub fn owner(&self) -> i64 {
        self.me.user.id
    }

    pub fn tokens(&self) -> Vec<String> {
        self.tokens.lock().expect("tokens").clone()
    }

    pub fn hold(&self, token: &str) {
        self.unlocked.store(false, Ordering::Release);
        self.tokens.lock().expect("tokens").push(token.to_owned());
    }

    /// Records whether the owner held any live lock, as a path lookup just read it.
    pub fn saw_locks(&self, locked: bool) {
        self.unlocked.store(!locked, Ordering::Release);
    }

    /// True when the owner held no live lock at the last lookup: a lock check would pass.
    pub fn unlocked(&self) -> bool {
        self.unlocked.load(Ordering::Acquire)
    }

    /// A file-system context for the account's owner holding `tokens`.
    pub fn ctx<'a>(&'a self, tokens: &'a [String]) -> FsCtx<'a> {
        FsCtx::new(&self.state, &self.caller).with_lock_tokens(tokens)
    }

    /// The URI of a request path; junk names are invisible when the account blocks them.
    pub fn uri(&self, path: &DavPath) -> Result<FileUri, DavFsError> {
        let uri = path::join(&self.root, path)?;
        if self.block_junk && uri.name().is_some_and(path::is_junk) {
            return Err(DavFsError::NotFound);
        }
        Ok(self.map(uri))
    }

    /// `uri` (the account's root joined with a request path), or what it stands for in
    /// "Shared with me" when what the caller received was read for this request.
    pub fn map(&self, uri: FileUri) -> FileUri {
        self.grants_now()
            .and_then(|r| r.map(&self.root, &uri))
            .unwrap_or(uri)
    }

    /// What the caller received, when it was read for this request and there is any.
    pub fn grants_now(&self) -> Option<&Grants> {
        self.grants.get().and_then(|r| r.as_deref())
    }

    /// Whose tree `uri` (a mapped URI) is in, by user id: the caller's, another owner's
    /// reached through a grant, or none (the "Shared with me" folder, a share).
    pub fn tree_of(&self, uri: &FileUri) -> Option<i64> {
        if uri.fs != crate::fs::uri::FsKind::My {
            return None;
        }
        match uri.id.as_deref().filter(|id| !id.is_empty()) {
            None => Some(self.owner()),
            Some(id) => self.state.ids.decode(id, crate::ids::IdKind::User).ok(),
        }
    }
}
