//! Writing a PROPFIND answer: the multistatus of one request, a `response` per entry, with
//! the live properties computed from the row and the dead ones stored by PROPPATCH.

use std::{collections::HashMap, fmt::Write as _, time::SystemTime};

use chrono::SecondsFormat;
use chrono::{DateTime, Utc};
use percent_encoding::{AsciiSet, NON_ALPHANUMERIC, utf8_percent_encode};
use stratus_entity::file;
use xmltree::{Element, EmitterConfig};

use super::{Name, Row, Want};
use crate::{
    dav::{meta, path, props},
    nextcloud::dav::oc::props::{self as oc, Access, Extra, Facts, NC, OC},
};

pub(super) const DAV: &str = "DAV:";
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

/// One entry as the properties see it.
pub(super) struct Item<'a> {
    id: i64,
    name: &'a str,
    dir: bool,
    len: u64,
    created: DateTime<Utc>,
    modified: DateTime<Utc>,
    etag: meta::Etag,
    /// The account root: its quota is the owner's.
    root: bool,
}

impl<'a> Item<'a> {
    pub(super) fn of(row: &'a Row, root: bool) -> Self {
        let dir = row.kind == file::kind::FOLDER;
        Item {
            id: row.id,
            name: &row.name,
            dir,
            len: if dir { 0 } else { row.size.max(0) as u64 },
            created: row.created_at,
            modified: row.updated_at,
            etag: meta::Etag::new(row.id, row.primary_entity, row.updated_at, row.tree_rev),
            root,
        }
    }
}

/// What every entry of one answer shares.
pub(super) struct Render {
    pub(super) want: Want,
    /// A Windows client asking for everything: the Win32 properties too.
    pub(super) ms: bool,
    /// macOS's WebDAVFS wants the used bytes zero-padded.
    pub(super) webdavfs: bool,
    pub(super) used: u64,
    pub(super) total: u64,
    pub(super) block_junk: bool,
    /// What the caller may do (`oc:permissions`).
    pub(super) access: Access,
    /// A Nextcloud client's mount: `allprop` has the `oc:`/`nc:` properties too.
    pub(super) nextcloud: bool,
}

impl Render {
    /// The XML declaration and the opening `multistatus`.
    pub(super) fn open(&self) -> String {
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
        if self.asks_nextcloud() {
            out.push_str(oc::XMLNS);
        }
        out.push('>');
        out
    }

    /// Whether the answer may hold `oc:`/`nc:` properties.
    fn asks_nextcloud(&self) -> bool {
        match &self.want {
            Want::All => self.nextcloud,
            Want::Props(list) => list.iter().any(|n| n.ns == OC || n.ns == NC),
        }
    }

    /// Whether the answer holds property `ns` `local`.
    pub(super) fn asks(&self, ns: &str, local: &str) -> bool {
        match &self.want {
            Want::All => self.nextcloud && oc::ALLPROP.contains(&(ns, local)),
            Want::Props(list) => list.iter().any(|n| n.ns == ns && n.local == local),
        }
    }

    /// The `response`s of a page of children of the folder at `base`.
    pub(super) fn page(
        &self,
        base: &str,
        rows: &[Row],
        dead: &HashMap<i64, Vec<(String, String)>>,
        extra: &Extra,
    ) -> String {
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
            self.response(&mut out, &href, &item, props, extra);
        }
        out
    }

    /// One `response`: the properties found (200) and, for a `prop` list, those not (404).
    pub(super) fn response(
        &self,
        out: &mut String,
        href: &str,
        item: &Item,
        dead: &[(String, String)],
        extra: &Extra,
    ) {
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
                    self.live(out, item, DAV, local, extra);
                }
                if self.ms {
                    for local in MS_ALLPROP {
                        self.live(out, item, MS, local, extra);
                    }
                }
                if self.nextcloud {
                    for (ns, local) in oc::ALLPROP {
                        self.live(out, item, ns, local, extra);
                    }
                }
                for (_, value) in dead {
                    dead_xml(out, value);
                }
            }
            Want::Props(list) => {
                for name in list {
                    if !self.live(out, item, &name.ns, &name.local, extra)
                        && !stored(out, name, dead)
                    {
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
    fn live(&self, out: &mut String, item: &Item, ns: &str, local: &str, extra: &Extra) -> bool {
        let prefix = match ns {
            DAV => "D",
            MS => "Z",
            OC => "oc",
            NC => "nc",
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
            (OC | NC, _) => {
                let facts = Facts {
                    id: item.id,
                    name: item.name,
                    dir: item.dir,
                    size: item.len as i64,
                };
                if !oc::value(out, ns, local, &facts, self.access, extra) {
                    out.truncate(start);
                    return false;
                }
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
        OC => write!(out, "<oc:{}/>", name.local),
        NC => write!(out, "<nc:{}/>", name.local),
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
fn http_date(t: DateTime<Utc>) -> httpdate::HttpDate {
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

    fn item(name: &str, dir: bool) -> Item<'_> {
        let t = chrono::DateTime::from_timestamp(1_700_000_000, 0).unwrap();
        Item {
            id: 10,
            name,
            dir,
            len: if dir { 0 } else { 5 },
            created: t,
            modified: t,
            etag: meta::Etag::new(10, None, t, 0),
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
            access: Access::Full,
            nextcloud: false,
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
        r.response(
            &mut out,
            "/dav/a%20b.txt",
            &item("a b.txt", false),
            &dead,
            &Extra::default(),
        );
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
            Name::new(DAV, "resourcetype"),
            Name::new(DAV, "getcontentlength"),
            Name::new(DAV, "quota-used-bytes"),
            Name::new("urn:x", "nope"),
            Name::new(MS, "Win32FileAttributes"),
        ]));
        let mut out = String::new();
        r.response(
            &mut out,
            "/dav/.d/",
            &item(".d", true),
            &[],
            &Extra::default(),
        );
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
            Name::new("urn:x", "a"),
            Name::new(DAV, "getcontentlength"),
        ]));
        let mut out = String::new();
        r.response(
            &mut out,
            "/dav/d/",
            &item("d", true),
            &[],
            &Extra::default(),
        );
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
            Name::new(DAV, "quota-used-bytes"),
            Name::new(DAV, "quota-available-bytes"),
        ]));
        let mut root = item("", true);
        root.root = true;
        let mut out = String::new();
        r.response(&mut out, "/dav/", &root, &[], &Extra::default());
        assert!(out.contains("<D:quota-used-bytes>100</D:quota-used-bytes>"));
        assert!(out.contains("<D:quota-available-bytes>900</D:quota-available-bytes>"));
    }
}
