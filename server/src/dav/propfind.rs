//! PROPFIND with `Depth: 0` or `1` in the owner's tree, answered here instead of by
//! dav-server. dav-server builds each property of each entry as an XML tree and serializes it
//! event by event, which is most of the CPU of a large listing; this writes the same
//! multistatus straight into a buffer, one page of children at a time, so a listing of any
//! size streams with flat memory.
//!
//! Answered here: `allprop` (or an empty body) and `prop` lists. Left to dav-server, whose
//! answer this one follows: `propname`, `allprop` with `include`, any other depth, share-rooted
//! mounts, a target that is not there, and a target with a lock on, above or below it (the
//! `lockdiscovery` of such entries is dav-server's to write).

use std::{collections::HashMap, fmt::Write as _, sync::Arc, time::SystemTime};

use bytes::Bytes;
use chrono::SecondsFormat;
use futures_util::{StreamExt, stream};
use percent_encoding::{AsciiSet, NON_ALPHANUMERIC, utf8_percent_encode};
use poem::{
    Body, Request, Response,
    http::{StatusCode, header},
};
use sea_orm::{DatabaseConnection, FromQueryResult, QuerySelect, prelude::DateTimeUtc};
use stratus_entity::file;
use tokio::sync::mpsc;
use xmltree::{Element, EmitterConfig, XMLNode};

use super::{
    fs::{DavFs, children_page, next_page},
    locks::DavLocks,
    meta, path, props,
};
use crate::fs::{error::FsError, uri::FsKind};

/// Largest PROPFIND body read (dav-server's own limit for XML bodies).
pub const MAX_BODY: usize = 64 * 1024;

const DAV: &str = "DAV:";
const APACHE: &str = "http://apache.org/dav/props/";
const MS: &str = "urn:schemas-microsoft-com:";

/// Bytes of a name left as they are in an `href` (as dav-server encodes paths).
const HREF_KEEP: &AsciiSet = &NON_ALPHANUMERIC
    .remove(b'-')
    .remove(b'_')
    .remove(b'.')
    .remove(b'~');

/// Live properties of `allprop`, in dav-server's order.
const ALLPROP: &[&str] = &[
    "creationdate",
    "getcontentlength",
    "getcontenttype",
    "getetag",
    "getlastmodified",
    "lockdiscovery",
    "resourcetype",
    "supportedlock",
];

/// The extra properties Windows gets with `allprop`.
const MS_ALLPROP: &[&str] = &[
    "Win32CreationTime",
    "Win32FileAttributes",
    "Win32LastModifiedTime",
];

/// A property name: namespace (empty for none) and local name.
#[derive(Debug, Clone, PartialEq)]
pub struct Name {
    pub ns: String,
    pub local: String,
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
                    .map(|e| Name {
                        ns: e.namespace.clone().unwrap_or_default(),
                        local: e.name.clone(),
                    })
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
    if !locks?.none_near(dav_path).await {
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
    let ua = req.header(header::USER_AGENT).unwrap_or_default();
    let r = Arc::new(Render {
        ms: want == Want::All && ua.contains("Microsoft"),
        webdavfs: ua.contains("WebDAVFS"),
        want,
        used: s.me.user.storage.max(0) as u64,
        total: s.me.group.max_storage.max(0) as u64,
        block_junk: s.block_junk,
    });

    let dead = props::load(&s.state.db, &[node.file.id]).await.ok()?;
    let mut head = r.open();
    r.response(
        &mut head,
        &href,
        &Item::of(&Row::from(&node.file), at_root),
        dead.get(&node.file.id)
            .map(Vec::as_slice)
            .unwrap_or_default(),
    );
    let head = stream::once(async move { Ok(Bytes::from(head)) });
    let tail = stream::once(async { Ok(Bytes::from_static(b"</D:multistatus>")) });
    let children = if dir && depth_one {
        children(s.state.db.clone(), r, node.file.id, href).boxed()
    } else {
        stream::empty().boxed()
    };
    Some(resp.body(Body::from_bytes_stream(head.chain(children).chain(tail))))
}

/// Pages fetched ahead of the one being written.
const PAGES_AHEAD: usize = 1;

/// A page of children with their dead properties.
type Page = (Vec<Row>, HashMap<i64, Vec<(String, String)>>);

/// The children of `folder`, a page per body frame. A task fetches the pages and the response
/// writes them: the database (on its own thread) reads the next page while this one is
/// written, and at most `PAGES_AHEAD` + 2 pages are in memory whatever the folder's size.
fn children(
    db: DatabaseConnection,
    r: Arc<Render>,
    folder: i64,
    base: String,
) -> impl futures_util::Stream<Item = std::io::Result<Bytes>> + Send {
    let (tx, rx) = mpsc::channel::<Result<Page, ()>>(PAGES_AHEAD);
    tokio::spawn(async move {
        let mut after = String::new();
        loop {
            let page = fetch(&db, folder, &after).await.map_err(|e| {
                tracing::warn!(error = %e, "WebDAV listing failed");
            });
            let next = page
                .as_ref()
                .ok()
                .and_then(|(rows, _)| next_page(rows, |r| &r.name));
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
        let (rows, dead) = page.map_err(|()| std::io::Error::other("listing failed"))?;
        Ok(Bytes::from(r.page(&base, &rows, &dead)))
    })
}

/// The page of children of `folder` named after `after`, with their dead properties.
async fn fetch(db: &DatabaseConnection, folder: i64, after: &str) -> Result<Page, FsError> {
    let rows = children_page(folder, after)
        .select_only()
        .column(file::Column::Id)
        .column(file::Column::Name)
        .column_as(file::Column::Type, "kind")
        .column(file::Column::Size)
        .column(file::Column::PrimaryEntity)
        .column(file::Column::CreatedAt)
        .column(file::Column::UpdatedAt)
        .into_model::<Row>()
        .all(db)
        .await?;
    let ids: Vec<i64> = rows.iter().map(|r| r.id).collect();
    let dead = props::load(db, &ids).await?;
    Ok((rows, dead))
}

/// The columns a listing needs.
#[derive(Debug, FromQueryResult)]
struct Row {
    id: i64,
    name: String,
    kind: i16,
    size: i64,
    primary_entity: Option<i64>,
    created_at: DateTimeUtc,
    updated_at: DateTimeUtc,
}

impl From<&file::Model> for Row {
    fn from(f: &file::Model) -> Self {
        Row {
            id: f.id,
            name: f.name.clone(),
            kind: f.r#type,
            size: f.size,
            primary_entity: f.primary_entity,
            created_at: f.created_at,
            updated_at: f.updated_at,
        }
    }
}

/// One entry as the properties see it.
struct Item<'a> {
    name: &'a str,
    dir: bool,
    len: u64,
    created: DateTimeUtc,
    modified: DateTimeUtc,
    etag: meta::Etag,
    /// The account root: its quota is the owner's.
    root: bool,
}

impl<'a> Item<'a> {
    fn of(row: &'a Row, root: bool) -> Self {
        let dir = row.kind == file::kind::FOLDER;
        Item {
            name: &row.name,
            dir,
            len: if dir { 0 } else { row.size.max(0) as u64 },
            created: row.created_at,
            modified: row.updated_at,
            etag: meta::Etag::new(row.id, row.primary_entity, row.updated_at),
            root,
        }
    }
}

/// What every entry of one answer shares.
struct Render {
    want: Want,
    /// A Windows client asking for everything: the Win32 properties too.
    ms: bool,
    /// macOS's WebDAVFS wants the used bytes zero-padded.
    webdavfs: bool,
    used: u64,
    total: u64,
    block_junk: bool,
}

impl Render {
    /// The XML declaration and the opening `multistatus`.
    fn open(&self) -> String {
        let mut out = String::from(
            "<?xml version=\"1.0\" encoding=\"utf-8\"?><D:multistatus xmlns:D=\"DAV:\"",
        );
        let uses = |ns: &str| match &self.want {
            Want::All => ns == MS && self.ms,
            Want::Props(list) => list.iter().any(|n| n.ns == ns),
        };
        if uses(APACHE) {
            write!(out, " xmlns:A=\"{APACHE}\"").ok();
        }
        if uses(MS) {
            write!(out, " xmlns:Z=\"{MS}\"").ok();
        }
        out.push('>');
        out
    }

    /// The `response`s of a page of children of the folder at `base`.
    fn page(&self, base: &str, rows: &[Row], dead: &HashMap<i64, Vec<(String, String)>>) -> String {
        let mut out = String::with_capacity(rows.len() * 640);
        let mut href = String::new();
        for row in rows
            .iter()
            .filter(|row| !(self.block_junk && path::is_junk(&row.name)))
        {
            let item = Item::of(row, false);
            href.clear();
            href.push_str(base);
            href.extend(utf8_percent_encode(&row.name, HREF_KEEP));
            if item.dir {
                href.push('/');
            }
            let props = dead.get(&row.id).map(Vec::as_slice).unwrap_or_default();
            self.response(&mut out, &href, &item, props);
        }
        out
    }

    /// One `response`: the properties found (200) and, for a `prop` list, those not (404).
    fn response(&self, out: &mut String, href: &str, item: &Item, dead: &[(String, String)]) {
        out.push_str("<D:response><D:href>");
        escape(out, href);
        out.push_str("</D:href>");
        // The found properties go straight into `out`; the 200 propstat opened for them is
        // taken back when a `prop` list found none.
        let start = out.len();
        out.push_str("<D:propstat><D:prop>");
        let first = out.len();
        let mut missing = String::new();
        match &self.want {
            Want::All => {
                for local in ALLPROP {
                    self.live(out, item, DAV, local);
                }
                if self.ms {
                    for local in MS_ALLPROP {
                        self.live(out, item, MS, local);
                    }
                }
                for (_, value) in dead {
                    dead_xml(out, value);
                }
            }
            Want::Props(list) => {
                for name in list {
                    if !self.live(out, item, &name.ns, &name.local) && !stored(out, name, dead) {
                        empty(&mut missing, name);
                    }
                }
            }
        }
        if out.len() == first && !missing.is_empty() {
            out.truncate(start);
        } else {
            out.push_str("</D:prop><D:status>HTTP/1.1 200 OK</D:status></D:propstat>");
        }
        if !missing.is_empty() {
            out.push_str("<D:propstat><D:prop>");
            out.push_str(&missing);
            out.push_str("</D:prop><D:status>HTTP/1.1 404 Not Found</D:status></D:propstat>");
        }
        out.push_str("</D:response>");
    }

    /// Writes the live property `ns` `local` of `item`; false when it has none such. No value
    /// holds a character XML escapes (numbers, dates, MIME types, hex), so they go in as they are.
    fn live(&self, out: &mut String, item: &Item, ns: &str, local: &str) -> bool {
        let prefix = match ns {
            DAV => "D",
            MS => "Z",
            _ => return false,
        };
        let start = out.len();
        write!(out, "<{prefix}:{local}>").ok();
        let value = out.len();
        match (ns, local) {
            (DAV, "creationdate") => {
                out.push_str(&item.created.to_rfc3339_opts(SecondsFormat::Secs, true));
            }
            (DAV, "getcontentlength") if !item.dir => write!(out, "{}", item.len).unwrap_or(()),
            (DAV, "getcontenttype") => out.push_str(mime(item)),
            (DAV, "getetag") => write!(out, "\"{}\"", item.etag).unwrap_or(()),
            (DAV, "getlastmodified") | (MS, "Win32LastModifiedTime") => {
                write!(out, "{}", http_date(item.modified)).unwrap_or(())
            }
            (MS, "Win32CreationTime") => write!(out, "{}", http_date(item.created)).unwrap_or(()),
            // Entries with locks are answered by dav-server.
            (DAV, "lockdiscovery") => {}
            (DAV, "resourcetype") if item.dir => out.push_str("<D:collection/>"),
            (DAV, "resourcetype") => {}
            (DAV, "supportedlock") => out.push_str(concat!(
                "<D:lockentry><D:lockscope><D:exclusive/></D:lockscope>",
                "<D:locktype><D:write/></D:locktype></D:lockentry>",
                "<D:lockentry><D:lockscope><D:shared/></D:lockscope>",
                "<D:locktype><D:write/></D:locktype></D:lockentry>",
            )),
            (DAV, "quota-used-bytes") => {
                let used = self.quota_used(item);
                if self.webdavfs {
                    write!(out, "{used:014}").unwrap_or(())
                } else {
                    write!(out, "{used}").unwrap_or(())
                }
            }
            (DAV, "quota-available-bytes") => {
                let free = self.total.saturating_sub(self.quota_used(item));
                write!(out, "{free}").unwrap_or(())
            }
            (MS, "Win32FileAttributes") => {
                let hidden = if item.name.starts_with('.') { 0x2 } else { 0 };
                let kind = if item.dir { 0x10 } else { 0x20 };
                write!(out, "{:08x}", hidden | kind).unwrap_or(())
            }
            _ => {
                out.truncate(start);
                return false;
            }
        }
        if out.len() == value {
            out.truncate(start);
            write!(out, "<{prefix}:{local}/>").ok();
        } else {
            write!(out, "</{prefix}:{local}>").ok();
        }
        true
    }

    fn quota_used(&self, item: &Item) -> u64 {
        if item.root { self.used } else { item.len }
    }
}

/// A stored (dead) property asked for by name; false when the entry has none such.
fn stored(out: &mut String, name: &Name, dead: &[(String, String)]) -> bool {
    let key = format!("{}{{{}}}{}", props::PREFIX, name.ns, name.local);
    dead.iter()
        .find(|(k, _)| *k == key)
        .is_some_and(|(_, value)| dead_xml(out, value))
}

/// A stored property: the XML element PROPPATCH received, written again without its XML
/// declaration and with its own namespace bindings.
fn dead_xml(out: &mut String, value: &str) -> bool {
    let Ok(elem) = Element::parse(value.as_bytes()) else {
        return false;
    };
    let mut buf = Vec::new();
    let config = EmitterConfig::new()
        .write_document_declaration(false)
        .perform_indent(false)
        .normalize_empty_elements(false);
    if elem.write_with_config(&mut buf, config).is_err() {
        return false;
    }
    match String::from_utf8(buf) {
        Ok(xml) => {
            out.push_str(&xml);
            true
        }
        Err(_) => false,
    }
}

/// An empty element for a property not found.
fn empty(out: &mut String, name: &Name) {
    match name.ns.as_str() {
        DAV => write!(out, "<D:{}/>", name.local),
        APACHE => write!(out, "<A:{}/>", name.local),
        MS => write!(out, "<Z:{}/>", name.local),
        "" => write!(out, "<{} xmlns=\"\"/>", name.local),
        ns => {
            write!(out, "<{} xmlns=\"", name.local).ok();
            escape(out, ns);
            write!(out, "\"/>")
        }
    }
    .ok();
}

fn mime(item: &Item) -> &'static str {
    if item.dir {
        return "httpd/unix-directory";
    }
    item.name
        .rsplit_once('.')
        .and_then(|(_, ext)| mime_guess::from_ext(ext).first_raw())
        .unwrap_or("application/octet-stream")
}

/// RFC 7231 date, as `getlastmodified` wants it.
fn http_date(t: DateTimeUtc) -> httpdate::HttpDate {
    // httpdate refuses times before 1970 (by panicking).
    SystemTime::from(t).max(SystemTime::UNIX_EPOCH).into()
}

/// Escapes text, and attribute values in double quotes.
fn escape(out: &mut String, text: &str) {
    let mut rest = text;
    while let Some(i) = rest.find(['&', '<', '>', '"']) {
        out.push_str(&rest[..i]);
        out.push_str(match rest.as_bytes()[i] {
            b'&' => "&amp;",
            b'<' => "&lt;",
            b'>' => "&gt;",
            _ => "&quot;",
        });
        rest = &rest[i + 1..];
    }
    out.push_str(rest);
}

#[cfg(test)]
mod tests {
    use super::*;

    fn name(ns: &str, local: &str) -> Name {
        Name {
            ns: ns.into(),
            local: local.into(),
        }
    }

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
                name(DAV, "getetag"),
                name("urn:x", "p"),
                name("", "q")
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

    fn item(name: &str, dir: bool) -> Item<'_> {
        let t = chrono::DateTime::from_timestamp(1_700_000_000, 0).unwrap();
        Item {
            name,
            dir,
            len: if dir { 0 } else { 5 },
            created: t,
            modified: t,
            etag: meta::Etag::new(10, None, t),
            root: false,
        }
    }

    fn render(want: Want) -> Render {
        Render {
            want,
            ms: false,
            webdavfs: false,
            used: 100,
            total: 1000,
            block_junk: false,
        }
    }

    #[test]
    fn allprop_lists_live_and_stored_properties() {
        let r = render(Want::All);
        let mut out = String::new();
        let dead = vec![(
            "dav:{urn:x}p".to_owned(),
            r#"<?xml version="1.0" encoding="utf-8"?><x:p xmlns:x="urn:x">v &amp; w</x:p>"#
                .to_owned(),
        )];
        r.response(&mut out, "/dav/a%20b.txt", &item("a b.txt", false), &dead);
        assert!(out.starts_with("<D:response><D:href>/dav/a%20b.txt</D:href><D:propstat>"));
        assert!(out.contains("<D:getcontentlength>5</D:getcontentlength>"));
        assert!(out.contains("<D:getcontenttype>text/plain</D:getcontenttype>"));
        let micros = 1_700_000_000_000_000i64;
        assert!(out.contains(&format!("<D:getetag>\"a-{micros:x}\"</D:getetag>")));
        assert!(
            out.contains("<D:getlastmodified>Tue, 14 Nov 2023 22:13:20 GMT</D:getlastmodified>")
        );
        assert!(out.contains("<D:creationdate>2023-11-14T22:13:20Z</D:creationdate>"));
        assert!(out.contains("<D:resourcetype/>"));
        assert!(out.contains(r#"<x:p xmlns:x="urn:x">v &amp; w</x:p>"#));
        assert!(out.ends_with("<D:status>HTTP/1.1 200 OK</D:status></D:propstat></D:response>"));
        assert!(!out.contains("404"));
        // The result is well-formed once inside a multistatus.
        let doc = format!("{}{out}</D:multistatus>", r.open());
        Element::parse(doc.as_bytes()).unwrap();
    }

    #[test]
    fn prop_lists_split_found_and_missing() {
        let r = render(Want::Props(vec![
            name(DAV, "resourcetype"),
            name(DAV, "getcontentlength"),
            name(DAV, "quota-used-bytes"),
            name("urn:x", "nope"),
            name(MS, "Win32FileAttributes"),
        ]));
        let mut out = String::new();
        r.response(&mut out, "/dav/.d/", &item(".d", true), &[]);
        let ok = out.find("200 OK").unwrap();
        let missing = out.find("404 Not Found").unwrap();
        assert!(ok < missing);
        assert!(out.contains("<D:resourcetype><D:collection/></D:resourcetype>"));
        assert!(out.contains("<D:quota-used-bytes>0</D:quota-used-bytes>"));
        assert!(out.contains("<Z:Win32FileAttributes>00000012</Z:Win32FileAttributes>"));
        assert!(out.contains("<D:getcontentlength/>"));
        assert!(out.contains(r#"<nope xmlns="urn:x"/>"#));
        let doc = format!("{}{out}</D:multistatus>", r.open());
        assert!(doc.contains(r#"xmlns:Z="urn:schemas-microsoft-com:""#));
        Element::parse(doc.as_bytes()).unwrap();
    }

    #[test]
    fn nothing_found_is_one_404_propstat() {
        let r = render(Want::Props(vec![
            name("urn:x", "a"),
            name(DAV, "getcontentlength"),
        ]));
        let mut out = String::new();
        r.response(&mut out, "/dav/d/", &item("d", true), &[]);
        assert_eq!(
            out,
            concat!(
                "<D:response><D:href>/dav/d/</D:href><D:propstat><D:prop>",
                r#"<a xmlns="urn:x"/><D:getcontentlength/>"#,
                "</D:prop><D:status>HTTP/1.1 404 Not Found</D:status></D:propstat></D:response>"
            )
        );
    }

    #[test]
    fn dates_before_1970_are_written_as_the_epoch() {
        let t = chrono::DateTime::from_timestamp(-86_400, 0).unwrap();
        assert_eq!(http_date(t).to_string(), "Thu, 01 Jan 1970 00:00:00 GMT");
    }

    #[test]
    fn the_root_reports_the_owners_quota() {
        let r = render(Want::Props(vec![
            name(DAV, "quota-used-bytes"),
            name(DAV, "quota-available-bytes"),
        ]));
        let mut root = item("", true);
        root.root = true;
        let mut out = String::new();
        r.response(&mut out, "/dav/", &root, &[]);
        assert!(out.contains("<D:quota-used-bytes>100</D:quota-used-bytes>"));
        assert!(out.contains("<D:quota-available-bytes>900</D:quota-available-bytes>"));
    }
}
