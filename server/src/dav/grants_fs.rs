//! The "Shared with me" folder ([`super::received`]) as the WebDAV file system shows it: read
//! once per request, listed at the account's root, and refused as a place to change.

use std::sync::Arc;

use dav_server::{
    davpath::DavPath,
    fs::{DavDirEntry, FsError as DavFsError, FsStream},
};
use stratus_entity::file;

use super::{
    error::fs_err,
    fs::DavFs,
    grants::{Grants, is_folder, may_name_folder, show_access},
    meta::{Entry, Meta},
};
use crate::{
    boolset::fs_cap,
    fs::{error::FsError, grant, nav::Node, uri::FileUri},
};

impl DavFs {
    /// What the caller received, read once per request.
    pub(super) async fn grants(&self) -> Result<Option<Arc<Grants>>, DavFsError> {
        let s = &self.0;
        s.grants
            .get_or_try_init(|| async {
                Grants::load(&s.state, &s.me, &s.root)
                    .await
                    .map(|r| r.map(Arc::new))
                    .map_err(fs_err)
            })
            .await
            .cloned()
    }

    /// Reads what the caller received when one of `paths` may lie in the folder, so that
    /// the session maps them (`Session::uri`).
    pub(super) async fn prepare(&self, paths: &[Option<&DavPath>]) -> Result<(), DavFsError> {
        if paths.iter().flatten().any(|p| may_name_folder(p)) {
            self.grants().await?;
        }
        Ok(())
    }

    /// The folder's node at `uri` (a [`folder_uri`] or below): the folder itself, else
    /// nothing.
    pub(super) fn in_folder(&self, uri: &FileUri) -> Result<Node, DavFsError> {
        match self.0.grants_now() {
            Some(r) if uri.is_root() => Ok(r.folder_node()),
            _ => Err(DavFsError::NotFound),
        }
    }

    /// The folder's entries, for a listing of it.
    pub(super) fn list_grants(&self) -> FsStream<Box<dyn DavDirEntry>> {
        let entries: Vec<Result<Box<dyn DavDirEntry>, DavFsError>> = self
            .0
            .grants_now()
            .map(|r| {
                r.entries()
                    .map(|(name, meta)| Ok(Box::new(Entry { name, meta }) as Box<dyn DavDirEntry>))
                    .collect()
            })
            .unwrap_or_default();
        Box::pin(futures_util::stream::iter(entries))
    }

    /// What a listing of `uri` shows after its rows: the folder, at the account's root
    /// when the caller received anything.
    pub(super) async fn root_tail(
        &self,
        uri: &FileUri,
    ) -> Result<Vec<Result<Box<dyn DavDirEntry>, DavFsError>>, DavFsError> {
        if *uri != self.0.root {
            return Ok(Vec::new());
        }
        Ok(self
            .grants()
            .await?
            .map(|r| {
                let entry = Entry {
                    name: r.name.clone(),
                    meta: Meta::of(&r.folder),
                };
                vec![Ok(Box::new(entry) as Box<dyn DavDirEntry>)]
            })
            .unwrap_or_default())
    }

    /// Whether the caller may lock `uri`: anywhere in their own tree; in another owner's
    /// where a grant lets them write (a path not there yet: where they may create it); not
    /// the folder.
    pub(super) async fn may_lock(&self, uri: &FileUri) -> bool {
        if is_folder(uri) {
            return false;
        }
        if uri.id.is_none() {
            return true;
        }
        match self.node(uri).await {
            Ok(node) => node.capability.enabled(fs_cap::LOCK),
            Err(DavFsError::NotFound) => match uri.parent() {
                Some(parent) => self
                    .node(&parent)
                    .await
                    .is_ok_and(|n| n.capability.enabled(fs_cap::CREATE)),
                None => false,
            },
            Err(_) => false,
        }
    }

    /// `rows`, children of `folder`, as shown when a grant reaches the folder
    /// ([`show_access`]): one statement at most.
    pub(super) async fn show_children(
        &self,
        folder: &Node,
        rows: &mut [file::Model],
    ) -> Result<(), FsError> {
        let Some(g) = &folder.grant else {
            return Ok(());
        };
        let ids: Vec<i64> = rows.iter().map(|r| r.id).collect();
        let owner = folder.file.owner_id;
        let found = grant::of_children(&self.0.state.db, &self.0.me, owner, g, &ids).await?;
        for row in rows {
            if let Some(granted) = found.get(&row.id) {
                show_access(row, granted.here);
            }
        }
        Ok(())
    }

    /// Refuses a change of the folder, of a path in it that names no entry, and of an entry
    /// itself when `item` (a granted item is changed by its owner only; its own checks say
    /// so too, this answers 403 where a missing parent would answer 409).
    pub(super) fn ensure_not_grants(&self, uri: &FileUri, item: bool) -> Result<(), DavFsError> {
        let entry = item && self.0.grants_now().is_some_and(|r| r.is_item(uri));
        match is_folder(uri) || entry {
            true => Err(DavFsError::Forbidden),
            false => Ok(()),
        }
    }
}
