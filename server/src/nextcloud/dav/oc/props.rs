//! The ownCloud and Nextcloud properties of an entry (`oc:` and `nc:`), as the sync clients
//! and mobile apps ask for them in PROPFIND. Both writers of a PROPFIND answer use this: the
//! fast one (`dav::propfind`) and dav-server's, through `DavFs::get_prop(s)`.
//!
//! What a property needs beyond the row (a folder's total size, whether a share link is on
//! the entry) is read for a whole page of entries at once ([`Extra::load`]), and only when the
//! request asks for it.

use std::{
    collections::{HashMap, HashSet},
    fmt::Write as _,
};

use crate::{
    boolset::{Boolset, fs_cap},
    fs::{
        error::FsError,
        info,
        nav::{FsCtx, Node},
        share_tree, shown,
        uri::FsKind,
    },
    state::AppState,
};

pub const OC: &str = "http://owncloud.org/ns";
pub const NC: &str = "http://nextcloud.org/ns";

/// The instance part of `oc:id` (Nextcloud's `instanceid`): fixed, so ids stay the same
/// across restarts and instances sharing the database.
pub const INSTANCE_ID: &str = "ocstratus";

/// The properties an `allprop` of a Nextcloud client's mount adds, as Nextcloud lists them.
pub const ALLPROP: &[(&str, &str)] = &[
    (OC, "id"),
    (OC, "fileid"),
    (OC, "permissions"),
    (OC, "size"),
    (OC, "data-fingerprint"),
    (OC, "share-types"),
    (NC, "has-preview"),
    (NC, "mount-type"),
];

/// What the caller may do in the mount, as `oc:permissions` tells it.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Access {
    /// The owner's tree: everything.
    Full,
    /// A read-only WebDAV account: read, and share from the web UI.
    ReadOnly,
    /// A saved share: read only.
    Share,
}

impl Access {
    /// The access through a mount of a saved share (`share`) or a `read_only` account.
    pub fn of(share: bool, read_only: bool) -> Self {
        match (share, read_only) {
            (true, _) => Access::Share,
            (false, true) => Access::ReadOnly,
            (false, false) => Access::Full,
        }
    }

    /// `oc:permissions`: R share, G read, D delete, NV rename and move, W write (files),
    /// CK create files and folders (folders).
    pub fn permissions(self, dir: bool) -> &'static str {
        match (self, dir) {
            (Access::Full, true) => "RGDNVCK",
            (Access::Full, false) => "RGDNVW",
            (Access::ReadOnly, _) => "RG",
            (Access::Share, _) => "G",
        }
    }
}

/// `oc:permissions` of a node that is not the mount's own, `None` for one that is: "Shared
/// with me" may be read only (G); what a grant reaches is marked shared and mounted (S, M:
/// another user's, as Nextcloud marks what it received), is never shared on (no R), and may
/// be changed as the grant allows, unless the account is read-only. A file is written (W)
/// where its folder may be, which is also where it may be renamed or deleted.
pub fn permissions_of(node: &Node, access: Access) -> Option<String> {
    if node.uri.fs == FsKind::SharedWithMe {
        return Some("G".to_owned());
    }
    node.grant?;
    Some(granted_permissions(
        &node.capability,
        node.is_folder(),
        access,
    ))
}

/// `oc:permissions` of what a grant reaches with capabilities `cap` (see [`permissions_of`]).
pub fn granted_permissions(cap: &Boolset, dir: bool, access: Access) -> String {
    let mut out = String::from("SMG");
    if access != Access::Full {
        return out;
    }
    if cap.enabled(fs_cap::DELETE) {
        out.push('D');
    }
    if cap.enabled(fs_cap::RENAME) {
        out.push_str("NV");
        if !dir {
            out.push('W');
        }
    }
    if dir && cap.enabled(fs_cap::CREATE) {
        out.push_str("CK");
    }
    out
}

/// One entry as these properties see it.
pub struct Facts<'a> {
    pub id: i64,
    pub name: &'a str,
    pub dir: bool,
    /// A file's size (a folder's comes from [`Extra`]).
    pub size: i64,
}

/// What a page of entries needs beyond their rows.
#[derive(Default)]
pub struct Extra {
    /// Total size of the files below each folder asked for.
    pub totals: HashMap<i64, i64>,
    /// Entries with a share link.
    pub shared: HashSet<i64>,
    /// The verified checksum of each file's current content that has one.
    pub checksums: HashMap<i64, String>,
    /// `oc:permissions` of entries that are not the mount's own (reached through a grant),
    /// instead of the mount's.
    pub permissions: HashMap<i64, String>,
}

impl Extra {
    /// Reads what the properties `asks` will need for the entries `ids`, of which `folders`
    /// are folders.
    pub async fn load(
        state: &AppState,
        asks: impl Fn(&str, &str) -> bool,
        ids: &[i64],
        folders: &[i64],
    ) -> Result<Self, FsError> {
        let db = &state.db;
        let mut extra = Extra::default();
        if asks(OC, "size") && !folders.is_empty() {
            extra.totals = info::folder_sizes(db, folders).await?;
        }
        if asks(OC, "checksums") {
            extra.checksums = super::checksums::of_files(db, ids).await?;
        }
        if asks(OC, "share-types") && !ids.is_empty() {
            extra.shared = shown::with_share_links(db, ids).await?;
        }
        Ok(extra)
    }

    /// At the root of a single-file share (the file's folder, in which only the file shows)
    /// the total is the file's alone, never the folder's with its siblings.
    pub async fn total_of_shared_file(
        &mut self,
        ctx: &FsCtx<'_>,
        node: &Node,
    ) -> Result<(), FsError> {
        let id = node.file.id;
        if !self.totals.contains_key(&id) {
            return Ok(());
        }
        if let Some(shared) = share_tree::single_file_root(ctx, node).await? {
            let size = info::size_of(&ctx.state.db, shared).await?;
            self.totals.insert(id, size);
        }
        Ok(())
    }
}

/// The element prefix of a namespace of these properties.
pub fn prefix(ns: &str) -> Option<&'static str> {
    match ns {
        OC => Some("oc"),
        NC => Some("nc"),
        _ => None,
    }
}

/// Writes the content of property `ns` `local` of `f` (text or child elements with the
/// `oc`/`nc` prefixes); false when there is no such property.
pub fn value(
    out: &mut String,
    ns: &str,
    local: &str,
    f: &Facts,
    access: Access,
    extra: &Extra,
) -> bool {
    match (ns, local) {
        (OC, "fileid") => write!(out, "{}", f.id).is_ok(),
        (OC, "id") => write!(out, "{:08}{INSTANCE_ID}", f.id).is_ok(),
        (OC, "permissions") => {
            let own = extra.permissions.get(&f.id).map(String::as_str);
            out.push_str(own.unwrap_or(access.permissions(f.dir)));
            true
        }
        (OC, "size") => {
            let size = if f.dir {
                extra.totals.get(&f.id).copied().unwrap_or(0)
            } else {
                f.size
            };
            write!(out, "{}", size.max(0)).is_ok()
        }
        (OC, "share-types") => {
            if extra.shared.contains(&f.id) {
                // 3: a public link.
                out.push_str("<oc:share-type>3</oc:share-type>");
            }
            true
        }
        (OC, "checksums") => {
            if let Some(sum) = extra.checksums.get(&f.id) {
                let _ = write!(out, "<oc:checksum>{sum}</oc:checksum>");
            }
            true
        }
        (OC, "data-fingerprint") | (NC, "mount-type") => true,
        (NC, "has-preview") => {
            out.push_str(if has_preview(f) { "true" } else { "false" });
            true
        }
        _ => false,
    }
}

/// Whether a thumbnail can be asked for: images, videos and PDFs.
fn has_preview(f: &Facts) -> bool {
    if f.dir {
        return false;
    }
    let mime = f
        .name
        .rsplit_once('.')
        .and_then(|(_, ext)| mime_guess::from_ext(ext).first_raw())
        .unwrap_or_default();
    mime.starts_with("image/") || mime.starts_with("video/") || mime == "application/pdf"
}

/// The namespace declarations of these properties, for the opening `multistatus`.
pub const XMLNS: &str = " xmlns:oc=\"http://owncloud.org/ns\" xmlns:nc=\"http://nextcloud.org/ns\"";

/// The whole element of property `ns` `local` of `f` with its own namespace declaration,
/// as dav-server takes a property's XML; `None` when there is no such property.
pub fn element(ns: &str, local: &str, f: &Facts, access: Access, extra: &Extra) -> Option<Vec<u8>> {
    let p = prefix(ns)?;
    let mut inner = String::new();
    if !value(&mut inner, ns, local, f, access, extra) {
        return None;
    }
    Some(format!("<{p}:{local} xmlns:{p}=\"{ns}\">{inner}</{p}:{local}>").into_bytes())
}

#[cfg(test)]
mod tests {
    use super::*;

    fn facts(dir: bool) -> Facts<'static> {
        Facts {
            id: 42,
            name: if dir { "d" } else { "a.jpg" },
            dir,
            size: 7,
        }
    }

    #[test]
    fn values_as_nextcloud_writes_them() {
        let mut extra = Extra::default();
        extra.totals.insert(42, 1234);
        extra.shared.insert(42);
        let get = |ns, local, dir, access| {
            let mut out = String::new();
            value(&mut out, ns, local, &facts(dir), access, &extra).then_some(out)
        };
        assert_eq!(
            get(OC, "id", false, Access::Full).unwrap(),
            "00000042ocstratus"
        );
        assert_eq!(get(OC, "fileid", false, Access::Full).unwrap(), "42");
        assert_eq!(
            get(OC, "permissions", true, Access::Full).unwrap(),
            "RGDNVCK"
        );
        assert_eq!(
            get(OC, "permissions", false, Access::Full).unwrap(),
            "RGDNVW"
        );
        assert_eq!(
            get(OC, "permissions", false, Access::ReadOnly).unwrap(),
            "RG"
        );
        assert_eq!(get(OC, "permissions", true, Access::Share).unwrap(), "G");
        assert_eq!(get(OC, "size", true, Access::Full).unwrap(), "1234");
        assert_eq!(get(OC, "size", false, Access::Full).unwrap(), "7");
        assert_eq!(
            get(OC, "share-types", false, Access::Full).unwrap(),
            "<oc:share-type>3</oc:share-type>"
        );
        assert_eq!(get(NC, "has-preview", false, Access::Full).unwrap(), "true");
        assert_eq!(get(NC, "has-preview", true, Access::Full).unwrap(), "false");
        assert_eq!(get(NC, "mount-type", true, Access::Full).unwrap(), "");
        assert_eq!(get(OC, "nope", true, Access::Full), None);
        assert_eq!(
            element(OC, "fileid", &facts(false), Access::Full, &extra).unwrap(),
            b"<oc:fileid xmlns:oc=\"http://owncloud.org/ns\">42</oc:fileid>"
        );
    }
}
