//! PROPFIND with `Depth: 0` or `1` in the owner's tree, answered here instead of by
//! dav-server. dav-server builds each property of each entry as an XML tree and serializes it
//! event by event, which is most of the CPU of a large listing; this writes the same
//! multistatus straight into a buffer, one page of children at a time, so a listing of any
//! size streams with flat memory.
//!
//! Answered here: `allprop` (or an empty body) and `prop` lists, "Shared with me" included
//! ([`grants_list`]). Left to dav-server, whose
//! answer this one follows: `propname`, `allprop` with `include`, any other depth, share-rooted
//! mounts, a target that is not there, and a target with a lock on, above or below it (the
//! `lockdiscovery` of such entries is dav-server's to write).

mod grants_list;
mod render;

use std::sync::Arc;

use bytes::Bytes;
use futures_util::{StreamExt, stream};
use poem::{
    Body, Request, Response,
    http::{StatusCode, header},
};
use std::collections::HashMap;
use stratus_entity::file;
use tokio::sync::mpsc;
use xmltree::{Element, XMLNode};

use self::render::{DAV, Item, Render};
use super::{
    fs::{DavFs, children_page, next_page},
    grants::{self, Grants},
    link,
    locks::DavLocks,
    path, props,
};
use crate::{
    fs::{
        error::FsError,
        grant::{self, Granted},
        list::rows::{ListedRow as Row, listed_rows},
        nav::{self, Node},
        uri::FsKind,
    },
    nextcloud::dav::oc::props::{self as oc, Extra, OC},
};

/// Largest PROPFIND body read (dav-server's own limit for XML bodies).
pub const MAX_BODY: usize = 64 * 1024;

/// A property name: namespace (empty for none) and local name.
#[derive(Debug, Clone, PartialEq)]
pub struct Name {
    pub ns: String,
    pub local: String,
}

impl Name {
    pub fn new(ns: impl Into<String>, local: impl Into<String>) -> Self {
        Self {
            ns: ns.into(),
            local: local.into(),
        }
    }
}

/// What the request asks for.
#[derive(Debug, Clone, PartialEq)]
pub enum Want {
    All,
    Props(Vec<Name>),
}

/// The request body as a [`Want`]; `None` for anything this module leaves to dav-server.
pub fn parse(body: &[u8]) -> Option<Want> {
    if body.iter().all(u8::is_ascii_whitespace) {
        return Some(Want::All);
    }
    let root = Element::parse(body).ok()?;
    if root.name != "propfind" || root.namespace.as_deref() != Some(DAV) {
        return None;
    }
    let mut want = None;
    for child in root.children.iter().filter_map(XMLNode::as_element) {
        if child.namespace.as_deref() != Some(DAV) || want.is_some() {
            return None;
        }
        want = match child.name.as_str() {
            "allprop" => Some(Want::All),
            "prop" => Some(Want::Props(
                child
                    .children
                    .iter()
                    .filter_map(XMLNode::as_element)
                    .map(|e| Name::new(e.namespace.clone().unwrap_or_default(), e.name.clone()))
                    .collect(),
            )),
            _ => return None,
        };
    }
    want
}

/// The answer, or `None` when dav-server should give it (the body is not consumed).
pub async fn answer(
    fs: &DavFs,
    locks: Option<&DavLocks>,
    req: &Request,
    body: &[u8],
) -> Option<Response> {
    let s = &fs.0;
    let depth_one = match req.header("depth").map(str::trim) {
        Some("0") => false,
        Some("1") => true,
        _ => return None,
    };
    if s.root.fs != FsKind::My {
        return None;
    }
    let want = parse(body)?;
    let dav_path = s.request_path.as_ref()?;
    let node = fs.node(&s.uri(dav_path).ok()?).await.ok()?;
    // Inside a saved share, the share decides what is listed (a single-file share shows
    // only its file): dav-server's listing goes through it.
    if link::inside_share(&node) {
        return None;
    }
    // "Shared with me" takes no lock; anything else with a lock near is dav-server's.
    let locks = locks?;
    if !grants::is_folder(&node.uri) && !locks.none_near(dav_path).await {
        return None;
    }
    let dir = node.is_folder();
    let mut resp = Response::builder()
        .status(StatusCode::MULTI_STATUS)
        .content_type("application/xml; charset=utf-8")
        .header(header::CACHE_CONTROL, "no-cache")
        .header(header::PRAGMA, "no-cache");
    let mut href = dav_path.with_prefix().as_url_string();
    // A folder asked for without its slash: answered under its collection URL.
    if dir && !href.ends_with('/') {
        href.push('/');
        resp = resp.header(header::CONTENT_LOCATION, &href);
    }
    let at_root = path::segments(dav_path).ok()?.is_empty();
    let r = Arc::new(render_for(fs, req, want));
    if grants::is_folder(&node.uri) {
        let rec = fs.grants().await.ok()??;
        let body = grants_list::answer(&s.state, &r, &href, &rec, depth_one).await;
        return Some(resp.body(body.ok()?));
    }

    let head = head(fs, &r, &node, &href, at_root).await.ok()?;
    // At the account's root, "Shared with me" after the real children.
    let swm = match at_root && dir && depth_one {
        true => fs.grants().await.ok()?,
        false => None,
    };
    let head = stream::once(async move { Ok(Bytes::from(head)) });
    let tail = stream::once(async { Ok(Bytes::from_static(b"</D:multistatus>")) });
    let shown = swm.map(|rec| Ok(grants_entry(&r, &href, &rec)));
    let shown = stream::iter(shown);
    let children = if dir && depth_one {
        let folder = Folder {
            id: node.file.id,
            grant: node.grant,
            owner: node.file.owner_id,
        };
        children(fs.clone(), r, folder, href).boxed()
    } else {
        stream::empty().boxed()
    };
    let body = head.chain(children).chain(shown).chain(tail);
    Some(resp.body(Body::from_bytes_stream(body)))
}

/// How the answer to `req` is written: the properties it asks for, as its client reads them.
fn render_for(fs: &DavFs, req: &Request, want: Want) -> Render {
    let s = &fs.0;
    let ua = req.header(header::USER_AGENT).unwrap_or_default();
    Render {
        ms: want == Want::All && ua.contains("Microsoft"),
        webdavfs: ua.contains("WebDAVFS"),
        want,
        used: s.me.user.storage.max(0) as u64,
        total: s.me.group.max_storage.max(0) as u64,
        block_junk: s.block_junk,
        access: s.oc.access,
        nextcloud: s.oc.nextcloud,
    }
}

/// The opening of the answer and the `response` of the target `node` at `href`.
async fn head(
    fs: &DavFs,
    r: &Render,
    node: &Node,
    href: &str,
    at_root: bool,
) -> Result<String, FsError> {
    let id = node.file.id;
    let dead = props::load(&fs.0.state.db, &[id]).await?;
    let folders: &[i64] = if node.is_folder() { &[id] } else { &[] };
    let mut extra = Extra::load(&fs.0.state, |ns, l| r.asks(ns, l), &[id], folders).await?;
    if let Some(p) = oc::permissions_of(node, r.access) {
        extra.permissions.insert(id, p);
    }
    extra.total_of_shared_file(&fs.0.ctx(&[]), node).await?;
    let mut head = r.open();
    let row = Row::from(&node.file);
    let item = Item::of(&row, at_root);
    let dead = dead.get(&id).map(Vec::as_slice).unwrap_or_default();
    r.response(&mut head, href, &item, dead, &extra);
    Ok(head)
}

/// The `response` of "Shared with me" in a listing of the account's root at `base`.
fn grants_entry(r: &Render, base: &str, grants: &Grants) -> Bytes {
    let row = Row::from(&grants.folder);
    let mut extra = Extra::default();
    if let Some(p) = oc::permissions_of(&grants.folder_node(), r.access) {
        extra.permissions.insert(row.id, p);
    }
    Bytes::from(r.page(base, &[row], &HashMap::new(), &extra))
}

/// The folder whose children are listed, and the grant it is reached through.
#[derive(Clone, Copy)]
struct Folder {
    id: i64,
    grant: Option<Granted>,
    owner: i64,
}

/// Pages fetched ahead of the one being written.
const PAGES_AHEAD: usize = 1;

/// A page of children with their dead properties and what their `oc:` properties need.
type Page = (Vec<Row>, HashMap<i64, Vec<(String, String)>>, Extra);

/// The children of `folder`, a page per body frame. A task fetches the pages and the response
/// writes them: the database (on its own thread) reads the next page while this one is
/// written, and at most `PAGES_AHEAD` + 2 pages are in memory whatever the folder's size.
fn children(
    fs: DavFs,
    r: Arc<Render>,
    folder: Folder,
    base: String,
) -> impl futures_util::Stream<Item = std::io::Result<Bytes>> + Send {
    let (tx, rx) = mpsc::channel::<Result<Page, ()>>(PAGES_AHEAD);
    let fetching = r.clone();
    tokio::spawn(async move {
        let r = fetching;
        let mut after = String::new();
        loop {
            let page = fetch(&fs, &r, folder, &after).await.map_err(|e| {
                tracing::warn!(error = %e, "WebDAV listing failed");
            });
            let next = page
                .as_ref()
                .ok()
                .and_then(|(rows, _, _)| next_page(rows, |r| &r.name));
            // A closed channel: the client went away.
            if tx.send(page).await.is_err() {
                return;
            }
            match next {
                Some(name) => after = name,
                None => return,
            }
        }
    });
    stream::unfold(rx, |mut rx| async move { Some((rx.recv().await?, rx)) }).map(move |page| {
        let (rows, dead, extra) = page.map_err(|()| std::io::Error::other("listing failed"))?;
        Ok(Bytes::from(r.page(&base, &rows, &dead, &extra)))
    })
}

/// The page of children of `folder` named after `after`, with their dead properties.
async fn fetch(fs: &DavFs, r: &Render, folder: Folder, after: &str) -> Result<Page, FsError> {
    let state = &fs.0.state;
    let db = &state.db;
    let mut rows = listed_rows(db, children_page(folder.id, after)).await?;
    // Saved shares (rare) are shown as what they lead to.
    for row in rows.iter_mut().filter(|r| r.is_symbolic) {
        if let Some(entry) = nav::live_file(db, row.id).await? {
            *row = Row::from(&fs.listed(entry).await);
        }
    }
    let ids: Vec<i64> = rows.iter().map(|r| r.id).collect();
    let dead = props::load(db, &ids).await?;
    let folders: Vec<i64> = rows
        .iter()
        .filter(|r| r.kind == file::kind::FOLDER)
        .map(|r| r.id)
        .collect();
    let mut extra = Extra::load(state, |ns, l| r.asks(ns, l), &ids, &folders).await?;
    // Through a grant, what each child allows (one statement for the page at most): its
    // ETag follows it, and so do its permissions.
    if let Some(g) = &folder.grant {
        let found = grant::of_children(db, &fs.0.me, folder.owner, g, &ids).await?;
        let asked = r.asks(OC, "permissions");
        for row in rows.iter_mut() {
            let Some(granted) = found.get(&row.id) else {
                continue;
            };
            let dir = row.kind == file::kind::FOLDER;
            if dir {
                row.tree_rev = grants::shown_rev(row.tree_rev, granted.here);
            }
            if asked {
                let cap = grant::capability(granted);
                let shown = oc::granted_permissions(&cap, dir, r.access);
                extra.permissions.insert(row.id, shown);
            }
        }
    }
    Ok((rows, dead, extra))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn bodies_are_read() {
        assert_eq!(parse(b""), Some(Want::All));
        assert_eq!(parse(b"\r\n "), Some(Want::All));
        assert_eq!(
            parse(br#"<?xml version="1.0"?><D:propfind xmlns:D="DAV:"><D:allprop/></D:propfind>"#),
            Some(Want::All)
        );
        assert_eq!(
            parse(
                br#"<propfind xmlns="DAV:"><prop><getetag/><x:p xmlns:x="urn:x"/><q xmlns=""/></prop></propfind>"#
            ),
            Some(Want::Props(vec![
                Name::new(DAV, "getetag"),
                Name::new("urn:x", "p"),
                Name::new("", "q")
            ]))
        );
        // Left to dav-server.
        assert_eq!(
            parse(br#"<propfind xmlns="DAV:"><propname/></propfind>"#),
            None
        );
        assert_eq!(
            parse(br#"<propfind xmlns="DAV:"><allprop/><include><x/></include></propfind>"#),
            None
        );
        assert_eq!(
            parse(br#"<propfind xmlns="urn:other"><allprop/></propfind>"#),
            None
        );
        assert_eq!(parse(b"<propfind"), None);
    }
}
