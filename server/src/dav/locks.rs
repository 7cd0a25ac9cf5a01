//! [`DavLocks`]: dav-server's lock interface over the database lock table (`fs::lock`), so a
//! WebDAV lock holds against the API, uploads and other instances, and the other way round.
//! Paths are the account root joined with the request path, in the owner's tree; below
//! "Shared with me" ([`super::received`]), in the tree of the item's owner, where the lock
//! holds against the owner too and names its holder (it goes when their write access does).

use std::{
    sync::{Arc, Mutex},
    time::{Duration, SystemTime},
};

use chrono::Utc;
use dav_server::{
    davpath::DavPath,
    ls::{DavLock, DavLockSystem, LsFuture},
};
use futures_util::FutureExt;
use stratus_entity::lock as lock_row;
use xmltree::Element;

use super::{path, session::Session};
use crate::fs::lock::{self, Depth, LockError, LockInfo, LockOwner, LockPath, LockRequest, Scope};

/// A lock as dav-server needs it, from either a row or a [`LockInfo`].
#[derive(Debug, Clone)]
struct Held {
    token: String,
    path: LockPath,
    shared: bool,
    deep: bool,
    expires: chrono::DateTime<Utc>,
    owner_info: Option<String>,
}

impl Held {
    fn covers(&self, p: &LockPath) -> bool {
        self.path == *p || (self.deep && self.path.is_ancestor_of(p))
    }
}

impl From<&LockInfo> for Held {
    fn from(l: &LockInfo) -> Self {
        Held {
            token: l.token.clone(),
            path: l.path.clone(),
            shared: l.scope == Scope::Shared,
            deep: l.depth == Depth::Infinity,
            expires: l.expires_at,
            owner_info: l.owner_info.clone(),
        }
    }
}

/// The `owner` element of a LOCK request as XML text, for `owner_info`.
fn owner_to_xml(owner: &Element) -> Option<String> {
    // dav-server renames the element to the `D` prefix without binding it; bind it so the
    // element serializes on its own.
    let mut owner = owner.clone();
    if let (Some(prefix), Some(ns)) = (&owner.prefix, &owner.namespace) {
        owner
            .namespaces
            .get_or_insert_with(xmltree::Namespace::empty)
            .force_put(prefix.clone(), ns.clone());
    }
    let mut out = Vec::new();
    if let Err(e) = owner.write(&mut out) {
        tracing::debug!(error = %e, "lock owner not stored");
        return None;
    }
    String::from_utf8(out).ok()
}

/// The live locks of one tree, by its owner's id.
type TreeLocks = (i64, Vec<Held>);

#[derive(Clone)]
pub struct DavLocks {
    s: Arc<Session>,
    /// The live locks of one tree (by its owner's id), loaded once per request for
    /// `lockdiscovery` (PROPFIND asks for it on every entry of a listing).
    cache: Arc<Mutex<Option<TreeLocks>>>,
}

impl std::fmt::Debug for DavLocks {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("DavLocks").finish_non_exhaustive()
    }
}

impl DavLocks {
    pub fn new(s: Arc<Session>) -> Self {
        Self {
            s,
            cache: Arc::new(Mutex::new(None)),
        }
    }

    /// The tree (by its owner's id) and the path in it of a request path.
    fn lock_path(&self, path: &DavPath) -> Option<(i64, LockPath)> {
        let uri = self.s.map(path::join(&self.s.root, path).ok()?);
        let tree = self.s.tree_of(&uri)?;
        Some((tree, LockPath::from_segments(uri.segments()).ok()?))
    }

    /// The request path of a lock path of `tree` (the account root for locks above it).
    fn dav_path(&self, tree: i64, lp: &LockPath) -> DavPath {
        let segments: Vec<String> = lp.segments().map(str::to_owned).collect();
        let rel = if tree == self.s.owner() {
            segments[self.s.root.segments().len().min(segments.len())..].to_vec()
        } else {
            let owner = self.s.state.ids.encode(tree, crate::ids::IdKind::User);
            self.s
                .grants_now()
                .and_then(|r| r.back(&owner, &segments))
                .unwrap_or_default()
        };
        let mut text = String::from("/dav/");
        let rel: Vec<String> = rel
            .iter()
            .map(|s| {
                percent_encoding::utf8_percent_encode(s, percent_encoding::NON_ALPHANUMERIC)
                    .to_string()
            })
            .collect();
        text.push_str(&rel.join("/"));
        let mut p = DavPath::new(&text).unwrap_or_else(|_| DavPath::new("/dav/").expect("static"));
        let _ = p.set_prefix("/dav");
        p
    }

    fn to_dav(&self, tree: i64, h: &Held) -> DavLock {
        let owner = LockOwner::parse(h.owner_info.as_deref())
            .application
            .inner_xml
            .and_then(|xml| Element::parse(xml.as_bytes()).ok())
            .map(Box::new);
        let remaining = (h.expires - Utc::now()).to_std().unwrap_or_default();
        DavLock {
            token: h.token.clone(),
            path: Box::new(self.dav_path(tree, &h.path)),
            principal: None,
            owner,
            timeout_at: Some(SystemTime::now() + remaining),
            timeout: Some(remaining),
            shared: h.shared,
            deep: h.deep,
        }
    }

    /// Something to hand back when the database failed: the request is refused as locked.
    fn refusal(&self, path: &DavPath) -> DavLock {
        DavLock {
            token: String::new(),
            path: Box::new(path.clone()),
            principal: None,
            owner: None,
            timeout_at: None,
            timeout: None,
            shared: false,
            deep: false,
        }
    }

    fn forget(&self) {
        *self.cache.lock().expect("lock cache") = None;
    }

    async fn live(&self, tree: i64) -> Result<Vec<Held>, LockError> {
        if let Some((of, cached)) = self.cache.lock().expect("lock cache").clone()
            && of == tree
        {
            return Ok(cached);
        }
        let rows = lock::live_locks_of_tree(&self.s.state.db, tree).await?;
        let held: Vec<Held> = rows
            .into_iter()
            .filter_map(|r| {
                let (_, path) = LockPath::from_key(&r.uri)?;
                Some(Held {
                    token: r.token,
                    path,
                    shared: r.scope == lock_row::scope::SHARED,
                    deep: r.depth != lock_row::depth::ZERO,
                    expires: r.expires_at,
                    owner_info: r.owner_info,
                })
            })
            .collect();
        *self.cache.lock().expect("lock cache") = Some((tree, held.clone()));
        Ok(held)
    }

    /// True when no live lock of the owner is on `path`, covers it, or lies below it: then no
    /// entry of a listing of `path` has a lock to report.
    pub async fn none_near(&self, path: &DavPath) -> bool {
        let Some((tree, lp)) = self.lock_path(path) else {
            return false;
        };
        match self.live(tree).await {
            Ok(all) => all
                .iter()
                .all(|h| !h.covers(&lp) && !lp.is_ancestor_of(&h.path)),
            Err(e) => {
                tracing::warn!(error = %e, "WebDAV lock discovery failed");
                false
            }
        }
    }

    async fn take(
        &self,
        path: &DavPath,
        owner: Option<&Element>,
        timeout: Option<Duration>,
        shared: bool,
        deep: bool,
    ) -> Result<DavLock, DavLock> {
        self.forget();
        let (tree, lp) = self.lock_path(path).ok_or_else(|| self.refusal(path))?;
        let owner_xml = owner.and_then(owner_to_xml);
        let uri = self.s.uri(path).map_err(|_| self.refusal(path))?;
        let fs = super::fs::DavFs(self.s.clone());
        if !fs.may_lock(&uri).await {
            return Err(self.refusal(path));
        }
        let file_id = fs.node(&uri).await.ok().map(|n| n.file.id);
        // A lock in another owner's tree names who took it.
        let holder = (tree != self.s.owner()).then(|| {
            self.s
                .state
                .ids
                .encode(self.s.owner(), crate::ids::IdKind::User)
        });
        let req = LockRequest {
            owner_id: tree,
            path: lp,
            scope: if shared {
                Scope::Shared
            } else {
                Scope::Exclusive
            },
            depth: if deep { Depth::Infinity } else { Depth::Zero },
            timeout: timeout.unwrap_or(lock::MAX_TIMEOUT).min(lock::MAX_TIMEOUT),
            owner_info: Some(LockOwner::dav(owner_xml).held_by(holder).to_owner_info()),
            file_id,
        };
        match lock::acquire(&self.s.state.db, req).await {
            Ok(info) => {
                // The rest of this request (creating a locked empty file) holds the new lock.
                self.s.hold(&info.token);
                Ok(self.to_dav(tree, &Held::from(&info)))
            }
            Err(LockError::Conflict(list)) => Err(list
                .first()
                .map(|l| self.to_dav(tree, &Held::from(l)))
                .unwrap_or_else(|| self.refusal(path))),
            Err(_) => Err(self.refusal(path)),
        }
    }

    /// The live lock `token` of the tree of `path`, if it applies to `path`.
    async fn applying(&self, path: &DavPath, token: &str) -> Option<LockInfo> {
        let (tree, lp) = self.lock_path(path)?;
        lock::get(&self.s.state.db, tree, token)
            .await
            .ok()
            .flatten()
            .filter(|l| l.covers(&lp))
    }
}

impl DavLockSystem for DavLocks {
    fn lock(
        &'_ self,
        path: &DavPath,
        _principal: Option<&str>,
        owner: Option<&Element>,
        timeout: Option<Duration>,
        shared: bool,
        deep: bool,
    ) -> LsFuture<'_, Result<DavLock, DavLock>> {
        let path = path.clone();
        let owner = owner.cloned();
        async move {
            self.take(&path, owner.as_ref(), timeout, shared, deep)
                .await
        }
        .boxed()
    }

    fn unlock(&'_ self, path: &DavPath, token: &str) -> LsFuture<'_, Result<(), ()>> {
        let path = path.clone();
        let token = token.to_owned();
        async move {
            self.forget();
            let lock = self.applying(&path, &token).await.ok_or(())?;
            lock::release(&self.s.state.db, lock.owner_id, &token)
                .await
                .map_err(|_| ())
        }
        .boxed()
    }

    fn refresh(
        &'_ self,
        path: &DavPath,
        token: &str,
        timeout: Option<Duration>,
    ) -> LsFuture<'_, Result<DavLock, ()>> {
        let path = path.clone();
        let token = token.to_owned();
        async move {
            self.forget();
            let lock = self.applying(&path, &token).await.ok_or(())?;
            let timeout = timeout.unwrap_or(lock::MAX_TIMEOUT).min(lock::MAX_TIMEOUT);
            let info = lock::refresh(&self.s.state.db, lock.owner_id, &token, timeout)
                .await
                .map_err(|_| ())?;
            Ok(self.to_dav(lock.owner_id, &Held::from(&info)))
        }
        .boxed()
    }

    fn check(
        &'_ self,
        path: &DavPath,
        _principal: Option<&str>,
        _ignore_principal: bool,
        deep: bool,
        submitted_tokens: &[String],
    ) -> LsFuture<'_, Result<(), DavLock>> {
        let path = path.clone();
        let tokens = submitted_tokens.to_vec();
        async move {
            // A path in no tree ("Shared with me" itself) holds no lock: the file system
            // refuses what is done there.
            let Some((tree, lp)) = self.lock_path(&path) else {
                return Ok(());
            };
            // No lock of the owner's was live a moment ago: nothing to conflict with. (The
            // writes themselves check locks again in their transactions.)
            if tree == self.s.owner() && self.s.unlocked() {
                return Ok(());
            }
            let depth = if deep { Depth::Infinity } else { Depth::Zero };
            match lock::check(&self.s.state.db, tree, &lp, depth, &tokens).await {
                Ok(()) => Ok(()),
                Err(LockError::Conflict(list)) => Err(list
                    .first()
                    .map(|l| self.to_dav(tree, &Held::from(l)))
                    .unwrap_or_else(|| self.refusal(&path))),
                Err(_) => Err(self.refusal(&path)),
            }
        }
        .boxed()
    }

    fn discover(&'_ self, path: &DavPath) -> LsFuture<'_, Vec<DavLock>> {
        let path = path.clone();
        async move {
            let Some((tree, lp)) = self.lock_path(&path) else {
                return Vec::new();
            };
            match self.live(tree).await {
                Ok(all) => all
                    .iter()
                    .filter(|h| h.covers(&lp))
                    .map(|h| self.to_dav(tree, h))
                    .collect(),
                Err(e) => {
                    tracing::warn!(error = %e, "WebDAV lock discovery failed");
                    Vec::new()
                }
            }
        }
        .boxed()
    }

    /// The resource is gone (DELETE, MOVE): its locks and those below it go too.
    fn delete(&'_ self, path: &DavPath) -> LsFuture<'_, Result<(), ()>> {
        let path = path.clone();
        async move {
            self.forget();
            let (tree, lp) = self.lock_path(&path).ok_or(())?;
            let tokens: Vec<String> = self
                .live(tree)
                .await
                .map_err(|_| ())?
                .into_iter()
                .filter(|h| h.path == lp || lp.is_ancestor_of(&h.path))
                .map(|h| h.token)
                .collect();
            self.forget();
            lock::force_release(&self.s.state.db, tree, &tokens)
                .await
                .map(|_| ())
                .map_err(|_| ())
        }
        .boxed()
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    #[test]
    fn owner_xml_round_trips() {
        let lockinfo = Element::parse(
            "<lockinfo xmlns='DAV:'><owner>litmus test suite</owner></lockinfo>".as_bytes(),
        )
        .unwrap();
        let mut owner = lockinfo.get_child("owner").unwrap().clone();
        owner.prefix = Some("D".to_owned());
        let xml = owner_to_xml(&owner).expect("serialized");
        let back = Element::parse(xml.as_bytes()).expect("parsed");
        assert_eq!(back.get_text().as_deref(), Some("litmus test suite"));
    }

    /// `text` as XML character data: markup escaped, everything else as a character reference.
    fn char_data(text: &str) -> String {
        text.chars()
            .map(|c| match c {
                'a'..='z' | 'A'..='Z' | '0'..='9' | ' ' => c.to_string(),
                c => format!("&#x{:X};", u32::from(c)),
            })
            .collect()
    }

    proptest! {
        #[test]
        fn an_owner_a_client_sent_serializes_to_xml_that_parses(
            text in ".{0,40}",
            prefix in proptest::option::of("[A-Za-z]{1,3}"),
        ) {
            let body = format!(
                "<D:lockinfo xmlns:D='DAV:'><D:owner><D:href>{}</D:href></D:owner></D:lockinfo>",
                char_data(&text)
            );
            let Ok(lockinfo) = Element::parse(body.as_bytes()) else {
                return Ok(());
            };
            let mut owner = lockinfo.get_child("owner").expect("owner").clone();
            owner.prefix = prefix;
            if let Some(xml) = owner_to_xml(&owner) {
                let back = Element::parse(xml.as_bytes());
                prop_assert!(back.is_ok(), "{} does not parse", xml);
            }
        }
    }
}
