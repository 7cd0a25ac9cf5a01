//! [`DavFs`]: dav-server's file-system interface over the virtual file system. Every call
//! goes through `crate::fs` (and `upload::stream` for writes) as the account's owner, so
//! permissions, quota, name rules, versions, trash and locks behave as in the API.
//!
//! dav-server deletes and copies collections one entry at a time. Stratus trashes a folder as
//! one item and copies a tree in one transaction with reference-counted blobs, so during
//! DELETE, MOVE and COPY a listing answers empty and the collection operation is done whole:
//! DELETE (and the removal of an overwritten destination) trashes the folder in
//! `remove_dir`, and COPY copies the whole tree when it creates the destination folder.

use std::sync::{Arc, atomic::Ordering};

use dav_server::{
    davpath::DavPath,
    fs::{
        DavDirEntry, DavFile, DavFileSystem, DavMetaData, DavProp, FsError, FsFuture, FsStream,
        OpenOptions, ReadDirMeta,
    },
};
use futures_util::{FutureExt, StreamExt, future::BoxFuture, stream};

use poem::http::{Method, StatusCode};
use stratus_entity::file;

use super::{
    error::fs_err,
    file::{Blob, Reader, Writer},
    grants, link,
    meta::{Entry, Meta},
    path, props,
    session::Session,
};
use crate::{
    boolset::fs_cap,
    download::headers,
    fs::{
        drive::children::{self, Children, Order},
        nav::{self, Node},
        path as fs_path,
        trash::{self, DeleteOptions},
        tree::{self, Kind},
        uri::{FileUri, FsKind},
    },
    share,
    upload::stream::Found,
};

/// Children fetched per listing query.
const PAGE: u64 = 1000;

/// One page of a folder's children: those named after `after` (all for an empty one), in
/// name order. Names are unique in a folder, and the (parent, name) index hands the page over
/// in order from its first row, so a page costs its own rows however large the folder is.
fn children_of(folder: i64, after: &str) -> Children<'_> {
    Children::new(folder, Order::Name, PAGE).after(after)
}

/// The query of [`children_of`], for a listing that selects its own columns.
pub(super) fn children_page(folder: i64, after: &str) -> children::Query {
    children::by_name(folder, after, PAGE)
}

/// Where the page after `rows` starts; `None` when `rows` was the last.
pub(super) fn next_page<T>(rows: &[T], name: impl Fn(&T) -> &String) -> Option<String> {
    children::next_cursor(rows, PAGE, |r| name(r).clone())
}

#[derive(Clone)]
pub struct DavFs(pub Arc<Session>);

impl DavFs {
    /// The object at `uri`. Lookups are remembered for the rest of the request (dav-server
    /// asks for the same path several times: a PUT stats it, checks its parent, opens it). A
    /// path in the owner's tree costs one query: the child of a remembered parent, or else
    /// the whole chain of folders down to it, all of which are remembered too.
    pub(super) async fn node(&self, uri: &FileUri) -> Result<Node, FsError> {
        if let Some(hit) = self.remembered(uri) {
            return hit.ok_or(FsError::NotFound);
        }
        let found = self.lookup(uri).await;
        self.remember(uri, found)
    }

    /// Remembers what a lookup of `uri` found (nothing, when not found) and passes it on.
    fn remember(&self, uri: &FileUri, found: Result<Node, FsError>) -> Result<Node, FsError> {
        let found = match found {
            Ok(node) => Some(node),
            Err(FsError::NotFound) => None,
            Err(e) => return Err(e),
        };
        self.0
            .nodes
            .lock()
            .expect("nodes")
            .insert(uri.to_string(), found.clone());
        found.ok_or(FsError::NotFound)
    }

    /// What this request already found at `uri` (`Some(None)`: nothing there).
    fn remembered(&self, uri: &FileUri) -> Option<Option<Node>> {
        self.0
            .nodes
            .lock()
            .expect("nodes")
            .get(&uri.to_string())
            .cloned()
    }

    fn lookup<'a>(&'a self, uri: &'a FileUri) -> BoxFuture<'a, Result<Node, FsError>> {
        async move {
            if grants::is_folder(uri) {
                return self.in_folder(uri);
            }
            // Another owner's tree (through a grant) is resolved with the grant's checks.
            let parent = match uri.parent() {
                Some(parent) if uri.fs == FsKind::My && uri.id.is_none() => parent,
                _ => {
                    let tokens = self.0.tokens();
                    return nav::resolve(&self.0.ctx(&tokens), uri)
                        .await
                        .map(grants::shown)
                        .map_err(fs_err);
                }
            };
            let Some(folder) = self.remembered(&parent) else {
                return self.lookup_chain(uri).await;
            };
            let folder = folder.ok_or(FsError::NotFound)?;
            let name = uri.name().ok_or(FsError::NotFound)?;
            if link::inside_share(&folder) {
                let below = folder.uri.join(name).map_err(|_| FsError::NotFound)?;
                return self.in_share(&below).await;
            }
            if !folder.is_folder() || folder.file.is_symbolic {
                return Err(FsError::NotFound);
            }
            let file = fs_path::child(&self.0.state.db, folder.file.id, name)
                .await
                .map_err(fs_err)?
                .ok_or(FsError::NotFound)?;
            if file.is_symbolic {
                return self.through_link(&file, &[]).await;
            }
            Ok(Node {
                uri: uri.without_query(),
                file,
                ..folder
            })
        }
        .boxed()
    }

    /// Finds `uri` and every folder above it with one query, and remembers them all. A walk
    /// that stops at a saved share goes on inside the share.
    async fn lookup_chain(&self, uri: &FileUri) -> Result<Node, FsError> {
        let owner = self.0.owner();
        // Whether the owner holds any lock comes with it: the lock check dav-server makes
        // next (before a PUT's body, say) then costs no statement when there is none.
        // A GET or HEAD reads the version it serves in the same statement.
        let read = matches!(self.0.method, Method::GET | Method::HEAD);
        let found = fs_path::chain_and_locked(&self.0.state.db, owner, uri.segments(), read)
            .await
            .map_err(fs_err)?;
        if let Some(locked) = found.locked {
            self.0.saw_locks(locked);
        }
        *self.0.version.lock().expect("version") = found.version;
        let mut rows = found.rows;
        if rows.is_empty() {
            // No root yet: made on first use.
            rows.push(fs_path::root(&self.0.state, owner).await.map_err(fs_err)?);
        }
        let depth = uri.segments().len();
        // The walk goes through no symbolic row: one can only be the last.
        let link = rows.len() - 1;
        if link > 0 && rows[link].is_symbolic {
            let found = self
                .through_link(&rows[link], &uri.segments()[link..])
                .await;
            // The folders above the entry, and the target; not the levels between.
            rows.truncate(link);
            self.remember_chain(uri.parent().as_ref(), &rows, link);
            return self.remember(uri, found);
        }
        self.remember_chain(Some(&uri.without_query()), &rows, depth + 1);
        self.remembered(uri).flatten().ok_or(FsError::NotFound)
    }

    /// Remembers the nodes of `rows` (root first) at `at` and the folders above it, for the
    /// `levels` levels from the root (a level without a row: nothing there).
    fn remember_chain(&self, at: Option<&FileUri>, rows: &[file::Model], levels: usize) {
        let owner = self.0.owner();
        let mut nodes = self.0.nodes.lock().expect("nodes");
        let mut at = at.cloned();
        while let Some(here) = &at
            && here.depth() >= levels
        {
            at = here.parent();
        }
        for level in (0..levels).rev() {
            let Some(here) = at else { break };
            let node = rows.get(level).map(|file| Node {
                uri: here.clone(),
                owned: file.owner_id == owner,
                file: file.clone(),
                capability: nav::capability(FsKind::My),
                grant: None,
            });
            at = here.parent();
            nodes.insert(here.to_string(), node);
        }
    }

    /// Forgets the lookups of this request: called before anything that changes the tree.
    pub(super) fn changing(&self) {
        self.0.nodes.lock().expect("nodes").clear();
    }

    /// The folder that will hold `uri`; a missing one is NotFound (409 for PUT and MKCOL).
    async fn parent(&self, uri: &FileUri) -> Result<Node, FsError> {
        self.ensure_not_grants(uri, true)?;
        let parent = uri.parent().ok_or(FsError::Forbidden)?;
        let node = self.node(&parent).await?;
        if link::inside_share(&node) || grants::is_folder(&node.uri) {
            return Err(FsError::Forbidden);
        }
        if !node.is_folder() || node.file.is_symbolic {
            return Err(FsError::NotFound);
        }
        Ok(node)
    }

    fn whole_collection_op(&self) -> bool {
        let m = &self.0.method;
        *m == Method::DELETE || m.as_str() == "MOVE" || m.as_str() == "COPY"
    }

    async fn open_inner(
        &self,
        path: &DavPath,
        options: OpenOptions,
    ) -> Result<Box<dyn DavFile>, FsError> {
        let s = &self.0;
        if options.write {
            if s.block_junk && path.file_name().is_some_and(path::is_junk) {
                return Err(FsError::Forbidden);
            }
            let uri = s.uri(path)?;
            let parent = self.parent(&uri).await?;
            if parent.grant.is_some() {
                parent.require(fs_cap::UPLOAD).map_err(fs_err)?;
            }
            let found = match self.node(&uri).await {
                Ok(node) if node.is_folder() => return Err(FsError::Forbidden),
                Ok(_) if options.create_new => return Err(FsError::Exists),
                Ok(node) => Found::File(node.file),
                Err(FsError::NotFound) if !options.create && !options.create_new => {
                    return Err(FsError::NotFound);
                }
                Err(FsError::NotFound) => Found::Nothing,
                Err(e) => return Err(e),
            };
            self.changing();
            let writer = Writer::new(s.clone(), uri, options.size, found);
            if s.method.as_str() == "LOCK" {
                return Ok(Box::new(writer.create_empty().await?));
            }
            return Ok(Box::new(writer));
        }
        let node = self.node(&s.uri(path)?).await?;
        // A GET from the first byte is a new download of a shared file, so a media player's
        // later range requests do not use the share's downloads up.
        if s.method == Method::GET
            && !node.is_folder()
            && headers::from_first_byte(s.range.as_deref(), node.file.size.max(0) as u64)
        {
            share::download::count(&s.state, &s.caller, &node)
                .await
                .map_err(fs_err)?;
        }
        let meta = Meta::of(&node.file);
        let blob = match node.file.primary_entity.filter(|_| !node.is_folder()) {
            Some(id) => {
                let row = s.version(id).await?;
                let driver = s
                    .state
                    .storage
                    .driver(row.storage_policy_id)
                    .await
                    .map_err(|_| FsError::GeneralFailure)?;
                Some(Blob {
                    driver,
                    entity: row,
                })
            }
            None => None,
        };
        let name = node.file.name.clone();
        let reader = Reader::new(s.clone(), meta, name, blob);
        // A provider URL would outlive the share's checks and serve any number of downloads.
        let reader = if node.uri.fs == FsKind::Share {
            reader.without_redirect()
        } else {
            reader
        };
        Ok(Box::new(reader))
    }

    async fn read_dir_inner(
        &self,
        path: &DavPath,
    ) -> Result<FsStream<Box<dyn DavDirEntry>>, FsError> {
        let s = self.0.clone();
        let uri = s.uri(path)?;
        let node = self.node(&uri).await?;
        if !node.is_folder() {
            return Err(FsError::Forbidden);
        }
        if self.whole_collection_op() {
            return Ok(Box::pin(stream::empty()));
        }
        if grants::is_folder(&node.uri) {
            return Ok(self.list_grants());
        }
        // At the account's root, "Shared with me" after the real children.
        let tail = self.root_tail(&uri).await?;
        // At the root of a single-file share, only that file is there.
        let only = {
            let tokens = s.tokens();
            crate::fs::share_tree::single_file_root(&s.ctx(&tokens), &node)
                .await
                .map_err(fs_err)?
        };
        let folder = node.file.id;
        let node = Arc::new(node);
        s.props
            .lock()
            .expect("props")
            .listed
            .insert(uri.to_string());
        // Pages of children, so memory stays bounded however large the folder is.
        let pages = stream::unfold(Some(String::new()), move |after| {
            let s = s.clone();
            let uri = uri.clone();
            let node = node.clone();
            async move {
                let after = after?;
                let (rows, next) = match children_of(folder, &after).page(&s.state.db).await {
                    Ok(page) => (page.rows, page.next),
                    Err(e) => {
                        tracing::warn!(error = %e, "WebDAV listing failed");
                        return Some((vec![Err(FsError::GeneralFailure)], None));
                    }
                };
                let shown = match DavFs(s.clone()).page(&node, &uri, rows).await {
                    Ok(shown) => shown,
                    Err(e) => {
                        tracing::warn!(error = %e, "WebDAV listing failed");
                        return Some((vec![Err(FsError::GeneralFailure)], None));
                    }
                };
                let entries: Vec<Result<Box<dyn DavDirEntry>, FsError>> = shown
                    .iter()
                    .filter(|r| only.is_none_or(|id| r.id == id))
                    .filter(|r| !(s.block_junk && path::is_junk(&r.name)))
                    .map(|r| {
                        Ok(Box::new(Entry {
                            name: r.name.clone(),
                            meta: Meta::of(r),
                        }) as Box<dyn DavDirEntry>)
                    })
                    .collect();
                Some((entries, next))
            }
        });
        Ok(Box::pin(
            pages.flat_map(stream::iter).chain(stream::iter(tail)),
        ))
    }

    /// A page of `rows`, children of `node` at `uri`, as listed: their dead properties
    /// remembered for the rest of the request, saved shares shown as what they lead to, and
    /// what a grant shows of them.
    async fn page(
        &self,
        node: &Node,
        uri: &FileUri,
        rows: Vec<file::Model>,
    ) -> Result<Vec<file::Model>, crate::fs::error::FsError> {
        let s = &self.0;
        let ids: Vec<i64> = rows.iter().map(|r| r.id).collect();
        if let Ok(found) = props::load(&s.state.db, &ids).await {
            let mut cache = s.props.lock().expect("props");
            for row in &rows {
                if let Some(list) = found.get(&row.id)
                    && let Ok(child) = uri.join(&row.name)
                {
                    cache.props.insert(child.to_string(), list.clone());
                }
            }
        }
        let mut shown = Vec::with_capacity(rows.len());
        for row in rows {
            shown.push(self.listed(row).await);
        }
        self.show_children(node, &mut shown).await?;
        Ok(shown)
    }

    async fn create_dir_inner(&self, path: &DavPath) -> Result<(), FsError> {
        self.changing();
        let s = &self.0;
        let uri = s.uri(path)?;
        let tokens = s.tokens();
        let ctx = s.ctx(&tokens);
        let parent = self.parent(&uri).await?;
        // COPY of a collection: the first folder created is the destination of the whole tree.
        if s.method.as_str() == "COPY"
            && !s.depth_zero
            && !s.copied.swap(true, Ordering::AcqRel)
            && let Some(src) = &s.request_path
        {
            let src = s.uri(src)?;
            let name = uri.name().ok_or(FsError::Forbidden)?;
            let copied = tree::move_to(&ctx, &src, &parent, name, true).await;
            crate::fts::requeue::queue_tree(&s.state, &copied.map_err(fs_err)?).await;
            return Ok(());
        }
        tree::create(&ctx, &uri, Kind::Folder, &[], true)
            .await
            .map(|_| ())
            .map_err(fs_err)
    }

    async fn remove(&self, path: &DavPath) -> Result<(), FsError> {
        let s = &self.0;
        let uri = s.uri(path)?;
        // Before the lookups are forgotten: dav-server has just looked this path up.
        self.ensure_not_grants(&uri, true)?;
        self.ensure_own(&uri).await?;
        self.changing();
        let tokens = s.tokens();
        trash::delete(&s.ctx(&tokens), &uri, DeleteOptions::default())
            .await
            .map_err(fs_err)
    }

    async fn relocate(&self, from: &DavPath, to: &DavPath, copy: bool) -> Result<(), FsError> {
        let s = &self.0;
        let src = s.uri(from)?;
        let dst = s.uri(to)?;
        // Before the lookups are forgotten: dav-server has just looked both paths up.
        self.ensure_not_grants(&src, !copy)?;
        self.ensure_own(&src).await?;
        let parent = self.parent(&dst).await?;
        self.changing();
        let name = dst.name().ok_or(FsError::Forbidden)?;
        if s.block_junk && path::is_junk(name) {
            return Err(FsError::Forbidden);
        }
        let tokens = s.tokens();
        let ctx = s.ctx(&tokens).keeping_file_times();
        let placed = tree::move_to(&ctx, &src, &parent, name, copy).await;
        let placed = placed.map_err(fs_err)?;
        // New rows (a copy) or a new name are new to the full-text index.
        if copy {
            crate::fts::requeue::queue_tree(&s.state, &placed).await;
        } else if let Some(old) = src.name().filter(|old| *old != name) {
            crate::fts::rename::renamed(&s.state, old, &placed).await;
        }
        Ok(())
    }

    /// The dead properties of `path`: from the listing's prefetch, else from the database.
    pub(super) async fn dead_props(
        &self,
        path: &DavPath,
    ) -> Result<Vec<(String, String)>, FsError> {
        let s = &self.0;
        let uri = s.uri(path)?;
        let parent = uri.parent().map(|p| p.to_string());
        if let Some(found) = s
            .props
            .lock()
            .expect("props")
            .get(&uri.to_string(), parent.as_deref())
        {
            return Ok(found);
        }
        let node = self.node(&uri).await?;
        let mut found = props::load(&s.state.db, &[node.file.id])
            .await
            .map_err(fs_err)?;
        Ok(found.remove(&node.file.id).unwrap_or_default())
    }
}

impl DavFileSystem for DavFs {
    fn open<'a>(
        &'a self,
        path: &'a DavPath,
        options: OpenOptions,
    ) -> FsFuture<'a, Box<dyn DavFile>> {
        self.open_inner(path, options).boxed()
    }

    fn read_dir<'a>(
        &'a self,
        path: &'a DavPath,
        _meta: ReadDirMeta,
    ) -> FsFuture<'a, FsStream<Box<dyn DavDirEntry>>> {
        self.read_dir_inner(path).boxed()
    }

    fn metadata<'a>(&'a self, path: &'a DavPath) -> FsFuture<'a, Box<dyn DavMetaData>> {
        async move {
            let node = self.node(&self.0.uri(path)?).await?;
            Ok(Box::new(Meta::of(&node.file)) as Box<dyn DavMetaData>)
        }
        .boxed()
    }

    fn create_dir<'a>(&'a self, path: &'a DavPath) -> FsFuture<'a, ()> {
        self.create_dir_inner(path).boxed()
    }

    fn remove_dir<'a>(&'a self, path: &'a DavPath) -> FsFuture<'a, ()> {
        self.remove(path).boxed()
    }

    fn remove_file<'a>(&'a self, path: &'a DavPath) -> FsFuture<'a, ()> {
        self.remove(path).boxed()
    }

    fn rename<'a>(&'a self, from: &'a DavPath, to: &'a DavPath) -> FsFuture<'a, ()> {
        self.relocate(from, to, false).boxed()
    }

    fn copy<'a>(&'a self, from: &'a DavPath, to: &'a DavPath) -> FsFuture<'a, ()> {
        self.relocate(from, to, true).boxed()
    }

    fn have_props<'a>(
        &'a self,
        _path: &'a DavPath,
    ) -> std::pin::Pin<Box<dyn Future<Output = bool> + Send + 'a>> {
        async { true }.boxed()
    }

    fn patch_props<'a>(
        &'a self,
        path: &'a DavPath,
        patch: Vec<(bool, DavProp)>,
    ) -> FsFuture<'a, Vec<(StatusCode, DavProp)>> {
        self.patch(path, patch).boxed()
    }

    fn get_props<'a>(&'a self, path: &'a DavPath, do_content: bool) -> FsFuture<'a, Vec<DavProp>> {
        super::oc::get_props(self, path, do_content).boxed()
    }

    fn get_prop<'a>(&'a self, path: &'a DavPath, prop: DavProp) -> FsFuture<'a, Vec<u8>> {
        super::oc::get_prop(self, path, prop).boxed()
    }

    fn get_quota(&self) -> FsFuture<'_, (u64, Option<u64>)> {
        let me = &self.0.me;
        let used = me.user.storage.max(0) as u64;
        let total = me.group.max_storage.max(0) as u64;
        async move { Ok((used, Some(total))) }.boxed()
    }
}
